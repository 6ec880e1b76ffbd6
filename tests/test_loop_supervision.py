"""The ledger, supervision (督办, escalation, 销号) and assessment (考核) on a small month."""

from __future__ import annotations

import datetime as dt

import pytest

from roadchief.config import load_rules
from roadchief.domain import ChiefLevel
from roadchief.loop.assessment import assess
from roadchief.loop.cases import Case, CaseRecord, CaseSource, Flag, open_case
from roadchief.loop.deadlines import DeadlineClock
from roadchief.loop.ledger import CaseFacts, ledger
from roadchief.loop.patrols import PatrolRecord, PlannedPatrol, Walked
from roadchief.loop.supervision import escalate_to, escalation_level, supervise

T = dt.datetime


@pytest.fixture(scope="module")
def clock() -> DeadlineClock:
    rules = load_rules()
    return DeadlineClock(rules.loop, rules.working_calendar())


def case(cid: str, at: T, category: str = "E0101") -> CaseRecord:
    return open_case(Case(cid, CaseSource.PATROL, at, category, lon=121.4, lat=31.2), "巡查员")


def dispatched(cid: str, at: T, category: str = "E0101") -> CaseRecord:
    rec = case(cid, at, category).advance("filed", "坐席", at + dt.timedelta(minutes=10))
    return rec.advance("dispatched", "坐席", at + dt.timedelta(minutes=20), unit="hw1")


def month(clock: DeadlineClock) -> list[CaseFacts]:
    mon = T(2026, 10, 12, 9, 0)
    on_time = dispatched("A", mon).advance(
        "handled", "hw1", mon + dt.timedelta(hours=2), note="已清运"
    )
    on_time = on_time.advance("closed", "张三", mon + dt.timedelta(hours=5))
    late = dispatched("B", mon).advance("handled", "hw1", T(2026, 10, 13, 15, 0))
    late = late.advance("rework", "张三", T(2026, 10, 13, 16, 0))
    late = late.advance("handled", "hw1", T(2026, 10, 14, 9, 0)).advance(
        "closed", "张三", T(2026, 10, 14, 10)
    )
    overdue = dispatched("C", mon)
    flagged = dispatched("D", T(2026, 10, 14, 9, 0), "E0702").flag(
        Flag("D", "district", "督查科", T(2026, 10, 14, 10), T(2026, 10, 16, 18))
    )
    repeat = case("E", T(2026, 10, 20, 9, 0))
    elsewhere = case("F", T(2026, 10, 21, 9, 0))
    return [
        CaseFacts(on_time, "S1", "Z1", "c1", "hw1", "1"),
        CaseFacts(late, "S1", "Z1", "c1", "hw1", "1"),
        CaseFacts(overdue, "S2", "Z1", "c2", "hw1", "2"),
        CaseFacts(flagged, "S3", "Z2", "c3", "cg", "2"),
        CaseFacts(repeat, "S1", "Z1", "c1", "hw1", "1"),
        CaseFacts(elsewhere, unplaced_reason="no location given"),
    ]


def test_ledger_rows_at_a_moment(clock: DeadlineClock) -> None:
    rows = {r.case_id: r for r in ledger(month(clock), clock, T(2026, 10, 15, 12, 0))}
    assert sorted(rows) == ["A", "B", "C", "D"]
    assert rows["A"].status == {"closed"}
    assert rows["C"].status == {"open", "overdue"} and rows["C"].deadline is not None
    # Dispatched Monday 09:20: 4 working hours with the lunch break end at 14:50. Overdue at
    # Thursday 12:00: 190 min Monday, two full days, 210 min Thursday morning.
    assert rows["C"].deadline.due == T(2026, 10, 12, 14, 50)
    assert rows["C"].overdue_minutes == 190 + 2 * 480 + 210
    assert rows["D"].status == {"open", "flagged"} and rows["D"].unit == "hw1"
    later = {r.case_id: r for r in ledger(month(clock), clock, T(2026, 10, 31))}
    assert later["F"].status == {"open", "overdue", "unplaced"}


