"""Cut one zone's road graph into k connected regions of equal workload, by local search.

Two steps. ``grow`` starts from spread seeds (or from earlier owners and pins) and lets the
lightest region take the nearest unclaimed item next to it. ``refine`` then moves single
boundary items, and whole stray pieces, to a touching region while that lowers

    band * sum(max(0, |d| - tolerance)^2) + spread * sum(d^2)       d = load / target - 1
    + cut * (touching pairs with two owners) + road_cut * (such pairs on one road)
    + piece * (pieces) + moved * (items whose owner differs from the earlier one)

A move never splits a region (the touching items of the moved one must still reach each
other inside the region) and never empties one; fixed items (pins) never move. Every choice
is ordered by index, so the result is deterministic. Measured on the Cambridge demo in
``bench/bench_ownership.py``.
"""

from __future__ import annotations

import heapq
from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from roadchief.solve.ownership.graph import ZoneGraph, pieces

UNOWNED = -1
LLOYD_STEPS = 5


@dataclass(frozen=True)
class PartitionWeights:
    """Weights of the refinement objective (see the module docstring)."""

    tolerance: float = 0.05
    """Relative deviation from the target load that costs only ``spread``."""
    band: float = 1e6
    spread: float = 500.0
    cut: float = 1.0
    road_cut: float = 3.0
    """Extra for a touching pair on one road with two owners: runs stay consecutive."""
    short_road_cut: float = 12.0
    """Extra instead of ``road_cut`` on roads no longer than ``short_road_m``."""
    short_road_m: float = 400.0
    piece: float = 2500.0
    moved: float = 60.0
    max_passes: int = 60
    shake: float = 4.0
    """Largest worsening a threshold-accepting move may make (in units of ``cut``)."""
    shake_passes: int = 10
    restarts: int = 4
    """Fresh partitions tried from different seeds; the best objective is kept."""


def partition(
    graph: ZoneGraph,
    k: int,
    *,
    fixed: Mapping[int, int] | None = None,
    start: Sequence[int] | None = None,
    previous: Sequence[int] | None = None,
    weights: PartitionWeights | None = None,
) -> list[int]:
    """Region index (0..k-1) of every item.

    ``fixed`` pins items to regions; ``start`` is an initial region per item (UNOWNED for
    none), usually the earlier owners; ``previous`` is what a move is counted against.
    """
    wts = weights or PartitionWeights()
    fixed = dict(fixed or {})
    region = list(start) if start is not None else [UNOWNED] * len(graph)
    for i, r in fixed.items():
        region[i] = r
    best: tuple[float, list[int]] | None = None
    for attempt in range(1 if start is not None else wts.restarts):
        grown = grow(graph, k, region, stable=start is not None, attempt=attempt)
        refiner = _Refiner(graph, k, grown, set(fixed), previous, wts)
        refined = refiner.run()
        value = refiner.objective()
        if best is None or value < best[0] - 1e-9:
            best = (value, refined)
    assert best is not None
    return best[1]


