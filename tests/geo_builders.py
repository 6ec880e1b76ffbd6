"""Small hand-made GIS layers for the geo tests, in metres of UTM zone 50N."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import geopandas as gpd
from shapely.geometry import LineString, Point, Polygon, box
from shapely.geometry.base import BaseGeometry

CRS_M = "EPSG:32650"
X0, Y0 = 500_000.0, 3_500_000.0
"""Local origin: on the zone's central meridian, so metres stay metres after any reprojection."""


def square(x: float, y: float, size: float) -> Polygon:
    """A square zone with its lower-left corner at (x, y) metres from the origin."""
    return box(X0 + x, Y0 + y, X0 + x + size, Y0 + y + size)


def line(*points: tuple[float, float]) -> LineString:
    """A road through the given points, in metres from the origin."""
    return LineString([(X0 + x, Y0 + y) for x, y in points])


def point(x: float, y: float) -> Point:
    return Point(X0 + x, Y0 + y)


def write(
    path: Path,
    columns: dict[str, list[Any]],
    geometry: list[BaseGeometry | None],
    crs: str | None = CRS_M,
    **kwargs: Any,
) -> Path:
    """Write a layer (format from the file suffix) and return its path."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "'crs' was not provided", UserWarning)
        gpd.GeoDataFrame(columns, geometry=geometry, crs=crs).to_file(path, **kwargs)
    return path


def two_zones(tmp_path: Path) -> Path:
    """Zones A (x 0..1000) and B (x 1000..2000), both y 0..1000, sharing the edge x = 1000."""
    return write(
        tmp_path / "zones.geojson",
        {"zone_id": ["A", "B"], "name": ["甲区", "乙区"]},
        [square(0, 0, 1000), square(1000, 0, 1000)],
    )
