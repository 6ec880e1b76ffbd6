"""The loop's feedback into next week's roster: rechecks from the ledger, hotspots by
decay-weighted cases, both applied to the week's instance and recorded for a re-plan."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from roadchief.config import load_rules
from roadchief.errors import ConfigError
from roadchief.loop.cases import Case, CaseRecord, CaseSource, open_case
from roadchief.loop.deadlines import DeadlineClock
from roadchief.loop.feedback import (
    RosterFeedback,
    hotspot_extra,
    hotspot_weights,
    rechecks_of,
    roster_feedback,
)
from roadchief.loop.ledger import CaseFacts, ledger
from roadchief.loop.settings import HotspotSettings
from solve_factory import instance, person, seg

T = dt.datetime
MONDAY = T(2026, 11, 30)  # 2026-W49
SETTINGS = HotspotSettings(half_life_days=14.0, cases_per_extra_patrol=2.0, max_extra=2)


def case(cid: str, at: T) -> CaseRecord:
    return open_case(Case(cid, CaseSource.PATROL, at, "E0101", lon=121.4, lat=31.2), "巡查员")


def handled(cid: str, at: T) -> CaseRecord:
    rec = case(cid, at).advance("filed", "坐席", at + dt.timedelta(minutes=10))
    rec = rec.advance("dispatched", "坐席", at + dt.timedelta(minutes=20), unit="hw1")
    return rec.advance("handled", "hw1", at + dt.timedelta(hours=1))


def test_decay_halves_a_case_every_half_life() -> None:
    w = hotspot_weights(
        [("s1", MONDAY), ("s1", MONDAY - dt.timedelta(days=14)), ("s2", MONDAY), ("", MONDAY)],
        MONDAY,
        SETTINGS,
    )
    assert w == pytest.approx({"s1": 1.5, "s2": 1.0})
    assert hotspot_extra(w, SETTINGS) == {}  # 1.5 < 2: not yet recurring
    fresh = [("s1", MONDAY - dt.timedelta(hours=h)) for h in (1, 2, 3, 4, 5)]
    w = hotspot_weights([*fresh, ("s3", MONDAY + dt.timedelta(days=1))], MONDAY, SETTINGS)
    assert set(w) == {"s1"}  # a case reported after the moment does not count
    assert hotspot_extra(w, SETTINGS) == {"s1": 2}  # 5 fresh cases: capped at max_extra


def test_rechecks_are_the_handled_cases_with_their_recheck_day() -> None:
    rules = load_rules()
    clock = DeadlineClock(rules.loop, rules.working_calendar())
    facts = [
        CaseFacts(handled("K2", T(2026, 11, 27, 9)), "s1", "A", "a0", "hw1", "2"),  # Friday
        CaseFacts(handled("K1", T(2026, 11, 26, 9)), "s2", "A", "a0", "hw1", "2"),
        CaseFacts(case("K3", T(2026, 11, 27, 9)), "s2", "A", "a0", "", "2"),  # not handled
        CaseFacts(handled("K4", T(2026, 11, 27, 9)), unplaced_reason="no location given"),
    ]
    rows = ledger(facts, clock, MONDAY)
    got = rechecks_of(rows)
    # one working day after Friday 10:00 is Monday 10:00; after Thursday 10:00, Friday
    assert [(r.case_id, r.segment_id, r.due) for r in got] == [
        ("K1", "s2", dt.date(2026, 11, 27)),
        ("K2", "s1", dt.date(2026, 11, 30)),
    ]
    reported = {f.record.case_id: f.record.case.reported_at for f in facts}
    fb = roster_feedback(rows, reported, MONDAY, SETTINGS)
    assert fb.rechecks == got and fb.hotspots == {}  # two cases on s2 weigh just under 2


def test_feedback_joins_the_demand_and_the_context_and_round_trips() -> None:
    inst = instance([seg(1, ppw=2), seg(2)], [person("a0")])
    fb = RosterFeedback(
        MONDAY,
        rechecks_of([]) + tuple(RosterFeedback.from_json(
            {"at": MONDAY.isoformat(), "rechecks": [
                {"case_id": "K1", "segment_id": "s1", "due": "2026-12-01"},
                {"case_id": "K9", "segment_id": "gone", "due": "2026-12-01"},
            ]}).rechecks),
        {"s1": 2, "gone": 1},
    )  # fmt: skip
    fed = fb.apply(inst)
    assert [s.patrols_per_week for s in fed.segments] == [4, 1]
    assert fed.context.hotspots == {"s1": 2}
    assert [r.case_id for r in fed.context.rechecks] == ["K1"]
    assert RosterFeedback.from_json(fb.to_json()) == fb


def test_hotspot_settings_are_validated(tmp_path: Path) -> None:
    assert load_rules().loop.hotspots == SETTINGS
    bad = tmp_path / "rules.toml"
    bad.write_text("[loop.hotspots]\nhalf_life_days = 0\n", "utf-8")
    with pytest.raises(ConfigError, match=r"loop\.hotspots\.half_life_days"):
        load_rules(bad)
