"""A short walking order for a tour, from its step matrix: nearest neighbour, then 2-opt
and or-opt moves with directions (``WalkNetwork.plan_walk``).

A tour of n segments has 2n legs, segment k walked forwards (leg 2k) or backwards (leg
2k + 1); ``cm[x, y]`` is the step from leg x to leg y (``walk.step_matrix``). Pure numpy.
"""

from __future__ import annotations

import numpy as np

NN_STARTS = 8
"""Nearest-neighbour walks tried per tour, each from another segment (all when fewer)."""


def short_order(cm: np.ndarray) -> list[int]:
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
