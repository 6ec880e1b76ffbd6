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

import heapq
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from roadchief.domain import PatrolInstance, Roster, Segment

DETOUR_FACTOR = 1.3
"""Walked length over straight-line length where the network does not connect two segments
(the rules' ``roster.walk_detour_factor`` overrides it)."""


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

    Built in segment id order and searched with integer lengths, so two networks of the
    same segments give the same walks, whatever order the segments came in.
    """

    def __init__(self, segments: Iterable[Segment], *, detour_factor: float = DETOUR_FACTOR):
        self.detour_factor = detour_factor
        self.segments = {s.segment_id: s for s in sorted(segments, key=lambda s: s.segment_id)}
        adj: dict[int, list[tuple[int, int]]] = {}
        for s in self.segments.values():
            cm = length_cm(s.length_m)
            adj.setdefault(s.from_node, []).append((s.to_node, cm))
            adj.setdefault(s.to_node, []).append((s.from_node, cm))
        self._adj = adj
        self._piece = _pieces(adj)
        self._searches: dict[int, _Search] = {}
        self._plans: dict[tuple[str, ...], TourWalk] = {}

    def node_cm(self, a: int, b: int) -> int | None:
        """The shortest walk between nodes ``a`` and ``b``; None if they do not connect."""
        if a == b:
            return 0
        if self._piece.get(a) != self._piece.get(b) or a not in self._adj:
            return None
        search = self._searches.get(a)
        if search is None:
            search = self._searches[a] = _Search(self._adj, a)
        return search.reach(b)

    def step_cm(self, a: Segment, a_reverse: bool, b: Segment, b_reverse: bool) -> tuple[int, bool]:
        """The walk from the end of ``a`` to the start of ``b``, and whether it is estimated
        by straight line (the network does not join them)."""
        end = a.from_node if a_reverse else a.to_node
        start = b.to_node if b_reverse else b.from_node
        cm = self.node_cm(end, start)
        if cm is not None:
            return cm, False
        line_m = math.hypot(a.x_m - b.x_m, a.y_m - b.y_m)
        return math.ceil(round(line_m * self.detour_factor * 100.0, 6)), True

    def walk_in_order(self, segment_ids: Sequence[str]) -> TourWalk:
        """The tour walked in the given order, each segment in the direction that makes the
        connecting walk shortest (exact, by dynamic programming over the two directions)."""
        segs = [self.segments[i] for i in segment_ids]
        if not segs:
            return TourWalk((), (), (), 0, 0)
        # best[o]: least walk to finish segment k in direction o; back[k][o]: previous direction
        best = [0, 0]
        back: list[tuple[bool, bool]] = []
        for k in range(1, len(segs)):
            new, prev = [0, 0], [False, False]
            for o in (0, 1):
                options = [
                    (best[q] + self.step_cm(segs[k - 1], bool(q), segs[k], bool(o))[0], q)
                    for q in (0, 1)
                ]
                cost, q = min(options)
                new[o], prev[o] = cost, bool(q)
            best = new
            back.append((prev[0], prev[1]))
        last = bool(best[1] < best[0])
        reverse = [last]
        for k in range(len(segs) - 2, -1, -1):
            reverse.append(back[k][int(reverse[-1])])
        reverse.reverse()
        walk_to, islands = [0], 0
        for k in range(1, len(segs)):
            cm, line = self.step_cm(segs[k - 1], reverse[k - 1], segs[k], reverse[k])
            walk_to.append(cm)
            islands += int(line)
        return TourWalk(
            order=tuple(segment_ids),
            reverse=tuple(reverse),
            walk_to_cm=tuple(walk_to),
            segments_cm=sum(length_cm(s.length_m) for s in segs),
            islands=islands,
        )

    def plan_walk(self, segment_ids: Iterable[str]) -> TourWalk:
        """A short walk over the segments: nearest neighbour from up to ``NN_STARTS``
        segments, improved by 2-opt and or-opt moves with directions, then the best
        directions for that order (two segments: either order walks the same step)."""
        key = tuple(sorted(segment_ids))
        found = self._plans.get(key)
        if found is None:
            found = self._plans[key] = self.walk_in_order(_short_order(self, key))
        return found


class _Search:
    """A Dijkstra search from one node that goes on only as far as the questions need."""

    def __init__(self, adj: dict[int, list[tuple[int, int]]], source: int) -> None:
        self.adj = adj
        self.done: dict[int, int] = {}
        self.best = {source: 0}
        self.heap = [(0, source)]

    def reach(self, target: int) -> int:
        """The distance to ``target``, searching on until it is settled (it is reachable)."""
        done, best, heap, adj = self.done, self.best, self.heap, self.adj
        while target not in done:
            d, u = heapq.heappop(heap)
            if u in done:
                continue
            done[u] = d
            for v, w in adj[u]:
                nd = d + w
                if v not in done and nd < best.get(v, nd + 1):
                    best[v] = nd
                    heapq.heappush(heap, (nd, v))
        return done[target]


def _pieces(adj: dict[int, list[tuple[int, int]]]) -> dict[int, int]:
    """The connected piece of every node, numbered by its smallest node."""
    piece: dict[int, int] = {}
    for start in sorted(adj):
        if start in piece:
            continue
        piece[start] = start
        stack = [start]
        while stack:
            for v, _w in adj[stack.pop()]:
                if v not in piece:
                    piece[v] = start
                    stack.append(v)
    return piece


Leg = tuple[int, bool]
"""A segment (index into the tour) and whether it is walked from ``to_node``."""

NN_STARTS = 8
"""Nearest-neighbour walks tried per tour, each from another segment (all when fewer)."""


def _short_order(net: WalkNetwork, ids: tuple[str, ...]) -> list[str]:
    """A short walking order of the segments ``ids`` (sorted): see ``plan_walk``."""
    n = len(ids)
    if n <= 2:
        return list(ids)
    segs = [net.segments[i] for i in ids]
    cm = _step_matrix(net, segs)
    best: list[Leg] = []
    best_cm = -1
    for first in range(0, n, max(1, -(-n // NN_STARTS))):
        legs = [2 * first]  # numbered 2 * segment + reversed, as in _improve
        left = [j for j in range(n) if j != first]
        total = 0
        while left:
            row = cm[legs[-1]]
            k_best, leg_best, cm_best = 0, 2 * left[0], row[2 * left[0]]
            for k, j in enumerate(left):  # the first least step, as min() would pick it
                for leg in (2 * j, 2 * j + 1):
                    if row[leg] < cm_best:
                        k_best, leg_best, cm_best = k, leg, row[leg]
            total += cm_best
            left.pop(k_best)
            legs.append(leg_best)
        if best_cm < 0 or total < best_cm:
            best, best_cm = [(x >> 1, bool(x & 1)) for x in legs], total
    route = _improve(best, cm)
    return [ids[i] for i, _r in route]


def _step_matrix(net: WalkNetwork, segs: list[Segment]) -> list[list[int]]:
    """cm[2a + ra][2b + rb]: the step from segment a walked (ra: backwards) to segment b
    (rb), as ``WalkNetwork.step_cm`` gives it, asking the network once per pair of nodes:
    the segments of a tour share their crossings, so there are far fewer nodes than legs."""
    ends = [(s.to_node, s.from_node) for s in segs]  # where a leg ends, by direction
    starts = [(s.from_node, s.to_node) for s in segs]  # where a leg starts
    targets = sorted({v for pair in starts for v in pair})
    rows = {u: {v: net.node_cm(u, v) for v in targets} for u in {u for p in ends for u in p}}
    cm = []
    for a, seg in enumerate(segs):
        for ra in (0, 1):
            row = rows[ends[a][ra]]
            out = []
            for b, other in enumerate(segs):
                for rb in (0, 1):
                    walk = row[starts[b][rb]]
                    out.append(
                        net.step_cm(seg, bool(ra), other, bool(rb))[0] if walk is None else walk
                    )
            cm.append(out)
    return cm


def _improve(route: list[Leg], cm: list[list[int]]) -> list[Leg]:
    """2-opt (walk a stretch backwards) and or-opt (move one segment, either way round)
    until neither shortens the walk. Walks are symmetric, so a stretch walked backwards
    keeps its inner steps and a move changes three steps at most: each try costs O(1).
    Legs are numbered ``2 * segment + reversed`` inside, so a step is ``cm[x][y]`` and a
    leg walked the other way is ``x ^ 1``."""
    r = [2 * s + int(rev) for s, rev in route]
    n = len(r)

    def link(k: int) -> int:  # the step into position k; none before the first or past the end
        return cm[r[k - 1]][r[k]] if 0 < k < n else 0

    improved = True
    while improved:
        improved = False
        for i in range(n - 1):
            for j in range(i + 1, n):
                first, last = r[j] ^ 1, r[i] ^ 1
                old = link(i) + link(j + 1)
                new = (cm[r[i - 1]][first] if i > 0 else 0) + (
                    cm[last][r[j + 1]] if j + 1 < n else 0
                )
                if new < old:
                    r[i : j + 1] = [x ^ 1 for x in reversed(r[i : j + 1])]
                    improved = True
        for i in range(n):
            leg = r[i]
            out = link(i) + link(i + 1)
            if 0 < i < n - 1:
                out -= cm[r[i - 1]][r[i + 1]]
            rest = r[:i] + r[i + 1 :]
            best: tuple[int, int, int] | None = None
            for k in range(n):  # insert before rest[k] (k == n - 1: at the end)
                for moved in (leg & ~1, leg | 1):
                    cost = (cm[rest[k - 1]][moved] if k > 0 else 0) + (
                        cm[moved][rest[k]] if k < n - 1 else 0
                    )
                    if 0 < k < n - 1:
                        cost -= cm[rest[k - 1]][rest[k]]
                    if cost < out and (best is None or cost < best[0]):
                        best = (cost, k, moved)
            if best is not None:
                r = [*rest[: best[1]], best[2], *rest[best[1] :]]
                improved = True
    return [(x >> 1, bool(x & 1)) for x in r]


def roster_walks(
    segments: Sequence[Segment],
    tours: Mapping[str, Sequence[str]],
    *,
    detour_factor: float = DETOUR_FACTOR,
) -> dict[str, TourWalk]:
    """Each tour (tour id -> segment ids in walking order) walked in its order, on the
    streets of the zones its segments lie in, as the roster model's zones measure it."""
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
        out[tour_id] = net.walk_in_order(ids)
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
