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
whichever the people's room allows most cheaply, and a personal patrol its owner does not
walk costs too. Both are floors of every roster's objective (the other soft rules only
add).

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
    return sum(room for room, _tours in person_rooms(zone, with_walk=with_walk).values())


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


def person_rooms(zone: ZoneProblem, *, with_walk: bool = False) -> dict[int, tuple[float, int]]:
    """Per person who can walk a tour: what their roomiest tours hold together and how
    many tours that is (their tours a week, no more than their days)."""
    extra = zone.cells.step_cm + zone.cells.cell_cm if with_walk else 0
    rooms: dict[int, list[int]] = {}
    for p, d in zone.open_slots:
        room = zone.tour_room_cm(p, d) if with_walk else zone.cap_cm[p]
        rooms.setdefault(p, []).append(room + extra)
    out = {}
    for p, r in rooms.items():
        tours = min(zone.max_tours[p], len(r))
        out[p] = (float(sum(sorted(r, reverse=True)[:tours])), tours)
    return out


def capacity_floor(zone: ZoneProblem, *, with_walk: bool = True) -> float:
    """The cost no roster of ``zone``'s model can go below (see the module docstring).

    The linear relaxation of who walks what: each person walks at most their roomiest
    tours' worth (``person_rooms``), each segment at most once a tour and within its
    patrols possible (``patrols_possible``); a patrol not walked is unmet at its cost, one
    walked by someone other than the owner costs a helper's (an outside helper's for
    people of another zone), a personal patrol the owner does not walk costs its own.
    Those are the unmet, helper, cross-zone and personal terms; the other soft rules only
    add. The objective is whole, so the relaxation's optimum rounded up (less the LP's
    tolerance) is a floor too. ``with_walk`` False: tours hold their segments alone, a
    floor of every roster whatever its walk (``zone_bound``).
    """
    rooms = person_rooms(zone, with_walk=with_walk)
    takes = patrol_cm(zone, with_walk=with_walk)
    possible = patrols_possible(zone)
    w = zone.weights
    lp = pywraplp.Solver.CreateSolver("GLOP")
    inf = lp.infinity()
    cost = lp.Objective()
    load = {p: lp.Constraint(-inf, room) for p, (room, _tours) in rooms.items()}
    for s, need in enumerate(zone.demand):
        if need <= 0:
            continue
        unmet = lp.NumVar(0.0, need, "")
        cost.SetCoefficient(unmet, zone.unmet_weight(s))
        cover = lp.Constraint(need, inf)  # walked + unmet >= demand
        cover.SetCoefficient(unmet, 1)
        most = lp.Constraint(-inf, possible[s])
        owed = zone.accountable[s] if zone.accountable else 0
        personal = lp.Constraint(owed, inf) if owed else None  # owner's + missed >= owed
        for p in zone.patrollers[s]:
            if p not in rooms:
                continue
            walked = lp.NumVar(0.0, min(rooms[p][1], need), "")
            for row in (cover, most):
                row.SetCoefficient(walked, 1)
            load[p].SetCoefficient(walked, takes[s])
            if p != zone.owner[s]:
                by = "cross_zone_per_10m" if p in zone.outside else "helper_per_10m"
                cost.SetCoefficient(walked, w[by] * zone.units_10m[s])
            elif personal is not None:
                personal.SetCoefficient(walked, 1)
        if personal is not None:
            missed = lp.NumVar(0.0, owed, "")
            personal.SetCoefficient(missed, 1)
            cost.SetCoefficient(missed, w["accountability_per_10m"] * zone.units_10m[s])
    cost.SetMinimization()
    if lp.Solve() != pywraplp.Solver.OPTIMAL:
        raise SolverError(f"zone {zone.zone_id}: the capacity floor's LP found no optimum")
    value = cost.Value()
    return float(max(0, math.ceil(value - LP_TOLERANCE * max(1.0, value))))


def unmet_floor(zone: ZoneProblem, *, with_walk: bool = True) -> float:
    """The unmet demand left once the zone's people walk all they can (``capacity_cover``),
    at its cost: above 0, no roster covers the zone (it is bound to be short)."""
    return sum(
        zone.unmet_weight(s) * (zone.demand[s] - covered)
        for s, covered in enumerate(capacity_cover(zone, with_walk=with_walk))
    )


def zone_bound(zone: ZoneProblem, model_bound: float, objective: float) -> float:
    """The bound a zone reports for a roster costing ``objective`` once walked: the larger
    of the model's bound (CP-SAT's) and the capacity floor, both bounds of the model's
    problem, whose walk is planned by cells. A roster that costs less once walked (the
    refill can do that) shows the model's walk is more than this zone's tours walk; the
    floor on segments alone, a bound of every roster, is reported then, not the roster's
    own objective (a gap of 0 it has not earned). Never above ``objective``."""
    bound = max(model_bound, capacity_floor(zone))
    if bound > objective:
        bound = capacity_floor(zone, with_walk=False)
    return min(bound, objective)
