"""Find the segments of each special campaign (专项整治) on a prepared city."""

from __future__ import annotations

from collections.abc import Sequence

import geopandas as gpd
import shapely

from roadchief.campaigns import Campaign
from roadchief.errors import ProblemLog
from roadchief.geo.city import PreparedCity
from roadchief.geo.read import read_layer

_AREAS = ("Polygon", "MultiPolygon")


def campaign_segments(
    campaigns: Sequence[Campaign], city: PreparedCity, place_snap_m: float, rules_source: str
) -> dict[str, tuple[str, ...]]:
    """campaign name -> its placed segment ids, sorted; an InputError names every area file
    that cannot be read, place id or segment id that matches nothing, and the fix."""
    log = ProblemLog()
    segs = city.segments_gdf
    metric = city.report.metric_crs or segs.estimate_utm_crs()
    segs_m = segs.to_crs(metric)
    ids = segs["segment_id"].astype(str).to_numpy()
    sources = segs["source_id"].astype(str).to_numpy()
    out: dict[str, tuple[str, ...]] = {}
    for c in campaigns:
        found: set[str] = set()
        where = f"campaign {c.name}"
        if c.area is not None and not c.area.exists():
            log.error(rules_source, where, f"the area file {c.area} does not exist; give "
                      "its path from the rules file's folder")  # fmt: skip
        elif c.area is not None:
            layer = read_layer(c.area, "zones", log)
            if layer is not None and not layer.gdf.geom_type.isin(_AREAS).all():
                log.error(rules_source, where, f"the area file {c.area} holds features that "
                          "are not polygons; draw the campaign's area as polygons")  # fmt: skip
            elif layer is not None:
                area = layer.gdf.to_crs(metric).geometry.union_all()
                hit = shapely.intersects(segs_m.geometry.values, area)
                found |= set(ids[hit])
                if not hit.any():
                    log.error(rules_source, where, f"no placed segment crosses the area {c.area}")
        for seg_id in c.segments:
            match = set(ids[(ids == seg_id) | (sources == seg_id)])
            if not match:
                log.error(rules_source, where, f"segment {seg_id!r} is no segment or road id of "
                          "the city; check the id in roads.csv or ownership.csv")  # fmt: skip
            found |= match
        if c.places:
            found |= _near_places(c, city.places_gdf, segs_m, ids, place_snap_m, log, rules_source)
        out[c.name] = tuple(sorted(found))
    log.raise_if_errors()
    return out


def _near_places(
    c: Campaign,
    places: gpd.GeoDataFrame | None,
    segs_m: gpd.GeoDataFrame,
    ids: Sequence[str],
    snap_m: float,
    log: ProblemLog,
    src: str,
) -> set[str]:
    where = f"campaign {c.name}"
    if places is None:
        log.error(src, where, "names places but the plan has no places file; give --places")
        return set()
    known = places["place_id"].astype(str)
    missing = sorted(set(c.places) - set(known))
    if missing:
        log.error(src, where, f"places {missing} are not in the places file; check place_id")
    chosen = places[known.isin(c.places)].to_crs(segs_m.crs)
    if not len(chosen):
        return set()
    points = chosen.geometry.representative_point().values
    _p, s = shapely.STRtree(segs_m.geometry.values).query(
        points, predicate="dwithin", distance=snap_m
    )
    return {ids[i] for i in s.tolist()}
