"""Measure the walk of a tour: a walking order, each segment's direction and the connecting walk.

Walking a segment means traversing it end to end, from one of its nodes to the other. The
connecting walk from one segment to the next is the shortest path on the road network
between the end of the first and the start of the second; where the two lie on pieces of
the network that do not connect (islands), it is the straight line between their midpoints
times a detour factor. Every length is in whole centimetres (lengths rounded up, as the
model counts them), so the same segments give the same figures on every machine.

The network of a tour is the segments of its zone: the model, the repair and the checker
then measure with the same network whichever process solves the zone, and a walk through
another zone's streets is never counted shorter than it is. Pure Python, no ortools: the
independent checker and the exports measure with these functions too.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra

from roadchief.domain import PatrolInstance, Roster, Segment

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
        self._rows: dict[int, np.ndarray] = {}
        self._before: dict[int, np.ndarray] = {}  # predecessors, for tracing steps
        self._plans: dict[tuple[str, ...], TourWalk] = {}

    def node_cm(self, a: int, b: int) -> int | None:
        """The shortest walk between nodes ``a`` and ``b``; None if they do not connect."""
        if a == b:
            return 0
        if a not in self._column or b not in self._column:
            return None
        row = self._rows.get(a)
        if row is None:
            row = self.distances([a])[0]
        cm = int(row[self._column[b]])
        return None if cm < 0 else cm

    def distances(self, sources: Sequence[int]) -> np.ndarray:
        """Shortest walks in cm from each of ``sources`` (nodes of the network) to every node,
        one row per source, columns in node order; -1 where the network does not join them."""
        missing = sorted({a for a in sources if a not in self._rows})
        if missing:
            found = dijkstra(
                self._graph, directed=False, indices=[self._column[a] for a in missing]
            )
            rounded = np.where(np.isinf(found), -1.0, np.rint(found)).astype(np.int64)
            for a, row in zip(missing, rounded, strict=True):
                self._rows[a] = row
        return np.stack([self._rows[a] for a in sources])

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
            rounded = np.where(np.isinf(found), -1.0, np.rint(found)).astype(np.int64)
            for k, a in enumerate(missing):
                self._rows[a], self._before[a] = rounded[k], before[k]

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
        return walked_in(segs, *step_matrix(self, segs), list(range(len(segs))))

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
        """A short walk over the segments: nearest neighbour from up to ``NN_STARTS``
        segments, improved by 2-opt and or-opt moves with directions, then the best
        directions for that order (two segments: either order walks the same step)."""
        key = tuple(sorted(segment_ids))
        found = self._plans.get(key)
        if found is None:
            segs = [self.segments[i] for i in key]
            cm, line = step_matrix(self, segs)
            order = _short_order(cm) if len(segs) > 2 else list(range(len(segs)))
            found = self._plans[key] = walked_in(segs, cm, line, order)
        return found


NN_STARTS = 8
"""Nearest-neighbour walks tried per tour, each from another segment (all when fewer)."""


def _short_order(cm: np.ndarray) -> list[int]:
    """A short walking order (segment positions) of the tour whose steps are ``cm`` (see
    ``step_matrix``): nearest neighbour from up to ``NN_STARTS`` segments at once, the best
    improved by ``_improve``."""
    n = len(cm) // 2
    firsts = np.arange(0, n, max(1, -(-n // NN_STARTS)))
    walks = np.zeros((len(firsts), n), dtype=np.int64)  # one nearest-neighbour walk per row
    walks[:, 0] = 2 * firsts
    free = np.ones((len(firsts), 2 * n), dtype=bool)
    rows = np.arange(len(firsts))
    free[rows, 2 * firsts] = free[rows, 2 * firsts + 1] = False
    total = np.zeros(len(firsts), dtype=np.int64)
    never = np.iinfo(np.int64).max
    for k in range(1, n):
        steps = np.where(free, cm[walks[:, k - 1]], never)
        legs = np.argmin(steps, axis=1)  # the first least step: ties to the lower segment
        total += steps[rows, legs]
        free[rows, legs & ~1] = free[rows, legs | 1] = False
        walks[:, k] = legs
    best = [int(x) for x in walks[int(np.argmin(total))]]  # ties: the earlier start
    return [leg >> 1 for leg in _improve(best, cm)]


def step_matrix(net: WalkNetwork, segs: Sequence[Segment]) -> tuple[np.ndarray, np.ndarray]:
    """cm[2a + ra, 2b + rb]: the step from segment a walked (ra: backwards) to segment b
    (rb), as ``WalkNetwork.step_cm`` gives it: network distances looked up in one go, the
    straight-line estimate only where the network does not join the two. And where it is
    that estimate (``line``)."""
    ends = [n for s in segs for n in (s.to_node, s.from_node)]  # where each leg ends
    starts = [n for s in segs for n in (s.from_node, s.to_node)]  # where each leg starts
    cm = net.distances(ends)[:, net.columns(starts)] if segs else np.zeros((0, 0), np.int64)
    line = cm < 0
    if line.any():
        x = np.array([s.x_m for s in segs])
        y = np.array([s.y_m for s in segs])
        a, b = (k >> 1 for k in np.nonzero(line))
        cm[line] = net.line_cm(x[a], y[a], x[b], y[b])
    return cm, line


def walked_in(
    segs: Sequence[Segment], cm: np.ndarray, line: np.ndarray, order: Sequence[int]
) -> TourWalk:
    """The segments walked in ``order`` (positions in ``segs``), each in the direction that
    makes the connecting walk shortest: exact, by dynamic programming over the directions
    (ties: forwards), with the steps of ``step_matrix``."""
    at = np.array(order, dtype=np.int64)
    a, b = 2 * at[:-1], 2 * at[1:]  # each step's two segments, forwards
    # step[i][o][k]: the k-th step from the segment before (i: walked backwards) to the
    # next one (o: backwards); only the steps along the order are read from ``cm``
    step = [[cm[a + i, b + o].tolist() for o in (0, 1)] for i in (0, 1)]
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
    reverse.reverse()
    legs = [2 * i + int(r) for i, r in zip(order, reverse, strict=True)]
    steps = list(pairwise(legs))
    taken = [step[int(reverse[k])][int(reverse[k + 1])][k] for k in range(len(steps))]
    return TourWalk(
        order=tuple(segs[i].segment_id for i in order),
        reverse=tuple(reverse),
        walk_to_cm=(0, *taken) if legs else (),
        segments_cm=sum(length_cm(segs[i].length_m) for i in order),
        islands=sum(int(line[x, y]) for x, y in steps),
    )


def _improve(route: list[int], cm: np.ndarray) -> list[int]:
    """The route of legs improved by the best of its 2-opt moves (walk a stretch backwards,
    one segment turned round included) and or-opt moves (move one segment elsewhere, either
    way round), one move at a time, until none shortens the walk.

    Every move's gain is worked out at once with arrays: a node past either end of the walk
    (index ``2n``, no step to or from it) turns the ends into ordinary positions.
    """
    n = len(route)
    end = 2 * n
    c = np.zeros((end + 1, end + 1), dtype=np.int64)
    c[:end, :end] = cm
    r = np.array(route, dtype=np.int64)
    later = np.triu(np.ones((n, n), dtype=bool))  # 2-opt: stretches i..j, i <= j
    beside = np.zeros((n, n + 1), dtype=bool)  # or-opt: the two gaps next to the segment
    beside[np.arange(n), np.arange(n)] = beside[np.arange(n), np.arange(n) + 1] = True
    while True:
        before = np.concatenate(([end], r[:-1]))  # the leg before each position
        after = np.concatenate((r[1:], [end]))  # the leg after each position
        turned = r ^ 1
        kept = c[before, r][:, None] + c[r, after][None, :]
        reversed_ = c[before[:, None], turned[None, :]] + c[turned[:, None], after[None, :]]
        two = np.where(later, reversed_ - kept, 0)
        gap_from = np.concatenate(([end], r))  # gap e lies between positions e - 1 and e
        gap_to = np.concatenate((r, [end]))
        saved = c[before, r] + c[r, after] - c[before, after]  # taking a segment out
        legs = np.stack((r & ~1, r | 1), axis=1)  # (n, 2): the segment either way round
        added = (
            c[gap_from[None, None, :], legs[:, :, None]]
            + c[legs[:, :, None], gap_to[None, None, :]]
            - c[gap_from, gap_to][None, None, :]
        )
        moved = np.where(beside[:, None, :], 0, added - saved[:, None, None])
        i2, j2 = np.unravel_index(int(np.argmin(two)), two.shape)
        i3, o3, e3 = np.unravel_index(int(np.argmin(moved)), moved.shape)
        if min(two[i2, j2], moved[i3, o3, e3]) >= 0:
            return [int(x) for x in r]
        if two[i2, j2] <= moved[i3, o3, e3]:
            r[i2 : j2 + 1] = turned[i2 : j2 + 1][::-1]
        else:
            rest = [int(x) for k, x in enumerate(r) if k != i3]
            at = e3 if e3 < i3 else e3 - 1
            r = np.array([*rest[:at], int(legs[i3, o3]), *rest[at:]], dtype=np.int64)


def _zone_networks(
    segments: Sequence[Segment], tours: Mapping[str, Sequence[str]], detour_factor: float
) -> dict[str, WalkNetwork]:
    """Each tour's network (tour id -> segment ids): the streets of the zones its segments
    lie in, as the roster model's zones measure it; one network per set of zones."""
    by_id = {s.segment_id: s for s in segments}
    by_zone: dict[str, list[Segment]] = {}
    for s in segments:
        by_zone.setdefault(s.zone_id, []).append(s)
    networks: dict[tuple[str, ...], WalkNetwork] = {}
    out = {}
    for tour_id, ids in tours.items():
        key = tuple(sorted({by_id[i].zone_id for i in ids}))
        net = networks.get(key)
        if net is None:
            members = [s for z in key for s in by_zone[z]]
            net = networks[key] = WalkNetwork(members, detour_factor=detour_factor)
        out[tour_id] = net
    return out


