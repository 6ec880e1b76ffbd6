"""Supervision pages (a zone's or the city's people, coverage, tours and what is short) and
the page of a person with no tours this week. Plain HTML, no map, every number from the
run's figures."""

from __future__ import annotations

import datetime as dt
import html
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from roadchief.crossings import describe_span, segment_ends
from roadchief.domain import Chief, PatrolInstance, Segment
from roadchief.figures import Coverage, PersonFigures, RunFigures, TourFigures
from roadchief.i18n import Translator, clean_text, natural_key, sort_zones
from roadchief.render.html_page import Cell, kpis, link, page, table
from roadchief.render.labels import area_file, safe_file_id
from roadchief.render.leaflet_page import map_parts

SHORT_ROWS = 40
"""Segments listed as short on a zone's page (most uncovered length first)."""


@dataclass(frozen=True)
class AreaIndex:
    """A run's tours, people and segments grouped by zone once, for every area page."""

    tours: Mapping[str, list[TourFigures]]
    people: Mapping[str, list[PersonFigures]]
    segments: Mapping[str, list[Segment]]
    ends: Mapping[str, tuple[str, str]]

    @classmethod
    def of(cls, figures: RunFigures, instance: PatrolInstance) -> AreaIndex:
        tours: dict[str, list[TourFigures]] = defaultdict(list)
        for t in figures.tours.values():
            tours[t.zone_id].append(t)
        people: dict[str, list[PersonFigures]] = defaultdict(list)
        for p in figures.people.values():
            people[p.zone_id].append(p)
        return cls(tours, people, instance.segments_by_zone(), segment_ends(instance.segments))


def area_of(chief: Chief) -> str | None:
    """The zone a supervisor oversees; None for the whole city (总路长, a city-level 一级路长)."""
    return chief.zone_id or None


def area_page(
    area: str | None,
    figures: RunFigures,
    instance: PatrolInstance,
    *,
    tr: Translator,
    viewer: Chief | None = None,
    index: AreaIndex | None = None,
    map_data: Mapping[str, Any] | None = None,
    shared: str | None = None,
) -> str:
    """A zone's supervision page (``area`` a zone id) or the city's (None). ``viewer``: the
    supervisor whose own page this is (written in ``chiefs/``, so links start there);
    ``index``: the run grouped by zone (built here when not given); ``map_data``: the
    area's map (``area_maps``), drawn under the key figures, Leaflet linked from
    ``shared`` (``../assets/``) or inlined (None)."""
    index = index or AreaIndex.of(figures, instance)
    to_chiefs = "" if viewer is not None else "../chiefs/"
    to_areas = "../areas/" if viewer is not None else ""
    names = {z: zf.name for z, zf in figures.by_zone.items()}
    area_name = clean_text(names.get(area, area)) if area else tr("whole city")
    title = tr("{area} · supervision {week}", area=area_name, week=figures.week)
    parts = [f"<h1>{html.escape(title)}</h1>"]
    if viewer is not None:
        line = tr(
            "{name} · {level} · no patrol tours of your own this week.",
            name=clean_text(viewer.name),
            level=tr.level(viewer.level),
        )
        parts.append(f"<p class=note>{html.escape(line)}</p>")
    if area is None:
        parts += _city_parts(figures, names, tr, to_areas)
    else:
        parts += _zone_parts(area, figures, index, instance, tr, to_chiefs)
    if map_data is None:
        return page(title, "".join(parts), tr=tr)
    head, tail = map_parts(map_data, script="area.js", tr=tr, shared=shared)
    at = 2 if viewer is None else 3  # under the title (and note) and the key figures
    parts.insert(at, "<div id='map' class='rc-amap'></div>")
    return page(title, "".join(parts) + tail, tr=tr, head=head)


def _figures_of(
    cov: Coverage, tours: int, km: float, capacity: int, used: int, tr: Translator
) -> list[tuple[str, str]]:
    return [
        (tr("coverage"), tr.percent(cov.share)),
        (tr("patrols required"), f"{cov.required:,}"),
        (tr("planned toward it"), f"{cov.toward:,}"),
        (tr("extra patrols"), f"{cov.extra:,}"),
        (tr("uncovered km"), f"{cov.uncovered_m / 1000:.1f}"),
        (tr("tours"), f"{tours:,}"),
        (tr("km walked"), tr.km(km)),
        (tr("tours / capacity"), f"{used:,} / {capacity:,}"),
    ]


