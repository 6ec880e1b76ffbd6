"""One zone of a week's instance in the integer units that the roster model and the greedy share.

Nothing here imports ortools: the greedy baseline and the CP-SAT model read the same
numbers, so a greedy roster is always a feasible hint for the model.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property

from roadchief.domain import (
    Assignment,
    Chief,
    Ownership,
    PatrolInstance,
    RosterWeights,
    Segment,
    Slot,
)
from roadchief.errors import InfeasibleError, InputError, Problem
from roadchief.solve.patrollers import active_patrollers, zone_patrollers
from roadchief.solve.walk import DETOUR_FACTOR, WalkNetwork, length_cm

Tours = dict[tuple[int, int], tuple[int, list[int]]]
"""A zone's plan: (person index, day index) -> (slot index, segment indices of the tour)."""


def units_10m(length_m: float) -> int:
    """A segment's length in whole 10 m units (rounded half up, at least 1): the cost unit."""
    return max(1, math.floor(length_m / 10.0 + 0.5))


def steps_cm(n_segments: int, step_cm: int) -> int:
    """The walk the model reserves for a tour of ``n_segments``: one step between each two."""
    return max(0, n_segments - 1) * step_cm


def cap_cm(max_km: float) -> int:
    """A tour cap rounded down to whole centimetres, so integer sums never overshoot it."""
    return math.floor(round(max_km * 100_000.0, 6))


def spread_days(patrols_per_week: int) -> int:
    """Days between repeat patrols of a segment: floor(7 / n), 3 for a segment needed once
    (against its last patrol of last week), 0 (no rule) for none or one a day or more often
    than every other day."""
    if patrols_per_week <= 0:
        return 0
    w = 3 if patrols_per_week == 1 else 7 // patrols_per_week
    return w if w >= 2 else 0


def rest_conflicts(
    days: tuple[dt.date, ...], slots: tuple[Slot, ...], min_rest_hours: float
) -> tuple[tuple[int, int, int, int], ...]:
    """Pairs (day i, slot a, day j, slot b), i < j, whose tours leave less than the least rest."""
    least = dt.timedelta(hours=min_rest_hours)
    out = []
    for i, d1 in enumerate(days):
        for j in range(i + 1, len(days)):
            d2 = days[j]
            for a, s1 in enumerate(slots):
                for b, s2 in enumerate(slots):
                    gap = dt.datetime.combine(d2, s2.start) - dt.datetime.combine(d1, s1.end)
                    if gap < least:
                        out.append((i, a, j, b))
    return tuple(out)


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
    level_groups: tuple[tuple[int, ...], ...]
    """People indices grouped by level (fairness compares people of one level)."""
    weights: RosterWeights
    patrollers: tuple[tuple[int, ...], ...]
    """Per segment: the people who may patrol it (its owner and its nearest helpers, see
    ``patrollers.py``) and for whom it fits in one tour, in increasing index order."""
    windows: tuple[tuple[tuple[frozenset[int], int], ...], ...] = ()
    """Per segment: its slot windows, (slot indices, patrols), capped by its demand."""
    accountable: tuple[int, ...] = ()
    """Per segment: personal patrols its owner must walk (0: none, or exempt)."""
    spread_days: tuple[int, ...] = ()
    """Per segment: a run of this many days holds at most one of its patrols (0: no rule)."""
    day_offset: tuple[int, ...] = ()
    """Per day: calendar days since the week's Monday."""
    last_offset: tuple[int | None, ...] = ()
    """Per segment: its last patrol before the week, in days since Monday (negative)."""
    unsocial: frozenset[tuple[int, int]] = frozenset()
    """(day, slot) pairs counted as unsocial duty: unsocial slots and weekend days."""
    previous_slot: Mapping[tuple[int, int], int | None] = field(default_factory=dict)
    """(person, day) -> slot of the person's tour on that weekday last week (None: no tour);
    only people who patrolled last week."""
    pins: frozenset[tuple[int, int, int, int]] = frozenset()
    """(person, segment, day, slot) patrols fixed by hand."""
    locked: frozenset[int] = frozenset()
    """Days on which nothing but the pins may be planned (a re-plan's past)."""
    baseline: frozenset[tuple[int, int, int]] = frozenset()
    """(person, segment, day) patrols of the roster being re-planned."""
    avoided: frozenset[tuple[int, int, int]] = frozenset()
    """(person, day, slot) the person would rather not patrol in (soft)."""
    baseline_slot: Mapping[tuple[int, int], int] = field(default_factory=dict)
    """(person, day) -> slot of the person's tour that day in the roster being re-planned."""
    strict: bool = False
    """Coverage, windows and personal patrols are hard."""
    replan: bool = False
    """A re-plan: patrols added or dropped on unlocked days cost."""
    outside: frozenset[int] = frozenset()
    """People who serve another zone and help here (``cross_zone.py``); they come after the
    zone's own people in ``people`` and are in no level group and no continuity."""
    step_cm: int = 0
    """Walk reserved for each step from one segment of a tour to the next: a tour's
    segments plus ``steps_cm`` of them fit ``cap_cm`` in the model."""
    detour_factor: float = DETOUR_FACTOR
    """Walked over straight-line length between segments the zone's streets do not join."""

    @cached_property
    def walk(self) -> WalkNetwork:
        """The zone's streets, to measure the walk of its tours (``walk.py``)."""
        return WalkNetwork(self.segments, detour_factor=self.detour_factor)

    def tour_walk_cm(self, segs: Sequence[int]) -> int:
        """Segments plus connecting walk of a tour of segment indices, measured."""
        return self.walk.plan_walk(self.segments[s].segment_id for s in segs).total_cm

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

    def tour_room_cm(self, p: int, d: int) -> int:
        """What the model lets ``p``'s tour of day ``d`` hold, segments plus the allowance
        per step: the cap, or the pinned segments with their allowance if more (pins whose
        walk fits the cap once measured, such as a re-plan's locked days)."""
        pinned = self.pinned_tours.get((p, d), (0, []))[1]
        reserved = sum(self.length_cm[s] for s in pinned) + steps_cm(len(pinned), self.step_cm)
        return max(self.cap_cm[p], reserved)

    def may_patrol(self, p: int, s: int) -> bool:
        """True if person ``p`` may walk segment ``s``: a patroller of it, and it fits a tour."""
        return p in self.patrollers[s]


