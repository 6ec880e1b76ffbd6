"""The working calendar: which days are worked, the hours of a working day, working-time sums.

Public holidays and make-up working days (调休) come from the ``chinese-calendar`` package,
which carries the State Council General Office's yearly notices; the rules' top-level
``holidays`` (days off) and ``workdays`` (days worked) are the city's own changes and win
over the package. Deadlines of the closed loop are counted in working minutes, hours or
days on this calendar (see ``[calendar]`` in ``default_rules.toml``).

Moments are naive ``datetime`` values in the city's local time (the rules' ``time_zone``);
``local_moment`` turns a moment with a UTC offset into one.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

import chinese_calendar
from chinese_calendar.constants import Holiday

from roadchief.errors import ConfigError

SOURCES = ("chinese_calendar", "weekends")
"""Where holidays come from: the chinese-calendar package, or Saturdays and Sundays only."""

_PACKAGE_YEARS = frozenset(d.year for d in chinese_calendar.holidays)
_HOLIDAY_NAMES: dict[str, str] = {str(h.value): str(h.chinese) for h in Holiday}
_SEARCH_DAYS = 3660
"""How far arithmetic looks for a working day before calling the calendar empty."""


class DayKind(StrEnum):
    """Why a day is worked or not."""

    WORKDAY = "workday"
    """A Monday to Friday with no holiday (工作日)."""
    WEEKEND = "weekend"
    """A Saturday or Sunday with no make-up duty (周末)."""
    HOLIDAY = "holiday"
    """A public holiday by State Council notice, weekends inside it included (法定节假日)."""
    MAKEUP_WORKDAY = "makeup_workday"
    """A Saturday or Sunday worked by State Council notice (调休上班)."""
    CITY_DAY_OFF = "city_day_off"
    """A day the city's rules take off (``holidays``)."""
    CITY_WORKDAY = "city_workday"
    """A day the city's rules make worked (``workdays``)."""

    @property
    def worked(self) -> bool:
        return self in (DayKind.WORKDAY, DayKind.MAKEUP_WORKDAY, DayKind.CITY_WORKDAY)


DAY_KIND_ZH = {
    DayKind.WORKDAY: "工作日",
    DayKind.WEEKEND: "周末",
    DayKind.HOLIDAY: "法定节假日",
    DayKind.MAKEUP_WORKDAY: "调休上班",
    DayKind.CITY_DAY_OFF: "本地休息日",
    DayKind.CITY_WORKDAY: "本地工作日",
}


class TimeUnit(StrEnum):
    """Units of a deadline, all counted on the working calendar."""

    MINUTES = "minutes"
    HOURS = "hours"
    DAYS = "days"


TIME_UNIT_ZH = {TimeUnit.MINUTES: "工作分钟", TimeUnit.HOURS: "工作时", TimeUnit.DAYS: "工作日"}


@dataclass(frozen=True)
class CalendarSettings:
    """The ``[calendar]`` table of the rules and the city's own days, validated."""

    source: str = "chinese_calendar"
    working_hours: tuple[tuple[dt.time, dt.time], ...] = (
        (dt.time(8, 30), dt.time(12, 0)),
        (dt.time(13, 30), dt.time(18, 0)),
    )
    days_off: frozenset[dt.date] = frozenset()
    workdays: frozenset[dt.date] = frozenset()
    time_zone: str = "Asia/Shanghai"


def calendar_settings(
    raw: Mapping[str, Any],
    src: str,
    *,
    days_off: Iterable[dt.date] = (),
    workdays: Iterable[dt.date] = (),
    time_zone: str = "Asia/Shanghai",
) -> CalendarSettings:
    """Validate the ``[calendar]`` table; ``days_off`` and ``workdays`` are the city's days."""
    source = str(raw.get("source", "chinese_calendar")).strip().lower()
    if source not in SOURCES:
        raise ConfigError(
            f"{src}: 'calendar.source' must be one of {', '.join(SOURCES)}, not {source!r}"
        )
    spans = raw.get("working_hours", ["08:30-12:00", "13:30-18:00"])
    if not isinstance(spans, list) or not spans:
        raise ConfigError(
            f"{src}: 'calendar.working_hours' must list spans such as \"08:30-12:00\""
        )
    hours: list[tuple[dt.time, dt.time]] = []
    for i, span in enumerate(spans):
        key = f"calendar.working_hours[{i}]"
        try:
            first, last = str(span).split("-")
            start, end = dt.time.fromisoformat(first.strip()), dt.time.fromisoformat(last.strip())
        except ValueError as exc:
            raise ConfigError(
                f"{src}: '{key}' is {span!r}; write a span as HH:MM-HH:MM, such as 08:30-12:00"
            ) from exc
        if start >= end:
            raise ConfigError(f"{src}: '{key}' ends at {end} before it starts at {start}")
        if hours and start < hours[-1][1]:
            raise ConfigError(
                f"{src}: '{key}' starts at {start} before the span before it ends; "
                "list spans in order without overlap"
            )
        hours.append((start, end))
    off, on = frozenset(days_off), frozenset(workdays)
    both = sorted(off & on)
    if both:
        raise ConfigError(
            f"{src}: {', '.join(map(str, both))} listed both in 'holidays' and in 'workdays'; "
            "keep each date in one list"
        )
    try:
        ZoneInfo(time_zone)
    except (KeyError, ValueError) as exc:
        raise ConfigError(f"{src}: 'time_zone' {time_zone!r} is not a known time zone") from exc
    return CalendarSettings(source, tuple(hours), off, on, time_zone)


