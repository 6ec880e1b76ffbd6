"""Draw the planners' overview map: the week's key figures, zones with their coverage,
every segment coloured by coverage (or owner, or patrol count), unplaced segments, places,
and a search that zooms to any person's streets.

The map only shows results: every number comes from the run's figures. Every group of
features is one ``GeoJson`` layer (not one folium object per segment), so a city of 26,000
segments stays light; tooltips and popups are built in the browser by ``assets/map.js``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import folium
import numpy as np
import shapely
from folium.utilities import JsCode

from roadchief.domain import Ownership, PatrolInstance
from roadchief.figures import RunFigures
from roadchief.geo.china import wgs84_to_gcj02_xy
from roadchief.geo.city import PreparedCity
from roadchief.i18n import DEFAULT_LANGUAGE, Translator, clean_text, sort_zones
from roadchief.render.colours import COVERAGE_COLOURS, colour_chiefs
from roadchief.render.draw import COORD_DECIMALS, Draw, to_wgs84
from roadchief.render.features import (
    place_features,
    segment_features,
    unplaced_features,
    zone_features,
)
from roadchief.render.labels import campaign_counts, loop_notes, tables, zone_names
from roadchief.render.legends import overview_header, overview_legend
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

LAYERS_UP_TO_ZONES = 20
"""Up to this many zones each zone's segments are a layer of their own; beyond, one layer
(a list of a hundred layers helps nobody, and each costs the page a script block)."""
CANVAS_FROM_SEGMENTS = 5000
"""From this many segments the overview draws on a canvas (SVG paths would slow a phone)."""


def render_overview(
    city: PreparedCity,
    ownership: Ownership,
    figures: RunFigures,
    instance: PatrolInstance,
    path: Path,
    *,
    tiles: BaseMap | str | None = None,
    tr: Translator | None = None,
    prefer_canvas: bool | None = None,
    coord_decimals: int = COORD_DECIMALS,
) -> None:
    """Write the planners' map.

    Parameters
    ----------
    city
        The prepared city; its GeoDataFrames are in EPSG:4326.
    ownership, figures, instance
        The results and their figures; nothing is decided here.
    path
        The HTML file to write.
    tiles
        None for no background tiles (offline, the default); a ``BaseMap`` or the name of
        one without a key (``"osm"``). Over a GCJ-02 base map (Amap) every overlay is
        converted to GCJ-02.
    tr
        The language (Chinese when None).
    prefer_canvas
        Draw on a canvas instead of SVG; None: from ``CANVAS_FROM_SEGMENTS`` segments.
    coord_decimals
        Decimals kept in coordinates; lines are simplified within the same tolerance.
    """
    tr = tr or Translator(DEFAULT_LANGUAGE)
    base = resolve_tiles(tiles)
    draw = Draw(coord_decimals, wgs84_to_gcj02_xy if base and base.needs_gcj02 else None)
    colours = colour_chiefs(instance, ownership)
    names = zone_names(instance, city.zones_gdf)
    canvas = (
        len(city.segments_gdf) >= CANVAS_FROM_SEGMENTS if prefer_canvas is None else prefer_canvas
    )
    m = new_map(tr("{week} road chief patrols", week=figures.week), base=base, prefer_canvas=canvas)
    lookup = tables(instance, names, tr)
    add_script(m, lookup)

    zones = zone_features(city.zones_gdf, draw)
    if zones:
        add_geojson(m, zones, tr("zones ({n})", n=len(zones)), on_each_feature="RC.bindZone")
    features = segment_features(city.segments_gdf, ownership, figures, instance, colours, draw,
                                notes=loop_notes(instance, tr))  # fmt: skip
    by_zone: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for feature in features:
        by_zone[feature["properties"]["zone"]].append(feature)
    if len(by_zone) > LAYERS_UP_TO_ZONES:
        name = tr("segments ({n})", n=len(features))
        add_geojson(m, features, name, on_each_feature="RC.bindSegment")
    else:
        for zone_id in sort_zones(list(by_zone), names):
            n = len(by_zone[zone_id])
            name = tr("segments · {zone} ({n})", zone=names.get(zone_id, zone_id), n=n)
            add_geojson(m, by_zone[zone_id], name, on_each_feature="RC.bindSegment")
    unplaced = unplaced_features(city.unplaced_gdf, draw, tr, names)
    if unplaced:
        label = tr("segments in no zone ({n})", n=len(unplaced))
        add_geojson(m, unplaced, label, on_each_feature="RC.bindUnplaced")
    places = place_features(city.places_gdf, draw)
    if places:
        add_geojson(
            m,
            places,
            tr("priority places ({n})", n=len(places)),
            on_each_feature="RC.bindPlace",
            point_to_layer=JsCode("RC.placeMarker"),
        )

    add_html(m, overview_header(figures, tr))
    add_html(m, overview_legend(len(unplaced), tr, campaign_counts(instance)))
    folium.LayerControl(collapsed=True).add_to(m)
    add_call(
        m,
        "RC.overviewControl",
        _control_options(city, ownership, figures, instance, names, draw, tr),
    )
    fit(m, [city.zones_gdf, city.segments_gdf, city.unplaced_gdf], draw)
    save(m, path)


def _control_options(
    city: PreparedCity,
    ownership: Ownership,
    figures: RunFigures,
    instance: PatrolInstance,
    names: Mapping[str, str],
    draw: Draw,
    tr: Translator,
) -> dict[str, Any]:
    """The overview control's data: days, coverage colours, zone labels, people to find."""
    gdf = to_wgs84(city.segments_gdf)
    boxes = shapely.bounds(np.asarray(gdf.geometry.values))
    box_of = dict(zip(gdf["segment_id"].astype(str).tolist(), boxes.tolist(), strict=True))
    streets: dict[str, set[str]] = defaultdict(set)
    for sid, owner in ownership.owner_of.items():
        streets[owner].add(sid)
    for tour in figures.tours.values():
        streets[tour.chief_id].update(tour.segment_ids)
    people = []
    for chief in instance.chiefs:
        found = [box_of[s] for s in streets.get(chief.chief_id, ()) if s in box_of]
        if not found:
            continue
        arr = np.array(found)
        corners = draw.xy(np.array([arr[:, :2].min(axis=0), arr[:, 2:].max(axis=0)]))
        (west, south), (east, north) = corners.tolist()
        zone = names.get(chief.zone_id or "", "") or tr("whole city")
        label = f"{clean_text(chief.name)} · {tr.level(chief.level)} · {zone}"
        people.append([chief.chief_id, label, [[south, west], [north, east]]])
    zones = to_wgs84(city.zones_gdf)
    points = draw.xy(shapely.get_coordinates(zones.geometry.representative_point().values))
    labels = []
    for zone_id, (x, y) in zip(zones["zone_id"].astype(str).tolist(), points.tolist(), strict=True):
        zf = figures.by_zone.get(zone_id)
        share = tr.percent(zf.coverage.share) if zf is not None else ""
        labels.append({"name": names.get(zone_id, zone_id), "share": share, "at": [y, x]})
    return {
        "days": [[d.isoformat(), tr.day(d)] for d in instance.week.days],
        "people": people,
        "zones": labels,
        "coverage": [colour for _, colour in COVERAGE_COLOURS],
    }
