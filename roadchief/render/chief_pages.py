"""Write a page for everyone with a role: a phone map for each person who walks or owns
segments, a supervision page for 总路长 / 一级 / 二级路长, and a page saying "no tours".

A map page answers "where do I go next": day tabs (the next tour chosen by today's date in
the browser), the tour's segments in the walking order of the checker's walk with the walk
between them, its direction, start and end, the street names of the input roads (so the
map reads offline), a stop list with street names, lengths and the walk to each, and no
internal ids. The data is built here; ``assets/chief.js`` draws it.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from roadchief.domain import Chief, ChiefLevel, Ownership, PatrolInstance, Slot
from roadchief.errors import RoadchiefError
from roadchief.figures import RunFigures, TourFigures
from roadchief.geo.city import PreparedCity
from roadchief.i18n import Translator, clean_text
from roadchief.render.area_maps import zone_map
from roadchief.render.area_pages import AreaIndex, area_of, area_page, no_tour_page
from roadchief.render.draw import Draw
from roadchief.render.labels import area_file, frontage_note, safe_file_id
from roadchief.render.leaflet_page import leaflet_page, tile_layers, write_page
from roadchief.render.page_city import PageCity, along, line_bounds, page_city
from roadchief.render.shared_assets import ASSETS_FOLDER, write_shared_assets
from roadchief.render.tiles import BaseMap
from roadchief.solve.roster.roster_walks import Step, step_paths

SUPERVISORS = (ChiefLevel.GENERAL, ChiefLevel.L1, ChiefLevel.L2)


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
    single_files: bool = False,
    time_zone: str = "",
) -> list[Path]:
    """Write ``folder/chiefs/<chief_id>.html`` for every person, and ``folder/areas/`` (one
    supervision page per zone and one for the city). Returns the person pages written.

    The map pages link Leaflet and their script from ``folder/assets/`` (written here);
    ``single_files`` inlines them in every page instead (``shared_assets``). ``time_zone``
    (the rules') is the clock a page picks the next tour by; the phone's own when empty.
    """
    data = page_city(city, instance, draw)
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
    shared = None if single_files else f"../{ASSETS_FOLDER}/"
    if shared is not None:
        write_shared_assets(folder)
    written: list[Path] = []
    index = AreaIndex.of(figures, instance)
    maps = {
        z.zone_id: zone_map(z.zone_id, data, figures, instance, ownership, tr=tr, tiles=tiles)
        for z in instance.zones
    }
    for area in [None, *(z.zone_id for z in instance.zones)]:
        page = area_page(area, figures, instance, tr=tr, index=index,
                         map_data=maps.get(area or ""), shared=shared)  # fmt: skip
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
                chief, own, tours, steps, data, figures, instance, ownership, tr, tiles, shared,
                time_zone=time_zone,
            )  # fmt: skip
        elif chief.level in SUPERVISORS:
            area = area_of(chief)
            page = area_page(area, figures, instance, tr=tr, viewer=chief, index=index,
                             map_data=maps.get(area or ""), shared=shared)  # fmt: skip
        else:
            page = no_tour_page(chief, instance, tr=tr)
        write_page(path, page)
        written.append(path)
    return written


def _map_page(
    chief: Chief,
    own: Sequence[str],
    tours: Sequence[TourFigures],
    steps: Mapping[str, list[Step]],
    data: PageCity,
    figures: RunFigures,
    instance: PatrolInstance,
    ownership: Ownership,
    tr: Translator,
    tiles: list[dict[str, Any]],
    shared: str | None,
    *,
    time_zone: str,
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
        "tours": [
            _tour(t, steps[t.tour_id], data, figures, instance, ownership, tr) for t in tours
        ],
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
        "timeZone": time_zone,
        "bounds": line_bounds(points),
    }
    title = tr("{name} · patrols {week}", name=clean_text(chief.name), week=instance.week)
    return leaflet_page(title, payload, script="chief.js", css="chief.css", tr=tr, shared=shared)


def _tour(
    tour: TourFigures,
    steps: Sequence[Step],
    data: PageCity,
    figures: RunFigures,
    instance: PatrolInstance,
    ownership: Ownership,
    tr: Translator,
) -> dict[str, Any]:
    """A tour for the page: segments oriented as walked, the steps between, start and end."""
    slot = instance.slot(tour.slot_id)
    oriented = [data.line(s, rev) for s, rev in zip(tour.segment_ids, tour.reverse, strict=True)]
    stops = []
    notes = _notes(tour, figures, instance, tr)
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
                # the walk from the last stop, when there is one (not "0 m" stop after stop)
                "walk": f"{tour.walk_to_cm[k] / 100:.0f} m" if tour.walk_to_cm[k] >= 50 else "",
                "helping": helping,
                "notes": notes.get(sid, []),
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
            at, angle = along(line, 0.5)
            step_lines.append(
                {"line": line, "straight": step.straight, "arrow": {"at": at, "angle": angle}}
            )
    zone_name = next((z.name for z in instance.zones if z.zone_id == tour.zone_id), tour.zone_id)
    home = instance.chief(tour.chief_id).zone_id
    return {
        "date": tour.day.isoformat(),
        "until": _until(tour.day, slot),
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


def _until(day: dt.date, slot: Slot) -> str:
    """When a tour of ``slot`` on ``day`` ends, local time ``YYYY-MM-DDTHH:MM`` (a slot that
    ends at or before its start ends the next day)."""
    end = dt.datetime.combine(day, slot.end)
    if slot.end <= slot.start:
        end += dt.timedelta(days=1)
    return end.strftime("%Y-%m-%dT%H:%M")


def _notes(
    tour: TourFigures, figures: RunFigures, instance: PatrolInstance, tr: Translator
) -> dict[str, list[str]]:
    """segment id -> what the chief must know there: a case to recheck (复检) on this tour, a
    segment patrolled more this week for its recurring problems, the frontage duty holders
    (门前三包) lining a segment."""
    out: dict[str, list[str]] = {}
    for r in figures.rechecks.get(tour.tour_id, []):
        out.setdefault(r.segment_id, []).append(
            tr("recheck case {case} (by {day})", case=clean_text(r.case_id), day=tr.day(r.due))
        )
    hot, frontage = instance.context.hotspots, instance.context.frontage
    for sid in tour.segment_ids:
        if hot.get(sid):
            out.setdefault(sid, []).append(
                tr("recurring problems: {n} extra patrols this week", n=hot[sid])
            )
        if frontage.get(sid):
            out.setdefault(sid, []).append(frontage_note(frontage[sid], tr))
    return out


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
