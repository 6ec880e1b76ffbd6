"""Convert WGS-84 coordinates to GCJ-02, the offset datum of Amap and Tencent base maps.

Chinese web maps other than Tianditu draw their tiles in GCJ-02, shifted 50–500 m from
WGS-84. Data stays in WGS-84; overlays are converted only when they are drawn over such a
base map. Outside China's rough bounding box nothing is offset, as those maps do.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

_A = 6378245.0
"""Semi-major axis of the Krasovsky 1940 ellipsoid used by the transform (m)."""
_EE = 0.00669342162296594323
"""Its first eccentricity squared."""
CHINA_BOUNDS = (72.004, 0.8293, 137.8347, 55.8271)
"""(west, south, east, north): points outside are not offset."""

FloatArray = npt.NDArray[np.float64]


def in_china(lon: npt.ArrayLike, lat: npt.ArrayLike) -> npt.NDArray[np.bool_]:
    """True where a point lies inside the box in which GCJ-02 is offset."""
    x, y = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    west, south, east, north = CHINA_BOUNDS
    return (x >= west) & (x <= east) & (y >= south) & (y <= north)


def wgs84_to_gcj02(lon: npt.ArrayLike, lat: npt.ArrayLike) -> tuple[FloatArray, FloatArray]:
    """GCJ-02 longitude and latitude of WGS-84 points (arrays or scalars, in degrees).

    Jingjiang centre: (120.2773, 32.0170) becomes (120.281920, 32.015010).
    """
    x = np.asarray(lon, dtype=float)
    y = np.asarray(lat, dtype=float)
    dlat = _lat_offset(x - 105.0, y - 35.0)
    dlon = _lon_offset(x - 105.0, y - 35.0)
    rad = np.radians(y)
    magic = 1 - _EE * np.sin(rad) ** 2
    sqrt_magic = np.sqrt(magic)
    dlat = (dlat * 180.0) / ((_A * (1 - _EE)) / (magic * sqrt_magic) * np.pi)
    dlon = (dlon * 180.0) / (_A / sqrt_magic * np.cos(rad) * np.pi)
    inside = in_china(x, y)
    return np.where(inside, x + dlon, x), np.where(inside, y + dlat, y)


def wgs84_to_gcj02_xy(xy: FloatArray) -> FloatArray:
    """The same on an (n, 2) array of ``[lon, lat]`` rows, for ``shapely.transform``."""
    lon, lat = wgs84_to_gcj02(xy[:, 0], xy[:, 1])
    return np.column_stack([lon, lat])


def _lat_offset(x: FloatArray, y: FloatArray) -> FloatArray:
    pi = np.pi
    out = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * np.sqrt(np.abs(x))
    out += (20.0 * np.sin(6.0 * x * pi) + 20.0 * np.sin(2.0 * x * pi)) * 2.0 / 3.0
    out += (20.0 * np.sin(y * pi) + 40.0 * np.sin(y / 3.0 * pi)) * 2.0 / 3.0
    out += (160.0 * np.sin(y / 12.0 * pi) + 320.0 * np.sin(y * pi / 30.0)) * 2.0 / 3.0
    return np.asarray(out, dtype=float)


def _lon_offset(x: FloatArray, y: FloatArray) -> FloatArray:
    pi = np.pi
    out = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * np.sqrt(np.abs(x))
    out += (20.0 * np.sin(6.0 * x * pi) + 20.0 * np.sin(2.0 * x * pi)) * 2.0 / 3.0
    out += (20.0 * np.sin(x * pi) + 40.0 * np.sin(x / 3.0 * pi)) * 2.0 / 3.0
    out += (150.0 * np.sin(x / 12.0 * pi) + 300.0 * np.sin(x / 30.0 * pi)) * 2.0 / 3.0
    return np.asarray(out, dtype=float)