def zone_problems(instance: PatrolInstance, ownership: Ownership) -> list[ZoneProblem]:
    """Split an instance into independent zones; raise InfeasibleError on broken ownership."""
    chiefs = {c.chief_id: c for c in instance.chiefs}
    problems: list[str] = []
    for seg in instance.segments:
        owner_id = ownership.owner_of.get(seg.segment_id)
        if owner_id is None:
            problems.append(f"segment {seg.segment_id} (zone {seg.zone_id}) has no owner")
        elif owner_id not in chiefs:
            problems.append(f"segment {seg.segment_id}: owner {owner_id} is not a known chief")
        elif chiefs[owner_id].zone_id != seg.zone_id:
            problems.append(
                f"segment {seg.segment_id} lies in zone {seg.zone_id} but its owner "
                f"{owner_id} serves zone {chiefs[owner_id].zone_id}"
            )
    if problems:
        raise InfeasibleError(
            f"the ownership does not fit the instance ({len(problems)} problems); "
            "rerun assign_owners on this instance:\n" + "\n".join(f"  - {p}" for p in problems)
        )
    conflicts = rest_conflicts(instance.days, instance.slots, instance.min_rest_hours)
    ctx = instance.context
    segs_by_zone = instance.segments_by_zone()
    chiefs_by_zone = instance.chiefs_by_zone()
    monday = instance.week.monday
    day_index = {day: d for d, day in enumerate(instance.days)}
    slot_index = {s.slot_id: t for t, s in enumerate(instance.slots)}
    locked = frozenset(
        d for d, day in enumerate(instance.days) if ctx.locked_before and day < ctx.locked_before
    )
    unsocial = frozenset(
        (d, t)
        for d, day in enumerate(instance.days)
        for t, slot in enumerate(instance.slots)
        if day in ctx.weekend or slot.slot_id in ctx.unsocial_slots
    )
    pin_problems: list[Problem] = []
    out = []
    for zone_id in sorted(set(segs_by_zone) | set(chiefs_by_zone)):
        people = sorted(
            (c for c in chiefs_by_zone.get(zone_id, []) if instance.limits[c.level].patrols),
            key=lambda c: c.chief_id,
        )
        segs = sorted(segs_by_zone.get(zone_id, []), key=lambda s: s.segment_id)
        index = {c.chief_id: i for i, c in enumerate(people)}
        seg_index = {s.segment_id: i for i, s in enumerate(segs)}
        pins = set()
        for a in ctx.pins:
            if a.segment_id not in seg_index:
                continue
            where = f"pin {a.day} {a.slot_id} {a.chief_id} {a.segment_id}"
            if a.chief_id not in index:
                pin_problems.append(
                    Problem(
                        "pins", where, f"{a.chief_id} is not a patrolling person of zone {zone_id}"
                    )
                )
            elif a.day not in day_index or a.slot_id not in slot_index:
                pin_problems.append(
                    Problem(
                        "pins", where, "the day or slot is not a patrol day or slot of the week"
                    )
                )
            else:
                pins.add(
                    (
                        index[a.chief_id],
                        seg_index[a.segment_id],
                        day_index[a.day],
                        slot_index[a.slot_id],
                    )
                )
        open_slots = {}
        pinned_slot = {(p, d): t for p, _s, d, t in pins}
        for p, person in enumerate(people):
            for d, day in enumerate(instance.days):
                ok = tuple(
                    t for t, slot in enumerate(instance.slots) if person.available(day, slot)
                )
                if d in locked:
                    ok = tuple(t for t in ok if pinned_slot.get((p, d)) == t)
                if ok and person.max_patrols_per_week > 0:
                    open_slots[(p, d)] = ok
        groups: dict[str, list[int]] = {}
        for p, person in enumerate(people):
            groups.setdefault(person.level.value, []).append(p)
        caps = tuple(cap_cm(instance.limits[c.level].max_km_per_tour) for c in people)
        lengths = tuple(length_cm(s.length_m) for s in segs)
        may = zone_patrollers(
            segs,
            active_patrollers(instance, people),
            ownership.owner_of,
            instance.helpers_per_segment,
            pinned={(a.segment_id, a.chief_id) for a in ctx.pins},
        )
        patrollers = tuple(
            tuple(
                sorted(
                    p for p in map(index.__getitem__, may[s.segment_id]) if lengths[i] <= caps[p]
                )
            )
            for i, s in enumerate(segs)
        )
        owner = tuple(index.get(ownership.owner_of[s.segment_id]) for s in segs)
        demand = tuple(max(0, s.patrols_per_week) for s in segs)
        days_open = [0] * len(people)
        for p, _d in open_slots:
            days_open[p] += 1
        windows = []
        for i, s in enumerate(segs):
            left = demand[i]
            mine = []
            for w in ctx.windows:
                if w.matches(s) and left > 0:
                    n = min(w.patrols, left)
                    mine.append((frozenset(slot_index[x] for x in w.slots), n))
                    left -= n
            windows.append(tuple(mine))
        accountable = tuple(
            0
            if o is None or o not in patrollers[i] or days_open[o] == 0
            else min(
                ctx.accountability_patrols, demand[i], days_open[o], people[o].max_patrols_per_week
            )
            for i, o in enumerate(owner)
        )
        spread = tuple(spread_days(n) if ctx.spread else 0 for n in demand)
        last = tuple(
            (ctx.last_patrol[s.segment_id] - monday).days
            if s.segment_id in ctx.last_patrol and ctx.last_patrol[s.segment_id] < monday
            else None
            for s in segs
        )
        previous: dict[tuple[int, int], int | None] = {}
        before = {c for c, _wd in ctx.previous_slot}
        for p, person in enumerate(people):
            if person.chief_id in before:
                for d, day in enumerate(instance.days):
                    slot_id = ctx.previous_slot.get((person.chief_id, day.weekday()))
                    previous[(p, d)] = slot_index.get(slot_id) if slot_id else None
        baseline = frozenset(
            (index[a.chief_id], seg_index[a.segment_id], day_index[a.day])
            for a in ctx.baseline
            if a.chief_id in index and a.segment_id in seg_index and a.day in day_index
        )
        zone = ZoneProblem(
            zone_id=zone_id,
            days=tuple(instance.days),
            slots=tuple(instance.slots),
            people=tuple(people),
            segments=tuple(segs),
            owner=owner,
            length_cm=lengths,
            units_10m=tuple(units_10m(s.length_m) for s in segs),
            demand=demand,
            cap_cm=caps,
            max_tours=tuple(max(0, c.max_patrols_per_week) for c in people),
            open_slots=open_slots,
            rest_conflicts=conflicts,
            level_groups=tuple(tuple(g) for _, g in sorted(groups.items())),
            weights=instance.weights,
            patrollers=patrollers,
            windows=tuple(windows),
            accountable=accountable,
            spread_days=spread,
            day_offset=tuple((day - monday).days for day in instance.days),
            last_offset=last,
            unsocial=unsocial,
            previous_slot=previous,
            pins=frozenset(pins),
            locked=locked,
            baseline=baseline,
            avoided=frozenset(
                (p, d, t)
                for (p, d), open_ in open_slots.items()
                for t in open_
                if people[p].avoid.blocks(instance.days[d], instance.slots[t])
            ),
            baseline_slot={
                (index[a.chief_id], day_index[a.day]): slot_index[a.slot_id]
                for a in ctx.baseline
                if a.chief_id in index and a.day in day_index and a.slot_id in slot_index
            },
            strict=ctx.strict,
            replan=bool(ctx.baseline) or ctx.locked_before is not None,
            step_cm=length_cm(ctx.walk_allowance_m),
            detour_factor=ctx.walk_detour_factor,
        )
        pin_problems.extend(_pin_problems(zone))
        out.append(zone)
    if pin_problems:
        raise InputError(pin_problems)
    return out


