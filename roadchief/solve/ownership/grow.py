"""Grow k regions over one zone's road graph: seeds, then the lightest region takes the
nearest unclaimed item next to it (the first step of ``partition.py``)."""

from __future__ import annotations

import heapq
from collections.abc import Sequence

import numpy as np

from roadchief.solve.ownership.graph import ZoneGraph, pieces

UNOWNED = -1
"""Region of an item no region holds yet."""
LLOYD_STEPS = 5


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
