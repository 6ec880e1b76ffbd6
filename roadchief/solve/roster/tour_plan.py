"""Tours of one zone being built under the hard rules: the greedy's working state, and the
refill's (``refill.py``). What a patrol takes of a tour is the model's (``step_cost``), so
tours built here are feasible hints for the CP-SAT model."""

from __future__ import annotations

from collections.abc import Iterable

from roadchief.solve.roster.rules.spread import spread_windows
from roadchief.solve.roster.zone import Tours, ZoneProblem


def step_cost(zone: ZoneProblem, s: int, cells: set[int]) -> int:
    """What segment ``s`` adds to a tour entering ``cells`` in the model: its length, plus
    a step when the tour has a segment to walk from, plus entering its cell if new."""
    if not cells:
        return zone.length_cm[s]
    enter = zone.cells.cell_cm if zone.cells.cell[s] not in cells else 0
    return zone.length_cm[s] + zone.cells.step_cm + enter


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
        self.pinned = {(p, s, d) for p, s, d, _t in zone.pins}
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
            and not self.full_for(p, d, s)
            and not self.crowded(s, d)
        )

    def full_for(self, p: int, d: int, s: int) -> bool:
        """True if ``p``'s tour of day ``d`` has no room left for segment ``s``."""
        return self.used_cm.get((p, d), 0) + self.cost_cm(p, d, s) > self.zone.cap_cm[p]

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

    def trim_to_walk(self, p: int, d: int) -> int:
        """Take patrols out of ``p``'s tour of day ``d`` until its walk, measured on the
        streets (``WalkNetwork.plan_walk``), fits the cap: first the one that costs least
        per centimetre its absence saves (a missing patrol, and a missing personal patrol
        for its owner). Pinned patrols and patrols with slot windows stay (``remove``), so
        a tour of only those can stay over for ``fit.py``. Returns the patrols taken out."""
        zone = self.zone
        segs = self.tours[(p, d)][1]
        ids = [seg.segment_id for seg in zone.segments]
        taken = 0
        while len(segs) > 1:
            walk = zone.walk.plan_walk(ids[s] for s in segs)
            if walk.total_cm <= zone.cap_cm[p]:
                break
            saves = dict(zip(walk.order, zone.walk.savings(walk), strict=True))
            options = [
                s for s in segs
                if (p, s, d) not in self.pinned and not (zone.windows and zone.windows[s])
            ]  # fmt: skip
            price = {s: self._cost(p, s) / saves[ids[s]] for s in options if saves[ids[s]] > 0}
            if not price:
                break
            self.remove(p, d, min(price, key=lambda s: (price[s], s)))
            taken += 1
        return taken

    def _cost(self, p: int, s: int) -> int:
        """What ``p``'s patrol of ``s`` saves the objective, about: an unmet patrol, and a
        personal patrol missing if ``p`` owns ``s``."""
        zone = self.zone
        personal = zone.owner[s] == p and zone.accountable and zone.accountable[s] > 0
        extra = zone.weights["accountability_per_10m"] * zone.units_10m[s] if personal else 0
        return zone.unmet_weight(s) + extra

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
