"""Measure the walk of a tour: a walking order, each segment's direction and the connecting walk.

Walking a segment means traversing it end to end, from one of its nodes to the other. The
connecting walk from one segment to the next is the shortest path on the road network
between the end of the first and the start of the second; where the two lie on pieces of
the network that do not connect (islands), it is the straight line between their midpoints
times a detour factor. Every length is in whole centimetres (lengths rounded up, as the
model counts them), so the same segments give the same figures on every machine.

The network of a tour is the segments of its zone: the model, the repair and the checker
then measure with the same network whichever process solves the zone, and a walk through
another zone's streets is never counted shorter than it is (a roster's tours, each on its
zones' network: ``roster_walks.py``). Pure Python, no ortools: the independent checker
and the exports measure with these functions too.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra

from roadchief.domain import Segment
from roadchief.solve.roster.walk_order import short_order

DETOUR_FACTOR = 1.3
"""Walked length over straight-line length where the network does not connect two segments
(the rules' ``roster.walk_detour_factor`` overrides it)."""

ZERO_CM = 1e-6
"""The weight a segment of length 0 gets in the search (a stored 0 is no edge to scipy);
far too small to change a whole centimetre once the distance is rounded."""


def length_cm(length_m: float) -> int:
    """A length rounded up to whole centimetres, so integer tour sums never undercount."""
    return math.ceil(round(length_m * 100.0, 6))


@dataclass(frozen=True)
class TourWalk:
    """A tour as walked: segments in order, each one's direction and the walk to it."""

    order: tuple[str, ...]
    """Segment ids in walking order."""
    reverse: tuple[bool, ...]
    """Per segment: walked from ``to_node`` to ``from_node``."""
    walk_to_cm: tuple[int, ...]
    """Per segment: the connecting walk from the previous segment (0 for the first)."""
    segments_cm: int
    """The segments' own lengths."""
    islands: int
    """Connections estimated by straight line because the network does not join them."""

    @property
    def walk_cm(self) -> int:
        """The connecting walk between the segments."""
        return sum(self.walk_to_cm)

    @property
    def total_cm(self) -> int:
        """Segments plus connecting walk: what the tour's cap limits."""
        return self.segments_cm + self.walk_cm


class WalkNetwork:
    """Shortest walks between the nodes of a set of segments, searched on demand and kept.

    Each node asked about gets its distances to every node of the network at once, by
    Dijkstra (scipy), kept as one row: a tour's steps are then a few array lookups. Built
    in segment id order with integer lengths, so two networks of the same segments give the
    same walks, whatever order the segments came in.
    """

    def __init__(self, segments: Iterable[Segment], *, detour_factor: float = DETOUR_FACTOR):
        self.detour_factor = detour_factor
        self.segments = {s.segment_id: s for s in sorted(segments, key=lambda s: s.segment_id)}
        nodes = sorted({n for s in self.segments.values() for n in (s.from_node, s.to_node)})
        self._column = {node: k for k, node in enumerate(nodes)}
        self._nodes = nodes
        shortest: dict[tuple[int, int], int] = {}  # parallel segments: the shorter one counts
        self._edge: dict[tuple[int, int], str] = {}  # ... and is the one a traced step passes
        for s in self.segments.values():
            a, b = sorted((self._column[s.from_node], self._column[s.to_node]))
            if a != b and length_cm(s.length_m) < shortest.get((a, b), 2**62):
                shortest[(a, b)] = length_cm(s.length_m)
                self._edge[(a, b)] = s.segment_id
        pairs = sorted(shortest)
        # a segment of length 0 is still an edge: scipy reads a stored 0 as none
        weights = [max(shortest[k], ZERO_CM) for k in pairs]
        self._graph = csr_matrix(
            (weights, ([a for a, _b in pairs], [b for _a, b in pairs])),
            shape=(len(nodes), len(nodes)),
        )
        self._dist = np.zeros((0, len(nodes)), dtype=np.int64)  # one row per node searched
        self._row_at = np.full(len(nodes), -1, dtype=np.intp)  # column -> its row, -1: none
        self._pos = {segment_id: k for k, segment_id in enumerate(self.segments)}
        ends = [
            (self._column[s.from_node], self._column[s.to_node]) for s in self.segments.values()
        ]
        self._ends = np.array(ends, dtype=np.intp).reshape(-1, 2)  # per position: its 2 columns
        self._mid = np.array([(s.x_m, s.y_m) for s in self.segments.values()]).reshape(-1, 2)
        self._before: dict[int, np.ndarray] = {}  # predecessors, for tracing steps
        self._plans: dict[tuple[str, ...], TourWalk] = {}

    def node_cm(self, a: int, b: int) -> int | None:
        """The shortest walk between nodes ``a`` and ``b``; None if they do not connect."""
        if a == b:
            return 0
        if a not in self._column or b not in self._column:
            return None
        cm = int(self.between([a], [b])[0])
        return None if cm < 0 else cm

    def distances(self, sources: Sequence[int]) -> np.ndarray:
        """Shortest walks in cm from each of ``sources`` (nodes of the network) to every node,
        one row per source, columns in node order; -1 where the network does not join them."""
        rows = self._rows_at(np.array(self.columns(sources), dtype=np.intp))  # may grow _dist
        out: np.ndarray = self._dist[rows]
        return out

    def between(self, ends: Sequence[int], starts: Sequence[int]) -> np.ndarray:
        """The shortest walk from each node of ``ends`` to the node of ``starts`` at the
        same place, in cm; -1 where the network does not join them."""
        rows = self._rows_at(np.array(self.columns(ends), dtype=np.intp))
        cm: np.ndarray = self._dist[rows, np.array(self.columns(starts), dtype=np.intp)]
        return cm

    def grid(self, ends: Sequence[int], starts: Sequence[int]) -> np.ndarray:
        """The shortest walks from every node of ``ends`` (rows) to every node of
        ``starts`` (columns), in cm; -1 where the network does not join them."""
        rows = self._rows_at(np.array(self.columns(ends), dtype=np.intp))
        cm: np.ndarray = self._dist[np.ix_(rows, np.array(self.columns(starts), dtype=np.intp))]
        return cm

    def positions(self, segment_ids: Iterable[str]) -> np.ndarray:
        """Each segment's position in the network, for ``leg_cm``."""
        return np.array([self._pos[i] for i in segment_ids], dtype=np.intp)

    def leg_cm(
        self,
        a: np.ndarray,
        a_back: np.ndarray,
        b: np.ndarray,
        b_back: np.ndarray,
        *,
        searched_b: bool = False,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Per k: the step from segment ``a[k]`` (a position) walked forwards (``a_back[k]``
        0) or backwards (1) to segment ``b[k]`` walked ``b_back[k]``, as ``step_matrix``
        has it; and whether it is the straight-line estimate. The few steps a caller
        needs, in array lookups, without the whole matrix. ``searched_b``: looked up from
        ``b``'s nodes (the streets are walked both ways alike), for when those are the
        ones already searched, as a tour's are."""
        ends, starts = self._ends[a, 1 - a_back], self._ends[b, b_back]  # forwards: to_node
        if searched_b:
            ends, starts = starts, ends
        rows = self._rows_at(ends)  # before reading _dist: a search may grow it
        cm: np.ndarray = self._dist[rows, starts]
        line = cm < 0
        if line.any():
            p, q = self._mid[a[line]], self._mid[b[line]]
            cm[line] = self.line_cm(p[:, 0], p[:, 1], q[:, 0], q[:, 1])
        return cm, line

    def _rows_at(self, cols: np.ndarray) -> np.ndarray:
        """The rows of ``_dist`` of the nodes at ``cols``, searching those not yet searched."""
        missing = np.unique(cols[self._row_at[cols] < 0])
        if missing.size:
            found = dijkstra(self._graph, directed=False, indices=missing)
            self._keep(missing, np.where(np.isinf(found), -1.0, np.rint(found)).astype(np.int64))
        out: np.ndarray = self._row_at[cols]
        return out

    def _keep(self, cols: np.ndarray, rows: np.ndarray) -> None:
        """Keep the distances from the nodes at ``cols`` (one row each, in cm), the buffer
        grown by doubling so that adding rows one search at a time stays linear."""
        used = int((self._row_at >= 0).sum())
        if used + len(cols) > len(self._dist):
            size = min(len(self._nodes), max(2 * len(self._dist), used + len(cols)))
            grown = np.empty((size, len(self._nodes)), dtype=np.int64)
            grown[:used] = self._dist[:used]
            self._dist = grown
        self._dist[used : used + len(cols)] = rows
        self._row_at[cols] = np.arange(used, used + len(cols))

    def trace(self, sources: Iterable[int]) -> None:
        """Keep the shortest walks' predecessors from each node of ``sources`` (one search)."""
        missing = sorted({a for a in sources if a in self._column and a not in self._before})
        if missing:
            found, before = dijkstra(
                self._graph,
                directed=False,
                indices=[self._column[a] for a in missing],
                return_predecessors=True,
            )
            cols = np.array(self.columns(missing), dtype=np.intp)
            fresh = self._row_at[cols] < 0
            rounded = np.where(np.isinf(found), -1.0, np.rint(found)).astype(np.int64)
            self._keep(cols[fresh], rounded[fresh])
            self._before.update(zip(missing, before, strict=True))

    def path(self, start: int, end: int) -> tuple[tuple[str, bool], ...] | None:
        """The segments of the shortest walk from node ``start`` to node ``end``, each with
        its direction (True: walked from ``to_node`` to ``from_node``); None if the network
        does not join them."""
        if self.node_cm(start, end) is None:
            return None
        self.trace([start])
        a, k = self._column[start], self._column.get(end, -1)
        out: list[tuple[str, bool]] = []
        while k != a:
            p = int(self._before[start][k])
            seg = self.segments[self._edge[(min(p, k), max(p, k))]]
            out.append((seg.segment_id, self._column[seg.from_node] != p))
            k = p
        return tuple(reversed(out))

    def columns(self, nodes: Sequence[int]) -> list[int]:
        """The column of each node in the rows of ``distances``."""
        return [self._column[n] for n in nodes]

    def step_cm(self, a: Segment, a_reverse: bool, b: Segment, b_reverse: bool) -> tuple[int, bool]:
        """The walk from the end of ``a`` to the start of ``b``, and whether it is estimated
        by straight line (the network does not join them)."""
        end = a.from_node if a_reverse else a.to_node
        start = b.to_node if b_reverse else b.from_node
        cm = self.node_cm(end, start)
        if cm is not None:
            return cm, False
        return int(self.line_cm(*(np.array([v]) for v in (a.x_m, a.y_m, b.x_m, b.y_m)))[0]), True

    def line_cm(self, ax: np.ndarray, ay: np.ndarray, bx: np.ndarray, by: np.ndarray) -> np.ndarray:
        """Unjoined walks: midpoints' straight line x detour factor, in whole cm rounded up."""
        line_m = np.hypot(ax - bx, ay - by)
        return np.ceil(np.round(line_m * self.detour_factor * 100.0, 6)).astype(np.int64)  # type: ignore[no-any-return]

    def walk_in_order(self, segment_ids: Sequence[str]) -> TourWalk:
        """The tour walked in the given order, each segment in the direction that makes the
        connecting walk shortest (exact, by dynamic programming over the two directions)."""
        segs = [self.segments[i] for i in segment_ids]
        order = list(range(len(segs)))
        return walked_in(segs, order, *steps_along(self, segs, order))

    def prefer(self, segment_ids: Sequence[str]) -> None:
        """Keep the walk in this order as the segments' plan (``plan_walk``) if it walks
        less than the plan: an order the refill built by inserting segments can beat
        the short order planned afresh, and a tour that fits walked so must not be
        measured past its cap later."""
        walk = self.walk_in_order(segment_ids)
        if walk.total_cm < self.plan_walk(segment_ids).total_cm:
            self._plans[tuple(sorted(segment_ids))] = walk

    def savings(self, walk: TourWalk) -> list[int]:
        """Per segment of ``walk``: what leaving it out saves, the others walked in the same
        order and directions (a lower bound: turning them round may save more)."""
        segs = [self.segments[i] for i in walk.order]
        out = []
        for k, seg in enumerate(segs):
            saved = length_cm(seg.length_m) + walk.walk_to_cm[k]
            if k + 1 < len(segs):
                saved += walk.walk_to_cm[k + 1]
                if k > 0:
                    a, b = segs[k - 1], segs[k + 1]
                    saved -= self.step_cm(a, walk.reverse[k - 1], b, walk.reverse[k + 1])[0]
            out.append(saved)
        return out

    def plan_walk(self, segment_ids: Iterable[str]) -> TourWalk:
        """A short walk over the segments (``walk_order.short_order``), then the best
        directions for that order (two segments: either order walks the same step)."""
        key = tuple(sorted(segment_ids))
        found = self._plans.get(key)
        if found is None:
            segs = [self.segments[i] for i in key]
            cm, line = step_matrix(self, segs)
            ends = np.array([n for s in segs for n in (s.to_node, s.from_node)])
            order = short_order(cm, ends) if len(segs) > 2 else list(range(len(segs)))
            found = self._plans[key] = walked_in(segs, order, *order_steps(cm, line, order))
        return found


def step_matrix(net: WalkNetwork, segs: Sequence[Segment]) -> tuple[np.ndarray, np.ndarray]:
    """cm[2a + ra, 2b + rb]: the step from segment a walked (ra: backwards) to segment b
    (rb), as ``WalkNetwork.step_cm`` gives it: network distances looked up in one go, the
    straight-line estimate only where the network does not join the two. And where it is
    that estimate (``line``)."""
    ends = [n for s in segs for n in (s.to_node, s.from_node)]  # where each leg ends
    starts = [n for s in segs for n in (s.from_node, s.to_node)]  # where each leg starts
    cm = net.grid(ends, starts)
    line = cm < 0
    if line.any():
        x = np.array([s.x_m for s in segs])
        y = np.array([s.y_m for s in segs])
        a, b = (k >> 1 for k in np.nonzero(line))
        cm[line] = net.line_cm(x[a], y[a], x[b], y[b])
    return cm, line


def order_steps(
    cm: np.ndarray, line: np.ndarray, order: Sequence[int]
) -> tuple[np.ndarray, np.ndarray]:
    """steps[i, o, k]: the k-th step along ``order`` (positions in the segments of ``cm``,
    ``step_matrix``), from the segment before (i: walked backwards) to the next one (o:
    backwards); and where it is the straight-line estimate."""
    at = np.asarray(order, dtype=np.int64)
    a, b = 2 * at[:-1], 2 * at[1:]  # each step's two segments, forwards
    pick = [[(a + i, b + o) for o in (0, 1)] for i in (0, 1)]
    return (
        np.array([[cm[x, y] for x, y in row] for row in pick]).reshape(2, 2, len(a)),
        np.array([[line[x, y] for x, y in row] for row in pick]).reshape(2, 2, len(a)),
    )


def steps_along(
    net: WalkNetwork, segs: Sequence[Segment], order: Sequence[int]
) -> tuple[np.ndarray, np.ndarray]:
    """``order_steps`` measured on ``net`` directly: the 4 steps between each two segments
    along ``order`` (``WalkNetwork.leg_cm``), not the whole matrix (a tour of 150
    segments: 600 lookups, not 90,000)."""
    at = net.positions(segs[i].segment_id for i in order)
    m = max(0, len(at) - 1)
    a, b = np.tile(at[:-1], 4), np.tile(at[1:], 4)
    cm, line = net.leg_cm(a, np.repeat([0, 0, 1, 1], m), b, np.repeat([0, 1, 0, 1], m))
    return cm.reshape(2, 2, m), line.reshape(2, 2, m)


def walked_in(
    segs: Sequence[Segment],
    order: Sequence[int],
    steps: np.ndarray,
    line: np.ndarray,
    segments_cm: int | None = None,
) -> TourWalk:
    """The segments walked in ``order`` (positions in ``segs``), each in the direction that
    makes the connecting walk shortest: exact, by dynamic programming over the directions
    (ties: forwards), with the steps along the order (``order_steps``, ``steps_along``).
    ``segments_cm``: the segments' own lengths, where the caller has them."""
    step = steps.tolist()  # step[i][o][k]: see ``order_steps``
    best = [0, 0]  # least walk to finish the segment so far, forwards / backwards
    back: list[tuple[bool, bool]] = []  # per step: the previous direction that gives it
    for k in range(len(order) - 1):
        came = []
        for o in (0, 1):
            forwards, backwards = best[0] + step[0][o][k], best[1] + step[1][o][k]
            came.append((backwards, True) if backwards < forwards else (forwards, False))
        best = [came[0][0], came[1][0]]
        back.append((came[0][1], came[1][1]))
    reverse = [best[1] < best[0]]
    for k in range(len(order) - 2, -1, -1):
        reverse.append(back[k][int(reverse[-1])])
    reverse = reverse[::-1][: len(order)]
    turn = np.array(reverse, dtype=np.intp)
    taken = (turn[:-1], turn[1:], np.arange(len(turn) - 1))  # each step as walked
    if segments_cm is None:
        segments_cm = sum(length_cm(segs[s].length_m) for s in order)
    return TourWalk(
        order=tuple(segs[s].segment_id for s in order),
        reverse=tuple(reverse),
        walk_to_cm=(0, *steps[taken].tolist()) if order else (),
        segments_cm=segments_cm,
        islands=int(line[taken].sum()),
    )
