"""The road graph of one zone as the partitioner sees it: weighted items that touch.

An item is a segment (ownership) or a whole road (road-level ownership). Two items touch
when they share a crossing. Pure Python, no ortools: the checker-side metrics use it too.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from roadchief.domain import Segment


def workload(seg: Segment) -> float:
    """What owning a segment costs a week: metres walked for its required patrols."""
    return seg.length_m * max(0, seg.patrols_per_week)


def road_key(seg: Segment) -> str:
    """The road a segment belongs to: its name, or its source feature when it has none."""
    return seg.road_name.strip() or f"#{seg.source_id}"


@dataclass(frozen=True)
class ZoneGraph:
    """Items of one zone with weights, midpoints, touching lists and road labels."""

    ids: tuple[str, ...]
    weight: tuple[float, ...]
    x_m: tuple[float, ...]
    y_m: tuple[float, ...]
    length_m: tuple[float, ...]
    adj: tuple[tuple[int, ...], ...]
    """Indices of the items that share a crossing with each item."""
    road: tuple[int, ...]
    """Road label of each item; items of one road share a label."""
    road_length_m: tuple[float, ...]
    """Length of each item's whole road (in this zone)."""

    def __len__(self) -> int:
        return len(self.ids)

    def dist(self, i: int, j: int) -> float:
        return math.hypot(self.x_m[i] - self.x_m[j], self.y_m[i] - self.y_m[j])


def segment_graph(segments: Sequence[Segment]) -> ZoneGraph:
    """The graph of a zone's segments, in the order given."""
    by_node: dict[int, list[int]] = {}
    for i, s in enumerate(segments):
        for node in {s.from_node, s.to_node}:
            by_node.setdefault(node, []).append(i)
    adj = [
        tuple(sorted({j for n in {s.from_node, s.to_node} for j in by_node[n] if j != i}))
        for i, s in enumerate(segments)
    ]
    labels: dict[str, int] = {}
    road = tuple(labels.setdefault(road_key(s), len(labels)) for s in segments)
    road_len = [0.0] * len(labels)
    for s, r in zip(segments, road, strict=True):
        road_len[r] += s.length_m
    return ZoneGraph(
        ids=tuple(s.segment_id for s in segments),
        weight=tuple(workload(s) for s in segments),
        x_m=tuple(s.x_m for s in segments),
        y_m=tuple(s.y_m for s in segments),
        length_m=tuple(s.length_m for s in segments),
        adj=tuple(adj),
        road=road,
        road_length_m=tuple(road_len[r] for r in road),
    )


def road_graph(segments: Sequence[Segment]) -> ZoneGraph:
    """The graph of a zone's whole roads: one item per road, touching where roads cross.

    Item ids are the road keys (``road_key``); midpoints are length-weighted.
    """
    keys = sorted({road_key(s) for s in segments})
    index = {k: i for i, k in enumerate(keys)}
    weight = [0.0] * len(keys)
    length = [0.0] * len(keys)
    sx = [0.0] * len(keys)
    sy = [0.0] * len(keys)
    by_node: dict[int, set[int]] = {}
    for s in segments:
        r = index[road_key(s)]
        weight[r] += workload(s)
        length[r] += s.length_m
        sx[r] += s.x_m * s.length_m
        sy[r] += s.y_m * s.length_m
        for node in (s.from_node, s.to_node):
            by_node.setdefault(node, set()).add(r)
    adj: list[set[int]] = [set() for _ in keys]
    for roads in by_node.values():
        for r in roads:
            adj[r] |= roads - {r}
    return ZoneGraph(
        ids=tuple(keys),
        weight=tuple(weight),
        x_m=tuple(sx[r] / length[r] if length[r] else 0.0 for r in range(len(keys))),
        y_m=tuple(sy[r] / length[r] if length[r] else 0.0 for r in range(len(keys))),
        length_m=tuple(length),
        adj=tuple(tuple(sorted(a)) for a in adj),
        road=tuple(range(len(keys))),
        road_length_m=tuple(length),
    )


def pieces(graph: ZoneGraph, items: Iterable[int]) -> list[list[int]]:
    """The connected pieces of a set of items, largest first (ties by smallest index)."""
    left = set(items)
    out: list[list[int]] = []
    for start in sorted(left):
        if start not in left:
            continue
        left.discard(start)
        piece = [start]
        stack = [start]
        while stack:
            for j in graph.adj[stack.pop()]:
                if j in left:
                    left.discard(j)
                    piece.append(j)
                    stack.append(j)
        out.append(sorted(piece))
    out.sort(key=lambda p: (-len(p), p[0]))
    return out
