"""A short walking order for a tour, from its step matrix: two starts, nearest neighbour and
one walk along the segments' own streets, each improved by 2-opt and or-opt moves with
directions; the shorter is kept (``WalkNetwork.plan_walk``).

A tour of n segments has 2n legs, segment k walked forwards (leg 2k) or backwards (leg
2k + 1); ``cm[x, y]`` is the step from leg x to leg y (``walk.step_matrix``) and
``ends[x]`` the street corner (node) leg x ends at. Pure numpy and scipy.
"""

from __future__ import annotations

import itertools

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

NN_STARTS = 8
"""Nearest-neighbour walks tried per tour, each from another segment (all when fewer)."""


def short_order(cm: np.ndarray, ends: np.ndarray) -> list[int]:
    """A short walking order (segment positions) of the tour whose steps are ``cm`` and
    whose legs end at the nodes ``ends`` (see ``step_matrix``): the nearest-neighbour
    route and the street route (``street_route``), each improved by ``_improve``, the
    shorter kept (ties: nearest neighbour). Neither start wins everywhere: on the greedy
    tours of three cities under shortage the street route was the shorter in about three
    tours of four, and keeping the shorter of the two cut the connecting walk by 8-13%."""
    routes = [_improve(route, cm) for route in (nearest_route(cm), street_route(cm, ends))]
    best = min(routes, key=lambda r: int(cm[r[:-1], r[1:]].sum()))
    return [leg >> 1 for leg in best]


def nearest_route(cm: np.ndarray) -> list[int]:
    """The shortest of the nearest-neighbour routes (legs) from up to ``NN_STARTS`` segments,
    all walked at once."""
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
    return [int(x) for x in walks[int(np.argmin(total))]]  # ties: the earlier start


def street_route(cm: np.ndarray, ends: np.ndarray) -> list[int]:
    """A route (legs) that walks the segments as their streets join them (Frederickson's
    heuristic for the rural postman): the pieces the segments form are linked by the
    shortest walks between them (Prim), the corners where an odd number of segments and
    links meet are paired, nearest pairs first, all but the dearest pair (its two corners
    are where the walk starts and ends), and one walk then passes every segment, link and
    pair once (Hierholzer). Nearest neighbour leaves segments behind that cost a long way
    back; this walks each street on from where the last one ended."""
    nodes, first, at = np.unique(ends, return_index=True, return_inverse=True)
    at = at.reshape(-1)  # at[x]: the node (0..m-1) leg x ends at
    # node u to node v: the step from a leg that ends at u to one that starts at v
    dist = cm[np.ix_(first, first ^ 1)]
    np.fill_diagonal(dist, 0)
    heads, tails = at[1::2], at[0::2]  # each segment's from- and to-node
    joins = [*zip(heads.tolist(), tails.tolist(), range(0, len(cm), 2), strict=True)]
    joins += [(u, v, -1) for u, v in _links(dist, heads, tails)]
    degree = np.bincount([x for u, v, _ in joins for x in (u, v)], minlength=len(nodes))
    pairs, start = _pair_odd(dist, np.flatnonzero(degree % 2))
    joins += [(u, v, -1) for u, v in pairs]
    route = _walk_every(joins, len(nodes), start if start is not None else heads[0])
    if start is None:  # a closed walk: open it at its longest step
        steps = cm[route, np.roll(route, -1)]
        cut = int(np.argmax(steps)) + 1
        route = route[cut:] + route[:cut]
    return route


def _links(dist: np.ndarray, heads: np.ndarray, tails: np.ndarray) -> list[tuple[int, int]]:
    """The shortest walks (node pairs) that link the pieces the segments form, by Prim's
    algorithm over the pieces from the first segment's."""
    m = len(dist)
    graph = coo_matrix((np.ones(len(heads)), (heads, tails)), shape=(m, m))
    _count, piece = connected_components(graph, directed=False)
    inside = piece == piece[heads[0]]
    near = dist[inside].min(axis=0)  # each node's walk from the pieces linked so far
    source = np.flatnonzero(inside)[dist[inside].argmin(axis=0)]
    links = []
    while not inside.all():
        v = int(np.argmin(np.where(inside, np.iinfo(np.int64).max, near)))
        links.append((int(source[v]), v))
        joined = piece == piece[v]
        inside |= joined
        rows = dist[joined]
        reach = rows.min(axis=0)
        closer = reach < near
        source[closer] = np.flatnonzero(joined)[rows.argmin(axis=0)[closer]]
        near = np.minimum(near, reach)
    return links


def _pair_odd(dist: np.ndarray, odd: np.ndarray) -> tuple[list[tuple[int, int]], int | None]:
    """The odd corners paired, nearest pairs first, and the dearest pair left out: the
    pairs and the corner the walk starts at (None when no corner is odd)."""
    if not len(odd):
        return [], None
    sub = dist[np.ix_(odd, odd)]
    sub = np.minimum(sub, sub.T)
    a, b = np.triu_indices(len(odd), 1)
    free = np.ones(len(odd), dtype=bool)
    pairs = []
    for k in np.argsort(sub[a, b], kind="stable").tolist():
        if free[a[k]] and free[b[k]]:
            free[a[k]] = free[b[k]] = False
            pairs.append((int(odd[a[k]]), int(odd[b[k]])))
    return pairs[:-1], pairs[-1][0]


def _walk_every(joins: list[tuple[int, int, int]], m: int, start: int) -> list[int]:
    """One walk from ``start`` along every join (u, v, forwards leg of a segment or -1 for a
    link) once, by Hierholzer's algorithm: the legs of its segments, in walking order."""
    around: list[list[tuple[int, int]]] = [[] for _ in range(m)]
    for k, (u, v, _leg) in enumerate(joins):
        around[u].append((v, k))
        around[v].append((u, k))
    used = [False] * len(joins)
    nxt = [0] * m
    stack, walked = [(int(start), -1)], []
    while stack:
        u, _k = stack[-1]
        while nxt[u] < len(around[u]) and used[around[u][nxt[u]][1]]:
            nxt[u] += 1
        if nxt[u] == len(around[u]):
            walked.append(stack.pop())
            continue
        v, k = around[u][nxt[u]]
        used[k] = True
        stack.append((v, k))
    walked.reverse()
    route = []
    for (u, _), (_v, k) in itertools.pairwise(walked):
        leg = joins[k][2]
        if leg >= 0:
            route.append(leg if joins[k][0] == u else leg + 1)  # from the head: forwards
    return route


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
