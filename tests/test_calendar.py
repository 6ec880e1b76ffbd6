"""The working calendar against the 2026 holidays and make-up working days.

Dates from the State Council General Office's notice on the 2026 holidays, as carried by
chinese-calendar 1.11: 元旦 1-3 January (Sunday 4 January worked), 春节 15-23 February
(Saturdays 14 and 28 February worked), 劳动节 1-5 May (Saturday 9 May worked), 中秋
25-27 September, 国庆节 1-7 October (Sunday 20 September and Saturday 10 October worked).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from roadchief.calendar import (
    CalendarSettings,
    DayKind,
    TimeUnit,
    WorkingCalendar,
    calendar_settings,
    local_moment,
    parse_amount,
)
from roadchief.config import load_rules
from roadchief.errors import ConfigError

D = dt.date
T = dt.datetime


@pytest.fixture(scope="module")
def cal() -> WorkingCalendar:
    return load_rules().working_calendar()


@pytest.mark.parametrize("day", [D(2026, 10, d) for d in range(1, 8)])
def test_national_day_week_is_off(cal: WorkingCalendar, day: dt.date) -> None:
    assert cal.day_kind(day) is DayKind.HOLIDAY
    assert not cal.is_working_day(day)


@pytest.mark.parametrize(
    ("day", "name"),
    [
        (D(2026, 10, 10), "国庆节"),
        (D(2026, 2, 14), "春节"),
        (D(2026, 2, 28), "春节"),
        (D(2026, 5, 9), "劳动节"),
        (D(2026, 1, 4), "元旦"),
        (D(2026, 9, 20), "国庆节"),
    ],
)
def test_makeup_working_days(cal: WorkingCalendar, day: dt.date, name: str) -> None:
    assert day.weekday() >= 5
    assert cal.day_kind(day) is DayKind.MAKEUP_WORKDAY
    assert cal.is_working_day(day)
    assert cal.holiday_name(day) == name


def test_ordinary_days(cal: WorkingCalendar) -> None:
    assert cal.day_kind(D(2026, 10, 8)) is DayKind.WORKDAY
    assert cal.day_kind(D(2026, 10, 17)) is DayKind.WEEKEND
    assert cal.day_kind(D(2026, 2, 16)) is DayKind.HOLIDAY
    assert cal.holiday_name(D(2026, 2, 16)) == "春节"
    assert cal.holiday_name(D(2026, 10, 17)) == ""


def test_working_days_of_october_2026(cal: WorkingCalendar) -> None:
    days = cal.working_days(D(2026, 10, 1), D(2026, 10, 31))
    # 22 weekdays, 5 of them in the holiday week, plus Saturday 10 October.
    assert len(days) == 22 - 5 + 1
    assert D(2026, 10, 10) in days and D(2026, 10, 1) not in days


def test_four_working_hours_across_the_national_day_holiday(cal: WorkingCalendar) -> None:
    # Reported Wednesday 30 September 16:00: 2 h that day, then the next working day is
    # Thursday 8 October (1-7 off), 08:30 + 2 h.
    due = cal.add(T(2026, 9, 30, 16, 0), 4, TimeUnit.HOURS)
    assert due == T(2026, 10, 8, 10, 30)
    assert cal.minutes_between(T(2026, 9, 30, 16, 0), due) == 240


def test_makeup_saturday_counts(cal: WorkingCalendar) -> None:
    # Friday 9 October 17:00 + 2 working hours: 1 h Friday, 1 h on Saturday the 10th.
    assert cal.add(T(2026, 10, 9, 17, 0), 2, "hours") == T(2026, 10, 10, 9, 30)
    # An ordinary Saturday does not: Friday 16 October 17:00 + 2 h is Monday 19th 09:30.
    assert cal.add(T(2026, 10, 16, 17, 0), 2, "hours") == T(2026, 10, 19, 9, 30)


def test_lunch_break_and_end_of_day(cal: WorkingCalendar) -> None:
    assert cal.add(T(2026, 10, 12, 11, 30), 60, "minutes") == T(2026, 10, 12, 14, 0)
    # A sum ending as the day ends gives the end of the day, not the next morning.
    assert cal.add(T(2026, 10, 12, 17, 0), 1, "hours") == T(2026, 10, 12, 18, 0)
    # Reported at night: the clock starts next working morning.
    assert cal.add(T(2026, 10, 12, 22, 0), 30, "minutes") == T(2026, 10, 13, 9, 0)


def test_working_days_are_a_days_hours(cal: WorkingCalendar) -> None:
    assert cal.minutes_per_day == 480
    assert cal.add(T(2026, 10, 12, 10, 0), 1, "days") == T(2026, 10, 13, 10, 0)
    # 20 working days from Monday 14 September 09:00 skip Friday 25 September (中秋) and
    # 1-7 October and count Sunday 20 September and Saturday 10 October: Friday 16
    # October 09:00.
    assert cal.holiday_name(D(2026, 9, 25)) == "中秋"
    due = cal.add(T(2026, 9, 14, 9, 0), 20, TimeUnit.DAYS)
    assert due == T(2026, 10, 16, 9, 0)
    assert cal.minutes_between(T(2026, 9, 14, 9, 0), due) == 20 * 480


def test_minutes_between_is_signed_and_zero_outside_hours(cal: WorkingCalendar) -> None:
    assert cal.minutes_between(T(2026, 10, 2, 9), T(2026, 10, 5, 17)) == 0
    assert cal.minutes_between(T(2026, 10, 13, 9), T(2026, 10, 12, 9)) == -480
    assert cal.add(T(2026, 10, 12, 9), 0, "hours") == T(2026, 10, 12, 9)
    with pytest.raises(ValueError, match=">= 0"):
        cal.add_minutes(T(2026, 10, 12, 9), -1)


def test_city_days_win_over_the_package(tmp_path: Path) -> None:
    rules = tmp_path / "city.toml"
    rules.write_text(
        'holidays = ["2026-10-08", "2026-10-10"]\nworkdays = ["2026-10-05"]\n', "utf-8"
    )
    cal = load_rules(rules).working_calendar()
    assert cal.day_kind(D(2026, 10, 8)) is DayKind.CITY_DAY_OFF
    assert cal.day_kind(D(2026, 10, 10)) is DayKind.CITY_DAY_OFF
    assert cal.day_kind(D(2026, 10, 5)) is DayKind.CITY_WORKDAY
    assert cal.add(T(2026, 10, 5, 17, 0), 2, "hours") == T(2026, 10, 9, 9, 30)


def test_working_hours_and_source_from_the_rules(tmp_path: Path) -> None:
    rules = tmp_path / "city.toml"
    rules.write_text('[calendar]\nsource = "weekends"\nworking_hours = ["09:00-17:00"]\n', "utf-8")
    cal = load_rules(rules).working_calendar()
    assert cal.minutes_per_day == 480
    assert cal.is_working_day(D(2026, 10, 1))
    assert not cal.is_working_day(D(2026, 10, 10))
    assert cal.add(T(2026, 10, 1, 16, 0), 2, "hours") == T(2026, 10, 2, 10, 0)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[calendar]\nsource = "lunar"\n', "calendar.source"),
        ('[calendar]\nworking_hours = ["12:00-08:00"]\n', "ends at"),
        ('[calendar]\nworking_hours = ["8h"]\n', "HH:MM-HH:MM"),
        ('[calendar]\nworking_hours = ["08:00-12:00", "11:00-17:00"]\n', "without overlap"),
        ("[calendar]\nworking_hours = []\n", "must list spans"),
        ('holidays = ["2026-10-10"]\nworkdays = ["2026-10-10"]\n', "both in 'holidays'"),
        ('time_zone = "Mars/Olympus"\n', "not a known time zone"),
        ('[calendar]\nhours = ["09:00-17:00"]\n', "unknown key 'calendar.hours'"),
    ],
)
def test_bad_calendar_rules_name_the_key(tmp_path: Path, text: str, message: str) -> None:
    rules = tmp_path / "city.toml"
    rules.write_text(text, "utf-8")
    with pytest.raises(ConfigError, match=message):
        load_rules(rules)


def test_a_year_the_package_does_not_know(cal: WorkingCalendar) -> None:
    assert cal.covers(D(2026, 12, 31))
    assert not cal.covers(D(2027, 1, 1))
    assert cal.uncovered_years([D(2026, 12, 31), D(2027, 1, 4)]) == [2027]
    # Weekends only until the city lists 2027's days.
    assert cal.is_working_day(D(2027, 1, 1))
    listed = WorkingCalendar(calendar_settings({}, "city", days_off=[D(2027, 1, 1)]))
    assert listed.covers(D(2027, 6, 1)) and not listed.is_working_day(D(2027, 1, 1))


def test_local_moment() -> None:
    utc = T(2026, 10, 12, 1, 0, tzinfo=dt.UTC)
    assert local_moment(utc, "Asia/Shanghai") == T(2026, 10, 12, 9, 0)
    assert local_moment(T(2026, 10, 12, 9, 0), "Asia/Shanghai") == T(2026, 10, 12, 9, 0)


@pytest.mark.parametrize(
    ("text", "amount", "unit"),
    [("4h", 4, TimeUnit.HOURS), ("30min", 30, TimeUnit.MINUTES), ("20 days", 20, TimeUnit.DAYS)],
)
def test_parse_amount(text: str, amount: float, unit: TimeUnit) -> None:
    assert parse_amount(text, "x") == (amount, unit)


@pytest.mark.parametrize("text", ["4", "h", "-2h", "4 weeks"])
def test_parse_amount_refuses(text: str) -> None:
    with pytest.raises(ConfigError, match="30min, 4h or 20d"):
        parse_amount(text, "x")


def test_default_settings_need_no_rules() -> None:
    cal = WorkingCalendar(CalendarSettings())
    assert not cal.is_working_day(D(2026, 10, 1))


INVERSE_CAL = WorkingCalendar()


@settings(max_examples=300, deadline=None)
@given(
    st.datetimes(min_value=T(2025, 12, 1), max_value=T(2027, 1, 31)),
    st.integers(min_value=0, max_value=60 * 480),
)
def test_add_and_between_are_inverse(start: dt.datetime, minutes: int) -> None:
    cal = INVERSE_CAL
    start = start.replace(microsecond=0)
    due = cal.add_minutes(start, minutes)
    assert due >= start
    assert cal.minutes_between(start, due) == minutes
    if minutes:
        assert any(s < due <= e for s, e in cal.working_spans(due.date()))
