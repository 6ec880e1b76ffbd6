"""A segment is patrolled at most once a day."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from roadchief.solve.roster.rules.base import Measure, PenaltyTerm, Rule

if TYPE_CHECKING:
    from ortools.sat.python import cp_model

    from roadchief.solve.roster.rules.facts import RosterFacts
    from roadchief.solve.roster.variables import RosterVars
    from roadchief.solve.roster.zone import ZoneProblem


class SegmentOncePerDay(Rule):
    """A segment is patrolled at most once a day."""

    name = "once a day"

    def apply(self, model: cp_model.CpModel, zone: ZoneProblem, v: RosterVars) -> list[PenaltyTerm]:
        for items in v.by_segment_day.values():
            if len(items) > 1:
                model.add_at_most_one(var for _p, var in items)
        return []

    def measure(self, facts: RosterFacts) -> Measure:
        m = Measure()
        seen: dict[tuple[str, dt.date], list[str]] = {}
        for a in facts.valid:
            seen.setdefault((a.segment_id, a.day), []).append(a.tour_id)
        for (seg_id, day), tour_ids in sorted(seen.items()):
            if len(tour_ids) > 1:
                m.violations.append(
                    f"once a day: segment {seg_id} is patrolled {len(tour_ids)} times on {day} "
                    f"({', '.join(sorted(tour_ids))})"
                )
        return m
