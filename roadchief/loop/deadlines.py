"""Deadlines of a case's current step, on the working calendar, and whether it is overdue.

Each step has its limit: reported -> filed (``filing``), filed or returned -> dispatched
(``dispatch``), dispatched or rework -> handled (``handling``: the category's limit by
area class and urgency, counted from that dispatch or that rework), handled -> closed
(``recheck``). An extension (延期) sets its own deadline. A parked case (挂账) and a done
case have none. Overdue is asked at a moment, so a past month can be replayed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from roadchief.calendar import TimeUnit, WorkingCalendar
from roadchief.loop.cases import Case, CaseRecord
from roadchief.loop.settings import LoopSettings
from roadchief.loop.states import CaseState, Transition

S = CaseState

STEP_ZH = {"filing": "立案", "dispatch": "派遣", "handling": "处置", "recheck": "核查"}


@dataclass(frozen=True)
class Deadline:
    """The deadline of a case's current step."""

    step: str
    """filing, dispatch, handling or recheck."""
    started: dt.datetime
    due: dt.datetime

    def overdue(self, at: dt.datetime) -> bool:
        return at > self.due


def handling_limit(
    settings: LoopSettings, code: str, area_class: str, urgency: str
) -> tuple[float, TimeUnit]:
    """The time to fix a case of sub class ``code`` in ``area_class`` at ``urgency``."""
    tax = settings.taxonomy
    best = None
    for rule in settings.deadlines:
        if (
            tax.matches(code, rule.category)
            and rule.area_class in ("*", area_class)
            and rule.urgency in ("*", urgency)
            and (best is None or rule.specificity >= best.specificity)
        ):
            best = rule
    if best is not None:
        return best.amount, best.unit
    cat = tax.categories[code]
    factor = settings.area_factor.get(area_class, 1.0) * settings.urgency_factor.get(urgency, 1.0)
    return cat.limit * factor, cat.limit_unit


def area_class_of(case: Case, road_class: str | None, settings: LoopSettings) -> str:
    """The case's own area class, else its segment's road class's, else the default."""
    if case.area_class:
        return case.area_class
    if road_class is not None and road_class in settings.area_class:
        return settings.area_class[road_class]
    return settings.default_area_class


class DeadlineClock:
    """Deadlines of cases on one calendar under one set of rules."""

    def __init__(self, settings: LoopSettings, calendar: WorkingCalendar) -> None:
        self.settings = settings
        self.calendar = calendar

    def current(self, record: CaseRecord, area_class: str) -> Deadline | None:
        """The deadline of the step the case is in now (None when parked or done)."""
        return self._deadline(record.case, record.history, area_class)

    def at(self, record: CaseRecord, at: dt.datetime, area_class: str) -> Deadline | None:
        """The deadline of the step the case was in at ``at``."""
        past = record.as_of(at)
        return None if past is None else self.current(past, area_class)

    def handled_on_time(self, record: CaseRecord, area_class: str) -> bool | None:
        """Whether every handling (处置完成) came before the deadline then in force.

        None when the case was never handled. A handling after a rework counts against
        the rework's own deadline; one late handling makes the case late.
        """
        verdict = None
        for i in range(1, len(record.history)):
            if record.history[i].to_state is S.HANDLED:
                due = self._deadline(record.case, record.history[:i], area_class)
                in_time = due is None or record.history[i].at <= due.due
                verdict = in_time if verdict is None else verdict and in_time
        return verdict

    def overdue_minutes(self, deadline: Deadline | None, at: dt.datetime) -> float:
        """Working minutes past the deadline at ``at`` (0 when not overdue)."""
        if deadline is None or not deadline.overdue(at):
            return 0.0
        return self.calendar.minutes_between(deadline.due, at)

    def _deadline(
        self, case: Case, history: tuple[Transition, ...], area_class: str
    ) -> Deadline | None:
        last = history[-1]
        state = last.to_state
        if state is S.EXTENDED:
            assert last.deadline is not None
            return Deadline("handling", last.at, last.deadline)
        if state in (S.DISPATCHED, S.REWORK):
            amount, unit = handling_limit(self.settings, case.category, area_class, case.urgency)
            return Deadline("handling", last.at, self.calendar.add(last.at, amount, unit))
        step = {
            S.REPORTED: "filing",
            S.FILED: "dispatch",
            S.RETURNED: "dispatch",
            S.HANDLED: "recheck",
        }.get(state)
        if step is None:
            return None
        amount, unit = self.settings.steps[step]
        return Deadline(step, last.at, self.calendar.add(last.at, amount, unit))
