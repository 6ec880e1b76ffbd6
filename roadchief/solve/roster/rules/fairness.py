"""Fairness: tours, and unsocial tours (evenings, weekends), shared within a level group."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from roadchief.domain import PlanContext, Slot
from roadchief.solve.roster.rules.base import Measure, PenaltyTerm, Rule

if TYPE_CHECKING:
    from ortools.sat.python import cp_model

    from roadchief.solve.roster.rules.facts import RosterFacts
    from roadchief.solve.roster.variables import RosterVars
    from roadchief.solve.roster.zone import ZoneProblem


def unsocial_slots(
    days: Sequence[dt.date], slots: Sequence[Slot], context: PlanContext
) -> frozenset[tuple[int, int]]:
    """(day, slot) pairs counted as unsocial duty: the rules' unsocial slots and weekend
    days (``ZoneProblem.unsocial``)."""
    return frozenset(
        (d, t)
        for d, day in enumerate(days)
        for t, slot in enumerate(slots)
        if day in context.weekend or slot.slot_id in context.unsocial_slots
    )


def above_rounded_mean(
    model: cp_model.CpModel,
    zone: ZoneProblem,
    rule: str,
    weight: int,
    loads: Mapping[int, cp_model.IntVar | int],
    mean_up: cp_model.IntVar,
    over: Mapping[int, cp_model.IntVar],
) -> list[PenaltyTerm]:
    """Tie ``mean_up`` to the group's mean load rounded up; charge each member's excess."""
    n, total = len(loads), sum(loads.values())
    model.add(n * mean_up >= total)
    model.add(n * mean_up <= total + n - 1)
    terms = []
    for p, load in loads.items():
        model.add(over[p] >= load - mean_up)
        terms.append(PenaltyTerm(rule, zone.people[p].chief_id, weight, over[p]))
    return terms


def excess_over_rounded_mean(loads: Sequence[int]) -> int:
    """The checker's count: tours above the group's mean load rounded up, summed."""
    ceil_mean = -(-sum(loads) // len(loads))
    return sum(max(0, x - ceil_mean) for x in loads)


class FairLoad(Rule):
    """Soft: each tour above the rounded-up mean load of the person's group costs
    ``fairness_per_tour``. A group is the patrolling people of one zone and one level; only
    home tours count (a tour in another zone is paid by cross-zone help)."""

    name = "fairness"
    key = "fairness"
    weights = ("fairness_per_tour",)

    def apply(self, model: cp_model.CpModel, zone: ZoneProblem, v: RosterVars) -> list[PenaltyTerm]:
        terms = []
        for g, mean_up in v.ceil_mean.items():
            members = zone.level_groups[g]
            loads = {p: sum(on for (q, _d), on in v.on.items() if q == p) for p in members}
            terms += above_rounded_mean(
                model, zone, self.name, zone.weights["fairness_per_tour"], loads, mean_up, v.over
            )
        return terms

    def measure(self, facts: RosterFacts) -> Measure:
        m = Measure()
        w = facts.instance.weights["fairness_per_tour"]
        load: dict[str, int] = {}
        for chief_id, _day, _slot in facts.home:
            load[chief_id] = load.get(chief_id, 0) + 1
        for (zone_id, _level), members in facts.groups.items():
            m.charge(zone_id, w * excess_over_rounded_mean([load.get(c, 0) for c in members]))
        return m


class FairUnsocial(Rule):
    """Soft: each unsocial home tour (an unsocial slot, or a weekend day) above the
    rounded-up mean of the person's group costs ``unsocial_per_tour``, so that unsocial
    duty is shared."""

    name = "unsocial fairness"
    key = "unsocial"
    weights = ("unsocial_per_tour",)

    def apply(self, model: cp_model.CpModel, zone: ZoneProblem, v: RosterVars) -> list[PenaltyTerm]:
        terms = []
        for g, mean_up in v.unsocial_mean.items():
            members = zone.level_groups[g]
            loads = {
                p: sum(
                    var for (q, d, t), var in v.work.items() if q == p and (d, t) in zone.unsocial
                )
                for p in members
            }
            terms += above_rounded_mean(
                model, zone, self.name, zone.weights["unsocial_per_tour"], loads, mean_up,
                v.unsocial_over,
            )  # fmt: skip
        return terms

    def measure(self, facts: RosterFacts) -> Measure:
        m = Measure()
        ctx = facts.context
        if not (ctx.weekend or ctx.unsocial_slots):
            return m
        w = facts.instance.weights["unsocial_per_tour"]
        unsocial: dict[str, int] = {}
        for chief_id, day, slot_id in facts.home:
            if day in ctx.weekend or slot_id in ctx.unsocial_slots:
                unsocial[chief_id] = unsocial.get(chief_id, 0) + 1
        for (zone_id, _level), members in facts.groups.items():
            if len(members) >= 2:
                loads = [unsocial.get(c, 0) for c in members]
                m.charge(zone_id, w * excess_over_rounded_mean(loads))
        return m
