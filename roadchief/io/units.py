"""Read the units file (责任单位, 门前三包): a CSV or a GIS layer of points or polygons.

Columns: ``unit_id``, ``name``, ``kind`` (enforcement, sanitation, municipal,
traffic_police, greening, environment, frontage), optional ``contact``, ``categories``
(``;``-separated sub or main class codes), ``zones`` (``;``-separated zone ids; empty: the
whole city), ``segment_ids`` (``;``-separated: the frontage by segment), and in a CSV
``lon``/``lat`` of a point frontage. A GIS layer's geometry is the frontage; it lines the
segments within ``loop.snap_m``. Every bad row is named; a bad file changes nothing.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Collection
from pathlib import Path
from typing import Any

import geopandas as gpd

from roadchief.errors import InputError, ProblemLog
from roadchief.geo.read import read_layer
from roadchief.geo.snap import frontage_segments
from roadchief.loop.categories import HANDLER_KINDS, Taxonomy
from roadchief.loop.units import Unit

REQUIRED = ("unit_id", "name", "kind")


def read_units(
    path: Path,
    taxonomy: Taxonomy,
    segments_gdf: gpd.GeoDataFrame,
    zone_ids: Collection[str],
    snap_m: float,
) -> list[Unit]:
    """Every unit of the file, or one InputError listing every bad row."""
    src = str(path)
    log = ProblemLog()
    if Path(path).suffix.lower() == ".csv":
        rows, shapes = _csv(path, src)
    else:
        layer = read_layer(Path(path), "places", log)
        log.raise_if_errors()
        assert layer is not None
        gdf = layer.gdf
        rows = [
            (f"feature {i + 1}", {str(k): v for k, v in rec.items() if k != "geometry"})
            for i, rec in enumerate(gdf.to_dict("records"))
        ]
        shapes = gpd.GeoDataFrame(
            {"unit_id": [str(r.get("unit_id") or "") for _, r in rows]},
            geometry=gdf.geometry.values,
            crs=gdf.crs,
        )
        src = layer.source
    shapes = shapes[~shapes.geometry.isna() & (shapes["unit_id"] != "")]
    lined = frontage_segments(shapes, segments_gdf, snap_m) if len(shapes) else {}
    known_segments = set(segments_gdf["segment_id"].astype(str))
    units: list[Unit] = []
    seen: dict[str, str] = {}
    for where, row in rows:

        def text(column: str, row: dict[str, Any] = row) -> str:
            value = row.get(column)
            return "" if value is None else str(value).strip()

        def listed(column: str) -> frozenset[str]:
            return frozenset(v.strip() for v in text(column).split(";") if v.strip())

        before = len(log.errors)
        for column in REQUIRED:
            if not text(column):
                log.error(src, where, f"column {column}: is empty; every unit needs it")
        if text("kind") and text("kind") not in HANDLER_KINDS:
            log.error(src, where, f"column kind: {text('kind')!r} is not one of "
                      f"{', '.join(HANDLER_KINDS)}")  # fmt: skip
        codes = set(taxonomy.categories) | set(taxonomy.mains)
        for bad in sorted(listed("categories") - codes):
            log.error(src, where, f"column categories: {bad!r} is not a code of "
                      f"{taxonomy.source}; use sub or main class codes such as E0101 or E05")  # fmt: skip
        for bad in sorted(listed("zones") - set(zone_ids)):
            log.error(src, where, f"column zones: zone {bad!r} is not in the zones layer")
        for bad in sorted(listed("segment_ids") - known_segments):
            log.error(src, where, f"column segment_ids: segment {bad!r} is not a segment "
                      "of the city; see ownership.csv for the ids")  # fmt: skip
        uid = text("unit_id")
        if uid and uid in seen:
            log.error(src, where, f"column unit_id: {uid!r} is already used at {seen[uid]}")
        if len(log.errors) > before:
            continue
        seen[uid] = where
        units.append(
            Unit(
                uid,
                text("name"),
                text("kind"),
                text("contact"),
                listed("categories"),
                listed("zones"),
                listed("segment_ids") | lined.get(uid, set()),
            )
        )
    if not units and not log.errors:
        log.error(src, "", "holds no units; add one row per unit")
    log.raise_if_errors()
    return units


def _csv(path: Path, src: str) -> tuple[list[tuple[str, dict[str, Any]]], gpd.GeoDataFrame]:
    try:
        text = Path(path).read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise InputError(f"{src}: cannot read the units file ({exc.strerror})") from exc
    except UnicodeDecodeError as exc:
        raise InputError(f"{src}: is not UTF-8 text; save it as UTF-8") from exc
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [(h or "").strip() for h in reader.fieldnames or []]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise InputError(f"{src}: missing column(s) {', '.join(missing)}")
    rows = [
        (f"row {n}", {(k or "").strip(): v for k, v in r.items() if k is not None})
        for n, r in enumerate(reader, start=2)
    ]
    log = ProblemLog()
    ids, lon, lat = [], [], []
    for where, row in rows:
        x, y = (str(row.get(c) or "").strip() for c in ("lon", "lat"))
        if not x and not y:
            continue
        try:
            fx, fy = float(x), float(y)
            assert -180 <= fx <= 180 and -90 <= fy <= 90
        except (ValueError, AssertionError):
            log.error(src, where, f"column lon/lat: ({x!r}, {y!r}) is not a WGS-84 position")
            continue
        ids.append(str(row.get("unit_id") or "").strip())
        lon.append(fx)
        lat.append(fy)
    log.raise_if_errors()
    shapes = gpd.GeoDataFrame({"unit_id": ids}, geometry=gpd.points_from_xy(lon, lat), crs=4326)
    return rows, shapes
