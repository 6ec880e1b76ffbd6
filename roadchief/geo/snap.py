"""Places of the closed loop: a case's segment, and the segments a unit's frontage lines.

A case snaps to the nearest segment within ``loop.snap_m``; that gives its zone, its
accountable chief and its road class. A case that snaps to nothing is kept with the reason.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import shapely
from pyproj import CRS

from roadchief.geo.demand import snap_incidents
from roadchief.loop.cases import Case

NO_LOCATION = "no location given (lon/lat empty)"


@dataclass(frozen=True)
class Placement:
    """Where a case is: its segment, zone, chief and road class, or why it is unplaced."""

    case_id: str
    segment_id: str = ""
    zone_id: str = ""
    chief_id: str = ""
    road_class: str = ""
    distance_m: float | None = None
    reason: str = ""
    """Why the case is unplaced; empty when placed."""

    @property
    def placed(self) -> bool:
        return bool(self.segment_id)


def metric_crs(segments_gdf: gpd.GeoDataFrame) -> CRS:
    """The local UTM zone of the segments (lengths and distances in metres)."""
    crs: CRS = segments_gdf.to_crs(4326).estimate_utm_crs()
    return crs


def place_cases(
    cases: Sequence[Case],
    segments_gdf: gpd.GeoDataFrame,
    owners: Mapping[str, str],
    snap_m: float,
) -> list[Placement]:
    """One Placement per case, in order. ``segments_gdf`` needs segment_id, zone_id, road_class."""
    metric = metric_crs(segments_gdf)
    segs = segments_gdf.to_crs(metric).reset_index(drop=True)
    located = [i for i, c in enumerate(cases) if c.lon is not None and c.lat is not None]
    lon = np.array([cases[i].lon for i in located], dtype=float)
    lat = np.array([cases[i].lat for i in located], dtype=float)
    points = gpd.GeoSeries(gpd.points_from_xy(lon, lat), crs=4326).to_crs(metric).values
    points = np.asarray(points, dtype=object)
    ids = snap_incidents(points, segs, snap_m)
    row_of = {sid: i for i, sid in enumerate(segs["segment_id"])}
    lines = np.asarray(segs.geometry.values, dtype=object)
    out = [Placement(c.case_id, reason=NO_LOCATION) for c in cases]
    far = [k for k, sid in enumerate(ids) if not sid]
    nearest = _nearest_distance(points[far], lines) if far else np.array([])
    for k, i in enumerate(located):
        sid = str(ids[k])
        if sid:
            row = segs.iloc[row_of[sid]]
            dist = float(shapely.distance(points[k], lines[row_of[sid]]))
            out[i] = Placement(
                cases[i].case_id,
                sid,
                str(row["zone_id"]),
                owners.get(sid, ""),
                str(row["road_class"]),
                round(dist, 1),
            )
    for k, d in zip(far, nearest, strict=True):
        i = located[k]
        out[i] = Placement(
            cases[i].case_id,
            distance_m=None if not np.isfinite(d) else round(float(d), 1),
            reason=f"farther than loop.snap_m ({snap_m:g} m) from every segment"
            + ("" if not np.isfinite(d) else f" (nearest {d:.0f} m)"),
        )
    return out


def _nearest_distance(points: np.ndarray, lines: np.ndarray) -> np.ndarray:
    if len(lines) == 0:
        return np.full(len(points), np.inf)
    tree = shapely.STRtree(lines)
    idx = tree.nearest(points)
    return np.asarray(shapely.distance(points, lines[idx]), dtype=float)


def frontage_segments(
    frontages: gpd.GeoDataFrame, segments_gdf: gpd.GeoDataFrame, snap_m: float
) -> dict[str, set[str]]:
    """For each unit_id of ``frontages`` (points or polygons), the segments within ``snap_m``."""
    out: dict[str, set[str]] = {str(u): set() for u in frontages["unit_id"]}
    if len(frontages) == 0 or len(segments_gdf) == 0:
        return out
    metric = metric_crs(segments_gdf)
    lines = np.asarray(segments_gdf.to_crs(metric).geometry.values, dtype=object)
    shapes = np.asarray(frontages.to_crs(metric).geometry.values, dtype=object)
    f, s = shapely.STRtree(lines).query(shapes, predicate="dwithin", distance=snap_m)
    units = frontages["unit_id"].astype(str).to_numpy()
    seg_ids = segments_gdf["segment_id"].astype(str).to_numpy()
    for fi, si in zip(f.tolist(), s.tolist(), strict=True):
        out[units[fi]].add(seg_ids[si])
    return out
