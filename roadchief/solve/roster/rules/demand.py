"""Demand: each segment needs ``patrols_per_week`` patrols; a missing one costs per 10 m."""

from __future__ import annotations

from typing import TYPE_CHECKING

from roadchief.solve.roster.rules.base import Measure, PenaltyTerm, Rule
from roadchief.solve.roster.rules.facts import units_10m

if TYPE_CHECKING:
    from ortools.sat.python import cp_model

    from roadchief.solve.roster.rules.facts import RosterFacts
    from roadchief.solve.roster.variables import RosterVars
    from roadchief.solve.roster.zone import ZoneProblem


class UnmetDemand(Rule):
    """Soft: each segment needs ``patrols_per_week`` patrols; a missing one costs
    ``unmet_per_10m`` per 10 m of the segment (its length in 10 m, rounded half up, at
    least 1). A fourth patrol of a segment that needs three earns nothing."""

    name = "unmet demand"
    key = "unmet"
    weights = ("unmet_per_10m",)

    def apply(self, model: cp_model.CpModel, zone: ZoneProblem, v: RosterVars) -> list[PenaltyTerm]:
        terms = []
        for s, unmet in v.unmet.items():
            patrols = [var for _p, _d, var in v.by_segment.get(s, [])]
            model.add(unmet + sum(patrols) >= zone.demand[s])
            weight = zone.weights["unmet_per_10m"] * zone.units_10m[s]
            terms.append(PenaltyTerm(self.name, zone.segments[s].segment_id, weight, unmet))
        return terms

    def measure(self, facts: RosterFacts) -> Measure:
        m = Measure()
        w = facts.instance.weights["unmet_per_10m"]
        for seg in facts.instance.segments:
            need = max(0, seg.patrols_per_week)
            planned = min(len(facts.by_segment.get(seg.segment_id, [])), need)
            m.charge(seg.zone_id, w * units_10m(seg.length_m) * (need - planned))
        return m
