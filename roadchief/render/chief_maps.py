"""Draw one phone map per person: their own segments and the week's tours in walking order."""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import folium
from folium.utilities import JsCode

from roadchief.domain import Assignment, Chief, Ownership, PatrolInstance, Roster
from roadchief.errors import RoadchiefError
from roadchief.geo.china import wgs84_to_gcj02_xy
from roadchief.geo.city import PreparedCity
from roadchief.render.colours import DAY_PALETTE
from roadchief.render.draw import COORD_DECIMALS, Draw, geometry_by_segment
from roadchief.render.features import Feature, patrols_by_segment, segment_attrs
from roadchief.render.labels import (
    Tables,
    day_label,
    safe_file_id,
    slot_label,
    tables,
    zone_names,
)
from roadchief.render.legends import chief_title, tour_legend
from roadchief.render.page import (
    add_geojson,
    add_html,
    add_script,
    fit,
    new_map,
    resolve_tiles,
    save,
)
from roadchief.render.tiles import BaseMap
from roadchief.solve.roster.walk import TourWalk


def render_chief_maps(
    city: PreparedCity,
    ownership: Ownership,
    roster: Roster,
    instance: PatrolInstance,
    folder: Path,
    *,
    walks: Mapping[str, TourWalk],
    tiles: BaseMap | str | None = None,
    coord_decimals: int = COORD_DECIMALS,
) -> list[Path]:
    """Write ``folder/chiefs/<chief_id>.html`` for every person with segments or tours.

    Each map shows only that person's own segments and the tours they walk this week
    (helper patrols included), one layer per tour with the walking order numbered.
    Returns the written paths in the instance's order of chiefs. ``walks``: every tour as
    walked (the checker's ``CheckReport.walks``); ``tiles`` and ``coord_decimals`` as for
    ``render_overview``.
    """
    base = resolve_tiles(tiles)
    draw = Draw(coord_decimals, wgs84_to_gcj02_xy if base and base.needs_gcj02 else None)
    out_dir = folder / "chiefs"
    out_dir.mkdir(parents=True, exist_ok=True)
    city_data = _CityData(
        geometry=geometry_by_segment(city.segments_gdf, draw),
        attrs=segment_attrs(city.segments_gdf),
        patrols=patrols_by_segment(roster, instance),
        tables=tables(instance, zone_names(instance, city.zones_gdf)),
        walks=walks,
    )
    tours_by_chief: dict[str, list[list[Assignment]]] = defaultdict(list)
    for tour in roster.tours().values():
        tours_by_chief[tour[0].chief_id].append(tour)

    written: list[Path] = []
    for chief in instance.chiefs:
        own = ownership.segments_of(chief.chief_id)
        tours = sorted(
            tours_by_chief.get(chief.chief_id, []),
            key=lambda t: (t[0].day, instance.slot(t[0].slot_id).start),
        )
        if not own and not tours:
            continue
        path = out_dir / f"{safe_file_id(chief.chief_id)}.html"
        m = _chief_map(chief, own, tours, city_data, ownership, instance, base=base)
        ids = set(own) | {a.segment_id for t in tours for a in t}
        fit(m, [city.segments_gdf[city.segments_gdf["segment_id"].isin(ids)]], draw)
        save(m, path)
        written.append(path)
    return written


@dataclasses.dataclass(frozen=True)
class _CityData:
    """What every chief map looks segments up in."""

    geometry: Mapping[str, Any]
    """segment_id -> (rounded GeoJSON geometry, midpoint [lon, lat])."""
    attrs: Mapping[str, Mapping[str, Any]]
    patrols: Mapping[str, list[list[str]]]
    tables: Tables
    walks: Mapping[str, TourWalk]
    """tour_id -> the tour as walked: segments plus the walk between them."""


