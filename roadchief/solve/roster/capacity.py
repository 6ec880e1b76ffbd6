"""A zone's capacity floor: the least its roster can cost, given who may walk what and how far.

In a week each person walks at most their tours a week (no more than the days they are
available) of what a tour holds; a segment is patrolled at most once a tour, at most its
patrols a day (usually one) on each day someone who may patrol it is available, and never
usefully beyond its demand. Two counts rest on that. The unmet floor fills the whole
zone's walking capacity with the patrols that save most unmet cost per metre (a
fractional knapsack, arithmetic): above 0, the zone is bound to be short, and the
impossible demand is named from it (``impossible.py``). The capacity floor
(``capacity_floor``) solves the linear relaxation of who walks what, person by person
(GLOP): what a segment's owner cannot walk is a helper's, an outside helper's or unmet,
whichever the people's room allows most cheaply, a personal patrol its owner does not
walk costs too, and so does a tour above the mean of the person's group (fairness). Both
are floors of every roster's objective (the other soft rules only add).

What a tour holds is counted two ways. On segments alone (``with_walk`` False): a tour's
segments fit its cap, the checker's rule; the impossible demand is named on this count.
With the walk the model plans (``with_walk`` True): a tour's segments, a step between
each two and an entry into each cell after the first fit its room
(``rules/tour_length.py``, ``cells.py``), so each patrol takes its length, a step and its
share of its cell's entry (a tour enters a cell once for all the segments it walks there:
at most the cell's size), and each tour holds its room, a step and an entry more. That is
the bound of the model's problem, as CP-SAT's is. CP-SAT's bound is often stronger, but
it exists only once its root LP is solved: a zone whose share of the time ends first
reported a bound near zero under shortage (issue 17). The zone's reported bound is the
larger of the two, unless the roster walked costs less (``zone_bound``).
"""

from __future__ import annotations

import math
from collections import Counter

from ortools.linear_solver import pywraplp

from roadchief.domain import ANY_WALK_BOUND, MODEL_BOUND
from roadchief.errors import SolverError
from roadchief.solve.roster.zone import ZoneProblem

LP_TOLERANCE = 1e-6
"""Relative slack taken off the floor's LP optimum before rounding up: the simplex's
optimum is exact only to its tolerances (about 1e-7), and a floor must never exceed
the true one."""


def reachable_days(zone: ZoneProblem) -> list[int]:
    """Per segment: the days on which someone who may patrol it is available."""
    days: dict[int, set[int]] = {}
    for p, d in zone.open_slots:
        days.setdefault(p, set()).add(d)
    return [
        len(set().union(*(days.get(p, set()) for p in zone.patrollers[s])))
        for s in range(len(zone.segments))
    ]


def patrols_possible(zone: ZoneProblem) -> list[int]:
    """Per segment: the most patrols a week it can have, its reachable days times its
    patrols a day (``rules/once_a_day.py``)."""
    reach = reachable_days(zone)
    if not zone.per_day:
        return reach
    return [n * cap for n, cap in zip(reach, zone.per_day, strict=True)]


def walkable_cm(zone: ZoneProblem, *, with_walk: bool = False) -> float:
    """The most the zone's people can walk in a week: each person's roomiest tours, as
    many as they can walk (segments only, or with the walk the model plans)."""
    return float(sum(sum(r) for r in tour_rooms(zone, with_walk=with_walk).values()))


def patrol_cm(zone: ZoneProblem, *, with_walk: bool = False) -> list[float]:
    """Per segment: what one patrol of it takes of a tour (see the module docstring)."""
    if not with_walk:
        return [float(cm) for cm in zone.length_cm]
    cells = zone.cells
    size = Counter(cells.cell)
    return [
        cm + cells.step_cm + cells.cell_cm / size[cells.cell[s]]
        for s, cm in enumerate(zone.length_cm)
    ]


