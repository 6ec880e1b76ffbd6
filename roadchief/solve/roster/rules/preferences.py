"""Preferences: a tour in a slot its person would rather not patrol (``avoid``) costs."""

from __future__ import annotations

from typing import TYPE_CHECKING

from roadchief.solve.roster.rules.base import Measure, PenaltyTerm, Rule

if TYPE_CHECKING:
    from ortools.sat.python import cp_model

    from roadchief.solve.roster.rules.facts import RosterFacts
    from roadchief.solve.roster.variables import RosterVars
    from roadchief.solve.roster.zone import ZoneProblem


def avoided(zone: ZoneProblem) -> list[tuple[int, int, int]]:
    """(person, day, slot) open to the person that they would rather not patrol in, in order."""
    return sorted(
        (p, d, t)
        for (p, d), open_ in zone.open_slots.items()
        for t in open_
        if zone.people[p].avoid.blocks(zone.days[d], zone.slots[t])
    )


class Preferences(Rule):
    """Soft: a tour in a slot its person would rather not patrol (the chiefs file's
    ``avoid``) costs ``preference_per_tour``, charged to the zone the tour walks in."""

    name = "preferences"
    key = "preference"
    weights = ("preference_per_tour",)

    def apply(self, model: cp_model.CpModel, zone: ZoneProblem, v: RosterVars) -> list[PenaltyTerm]:
        w = zone.weights["preference_per_tour"]
        return [
            PenaltyTerm(
                self.name,
                f"{zone.people[p].chief_id} {zone.days[d]} {zone.slots[t].slot_id}",
                w,
                v.work[(p, d, t)],
            )
            for p, d, t in avoided(zone)
            if (p, d, t) in v.work and w
        ]

    def measure(self, facts: RosterFacts) -> Measure:
        m = Measure()
        w = facts.instance.weights["preference_per_tour"]
        for (chief_id, day, slot_id), items in facts.tours.items():
            if facts.chiefs[chief_id].avoid.blocks(day, facts.slots[slot_id]):
                m.charge(facts.zone_of(items[0].segment_id), w)
        return m
