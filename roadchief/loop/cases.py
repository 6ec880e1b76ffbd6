"""A case (案件): what was reported, where, by whom, and its history of states.

A ``CaseRecord`` is immutable: ``advance`` returns a new record with one more transition
and leaves the old one as it was, so an illegal change (an ``IllegalTransition``) changes
nothing. ``as_of`` cuts the history at a moment, so any past day can be replayed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, replace
from enum import StrEnum

from roadchief.loop.states import (
    DONE_STATES,
    CaseState,
    IllegalTransition,
    Transition,
    check_transition,
)


class CaseSource(StrEnum):
    """Where a case came from."""

    PATROL = "patrol"
    APP = "app"
    HOTLINE = "hotline"
    SUPERVISOR = "supervisor"
    MEDIA = "media"
    VIDEO = "video"


SOURCE_ZH: Mapping[CaseSource, str] = {
    CaseSource.PATROL: "巡查发现",
    CaseSource.APP: "市民随手拍",
    CaseSource.HOTLINE: "12345热线",
    CaseSource.SUPERVISOR: "督查发现",
    CaseSource.MEDIA: "媒体曝光",
    CaseSource.VIDEO: "视频监控",
}

URGENCIES = ("A", "B", "C")
"""A: urgent (紧急), B: ordinary (一般), C: may wait (缓办)."""


@dataclass(frozen=True)
class Case:
    """What was reported. The reporter is private: never exported where the public reads."""

    case_id: str
    source: CaseSource
    reported_at: dt.datetime
    """Local time (naive, in the rules' time zone)."""
    category: str
    """A subcategory code of the taxonomy (roadchief.loop.categories)."""
    description: str = ""
    lon: float | None = None
    lat: float | None = None
    """WGS-84; None when the report gave no place (the case is then unplaced)."""
    address: str = ""
    photos: tuple[str, ...] = ()
    """References to photos (file names or URLs), never the pictures themselves."""
    reporter: str = ""
    urgency: str = "B"
    area_class: str = ""
    """一类/二类/三类区域 as "1", "2", "3"; empty: from the segment the case snaps to."""


@dataclass(frozen=True)
class Flag:
    """挂牌督办: a supervisor flags a case, with a level and a rectification deadline."""

    case_id: str
    level: str
    """Who flags it, for example ``city`` (市级挂牌) or ``district`` (区级挂牌)."""
    by: str
    at: dt.datetime
    rectify_by: dt.datetime
    """限期整改: the deadline set with the flag."""
    note: str = ""


@dataclass(frozen=True)
class CaseRecord:
    """A case with its history (oldest first) and its flags."""

    case: Case
    history: tuple[Transition, ...]
    flags: tuple[Flag, ...] = ()

    @property
    def case_id(self) -> str:
        return self.case.case_id

    @property
    def state(self) -> CaseState:
        return self.history[-1].to_state

    @property
    def last(self) -> Transition:
        return self.history[-1]

    @property
    def is_open(self) -> bool:
        return self.state not in DONE_STATES

    def advance(
        self,
        to_state: CaseState | str,
        by: str,
        at: dt.datetime,
        *,
        note: str = "",
        unit: str = "",
        deadline: dt.datetime | None = None,
    ) -> CaseRecord:
        """This record with one more transition; IllegalTransition if the table forbids it."""
        try:
            target = CaseState(to_state)
        except ValueError as exc:
            names = ", ".join(s.value for s in CaseState)
            raise IllegalTransition(
                f"case {self.case_id}: {to_state!r} is not a state; states are {names}"
            ) from exc
        change = Transition(
            self.case_id, target, by, at, self.state, note=note, unit=unit, deadline=deadline
        )
        check_transition(self.last, change)
        return replace(self, history=(*self.history, change))

    def flag(self, flag: Flag) -> CaseRecord:
        """This record flagged for supervision (挂牌督办)."""
        if flag.case_id != self.case_id:
            raise IllegalTransition(f"flag for case {flag.case_id} given to case {self.case_id}")
        if not self.is_open:
            raise IllegalTransition(
                f"case {self.case_id} is {self.state.value}; only an open case can be flagged"
            )
        if flag.rectify_by <= flag.at:
            raise IllegalTransition(
                f"case {self.case_id}: the rectification deadline must come after the flag"
            )
        return replace(self, flags=(*self.flags, flag))

    def as_of(self, at: dt.datetime) -> CaseRecord | None:
        """The record as it stood at ``at``; None if the case was not reported yet."""
        if self.history[0].at > at:
            return None
        if self.history[-1].at <= at and (not self.flags or self.flags[-1].at <= at):
            return self
        history = tuple(t for t in self.history if t.at <= at)
        flags = tuple(f for f in self.flags if f.at <= at)
        return replace(self, history=history, flags=flags)

    def entered(self, state: CaseState) -> Transition | None:
        """The last transition into ``state``, if any."""
        for change in reversed(self.history):
            if change.to_state is state:
                return change
        return None


def open_case(case: Case, by: str) -> CaseRecord:
    """A new record: the case as reported (上报) at its reported time."""
    first = Transition(case.case_id, CaseState.REPORTED, by, case.reported_at)
    check_transition(None, first)
    return CaseRecord(case, (first,))
