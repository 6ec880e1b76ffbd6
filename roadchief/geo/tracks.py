"""Match GPS tracks to planned patrols: was each planned segment walked in its slot?

A segment counts as walked when ``min_share`` of its length (measured by points every 5 m)
lies within ``tolerance_m`` of the person's track during the tour's slot (widened by
``slot_grace_min`` on each side).
Consecutive points more than ``max_gap_s`` apart are not joined (the phone lost its fix
or the person rode a bus). A tour that no track of its person covers is ``unknown``.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping, Sequence

import geopandas as gpd
import numpy as np
import shapely
from pyproj import Transformer

from roadchief.domain import Slot
from roadchief.geo.snap import metric_crs
from roadchief.loop.patrols import PatrolRecord, PlannedPatrol, Track, Walked
from roadchief.loop.settings import TrackSettings


def match_patrols(
    planned: Sequence[PlannedPatrol],
    slots: Mapping[str, Slot],
    segments_gdf: gpd.GeoDataFrame,
    tracks: Sequence[Track],
    settings: TrackSettings,
) -> list[PatrolRecord]:
    """One record per planned patrol, in order."""
    metric = metric_crs(segments_gdf)
    segs = segments_gdf.to_crs(metric)
    lines = dict(zip(segs["segment_id"].astype(str), segs.geometry.values, strict=True))
    to_metric = Transformer.from_crs(4326, metric, always_xy=True)
    by_person: dict[str, list[tuple[np.ndarray, np.ndarray, np.ndarray]]] = defaultdict(list)
    for track in tracks:
        x, y = to_metric.transform(track.lon, track.lat)
        by_person[track.chief_id].append((track.times, np.asarray(x), np.asarray(y)))
    tours: dict[tuple[dt.date, str, str], list[int]] = defaultdict(list)
    for i, p in enumerate(planned):
        tours[(p.day, p.slot_id, p.chief_id)].append(i)
    grace = dt.timedelta(minutes=settings.slot_grace_min)
    out: list[PatrolRecord | None] = [None] * len(planned)
    for (day, slot_id, chief_id), members in tours.items():
        slot = slots[slot_id]
        start = np.datetime64(dt.datetime.combine(day, slot.start) - grace)
        end = np.datetime64(dt.datetime.combine(day, slot.end) + grace)
        walked = _walked_area(by_person.get(chief_id, []), start, end, settings)
        for i in members:
            line = lines[planned[i].segment_id]
            if walked is None:
                out[i] = PatrolRecord(planned[i], Walked.UNKNOWN)
                continue
            share = _share_within(line, walked, settings.tolerance_m)
            yes = share >= settings.min_share
            out[i] = PatrolRecord(planned[i], Walked.YES if yes else Walked.NO, round(share, 3))
    return [r for r in out if r is not None]


def _walked_area(
    parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]],
    start: np.datetime64,
    end: np.datetime64,
    settings: TrackSettings,
) -> shapely.Geometry | None:
    """The person's track in [start, end] as lines and points; None if no track covers it."""
    covered = False
    pieces: list[shapely.Geometry] = []
    max_gap = np.timedelta64(int(settings.max_gap_s * 1e6), "us")
    for times, x, y in parts:
        if times[-1] < start or times[0] > end:
            continue
        covered = True
        keep = (times >= start) & (times <= end)
        if not keep.any():
            continue
        t, px, py = times[keep], x[keep], y[keep]
        breaks = np.flatnonzero(np.diff(t) > max_gap) + 1
        for lo, hi in zip(np.r_[0, breaks], np.r_[breaks, len(t)], strict=True):
            if hi - lo >= 2:
                pieces.append(shapely.linestrings(np.c_[px[lo:hi], py[lo:hi]]))
            else:
                pieces.append(shapely.points(px[lo], py[lo]))
    if not covered:
        return None
    if not pieces:
        return shapely.GeometryCollection()
    walked = shapely.union_all(pieces)
    shapely.prepare(walked)
    return walked


SAMPLE_M = 5.0
"""A segment's length is measured by points this far apart: a share within 1-2%."""


def _share_within(line: shapely.LineString, walked: shapely.Geometry, tolerance_m: float) -> float:
    """Share of ``line``'s length within ``tolerance_m`` of ``walked`` (points every 5 m)."""
    if shapely.is_empty(walked):
        return 0.0
    n = max(2, int(np.ceil(line.length / SAMPLE_M)) + 1)
    samples = shapely.line_interpolate_point(line, np.linspace(0.0, line.length, n))
    return float(np.mean(shapely.dwithin(samples, walked, tolerance_m)))
