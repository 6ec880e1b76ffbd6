"""Draw the planners' overview map: zones, every segment by owner, unplaced segments, places.

The map only shows results: ownership, the roster and the unplaced segments are decided
elsewhere. Every group of features is one ``GeoJson`` layer (not one folium object per
segment), so a city of 26,000 segments stays light; tooltips and popups are built in the
browser by ``assets/map.js`` from compact feature properties.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import folium
from folium.utilities import JsCode

from roadchief.domain import Ownership, PatrolInstance, Roster
from roadchief.geo.china import wgs84_to_gcj02_xy
from roadchief.geo.city import PreparedCity
from roadchief.render.colours import colour_chiefs
from roadchief.render.draw import COORD_DECIMALS, Draw
from roadchief.render.features import (
    place_features,
    segment_features,
    unplaced_features,
    zone_features,
)
from roadchief.render.labels import Tables, tables, zone_names
from roadchief.render.legends import overview_legend
from roadchief.render.page import (
    add_call,
    add_geojson,
    add_html,
    add_script,
    fit,
    new_map,
    resolve_tiles,
    save,
)
from roadchief.render.tiles import BaseMap


def render_overview(
    city: PreparedCity,
    ownership: Ownership,
    roster: Roster,
    instance: PatrolInstance,
    path: Path,
    *,
    tiles: BaseMap | str | None = None,
    prefer_canvas: bool = False,
    coord_decimals: int = COORD_DECIMALS,
) -> None:
    """Write the planners' map: zones, segments coloured by owner, unplaced segments.

    Parameters
    ----------
    city
        The prepared city; its GeoDataFrames are in EPSG:4326.
    ownership, roster, instance
        The results to show; nothing is decided here.
    path
        The HTML file to write.
    tiles
        None for no background tiles (offline, tests, the default); a ``BaseMap`` or the
        name of one without a key (``"osm"``) for a street map behind the data. Over a
        GCJ-02 base map (Amap) every overlay is converted to GCJ-02.
    prefer_canvas
        Draw on a canvas instead of SVG: faster for tens of thousands of segments.
    coord_decimals
        Decimals kept in coordinates; lines are simplified within the same tolerance.
    """
    base = resolve_tiles(tiles)
    draw = Draw(coord_decimals, wgs84_to_gcj02_xy if base and base.needs_gcj02 else None)
    colours = colour_chiefs(instance, ownership)
    names = zone_names(instance, city.zones_gdf)
    m = new_map(f"{instance.week} 路长制巡查总图", base=base, prefer_canvas=prefer_canvas)
    lookup = tables(instance, names)
    add_script(m, lookup)

    zones = zone_features(city.zones_gdf, draw)
    if zones:
        add_geojson(m, zones, f"责任区 ({len(zones)})", on_each_feature="RC.bindZone")
    features = segment_features(city.segments_gdf, ownership, roster, instance, colours, draw)
    by_zone: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for feature in features:
        by_zone[feature["properties"]["zone"]].append(feature)
    for zone_id in sorted(by_zone, key=lambda z: (names.get(z, z), z)):
        name = f"路段 · {names.get(zone_id, zone_id)} ({len(by_zone[zone_id])})"
        add_geojson(m, by_zone[zone_id], name, on_each_feature="RC.bindSegment")
    unplaced = unplaced_features(city.unplaced_gdf, draw)
    if unplaced:
        add_geojson(m, unplaced, f"未落区路段 ({len(unplaced)})", on_each_feature="RC.bindUnplaced")
    places = place_features(city.places_gdf, draw)
    if places:
        add_geojson(
            m,
            places,
            f"重点点位 ({len(places)})",
            on_each_feature="RC.bindPlace",
            point_to_layer=JsCode("RC.placeMarker"),
        )

    add_html(m, overview_legend(instance, ownership, colours, names, len(unplaced)))
    folium.LayerControl(collapsed=True).add_to(m)
    add_call(m, "RC.overviewControl", _filter_options(instance, ownership, lookup, names))
    fit(m, [city.zones_gdf, city.segments_gdf, city.unplaced_gdf], draw)
    save(m, path)


def _filter_options(
    instance: PatrolInstance,
    ownership: Ownership,
    lookup: Tables,
    names: Mapping[str, str],
) -> dict[str, Any]:
    """The overview control's choices: the days of the week and the owners by zone."""
    owners = set(ownership.owner_of.values())
    by_zone: dict[str, list[list[str]]] = defaultdict(list)
    for chief in instance.chiefs:
        if chief.chief_id in owners:
            by_zone[chief.zone_id or ""].append([chief.chief_id, chief.name])
    return {
        "days": [[day, label] for day, label in lookup.days.items()],
        "owners": [
            [names.get(z, z) or "—", by_zone[z]]
            for z in sorted(by_zone, key=lambda z: (names.get(z, z), z))
        ],
    }
