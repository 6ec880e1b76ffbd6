"""The short walking order of a tour (``walk_order.py``): the street route and the shorter of
the two starts.

The hand-made grid (blocks of 100 m, nodes numbered row by row)::

    (1)--(2)--(3)
     |    |    |
    (4)--(5)--(6)
     |    |    |
    (7)--(8)--(9)
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from roadchief.domain import Segment
from roadchief.solve.roster.walk import WalkNetwork, step_matrix
from roadchief.solve.roster.walk_order import _improve, nearest_route, short_order, street_route


def block(a: int, b: int) -> Segment:
    """The 100 m street between grid nodes ``a`` and ``b`` (its midpoint from their places)."""
    (ya, xa), (yb, xb) = divmod(a - 1, 3), divmod(b - 1, 3)
    x, y = 50.0 * (xa + xb), -50.0 * (ya + yb)
    return Segment(f"{a}-{b}", f"{a}-{b}", "A", f"Road {a}-{b}", "branch", 100.0, x, y, a, b, 1)


GRID = [block(a, b) for a, b in [(1, 2), (2, 3), (4, 5), (5, 6), (7, 8), (8, 9)]] + [
    block(a, b) for a, b in [(1, 4), (4, 7), (2, 5), (5, 8), (3, 6), (6, 9)]
]
NET = WalkNetwork(GRID)


def route_of(ids: list[str]) -> tuple[list[int], np.ndarray, np.ndarray]:
    """The street route of ``ids`` (legs), the tour's step matrix and its legs' end nodes."""
    segs = [NET.segments[i] for i in sorted(ids)]
    cm, _line = step_matrix(NET, segs)
    ends = np.array([n for s in segs for n in (s.to_node, s.from_node)])
    return street_route(cm, ends), cm, ends


def test_a_street_with_two_odd_corners_is_walked_without_a_step_between() -> None:
    """A loop with a tail: an Euler trail from the tail's end, no connecting walk."""
    ids = ["1-2", "2-5", "4-5", "1-4", "4-7"]
    route, cm, _ends = route_of(ids)
    assert sorted(leg >> 1 for leg in route) == list(range(len(ids)))
    assert int(cm[route[:-1], route[1:]].sum()) == 0
    assert NET.plan_walk(ids).walk_cm == 0


def square_grid(k: int) -> list[Segment]:
    """Every 100 m street of a grid of k x k nodes."""
    out = []
    for r, c in itertools.product(range(k), range(k)):
        at = r * k + c + 1
        if c + 1 < k:
            out.append(
                Segment(
                    f"h{at}", "", "A", "", "branch", 100.0, 100 * c + 50, -100 * r, at, at + 1, 1
                )
            )
        if r + 1 < k:
            out.append(
                Segment(
                    f"v{at}", "", "A", "", "branch", 100.0, 100 * c, -100 * r - 50, at, at + k, 1
                )
            )
    return out


@pytest.mark.parametrize("k", [4, 6, 8])
def test_a_whole_grid_walks_the_least_a_walk_can(k: int) -> None:
    """The 4(k - 2) nodes on the grid's sides, not its corners, meet three streets each: k
    even, each two neighbours along a side are joined (100 m) but for one pair, which is
    where the walk starts and ends. Nearest neighbour, improved, walked 80,000 cm at k = 6."""
    segments = square_grid(k)
    walk = WalkNetwork(segments).plan_walk([s.segment_id for s in segments])
    assert walk.walk_cm == (2 * (k - 2) - 1) * 10_000


def test_pieces_apart_are_linked_and_each_segment_walked_once() -> None:
    ids = ["1-2", "8-9", "3-6", "4-7"]
    route, _cm, _ends = route_of(ids)
    assert sorted(leg >> 1 for leg in route) == list(range(len(ids)))
    assert len(route) == len(ids)


@pytest.mark.parametrize("size", [3, 5, 8, 12])
def test_every_segment_is_walked_once_and_the_shorter_start_kept(size: int) -> None:
    for ids in itertools.islice(itertools.combinations([s.segment_id for s in GRID], size), 40):
        route, cm, ends = route_of(list(ids))
        assert sorted(leg >> 1 for leg in route) == list(range(size))
        assert sorted(short_order(cm, ends)) == list(range(size))
        starts = [_improve(r, cm) for r in (nearest_route(cm), route)]
        least = min(int(cm[r[:-1], r[1:]].sum()) for r in starts)
        assert NET.plan_walk(list(ids)).walk_cm <= least  # the best directions of the shorter


def test_an_island_is_linked_by_its_straight_line() -> None:
    island = Segment("x", "x", "A", "Road x", "branch", 100.0, 500.0, 0.0, 20, 21, 1)
    net = WalkNetwork([*GRID, island])
    walk = net.plan_walk(["1-2", "2-3", "x"])
    assert set(walk.order) == {"1-2", "2-3", "x"} and walk.islands == 1
