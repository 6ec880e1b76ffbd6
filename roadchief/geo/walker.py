"""Walk a tour along its segments and record it as a phone would: for demo data and tests.

The walker follows each segment from end to end at a walking pace, crosses to the next
segment's nearer end in a straight line, and samples a position every few seconds with
Gaussian GPS noise. Segments it is told to skip are left out of the walk.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import numpy as np
import shapely
from pyproj import CRS, Transformer

from roadchief.loop.patrols import Track


def walk_tour(
    chief_id: str,
    lines: Sequence[shapely.Geometry],
    metric: CRS,
    start: dt.datetime,
    rng: np.random.Generator,
    *,
    speed_m_s: float = 1.2,
    every_s: float = 5.0,
    noise_m: float = 8.0,
) -> Track:
    """A track walking ``lines`` (in ``metric``) in order from ``start``."""
    path: list[tuple[float, ...]] = []
    for line in lines:
        for part in shapely.get_parts(shapely.line_merge(line)):
            coords = list(part.coords)
            if path and _dist(path[-1], coords[-1]) < _dist(path[-1], coords[0]):
                coords.reverse()
            path.extend(coords)
    route = shapely.LineString(path) if len(path) >= 2 else shapely.LineString([path[0]] * 2)
    step = speed_m_s * every_s
    n = max(2, int(route.length / step) + 1)
    at = np.linspace(0, route.length, n)
    pts = shapely.line_interpolate_point(route, at)
    x = shapely.get_x(pts) + rng.normal(0, noise_m, n)
    y = shapely.get_y(pts) + rng.normal(0, noise_m, n)
    lon, lat = Transformer.from_crs(metric, 4326, always_xy=True).transform(x, y)
    t0 = np.datetime64(start, "us")
    times = t0 + (at / speed_m_s * 1e6).astype("timedelta64[us]")
    return Track(chief_id, times, np.asarray(lon), np.asarray(lat), "generated")


def _dist(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    return float(np.hypot(a[0] - b[0], a[1] - b[1]))
