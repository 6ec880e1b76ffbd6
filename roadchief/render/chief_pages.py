"""Write a page for everyone with a role: a phone map for each person who walks or owns
segments, a supervision page for 总路长 / 一级 / 二级路长, and a page saying "no tours".

A map page answers "where do I go next": day tabs (the next tour chosen by today's date in
the browser), the tour's segments in the walking order of the checker's walk with the walk
between them, its direction, start and end, the street names of the input roads (so the
map reads offline), a stop list with street names, lengths and the walk to each, and no
internal ids. The data is built here; ``assets/chief.js`` draws it.
"""

from __future__ import annotations

import dataclasses
import html
import itertools
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from roadchief.crossings import segment_ends
from roadchief.domain import Chief, ChiefLevel, Ownership, PatrolInstance
from roadchief.errors import RoadchiefError
from roadchief.figures import RunFigures, TourFigures
from roadchief.geo.city import PreparedCity
from roadchief.i18n import Translator, clean_text
from roadchief.render.area_pages import AreaIndex, area_of, area_page, no_tour_page
from roadchief.render.draw import Draw, geometry_by_segment
from roadchief.render.labels import area_file, safe_file_id
from roadchief.render.leaflet_page import leaflet_page, tile_layers, write_page
from roadchief.render.street_labels import LatLon, angle_deg, street_labels
from roadchief.render.tiles import BaseMap
from roadchief.solve.roster.walk import Step, step_paths

SUPERVISORS = (ChiefLevel.GENERAL, ChiefLevel.L1, ChiefLevel.L2)


@dataclass(frozen=True)
class _City:
    """What every page looks segments up in: lines as [lat, lon] and names."""

    lines: Mapping[str, list[LatLon]]
    roads: Mapping[str, str]
    spans: Mapping[str, str]
    by_zone: Mapping[str, list[str]]
    labels: Mapping[str, list[dict[str, Any]]]
    """Street names of each zone, placed once for every page that shows the zone."""
    marks: dict[tuple[str, bool], tuple[LatLon, LatLon, float]] = dataclasses.field(
        default_factory=dict
    )
    """(segment, walked backwards) -> its midpoint, and the point and angle of its arrow."""

    def line(self, segment_id: str, reverse: bool) -> list[LatLon]:
        """A segment's points in the direction it is walked."""
        return self.lines[segment_id][::-1] if reverse else self.lines[segment_id]

    def mark(self, segment_id: str, reverse: bool) -> tuple[LatLon, LatLon, float]:
        """Midpoint, arrow point and arrow angle of a segment walked one way (kept)."""
        key = (segment_id, reverse)
        found = self.marks.get(key)
        if found is None:
            line = self.line(segment_id, reverse)
            at, angle = _along(line, 0.7)
            found = self.marks[key] = (_along(line, 0.5)[0], at, angle)
        return found


def write_person_pages(
    city: PreparedCity,
    figures: RunFigures,
    instance: PatrolInstance,
    ownership: Ownership,
    folder: Path,
    *,
    tr: Translator,
    draw: Draw,
    base: BaseMap | None = None,
) -> list[Path]:
    """Write ``folder/chiefs/<chief_id>.html`` for every person, and ``folder/areas/`` (one
    supervision page per zone and one for the city). Returns the person pages written."""
    data = _city(city, instance, draw)
    shown = set(ownership.owner_of) | {s for t in figures.tours.values() for s in t.segment_ids}
    missing = sorted(shown - set(data.lines))
    if missing:
        raise RoadchiefError(
            f"segment {missing[0]!r} ({len(missing)} in all) is in the ownership or roster but "
            "not among the placed segments of the city; render from the same run's results"
        )
    walked = {t.tour_id: (t.segment_ids, t.reverse, t.walk_to_cm) for t in figures.tours.values()}
    steps = step_paths(walked, instance.segments)
    tiles = tile_layers(base)
    written: list[Path] = []
    index = AreaIndex.of(figures, instance)
    for area in [None, *(z.zone_id for z in instance.zones)]:
        page = area_page(area, figures, instance, tr=tr, index=index)
        write_page(folder / "areas" / area_file(area), page)
    owned: dict[str, list[str]] = {}
    for sid, owner in sorted(ownership.owner_of.items()):
        owned.setdefault(owner, []).append(sid)
    for chief in instance.chiefs:
        path = folder / "chiefs" / f"{safe_file_id(chief.chief_id)}.html"
        own = owned.get(chief.chief_id, [])
        tours = figures.tours_of(chief.chief_id)
        if own or tours:
            page = _map_page(
                chief, own, tours, steps, data, figures, instance, ownership, tr, tiles
            )
        elif chief.level in SUPERVISORS:
            page = area_page(area_of(chief), figures, instance, tr=tr, viewer=chief, index=index)
        else:
            page = no_tour_page(chief, instance, tr=tr)
        write_page(path, page)
        written.append(path)
    return written


