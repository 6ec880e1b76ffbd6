"""Check a layer's ids and geometries, repair what is safe, and log every problem found."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from roadchief.config import normalise_value
from roadchief.errors import ProblemLog
from roadchief.geo.read import ROLE_GEOMETRIES

MAX_LISTED = 20
"""Features listed one by one per kind of problem; the rest are counted in one line."""
OVERLAP_IGNORED_M2 = 0.01
"""Zone overlaps below this area are float noise along a shared edge: not reported."""
OVERLAP_ERROR_M2 = 1.0
"""Zone overlaps up to this area are slivers (a warning), whatever their shape."""


_TYPE_NAMES = (
    "None",
    "Point",
    "LineString",
    "LinearRing",
    "Polygon",
    "MultiPoint",
    "MultiLineString",
    "MultiPolygon",
    "GeometryCollection",
)
"""Geometry type names by shapely type id + 1 (-1 is a missing geometry)."""


class Lister:
    """Logs one kind of problem per feature, up to MAX_LISTED, then a count of the rest."""

    def __init__(self, log: ProblemLog, source: str, *, fatal: bool) -> None:
        self.log, self.source, self.fatal, self.count = log, source, fatal, 0

    def add(self, where: str, message: str) -> None:
        self.count += 1
        if self.count <= MAX_LISTED:
            (self.log.error if self.fatal else self.log.repaired)(self.source, where, message)

    def close(self, what: str) -> None:
        if self.count > MAX_LISTED:
            rest = self.count - MAX_LISTED
            (self.log.error if self.fatal else self.log.repaired)(
                self.source, "", f"... and {rest} more {what}"
            )


def feature(i: int, ids: Sequence[str] | None = None) -> str:
    """How a feature is named in messages: its position in the file (from 0) and id."""
    return f"feature {i} (id={ids[i]})" if ids is not None else f"feature {i}"


def layer_ids(
    gdf: gpd.GeoDataFrame,
    id_field: str | None,
    log: ProblemLog,
    source: str,
    *,
    generated: Callable[[int], str],
    fallback_field: str | None = None,
) -> list[str]:
    """The id of every feature, as text; missing and duplicate ids are logged as errors.

    Without an id field, a ``fallback_field`` whose values are all present and unique
    gives the ids, else ``generated(position)``; either way a warning says so.
    """
    if id_field is None:
        if fallback_field is not None:
            values = [_text(v) for v in gdf[fallback_field]]
            if all(values) and len(set(values)) == len(values):
                log.repaired(
                    source,
                    "",
                    f"has no id field; features are identified by "
                    f"their '{fallback_field}' field (set [fields] to choose one)",
                )
                return values
        log.repaired(
            source,
            "",
            "has no id field; features are identified by their position "
            "in the file (set [fields] to choose one)",
        )
        return [generated(i) for i in range(len(gdf))]
    ids = [_text(v) for v in gdf[id_field]]
    missing = Lister(log, source, fatal=True)
    for i, value in enumerate(ids):
        if not value:
            missing.add(feature(i), f"has no value in id field '{id_field}'; fill it in")
    missing.close(f"features without an id in '{id_field}'")
    positions: dict[str, list[int]] = {}
    for i, value in enumerate(ids):
        if value:
            positions.setdefault(value, []).append(i)
    duplicated = Lister(log, source, fatal=True)
    for value, where in positions.items():
        if len(where) > 1:
            duplicated.add(
                f"field '{id_field}'",
                f"id '{value}' is used by {len(where)} features "
                f"({', '.join(str(i) for i in where[:10])}); every id must be unique",
            )
    duplicated.close("ids used more than once")
    return ids


def _text(value: object) -> str:
    """An attribute as text: ``""`` for null, ``"12"`` for ``12.0``."""
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return ""
    return normalise_value(value)


def check_geometries(
    gdf: gpd.GeoDataFrame,
    role: str,
    ids: list[str],
    log: ProblemLog,
    source: str,
    skipped: dict[str, int],
) -> gpd.GeoDataFrame:
    """The usable features of ``gdf`` with repaired 2D geometries; the rest are logged.

    Wrong geometry types and empty geometries are errors, except empty incidents, which
    are set aside (counted in ``skipped``). Invalid polygons are repaired with
    ``make_valid`` (a warning) unless nothing polygonal is left (an error). Road lines of
    zero length are dropped with a warning.
    """
    allowed = ROLE_GEOMETRIES[role]
    geoms = shapely.force_2d(np.asarray(gdf.geometry.values, dtype=object))
    empty = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    kind = np.array(_TYPE_NAMES, dtype=object)[shapely.get_type_id(geoms) + 1]
    wrong_type = ~empty & ~np.isin(kind, sorted(allowed))
    polygon = ~empty & np.isin(kind, ["Polygon", "MultiPolygon"])
    invalid = polygon & ~shapely.is_valid(geoms)
    lines = ~empty & np.isin(kind, ["LineString", "MultiLineString"])
    zero = lines & (shapely.length(geoms) == 0)
    keep = ~(empty | wrong_type | zero)
    wrong = Lister(log, source, fatal=True)
    missing = Lister(log, source, fatal=role != "incidents")
    repaired = Lister(log, source, fatal=False)
    broken = Lister(log, source, fatal=True)
    for i in np.flatnonzero(empty | wrong_type | invalid | zero).tolist():
        where = feature(i, ids)
        if empty[i] and role == "incidents":
            skipped["incidents: no location"] = skipped.get("incidents: no location", 0) + 1
            missing.add(where, "has no location; set aside")
        elif empty[i]:
            missing.add(where, "has an empty geometry; draw it or delete the feature")
        elif wrong_type[i]:
            wrong.add(
                where,
                f"expected {' or '.join(sorted(allowed))}, found {kind[i]}; "
                f"keep only {role} in this layer",
            )
        elif zero[i]:
            skipped["roads: zero length"] = skipped.get("roads: zero length", 0) + 1
            repaired.add(where, "is a line of zero length; dropped")
        else:
            reason = shapely.is_valid_reason(geoms[i])
            fixed = _polygonal(shapely.make_valid(geoms[i]))
            if fixed is None:
                keep[i] = False
                broken.add(
                    where, f"is an invalid polygon ({reason}) that cannot be repaired; redraw it"
                )
            else:
                geoms[i] = fixed
                repaired.add(where, f"was an invalid polygon ({reason}); repaired with make_valid")
    wrong.close("features of the wrong geometry type")
    missing.close("features with an empty geometry")
    repaired.close("features repaired or dropped")
    broken.close("features with an invalid geometry")
    out = gdf.set_geometry(gpd.GeoSeries(geoms, index=gdf.index, crs=gdf.crs))
    return out[keep]


def _polygonal(geom: BaseGeometry) -> BaseGeometry | None:
    """The polygonal part of a repaired geometry, or None if nothing polygonal is left."""
    parts = [
        p
        for p in shapely.get_parts(geom)
        if p.geom_type in ("Polygon", "MultiPolygon") and not p.is_empty
    ]
    if not parts:
        return None
    merged = shapely.union_all(parts)
    return merged if merged.area > 0 else None


def check_zone_overlaps(
    zones_gdf: gpd.GeoDataFrame, tolerance_m: float, log: ProblemLog, source: str
) -> None:
    """Log zones that overlap: an error for a real shared area, a warning for a sliver.

    ``zones_gdf`` is in a metric CRS with a ``zone_id`` column. An overlap is a sliver if
    its area is at most OVERLAP_ERROR_M2 or if it is nowhere wider than ``tolerance_m``
    (two edges drawn slightly apart along the same street).
    """
    geoms = zones_gdf.geometry.values
    ids = list(zones_gdf["zone_id"])
    left, right = shapely.STRtree(geoms).query(geoms, predicate="intersects")
    pairs = [(i, j) for i, j in zip(left.tolist(), right.tolist(), strict=True) if i < j]
    for i, j in sorted(pairs, key=lambda p: (ids[p[0]], ids[p[1]])):
        overlap = shapely.intersection(geoms[i], geoms[j])
        area = float(overlap.area)
        if area < OVERLAP_IGNORED_M2:
            continue
        width = 2 * area / max(float(overlap.length), 1e-9)
        what = f"zones '{ids[i]}' and '{ids[j]}'"
        thin = shapely.buffer(overlap, -tolerance_m / 2).is_empty
        if area <= OVERLAP_ERROR_M2 or thin:
            log.repaired(
                source,
                what,
                f"overlap by a sliver of {area:.1f} m² (about {width:.2f} m wide); "
                "each segment there goes to the zone holding most of it",
            )
        else:
            log.error(
                source,
                what,
                f"overlap by {area:.0f} m² (about {width:.1f} m wide), so roads there would "
                "have two chiefs; expected zones that only touch; redraw the shared edge",
            )
