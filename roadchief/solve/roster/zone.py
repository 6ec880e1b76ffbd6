"""One zone of a week's instance in the integer units that the roster model and the greedy share.

Nothing here imports ortools: the greedy baseline and the CP-SAT model read the same
numbers, so a greedy roster is always a feasible hint for the model. ``prepare.py`` builds
the zones; the data of one rule is prepared in that rule's module (``rules/``).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property

import numpy as np

from roadchief.domain import (
    Chief,
    RosterWeights,
    Segment,
    Slot,
)
from roadchief.solve.roster.cells import WalkCells, one_cell, walk_cells
from roadchief.solve.roster.walk import DETOUR_FACTOR, WalkNetwork

Tours = dict[tuple[int, int], tuple[int, list[int]]]
"""A zone's plan: (person index, day index) -> (slot index, segment indices of the tour)."""


SHORT_UNIT_CM = 1_000
"""The unit of a short tour's penalty (rules/short_tours.py): 10 m short, rounded up."""


def nearest_m(points: np.ndarray, to: np.ndarray) -> np.ndarray:
    """Per point of ``points``: the straight-line distance to the nearest point of ``to``."""
    return np.asarray(np.min(np.hypot(*(points[:, None, :] - to[None, :, :]).T), axis=0))


def short_units(segments_cm: int, min_cm: int) -> int:
    """Whole 10 m units a tour of ``segments_cm`` of segments falls short of ``min_cm``."""
    return max(0, -(-(min_cm - segments_cm) // SHORT_UNIT_CM))


def units_10m(length_m: float) -> int:
    """A segment's length in whole 10 m units (rounded half up, at least 1): the cost unit."""
    return max(1, math.floor(length_m / 10.0 + 0.5))


def cap_cm(max_km: float) -> int:
    """A tour cap rounded down to whole centimetres, so integer sums never overshoot it."""
    return math.floor(round(max_km * 100_000.0, 6))


@dataclass(frozen=True)
class ZoneProblem:
    """Everything one zone's roster needs, indexed by position: people, segments, days, slots."""

    zone_id: str
    days: tuple[dt.date, ...]
    slots: tuple[Slot, ...]
    people: tuple[Chief, ...]
    """People of the zone who patrol, sorted by id."""
    segments: tuple[Segment, ...]
    """Segments of the zone, sorted by id."""
    owner: tuple[int | None, ...]
    """Per segment: index of its owner in ``people``, None if the owner does not patrol."""
    length_cm: tuple[int, ...]
    units_10m: tuple[int, ...]
    demand: tuple[int, ...]
    cap_cm: tuple[int, ...]
    """Per person: the longest tour, in cm."""
    max_tours: tuple[int, ...]
    open_slots: Mapping[tuple[int, int], tuple[int, ...]]
    """(person, day) -> slots the person is available in; missing when none."""
    rest_conflicts: tuple[tuple[int, int, int, int], ...]
    """(day, slot, later day, slot) pairs too close for rest (``rules/rest.py``)."""
    level_groups: tuple[tuple[int, ...], ...]
    """People indices grouped by level (fairness compares people of one level)."""
    weights: RosterWeights
    patrollers: tuple[tuple[int, ...], ...]
    """Per segment: the people who may patrol it (its owner and its nearest helpers, see
    ``patrollers.py``) and for whom it fits in one tour, in increasing index order."""
    windows: tuple[tuple[tuple[frozenset[int], int], ...], ...] = ()
    """Per segment: its slot windows, (slot indices, patrols), capped by its demand
    (``rules/windows.py``)."""
    accountable: tuple[int, ...] = ()
    """Per segment: personal patrols its owner must walk (0: none, or exempt;
    ``rules/personal.py``)."""
    spread_days: tuple[int, ...] = ()
    """Per segment: a run of this many days holds at most one of its patrols (0: no rule;
    ``rules/spread.py``)."""
    day_offset: tuple[int, ...] = ()
    """Per day: calendar days since the week's Monday."""
    last_offset: tuple[int | None, ...] = ()
    """Per segment: its last patrol before the week, in days since Monday (negative;
    ``rules/spread.py``)."""
    unsocial: frozenset[tuple[int, int]] = frozenset()
    """(day, slot) pairs counted as unsocial duty: unsocial slots and weekend days
    (``rules/fairness.py``)."""
    previous_slot: Mapping[tuple[int, int], int | None] = field(default_factory=dict)
    """(person, day) -> slot of the person's tour on that weekday last week (None: no tour);
    only people who patrolled last week (``rules/continuity.py``)."""
    pins: frozenset[tuple[int, int, int, int]] = frozenset()
    """(person, segment, day, slot) patrols fixed by hand (``rules/pins.py``)."""
    locked: frozenset[int] = frozenset()
    """Days on which nothing but the pins may be planned (a re-plan's past; ``rules/pins.py``)."""
    baseline: frozenset[tuple[int, int, int]] = frozenset()
    """(person, segment, day) patrols of the roster being re-planned (``rules/changes.py``)."""
    baseline_slot: Mapping[tuple[int, int], int] = field(default_factory=dict)
    """(person, day) -> slot of the person's tour that day in the roster being re-planned
    (``rules/changes.py``)."""
    strict: bool = False
    """Coverage, windows and personal patrols are hard."""
    replan: bool = False
    """A re-plan: patrols added or dropped on unlocked days cost."""
    outside: frozenset[int] = frozenset()
    """People who serve another zone and help here (``cross_zone.py``); they come after the
    zone's own people in ``people`` and are in no level group and no continuity."""
    step_cm: int = 0
    """Walk reserved for each step from one segment of a tour to the next where the zone
    has no walk cells (``cell_segments`` 0, or nothing to measure; ``cells.py``)."""
    detour_factor: float = DETOUR_FACTOR
    """Walked over straight-line length between segments the zone's streets do not join."""
    rechecks: tuple[tuple[int, int], ...] = ()
    """(segment, last day) of each case waiting for its recheck (``rules/rechecks.py``)."""
    min_tour_cm: int = 0
    """A tour whose segments add up to less costs (``rules/short_tours.py``); 0: none."""
    per_day: tuple[int, ...] = ()
    """Per segment: patrols a day it may have (``rules/once_a_day.py``); empty: 1."""
    priority: tuple[int, ...] = ()
    """Per segment: the factor of a missing patrol's cost (``rules/demand.py``); empty: 1."""
    cell_segments: int = 0
    """Segments a walk cell holds (``cells.py``); 0: ``step_cm`` a step, no cells."""
    given_cells: WalkCells | None = None
    """Cells set from outside instead of measured (a beat zone's, ``beats.py``; a short
    zone's, scaled, ``calibrate.py``)."""
    own_cm: tuple[int, ...] = ()
    """Per segment: its own length where ``length_cm`` holds more (a beat: the walk within
    it as well, ``beats.py``); empty: ``length_cm``."""

    @property
    def short_cm(self) -> tuple[int, ...]:
        """Per segment: the length a tour's shortness is counted on, the segments' own
        without the walk between them (``rules/short_tours.py``)."""
        return self.own_cm or self.length_cm

    @cached_property
    def cells(self) -> WalkCells:
        """The walk the model plans with: cells and their measured step and entry (``cells.py``)."""
        if self.given_cells is not None:
            return self.given_cells
        if self.cell_segments <= 0:
            return one_cell(len(self.segments), self.step_cm)
        return walk_cells(self.segments, self.walk, self.cell_segments, self.step_cm)

    @cached_property
    def midpoints(self) -> np.ndarray:
        """Per segment: its midpoint, (x, y) in metres."""
        return np.array([(s.x_m, s.y_m) for s in self.segments], dtype=float).reshape(-1, 2)

    @cached_property
    def end_columns(self) -> np.ndarray:
        """Per segment: its two end nodes' columns in the rows of ``walk.distances``."""
        ends = [n for s in self.segments for n in (s.from_node, s.to_node)]
        return np.array(self.walk.columns(ends), dtype=np.int64).reshape(-1, 2)

    @cached_property
    def cell_centres(self) -> np.ndarray:
        """Per walk cell: the mean of its segments' midpoints, (x, y) in metres."""
        cell = np.array(self.cells.cell, dtype=np.int64)
        xy = self.midpoints
        n = int(cell.max()) + 1 if len(cell) else 0
        count = np.maximum(np.bincount(cell, minlength=n), 1)
        return np.stack([np.bincount(cell, xy[:, k], minlength=n) / count for k in (0, 1)], axis=1)

    def unmet_weight(self, s: int) -> int:
        """What a missing patrol of segment ``s`` costs: per 10 m, times its priority."""
        factor = self.priority[s] if self.priority else 1
        return self.weights["unmet_per_10m"] * self.units_10m[s] * factor

    def helper_weight(self, p: int, s: int) -> int:
        """What a patrol of segment ``s`` by person ``p`` costs for who walks it
        (``rules/helpers.py``): nothing by its owner, ``helper_per_10m`` per 10 m by
        another of the zone, ``cross_zone_per_10m`` by an outside helper."""
        if self.owner[s] == p:
            return 0
        by = "cross_zone_per_10m" if p in self.outside else "helper_per_10m"
        return self.weights[by] * self.units_10m[s]

    def model_cm(self, segs: Sequence[int]) -> int:
        """What the model plans a tour of ``segs`` at: segments, steps and cells entered."""
        return self.cells.tour_cm(self.length_cm, segs)

    @cached_property
    def walk(self) -> WalkNetwork:
        """The zone's streets, to measure the walk of its tours (``walk.py``)."""
        return WalkNetwork(self.segments, detour_factor=self.detour_factor)

    def with_cells(self, cells: WalkCells) -> ZoneProblem:
        """This zone with ``cells`` as its walk cells, on the same streets: its walk
        network is kept, with the walks it has measured (``calibrate.py``)."""
        out = replace(self, given_cells=cells)
        out.__dict__["walk"] = self.walk  # the cached property, not measured again
        return out

    def tour_walk_cm(self, segs: Sequence[int]) -> int:
        """Segments plus connecting walk of a tour of segment indices, measured."""
        return self.walk.plan_walk(self.segments[s].segment_id for s in segs).total_cm

    def over_cap(self, tours: Tours) -> Tours:
        """The tours of ``tours`` that walk past their person's cap once measured; tours of
        two segments or more (a segment alone has no walk between segments to measure)."""
        return {
            key: tour
            for key, tour in sorted(tours.items())
            if len(tour[1]) > 1 and self.tour_walk_cm(tour[1]) > self.cap_cm[key[0]]
        }

    @cached_property
    def reach(self) -> tuple[tuple[int, ...], ...]:
        """Per person: the segments they may patrol, in increasing index order."""
        out: list[list[int]] = [[] for _ in self.people]
        for s, who in enumerate(self.patrollers):
            for p in who:
                out[p].append(s)
        return tuple(tuple(x) for x in out)

    @cached_property
    def size(self) -> int:
        """Number of (person, segment, day) patrol choices: the model's size, for time budgets."""
        return sum(len(self.reach[p]) for (p, _d) in self.open_slots)

    @cached_property
    def days_open(self) -> tuple[int, ...]:
        """Per person: the days they could walk a tour."""
        out = [0] * len(self.people)
        for p, _d in self.open_slots:
            out[p] += 1
        return tuple(out)

    @cached_property
    def pinned_tours(self) -> dict[tuple[int, int], tuple[int, list[int]]]:
        """The pins as tours: (person, day) -> (slot, segments)."""
        out: dict[tuple[int, int], tuple[int, list[int]]] = {}
        for p, s, d, t in sorted(self.pins):
            out.setdefault((p, d), (t, []))[1].append(s)
        return out

    def chained(self, segs: Sequence[int]) -> list[int]:
        """``segs`` in a nearest-neighbour walk between midpoints from the first of them."""
        todo = list(segs)
        if not todo:
            return []
        order = [todo.pop(0)]
        while todo:
            here = self.segments[order[-1]]
            k = min(
                range(len(todo)),
                key=lambda i: math.hypot(
                    self.segments[todo[i]].x_m - here.x_m, self.segments[todo[i]].y_m - here.y_m
                ),
            )
            order.append(todo.pop(k))
        return order

    def tour_room_cm(self, p: int, d: int) -> int:
        """What the model lets ``p``'s tour of day ``d`` hold (``model_cm``): the cap, or
        the pinned segments with their walk as planned if more (pins whose
        walk fits the cap once measured, such as a re-plan's locked days)."""
        pinned = self.pinned_tours.get((p, d), (0, []))[1]
        return max(self.cap_cm[p], self.model_cm(pinned))

    def may_patrol(self, p: int, s: int) -> bool:
        """True if person ``p`` may walk segment ``s``: a patroller of it, and it fits a tour."""
        return p in self.patrollers[s]
