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


CHIEFS_HEADER = "chief_id,name,zone_id,level,max_patrols_per_week,unavailable\n"
CHIEFS = (
    "A1,甲一,A,segment,,\nA2,甲二,A,segment,,\nA3,甲三,A,segment,,\nB1,乙一,B,segment,,\n"
    "L2A,甲长,A,l2,,\n"
)
"""The small city's people: three segment chiefs and an L2 chief in A, one chief in B."""


def small_city_files(folder: Path, *, edit: bool = False, chiefs: str = CHIEFS) -> dict[str, Path]:
    """Zone A: a 4 x 4 street grid (24 block sides); zone B: one street. ``edit`` moves r0,
    drops r1 and adds r99. Returns the zones, roads and chiefs files."""
    folder.mkdir(parents=True, exist_ok=True)
    zones = two_zones(folder)
    lines, names = [], []
    for k in range(4):  # one line per block side, so that the streets meet at crossings
        for j in range(3):
            lines += [line((100 + 250 * j, 100 + 250 * k), (350 + 250 * j, 100 + 250 * k))]
            lines += [line((100 + 250 * k, 100 + 250 * j), (100 + 250 * k, 350 + 250 * j))]
            names += [f"东{k}路", f"南{k}街"]
    lines.append(line((1100, 500), (1900, 500)))
    names.append("乙路")
    ids = [f"r{i}" for i in range(len(lines))]
    if edit:
        lines[0] = line((100, 100), (340, 110))
        del lines[1], names[1], ids[1]
        lines.append(line((1100, 800), (1900, 800)))
        names.append("乙新路")
        ids.append("r99")
    roads = write(folder / "roads.geojson", {"id": ids, "name": names}, lines)
    path = folder / "chiefs.csv"
    path.write_text(CHIEFS_HEADER + chiefs, encoding="utf-8")
    return {"zones": zones, "roads": roads, "chiefs": path}


def small_city(tmp_path: Path, chiefs: str = CHIEFS) -> list[str | Path]:
    """The small city's input options for the CLI: --zones Z --roads R --chiefs C."""
    files = small_city_files(tmp_path, chiefs=chiefs)
    return [x for kind, path in files.items() for x in (f"--{kind}", path)]
