"""Split a week's instance into zone problems: people, segments, days and slots by index.

The zone's own facts (people, segments, lengths, demand, who may patrol what, when) are
set here; each rule's data comes from that rule's module (``rules/``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from roadchief.domain import Chief, Ownership, PatrolInstance, Segment
from roadchief.errors import InfeasibleError, InputError, Problem
from roadchief.solve.roster.patrollers import active_patrollers, zone_patrollers
from roadchief.solve.roster.rules.changes import baseline_patrols, baseline_slots, is_replan
from roadchief.solve.roster.rules.continuity import previous_slots
from roadchief.solve.roster.rules.demand import zone_priorities
from roadchief.solve.roster.rules.fairness import unsocial_slots
from roadchief.solve.roster.rules.once_a_day import zone_per_day
from roadchief.solve.roster.rules.personal import personal_patrols
from roadchief.solve.roster.rules.pins import locked_days, pin_problems, zone_pins
from roadchief.solve.roster.rules.rechecks import recheck_segments, zone_rechecks
from roadchief.solve.roster.rules.rest import rest_conflicts
from roadchief.solve.roster.rules.spread import last_offsets, spread_days
from roadchief.solve.roster.rules.windows import segment_windows
from roadchief.solve.roster.walk import length_cm
from roadchief.solve.roster.zone import ZoneProblem, cap_cm, units_10m


@dataclass(frozen=True)
class Week:
    """What every zone of the week shares: days and slots by index, and the rules' data
    that do not depend on the zone."""

    instance: PatrolInstance
    ownership: Ownership
    day_index: Mapping[dt.date, int]
    slot_index: Mapping[str, int]
    rest_conflicts: tuple[tuple[int, int, int, int], ...]
    locked: frozenset[int]
    unsocial: frozenset[tuple[int, int]]


def zone_problems(instance: PatrolInstance, ownership: Ownership) -> list[ZoneProblem]:
    """Split an instance into independent zones; raise InfeasibleError on broken ownership
    and InputError, naming each, on pins that break a hard rule."""
    _check_ownership(instance, ownership)
    ctx = instance.context
    week = Week(
        instance,
        ownership,
        day_index={day: d for d, day in enumerate(instance.days)},
        slot_index={s.slot_id: t for t, s in enumerate(instance.slots)},
        rest_conflicts=rest_conflicts(instance.days, instance.slots, instance.min_rest_hours),
        locked=locked_days(instance.days, ctx.locked_before),
        unsocial=unsocial_slots(instance.days, instance.slots, ctx),
    )
    segs_by_zone = instance.segments_by_zone()
    chiefs_by_zone = instance.chiefs_by_zone()
    problems: list[Problem] = []
    out = []
    for zone_id in sorted(set(segs_by_zone) | set(chiefs_by_zone)):
        people = sorted(
            (c for c in chiefs_by_zone.get(zone_id, []) if instance.limits[c.level].patrols),
            key=lambda c: c.chief_id,
        )
        segs = sorted(segs_by_zone.get(zone_id, []), key=lambda s: s.segment_id)
        zone, bad = _zone(week, zone_id, people, segs)
        problems += bad
        problems += pin_problems(zone)
        out.append(zone)
    if problems:
        raise InputError(problems)
    return out


def _check_ownership(instance: PatrolInstance, ownership: Ownership) -> None:
    """Raise InfeasibleError naming every segment whose owner is missing, unknown or of
    another zone."""
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


def _zone(
    week: Week, zone_id: str, people: Sequence[Chief], segs: Sequence[Segment]
) -> tuple[ZoneProblem, list[Problem]]:
    """One zone's problem, and the pins that name no one or nothing of it."""
    instance, ctx = week.instance, week.instance.context
    owner_of = week.ownership.owner_of
    monday = instance.week.monday
    index = {c.chief_id: i for i, c in enumerate(people)}
    seg_index = {s.segment_id: i for i, s in enumerate(segs)}
    pins, bad = zone_pins(ctx.pins, zone_id, index, seg_index, week.day_index, week.slot_index)
    open_slots = _open_slots(instance, people, pins, week.locked)
    groups: dict[str, list[int]] = {}
    for p, person in enumerate(people):
        groups.setdefault(person.level.value, []).append(p)
    caps = tuple(cap_cm(instance.limits[c.level].max_km_per_tour) for c in people)
    lengths = tuple(length_cm(s.length_m) for s in segs)
    may = zone_patrollers(
        list(segs),
        active_patrollers(instance, list(people)),
        owner_of,
        instance.helpers_per_segment,
        pinned={(a.segment_id, a.chief_id) for a in ctx.pins},
    )
    patrollers = tuple(
        tuple(sorted(p for p in map(index.__getitem__, may[s.segment_id]) if lengths[i] <= caps[p]))
        for i, s in enumerate(segs)
    )
    owner = tuple(index.get(owner_of[s.segment_id]) for s in segs)
    demand = tuple(max(0, s.patrols_per_week) for s in segs)
    days_open = [0] * len(people)
    for p, _d in open_slots:
        days_open[p] += 1
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
        rest_conflicts=week.rest_conflicts,
        level_groups=tuple(tuple(g) for _, g in sorted(groups.items())),
        weights=instance.weights,
        patrollers=patrollers,
        windows=segment_windows(segs, demand, ctx.windows, week.slot_index),
        accountable=personal_patrols(
            owner, patrollers, days_open, demand, people, ctx.accountability_patrols
        ),
        spread_days=tuple(spread_days(n) if ctx.spread else 0 for n in demand),
        day_offset=tuple((day - monday).days for day in instance.days),
        last_offset=last_offsets(segs, ctx.last_patrol, monday, recheck_segments(ctx)),
        unsocial=week.unsocial,
        previous_slot=previous_slots(people, instance.days, ctx.previous_slot, week.slot_index),
        pins=pins,
        locked=week.locked,
        baseline=baseline_patrols(ctx, index, seg_index, week.day_index),
        baseline_slot=baseline_slots(ctx, index, week.day_index, week.slot_index),
        strict=ctx.strict,
        replan=is_replan(ctx),
        step_cm=length_cm(ctx.walk_allowance_m),
        detour_factor=ctx.walk_detour_factor,
        rechecks=zone_rechecks(ctx.rechecks, seg_index, instance.days),
        min_tour_cm=length_cm(ctx.min_tour_m),
        cell_segments=ctx.walk_cell_segments,
        priority=zone_priorities(segs, ctx),
        per_day=zone_per_day(segs, ctx),
    )
    return zone, bad


def _open_slots(
    instance: PatrolInstance,
    people: Sequence[Chief],
    pins: frozenset[tuple[int, int, int, int]],
    locked: frozenset[int],
) -> dict[tuple[int, int], tuple[int, ...]]:
    """(person, day) -> the slots the person may walk a tour in: available, allowed tours
    at all, and on a locked day only the pinned slot."""
    out = {}
    pinned_slot = {(p, d): t for p, _s, d, t in pins}
    for p, person in enumerate(people):
        for d, day in enumerate(instance.days):
            ok = tuple(t for t, slot in enumerate(instance.slots) if person.available(day, slot))
            if d in locked:
                ok = tuple(t for t in ok if pinned_slot.get((p, d)) == t)
            if ok and person.max_patrols_per_week > 0:
                out[(p, d)] = ok
    return out
