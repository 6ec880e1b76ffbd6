"""A planner's greedy roster: owners walk their own segments first, then helpers fill the gaps.

It respects every hard rule (the checker verifies it), so it serves as the benchmark
baseline and as the complete warm start of the CP-SAT model.
"""

from __future__ import annotations

import heapq
import math
import time
from collections.abc import Iterable

from roadchief.domain import Ownership, PatrolInstance, Roster, SolveStats
from roadchief.solve.check import check_roster
from roadchief.solve.tours import assignments_of
from roadchief.solve.zone import Tours, ZoneProblem, zone_problems


def greedy_roster(instance: PatrolInstance, ownership: Ownership) -> Roster:
    """The greedy roster of every zone; each part's objective is recomputed by the checker."""
    assignments = []
    walls = {}
    for zone in zone_problems(instance, ownership):
        t0 = time.perf_counter()
        assignments.extend(assignments_of(zone, greedy_tours(zone)))
        walls[zone.zone_id] = time.perf_counter() - t0
    roster = Roster(instance.week, tuple(sorted(assignments)), {})
    report = check_roster(instance, ownership, roster)
    parts = {
        z: SolveStats("GREEDY", float(zc.objective), 0.0, walls.get(z, 0.0), 0)
        for z, zc in report.zones.items()
    }
    return Roster(instance.week, roster.assignments, parts)


class _Plan:
    """The greedy's working state for one zone."""

    def __init__(self, zone: ZoneProblem) -> None:
        self.zone = zone
        self.remaining = list(zone.demand)
        self.tours: Tours = {}
        self.used_cm: dict[tuple[int, int], int] = {}
        self.done: set[tuple[int, int]] = set()  # (segment, day) already patrolled
        self.n_tours = [0] * len(zone.people)
        self.conflicts: dict[tuple[int, int], set[tuple[int, int]]] = {}
        for d1, a, d2, b in zone.rest_conflicts:
            self.conflicts.setdefault((d1, a), set()).add((d2, b))
            self.conflicts.setdefault((d2, b), set()).add((d1, a))

    def free_slot(self, p: int, d: int) -> int | None:
        """The earliest slot in which ``p`` may start a new tour on day ``d``, if any."""
        if (p, d) in self.tours or self.n_tours[p] >= self.zone.max_tours[p]:
            return None
        worked = {(dd, t) for (pp, dd), (t, _s) in self.tours.items() if pp == p}
        for t in self.zone.open_slots.get((p, d), ()):
            if not (self.conflicts.get((d, t), set()) & worked):
                return t
        return None

    def fits(self, p: int, d: int, s: int) -> bool:
        """True if segment ``s`` still fits in ``p``'s tour on day ``d``."""
        return self.used_cm.get((p, d), 0) + self.zone.length_cm[s] <= self.zone.cap_cm[p]

    def add(self, p: int, d: int, s: int, slot: int | None = None) -> None:
        """Put segment ``s`` in ``p``'s tour of day ``d``, opening the tour in ``slot``."""
        if slot is not None:
            self.tours[(p, d)] = (slot, [])
            self.n_tours[p] += 1
        self.tours[(p, d)][1].append(s)
        self.used_cm[(p, d)] = self.used_cm.get((p, d), 0) + self.zone.length_cm[s]
        self.remaining[s] -= 1
        self.done.add((s, d))


def greedy_tours(zone: ZoneProblem) -> Tours:
    """Owners first, then helpers in tours already walked, then new helper tours.

    Owners walk their most demanding segments first, tours filled to capacity, each owner's
    week starting on another day, so that the days an owner cannot cover (a segment needed
    daily, five tours a week) are days their neighbours walk and can help on: with a few
    helpers per segment, starting every owner on Monday leaves weekends to nobody (three
    times the objective on central Shanghai). Helpers then join that day's tours where
    there is room, and new tours are opened where each covers the most missing length.
    """
    plan = _Plan(zone)
    n_days = len(zone.days)
    for p in range(len(zone.people)):
        owned = [s for s in zone.reach[p] if zone.owner[s] == p]
        for d in ((p + k) % n_days for k in range(n_days)):  # owners' days off spread out
            todo = sorted(
                (s for s in owned if plan.remaining[s] > 0 and (s, d) not in plan.done),
                key=lambda s: (-plan.remaining[s], -zone.length_cm[s], s),
            )
            if not todo:
                continue
            slot = plan.free_slot(p, d)
            if slot is None:
                continue
            for s in todo:
                if plan.fits(p, d, s):
                    plan.add(p, d, s, slot)
                    slot = None
    for d in range(n_days):  # helpers join tours walked that day where there is room
        for s in _needy(plan, d, range(len(zone.segments))):
            _join(plan, d, s)
    _open_helper_tours(plan)
    return plan.tours


def _needy(plan: _Plan, d: int, segments: Iterable[int]) -> list[int]:
    """Segments that still need a patrol and have none on day ``d``, most needed first."""
    return sorted(
        (s for s in segments if plan.remaining[s] > 0 and (s, d) not in plan.done),
        key=lambda s: (-plan.remaining[s], -plan.zone.length_cm[s], s),
    )


def _join(plan: _Plan, d: int, s: int) -> None:
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


def _open_helper_tours(plan: _Plan) -> None:
    """Open new tours, each where it covers the most missing patrol length, until none helps.

    A tour's gain only shrinks as other tours cover patrols, so gains are re-evaluated
    lazily: the best stored gain is recomputed and taken if it still beats the next one.
    """
    zone = plan.zone

    def fill(p: int, d: int) -> list[int]:
        if plan.free_slot(p, d) is None:
            return []
        room = zone.cap_cm[p]
        chosen = []
        for s in _needy(plan, d, zone.reach[p]):
            if zone.length_cm[s] <= room:
                chosen.append(s)
                room -= zone.length_cm[s]
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
        slot = plan.free_slot(p, d)
        for s in segs:
            plan.add(p, d, s, slot)
            slot = None
