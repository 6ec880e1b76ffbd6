"""No trip for nothing: a tour whose segments add up to less than ``roster.min_tour_m`` costs."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, ClassVar

from roadchief.solve.roster.rules.base import Measure, PenaltyTerm, Rule
from roadchief.solve.roster.walk import length_cm
from roadchief.solve.roster.zone import SHORT_UNIT_CM, short_units

if TYPE_CHECKING:
    from ortools.sat.python import cp_model

    from roadchief.solve.roster.rules.facts import RosterFacts
    from roadchief.solve.roster.variables import RosterVars
    from roadchief.solve.roster.zone import ZoneProblem


class ShortTours(Rule):
    """Soft: a tour whose segments add up to less than the rules' ``roster.min_tour_m``
    costs ``short_tour_per_10m`` for each 10 m short (rounded up), charged to the zone the
    tour walks in. Counted on the segments' own length, the walk between them left out, so
    the model and the checker count it alike before the walk is measured. Someone sent out
    for one 150 m segment is better used on a longer tour or not at all (issue 14)."""

    name = "short tours"
    key = "short_tour"
    weights = ("short_tour_per_10m",)
    counts: ClassVar[Mapping[str, float]] = {"short_tours": 0}

    def apply(self, model: cp_model.CpModel, zone: ZoneProblem, v: RosterVars) -> list[PenaltyTerm]:
        w, least = zone.weights["short_tour_per_10m"], zone.min_tour_cm
        terms = []
        for (p, d), short in sorted(v.short_tour.items()):
            walked = sum(zone.short_cm[s] * var for s, var in v.by_tour[(p, d)])
            model.add(SHORT_UNIT_CM * short >= least * v.on[(p, d)] - walked)
            label = f"{zone.people[p].chief_id} {zone.days[d]}"
            terms.append(PenaltyTerm(self.name, label, w, short))
        return terms

    def measure(self, facts: RosterFacts) -> Measure:
        m = Measure()
        w = facts.instance.weights["short_tour_per_10m"]
        least = length_cm(facts.context.min_tour_m)
        for items in facts.tours.values():
            walked = sum(length_cm(facts.segments[a.segment_id].length_m) for a in items)
            units = short_units(walked, least)
            if units and w:
                zone_id = facts.zone_of(items[0].segment_id)
                m.charge(zone_id, w * units)
                m.count("short_tours", zone_id)
        return m