def _pin_problems(zone: ZoneProblem) -> list[Problem]:
    """Pins that break a hard rule by themselves: each is named with the rule."""
    bad = []
    for (p, d), (t, segs) in sorted(zone.pinned_tours.items()):
        who, day = zone.people[p].chief_id, zone.days[d]
        where = f"pins of {who} on {day}"
        if t not in zone.open_slots.get((p, d), ()):
            bad.append(
                Problem("pins", where, f"{who} is not available in slot {zone.slots[t].slot_id}")
            )
        if len({tt for pp, _s, dd, tt in zone.pins if (pp, dd) == (p, d)}) > 1:
            bad.append(Problem("pins", where, "one tour a day: pins in two slots of one day"))
        for s in segs:
            if not zone.may_patrol(p, s):
                bad.append(
                    Problem(
                        "pins",
                        where,
                        f"segment {zone.segments[s].segment_id} is longer than a tour",
                    )
                )
        # the measured walk is the rule; the model's allowance per step only plans new
        # tours (a roster's own tours, fitted once walked, must pass as pins: issue 17)
        if zone.tour_walk_cm(segs) > zone.cap_cm[p]:
            bad.append(
                Problem(
                    "pins",
                    where,
                    f"tour length: the pinned segments and the walk between them "
                    f"({zone.tour_walk_cm(segs) / 1e5:.3f} km) exceed {zone.cap_cm[p] / 1e5:g} km",
                )
            )
    per_person: dict[int, int] = {}
    for p, _d in zone.pinned_tours:
        per_person[p] = per_person.get(p, 0) + 1
    for p, n in sorted(per_person.items()):
        if n > zone.max_tours[p]:
            who = zone.people[p].chief_id
            bad.append(
                Problem(
                    "pins", who, f"tours a week: {n} pinned days, more than {zone.max_tours[p]}"
                )
            )
    worked = {(p, d, t) for (p, d), (t, _s) in zone.pinned_tours.items()}
    for p, d1, t1 in sorted(worked):
        for d2, t2 in ((d2, t2) for pp, d2, t2 in worked if pp == p and d2 > d1):
            if (d1, t1, d2, t2) in set(zone.rest_conflicts):
                who = zone.people[p].chief_id
                bad.append(
                    Problem(
                        "pins",
                        who,
                        f"rest: pinned tours {zone.days[d1]} {zone.slots[t1].slot_id} and {zone.days[d2]} {zone.slots[t2].slot_id} are too close",
                    )
                )
    seen: dict[tuple[int, int], int] = {}
    for _p, s, d, _t in zone.pins:
        seen[(s, d)] = seen.get((s, d), 0) + 1
    for (s, d), n in sorted(seen.items()):
        if n > 1:
            bad.append(
                Problem(
                    "pins",
                    zone.segments[s].segment_id,
                    f"once a day: pinned {n} times on {zone.days[d]}",
                )
            )
    return bad