def grow(
    graph: ZoneGraph, k: int, region: list[int], *, stable: bool = False, attempt: int = 0
) -> list[int]:
    """Give every UNOWNED item a region: regions without items get a seed, then the lightest
    region with an unclaimed item next to it takes the one nearest its centre.

    ``stable``: the given items are earlier owners; an empty region then takes, as seed, the
    item of the heaviest region farthest from that region's centre (a boundary item).
    ``attempt`` > 0 starts the spread seeds from another item (for restarts)."""
    n = len(graph)
    region = list(region)
    if n == 0 or k == 0:
        return region
    load = [0.0] * k
    for i, r in enumerate(region):
        if r != UNOWNED:
            load[r] += graph.weight[i]
    empty = [r for r in range(k) if r not in set(region)]
    if empty and not stable:
        for comp, owners in zip(*_share_components(graph, region, empty), strict=True):
            _seed_spread(graph, comp, region, owners, attempt)
    elif empty:
        _seed_from_heaviest(graph, region, load, empty)
    load = [0.0] * k
    for i, r in enumerate(region):
        if r != UNOWNED:
            load[r] += graph.weight[i]
    centre = _centres(graph, region, k)

    def dist(i: int, r: int) -> float:
        cx, cy = centre[r]
        return float(((graph.x_m[i] - cx) ** 2 + (graph.y_m[i] - cy) ** 2) ** 0.5)

    frontier: list[list[tuple[float, int]]] = [[] for _ in range(k)]
    for i, r in enumerate(region):
        if r != UNOWNED:
            for j in graph.adj[i]:
                if region[j] == UNOWNED:
                    heapq.heappush(frontier[r], (dist(j, r), j))
    left = sum(1 for r in region if r == UNOWNED)
    active = [r for r in range(k) if r in set(region)]
    while left and active:
        for heap in frontier:
            while heap and region[heap[0][1]] != UNOWNED:
                heapq.heappop(heap)
        growing = [r for r in active if frontier[r]]
        if growing:
            r = min(growing, key=lambda r: (load[r] + 1e-9 * r, r))
            i = heapq.heappop(frontier[r])[1]
        else:  # a piece of road graph that no region reaches: the nearest region takes it
            free = [j for j in range(n) if region[j] == UNOWNED]
            i, h = _nearest_pair(graph, free, [j for j in range(n) if region[j] != UNOWNED])
            r = region[h]
        region[i] = r
        load[r] += graph.weight[i]
        left -= 1
        for j in graph.adj[i]:
            if region[j] == UNOWNED:
                heapq.heappush(frontier[r], (dist(j, r), j))
    return region


def _centres(graph: ZoneGraph, region: Sequence[int], k: int) -> list[tuple[float, float]]:
    """Length-weighted midpoint of each region's items (0, 0 for an empty region)."""
    sums = [[0.0, 0.0, 0.0] for _ in range(k)]
    for i, r in enumerate(region):
        if r != UNOWNED:
            w = graph.length_m[i] + 1e-6
            sums[r][0] += w * graph.x_m[i]
            sums[r][1] += w * graph.y_m[i]
            sums[r][2] += w
    return [(sx / sw, sy / sw) if sw else (0.0, 0.0) for sx, sy, sw in sums]


def _share_components(
    graph: ZoneGraph, region: list[int], empty: list[int]
) -> tuple[list[list[int]], list[list[int]]]:
    """Share the empty regions among the pieces of the road graph, largest quotient first
    (D'Hondt: the next region goes to the piece with the most workload per region), so
    that a small separate piece does not take a whole region; regions holding items
    (pins) count in the piece that holds most of their workload."""
    comps = pieces(graph, range(len(graph)))
    comp_of = {i: c for c, comp in enumerate(comps) for i in comp}
    weight = [sum(graph.weight[i] for i in comp) + 1e-6 * len(comp) for comp in comps]
    seats = [0] * len(comps)
    held: dict[int, dict[int, float]] = {}
    for i, r in enumerate(region):
        if r != UNOWNED:
            held.setdefault(r, {}).setdefault(comp_of[i], 0.0)
            held[r][comp_of[i]] += graph.weight[i] + 1e-6
    for by_comp in held.values():
        seats[max(by_comp, key=lambda c: (by_comp[c], -c))] += 1
    owners: list[list[int]] = [[] for _ in comps]
    for r in empty:
        c = max(range(len(comps)), key=lambda c: (weight[c] / (seats[c] + 1), -c))
        if seats[c] >= len(comps[c]):
            break  # more regions than items: the rest stay empty
        seats[c] += 1
        owners[c].append(r)
    return comps, owners


def _nearest_pair(graph: ZoneGraph, free: list[int], owned: list[int]) -> tuple[int, int]:
    """The (free, owned) pair of items nearest each other; ties by index."""
    fx = np.array([graph.x_m[i] for i in free])[:, None]
    fy = np.array([graph.y_m[i] for i in free])[:, None]
    ox = np.array([graph.x_m[i] for i in owned])[None, :]
    oy = np.array([graph.y_m[i] for i in owned])[None, :]
    d = (fx - ox) ** 2 + (fy - oy) ** 2
    a, b = np.unravel_index(int(np.argmin(d)), d.shape)
    return free[int(a)], owned[int(b)]


