"""Spread: repeat patrols of a segment keep days apart, counting last week's patrol."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from roadchief.domain import Segment
from roadchief.solve.roster.rules.base import Measure, PenaltyTerm, Rule
from roadchief.solve.roster.rules.rechecks import recheck_segments

if TYPE_CHECKING:
    from ortools.sat.python import cp_model

    from roadchief.solve.roster.rules.facts import RosterFacts
    from roadchief.solve.roster.variables import RosterVars
    from roadchief.solve.roster.zone import ZoneProblem


def spread_days(patrols_per_week: int) -> int:
    """Days between repeat patrols of a segment: floor(7 / n), 3 for a segment needed once
    (against its last patrol of last week), 0 (no rule) for none or one a day or more often
    than every other day (``ZoneProblem.spread_days``)."""
    if patrols_per_week <= 0:
        return 0
    w = 3 if patrols_per_week == 1 else 7 // patrols_per_week
    return w if w >= 2 else 0


def last_offsets(
    segments: Sequence[Segment],
    last_patrol: Mapping[str, dt.date],
    monday: dt.date,
    exempt: frozenset[str] = frozenset(),
) -> tuple[int | None, ...]:
    """Per segment: its last patrol before the week, in days since Monday (negative), or
    None; None for the ``exempt`` segments, whose recheck is due whatever last week held
    (``ZoneProblem.last_offset``)."""
    return tuple(
        (last_patrol[s.segment_id] - monday).days
        if s.segment_id in last_patrol
        and last_patrol[s.segment_id] < monday
        and s.segment_id not in exempt
        else None
        for s in segments
    )


def spread_windows(zone: ZoneProblem, s: int) -> list[int]:
    """First calendar days (since Monday) of the spread windows of segment ``s``.

    Every run of ``spread_days`` consecutive days inside the week is a window, plus the one
    starting on the segment's last patrol before the week if it reaches into the week. A
    window that the pins alone (with the last patrol) already break is left out: pins win.
    """
    w = zone.spread_days[s] if zone.spread_days else 0
    if w < 2:
        return []
    out = list(range(0, 7 - w + 1))
    last = zone.last_offset[s] if zone.last_offset else None
    if last is not None and last + w > 0:
        out.insert(0, last)
    pinned = [zone.day_offset[d] for _p, ss, d, _t in zone.pins if ss == s]
    if last is not None:
        pinned.append(last)
    return [a for a in out if sum(1 for o in pinned if a <= o < a + w) <= 1]


class SpreadRepeats(Rule):
    """Every ``spread_days`` consecutive days hold at most one patrol of a segment, counting
    its last patrol of last week (a segment needed n times a week: floor(7 / n) days),
    except for a segment waiting for a recheck (``rules/rechecks.py``)."""

    name = "spread"

    def apply(self, model: cp_model.CpModel, zone: ZoneProblem, v: RosterVars) -> list[PenaltyTerm]:
        offset = zone.day_offset
        for s in range(len(zone.segments)):
            w = zone.spread_days[s]
            last = zone.last_offset[s]
            by_day = v.by_segment.get(s, [])
            for a in spread_windows(zone, s):
                inside = [var for _p, d, var in by_day if a <= offset[d] < a + w]
                before = int(last is not None and a <= last < a + w)
                if len(inside) + before > 1:
                    model.add(sum(inside) <= 1 - before)
        return []

    def measure(self, facts: RosterFacts) -> Measure:
        m = Measure()
        ctx = facts.context
        if not ctx.spread:
            return m
        monday = facts.instance.week.monday
        exempt = recheck_segments(ctx)
        for seg in facts.instance.segments:
            need = max(0, seg.patrols_per_week)
            run = spread_days(need)
            if not run:
                continue
            days = [(a.day - monday).days for a in facts.by_segment.get(seg.segment_id, [])]
            last = None if seg.segment_id in exempt else ctx.last_patrol.get(seg.segment_id)
            last_off = (last - monday).days if last is not None and last < monday else None
            starts = list(range(0, 7 - run + 1))
            fixed = [(a.day - monday).days for a in ctx.pins if a.segment_id == seg.segment_id]
            if last_off is not None:
                fixed.append(last_off)
                days.append(last_off)
                if last_off + run > 0:
                    starts.append(last_off)
            for start in starts:
                n_in = sum(1 for o in days if start <= o < start + run)
                if n_in > 1 and sum(1 for o in fixed if start <= o < start + run) <= 1:
                    with_last = last_off is not None and start <= last_off < start + run
                    m.violations.append(
                        f"spread: segment {seg.segment_id} (needed {need} a week) is patrolled "
                        f"{n_in} times in the {run} days from {monday + dt.timedelta(days=start)}"
                        + (" with last week's" if with_last else "")
                    )
        return m
