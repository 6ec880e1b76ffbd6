"""Supervision (督办): flagged and overdue cases as items, escalated by overdue time.

An item climbs past the segment chief (路段长) to 二级, 一级 and 总路长 as its overdue
working time passes ``loop.escalate_after``. A flagged item (挂牌) is struck off (销号)
only when its case is closed, and a case is closed only after a recheck (复检) confirms
the fix (see roadchief.loop.states).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from roadchief.domain import ChiefLevel
from roadchief.loop.deadlines import DeadlineClock
from roadchief.loop.ledger import CaseFacts
from roadchief.loop.states import CaseState

LEVEL_ZH = {
    ChiefLevel.SEGMENT: "路段长",
    ChiefLevel.L2: "二级路长",
    ChiefLevel.L1: "一级路长",
    ChiefLevel.GENERAL: "总路长",
}


@dataclass(frozen=True)
class SupervisionItem:
    case_id: str
    flag_level: str
    """挂牌 level, empty for an item that is only overdue."""
    rectify_by: dt.datetime | None
    """The flag's deadline, else the case's current deadline."""
    unit: str
    feedback: str
    """The unit's last word: the note of the last handling."""
    inspection: str
    """The last recheck: passed (核查通过), failed (返工) or empty."""
    overdue_minutes: float
    level: ChiefLevel
    """How far up the hierarchy the item has climbed."""
    closed_out: bool
    """销号: the case was closed after a recheck."""


def supervise(
    facts: Iterable[CaseFacts], clock: DeadlineClock, at: dt.datetime
) -> list[SupervisionItem]:
    """Every flagged or overdue case at ``at``, most overdue first."""
    items = []
    for f in facts:
        rec = f.record.as_of(at)
        if rec is None:
            continue
        due = clock.current(rec, f.area_class)
        late = clock.overdue_minutes(due, at)
        flag = rec.flags[-1] if rec.flags else None
        if flag is not None and rec.is_open and at > flag.rectify_by:
            late = max(late, clock.calendar.minutes_between(flag.rectify_by, at))
        if flag is None and late <= 0:
            continue
        handled = rec.entered(CaseState.HANDLED)
        last_check = next(
            (t for t in reversed(rec.history) if t.from_state is CaseState.HANDLED), None
        )
        inspection = ""
        if last_check is not None:
            inspection = "passed" if last_check.to_state is CaseState.CLOSED else "failed"
        items.append(
            SupervisionItem(
                rec.case_id,
                flag.level if flag else "",
                flag.rectify_by if flag else (due.due if due else None),
                next((t.unit for t in reversed(rec.history) if t.unit), f.unit_id),
                handled.note if handled else "",
                inspection,
                late,
                escalation_level(late, clock),
                flag is not None and rec.state is CaseState.CLOSED,
            )
        )
    items.sort(key=lambda i: (-i.overdue_minutes, i.case_id))
    return items


def escalation_level(overdue_minutes: float, clock: DeadlineClock) -> ChiefLevel:
    """The highest level whose ``loop.escalate_after`` the overdue time has passed."""
    level = ChiefLevel.SEGMENT
    for name, (amount, unit) in clock.settings.escalate_after.items():
        per = {"minutes": 1.0, "hours": 60.0, "days": clock.calendar.minutes_per_day}[unit.value]
        if overdue_minutes >= amount * per:
            level = ChiefLevel(name)
    return level


def escalate_to(
    chief_id: str, level: ChiefLevel, chiefs: Mapping[str, tuple[ChiefLevel, str]]
) -> str:
    """The person of ``level`` up the supervisor chain from ``chief_id`` ("" if none).

    ``chiefs`` maps a chief id to (level, supervisor id), as in the chiefs file.
    """
    seen: set[str] = set()
    here = chief_id
    while here and here in chiefs and here not in seen:
        seen.add(here)
        lv, boss = chiefs[here]
        if lv is level:
            return here
        here = boss
    return ""
