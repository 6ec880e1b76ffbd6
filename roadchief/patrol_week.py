"""The patrol week: which days of a week are patrolled, what each day is on the working
calendar, and each road class's demand scaled to those days (节假日加强巡查).

One definition for the roster, summary.json ``calendar``, explain.md and the maps: the
week's days come from ``Rules.working_calendar()``, the same object the closed loop's
deadlines count on; the holiday rule is the rules' ``[holiday_patrols]``.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from roadchief.calendar import DayKind, WorkingCalendar
from roadchief.domain import Week
from roadchief.errors import ConfigError

_HOLIDAY_KINDS = (DayKind.HOLIDAY, DayKind.CITY_DAY_OFF)
_MAKEUP_KINDS = (DayKind.MAKEUP_WORKDAY, DayKind.CITY_WORKDAY)


@dataclass(frozen=True)
class HolidayRule:
    """``[holiday_patrols]``: on a holiday a class's demand counts ``factor`` days."""

    factor_default: float = 1.0
    factor: Mapping[str, float] = field(default_factory=dict)
    """road class -> patrol days a holiday counts for in its demand (0: none; the roster
    may still place the class's patrols there while another class is patrolled)."""

    def factor_of(self, road_class: str) -> float:
        return self.factor.get(road_class, self.factor_default)

    def patrolled(self, classes: Mapping[str, int]) -> bool:
        """True if some class of ``classes`` is patrolled on a holiday."""
        return any(self.factor_of(c) > 0 for c in classes) or not classes


def holiday_rule(raw: Mapping[str, Any], classes: Mapping[str, int], src: str) -> HolidayRule:
    """Validate ``[holiday_patrols]`` against the rules' road classes."""

    def number(value: Any, key: str) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            raise ConfigError(f"{src}: '{key}' must be a number >= 0, not {value!r}")
        return float(value)

    default = number(raw.get("factor_default", 1.0), "holiday_patrols.factor_default")
    factors = {}
    for name, value in dict(raw.get("factor", {})).items():
        key = f"holiday_patrols.factor.{name}"
        if name not in classes:
            raise ConfigError(
                f"{src}: '{key}' names road class {name!r}; known classes: {sorted(classes)}"
            )
        factors[str(name)] = number(value, key)
    return HolidayRule(default, factors)


@dataclass(frozen=True)
class PatrolDay:
    """One day of the week as the roster sees it."""

    day: dt.date
    kind: DayKind
    holiday_name: str
    """元旦, 国庆节 ... on a public holiday; empty otherwise."""
    patrolled: bool
    """False on a holiday on which no road class is patrolled."""

    @property
    def holiday(self) -> bool:
        return self.kind in _HOLIDAY_KINDS

    @property
    def makeup(self) -> bool:
        """A Saturday or Sunday worked (调休): weekend leave does not apply."""
        return self.kind in _MAKEUP_KINDS and self.day.weekday() >= 5

    @property
    def off(self) -> bool:
        """A day off on the calendar (weekend or holiday): unsocial duty for fairness."""
        return not self.kind.worked


@dataclass(frozen=True)
class PatrolWeek:
    """A week's days on the working calendar and the holiday rule over them."""

    week: Week
    days: tuple[PatrolDay, ...]
    rule: HolidayRule
    unknown_years: tuple[int, ...] = ()
    """Years of the week whose holidays nobody gave (the package nor the rules): their
    days are read as weekdays and weekends only."""

    @property
    def patrol_days(self) -> tuple[dt.date, ...]:
        return tuple(d.day for d in self.days if d.patrolled)

    @property
    def off_days(self) -> frozenset[dt.date]:
        """Patrol days that are days off (weekends and holidays, less make-up days)."""
        return frozenset(d.day for d in self.days if d.patrolled and d.off)

    @property
    def makeup_days(self) -> frozenset[dt.date]:
        return frozenset(d.day for d in self.days if d.makeup)

    def day_weight(self, road_class: str, day: PatrolDay) -> float:
        """Patrol days ``day`` counts for in the class's demand: 0 off, 1 ordinary."""
        if not day.patrolled:
            return 0.0
        return self.rule.factor_of(road_class) if day.holiday else 1.0

    def demand_factor(self, road_class: str) -> float:
        """The week's demand of the class over an ordinary week's: its day weights / 7."""
        return sum(self.day_weight(road_class, d) for d in self.days) / 7.0

    def demand(self, weekly: int, road_class: str) -> int:
        """A segment's patrols this week: its weekly demand scaled to the week's patrol
        days, rounded up (an ordinary week keeps it as it is)."""
        return max(0, math.ceil(weekly * self.demand_factor(road_class) - 1e-9))

    def to_json(self, classes: Mapping[str, int]) -> dict[str, Any]:
        """summary.json ``calendar``: each day and each class's demand factor."""
        return {
            "week": str(self.week),
            "days": [
                {
                    "date": d.day.isoformat(),
                    "kind": d.kind.value,
                    "holiday": d.holiday_name,
                    "patrolled": d.patrolled,
                }
                for d in self.days
            ],
            "patrol_days": len(self.patrol_days),
            "holidays": sum(d.holiday for d in self.days),
            "makeup_workdays": len(self.makeup_days),
            "demand_factor": {c: round(self.demand_factor(c), 4) for c in classes},
            "holiday_factor": {c: self.rule.factor_of(c) for c in classes},
            "unknown_years": list(self.unknown_years),
        }


def patrol_week(
    week: Week, calendar: WorkingCalendar, rule: HolidayRule, classes: Mapping[str, int]
) -> PatrolWeek:
    """The week on ``calendar``: a holiday is patrolled if some class of ``classes`` is."""
    on_holidays = rule.patrolled(classes)
    days = []
    for day in week.days:
        kind = calendar.day_kind(day)
        holiday = kind in _HOLIDAY_KINDS
        days.append(PatrolDay(day, kind, calendar.holiday_name(day), on_holidays or not holiday))
    return PatrolWeek(week, tuple(days), rule, tuple(calendar.uncovered_years(week.days)))
