"""Coordinates as a map draws them: WGS-84 (or GCJ-02 over Amap), rounded to about a metre."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from typing import Any

import geopandas as gpd
import numpy as np
import shapely

COORD_DECIMALS = 5
"""Decimals kept in map coordinates: 5 is about 1 m, what a street map needs."""

XY = Callable[[np.ndarray], np.ndarray]
"""A function from an (n, 2) array of [lon, lat] to the coordinates drawn on the map."""


@dataclasses.dataclass(frozen=True)
class Draw:
    """How coordinates are drawn: decimals kept and the datum of the base map."""

    decimals: int
    to_map: XY | None = None
    """WGS-84 to the base map's datum (GCJ-02 over Amap); None keeps WGS-84."""

    def xy(self, xy: np.ndarray) -> np.ndarray:
        """Map coordinates of (n, 2) WGS-84 ``[lon, lat]``, rounded."""
        out = self.to_map(xy) if self.to_map is not None else xy
        return np.round(out, self.decimals)

    @property
    def tolerance(self) -> float:
        """Simplification tolerance in degrees: one unit of the last decimal kept."""
        return float(10.0**-self.decimals)


def to_wgs84(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The frame in EPSG:4326 (the city's frames already are; others are converted)."""
    if gdf.crs is not None and not gdf.crs.equals("EPSG:4326"):
        return gdf.to_crs("EPSG:4326")
    return gdf


def round_geoms(gdf: gpd.GeoDataFrame, draw: Draw) -> list[dict[str, Any]]:
    """GeoJSON geometries of a frame in map coordinates, rounded and simplified.

    A vertex that moves the line by less than the rounding (≈1 m) cannot be seen on a
    street map and is dropped; topology (rings, crossings) is kept.
    """
    geoms = shapely.transform(np.asarray(to_wgs84(gdf).geometry.values), draw.xy)
    geoms = shapely.simplify(geoms, draw.tolerance, preserve_topology=True)
    return [shapely.geometry.mapping(g) for g in geoms]


def geometry_by_segment(segments_gdf: gpd.GeoDataFrame, draw: Draw) -> dict[str, Any]:
    """Drawn GeoJSON geometry and the midpoint ``[lon, lat]`` of every placed segment."""
    geoms = round_geoms(segments_gdf, draw)
    gdf = to_wgs84(segments_gdf)
    mids = shapely.line_interpolate_point(np.asarray(gdf.geometry.values), 0.5, normalized=True)
    mid_xy = draw.xy(shapely.get_coordinates(mids)).tolist()
    return {
        sid: (geom, mid)
        for sid, geom, mid in zip(gdf["segment_id"].tolist(), geoms, mid_xy, strict=True)
    }


def bounds(frames: Iterable[gpd.GeoDataFrame], draw: Draw) -> list[list[float]] | None:
    """``[[south, west], [north, east]]`` of the frames' data in map coordinates; None if
    they are all empty."""
    found = [to_wgs84(f).total_bounds for f in frames if not f.geometry.is_empty.all()]
    if not found:
        return None
    arr = np.array(found)
    corners = draw.xy(
        np.array([[arr[:, 0].min(), arr[:, 1].min()], [arr[:, 2].max(), arr[:, 3].max()]])
    )
    (west, south), (east, north) = corners.tolist()
    return [[float(south), float(west)], [float(north), float(east)]]
