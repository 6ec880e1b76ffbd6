"""A planner's greedy tours of one zone: owners walk their own segments first, then helpers
fill the gaps.

They respect every hard rule (the checker verifies it), so they serve as the benchmark
baseline (``solve/baseline.py``) and as the complete warm start of the CP-SAT model.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Iterable

import numpy as np

from roadchief.solve.roster.rules.spread import spread_windows
from roadchief.solve.roster.zone import Tours, ZoneProblem, nearest_m


def step_cost(zone: ZoneProblem, s: int, cells: set[int]) -> int:
    """What segment ``s`` adds to a tour entering ``cells`` in the model: its length, plus
    a step when the tour has a segment to walk from, plus entering its cell if new."""
    if not cells:
        return zone.length_cm[s]
    enter = zone.cells.cell_cm if zone.cells.cell[s] not in cells else 0
    return zone.length_cm[s] + zone.cells.step_cm + enter


RICHEST, NEAREST, GRAVITY, STREET = "richest", "nearest", "gravity", "street"
"""How a tour picks what it walks next (``next_in_tour``): the cell with most length to
walk; the nearest cell, then the richest; most length per square of the distance in cell
sides; or, ignoring cells, the segment nearest the tour's last one along the streets (a
tour that follows the street it is on). Under shortage the best of them differs by zone
(issue 17: the richest cell anywhere scatters a tour over a large territory; the nearest
walks far less but can leave rich cells to nobody), so the warm start tries each and keeps
the cheapest once walked."""
NEXT_CHOICES = (RICHEST, NEAREST, GRAVITY, STREET)


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
    ``STREET``, the one nearest the tour's ``last`` segment along the streets, then by rank."""
    if choice == STREET and last is not None:
        away = _street_away(zone, todo, last)
        return min(todo, key=lambda s: (away[s], rank[s]))
    if zone.priority:
        top = max(zone.priority[s] for s in todo)
        todo = [s for s in todo if zone.priority[s] == top]
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


