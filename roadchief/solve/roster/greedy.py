"""A planner's greedy tours of one zone: owners walk their own segments first, then helpers
fill the gaps.

They respect every hard rule (the checker verifies it), so they serve as the benchmark
baseline (``solve/baseline.py``) and as the complete warm start of the CP-SAT model.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Iterable, Sequence

import numpy as np

from roadchief.solve.roster.tour_plan import TourPlan, step_cost
from roadchief.solve.roster.zone import Tours, ZoneProblem, nearest_m

RICHEST, NEAREST, GRAVITY, STREET, ROUTE = "richest", "nearest", "gravity", "street", "route"
"""How a tour picks what it walks next (``next_in_tour``): the cell with most length to
walk; the nearest cell, then the richest; most length per square of the distance in cell
sides; or, ignoring cells, the segment nearest the tour's last one along the streets (a
tour that follows the street it is on); or, for an owner, the next along one short walk
over their whole territory, each tour going on where their last one stopped (a territory
walked in turn, stretch by stretch). Under shortage the best of them differs by zone
(issue 17: the richest cell anywhere scatters a tour over a large territory; the nearest
walks far less but can leave rich cells to nobody), so the warm start tries each and keeps
the cheapest once walked."""
NEXT_CHOICES = (RICHEST, NEAREST, GRAVITY, STREET, ROUTE)
VARIANTS = tuple((c, measured) for measured in (False, True) for c in NEXT_CHOICES)
"""The greedy's variants (``next_cell``, ``measured``) a warm start tries where patrols are
missing: no variant is cheapest everywhere (``bench/bench_warm_start.py``). Tours measured
before helpers come plan fewer patrols that the walk repair drops; unmeasured, the repair
moves them to colleagues, which at times costs less (Cambridge at 50%). The plain greedy is
the first."""


def next_in_tour(
    zone: ZoneProblem,
    todo: list[int],
    cells: set[int],
    rank: dict[int, int],
    choice: str = RICHEST,
    last: int | None = None,
) -> int:
    """The segment a tour in ``cells`` walks next of ``todo``: of the highest priority, one
    of a cell it is in, else one of the cell ``choice`` picks (entering a cell pays for a
    walk that is worth it only there, issue 17); of those, the first by ``rank``. With
    ``STREET``, of the highest priority, the one nearest the tour's ``last`` segment along
    the streets, then by rank; with ``ROUTE``, of the highest priority, the first by rank
    (the caller ranks by the territory's walk)."""
    if zone.priority:
        top = max(zone.priority[s] for s in todo)
        todo = [s for s in todo if zone.priority[s] == top]
    if choice == STREET and last is not None:
        away = _street_away(zone, todo, last)
        return min(todo, key=lambda s: (away[s], rank[s]))
    if choice == ROUTE:  # ``rank`` is the order along the territory's walk
        return min(todo, key=rank.__getitem__)
    cell = zone.cells.cell
    inside = [s for s in todo if cell[s] in cells]
    if not inside:
        length: dict[int, int] = {}
        for s in todo:
            length[cell[s]] = length.get(cell[s], 0) + zone.length_cm[s]
        if choice == RICHEST or not cells:
            picked = max(length, key=lambda c: (length[c], -c))
        else:
            away = _cells_away(zone, list(length), cells)
            if choice == NEAREST:
                picked = min(length, key=lambda c: (away[c], -length[c], c))
            else:
                picked = max(length, key=lambda c: (length[c] / (1.0 + away[c]) ** 2, -c))
        inside = [s for s in todo if cell[s] == picked]
    return min(inside, key=rank.__getitem__)


def _street_away(zone: ZoneProblem, todo: list[int], last: int) -> dict[int, float]:
    """Per segment of ``todo``: the shortest walk from either end of ``last`` to either of
    its ends, in cm (0: they touch); where the streets do not join them, the straight line
    between midpoints times the detour factor, after every joined one."""
    seg = zone.segments[last]
    rows = zone.walk.distances([seg.from_node, seg.to_node])
    ends = zone.end_columns[todo]
    cm = rows[:, ends].reshape(2, len(todo), 2).astype(float)
    cm[cm < 0] = np.inf
    near = cm.min(axis=(0, 2))
    apart = ~np.isfinite(near)
    if apart.any():
        xy = zone.midpoints[np.array(todo)[apart]] - zone.midpoints[last]
        near[apart] = 1e12 + np.hypot(xy[:, 0], xy[:, 1])
    return dict(zip(todo, near.tolist(), strict=True))


def _cells_away(zone: ZoneProblem, candidates: list[int], cells: set[int]) -> dict[int, float]:
    """Per candidate cell: how far its centre lies from the nearest centre of ``cells``, in
    cell sides (in metres where the zone's cells have no side)."""
    centre = zone.cell_centres
    here = centre[sorted(cells)]
    there = centre[candidates]
    far = nearest_m(there, here)
    side = zone.cells.side_m or 1.0
    return {c: float(m) / side for c, m in zip(candidates, far, strict=True)}


def greedy_tours(
    zone: ZoneProblem,
    start: Tours | None = None,
    *,
    next_cell: str = RICHEST,
    measured: bool = False,
) -> Tours:
    """Pins and ``start`` first, then rechecks, owners' personal patrols, owners, helpers.

    Owners walk their most demanding segments first, each tour on from there to the nearest
    of the rest (a walkable tour, not the longest segments of a large territory), tours
    filled to capacity, each owner's
    week starting on another day, so that the days an owner cannot cover (a segment needed
    daily, five tours a week) are days their neighbours walk and can help on: with a few
    helpers per segment, starting every owner on Monday leaves weekends to nobody (three
    times the objective on central Shanghai). A first round keeps repeat patrols apart
    (spread), a second fills what is left. Helpers then join that day's tours where there
    is room, and new tours are opened where each covers the most missing length. A new
    tour's slot is the one serving most open slot windows of its segments. A tour with
    nothing left to walk in the cells it entered enters the cell ``next_cell`` picks.
    With ``measured``, the owners' tours are measured on the streets before helpers come
    (``TourPlan.trim_to_walk``): a patrol a tour cannot walk is left to a helper, not
    planned and then dropped by the walk repair (issue 17). Not for a beat zone, whose
    "segments" are beats and not streets (``beats.py``); off in the plain greedy (the
    baseline and the model's hint), whose over-long tours the repair fixes by moving
    patrols to colleagues, which costs less where people suffice (Shanghai at 100%: the
    measured greedy's baseline 35,228 against 27,190).
    """
    plan = TourPlan(zone)
    if start:
        plan.take(start)
    _visit_rechecks(plan)
    _personal_patrols(plan, next_cell)
    _owners_rounds(plan, next_cell)
    _helpers(plan, next_cell, measured=measured and not zone.strict)
    return plan.tours


def _personal_patrols(plan: TourPlan, next_cell: str) -> None:
    """Each owner's personal patrols, one per owned segment, in a walkable order: not
    longest first, since under shortage a territory is 20-60 km and its longest segments,
    walked in one tour, lie far apart (issue 17); with ``ROUTE``, along the territory's walk."""
    zone = plan.zone
    n_days = len(zone.days)
    for p in range(len(zone.people)):
        owned = [s for s in zone.reach[p] if zone.owner[s] == p and zone.accountable[s] > 0]
        longest = sorted(owned, key=lambda s: (-zone.length_cm[s], s))
        for s in territory_walk(zone, owned) if next_cell == ROUTE else zone.chained(longest):
            walked = sum(1 for d in range(n_days) if s in plan.tours.get((p, d), (0, []))[1])
            for d in ((p + k) % n_days for k in range(n_days)):
                if walked >= zone.accountable[s] or plan.remaining[s] <= 0:
                    break
                if (p, d) in plan.tours and plan.fits(p, d, s):
                    plan.add(p, d, s)
                    walked += 1
                elif (p, d) not in plan.tours and plan.fits(p, d, s):
                    slot = plan.free_slot(p, d, [s])
                    if slot is not None:
                        plan.add(p, d, s, slot)
                        walked += 1


def _owners_rounds(plan: TourPlan, next_cell: str) -> None:
    """Owners fill their tours with their own segments in two rounds, each owner's week
    starting on another day; with ``ROUTE`` each tour goes on along the owner's territory
    walk from where their last tour stopped."""
    zone = plan.zone
    n_days = len(zone.days)

    def prio(s: int) -> int:
        return zone.priority[s] if zone.priority else 1

    def density(s: int) -> float:  # what a patrol saves per cm of a tour, the step counted
        return zone.unmet_weight(s) / (zone.length_cm[s] + zone.cells.step_cm)

    # per owner (ROUTE): their territory walked once, and where their last tour stopped
    walks: dict[int, tuple[list[int], int]] = {}
    for _round in range(2):
        for p in range(len(zone.people)):
            owned = [s for s in zone.reach[p] if zone.owner[s] == p]
            if next_cell == ROUTE and p not in walks:
                walks[p] = (territory_walk(zone, owned), 0)
            for d in ((p + k) % n_days for k in range(n_days)):  # owners' days off spread out
                todo = sorted(
                    (s for s in owned if plan.remaining[s] > 0 and plan.fits(p, d, s)),
                    key=lambda s: (-prio(s), -density(s), -plan.remaining[s], s),
                )
                if not todo:
                    continue
                slot = None if (p, d) in plan.tours else plan.free_slot(p, d, todo)
                if slot is None and (p, d) not in plan.tours:
                    continue
                rank = {s: k for k, s in enumerate(todo)}
                if next_cell == ROUTE:  # on from where the owner's last tour stopped
                    route, at = walks[p]
                    rank = {s: k for k, s in enumerate(route[at:] + route[:at])}
                while todo:
                    here = plan.cells_in.get((p, d), set())
                    last = plan.tours[(p, d)][1][-1] if (p, d) in plan.tours else None
                    s = next_in_tour(zone, todo, here, rank, next_cell, last)
                    todo.remove(s)
                    if plan.fits(p, d, s):
                        plan.add(p, d, s, slot)
                        slot = None
                        if next_cell == ROUTE:
                            route, _at = walks[p]
                            walks[p] = (route, (route.index(s) + 1) % len(route))
                    elif next_cell == ROUTE and plan.full_for(p, d, s):  # the next tour's start
                        route, _at = walks[p]
                        walks[p] = (route, route.index(s))
                        break


def _helpers(plan: TourPlan, next_cell: str, *, measured: bool) -> None:
    """Helpers join tours walked that day where there is room, then open new tours. With
    ``measured``, tours that do not fit once walked give patrols back first, and helpers
    come again (joining only: a patrol given back would cost a tour of its own) up to
    ``HELPER_PASSES`` times; the last tours are trimmed too."""
    zone = plan.zone
    for again in range(HELPER_PASSES if measured else 1):
        trimmed = sum(plan.trim_to_walk(p, d) for p, d in sorted(plan.tours)) if measured else 0
        if again and not trimmed:
            break
        for d in range(len(zone.days)):
            for s in _needy(plan, d, range(len(zone.segments))):
                _join(plan, d, s)
        if not again:
            _open_helper_tours(plan, next_cell)
    if measured:
        for p, d in sorted(plan.tours):
            plan.trim_to_walk(p, d)


HELPER_PASSES = 3
"""Rounds of helpers the greedy runs, each after the tours that do not fit once walked gave
patrols back (``TourPlan.trim_to_walk``): the first joins tours and opens new ones, the
others only join; the last round's tours are trimmed too."""


def territory_walk(zone: ZoneProblem, segs: Sequence[int]) -> list[int]:
    """``segs`` in the order of one short walk over all of them (``WalkNetwork.plan_walk``)."""
    if not segs:
        return []
    index = {zone.segments[s].segment_id: s for s in segs}
    return [index[i] for i in zone.walk.plan_walk(index).order]


def _visit_rechecks(plan: TourPlan) -> None:
    """Each recheck's segment once by its last day (``rules/rechecks.py``), in a tour of
    that day where it fits, else a new tour: the owner first, then the other patrollers."""
    zone = plan.zone
    for s, last in zone.rechecks:
        if any((s, d) in plan.done for d in range(last + 1)):
            continue
        who = sorted(zone.patrollers[s], key=lambda p: (p != zone.owner[s], p))
        options = [(d, p) for d in range(last + 1) for p in who]
        joined = next(
            ((d, p) for d, p in options if (p, d) in plan.tours and plan.fits(p, d, s)), None
        )
        if joined is not None:
            plan.add(joined[1], joined[0], s)
            continue
        for d, p in options:
            slot = None if (p, d) in plan.tours else plan.free_slot(p, d, [s])
            if slot is not None and plan.fits(p, d, s):
                plan.add(p, d, s, slot)
                break


def _needy(plan: TourPlan, d: int, segments: Iterable[int]) -> list[int]:
    """Segments that still need a patrol and have none on day ``d``: highest priority,
    then most needed first."""
    if d in plan.zone.locked:
        return []
    prio = plan.zone.priority  # what goes first under shortage
    return sorted(
        (s for s in segments if plan.remaining[s] > 0 and plan.short_on(s, d)),
        key=lambda s: (-prio[s] if prio else 0, -plan.remaining[s], -plan.zone.length_cm[s], s),
    )


def _join(plan: TourPlan, d: int, s: int) -> None:
    """Patrol segment ``s`` on day ``d`` in the nearest tour of that day with room, if any."""
    zone = plan.zone
    seg = zone.segments[s]
    open_tours = [p for p in zone.patrollers[s] if (p, d) in plan.tours and plan.fits(p, d, s)]
    if open_tours:

        def distance(p: int) -> float:
            return min(
                math.hypot(zone.segments[o].x_m - seg.x_m, zone.segments[o].y_m - seg.y_m)
                for o in plan.tours[(p, d)][1]
            )

        best = min(open_tours, key=lambda p: (p != zone.owner[s], distance(p), p))
        plan.add(best, d, s)


def _open_helper_tours(plan: TourPlan, next_cell: str) -> None:
    """Open new tours, each where it covers the most missing patrol length, until none helps.

    A tour's gain only shrinks as other tours cover patrols, so gains are re-evaluated
    lazily: the best stored gain is recomputed and taken if it still beats the next one.
    """
    zone = plan.zone

    def fill(p: int, d: int) -> list[int]:
        if plan.free_slot(p, d) is None:
            return []
        room = zone.cap_cm[p]
        chosen: list[int] = []
        cells: set[int] = set()
        # a new tour's slot is chosen after: second patrols of a day only join tours
        todo = [
            s for s in _needy(plan, d, zone.reach[p])
            if not plan.crowded(s, d) and (s, d) not in plan.done
        ]  # fmt: skip
        rank = {s: k for k, s in enumerate(todo)}
        while todo:
            s = next_in_tour(zone, todo, cells, rank, next_cell, chosen[-1] if chosen else None)
            todo.remove(s)
            cm = step_cost(zone, s, cells)
            if cm <= room:
                chosen.append(s)
                cells.add(zone.cells.cell[s])
                room -= cm
        return chosen

    def gain(segs: list[int]) -> int:
        return sum(zone.length_cm[s] for s in segs)

    heap = [(-gain(fill(p, d)), p, d) for (p, d) in sorted(zone.open_slots)]
    heapq.heapify(heap)
    while heap and heap[0][0] < 0:
        _neg, p, d = heapq.heappop(heap)
        segs = fill(p, d)
        if not segs:
            continue
        if heap and gain(segs) < -heap[0][0]:
            heapq.heappush(heap, (-gain(segs), p, d))
            continue
        slot = plan.free_slot(p, d, segs)
        for s in segs:
            plan.add(p, d, s, slot)
            slot = None