def roster_walks(
    segments: Sequence[Segment],
    tours: Mapping[str, Sequence[str]],
    *,
    detour_factor: float = DETOUR_FACTOR,
) -> dict[str, TourWalk]:
    """Each tour (tour id -> segment ids in walking order) walked in its order, on the
    streets of the zones its segments lie in, as the roster model's zones measure it."""
    networks = _zone_networks(segments, tours, detour_factor)
    return {tour_id: networks[tour_id].walk_in_order(ids) for tour_id, ids in tours.items()}


@dataclass(frozen=True)
class Step:
    """The streets of one measured step of a tour: the segments passed, each with its
    direction (True: walked from ``to_node`` to ``from_node``); empty and ``straight`` when
    the network does not join the two segments, or joins them by another length than
    the one measured."""

    segments: tuple[tuple[str, bool], ...]
    straight: bool


WalkedTour = tuple[Sequence[str], Sequence[bool], Sequence[int]]
"""A tour as measured: segment ids in walking order, each one's direction (True: walked
from ``to_node`` to ``from_node``) and the measured walk to each (0 for the first)."""


def step_paths(
    tours: Mapping[str, WalkedTour], segments: Sequence[Segment]
) -> dict[str, list[Step]]:
    """Each tour's steps (one per segment after the first), by tour id, traced on the
    network the walk was measured on and kept only where the trace is the measured length:
    a map then draws the walk that was measured. Nothing is decided here: the order and the
    directions are the tour's."""
    by_id = {s.segment_id: s for s in segments}
    networks = _zone_networks(
        segments, {t: ids for t, (ids, _r, _w) in tours.items()}, DETOUR_FACTOR
    )
    legs = {t: _legs(ids, reverse, by_id) for t, (ids, reverse, _w) in tours.items()}
    sources: dict[int, tuple[WalkNetwork, set[int]]] = {}
    for tour_id, net in networks.items():
        sources.setdefault(id(net), (net, set()))[1].update(end for end, _ in legs[tour_id])
    for net, ends in sources.values():  # one search per network, from every step's start
        net.trace(ends)
    out = {}
    for tour_id, (_ids, _reverse, walk_to_cm) in tours.items():
        net, steps = networks[tour_id], []
        for k, (end, start) in enumerate(legs[tour_id], start=1):
            path = net.path(end, start) if net.node_cm(end, start) == walk_to_cm[k] else None
            steps.append(Step((), True) if path is None else Step(path, False))
        out[tour_id] = steps
    return out