class TourPlan:
    """Tours of one zone being built, with what the hard rules need to add a patrol: the
    greedy's working state, and the refill's (``refill.py``)."""

    def __init__(self, zone: ZoneProblem, tours: Tours | None = None) -> None:
        """Start from the zone's pins, or from ``tours`` (a whole roster, its pins in it)."""
        self.zone = zone
        self.remaining = list(zone.demand)
        self.window_left = {
            (s, k): n for s, wins in enumerate(zone.windows) for k, (_w, n) in enumerate(wins)
        }
        self.tours: Tours = {}
        self.used_cm: dict[tuple[int, int], int] = {}
        self.cells_in: dict[tuple[int, int], set[int]] = {}  # walk cells a tour enters
        self.done: set[tuple[int, int]] = set()  # (segment, day) already patrolled
        self.slots_on: dict[tuple[int, int], set[int]] = {}  # (segment, day) -> its slots
        self.days_of: dict[int, set[int]] = {}  # segment -> calendar days patrolled
        self.n_tours = [0] * len(zone.people)
        self.worked: list[set[tuple[int, int]]] = [set() for _ in zone.people]
        self.windows: dict[int, list[int]] = {}
        self.conflicts: dict[tuple[int, int], set[tuple[int, int]]] = {}
        for d1, a, d2, b in zone.rest_conflicts:
            self.conflicts.setdefault((d1, a), set()).add((d2, b))
            self.conflicts.setdefault((d2, b), set()).add((d1, a))
        given = zone.pinned_tours if tours is None else tours
        for (p, d), (slot, segs) in sorted(given.items()):
            for k, s in enumerate(segs):
                self.add(p, d, s, slot if k == 0 else None)
            # pins may break spread windows: those windows are not the greedy's to keep
        self.windows = {s: spread_windows(zone, s) for s in range(len(zone.segments))}

    def slot_ok(self, p: int, d: int, t: int) -> bool:
        """True if ``p`` may open a tour in slot ``t`` of day ``d``."""
        if (p, d) in self.tours or self.n_tours[p] >= self.zone.max_tours[p]:
            return False
        if d in self.zone.locked or t not in self.zone.open_slots.get((p, d), ()):
            return False
        return not (self.conflicts.get((d, t), set()) & self.worked[p])

    def free_slot(self, p: int, d: int, segs: Iterable[int] = ()) -> int | None:
        """The best slot in which ``p`` may start a new tour on day ``d``, if any: the one
        that serves most open slot windows of ``segs``, then a sociable one, then the earliest."""
        zone = self.zone
        ok = [t for t in zone.open_slots.get((p, d), ()) if self.slot_ok(p, d, t)]
        if not ok:
            return None
        wanted = [0] * len(zone.slots)
        for s in segs:
            for k, (window, _n) in enumerate(zone.windows[s] if zone.windows else ()):
                if self.window_left.get((s, k), 0) > 0:
                    for t in window:
                        wanted[t] += zone.units_10m[s]
        return min(ok, key=lambda t: (-wanted[t], (d, t) in zone.unsocial, t))

    def fits(self, p: int, d: int, s: int) -> bool:
        """True if segment ``s`` may join ``p``'s tour on day ``d``."""
        return (
            self.slot_free(p, d, s)
            and d not in self.zone.locked
            and self.used_cm.get((p, d), 0) + self.cost_cm(p, d, s) <= self.zone.cap_cm[p]
            and not self.crowded(s, d)
        )

    def short_on(self, s: int, d: int) -> bool:
        """True if segment ``s`` may have another patrol on day ``d`` (its patrols a day)."""
        cap = self.zone.per_day[s] if self.zone.per_day else 1
        return len(self.slots_on.get((s, d), ())) < cap

    def slot_free(self, p: int, d: int, s: int) -> bool:
        """True if ``p``'s tour on day ``d`` may patrol ``s``: no patrol of it that day yet,
        or another allowed in ``p``'s tour, which is in another slot (``rules/once_a_day.py``)."""
        used = self.slots_on.get((s, d))
        if not used:
            return True
        tour = self.tours.get((p, d))
        return self.short_on(s, d) and tour is not None and tour[0] not in used

    def cost_cm(self, p: int, d: int, s: int) -> int:
        """What segment ``s`` takes of ``p``'s tour on day ``d`` in the model (``step_cost``)."""
        return step_cost(self.zone, s, self.cells_in.get((p, d), set()))

    def crowded(self, s: int, d: int) -> bool:
        """True if a patrol of ``s`` on day ``d`` would break a spread window."""
        zone = self.zone
        w = zone.spread_days[s] if zone.spread_days else 0
        if w < 2:
            return False
        day = zone.day_offset[d]
        last = zone.last_offset[s]
        others = [*self.days_of.get(s, ()), *([] if last is None else [last])]
        for a in self.windows.setdefault(s, spread_windows(zone, s)):
            if a <= day < a + w and any(a <= o < a + w for o in others):
                return True
        return False

    def add(self, p: int, d: int, s: int, slot: int | None = None) -> None:
        """Put segment ``s`` in ``p``'s tour of day ``d``, opening the tour in ``slot``."""
        if slot is not None:
            self.tours[(p, d)] = (slot, [])
            self.n_tours[p] += 1
            self.worked[p].add((d, slot))
        t = self.tours[(p, d)][0]
        self.used_cm[(p, d)] = self.used_cm.get((p, d), 0) + self.cost_cm(p, d, s)
        self.tours[(p, d)][1].append(s)
        self.cells_in.setdefault((p, d), set()).add(self.zone.cells.cell[s])
        self.remaining[s] -= 1
        self.done.add((s, d))
        self.slots_on.setdefault((s, d), set()).add(t)
        self.days_of.setdefault(s, set()).add(self.zone.day_offset[d])
        for k, (window, _n) in enumerate(self.zone.windows[s] if self.zone.windows else ()):
            if t in window and self.window_left.get((s, k), 0) > 0:
                self.window_left[(s, k)] -= 1
                break

    def remove(self, p: int, d: int, s: int) -> None:
        """Take segment ``s`` out of ``p``'s tour of day ``d`` (the refill's exchanges): the
        counts the rules read (demand, once a day, spread) follow; slot windows and the
        model's estimate of the tour do not, so it is for segments without windows."""
        t, segs = self.tours[(p, d)]
        segs.remove(s)
        self.remaining[s] += 1
        self.slots_on[(s, d)].discard(t)
        if not self.slots_on[(s, d)]:
            self.done.discard((s, d))
            self.days_of[s].discard(self.zone.day_offset[d])

    def take(self, tours: Tours) -> None:
        """Keep what the plan can of ``tours`` (last week's, or the roster being re-planned)."""
        zone = self.zone
        for (p, d), (t, segs) in sorted(tours.items()):
            if (p, d) not in self.tours and not self.slot_ok(p, d, t):
                continue
            if (p, d) in self.tours and self.tours[(p, d)][0] != t:
                continue
            for s in segs:
                if zone.may_patrol(p, s) and self.fits(p, d, s):
                    self.add(p, d, s, t if (p, d) not in self.tours else None)


def greedy_tours(
    zone: ZoneProblem, start: Tours | None = None, *, next_cell: str = RICHEST
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
    """
    plan = TourPlan(zone)
    if start:
        plan.take(start)
    _visit_rechecks(plan)
    n_days = len(zone.days)
    for p in range(len(zone.people)):  # personal patrols first, one per owned segment
        owned = [s for s in zone.reach[p] if zone.owner[s] == p and zone.accountable[s] > 0]
        # a walkable order, not longest first: under shortage a territory is 20-60 km and
        # its longest segments, walked in one tour, lie far apart (issue 17)
        for s in zone.chained(sorted(owned, key=lambda s: (-zone.length_cm[s], s))):
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

    def prio(s: int) -> int:
        return zone.priority[s] if zone.priority else 1

    def density(s: int) -> float:  # what a patrol saves per cm of a tour, the step counted
        return zone.unmet_weight(s) / (zone.length_cm[s] + zone.cells.step_cm)

    for _round in range(2):
        for p in range(len(zone.people)):
            owned = [s for s in zone.reach[p] if zone.owner[s] == p]
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
                while todo:
                    here = plan.cells_in.get((p, d), set())
                    last = plan.tours[(p, d)][1][-1] if (p, d) in plan.tours else None
                    s = next_in_tour(zone, todo, here, rank, next_cell, last)
                    todo.remove(s)
                    if plan.fits(p, d, s):
                        plan.add(p, d, s, slot)
                        slot = None
    for d in range(n_days):  # helpers join tours walked that day where there is room
        for s in _needy(plan, d, range(len(zone.segments))):
            _join(plan, d, s)
    _open_helper_tours(plan, next_cell)
    return plan.tours


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