def _seed_spread(
    graph: ZoneGraph, items: list[int], region: list[int], owners: list[int], attempt: int = 0
) -> None:
    """Seeds for ``owners`` among ``items`` (one piece of the graph), spread over it and
    away from the regions already there: farthest points, then weighted k-means steps."""
    free = [i for i in items if region[i] == UNOWNED]
    if not owners or not free:
        return
    xy = {i: (graph.x_m[i], graph.y_m[i]) for i in items}

    def d2(i: int, p: tuple[float, float]) -> float:
        return (xy[i][0] - p[0]) ** 2 + (xy[i][1] - p[1]) ** 2

    taken = [i for i in items if region[i] != UNOWNED]
    if taken:
        near = {i: min(d2(i, xy[t]) for t in taken) for i in free}
        seeds: list[int] = []
    else:
        cx = sum(x for x, _ in xy.values()) / len(xy)
        cy = sum(y for _, y in xy.values()) / len(xy)
        by_gap = sorted(free, key=lambda i: (-d2(i, (cx, cy)), i))
        seeds = [by_gap[(attempt * 7919) % len(by_gap)] if attempt else by_gap[0]]
        near = {i: d2(i, xy[seeds[0]]) for i in free}
    while len(seeds) < min(len(owners), len(free)):
        nxt = max(free, key=lambda i: (near[i], -i))
        seeds.append(nxt)
        near = {i: min(near[i], d2(i, xy[nxt])) for i in free}
    centres = [xy[i] for i in seeds]
    for _ in range(LLOYD_STEPS if not taken else 0):
        sums = [[0.0, 0.0, 0.0] for _ in centres]
        for i in items:
            c = min(range(len(centres)), key=lambda c: d2(i, centres[c]))
            w = graph.weight[i] + 1.0
            sums[c][0] += w * xy[i][0]
            sums[c][1] += w * xy[i][1]
            sums[c][2] += w
        centres = [(sx / sw, sy / sw) if sw else centres[c] for c, (sx, sy, sw) in enumerate(sums)]
    for r, centre in zip(owners, centres, strict=False):
        left = [i for i in free if region[i] == UNOWNED]
        if left:
            region[min(left, key=lambda i: (d2(i, centre), i))] = r


def _d2(p: tuple[float, float], q: tuple[float, float]) -> float:
    return (p[0] - q[0]) ** 2 + (p[1] - q[1]) ** 2


def _seed_from_heaviest(
    graph: ZoneGraph, region: list[int], load: list[float], empty: list[int]
) -> None:
    """Seed each empty region with a free item, else the farthest item of the heaviest."""
    k = len(load)
    for r in empty:
        free = [i for i in range(len(graph)) if region[i] == UNOWNED]
        if free:  # an unowned item far from every region's centre
            centre = _centres(graph, region, k)
            held = [c for c in range(k) if load[c] > 0 or c in set(region)]

            def gap(
                i: int, centre: list[tuple[float, float]] = centre, held: list[int] = held
            ) -> float:
                p = (graph.x_m[i], graph.y_m[i])
                return min((_d2(p, centre[c]) for c in held), default=0.0)

            i = max(free, key=lambda i: (gap(i), -i))
        else:
            counts = [region.count(c) for c in range(k)]
            heavy = max((c for c in range(k) if counts[c] > 1), key=lambda c: (load[c], -c))
            cx, cy = _centres(graph, region, k)[heavy]
            items = [i for i in range(len(graph)) if region[i] == heavy]
            i = max(items, key=lambda i: ((graph.x_m[i] - cx) ** 2 + (graph.y_m[i] - cy) ** 2, -i))
            load[heavy] -= graph.weight[i]
        region[i] = r
        load[r] += graph.weight[i]