def spread_windows(zone: ZoneProblem, s: int) -> list[int]:
    """First calendar days (since Monday) of the spread windows of segment ``s``.

    Every run of ``spread_days`` consecutive days inside the week is a window, plus the one
    starting on the segment's last patrol before the week if it reaches into the week. A
    window that the pins alone (with the last patrol) already break is left out: pins win.
    """
    w = zone.spread_days[s] if zone.spread_days else 0
    if w < 2:
        return []
    out = list(range(0, 7 - w + 1))
    last = zone.last_offset[s] if zone.last_offset else None
    if last is not None and last + w > 0:
        out.insert(0, last)
    pinned = [zone.day_offset[d] for _p, ss, d, _t in zone.pins if ss == s]
    if last is not None:
        pinned.append(last)
    return [a for a in out if sum(1 for o in pinned if a <= o < a + w) <= 1]


def tours_of(zone: ZoneProblem, assignments: Sequence[Assignment]) -> Tours:
    """The zone's part of ``assignments`` as tours, each moved to the day of this week with
    the same weekday (last week's roster) or kept on its day (a re-planned roster)."""
    people = {c.chief_id: p for p, c in enumerate(zone.people)}
    segs = {s.segment_id: i for i, s in enumerate(zone.segments)}
    slots = {s.slot_id: t for t, s in enumerate(zone.slots)}
    by_weekday = {day.weekday(): d for d, day in enumerate(zone.days)}
    out: Tours = {}
    for a in sorted(assignments):
        p, s, t = people.get(a.chief_id), segs.get(a.segment_id), slots.get(a.slot_id)
        d = by_weekday.get(a.day.weekday())
        if p is None or s is None or t is None or d is None:
            continue
        tour = out.setdefault((p, d), (t, []))
        if tour[0] == t:
            tour[1].append(s)
    return out
