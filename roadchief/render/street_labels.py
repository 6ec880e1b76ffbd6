"""Street names placed along the streets of a map, so that it reads without base tiles."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

LatLon = list[float]
"""A point as Leaflet takes it: [lat, lon]."""

MIN_APART_M = 250.0
"""Two labels of one street name stand at least this far apart."""
MAX_PER_NAME = 6
"""At most this many labels of one street name on a page."""
M_PER_DEGREE = 111_320.0


def angle_deg(a: LatLon, b: LatLon) -> float:
    """The screen angle of the line a -> b, degrees clockwise from east (CSS rotate)."""
    cos = math.cos(math.radians(a[0]))
    return round(-math.degrees(math.atan2(b[0] - a[0], (b[1] - a[1]) * cos)), 1)


def street_labels(streets: Sequence[tuple[str, Sequence[LatLon]]]) -> list[dict[str, Any]]:
    """Labels ``{text, at, angle}`` for named lines: each name at the middle of its longest
    lines first, at most ``MAX_PER_NAME`` per name and ``MIN_APART_M`` apart, turned along
    the line and never upside down."""
    by_name: dict[str, list[tuple[float, LatLon, float]]] = {}
    for name, line in streets:
        if not name or len(line) < 2:
            continue
        a, b = line[0], line[-1]
        cos = math.cos(math.radians(a[0]))
        length = math.hypot((b[1] - a[1]) * cos, b[0] - a[0]) * M_PER_DEGREE
        mid = line[len(line) // 2] if len(line) > 2 else [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2]
        angle = angle_deg(a, b)
        if angle > 90:
            angle -= 180
        elif angle < -90:
            angle += 180
        by_name.setdefault(name, []).append((length, [round(mid[0], 6), round(mid[1], 6)], angle))
    out = []
    for name in sorted(by_name):
        placed: list[LatLon] = []
        for length, at, angle in sorted(by_name[name], key=lambda r: -r[0]):
            if length < 40 or len(placed) >= MAX_PER_NAME:
                break
            if all(_metres(at, p) >= MIN_APART_M for p in placed):
                placed.append(at)
                out.append({"text": name, "at": at, "angle": angle})
    return out


def _metres(a: LatLon, b: LatLon) -> float:
    cos = math.cos(math.radians(a[0]))
    return math.hypot((b[1] - a[1]) * cos, b[0] - a[0]) * M_PER_DEGREE