def capacity_cover(zone: ZoneProblem, *, with_walk: bool = False) -> list[float]:
    """Per segment: the patrols the fractional knapsack of the module docstring covers
    (at most its demand and ``patrols_possible``), most unmet cost per metre first."""
    room = walkable_cm(zone, with_walk=with_walk)
    takes = patrol_cm(zone, with_walk=with_walk)
    reach = patrols_possible(zone)
    items = []
    for s in range(len(zone.segments)):
        most = min(zone.demand[s], reach[s])
        if most > 0:
            value = float(zone.unmet_weight(s))
            items.append((value / max(1.0, takes[s]), -s, most))
    covered = [0.0] * len(zone.segments)
    for _ratio, neg, most in sorted(items, reverse=True):
        if room <= 0:
            break
        s = -neg
        take = min(float(most), room / max(1.0, takes[s]))
        covered[s] = take
        room -= take * takes[s]
    return covered


def tour_rooms(zone: ZoneProblem, *, with_walk: bool = False) -> dict[int, list[int]]:
    """Per person who can walk a tour: what each of their roomiest tours holds, roomiest
    first, as many as they can walk (their tours a week, no more than their days)."""
    extra = zone.cells.step_cm + zone.cells.cell_cm if with_walk else 0
    rooms: dict[int, list[int]] = {}
    for p, d in zone.open_slots:
        room = zone.tour_room_cm(p, d) if with_walk else zone.cap_cm[p]
        rooms.setdefault(p, []).append(room + extra)
    return {p: sorted(r, reverse=True)[: zone.max_tours[p]] for p, r in rooms.items()}


def capacity_floor(zone: ZoneProblem, *, with_walk: bool = True) -> float:
    """The cost no roster of ``zone``'s model can go below (see the module docstring).

    The linear relaxation of who walks what: each person walks at most what the tours they
    walk hold, roomiest first (``tour_rooms``), and at least one patrol a tour; each
    segment at most once a tour and within its patrols possible (``patrols_possible``); a
    patrol not walked is unmet at its cost, one walked by someone other than the owner
    costs a helper's (``helper_weight``), a personal patrol the owner does not walk costs
    its own, and each tour above the group's mean costs fairness (``_fair_load``). Those
    are the unmet, helper, cross-zone, personal and fairness terms; the other soft rules
    only add. The objective is whole, so the relaxation's optimum rounded up (less the
    LP's tolerance) is a floor too. ``with_walk`` False: tours hold their segments
    alone, a floor of every roster whatever its walk (``zone_bound``).
    """
    rooms = tour_rooms(zone, with_walk=with_walk)
    takes = patrol_cm(zone, with_walk=with_walk)
    possible = patrols_possible(zone)
    w = zone.weights
    lp = pywraplp.Solver.CreateSolver("GLOP")
    inf = lp.infinity()
    cost = lp.Objective()
    tours = {p: lp.NumVar(0.0, len(r), "") for p, r in rooms.items()}
    load = {p: _walk_within_tours(lp, tours[p], r) for p, r in rooms.items()}
    every_tour = {p: lp.Constraint(0.0, inf) for p in rooms}  # patrols - tours >= 0
    for p, row in every_tour.items():
        row.SetCoefficient(tours[p], -1)
    _fair_load(lp, zone, tours, cost)
    for s, need in enumerate(zone.demand):
        walks = {p: lp.NumVar(0.0, len(rooms[p]), "") for p in zone.patrollers[s] if p in rooms}
        most = lp.Constraint(-inf, possible[s])
        cover = lp.Constraint(need, inf)  # walked + unmet >= demand
        if need > 0:
            unmet = lp.NumVar(0.0, need, "")
            cost.SetCoefficient(unmet, zone.unmet_weight(s))
            cover.SetCoefficient(unmet, 1)
        owed = zone.accountable[s] if zone.accountable else 0
        personal = lp.Constraint(owed, inf) if owed else None  # owner's + missed >= owed
        if personal is not None:
            missed = lp.NumVar(0.0, owed, "")
            personal.SetCoefficient(missed, 1)
            cost.SetCoefficient(missed, w["accountability_per_10m"] * zone.units_10m[s])
        for p, walked in walks.items():
            once_a_tour = lp.Constraint(-inf, 0.0)  # walked - tours <= 0
            once_a_tour.SetCoefficient(tours[p], -1)
            for row in (cover, most, once_a_tour, every_tour[p]):
                row.SetCoefficient(walked, 1)
            for row in load[p]:
                row.SetCoefficient(walked, takes[s])
            cost.SetCoefficient(walked, zone.helper_weight(p, s))
            if p == zone.owner[s] and personal is not None:
                personal.SetCoefficient(walked, 1)
    cost.SetMinimization()
    if lp.Solve() != pywraplp.Solver.OPTIMAL:
        raise SolverError(f"zone {zone.zone_id}: the capacity floor's LP found no optimum")
    value = cost.Value()
    return float(max(0, math.ceil(value - LP_TOLERANCE * max(1.0, value))))


