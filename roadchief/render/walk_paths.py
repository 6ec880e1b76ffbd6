"""The streets of each measured step of a tour, so that a map can draw the walk between stops.

The checker's walk (``TourWalk``) gives each tour's order, each segment's direction and the
length of every connecting step, not the streets the step follows. This traces each step
on the same network the walk was measured on (the segments of the tour's zones, whole
centimetres, the shorter of parallel segments) and keeps it only if its length equals the
measured ``walk_to_cm``: the drawn walk is the measured one. A step the network does not
join, or whose trace differs, is drawn as a straight, dashed line. Nothing is decided here:
the order and the directions are the walk's.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra

from roadchief.domain import Segment
from roadchief.figures import TourFigures
from roadchief.solve.roster.walk import ZERO_CM, length_cm


@dataclass(frozen=True)
class Step:
    """The walk from one segment to the next: the segments passed, each with its direction
    (True: walked from ``to_node`` to ``from_node``); empty and ``straight`` when the
    network does not join them (or the trace is not the measured length)."""

    segments: tuple[tuple[str, bool], ...]
    straight: bool


class _Network:
    """A zone network as ``walk.WalkNetwork`` builds it, with the predecessors kept."""

    def __init__(self, segments: Sequence[Segment]):
        ordered = sorted(segments, key=lambda s: s.segment_id)
        nodes = sorted({n for s in ordered for n in (s.from_node, s.to_node)})
        self.column = {node: k for k, node in enumerate(nodes)}
        self.nodes = nodes
        edge: dict[tuple[int, int], tuple[int, Segment]] = {}
        for s in ordered:
            a, b = sorted((self.column[s.from_node], self.column[s.to_node]))
            cm = length_cm(s.length_m)
            if a != b and ((a, b) not in edge or cm < edge[(a, b)][0]):
                edge[(a, b)] = (cm, s)
        self.edge = edge
        pairs = sorted(edge)
        weights = [max(edge[k][0], ZERO_CM) for k in pairs]
        self.graph = csr_matrix(
            (weights, ([a for a, _ in pairs], [b for _, b in pairs])),
            shape=(len(nodes), len(nodes)),
        )
        self._rows: dict[int, tuple[np.ndarray, np.ndarray]] = {}

    def search(self, starts: set[int]) -> None:
        """Shortest walks from every node of ``starts`` at once (one Dijkstra call)."""
        columns = sorted({self.column[n] for n in starts if n in self.column} - set(self._rows))
        if not columns:
            return
        dist, pred = dijkstra(self.graph, directed=False, indices=columns, return_predecessors=True)
        for k, a in enumerate(columns):
            self._rows[a] = (dist[k], pred[k])

    def step(self, start: int, end: int, measured_cm: int) -> Step:
        """The segments from node ``start`` to node ``end``, if their length is the measured."""
        if start == end:
            return Step((), measured_cm != 0)
        if start not in self.column or end not in self.column:
            return Step((), True)
        a, b = self.column[start], self.column[end]
        if a not in self._rows:
            self.search({start})
        dist, pred = self._rows[a]
        if not np.isfinite(dist[b]) or int(np.rint(dist[b])) != measured_cm:
            return Step((), True)
        path: list[tuple[str, bool]] = []
        k = b
        while k != a:
            p = int(pred[k])
            seg = self.edge[(min(p, k), max(p, k))][1]
            forwards = self.column[seg.from_node] == p
            path.append((seg.segment_id, not forwards))
            k = p
        path.reverse()
        return Step(tuple(path), False)


def tour_steps(
    tours: Mapping[str, TourFigures], segments: Sequence[Segment]
) -> dict[str, list[Step]]:
    """Each tour's steps (one per segment after the first), by tour id."""
    by_id = {s.segment_id: s for s in segments}
    by_zone: dict[str, list[Segment]] = {}
    for s in segments:
        by_zone.setdefault(s.zone_id, []).append(s)
    by_network: dict[tuple[str, ...], list[TourFigures]] = {}
    for tour in tours.values():
        key = tuple(sorted({by_id[i].zone_id for i in tour.segment_ids}))
        by_network.setdefault(key, []).append(tour)
    out: dict[str, list[Step]] = {}
    for key, group in by_network.items():
        net = _Network([s for z in key for s in by_zone[z]])
        legs = {t.tour_id: _legs(t, by_id) for t in group}
        net.search({end for pairs in legs.values() for end, _start in pairs})
        for tour in group:
            out[tour.tour_id] = [
                net.step(end, start, tour.walk_to_cm[k])
                for k, (end, start) in enumerate(legs[tour.tour_id], start=1)
            ]
    return out


def _legs(tour: TourFigures, by_id: Mapping[str, Segment]) -> list[tuple[int, int]]:
    """Each step's (node it leaves from, node it reaches): the end of one segment as walked
    and the start of the next."""
    out = []
    for k in range(1, len(tour.segment_ids)):
        prev, this = by_id[tour.segment_ids[k - 1]], by_id[tour.segment_ids[k]]
        end = prev.from_node if tour.reverse[k - 1] else prev.to_node
        start = this.to_node if tour.reverse[k] else this.from_node
        out.append((end, start))
    return out
