"""The states of a case, the one table of allowed transitions, and the append-only history.

The standard flow is reported -> filed -> dispatched -> handled -> closed (上报, 立案, 派遣,
处置完成, 核查结案). Side paths: rejected (不予立案/作废), returned (回退, a wrong dispatch),
extended (延期, with a new deadline), parked (挂账), rework (返工, a recheck found the
problem not fixed or the reporter was not satisfied) and self_fixed (立行立改, fixed on
the spot by the chief). ``closed`` is reached only from ``handled``, that is only after a
recheck (复检) confirms the fix: that is what strikes an item off (销号).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from roadchief.errors import RoadchiefError


class CaseState(StrEnum):
    REPORTED = "reported"
    FILED = "filed"
    DISPATCHED = "dispatched"
    HANDLED = "handled"
    CLOSED = "closed"
    REJECTED = "rejected"
    RETURNED = "returned"
    EXTENDED = "extended"
    PARKED = "parked"
    REWORK = "rework"
    SELF_FIXED = "self_fixed"


STATE_ZH: Mapping[CaseState, str] = {
    CaseState.REPORTED: "上报",
    CaseState.FILED: "立案",
    CaseState.DISPATCHED: "派遣",
    CaseState.HANDLED: "处置完成",
    CaseState.CLOSED: "核查结案",
    CaseState.REJECTED: "不予立案",
    CaseState.RETURNED: "回退",
    CaseState.EXTENDED: "延期",
    CaseState.PARKED: "挂账",
    CaseState.REWORK: "返工",
    CaseState.SELF_FIXED: "立行立改",
}

S = CaseState
TRANSITIONS: Mapping[CaseState, Mapping[CaseState, str]] = {
    S.REPORTED: {S.FILED: "立案", S.REJECTED: "不予立案", S.SELF_FIXED: "立行立改"},
    S.FILED: {S.DISPATCHED: "派遣", S.REJECTED: "作废", S.PARKED: "挂账"},
    S.DISPATCHED: {
        S.HANDLED: "处置完成",
        S.RETURNED: "回退",
        S.EXTENDED: "延期",
        S.PARKED: "挂账",
    },
    S.RETURNED: {S.DISPATCHED: "重新派遣", S.REJECTED: "作废", S.PARKED: "挂账"},
    S.EXTENDED: {S.HANDLED: "处置完成", S.EXTENDED: "再次延期", S.PARKED: "挂账"},
    S.HANDLED: {S.CLOSED: "核查结案", S.REWORK: "核查未通过, 返工"},
    S.REWORK: {S.HANDLED: "处置完成", S.EXTENDED: "延期", S.PARKED: "挂账"},
    S.PARKED: {S.DISPATCHED: "重新派遣", S.REJECTED: "作废"},
    S.CLOSED: {S.REWORK: "回访不满意, 返工"},
    S.REJECTED: {},
    S.SELF_FIXED: {},
}
"""From each state, the states a case may go to, with the action's Chinese name."""

FINAL_STATES = frozenset(s for s, nxt in TRANSITIONS.items() if not nxt)
"""States no transition leaves."""
DONE_STATES = frozenset({S.CLOSED, S.REJECTED, S.SELF_FIXED})
"""States that count as no longer open (closed can still be reopened on a callback)."""
OPEN_STATES = frozenset(CaseState) - DONE_STATES


class IllegalTransition(RoadchiefError, ValueError):
    """A change the transition table or the history does not allow; nothing was changed."""


@dataclass(frozen=True)
class Transition:
    """One change of state: append-only, with who made it and when."""

    case_id: str
    to_state: CaseState
    by: str
    at: dt.datetime
    """Local time of the change (naive, in the rules' time zone)."""
    from_state: CaseState | None = None
    """None only for the first record, ``reported``."""
    note: str = ""
    unit: str = ""
    """For ``dispatched``: the unit (责任单位) the case is pushed to."""
    deadline: dt.datetime | None = None
    """For ``extended``: the new deadline, later than ``at``."""


def check_transition(previous: Transition | None, change: Transition) -> None:
    """Raise IllegalTransition unless ``change`` may follow ``previous`` (None: a new case)."""
    cid = change.case_id
    if not change.by.strip():
        raise IllegalTransition(f"case {cid}: say who makes the change (--by PERSON)")
    if previous is None:
        if change.to_state is not S.REPORTED or change.from_state is not None:
            raise IllegalTransition(
                f"case {cid}: a case starts as 'reported' (上报), not {change.to_state.value!r}"
            )
        return
    here = previous.to_state
    if change.from_state is not here:
        raise IllegalTransition(
            f"case {cid}: the change says it leaves {_name(change.from_state)} "
            f"but the case is {_name(here)}"
        )
    allowed = TRANSITIONS[here]
    if change.to_state not in allowed:
        options = ", ".join(f"{s.value} ({STATE_ZH[s]})" for s in allowed) or "nothing (final)"
        raise IllegalTransition(
            f"case {cid}: cannot go from {_name(here)} to {_name(change.to_state)}; "
            f"from {here.value} it can go to {options}"
        )
    if change.at < previous.at:
        raise IllegalTransition(
            f"case {cid}: the change at {change.at:%Y-%m-%d %H:%M} is before the case's "
            f"last change at {previous.at:%Y-%m-%d %H:%M}; give a later --at"
        )
    if change.to_state is S.EXTENDED and (change.deadline is None or change.deadline <= change.at):
        raise IllegalTransition(
            f"case {cid}: an extension (延期) needs a new deadline after {change.at:%Y-%m-%d %H:%M}"
        )


def _name(state: CaseState | None) -> str:
    return "(new)" if state is None else f"{state.value} ({STATE_ZH[state]})"
