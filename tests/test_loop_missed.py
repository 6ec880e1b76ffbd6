"""One definition of a missed patrol: the assessment counts it, and next week's plan does
not take it for the segment's last patrol."""

from __future__ import annotations

import datetime as dt

from roadchief.domain import Assignment, PlanContext
from roadchief.io.roster import with_last_week
from roadchief.loop.patrols import PatrolRecord, PlannedPatrol, Walked, missed_patrols

MON = dt.date(2026, 11, 2)
NEXT = MON + dt.timedelta(days=7)


def patrol(day: int, seg: str, chief: str = "A1") -> Assignment:
    d = MON + dt.timedelta(days=day)
    return Assignment(d, "am", chief, seg, f"{chief}-{d}-am", 0)


def test_a_missed_patrol_is_not_the_segments_last_patrol() -> None:
    roster = [patrol(0, "s1"), patrol(3, "s1"), patrol(1, "s2"), patrol(4, "s3")]
    records = [
        PatrolRecord(PlannedPatrol(a.day, a.slot_id, a.chief_id, a.segment_id), walked)
        for a, walked in zip(
            roster, [Walked.YES, Walked.NO, Walked.UNKNOWN, Walked.NO], strict=True
        )
    ]
    missed = missed_patrols(records, unknown_is_missed=False)
    assert missed == {
        (MON + dt.timedelta(days=3), "am", "A1", "s1"),
        (MON + dt.timedelta(days=4), "am", "A1", "s3"),
    }
    ctx = with_last_week(PlanContext(), roster, NEXT, missed)
    # s1: Thursday missed, Monday walked; s2: no track, still counted; s3: never walked.
    assert ctx.last_patrol == {"s1": MON, "s2": MON + dt.timedelta(days=1)}
    assert ctx.previous_slot[("A1", 3)] == "am"  # continuity keeps the planned slot
    strict = missed_patrols(records, unknown_is_missed=True)
    assert with_last_week(PlanContext(), roster, NEXT, strict).last_patrol == {"s1": MON}
    assert with_last_week(PlanContext(), roster, NEXT).last_patrol == {
        "s1": MON + dt.timedelta(days=3), "s2": MON + dt.timedelta(days=1),
        "s3": MON + dt.timedelta(days=4),
    }  # fmt: skip
