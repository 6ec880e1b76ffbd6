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

from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from roadchief.solve.ownership.graph import ZoneGraph, pieces
from roadchief.solve.ownership.grow import UNOWNED, grow


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
