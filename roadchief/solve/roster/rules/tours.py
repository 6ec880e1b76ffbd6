"""A person's tours: at most one a day, in one slot; at most so many a week; walked in order."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from roadchief.domain import tour_id_for
from roadchief.solve.roster.rules.base import Measure, PenaltyTerm, Rule

if TYPE_CHECKING:
    from ortools.sat.python import cp_model

    from roadchief.solve.roster.rules.facts import RosterFacts
    from roadchief.solve.roster.variables import RosterVars
    from roadchief.solve.roster.zone import ZoneProblem


class OneTourPerDay(Rule):
    """A person walks at most one tour a day, in exactly one slot of that day."""

    name = "one tour a day"

    def apply(self, model: cp_model.CpModel, zone: ZoneProblem, v: RosterVars) -> list[PenaltyTerm]:
        for (p, d), on in v.on.items():
            slots = [v.work[(p, d, t)] for t in zone.open_slots[(p, d)]]
            model.add(sum(slots) == on)
        return []

    def measure(self, facts: RosterFacts) -> Measure:
        m = Measure()
        for chief_id, worked in sorted(facts.worked.items()):
            per_day: dict[dt.date, list[str]] = {}
            for day, slot_id in worked:
                per_day.setdefault(day, []).append(slot_id)
            for day, ids in sorted(per_day.items()):
                if len(ids) > 1:
                    m.violations.append(
                        f"one tour a day: {chief_id} has {len(ids)} tours on {day} "
                        f"({', '.join(ids)})"
                    )
        return m


class ToursAreWalked(Rule):
    """A segment is patrolled only on a tour; a tour patrols at least one segment.

    In a roster a tour is its patrols, so the checker measures what is left of the rule:
    each tour's patrols are walked in order, numbered 1 to n.
    """

    name = "tours are walked"

    def apply(self, model: cp_model.CpModel, zone: ZoneProblem, v: RosterVars) -> list[PenaltyTerm]:
        for key, on in v.on.items():
            items = v.by_tour.get(key, [])
            for _s, var in items:
                model.add_implication(var, on)
            model.add_bool_or([var for _s, var in items] + [~on])
        return []

    def measure(self, facts: RosterFacts) -> Measure:
        m = Measure()
        for (chief_id, day, slot_id), items in sorted(facts.tours.items()):
            tour = tour_id_for(chief_id, day, slot_id)
            orders = sorted(a.order for a in items)
            if orders != list(range(1, len(items) + 1)):
                m.violations.append(
                    f"walking order: {tour} has orders {orders}, expected 1..{len(items)}"
                )
        return m


class MaxToursPerWeek(Rule):
    """A person walks at most ``max_patrols_per_week`` tours a week."""

    name = "tours a week"

    def apply(self, model: cp_model.CpModel, zone: ZoneProblem, v: RosterVars) -> list[PenaltyTerm]:
        days: dict[int, list[cp_model.IntVar]] = {}
        for (p, _d), on in v.on.items():
            days.setdefault(p, []).append(on)
        for p, ons in days.items():
            if len(ons) > zone.max_tours[p]:
                model.add(sum(ons) <= zone.max_tours[p])
        return []

    def measure(self, facts: RosterFacts) -> Measure:
        m = Measure()
        for chief_id, worked in sorted(facts.worked.items()):
            person = facts.chiefs[chief_id]
            days = {day for day, _slot in worked}
            if len(days) > person.max_patrols_per_week:
                m.violations.append(
                    f"tours a week: {chief_id} patrols on {len(days)} days, "
                    f"more than their {person.max_patrols_per_week}"
                )
        return m
