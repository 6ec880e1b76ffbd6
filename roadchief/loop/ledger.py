"""The ledger (清单台账): one row per case at a moment, with its deadline and whether overdue.

``CaseFacts`` joins a case's record with where it is (segment, zone, chief) and who fixes
it (unit); the rows are what ``case list``, the ledger files and the overdue list show, so
every output reads one definition of deadline and overdue.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from roadchief.loop.cases import CaseRecord
from roadchief.loop.deadlines import Deadline, DeadlineClock
from roadchief.loop.states import STATE_ZH, CaseState


@dataclass(frozen=True)
class CaseFacts:
    """A case with its place and unit (from snapping and routing)."""

    record: CaseRecord
    segment_id: str = ""
    zone_id: str = ""
    chief_id: str = ""
    unit_id: str = ""
    area_class: str = "2"
    unplaced_reason: str = ""


@dataclass(frozen=True)
class LedgerRow:
    case_id: str
    state: CaseState
    category: str
    segment_id: str
    zone_id: str
    chief_id: str
    unit: str
    deadline: Deadline | None
    overdue: bool
    overdue_minutes: float
    flagged: bool
    reason: str
    """Why the case is unplaced; empty when placed."""

    @property
    def state_zh(self) -> str:
        return STATE_ZH[self.state]

    @property
    def status(self) -> frozenset[str]:
        """The ``case list --status`` filters this row passes: open, overdue, flagged, closed, unplaced."""
        tags = {"closed"} if self.state is CaseState.CLOSED else set()
        if self.state not in (CaseState.CLOSED, CaseState.REJECTED, CaseState.SELF_FIXED):
            tags.add("open")
        if self.overdue:
            tags.add("overdue")
        if self.flagged:
            tags.add("flagged")
        if self.reason:
            tags.add("unplaced")
        return frozenset(tags)


def ledger(facts: Iterable[CaseFacts], clock: DeadlineClock, at: dt.datetime) -> list[LedgerRow]:
    """The rows of every case reported by ``at``, as they stood at ``at``."""
    rows = []
    for f in facts:
        rec = f.record.as_of(at)
        if rec is None:
            continue
        due = clock.current(rec, f.area_class)
        overdue = due is not None and due.overdue(at)
        flagged = bool(rec.flags) and rec.is_open
        unit = next((t.unit for t in reversed(rec.history) if t.unit), f.unit_id)
        rows.append(
            LedgerRow(
                rec.case_id,
                rec.state,
                rec.case.category,
                f.segment_id,
                f.zone_id,
                f.chief_id,
                unit,
                due,
                overdue,
                clock.overdue_minutes(due, at) if overdue else 0.0,
                flagged,
                f.unplaced_reason,
            )
        )
    return rows


SECTIONS = ("open", "overdue", "flagged", "closed_this_week")
"""The ledger's sections, in the order the files show them (a case may be in several)."""


@dataclass(frozen=True)
class LedgerView:
    """What the ledger files show: one row per case, in sections, and the tallies."""

    at: dt.datetime
    week_start: dt.datetime
    rows: list[LedgerRow]
    category_names: dict[str, str]
    sections: dict[str, list[LedgerRow]] = field(default_factory=dict)
    by_unit: dict[str, Counter[str]] = field(default_factory=dict)
    by_zone: dict[str, Counter[str]] = field(default_factory=dict)


def week_start_of(at: dt.datetime) -> dt.datetime:
    """Monday 00:00 of the ISO week holding ``at`` (a Monday 00:00 ends the week before)."""
    day = (at - dt.timedelta(microseconds=1)).date()
    return dt.datetime.combine(day - dt.timedelta(days=day.weekday()), dt.time.min)


def view_at(
    rows: list[LedgerRow],
    records: Iterable[CaseRecord],
    at: dt.datetime,
    category_names: dict[str, str],
) -> LedgerView:
    """The ledger's sections and tallies by unit and zone at ``at``; the week is the ISO week
    holding ``at`` (closed this week: closed from its Monday 00:00 up to ``at``)."""
    week_start = week_start_of(at)
    closed_at: dict[str, dt.datetime] = {}
    for record in records:
        past = record.as_of(at)
        done = past.entered(CaseState.CLOSED) if past is not None else None
        if done is not None:
            closed_at[record.case_id] = done.at
    closed_week = {cid for cid, t in closed_at.items() if week_start <= t <= at}
    tags = {
        r.case_id: r.status
        | (
            {"closed_this_week"}
            if r.case_id in closed_week and r.state is CaseState.CLOSED
            else set()
        )
        for r in rows
    }
    view = LedgerView(at, week_start, rows, category_names)
    for name in SECTIONS:
        view.sections[name] = [r for r in rows if name in tags[r.case_id]]
    for r in rows:
        for name in SECTIONS:
            if name in tags[r.case_id]:
                view.by_unit.setdefault(r.unit or "", Counter())[name] += 1
                view.by_zone.setdefault(r.zone_id or "", Counter())[name] += 1
    return view