def moment_text(moment: dt.datetime) -> str:
    """A moment as people read it: ``2026-12-01 17:30``; midnight is the end of the day
    before (``--at 2026-12-01`` means 2026-12-02 00:00 and reads ``2026-12-01 24:00``)."""
    if moment.time() == dt.time.min:
        return f"{moment - dt.timedelta(days=1):%Y-%m-%d} 24:00"
    return f"{moment:%Y-%m-%d %H:%M}"


def local_moment(moment: dt.datetime, time_zone: str) -> dt.datetime:
    """A moment as naive local time of ``time_zone`` (naive moments are taken as local)."""
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(ZoneInfo(time_zone)).replace(tzinfo=None)


class WorkingCalendar:
    """Working days and hours of one city, and working-time arithmetic over them."""

    def __init__(self, settings: CalendarSettings | None = None) -> None:
        self.settings = settings or CalendarSettings()
        self._kinds: dict[dt.date, DayKind] = {}
        self._spans: dict[dt.date, tuple[tuple[dt.datetime, dt.datetime], ...]] = {}
        self._years: dict[int, tuple[list[int], int]] = {}
        self._starts: dict[int, int] = {}
        self._origin: int | None = None
        """Working time is counted from the start of the first year asked about."""
        day_s = sum(_seconds(e) - _seconds(s) for s, e in self.settings.working_hours)
        self.minutes_per_day = day_s / 60
        """Working minutes of one working day: a working day is this many working minutes."""

    @property
    def time_zone(self) -> str:
        return self.settings.time_zone

    def day_kind(self, day: dt.date) -> DayKind:
        """Why ``day`` is worked or not."""
        kind = self._kinds.get(day)
        if kind is None:
            kind = self._kinds[day] = self._kind(day)
        return kind

    def _kind(self, day: dt.date) -> DayKind:
        if day in self.settings.workdays:
            return DayKind.CITY_WORKDAY
        if day in self.settings.days_off:
            return DayKind.CITY_DAY_OFF
        weekend = day.weekday() >= 5
        if self.settings.source == "chinese_calendar" and day.year in _PACKAGE_YEARS:
            if chinese_calendar.is_workday(day):
                return DayKind.MAKEUP_WORKDAY if weekend else DayKind.WORKDAY
            _, name = chinese_calendar.get_holiday_detail(day)
            return DayKind.HOLIDAY if name else DayKind.WEEKEND
        return DayKind.WEEKEND if weekend else DayKind.WORKDAY

    def is_working_day(self, day: dt.date) -> bool:
        return self.day_kind(day).worked

    def holiday_name(self, day: dt.date) -> str:
        """The Chinese name of the public holiday on ``day`` (元旦, 国庆节 ...), or ``""``."""
        if self.settings.source != "chinese_calendar" or day.year not in _PACKAGE_YEARS:
            return ""
        _, name = chinese_calendar.get_holiday_detail(day)
        return str(_HOLIDAY_NAMES.get(name, name or ""))

    def covers(self, day: dt.date) -> bool:
        """True if the holidays of ``day``'s year are known (to the package or the city's rules)."""
        if self.settings.source == "weekends":
            return True
        city_years = {d.year for d in self.settings.days_off | self.settings.workdays}
        return day.year in _PACKAGE_YEARS or day.year in city_years

    def uncovered_years(self, days: Iterable[dt.date]) -> list[int]:
        """Years among ``days`` whose holidays nobody gave: counted as weekends only."""
        return sorted({d.year for d in days if not self.covers(d)})

    def working_spans(self, day: dt.date) -> tuple[tuple[dt.datetime, dt.datetime], ...]:
        """The working hours of ``day`` as moments; empty on a day off."""
        spans = self._spans.get(day)
        if spans is None:
            spans = self._spans[day] = (
                tuple(
                    (dt.datetime.combine(day, s), dt.datetime.combine(day, e))
                    for s, e in self.settings.working_hours
                )
                if self.is_working_day(day)
                else ()
            )
        return spans

    def add(self, start: dt.datetime, amount: float, unit: TimeUnit | str) -> dt.datetime:
        """The moment ``amount`` working ``unit`` after ``start`` (a working day is a day's hours)."""
        unit = TimeUnit(unit)
        minutes = {
            TimeUnit.MINUTES: 1.0,
            TimeUnit.HOURS: 60.0,
            TimeUnit.DAYS: self.minutes_per_day,
        }[unit]
        return self.add_minutes(start, amount * minutes)

    def add_minutes(self, start: dt.datetime, minutes: float) -> dt.datetime:
        """The moment ``minutes`` working minutes after ``start``.

        Time outside working hours does not count; a sum that ends exactly when a span of
        working hours ends gives that end (Friday 18:00, not Monday 08:30).
        """
        if minutes < 0:
            raise ValueError(f"cannot add {minutes} working minutes; give a number >= 0")
        left = round(minutes * 60)
        if left == 0:
            return start
        target = self._position(start) + left
        year = start.year
        while self._year_start(year + 1) < target:
            year += 1
            if year > start.year + _SEARCH_DAYS // 365:
                raise ConfigError(f"no working day within {_SEARCH_DAYS} days of {start:%Y-%m-%d}")
        cum = self._year(year)[0]
        rest = target - self._year_start(year)
        index = bisect.bisect_left(cum, rest) - 1
        day = dt.date(year, 1, 1) + dt.timedelta(days=index)
        rest -= cum[index]
        for s, e in self.working_spans(day):
            room = int((e - s).total_seconds())
            if rest <= room:
                return s + dt.timedelta(seconds=rest)
            rest -= room
        raise AssertionError("working-time position beyond its day")  # pragma: no cover

    def minutes_between(self, start: dt.datetime, end: dt.datetime) -> float:
        """Working minutes from ``start`` to ``end`` (negative when ``end`` is earlier)."""
        return (self._position(end) - self._position(start)) / 60

    def _position(self, moment: dt.datetime) -> int:
        """Working seconds from the start of the origin year to ``moment``."""
        day = moment.date()
        cum = self._year(day.year)[0]
        within = 0
        for s, e in self.working_spans(day):
            if moment >= e:
                within += int((e - s).total_seconds())
            elif moment > s:
                within += int((moment - s).total_seconds())
        return self._year_start(day.year) + cum[day.timetuple().tm_yday - 1] + within

    def _year(self, year: int) -> tuple[list[int], int]:
        """Working seconds from 1 January to the start of each day of ``year``, and the total."""
        got = self._years.get(year)
        if got is None:
            cum, total = [], 0
            day = dt.date(year, 1, 1)
            while day.year == year:
                cum.append(total)
                total += sum(int((e - s).total_seconds()) for s, e in self.working_spans(day))
                day += dt.timedelta(days=1)
            cum.append(total)
            got = self._years[year] = (cum, total)
        return got

    def _year_start(self, year: int) -> int:
        """Working seconds from the start of the origin year to the start of ``year``."""
        if self._origin is None:
            self._origin = year
        got = self._starts.get(year)
        if got is None:
            if year == self._origin:
                got = 0
            elif year > self._origin:
                got = self._year_start(year - 1) + self._year(year - 1)[1]
            else:
                got = self._year_start(year + 1) - self._year(year)[1]
            self._starts[year] = got
        return got

    def working_days(self, first: dt.date, last: dt.date) -> list[dt.date]:
        """The working days from ``first`` to ``last``, both included."""
        n = (last - first).days
        days = (first + dt.timedelta(days=i) for i in range(n + 1))
        return [d for d in days if self.is_working_day(d)]


def _seconds(t: dt.time) -> int:
    return t.hour * 3600 + t.minute * 60 + t.second


def parse_amount(text: str, where: str) -> tuple[float, TimeUnit]:
    """``"4h"``, ``"30min"``, ``"20d"`` (or ``"4 hours"``) as an amount and a working-time unit."""
    raw = str(text).strip().lower().replace(" ", "")
    units = {
        "min": TimeUnit.MINUTES,
        "minutes": TimeUnit.MINUTES,
        "h": TimeUnit.HOURS,
        "hours": TimeUnit.HOURS,
        "d": TimeUnit.DAYS,
        "days": TimeUnit.DAYS,
    }
    for suffix in sorted(units, key=len, reverse=True):
        if raw.endswith(suffix):
            number = raw[: -len(suffix)]
            try:
                amount = float(number)
            except ValueError:
                break
            if amount < 0:
                break
            return amount, units[suffix]
    raise ConfigError(
        f"{where}: {text!r} is not a working time; write an amount and a unit: "
        "30min, 4h or 20d (working minutes, hours or days)"
    )
