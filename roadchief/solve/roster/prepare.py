"""Split a week's instance into zone problems: people, segments, days and slots by index."""

from __future__ import annotations

from roadchief.domain import Ownership, PatrolInstance
from roadchief.errors import InfeasibleError, InputError, Problem
from roadchief.solve.roster.patrollers import active_patrollers, zone_patrollers
from roadchief.solve.roster.walk import length_cm
from roadchief.solve.roster.zone import (
    ZoneProblem,
    cap_cm,
    rest_conflicts,
    spread_days,
    steps_cm,
    units_10m,
)


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
        reserved = sum(zone.length_cm[s] for s in segs) + steps_cm(len(segs), zone.step_cm)
        if reserved > zone.cap_cm[p]:
            bad.append(
                Problem(
                    "pins",
                    where,
                    f"tour length: the pinned segments and {zone.step_cm / 100:g} m for each "
                    f"step between them (roster.walk_allowance_m) exceed {zone.cap_cm[p] / 1e5:g} km",
                )
            )
        elif zone.tour_walk_cm(segs) > zone.cap_cm[p]:
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
