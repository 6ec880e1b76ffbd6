"""The walk the model plans with, measured on the zone's own streets: cells and two figures.

The model cannot see the walk between the segments of a tour; it reserves some. A constant
allowance a step is a figure of one city (issue 17): compact tours on a fine grid walk
15-40 m a step, tours scattered over a large territory 100-200 m. So the zone's segments
are grouped into square cells sized from the zone's own street density (about
``per_cell`` segments a cell), and two walks are measured on the zone's streets:

- ``step_cm``: a step between two segments of one cell, the connecting walk of each
  cell's segments walked in a short order (``WalkNetwork.plan_walk``) over its steps;
- ``cell_cm``: entering one more cell, what walking two neighbouring cells together adds
  to walking each alone, less one step.

A tour of ``n`` segments in ``k`` cells is planned at its segments, ``(n - 1) * step_cm``
and ``(k - 1) * cell_cm``: the model then prefers tours in few cells, which are the tours
whose walk it can estimate. The measured walk is still checked after solving (``fit.py``).
Pure arithmetic on the zone's segments and its walk network: no ortools.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.spatial import ConvexHull, QhullError

from roadchief.domain import Segment
from roadchief.solve.roster.walk import WalkNetwork


@dataclass(frozen=True)
class WalkCells:
    """A zone's segments grouped into cells, and the walk the model plans with."""

    cell: tuple[int, ...]
    """Per segment: its cell."""
    step_cm: int
    """A step between two segments of one cell."""
    cell_cm: int
    """Entering one more cell."""
    side_m: float = 0.0
    """A cell's side (0: one cell for the zone, the constant allowance)."""

    def tour_cm(self, lengths: Sequence[int], segs: Sequence[int]) -> int:
        """What the model plans a tour of ``segs`` at: segments, steps and cells entered."""
        if not segs:
            return 0
        cells = len({self.cell[s] for s in segs})
        return (
            sum(lengths[s] for s in segs)
            + (len(segs) - 1) * self.step_cm
            + (cells - 1) * self.cell_cm
        )


def one_cell(n_segments: int, step_cm: int) -> WalkCells:
    """The constant allowance: every segment in one cell, ``step_cm`` a step."""
    return WalkCells((0,) * n_segments, step_cm, 0)


def cell_side_m(segments: Sequence[Segment], per_cell: int) -> float:
    """The side of a square holding ``per_cell`` segments at the zone's density (segments
    over the area of their midpoints' hull); 0 if the zone has no area to speak of."""
    if len(segments) < 3:
        return 0.0
    xy = np.array([(s.x_m, s.y_m) for s in segments], dtype=float)
    try:
        area = float(ConvexHull(xy).volume)  # in 2-D, volume is the area
    except QhullError:  # collinear midpoints
        return 0.0
    return math.sqrt(per_cell * area / len(segments)) if area > 0 else 0.0


def walk_cells(
    segments: Sequence[Segment], network: WalkNetwork, per_cell: int, fallback_cm: int
) -> WalkCells:
    """The zone's cells and walk figures measured on ``network`` (see the module
    docstring); the constant ``fallback_cm`` a step where nothing can be measured."""
    side = cell_side_m(segments, per_cell) if per_cell > 0 else 0.0
    if side <= 0:
        return one_cell(len(segments), fallback_cm)
    keys = [(math.floor(s.x_m / side), math.floor(s.y_m / side)) for s in segments]
    ids = {k: i for i, k in enumerate(sorted(set(keys)))}
    cell = tuple(ids[k] for k in keys)
    members: dict[tuple[int, int], list[str]] = {}
    for s, k in zip(segments, keys, strict=True):
        members.setdefault(k, []).append(s.segment_id)
    walk: dict[tuple[int, int], int] = {}
    steps = walked = 0
    for k, ids_in in sorted(members.items()):
        w = network.plan_walk(ids_in)
        walk[k] = w.walk_cm
        steps += len(ids_in) - 1
        walked += w.walk_cm
    step = round(walked / steps) if steps else fallback_cm
    extra: list[int] = []
    for (i, j), ids_in in sorted(members.items()):
        for nb in ((i + 1, j), (i, j + 1)):
            if nb in members:
                both = network.plan_walk([*ids_in, *members[nb]]).walk_cm
                extra.append(max(0, both - walk[(i, j)] - walk[nb] - step))
    enter = round(sum(extra) / len(extra)) if extra else step
    return WalkCells(cell, step, enter, side)
