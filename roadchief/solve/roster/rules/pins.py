"""Pins: patrols fixed by hand are planned; a re-plan's past days hold nothing else."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from roadchief.domain import Assignment
from roadchief.errors import Problem
from roadchief.solve.roster.rules.base import Measure, PenaltyTerm, Rule
from roadchief.solve.roster.zone import steps_cm

if TYPE_CHECKING:
    from ortools.sat.python import cp_model

    from roadchief.solve.roster.rules.facts import RosterFacts
    from roadchief.solve.roster.variables import RosterVars
    from roadchief.solve.roster.zone import ZoneProblem


def locked_days(days: Sequence[dt.date], locked_before: dt.date | None) -> frozenset[int]:
    """Indices of the days before a re-plan's date: only the pins may be planned on them
    (``ZoneProblem.locked``)."""
    return frozenset(d for d, day in enumerate(days) if locked_before and day < locked_before)


def zone_pins(
    pins: Sequence[Assignment],
    zone_id: str,
    people: Mapping[str, int],
    segments: Mapping[str, int],
    days: Mapping[dt.date, int],
    slots: Mapping[str, int],
) -> tuple[frozenset[tuple[int, int, int, int]], list[Problem]]:
    """The pins on the zone's segments as (person, segment, day, slot) indices
    (``ZoneProblem.pins``), and a problem for each that names no one or nothing of the zone."""
    out = set()
    problems = []
    for a in pins:
        if a.segment_id not in segments:
            continue
        where = f"pin {a.day} {a.slot_id} {a.chief_id} {a.segment_id}"
        if a.chief_id not in people:
            problems.append(
                Problem("pins", where, f"{a.chief_id} is not a patrolling person of zone {zone_id}")
            )
        elif a.day not in days or a.slot_id not in slots:
            problems.append(
                Problem("pins", where, "the day or slot is not a patrol day or slot of the week")
            )
        else:
            out.add((people[a.chief_id], segments[a.segment_id], days[a.day], slots[a.slot_id]))
    return frozenset(out), problems


def pin_problems(zone: ZoneProblem) -> list[Problem]:
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


class Pins(Rule):
    """Patrols pinned by hand are planned; on locked days (a re-plan's past) nothing else is."""

    name = "pins"

    def apply(self, model: cp_model.CpModel, zone: ZoneProblem, v: RosterVars) -> list[PenaltyTerm]:
        for p, s, d, t in sorted(zone.pins):
            model.add(v.patrol[(p, s, d)] == 1)
            model.add(v.work[(p, d, t)] == 1)
        for (p, s, d), var in v.patrol.items():
            if (
                d in zone.locked
                and (p, s, d, zone.pinned_tours.get((p, d), (-1, []))[0]) not in zone.pins
            ):
                model.add(var == 0)
        return []

    def measure(self, facts: RosterFacts) -> Measure:
        m = Measure()
        ctx = facts.context
        planned = {(a.day, a.slot_id, a.chief_id, a.segment_id) for a in facts.valid}
        pins = {(a.day, a.slot_id, a.chief_id, a.segment_id) for a in ctx.pins}
        for pin in sorted(pins - planned):
            m.violations.append(
                f"pins: {pin[2]} should patrol {pin[3]} on {pin[0]} {pin[1]} (pinned)"
            )
        if ctx.locked_before is not None:
            for key in sorted(planned - pins):
                if key[0] < ctx.locked_before:
                    m.violations.append(
                        f"pins: {key[2]} patrols {key[3]} on {key[0]} {key[1]}, before "
                        f"{ctx.locked_before}, which only the pinned roster may hold"
                    )
        return m