def refine(
    graph: ZoneGraph,
    k: int,
    region: list[int],
    *,
    fixed: set[int] | frozenset[int] = frozenset(),
    previous: Sequence[int] | None = None,
    weights: PartitionWeights | None = None,
) -> list[int]:
    """Local search from a complete region map; see the module docstring."""
    return _Refiner(graph, k, region, fixed, previous, weights or PartitionWeights()).run()


class _Refiner:
    def __init__(
        self,
        graph: ZoneGraph,
        k: int,
        region: list[int],
        fixed: set[int] | frozenset[int],
        previous: Sequence[int] | None,
        wts: PartitionWeights,
    ) -> None:
        self.g = graph
        self.k = k
        self.region = list(region)
        self.fixed = fixed
        self.prev = list(previous) if previous is not None else None
        self.w = wts
        total = sum(graph.weight)
        self.target = max(total / k, 1e-9) if k else 1.0
        self.load = [0.0] * k
        self.count = [0] * k
        for i, r in enumerate(self.region):
            self.load[r] += graph.weight[i]
            self.count[r] += 1
        self.pair: list[list[tuple[int, float]]] = []
        for i in range(len(graph)):
            row = []
            for j in graph.adj[i]:
                cost = wts.cut
                if graph.road[i] == graph.road[j]:
                    short = graph.road_length_m[i] <= wts.short_road_m
                    cost += wts.short_road_cut if short else wts.road_cut
                row.append((j, cost))
            self.pair.append(row)

    def balance(self, load: float) -> float:
        d = load / self.target - 1.0
        excess = max(0.0, abs(d) - self.w.tolerance)
        return self.w.band * excess * excess + self.w.spread * d * d

    def moved_cost(self, i: int, r: int) -> float:
        if self.prev is None or self.prev[i] == UNOWNED:
            return 0.0
        return self.w.moved if self.prev[i] != r else 0.0

    def run(self) -> list[int]:
        if self.k <= 1 or len(self.g) <= 1:
            return self.region
        self.descend()
        best, best_region = self.objective(), list(self.region)
        for step in range(self.w.shake_passes):
            # threshold accepting: slightly worse moves let load flow through regions
            # that are already on target; the threshold falls to zero
            self.sweep(self.w.shake * (1.0 - step / self.w.shake_passes))
            self.descend()
            value = self.objective()
            if value < best - 1e-9:
                best, best_region = value, list(self.region)
        self.region = best_region
        self.load = [0.0] * self.k
        self.count = [0] * self.k
        for i, r in enumerate(self.region):
            self.load[r] += self.g.weight[i]
            self.count[r] += 1
        return self.region

    def descend(self) -> None:
        for _ in range(self.w.max_passes):
            if not self.sweep() + self.merge_pieces():
                break

    def objective(self) -> float:
        """The refinement objective of the current regions (see the module docstring)."""
        g, region = self.g, self.region
        value = sum(self.balance(load) for load in self.load)
        for i in range(len(g)):
            value += self.moved_cost(i, region[i])
            for j, cost in self.pair[i]:
                if j > i and region[j] != region[i]:
                    value += cost
        for r in range(self.k):
            value += self.w.piece * len(pieces(g, (i for i in range(len(g)) if region[i] == r)))
        return value

    def sweep(self, threshold: float = 0.0) -> int:
        """One pass of single-item moves over the boundary; the number of moves made.

        A move is made if it changes the objective by less than ``-threshold``... or, with
        a positive threshold, by less than ``threshold``."""
        g, region = self.g, self.region
        moves = 0
        for i in range(len(g)):
            if i in self.fixed:
                continue
            a = region[i]
            targets = sorted({region[j] for j in g.adj[i]} - {a})
            if not targets or self.count[a] <= 1:
                continue
            best, best_b = threshold - 1e-9, UNOWNED
            for b in targets:
                delta = self.move_delta(i, a, b)
                if delta < best:
                    best, best_b = delta, b
            if best_b == UNOWNED:
                moves += self.swap(i, a, targets, threshold)
                continue
            if self.stays_connected(i, a) or best + self.w.piece < threshold - 1e-9:
                self.move(i, a, best_b)  # a split costs a piece; only balance pays for it
                moves += 1
        return moves

    def move_delta(self, i: int, a: int, b: int) -> float:
        """Change of the objective if item ``i`` moves from ``a`` to ``b`` (splits aside)."""
        region, load, wi = self.region, self.load, self.g.weight[i]
        delta = (
            self.balance(load[a] - wi)
            - self.balance(load[a])
            + self.balance(load[b] + wi)
            - self.balance(load[b])
        )
        alone = True
        for j, cost in self.pair[i]:
            if region[j] == a:
                delta += cost
                alone = False
            elif region[j] == b:
                delta -= cost
        if alone:
            delta -= self.w.piece  # a stray item of a joins b: one piece fewer
        return delta + self.moved_cost(i, b) - self.moved_cost(i, a)

    def swap(self, i: int, a: int, targets: list[int], threshold: float) -> int:
        """Move ``i`` to a touching region b and an item of b near ``i`` back to a, if the
        pair lowers the objective where each move alone does not (balance blocks it)."""
        g, region = self.g, self.region
        for b in targets:
            gain = self.move_delta(i, a, b)
            balance = (
                self.balance(self.load[a] - g.weight[i])
                - self.balance(self.load[a])
                + self.balance(self.load[b] + g.weight[i])
                - self.balance(self.load[b])
            )
            if gain - balance >= -1e-9 or not self.stays_connected(i, a):
                continue  # nothing but balance to win: no swap needed
            self.move(i, a, b)
            near = sorted({k for j in g.adj[i] for k in (j, *g.adj[j])} - {i} - self.fixed)
            options = [
                (self.move_delta(j, b, a), j)
                for j in near
                if region[j] == b and any(region[x] == a for x in g.adj[j])
            ]
            for delta, j in sorted(options):
                if gain + delta >= threshold - 1e-9:
                    break
                if self.count[b] > 1 and self.stays_connected(j, b):
                    self.move(j, b, a)
                    return 2
            self.move(i, b, a)
        return 0

    def move(self, i: int, a: int, b: int) -> None:
        self.region[i] = b
        w = self.g.weight[i]
        self.load[a] -= w
        self.load[b] += w
        self.count[a] -= 1
        self.count[b] += 1

    def stays_connected(self, i: int, a: int) -> bool:
        """True if region ``a`` without item ``i`` is in no more pieces than with it."""
        region, adj = self.region, self.g.adj
        nbrs = [j for j in adj[i] if region[j] == a]
        if len(nbrs) <= 1:
            return True
        want = set(nbrs[1:])
        seen = {i, nbrs[0]}
        queue = deque([nbrs[0]])
        while queue and want:
            x = queue.popleft()
            for y in adj[x]:
                if y not in seen and region[y] == a:
                    seen.add(y)
                    want.discard(y)
                    queue.append(y)
        return not want

    def merge_pieces(self) -> int:
        """Hand every stray piece (not a region's largest) to a touching region if that
        lowers the objective; the number of pieces handed over."""
        g, region = self.g, self.region
        merged = 0
        for a in range(self.k):
            parts = pieces(g, (i for i in range(len(g)) if region[i] == a))
            for part in parts[1:]:
                if any(i in self.fixed for i in part):
                    continue
                inside = set(part)
                wp = sum(g.weight[i] for i in part)
                targets = sorted({region[j] for i in part for j in g.adj[i] if j not in inside})
                best, best_b = -1e-9, UNOWNED
                for b in targets:
                    if b == a:
                        continue
                    delta = (
                        self.balance(self.load[a] - wp)
                        - self.balance(self.load[a])
                        + self.balance(self.load[b] + wp)
                        - self.balance(self.load[b])
                        - self.w.piece
                    )
                    for i in part:
                        delta += self.moved_cost(i, b) - self.moved_cost(i, a)
                        for j, cost in self.pair[i]:
                            if j in inside:
                                continue
                            if region[j] == a:
                                delta += cost
                            elif region[j] == b:
                                delta -= cost
                    if delta < best:
                        best, best_b = delta, b
                if best_b != UNOWNED:
                    for i in part:
                        self.move(i, a, best_b)
                    merged += 1
        return merged