def _city(city: PreparedCity, instance: PatrolInstance, draw: Draw) -> _City:
    geometry = geometry_by_segment(city.segments_gdf, draw)
    lines = {sid: _latlon(geom) for sid, (geom, _) in geometry.items()}
    ends = segment_ends(instance.segments)
    by_zone: dict[str, list[str]] = {}
    for seg in instance.segments:
        by_zone.setdefault(seg.zone_id, []).append(seg.segment_id)
    spans = {sid: " — ".join(clean_text(e) for e in pair if e) for sid, pair in ends.items()}
    roads = {s.segment_id: clean_text(s.road_name) for s in instance.segments}
    labels = {
        zone: street_labels([(roads[s], lines[s]) for s in ids]) for zone, ids in by_zone.items()
    }
    return _City(lines=lines, roads=roads, spans=spans, by_zone=by_zone, labels=labels)


def _latlon(geom: Mapping[str, Any]) -> list[LatLon]:
    """A GeoJSON line (or multi-line, parts joined) as [lat, lon] points."""
    coords = geom["coordinates"]
    if geom["type"] == "MultiLineString":
        coords = [xy for part in coords for xy in part]
    return [[float(y), float(x)] for x, y, *_ in coords]


def _map_page(
    chief: Chief,
    own: Sequence[str],
    tours: Sequence[TourFigures],
    steps: Mapping[str, list[Step]],
    data: _City,
    figures: RunFigures,
    instance: PatrolInstance,
    ownership: Ownership,
    tr: Translator,
    tiles: list[dict[str, Any]],
) -> str:
    zones = {instance.segment(s).zone_id for s in own} | {t.zone_id for t in tours}
    if chief.zone_id:
        zones.add(chief.zone_id)
    context = [s for z in sorted(zones) for s in data.by_zone.get(z, [])]
    unnamed = tr("unnamed road")
    shown = list(own) + [s for t in tours for s in t.segment_ids]
    points = [p for s in shown for p in data.lines[s]]
    payload = {
        "words": _words(tr),
        "person": {
            "line": _person_line(chief, instance, len(tours), tr),
            "more": _more(chief, instance, tr),
        },
        "days": _days(tours, instance, tr),
        "tours": [_tour(t, steps[t.tour_id], data, instance, ownership, tr) for t in tours],
        "own": [
            {
                "line": data.lines[s],
                "road": data.roads[s] or unnamed,
                "span": data.spans[s],
                "req": instance.segment(s).patrols_per_week,
                "plan": figures.patrols_by_segment.get(s, 0),
            }
            for s in own
        ],
        "streets": [data.lines[s] for s in context],
        "labels": [label for z in sorted(zones) for label in data.labels.get(z, [])],
        "tiles": tiles,
        "bounds": _bounds(points),
    }
    title = tr("{name} · patrols {week}", name=clean_text(chief.name), week=instance.week)
    return leaflet_page(title, payload, script="chief.js", css="chief.css", tr=tr)


def _tour(
    tour: TourFigures,
    steps: Sequence[Step],
    data: _City,
    instance: PatrolInstance,
    ownership: Ownership,
    tr: Translator,
) -> dict[str, Any]:
    """A tour for the page: segments oriented as walked, the steps between, start and end."""
    slot = instance.slot(tour.slot_id)
    oriented = [data.line(s, rev) for s, rev in zip(tour.segment_ids, tour.reverse, strict=True)]
    stops = []
    for k, (sid, rev) in enumerate(zip(tour.segment_ids, tour.reverse, strict=True)):
        owner = ownership.owner_of.get(sid, "")
        helping = clean_text(instance.chief(owner).name) if owner and owner != tour.chief_id else ""
        mid, at, angle = data.mark(sid, rev)
        stops.append(
            {
                "n": k + 1,
                "road": data.roads[sid] or tr("unnamed road"),
                "span": data.spans[sid],
                "length": f"{instance.segment(sid).length_m:.0f} m",
                "walk": f"{tour.walk_to_cm[k] / 100:.0f} m" if k else "",
                "helping": helping,
                "line": oriented[k],
                "mid": mid,
                "arrow": {"at": at, "angle": angle},
            }
        )
    step_lines = []
    for k, step in enumerate(steps, start=1):
        if step.straight:
            line = [oriented[k - 1][-1], oriented[k][0]]
        else:
            line = [
                p
                for sid, rev in step.segments
                for p in (data.lines[sid][::-1] if rev else data.lines[sid])
            ]
        if len(line) >= 2 and line[0] != line[-1]:
            at, angle = _along(line, 0.5)
            step_lines.append(
                {"line": line, "straight": step.straight, "arrow": {"at": at, "angle": angle}}
            )
    zone_name = next((z.name for z in instance.zones if z.zone_id == tour.zone_id), tour.zone_id)
    home = instance.chief(tour.chief_id).zone_id
    return {
        "date": tour.day.isoformat(),
        "when": f"{tr.day(tour.day)} {tr.slot_time(slot)}",
        "summary": tr(
            "{n} segments · {km} walked ({segments} of segments + {between} between)",
            n=tour.patrols,
            km=tr.km(tour.km_walked),
            segments=tr.km(tour.km_segments),
            between=tr.km(tour.km_between),
        ),
        "helpZone": tr("helping zone {zone}", zone=clean_text(zone_name))
        if home != tour.zone_id
        else "",
        "stops": stops,
        "steps": step_lines,
        "start": oriented[0][0] if oriented else None,
        "end": oriented[-1][-1] if oriented else None,
    }


