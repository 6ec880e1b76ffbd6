"""Patrols a day: a segment is patrolled at most its per-day cap a day (1 unless the rules'
``[per_day]`` raise it for its road class or a priority place near it: a market or a school
gate is patrolled morning and evening), each patrol of a day in another slot."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from itertools import combinations
from typing import TYPE_CHECKING

from roadchief.domain import PlanContext, Segment
from roadchief.solve.roster.rules.base import Measure, PenaltyTerm, Rule

if TYPE_CHECKING:
    from ortools.sat.python import cp_model

    from roadchief.solve.roster.rules.facts import RosterFacts
    from roadchief.solve.roster.variables import RosterVars
    from roadchief.solve.roster.zone import ZoneProblem


def segment_per_day(seg: Segment, per_day: Mapping[str, int]) -> int:
    """Patrols a day a segment may have: the largest of ``[per_day]`` that applies to it
    (``default``, its road class, a priority place near it), at least 1."""
    found = [per_day.get("default", 1), per_day.get(f"class:{seg.road_class}", 1)]
    found += [per_day.get(f"place:{t}", 1) for t in seg.place_types]
    return max(1, *found)


def zone_per_day(segs: Sequence[Segment], ctx: PlanContext) -> tuple[int, ...]:
    """Per segment of a zone: ``segment_per_day``; empty when every segment has 1."""
    caps = tuple(segment_per_day(s, ctx.per_day) for s in segs)
    return caps if any(c > 1 for c in caps) else ()


class SegmentOncePerDay(Rule):
    """A segment is patrolled at most its per-day cap a day (``segment_per_day``), each
    patrol of a day in another slot."""

    name = "once a day"

    def apply(self, model: cp_model.CpModel, zone: ZoneProblem, v: RosterVars) -> list[PenaltyTerm]:
        for (s, d), items in v.by_segment_day.items():
            cap = zone.per_day[s] if zone.per_day else 1
            if len(items) <= 1:
                continue
            if cap == 1:
                model.add_at_most_one(var for _p, var in items)
                continue
            if len(items) > cap:
                model.add(sum(var for _p, var in items) <= cap)
            for (p, x), (q, y) in combinations(items, 2):  # not both in one slot
                for t in set(zone.open_slots[(p, d)]) & set(zone.open_slots[(q, d)]):
                    model.add(x + y + v.work[(p, d, t)] + v.work[(q, d, t)] <= 3)
        return []

    def measure(self, facts: RosterFacts) -> Measure:
        m = Measure()
        per_day = facts.instance.context.per_day
        seen: dict[tuple[str, dt.date], list[tuple[str, str]]] = {}
        for a in facts.valid:
            seen.setdefault((a.segment_id, a.day), []).append((a.slot_id, a.tour_id))
        for (seg_id, day), walked in sorted(seen.items()):
            cap = segment_per_day(facts.instance.segment(seg_id), per_day) if per_day else 1
            slots = [slot for slot, _tour in walked]
            if len(walked) > cap or len(set(slots)) < len(slots):
                m.violations.append(
                    f"once a day: segment {seg_id} is patrolled {len(walked)} times on {day} "
                    f"({', '.join(sorted(t for _s, t in walked))}); at most {cap}, each in "
                    "another slot"
                )
        return m