def _walk_within_tours(
    lp: pywraplp.Solver, tours: pywraplp.Variable, rooms: list[int]
) -> list[pywraplp.Constraint]:
    """Rows keeping what a person walks within the ``tours`` they walk, the roomiest
    first: below the line through k and k + 1 tours for each k, whose lower envelope is
    what k tours hold (``rooms`` roomiest first, so the envelope is concave and exact at
    whole tours). The caller adds each patrol's length to every row."""
    rows, held = [], 0
    for k, room in enumerate(rooms):
        row = lp.Constraint(-lp.infinity(), held - k * room)  # walked - room * tours <= ...
        row.SetCoefficient(tours, -room)
        rows.append(row)
        held += room
    return rows


def _fair_load(
    lp: pywraplp.Solver,
    zone: ZoneProblem,
    tours: dict[int, pywraplp.Variable],
    cost: pywraplp.Objective,
) -> None:
    """The fairness rule relaxed (``rules/fairness.py``, ``FairLoad``): each tour a person
    walks above the rounded-up mean of their group costs ``fairness_per_tour``. As in the
    model (``fairness.above_rounded_mean``, ``variables.py``), the rounded-up mean is less
    than 1 above the mean and at most the mean of the most tours each can walk."""
    weight = zone.weights["fairness_per_tour"]
    if not weight:
        return
    days = Counter(p for p, _d in zone.open_slots)
    for members in zone.level_groups:
        if len(members) < 2:
            continue
        top = -(-sum(min(zone.max_tours[p], days[p]) for p in members) // len(members))
        mean_up = lp.NumVar(0.0, top, "")
        # 0 <= n * mean_up - sum of tours <= n - 1: the mean rounded up, as the model ties it
        mean = lp.Constraint(0.0, len(members) - 1.0)
        mean.SetCoefficient(mean_up, len(members))
        for p in members:
            if p not in tours:
                continue
            mean.SetCoefficient(tours[p], -1)
            over = lp.NumVar(0.0, lp.infinity(), "")
            above = lp.Constraint(0.0, lp.infinity())  # over - tours + mean_up >= 0
            above.SetCoefficient(over, 1)
            above.SetCoefficient(tours[p], -1)
            above.SetCoefficient(mean_up, 1)
            cost.SetCoefficient(over, weight)


def unmet_floor(zone: ZoneProblem, *, with_walk: bool = True) -> float:
    """The unmet demand left once the zone's people walk all they can (``capacity_cover``),
    at its cost: above 0, no roster covers the zone (it is bound to be short)."""
    return sum(
        zone.unmet_weight(s) * (zone.demand[s] - covered)
        for s, covered in enumerate(capacity_cover(zone, with_walk=with_walk))
    )


def zone_bound(
    zone: ZoneProblem, model_bound: float, objective: float, floor: float | None = None
) -> tuple[float, str]:
    """The bound a zone reports for a roster costing ``objective`` once walked, and what it
    bounds (``SolveStats.bound_on``): the larger of the model's bound (CP-SAT's) and the
    capacity floor, both bounds of the model's problem, whose walk is planned by cells
    (``MODEL_BOUND``). A roster that costs less once walked (the refill can do that) shows the
    model's walk is more than this zone's tours walk; the floor on segments alone, a
    bound of every roster, is reported then (``ANY_WALK_BOUND``), not the roster's own
    objective (a gap of 0 it has not earned). Never above ``objective``. ``floor``:
    ``capacity_floor(zone)`` when the caller has it."""
    bound = max(model_bound, capacity_floor(zone) if floor is None else floor)
    if bound > objective:
        return min(capacity_floor(zone, with_walk=False), objective), ANY_WALK_BOUND
    return bound, MODEL_BOUND
