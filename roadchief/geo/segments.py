"""Cut road features into segments at crossings and at a maximum length; number their nodes."""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from typing import cast

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import pandas as pd
import shapely
from shapely.geometry import LineString
from shapely.ops import substring

NODE_SNAP_M = 0.5
"""Segment ends closer than this are one node of the road graph."""
VERTEX_PRECISION_M = 0.001
"""Vertices of two features that agree to this precision are one shared vertex."""


@dataclass
class CutResult:
    """Segments cut from the roads, and the roads that were too short to keep."""

    segments_gdf: gpd.GeoDataFrame
    """Columns: segment_id, source_id, road_name, road_class, length_m, from_node,
    to_node, x_m, y_m, geometry (in the roads' metric CRS)."""
    too_short: list[int]
    """Positions of road features (or parts of them) shorter than the minimum length."""


def cut_segments(
    roads_gdf: gpd.GeoDataFrame, max_length_m: float, min_length_m: float
) -> CutResult:
    """Cut every road feature into segments, in file order, with ids traceable to it.

    ``roads_gdf`` is in a metric CRS with columns source_id, road_name, road_class.
    MultiLineStrings are exploded; each line is cut at its topological crossings:
    interior vertices that another line (or another stretch of the same line) shares or
    ends at. A bridge that crosses without a shared vertex is not cut. A cut that
    would leave a piece shorter than ``min_length_m`` is not made (the piece stays with
    its neighbour); a piece longer than ``max_length_m`` is cut into equal parts. A
    feature that yields one segment keeps its id; otherwise its segments are
    ``id#1``, ``id#2``... along the line, part after part.
    """
    parts, feature_of_part = shapely.get_parts(roads_gdf.geometry.values, return_index=True)
    coords, part_of_vertex = shapely.get_coordinates(parts, return_index=True)
    rounded = np.round(coords / VERTEX_PRECISION_M)
    repeat = np.zeros(len(coords), dtype=bool)
    repeat[1:] = (part_of_vertex[1:] == part_of_vertex[:-1]) & (rounded[1:] == rounded[:-1]).all(1)
    coords, part_of_vertex, rounded = coords[~repeat], part_of_vertex[~repeat], rounded[~repeat]

    starts = np.searchsorted(part_of_vertex, np.arange(len(parts)), side="left")
    ends = np.searchsorted(part_of_vertex, np.arange(len(parts)), side="right") - 1
    is_end = np.zeros(len(coords), dtype=bool)
    is_end[starts[ends >= starts]] = True
    is_end[ends[ends >= starts]] = True
    _, key = np.unique(rounded, axis=0, return_inverse=True)
    key = key.ravel()
    shared = np.bincount(key) >= 2
    ends_here = np.zeros(len(shared), dtype=bool)
    ends_here[key[is_end]] = True
    is_cut = (shared[key] | ends_here[key]) & ~is_end

    steps = np.zeros(len(coords))
    steps[1:] = np.hypot(*(coords[1:] - coords[:-1]).T) * (
        part_of_vertex[1:] == part_of_vertex[:-1]
    )
    along = np.cumsum(steps)

    pieces: list[LineString] = []
    piece_feature: list[int] = []
    too_short: list[int] = []
    for p, (s, e) in enumerate(zip(starts.tolist(), ends.tolist(), strict=True)):
        f = int(feature_of_part[p])
        total = float(along[e] - along[s]) if e > s else 0.0
        if total < max(min_length_m, 1e-9):
            too_short.append(f)
            continue
        cuts = (s + np.flatnonzero(is_cut[s : e + 1])).tolist()
        if not cuts and total <= max_length_m:
            pieces.append(parts[p])
            piece_feature.append(f)
            continue
        for line in _split_part(coords, along, s, e, cuts, min_length_m, max_length_m):
            pieces.append(line)
            piece_feature.append(f)

    return CutResult(_segments_frame(roads_gdf, pieces, piece_feature), sorted(set(too_short)))


def _split_part(
    coords: npt.NDArray[np.float64],
    along: npt.NDArray[np.float64],
    s: int,
    e: int,
    cuts: list[int],
    min_length_m: float,
    max_length_m: float,
) -> list[LineString]:
    """The pieces of the part between vertices s and e, cut at ``cuts`` then to length."""
    kept: list[int] = []
    last = along[s]
    for c in cuts:
        if along[c] - last >= min_length_m and along[e] - along[c] >= min_length_m:
            kept.append(c)
            last = along[c]
    bounds = [s, *kept, e]
    out: list[LineString] = []
    for a, b in itertools.pairwise(bounds):
        line = LineString(coords[a : b + 1])
        n = math.ceil(line.length / max_length_m)
        if n <= 1:
            out.append(line)
        else:
            step = line.length / n
            out.extend(
                cast(LineString, substring(line, k * step, (k + 1) * step)) for k in range(n)
            )
    return out


def _segments_frame(
    roads_gdf: gpd.GeoDataFrame, pieces: list[LineString], piece_feature: list[int]
) -> gpd.GeoDataFrame:
    """The segments table: ids, attributes of their feature, length, midpoint, nodes."""
    feature = np.asarray(piece_feature, dtype=np.int64)
    geoms = np.asarray(pieces, dtype=object)
    source_id = roads_gdf["source_id"].to_numpy()[feature] if len(feature) else np.array([])
    per_feature = np.bincount(feature, minlength=len(roads_gdf))
    rank = pd.Series(feature).groupby(feature).cumcount().to_numpy() + 1
    segment_id = [
        sid if per_feature[f] == 1 else f"{sid}#{r}"
        for sid, f, r in zip(source_id, feature, rank, strict=True)
    ]
    midpoints = shapely.line_interpolate_point(geoms, 0.5, normalized=True)
    from_node, to_node = number_nodes(geoms, NODE_SNAP_M)
    return gpd.GeoDataFrame(
        {
            "segment_id": segment_id,
            "source_id": source_id,
            "road_name": roads_gdf["road_name"].to_numpy()[feature],
            "road_class": roads_gdf["road_class"].to_numpy()[feature],
            "length_m": shapely.length(geoms),
            "from_node": from_node,
            "to_node": to_node,
            "x_m": shapely.get_x(midpoints),
            "y_m": shapely.get_y(midpoints),
        },
        geometry=gpd.GeoSeries(geoms, crs=roads_gdf.crs),
    )


def number_nodes(
    lines: npt.NDArray[np.object_], snap_m: float
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Node ids of the first and last point of each line; ends within ``snap_m`` share one.

    Ends are grouped transitively (a chain of close ends is one node); node ids count
    from 0 in order of first appearance, start before end, line after line.
    """
    n = len(lines)
    ends = np.empty(2 * n, dtype=object)
    ends[0::2] = shapely.get_point(lines, 0)
    ends[1::2] = shapely.get_point(lines, -1)
    a, b = shapely.STRtree(ends).query(ends, predicate="dwithin", distance=snap_m)
    label = np.arange(2 * n)
    while True:
        lowest = label.copy()
        np.minimum.at(lowest, a, label[b])
        lowest = lowest[lowest]
        if np.array_equal(lowest, label):
            break
        label = lowest
    _, first, inverse = np.unique(label, return_index=True, return_inverse=True)
    order = np.argsort(np.argsort(first))
    node = order[inverse].astype(np.int64)
    return node[0::2], node[1::2]
