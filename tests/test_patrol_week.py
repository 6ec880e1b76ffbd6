"""The patrol week on the working calendar: 2026 holidays and make-up days from the package,
the holiday rule per road class, demand scaled to the patrol days, make-up Saturdays
worked by people off on ``sat``, and one calendar object for the roster and the loop."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from conftest import run_cli
from geo_builders import small_city
from roadchief.app.loop_inputs import LoopInputs
from roadchief.calendar import DayKind
from roadchief.config import load_rules, parse_rules
from roadchief.domain import Chief, ChiefLevel, Slot, Unavailability, Week
from roadchief.errors import ConfigError
from roadchief.instance import with_makeup_days

D = dt.date
OFF = "[holiday_patrols]\nfactor_default = 0.0\n[holiday_patrols.factor]\nsecondary = 0.0\n"
"""Rules of a city that does not patrol on holidays."""


def test_national_day_2026_weeks() -> None:
    """国庆节 1-7 October 2026 (chinese-calendar 1.11, State Council notice): Thursday 1 to
    Sunday 4 in W40, Monday 5 to Wednesday 7 in W41; Saturday 10 October is worked."""
    rules = load_rules()
    w40, w41 = rules.patrol_week(Week(2026, 40)), rules.patrol_week(Week(2026, 41))
    assert [d.kind for d in w40.days] == [DayKind.WORKDAY] * 3 + [DayKind.HOLIDAY] * 4
    kinds41 = [d.kind for d in w41.days]
    assert kinds41 == [DayKind.HOLIDAY] * 3 + [DayKind.WORKDAY] * 2 + [
        DayKind.MAKEUP_WORKDAY,
        DayKind.WEEKEND,
    ]
    assert {d.holiday_name for d in w40.days[3:]} == {"国庆节"}
    assert w41.makeup_days == {D(2026, 10, 10)}
    # days off for fairness: holidays and the Sunday, not the worked Saturday
    assert w41.off_days == {D(2026, 10, 5), D(2026, 10, 6), D(2026, 10, 7), D(2026, 10, 11)}


@pytest.mark.parametrize(
    ("week", "makeup"),
    [(Week(2026, 1), D(2026, 1, 4)), (Week(2026, 7), D(2026, 2, 14)),
     (Week(2026, 9), D(2026, 2, 28)), (Week(2026, 19), D(2026, 5, 9)),
     (Week(2026, 38), D(2026, 9, 20))],
)  # fmt: skip
def test_makeup_days_of_2026(week: Week, makeup: dt.date) -> None:
    assert load_rules().patrol_week(week).makeup_days == {makeup}


def test_default_rule_steps_patrols_up_on_holidays() -> None:
    """By default every class is patrolled on holidays; secondary streets count a holiday
    twice (节假日加强巡查): 3 a week becomes 3 x (4 + 3 x 2) / 7 = 4.3, rounded up to 5."""
    w41 = load_rules().patrol_week(Week(2026, 41))
    assert len(w41.patrol_days) == 7
    assert w41.demand(3, "secondary") == 5
    assert w41.demand(7, "arterial") == 7
    assert w41.demand(1, "lane") == 1


def test_no_holiday_patrols_scales_demand_to_the_patrol_days() -> None:
    rules = parse_rules(OFF, "off.toml")
    w40 = rules.patrol_week(Week(2026, 40))
    assert w40.patrol_days == (D(2026, 9, 28), D(2026, 9, 29), D(2026, 9, 30))
    assert w40.demand(7, "arterial") == 3  # daily on the three patrol days
    assert w40.demand(3, "secondary") == 2  # 3 x 3 / 7 = 1.3, rounded up
    assert w40.demand(1, "lane") == 1
    ordinary = rules.patrol_week(Week(2026, 49))
    assert len(ordinary.patrol_days) == 7 and ordinary.demand(3, "secondary") == 3
    assert ordinary.off_days == {D(2026, 12, 5), D(2026, 12, 6)}


def test_one_class_off_keeps_the_holiday_a_patrol_day() -> None:
    rules = parse_rules("[holiday_patrols.factor]\nlane = 0\n", "r.toml")
    w40 = rules.patrol_week(Week(2026, 40))
    assert len(w40.patrol_days) == 7
    assert w40.demand(7, "lane") == 3 and w40.demand(7, "branch") == 7


def test_city_days_follow_the_holiday_rule() -> None:
    rules = parse_rules('holidays = ["2026-12-02"]\n' + OFF, "r.toml")
    w49 = rules.patrol_week(Week(2026, 49))
    assert D(2026, 12, 2) not in w49.patrol_days
    assert w49.days[2].kind is DayKind.CITY_DAY_OFF


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[holiday_patrols.factor]\nalley = 1\n", "names road class 'alley'"),
        ("[holiday_patrols.factor]\nlane = -1\n", "'holiday_patrols.factor.lane' must be"),
        ("[holiday_patrols]\nfactor_default = 'x'\n", "factor_default"),
        ("[holiday_patrols]\nfactr = 1\n", "unknown key 'holiday_patrols.factr'"),
    ],
)
def test_bad_holiday_rules_name_the_key(text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        parse_rules(text, "city.toml")


def test_a_person_off_on_saturday_works_a_makeup_saturday() -> None:
    slot = Slot("am", dt.time(9), dt.time(11))
    leave = Unavailability(
        dates=frozenset({D(2026, 2, 28)}), weekdays=frozenset({5, 6}),
        half_days=frozenset({(5, True)}),
    )  # fmt: skip
    chief = Chief("c1", "甲", "A", ChiefLevel.SEGMENT, 5, unavailable=leave, avoid=leave)
    assert not chief.available(D(2026, 2, 14), slot)  # before the week is applied
    (worked,) = with_makeup_days([chief], load_rules().patrol_week(Week(2026, 7)))
    assert worked.available(D(2026, 2, 14), slot)  # 调休 Saturday: worked
    assert not worked.avoid.blocks(D(2026, 2, 14), slot)
    assert not worked.available(D(2026, 2, 15), slot)  # Sunday: still off
    (later,) = with_makeup_days([chief], load_rules().patrol_week(Week(2026, 9)))
    assert not later.available(D(2026, 2, 28), slot)  # a 调休 Saturday, but dated leave
    assert not later.available(D(2026, 2, 21), slot)  # an ordinary Saturday


def test_roster_and_loop_share_one_calendar() -> None:
    rules = load_rules()
    loop = LoopInputs(rules, None, None, [], {}, "")
    assert loop.clock.calendar is rules.working_calendar()
    assert rules.working_calendar() is rules.working_calendar()


@pytest.mark.slow
def test_a_holiday_week_plans_on_its_patrol_days(tmp_path: Path) -> None:
    """W41 with no holiday patrols: nothing planned on 5-7 October, demand scaled to the
    four patrol days, and summary.json, explain.md and the roster's map layer say so."""
    rules = tmp_path / "off.toml"
    rules.write_text(OFF + "[road_classes]\nbranch = 7\n", "utf-8")
    out = tmp_path / "run"
    args = ("--week", "2026-W41", "--rules", rules, "--time-limit", "5", "--deterministic")
    result = run_cli("plan", *small_city(tmp_path), "--out", out, *args)
    assert result.returncode == 0, result.stderr
    assert "日历：法定节假日 3 天，调休上班 1 天，巡查日 4 天" in result.stdout
    summary = json.loads((out / "summary.json").read_text("utf-8"))
    cal = summary["calendar"]
    assert cal["patrol_days"] == 4 and cal["holidays"] == 3 and cal["makeup_workdays"] == 1
    assert [d["patrolled"] for d in cal["days"]] == [False] * 3 + [True] * 4
    roster = (out / "roster.csv").read_text("utf-8-sig")
    assert not any(f"2026-10-0{d}" in roster for d in (5, 6, 7))
    explain = (out / "explain.md").read_text("utf-8")
    assert "本周工作日历" in explain and "调休上班" in explain and "| 否 |" in explain
    # every street of the small city is a branch street: daily (7) scaled to the 4 patrol
    # days; the map layer shows the week's demand, not the city's base
    import geopandas as gpd

    segs = gpd.read_file(out / "roster.gpkg", layer="segments")
    assert set(segs["patrols_required"]) == {4}
    assert summary["patrols_required"] == 4 * len(segs)


def test_a_year_the_package_does_not_know_is_named() -> None:
    """chinese-calendar 1.11 knows 2004-2026: a week reaching into 2027 says so until the
    rules list the year's days, in summary.json and explain.md."""
    from roadchief.i18n import Translator
    from roadchief.render.explain_week import calendar_section

    rules = load_rules()
    w53 = rules.patrol_week(Week(2026, 53))  # 28 December 2026 to 3 January 2027
    assert w53.unknown_years == (2027,)
    text = "\n".join(calendar_section(w53.to_json(rules.road_classes), Translator("zh")))
    assert "2027 年的法定节假日未知" in text
    listed = parse_rules('holidays = ["2027-01-01"]\n', "r.toml").patrol_week(Week(2026, 53))
    assert listed.unknown_years == () and listed.days[4].kind is DayKind.CITY_DAY_OFF
    assert rules.patrol_week(Week(2026, 49)).to_json(rules.road_classes)["unknown_years"] == []
