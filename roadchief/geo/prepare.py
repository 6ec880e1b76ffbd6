"""Run the GIS ingest stage: read and validate the inputs, cut, place and weigh the segments."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS
from shapely.geometry import box

from roadchief.config import Rules
from roadchief.errors import ProblemLog
from roadchief.geo.city import IngestReport, PreparedCity
from roadchief.geo.demand import (
    FAR_REASON,
    patrols_per_week,
    place_types_near,
    set_aside_stacked,
    snap_incidents,
)
from roadchief.geo.fields import find_field
from roadchief.geo.osm import keep_osm_roads
from roadchief.geo.read import Layer, parse_crs, read_layer
from roadchief.geo.segments import cut_segments
from roadchief.geo.validate import (
    MAX_LISTED,
    Lister,
    check_geometries,
    check_zone_overlaps,
    feature,
    layer_ids,
)
from roadchief.geo.zones import place_segments

WGS84 = "EPSG:4326"
TOO_SHORT_REASON = "roads: shorter than segments.min_length_m"


def prepare_city(
    zones: Path,
    roads: Path,
    rules: Rules,
    *,
    places: Path | None = None,
    incidents: Path | None = None,
    crs: str | None = None,
    zones_layer: str | None = None,
    roads_layer: str | None = None,
    places_layer: str | None = None,
    incidents_layer: str | None = None,
) -> PreparedCity:
    """Read, check and measure a city's inputs; raise InputError listing every problem.

    Parameters
    ----------
    zones, roads, places, incidents
        The input files (see ``roadchief.geo.read.ACCEPTED_FORMATS``).
    rules
        The city's rules: field names, road classes, segment lengths, snapping distances.
    crs
        The CRS of input layers that declare none; layers with a CRS keep theirs.
    zones_layer, roads_layer, places_layer, incidents_layer
        The layer to read in files that hold several.

    Every length is measured in a UTM CRS chosen from the inputs' extent
    (``report.metric_crs``); the returned frames are in EPSG:4326.
    """
    log, report = ProblemLog(), IngestReport()
    assumed = parse_crs(crs, log)
    layers: dict[str, Layer | None] = {}
    for role, path, layer in (
        ("zones", zones, zones_layer),
        ("roads", roads, roads_layer),
        ("places", places, places_layer),
        ("incidents", incidents, incidents_layer),
    ):
        if path is not None:
            layers[role] = read_layer(Path(path), role, log, layer=layer, crs=assumed)
    for role, lay in layers.items():
        if lay is not None:
            report.features_in[role] = len(lay.gdf)

    zone_layer, road_layer = layers.get("zones"), layers.get("roads")
    zones_gdf = _zones_table(zone_layer, rules, log) if zone_layer else None
    roads_gdf = _roads_table(road_layer, rules, log, report.skipped) if road_layer else None
    place_layer, incident_layer = layers.get("places"), layers.get("incidents")
    places_gdf = _places_table(place_layer, rules, log) if place_layer else None
    incidents_gdf = (
        _incidents_table(incident_layer, rules, log, report.skipped) if incident_layer else None
    )
    metric = None
    if zone_layer and road_layer and zones_gdf is not None and roads_gdf is not None:
        metric = _metric_crs(zones_gdf, roads_gdf, zone_layer.source, road_layer.source, log)
        if metric is not None:
            check_zone_overlaps(
                zones_gdf.to_crs(metric), rules.zone_edge_tolerance_m, log, zone_layer.source
            )
    log.raise_if_errors()
    assert zones_gdf is not None and roads_gdf is not None and metric is not None
    assert road_layer is not None
    report.metric_crs = metric.to_string()

    zones_m, roads_m = zones_gdf.to_crs(metric), roads_gdf.to_crs(metric)
    cut = cut_segments(roads_m, rules.max_segment_length_m, rules.min_segment_length_m)
    _report_too_short(cut.too_short, roads_gdf, road_layer.source, log, report.skipped)
    segs = cut.segments_gdf
    _check_unique_segment_ids(segs, road_layer.source, log)
    log.raise_if_errors()
    report.segments_in = len(segs)

    placement = place_segments(
        segs, zones_m, tolerance_m=rules.zone_edge_tolerance_m, min_share=rules.min_share_in_zone
    )
    segs = segs.join(placement)
    places_m = places_gdf.to_crs(metric) if places_gdf is not None else None
    types = (
        place_types_near(segs, places_m, rules.place_snap_m)
        if places_m is not None
        else [[] for _ in range(len(segs))]
    )
    counts = np.zeros(len(segs), dtype=np.int64)
    if incidents_gdf is not None:
        points = incidents_gdf.to_crs(metric).geometry.values
        on = snap_incidents(points, segs, rules.incident_snap_m)
        incidents_gdf["segment_id"] = on
        far = int((on == "").sum())
        if far:
            report.skipped[FAR_REASON] = far
        per_seg = pd.Series(on[on != ""]).value_counts()
        counts = segs["segment_id"].map(per_seg).fillna(0).to_numpy(dtype=np.int64)
    segs["incidents"] = counts
    segs["place_types"] = [",".join(t) for t in types]
    segs["patrols_per_week"] = patrols_per_week(segs["road_class"], types, counts, rules)

    placed = segs["zone_id"] != ""
    _report_unplaced(segs[~placed], road_layer.source, log)
    report.warnings = log.warnings
    segments_out = segs[placed].drop(columns=["share_in_zones", "reason"])
    unplaced_out = segs[~placed].drop(columns=["zone_id"])
    if len(segments_out) + len(unplaced_out) != report.segments_in:
        raise RuntimeError("ingest lost segments: placed + unplaced != segments produced")
    return PreparedCity(
        zones_gdf=zones_gdf.to_crs(WGS84),
        segments_gdf=_columns(segments_out, _SEGMENT_COLUMNS).to_crs(WGS84),
        unplaced_gdf=_columns(unplaced_out, _UNPLACED_COLUMNS).to_crs(WGS84),
        places_gdf=places_gdf.to_crs(WGS84) if places_gdf is not None else None,
        incidents_gdf=incidents_gdf.to_crs(WGS84) if incidents_gdf is not None else None,
        report=report,
    )


_SEGMENT_COLUMNS = [
    "segment_id",
    "source_id",
    "zone_id",
    "road_name",
    "road_class",
    "length_m",
    "patrols_per_week",
    "from_node",
    "to_node",
    "x_m",
    "y_m",
    "incidents",
    "place_types",
]
_UNPLACED_COLUMNS = [
    "segment_id",
    "source_id",
    "road_name",
    "road_class",
    "length_m",
    "share_in_zones",
    "reason",
    "patrols_per_week",
    "from_node",
    "to_node",
    "x_m",
    "y_m",
    "incidents",
]


def _columns(gdf: gpd.GeoDataFrame, names: list[str]) -> gpd.GeoDataFrame:
    out = gdf[[*names, "geometry"]].reset_index(drop=True)
    assert isinstance(out, gpd.GeoDataFrame)
    return out


def _text_column(gdf: gpd.GeoDataFrame, field: str | None) -> list[str]:
    """A field as text, ``""`` where it is missing or null."""
    if field is None:
        return [""] * len(gdf)
    return [
        "" if v is None or (isinstance(v, float) and np.isnan(v)) else str(v).strip()
        for v in gdf[field]
    ]


def _zones_table(layer: Layer, rules: Rules, log: ProblemLog) -> gpd.GeoDataFrame:
    """zone_id, name, geometry of the usable zones."""
    gdf, src = layer.gdf, layer.source
    id_field = find_field(gdf, "zone_id", rules, log, src)
    name_field = find_field(gdf, "zone_name", rules, log, src)
    ids = layer_ids(
        gdf, id_field, log, src, fallback_field=name_field, generated=lambda i: f"Z{i + 1}"
    )
    names = [n or i for n, i in zip(_text_column(gdf, name_field), ids, strict=True)]
    table = gpd.GeoDataFrame(
        {"zone_id": ids, "name": names}, geometry=gdf.geometry.values, crs=gdf.crs
    )
    return check_geometries(table, "zones", ids, log, src, {}).reset_index(drop=True)


def _roads_table(
    layer: Layer, rules: Rules, log: ProblemLog, skipped: dict[str, int]
) -> gpd.GeoDataFrame:
    """source_id, road_name, road_class, geometry of the usable road features."""
    gdf, src = layer.gdf, layer.source
    if layer.is_osm:
        gdf = keep_osm_roads(gdf, rules, skipped).reset_index(drop=True)
        if len(gdf) == 0:
            log.error(
                src,
                "",
                f"has no ways with a highway tag in osm.highway "
                f"({', '.join(sorted(rules.osm_highway))})",
            )
            return gdf
    id_field = find_field(gdf, "road_id", rules, log, src)
    name_field = find_field(gdf, "road_name", rules, log, src)
    ids = layer_ids(gdf, id_field, log, src, generated=str)
    table = gpd.GeoDataFrame(
        {
            "source_id": ids,
            "road_name": _text_column(gdf, name_field),
            "road_class": _classes(gdf, rules, log, src),
        },
        geometry=gdf.geometry.values,
        crs=gdf.crs,
    )
    return check_geometries(table, "roads", ids, log, src, skipped).reset_index(drop=True)


def _classes(gdf: gpd.GeoDataFrame, rules: Rules, log: ProblemLog, source: str) -> list[str]:
    """The road class of every feature by ``rules.classify``, reading only the fields it uses."""
    wanted = {r.field.lower() for r in rules.classify_rules}
    used = [c for c in gdf.columns if str(c).lower() in wanted]
    if wanted and not used:
        log.repaired(
            source,
            "",
            f"has none of the fields the [classify] rules read "
            f"({', '.join(sorted(wanted))}); every road gets class '{rules.default_class}'; "
            "set [classify] rules for this layer's fields",
        )
    values = gdf[used].astype(object)
    rows = list(values.where(values.notna(), None).itertuples(index=False, name=None))
    classes = {
        row: rules.classify({k: v for k, v in zip(used, row, strict=True) if v is not None})
        for row in set(rows)
    }
    return [classes[row] for row in rows]


def _places_table(layer: Layer, rules: Rules, log: ProblemLog) -> gpd.GeoDataFrame:
    """place_id, place_type, name, geometry (a point inside each place)."""
    gdf, src = layer.gdf, layer.source
    id_field = find_field(gdf, "place_id", rules, log, src)
    type_field = find_field(gdf, "place_type", rules, log, src)
    ids = layer_ids(gdf, id_field, log, src, generated=lambda i: f"P{i + 1}")
    table = gpd.GeoDataFrame(
        {
            "place_id": ids,
            "place_type": _text_column(gdf, type_field),
            "name": _text_column(gdf, find_field(gdf, "place_name", rules, log, src)),
        },
        geometry=gdf.geometry.values,
        crs=gdf.crs,
    )
    table = check_geometries(table, "places", ids, log, src, {})
    return table.set_geometry(table.geometry.representative_point()).reset_index(drop=True)


def _incidents_table(
    layer: Layer, rules: Rules, log: ProblemLog, skipped: dict[str, int]
) -> gpd.GeoDataFrame:
    """incident_id, geometry (a point) of the incidents that have a real location."""
    gdf, src = layer.gdf, layer.source
    id_field = find_field(gdf, "incident_id", rules, log, src)
    ids = layer_ids(gdf, id_field, log, src, generated=lambda i: f"I{i + 1}")
    table = gpd.GeoDataFrame({"incident_id": ids}, geometry=gdf.geometry.values, crs=gdf.crs)
    table = check_geometries(table, "incidents", ids, log, src, skipped)
    table = set_aside_stacked(table, rules.stacked_point_threshold, log, src, skipped)
    return table.set_geometry(table.geometry.representative_point()).reset_index(drop=True)


def _metric_crs(
    zones_gdf: gpd.GeoDataFrame,
    roads_gdf: gpd.GeoDataFrame,
    zones_source: str,
    roads_source: str,
    log: ProblemLog,
) -> CRS | None:
    """The UTM zone of the zones and roads together; logs inputs that do not meet."""
    for gdf, source, role in ((zones_gdf, zones_source, "zone"), (roads_gdf, roads_source, "road")):
        if len(gdf) == 0 and not log.errors:
            log.error(
                source,
                "",
                f"has no usable {role} features: each one was dropped (for "
                "example a line of zero length); expected at least one",
            )
    if len(zones_gdf) == 0 or len(roads_gdf) == 0:
        return None
    zone_box = box(*zones_gdf.to_crs(WGS84).total_bounds)
    road_box = box(*roads_gdf.to_crs(WGS84).total_bounds)
    if not zone_box.intersects(road_box):
        log.error(
            roads_source,
            "",
            f"lies nowhere near the zones of {zones_source} (roads at "
            f"{_where_box(road_box)}, zones at {_where_box(zone_box)} in degrees); one of "
            "them has the wrong CRS; fix it or pass --crs for a layer without one",
        )
        return None
    extent = gpd.GeoSeries([shapely.union(zone_box, road_box)], crs=WGS84)
    utm: CRS = extent.estimate_utm_crs()
    return utm


def _where_box(b: shapely.Polygon) -> str:
    x, y = b.centroid.x, b.centroid.y
    return f"({x:.3f}, {y:.3f})"


def _report_too_short(
    positions: list[int],
    roads_gdf: gpd.GeoDataFrame,
    source: str,
    log: ProblemLog,
    skipped: dict[str, int],
) -> None:
    """Warn about road features (or parts) shorter than the minimum segment length."""
    if not positions:
        return
    ids = list(roads_gdf["source_id"])
    short = Lister(log, source, fatal=False)
    for i in positions:
        short.add(feature(i, ids), "is shorter than segments.min_length_m; dropped")
    short.close("road features too short")
    skipped[TOO_SHORT_REASON] = skipped.get(TOO_SHORT_REASON, 0) + len(positions)


def _check_unique_segment_ids(segs: gpd.GeoDataFrame, source: str, log: ProblemLog) -> None:
    """Log segment ids that clash (a road id such as ``A#2`` beside a cut road ``A``)."""
    clashes = segs["segment_id"][segs["segment_id"].duplicated()].unique()
    for sid in clashes[:MAX_LISTED]:
        log.error(
            source,
            f"segment '{sid}'",
            "this id is both a road id and the id of a piece cut from another road; "
            "rename the road so its id has no '#'",
        )


def _report_unplaced(unplaced: gpd.GeoDataFrame, source: str, log: ProblemLog) -> None:
    """One warning summing up the segments outside the zones."""
    if len(unplaced):
        n, km = len(unplaced), unplaced["length_m"].sum() / 1000
        what, lie = ("segment", "lies") if n == 1 else ("segments", "lie")
        log.repaired(
            source,
            "",
            f"{n} {what} ({km:.1f} km) {lie} outside the zones; "
            "they are listed as unplaced with the reason",
        )