def _legs(
    ids: Sequence[str], reverse: Sequence[bool], by_id: Mapping[str, Segment]
) -> list[tuple[int, int]]:
    """Each step's (node it leaves from, node it reaches): the end of one segment as walked
    and the start of the next."""
    out = []
    for k in range(1, len(ids)):
        prev, this = by_id[ids[k - 1]], by_id[ids[k]]
        end = prev.from_node if reverse[k - 1] else prev.to_node
        start = this.to_node if reverse[k] else this.from_node
        out.append((end, start))
    return out


def measure_roster(instance: PatrolInstance, roster: Roster) -> dict[str, TourWalk]:
    """Every tour of ``roster`` walked in its order (``roster_walks``), by tour id."""
    tours = {tour_id: [a.segment_id for a in items] for tour_id, items in roster.tours().items()}
    return roster_walks(instance.segments, tours, detour_factor=instance.context.walk_detour_factor)


def walk_summary(walks: Mapping[str, TourWalk], caps_cm: Mapping[str, int]) -> dict[str, Any]:
    """The roster's walk in figures (summary.json ``walk``, explain.md): km walked, the
    connecting walk and its share, steps estimated by straight line, tours over the cap."""
    segments_cm = sum(w.segments_cm for w in walks.values())
    walk_cm = sum(w.walk_cm for w in walks.values())
    over = {t: w.total_cm - caps_cm[t] for t, w in walks.items() if w.total_cm > caps_cm[t]}
    worst = max(over.items(), key=lambda kv: (kv[1], kv[0]), default=None)
    return {
        "walked_km": round((segments_cm + walk_cm) / 1e5, 3),
        "segments_km": round(segments_cm / 1e5, 3),
        "connecting_km": round(walk_cm / 1e5, 3),
        "connecting_share": round(walk_cm / max(1, segments_cm + walk_cm), 4),
        "steps": sum(max(0, len(w.order) - 1) for w in walks.values()),
        "steps_by_straight_line": sum(w.islands for w in walks.values()),
        "tours_over_cap": len(over),
        "worst_over_cap_m": round(worst[1] / 100, 1) if worst else 0.0,
        "worst_over_cap_tour": worst[0] if worst else None,
    }