def _along(line: Sequence[LatLon], share: float) -> tuple[LatLon, float]:
    """The point ``share`` of the way along a line (by vertices' distance) and the line's
    screen angle there, in degrees clockwise from east."""
    if len(line) < 2:
        return (list(line[0]) if line else [0.0, 0.0]), 0.0
    cos = math.cos(math.radians(line[0][0]))
    legs = [math.hypot((b[1] - a[1]) * cos, b[0] - a[0]) for a, b in itertools.pairwise(line)]
    goal = sum(legs) * share
    for (a, b), leg in zip(itertools.pairwise(line), legs, strict=True):
        if goal <= leg:
            f = goal / leg if leg else 0.0
            at = [round(a[0] + (b[0] - a[0]) * f, 6), round(a[1] + (b[1] - a[1]) * f, 6)]
            return at, angle_deg(a, b)
        goal -= leg
    return list(line[-1]), angle_deg(line[-2], line[-1])


def _bounds(points: Sequence[LatLon]) -> list[LatLon]:
    if not points:
        return [[0.0, 0.0], [0.0, 0.0]]
    lats, lons = [p[0] for p in points], [p[1] for p in points]
    return [[min(lats), min(lons)], [max(lats), max(lons)]]


def _days(
    tours: Sequence[TourFigures], instance: PatrolInstance, tr: Translator
) -> list[dict[str, Any]]:
    index = {t.day: i for i, t in enumerate(tours)}
    return [
        {"weekday": tr.weekday(d), "date": f"{d.month}/{d.day}", "tour": index.get(d)}
        for d in instance.week.days
    ]


def _person_line(chief: Chief, instance: PatrolInstance, tours: int, tr: Translator) -> str:
    zone = next((z.name for z in instance.zones if z.zone_id == chief.zone_id), "")
    return tr(
        "{name} · {level} · {zone} · {week}: {n} tours",
        name=clean_text(chief.name),
        level=tr.level(chief.level),
        zone=clean_text(zone) or tr("whole city"),
        week=instance.week,
        n=tours,
    )


def _more(chief: Chief, instance: PatrolInstance, tr: Translator) -> str:
    """Markup: the supervisor with a phone link, and a supervisor's link to their area page."""
    parts = []
    boss = next((c for c in instance.chiefs if c.chief_id == chief.supervisor_id), None)
    if boss is not None:
        text = tr(
            "supervisor: {name}, {level}", name=clean_text(boss.name), level=tr.level(boss.level)
        )
        phone = ""
        if boss.phone:
            tel = re.sub(r"[^\d+]", "", boss.phone)
            phone = f' <a href="tel:{html.escape(tel)}">{html.escape(clean_text(boss.phone))}</a>'
        parts.append(html.escape(text) + phone)
    if chief.level in SUPERVISORS:
        area = area_of(chief)
        href = f"../areas/{area_file(area)}"
        parts.append(
            f'<a href="{html.escape(href)}">{html.escape(tr("supervision page of my area"))}</a>'
        )
    return "<br>".join(parts)


def _words(tr: Translator) -> dict[str, str]:
    return {
        "mine": tr("my segment"),
        "patrols": tr("patrols this week (planned / required)"),
        "walkTo": tr("walk to it"),
        "helping": tr("helping"),
        "start": tr("S"),
        "startLong": tr("start of the tour"),
        "end": tr("E"),
        "endLong": tr("last stop of the tour"),
        "noTours": tr("No patrol tours for you this week."),
    }