def _city_parts(
    figures: RunFigures, names: dict[str, str], tr: Translator, to_areas: str
) -> list[str]:
    f = figures
    zones = sort_zones(list(f.by_zone), names)
    cap = sum(z.capacity for z in f.by_zone.values())
    used = sum(z.home_tours for z in f.by_zone.values())
    out = [kpis(_figures_of(f.coverage, len(f.tours), f.km_walked, cap, used, tr))]
    if f.unplaced:
        msg = tr("{n} segments ({km}) lie in no zone: they have no chief and no patrols.",
                 n=f.segments_unplaced, km=tr.km(f.km_unplaced))  # fmt: skip
        out.append(f"<p class=low>{html.escape(msg)}</p>")
    short = [z for z in zones if f.by_zone[z].coverage.toward < f.by_zone[z].coverage.required]
    out.append(f"<h2>{html.escape(tr('What is short'))}</h2>")
    if short:
        rows: list[list[Cell]] = [
            [names[z] or z, tr.percent(f.by_zone[z].coverage.share),
             f"{f.by_zone[z].coverage.required - f.by_zone[z].coverage.toward:,}",
             f"{f.by_zone[z].coverage.uncovered_m / 1000:.1f}"]
            for z in short
        ]  # fmt: skip
        out.append(
            table([tr("zone"), tr("coverage"), tr("patrols missing"), tr("uncovered km")], rows)
        )
    else:
        out.append(f"<p>{html.escape(tr('Every required patrol is planned.'))}</p>")
    out.append(f"<h2>{html.escape(tr('Zones'))}</h2><ul class=people>")
    for z in zones:
        zf = f.by_zone[z]
        text = tr("{zone}: coverage {share}, {tours} tours by {people} people",
                  zone=names[z] or z, share=tr.percent(zf.coverage.share), tours=zf.tours,
                  people=zf.people)  # fmt: skip
        out.append(f"<li>{link(f'{to_areas}{area_file(z)}', text)}</li>")
    out.append("</ul>")
    return out


def _zone_parts(
    area: str,
    figures: RunFigures,
    index: AreaIndex,
    instance: PatrolInstance,
    tr: Translator,
    to_chiefs: str,
) -> list[str]:
    f = figures
    zf = f.by_zone[area]
    out = [kpis(_figures_of(zf.coverage, zf.tours, zf.km_walked, zf.capacity, zf.home_tours, tr))]
    out.append(f"<h2>{html.escape(tr('People'))}</h2>")
    people = sorted(index.people.get(area, []), key=lambda p: (p.level, natural_key(p.name)))
    rows: list[list[Cell]] = []
    for p in people:
        rows.append([p.name, tr.level(p.level), f"{p.owned}",
                     (f"{p.tours}", "low" if p.capacity and not p.tours else ""),
                     f"{p.capacity}", f"{p.patrols}", f"{p.km_walked:.1f}", f"{p.evening}",
                     f"{p.weekend}"])  # fmt: skip
    out.append(table([tr("person"), tr("level"), tr("own segments"), tr("tours"), tr("capacity"),
                      tr("patrols"), tr("km walked"), tr("evening"), tr("weekend")], rows))  # fmt: skip
    links = [
        link(f"{to_chiefs}{safe_file_id(p.chief_id)}.html", tr("map of {name}", name=p.name))
        for p in people
    ]
    out.append(f"<p class=note>{' · '.join(links)}</p>")
    out.append(f"<h2>{html.escape(tr('Tours by day'))}</h2>")
    day_rows: list[list[Cell]] = []
    by_day: dict[dt.date, list[TourFigures]] = defaultdict(list)
    for t in index.tours.get(area, []):
        by_day[t.day].append(t)
    for day in instance.week.days:
        tours = by_day.get(day, [])
        day_rows.append([tr.day(day), f"{len(tours)}", f"{sum(t.patrols for t in tours):,}",
                       tr.km(sum(t.km_walked for t in tours))])  # fmt: skip
    out.append(table([tr("day"), tr("tours"), tr("patrols"), tr("km walked")], day_rows))
    out.append(f"<h2>{html.escape(tr('What is short'))}</h2>")
    out.append(_short_segments(area, figures, index, tr))
    return out


def _short_segments(area: str, figures: RunFigures, index: AreaIndex, tr: Translator) -> str:
    segs = index.segments.get(area, [])
    ends = index.ends
    short = []
    for s in segs:
        got = figures.patrols_by_segment.get(s.segment_id, 0)
        if got < s.patrols_per_week:
            short.append(((s.patrols_per_week - got) * s.length_m, s, got))
    if not short:
        return f"<p>{html.escape(tr('Every required patrol is planned.'))}</p>"
    short.sort(key=lambda r: (-r[0], r[1].segment_id))
    rows: list[list[Cell]] = [
        [describe_span(clean_text(s.road_name) or tr("unnamed road"), ends[s.segment_id]),
         tr.road_class(s.road_class), f"{s.patrols_per_week}", f"{got}", f"{miss / 1000:.2f}"]
        for miss, s, got in short[:SHORT_ROWS]
    ]  # fmt: skip
    return table(
        [tr("road"), tr("road class"), tr("required"), tr("planned"), tr("uncovered km")], rows
    )


def no_tour_page(chief: Chief, instance: PatrolInstance, *, tr: Translator) -> str:
    """The page of a person with no tours and no segments this week: it says so."""
    title = tr("{name} · patrols {week}", name=clean_text(chief.name), week=instance.week)
    boss = next((c for c in instance.chiefs if c.chief_id == chief.supervisor_id), None)
    lines: Sequence[str] = [
        tr("No patrol tours for you this week."),
        *([tr("supervisor: {name}, {level}", name=clean_text(boss.name), level=tr.level(boss.level))]
          if boss else []),
    ]  # fmt: skip
    body = f"<h1>{html.escape(title)}</h1>" + "".join(f"<p>{html.escape(x)}</p>" for x in lines)
    return page(title, body, tr=tr)
