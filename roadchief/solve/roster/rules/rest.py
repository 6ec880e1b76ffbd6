"""Rest between tours: a tour on one day and the next day's leave the least rest between."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from roadchief.domain import Slot
from roadchief.solve.roster.rules.base import Measure, PenaltyTerm, Rule

if TYPE_CHECKING:
    from ortools.sat.python import cp_model

    from roadchief.solve.roster.rules.facts import RosterFacts
    from roadchief.solve.roster.variables import RosterVars
    from roadchief.solve.roster.zone import ZoneProblem


def rest_conflicts(
    days: tuple[dt.date, ...], slots: tuple[Slot, ...], min_rest_hours: float
) -> tuple[tuple[int, int, int, int], ...]:
    """Pairs (day i, slot a, day j, slot b), i < j, whose tours leave less than the least rest
    (``ZoneProblem.rest_conflicts``)."""
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


class RestBetweenTours(Rule):
    """Tours on different days leave at least ``min_rest_hours`` between them."""

    name = "rest"

    def apply(self, model: cp_model.CpModel, zone: ZoneProblem, v: RosterVars) -> list[PenaltyTerm]:
        for p in range(len(zone.people)):
            for d1, a, d2, b in zone.rest_conflicts:
                first, second = v.work.get((p, d1, a)), v.work.get((p, d2, b))
                if first is not None and second is not None:
                    model.add_bool_or([~first, ~second])
        return []

    def measure(self, facts: RosterFacts) -> Measure:
        m = Measure()
        least_h = facts.instance.min_rest_hours
        rest = dt.timedelta(hours=least_h)
        slots = facts.slots
        for chief_id, worked in sorted(facts.worked.items()):
            for i, (d1, s1) in enumerate(worked):
                for d2, s2 in worked[i + 1 :]:
                    if d1 == d2:
                        continue
                    (da, sa), (db, sb) = sorted([(d1, s1), (d2, s2)])
                    gap = dt.datetime.combine(db, slots[sb].start) - dt.datetime.combine(
                        da, slots[sa].end
                    )
                    if gap < rest:
                        m.violations.append(
                            f"rest: {chief_id} ends {da} {sa} and starts {db} {sb} only "
                            f"{gap.total_seconds() / 3600:g} h later, less than {least_h:g} h"
                        )
        return m