def _chief_map(
    chief: Chief,
    own: Sequence[str],
    tours: Sequence[Sequence[Assignment]],
    data: _CityData,
    ownership: Ownership,
    instance: PatrolInstance,
    *,
    base: BaseMap | None,
) -> folium.Map:
    """One person's map: own segments, one layer per tour, and a title box."""
    m = new_map(f"{chief.name} · {instance.week} 巡查图", base=base, prefer_canvas=False)
    ids = set(own) | {a.segment_id for t in tours for a in t}
    names = {chief.chief_id} | {ownership.owner_of.get(sid, "") for sid in ids}
    names |= {p[2] for sid in own for p in data.patrols.get(sid, [])}
    chiefs = {c: n for c, n in data.tables.chiefs.items() if c in names}
    add_script(m, dataclasses.replace(data.tables, chiefs=chiefs))
    own_features = [_own_feature(sid, data) for sid in own]
    if own_features:
        add_geojson(m, own_features, f"我的路段 ({len(own)})", on_each_feature="RC.bindOwn")
    for i, tour in enumerate(tours):
        _add_tour(m, tour, instance, ownership, data, show=i == 0)
    add_html(m, chief_title(chief, instance, data.tables, tours, data.walks))
    add_html(m, tour_legend(tours))
    folium.LayerControl(collapsed=True).add_to(m)
    return m


def _own_feature(segment_id: str, data: _CityData) -> Feature:
    """A chief's own segment, drawn wide and pale under the tours, with its week's patrols."""
    geom, _ = _lookup(data.geometry, segment_id)
    a = data.attrs[segment_id]
    patrols = data.patrols.get(segment_id, [])
    props = {
        "id": segment_id,
        "road": a["road"],
        "req": a["req"],
        "plan": len(patrols),
        "patrols": patrols,
        "style": {"color": "#555555", "weight": 9, "opacity": 0.3, "className": "rc-own"},
    }
    return {"type": "Feature", "geometry": geom, "properties": props}


def _add_tour(
    m: folium.Map,
    tour: Sequence[Assignment],
    instance: PatrolInstance,
    ownership: Ownership,
    data: _CityData,
    *,
    show: bool,
) -> None:
    """Add one tour as a layer: its segments and a numbered marker at each midpoint."""
    first = tour[0]
    slot = instance.slot(first.slot_id)
    colour = DAY_PALETTE[first.day.weekday()]
    when = f"{day_label(first.day)} {slot_label(slot.slot_id, slot.start, slot.end)}"
    lines, stops = [], []
    for a in sorted(tour, key=lambda a: a.order):
        geom, mid = _lookup(data.geometry, a.segment_id)
        owner = ownership.owner_of.get(a.segment_id, "")
        props = {
            "id": a.segment_id,
            "road": data.attrs[a.segment_id]["road"],
            "order": a.order,
            "when": when,
            "owner": owner,
            "helper": owner != a.chief_id,
            "colour": colour,
        }
        style = {"color": colour, "weight": 5, "opacity": 0.9, "className": "rc-tour"}
        if props["helper"]:
            style["dashArray"] = "8 4"
        lines.append({"type": "Feature", "geometry": geom, "properties": {**props, "style": style}})
        point = {"type": "Point", "coordinates": mid}
        stops.append({"type": "Feature", "geometry": point, "properties": props})
    walk = data.walks[first.tour_id]
    name = f"{when} · {len(tour)} 段 · 步行 {walk.total_cm / 1e5:.1f} km"
    zone_id = instance.segment(first.segment_id).zone_id
    if zone_id != instance.chief(first.chief_id).zone_id:  # cross-zone help (外区支援)
        name = f"支援 {data.tables.zones.get(zone_id, zone_id)} · {name}"
    add_geojson(
        m,
        lines + stops,
        name,
        on_each_feature="RC.bindStop",
        show=show,
        point_to_layer=JsCode("RC.numberMarker"),
    )


def _lookup(geometry: Mapping[str, Any], segment_id: str) -> Any:
    """The geometry of a placed segment, or an error naming the segment."""
    try:
        return geometry[segment_id]
    except KeyError:
        raise RoadchiefError(
            f"segment {segment_id!r} is in the ownership or roster but not among the "
            "placed segments of the city; render from the same run's results"
        ) from None
