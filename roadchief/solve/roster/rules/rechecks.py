"""Rechecks (复检): a case fixed and waiting for its recheck needs a patrol of its segment
by the recheck deadline, so that it can be struck off (销号).

Soft with a dominant weight rather than hard: a recheck the zone's people cannot reach in
time (nobody who may walk the segment is free by its day) could only make the zone
infeasible, and two rechecks competing for one person's tour, the greedy fallback or the
walk fit could fail a plan over one case. Its weight (``recheck_missed``) is above a whole
tour of missing patrols, so the model plans every recheck it can; each one it does not is
counted and explained with its reason (``recheck_rows``).
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from roadchief.domain import Chief, PatrolInstance, PlanContext, Recheck, Roster
from roadchief.solve.roster.rules.base import Measure, PenaltyTerm, Rule

if TYPE_CHECKING:
    from ortools.sat.python import cp_model

    from roadchief.solve.roster.rules.facts import RosterFacts
    from roadchief.solve.roster.variables import RosterVars
    from roadchief.solve.roster.zone import ZoneProblem


def last_day(days: Sequence[dt.date], due: dt.date) -> int:
    """Index of the last patrol day on or before ``due``; a recheck already due before the
    week's first patrol day is due on that day (0); -1 for a week without patrol days."""
    if not days:
        return -1
    return max(0, bisect.bisect_right(days, due) - 1)


def recheck_segments(context: PlanContext) -> frozenset[str]:
    """Segments waiting for a recheck: exempt from spreading against last week's patrol
    (``rules/spread.py``), since the recheck is due whatever last week held."""
    return frozenset(r.segment_id for r in context.rechecks)


def zone_rechecks(
    rechecks: Sequence[Recheck], segments: Mapping[str, int], days: Sequence[dt.date]
) -> tuple[tuple[int, int], ...]:
    """The rechecks on the zone's segments as (segment index, last day index), in the
    context's order (``ZoneProblem.rechecks``)."""
    return tuple(
        (segments[r.segment_id], last_day(days, r.due))
        for r in rechecks
        if r.segment_id in segments
    )


class Rechecks(Rule):
    """Soft, dominant: each recheck needs a patrol of its segment on or before its last day;
    a recheck not planned costs ``recheck_missed``."""

    name = "rechecks"
    key = "recheck"
    weights = ("recheck_missed",)
    counts: ClassVar[Mapping[str, float]] = {"rechecks_required": 0, "rechecks_planned": 0}

    def apply(self, model: cp_model.CpModel, zone: ZoneProblem, v: RosterVars) -> list[PenaltyTerm]:
        terms = []
        for k, (s, last) in enumerate(zone.rechecks):
            missed = v.recheck_missed[k]
            visits = [var for _p, d, var in v.by_segment.get(s, []) if d <= last]
            model.add(missed + sum(visits) >= 1)
            label = f"{zone.segments[s].segment_id} by {zone.days[last] if last >= 0 else '-'}"
            terms.append(PenaltyTerm(self.name, label, zone.weights["recheck_missed"], missed))
        return terms

    def measure(self, facts: RosterFacts) -> Measure:
        """``rechecks_required``: rechecks on the instance's segments; ``rechecks_planned``:
        those with a patrol of their segment on a patrol day on or before their last day."""
        m = Measure()
        w = facts.instance.weights["recheck_missed"]
        for r, visit in _visits(facts.instance, facts.by_segment):
            zone_id = facts.segments[r.segment_id].zone_id
            m.count("rechecks_required", zone_id)
            if visit is None:
                m.charge(zone_id, w)
            else:
                m.count("rechecks_planned", zone_id)
        return m


def _visits(
    instance: PatrolInstance, by_segment: Mapping[str, Sequence[Any]]
) -> list[tuple[Recheck, Any]]:
    """Each recheck on a segment of the instance with its first planned visit in time
    (an assignment, or None)."""
    days = instance.days
    patrol_days = set(days)
    known = {s.segment_id for s in instance.segments}
    out = []
    for r in instance.context.rechecks:
        if r.segment_id not in known:
            continue
        last = last_day(days, r.due)
        visits = sorted(
            (a for a in by_segment.get(r.segment_id, ()) if a.day in patrol_days),
            key=lambda a: (a.day, a.slot_id, a.chief_id),
        )
        ok = [a for a in visits if last >= 0 and a.day <= days[last]]
        out.append((r, ok[0] if ok else None))
    return out


def recheck_rows(instance: PatrolInstance, roster: Roster) -> list[dict[str, Any]]:
    """Every recheck of the week as explain.md and summary.json ``explain`` show it: the
    case, segment, zone and last day, and the visit planned (day, slot, person) or why none
    is (nobody of the zone free by then, or the zone's people were needed elsewhere)."""
    by_segment: dict[str, list[Any]] = {}
    for a in roster.assignments:
        by_segment.setdefault(a.segment_id, []).append(a)
    zone_of = {s.segment_id: s.zone_id for s in instance.segments}
    rows = []
    for r, visit in _visits(instance, by_segment):
        last = last_day(instance.days, r.due)
        row: dict[str, Any] = {
            "case_id": r.case_id,
            "segment_id": r.segment_id,
            "zone_id": zone_of[r.segment_id],
            "due": r.due.isoformat(),
            "by": instance.days[last].isoformat() if last >= 0 else None,
        }
        if visit is not None:
            row |= {"day": visit.day.isoformat(), "slot": visit.slot_id, "chief_id": visit.chief_id}
        else:
            row["reason"] = _why_missed(instance, zone_of[r.segment_id], last)
        rows.append(row)
    return rows


def _why_missed(instance: PatrolInstance, zone_id: str, last: int) -> str:
    """Why a recheck has no visit: no patrol day, nobody free in time, or no room."""
    if last < 0:
        return "the week has no patrol day"
    by = instance.days[last]
    free = [
        c
        for c in instance.chiefs
        if c.zone_id == zone_id and instance.limits[c.level].patrols and _free_by(instance, c, by)
    ]
    if not free:
        return f"nobody of zone {zone_id} who patrols is available on a patrol day by {by}"
    return (
        f"zone {zone_id}: the {len(free)} people free by {by} may not walk this segment "
        "(longer than their tour, or beyond their reach) or were needed on other rechecks"
    )


def _free_by(instance: PatrolInstance, person: Chief, by: dt.date) -> bool:
    """True if ``person`` may walk a tour on some patrol day up to ``by``."""
    if person.max_patrols_per_week <= 0:
        return False
    return any(
        person.available(day, slot) for day in instance.days if day <= by for slot in instance.slots
    )