def test_supervision_escalates_and_strikes_off(clock: DeadlineClock) -> None:
    items = {i.case_id: i for i in supervise(month(clock), clock, T(2026, 10, 13, 9, 0))}
    assert items["C"].level is ChiefLevel.SEGMENT and items["C"].overdue_minutes == 220
    items = {i.case_id: i for i in supervise(month(clock), clock, T(2026, 10, 13, 12, 0))}
    assert sorted(items) == ["B", "C"]
    assert items["C"].level is ChiefLevel.L2 and items["C"].unit == "hw1"
    items = {i.case_id: i for i in supervise(month(clock), clock, T(2026, 10, 20, 9, 0))}
    assert items["C"].level is ChiefLevel.GENERAL
    assert items["D"].flag_level == "district" and items["D"].rectify_by == T(2026, 10, 16, 18)
    assert not items["D"].closed_out
    assert "B" not in items  # closed: no longer overdue
    assert escalation_level(0, clock) is ChiefLevel.SEGMENT
    assert escalation_level(2 * 480, clock) is ChiefLevel.L1
    chain = {
        "c1": (ChiefLevel.SEGMENT, "m2"),
        "m2": (ChiefLevel.L2, "m1"),
        "m1": (ChiefLevel.L1, ""),
    }
    assert escalate_to("c1", ChiefLevel.L1, chain) == "m1"
    assert escalate_to("c1", ChiefLevel.GENERAL, chain) == ""


def test_flag_struck_off_only_after_a_recheck(clock: DeadlineClock) -> None:
    rec = dispatched("G", T(2026, 10, 12, 9)).flag(
        Flag("G", "city", "督查科", T(2026, 10, 12, 10), T(2026, 10, 13, 18))
    )
    rec = rec.advance("handled", "hw1", T(2026, 10, 12, 15), note="已整改")
    (item,) = supervise([CaseFacts(rec)], clock, T(2026, 10, 12, 16))
    assert not item.closed_out and item.feedback == "已整改" and item.inspection == ""
    rec = rec.advance("closed", "张三", T(2026, 10, 13, 9))
    (item,) = supervise([CaseFacts(rec)], clock, T(2026, 10, 13, 10))
    assert item.closed_out and item.inspection == "passed"


def test_assessment_of_the_period(clock: DeadlineClock) -> None:
    day = dt.date(2026, 10, 13)
    patrols = [
        PatrolRecord(PlannedPatrol(day, "morning", "c1", "S1", "Z1"), Walked.YES, 1.0),
        PatrolRecord(PlannedPatrol(day, "evening", "c1", "S1", "Z1"), Walked.NO, 0.1),
        PatrolRecord(PlannedPatrol(day, "morning", "c2", "S2", "Z1"), Walked.UNKNOWN),
    ]
    result = assess(month(clock), patrols, clock, dt.date(2026, 10, 12), dt.date(2026, 10, 18))
    c1 = result.groups["chief"]["c1"]
    assert (c1.closed, c1.closed_on_time, c1.rework, c1.overdue) == (2, 1, 1, 0)
    assert c1.on_time_rate == 0.5 and c1.rework_rate == pytest.approx(1 / 3)
    assert (c1.walked, c1.missed) == (1, 1) and c1.compliance() == 0.5
    score = clock.settings.score
    assert c1.score(score) == 100 - 2 - 1
    c2 = result.groups["chief"]["c2"]
    assert c2.overdue == 1 and c2.unknown == 1 and c2.score(score) == 99
    assert result.groups["unit"]["hw1"].closed == 2
    assert result.groups["category"]["E0101"].overdue == 1
    assert result.groups["category"]["E0702"].overdue == 0
    assert result.ranking("chief", score) == [("c3", 100.0), ("c2", 99.0), ("c1", 97.0)]
    month_result = assess(month(clock), [], clock, dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    # A and B came in at the same moment (neither before the other); E recurs on S1.
    assert month_result.groups["chief"]["c1"].recurrent == 1
    # Z1 in October: A closed on time, B closed late, C and E (never filed) overdue.
    assert month_result.groups["zone"]["Z1"].on_time_rate == 0.25
