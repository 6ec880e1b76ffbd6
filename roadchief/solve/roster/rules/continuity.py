"""Continuity: a person's tours keep last week's weekdays and slots where they can."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from roadchief.domain import Chief
from roadchief.solve.roster.rules.base import Measure, PenaltyTerm, Rule

if TYPE_CHECKING:
    from ortools.sat.python import cp_model

    from roadchief.solve.roster.rules.facts import RosterFacts
    from roadchief.solve.roster.variables import RosterVars
    from roadchief.solve.roster.zone import ZoneProblem


def previous_slots(
    people: Sequence[Chief],
    days: Sequence[dt.date],
    previous_slot: Mapping[tuple[str, int], str],
    slots: Mapping[str, int],
) -> dict[tuple[int, int], int | None]:
    """(person, day) -> the slot of the person's tour on that weekday last week (None: no
    tour), for the people who patrolled last week (``ZoneProblem.previous_slot``)."""
    out: dict[tuple[int, int], int | None] = {}
    before = {c for c, _wd in previous_slot}
    for p, person in enumerate(people):
        if person.chief_id in before:
            for d, day in enumerate(days):
                slot_id = previous_slot.get((person.chief_id, day.weekday()))
                out[(p, d)] = slots.get(slot_id) if slot_id else None
    return out


class Continuity(Rule):
    """Soft: a tour on a weekday without a tour last week, or in another slot than last
    week's tour that weekday, costs ``continuity_per_tour`` (only with last week's roster).

    The checker counts home tours, and a weekday whose tour last week was in a slot the
    person could walk this day (not locked, unless pinned there) but the home tour is not.
    """

    name = "continuity"
    key = "continuity"
    weights = ("continuity_per_tour",)

    def apply(self, model: cp_model.CpModel, zone: ZoneProblem, v: RosterVars) -> list[PenaltyTerm]:
        terms = []
        w = zone.weights["continuity_per_tour"]
        for (p, d), t in sorted(zone.previous_slot.items()):
            label = f"{zone.people[p].chief_id} {zone.days[d]}"
            if t is None and (p, d) in v.on:
                terms.append(PenaltyTerm(self.name, label, w, v.on[(p, d)]))
            elif (p, d) in v.moved:
                model.add(v.moved[(p, d)] + v.work[(p, d, t)] >= 1)  # type: ignore[index]
                terms.append(PenaltyTerm(self.name, label, w, v.moved[(p, d)]))
        return terms

    def measure(self, facts: RosterFacts) -> Measure:
        m = Measure()
        instance, ctx, slots = facts.instance, facts.context, facts.slots
        w = instance.weights["continuity_per_tour"]
        slot_of = {(c, d): s for c, d, s in facts.home}
        before = {c for c, _wd in ctx.previous_slot}
        for c in instance.chiefs:
            if (
                c.chief_id not in before
                or c.zone_id is None
                or not instance.limits[c.level].patrols
            ):
                continue
            for day in instance.days:
                prev = ctx.previous_slot.get((c.chief_id, day.weekday()))
                now = slot_of.get((c.chief_id, day))
                if prev is None or prev not in slots:
                    m.charge(c.zone_id, w * int(now is not None))
                elif (
                    day in facts.open_days[c.chief_id]
                    and c.available(day, slots[prev])
                    and now != prev
                ):
                    locked = ctx.locked_before is not None and day < ctx.locked_before
                    pinned = any(
                        a.chief_id == c.chief_id and a.day == day and a.slot_id == prev
                        for a in ctx.pins
                    )
                    if not locked or pinned:
                        m.charge(c.zone_id, w)
        return m
