"""The case state machine: the table, clear errors, and property tests over random changes."""

from __future__ import annotations

import contextlib
import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from roadchief.loop.cases import Case, CaseRecord, CaseSource, Flag, open_case
from roadchief.loop.states import (
    FINAL_STATES,
    STATE_ZH,
    TRANSITIONS,
    CaseState,
    IllegalTransition,
)

T0 = dt.datetime(2026, 10, 12, 9, 0)


def new(case_id: str = "C1") -> CaseRecord:
    case = Case(case_id, CaseSource.PATROL, T0, "0102", "暴露垃圾", 121.47, 31.23)
    return open_case(case, "张三")


def test_every_state_has_a_chinese_name_and_a_row() -> None:
    assert set(STATE_ZH) == set(CaseState) == set(TRANSITIONS)
    assert {CaseState.REJECTED, CaseState.SELF_FIXED} == FINAL_STATES
    for targets in TRANSITIONS.values():
        assert set(targets) <= set(CaseState)


def test_the_standard_flow() -> None:
    rec = new()
    steps = ["filed", "dispatched", "handled", "closed"]
    for i, state in enumerate(steps, start=1):
        rec = rec.advance(state, "李四", T0 + dt.timedelta(hours=i), unit="环卫所")
    assert [t.to_state.value for t in rec.history] == ["reported", *steps]
    assert [t.from_state for t in rec.history][1:] == [
        CaseState(s) for s in ["reported", *steps[:-1]]
    ]
    assert not rec.is_open


def test_closing_needs_a_recheck() -> None:
    rec = new().advance("filed", "a", T0).advance("dispatched", "a", T0)
    with pytest.raises(IllegalTransition, match=r"cannot go from dispatched \(派遣\) to closed"):
        rec.advance("closed", "a", T0)
    assert rec.state is CaseState.DISPATCHED and len(rec.history) == 3


@pytest.mark.parametrize(
    ("state", "kwargs", "message"),
    [
        ("shipped", {}, "not a state"),
        ("filed", {"by": " "}, "say who makes the change"),
        ("filed", {"at": T0 - dt.timedelta(minutes=1)}, "before the case's last change"),
    ],
)
def test_bad_changes_are_clear_errors(state: str, kwargs: dict[str, object], message: str) -> None:
    rec = new()
    args: dict[str, object] = {"by": "王五", "at": T0} | kwargs
    with pytest.raises(IllegalTransition, match=message):
        rec.advance(state, args["by"], args["at"])  # type: ignore[arg-type]
    assert rec.history == new().history


def test_extension_needs_a_later_deadline() -> None:
    rec = new().advance("filed", "a", T0).advance("dispatched", "a", T0)
    with pytest.raises(IllegalTransition, match="needs a new deadline"):
        rec.advance("extended", "a", T0)
    later = rec.advance("extended", "a", T0, deadline=T0 + dt.timedelta(days=3))
    assert later.last.deadline == T0 + dt.timedelta(days=3)


def test_flags_and_replay() -> None:
    rec = new().advance("filed", "a", T0 + dt.timedelta(hours=1))
    flag = Flag("C1", "district", "督查科", T0 + dt.timedelta(hours=2), T0 + dt.timedelta(days=2))
    rec = rec.flag(flag)
    assert rec.flags == (flag,)
    before = rec.as_of(T0 + dt.timedelta(minutes=30))
    assert before is not None and before.state is CaseState.REPORTED and not before.flags
    assert rec.as_of(T0 - dt.timedelta(seconds=1)) is None
    with pytest.raises(IllegalTransition, match="after the flag"):
        rec.flag(Flag("C1", "city", "x", T0, T0))


ACTIONS = st.lists(
    st.tuples(
        st.integers(0, 4),
        st.sampled_from(list(CaseState)),
        st.integers(-30, 600),
    ),
    max_size=60,
)


@settings(max_examples=300, deadline=None)
@given(ACTIONS)
def test_no_case_lost_and_no_illegal_state_reached(
    actions: list[tuple[int, CaseState, int]],
) -> None:
    """Random changes to five cases: every case survives, every history follows the table."""
    records = {f"C{i}": new(f"C{i}") for i in range(5)}
    for which, target, minutes in actions:
        cid = f"C{which}"
        before = records[cid]
        at = before.last.at + dt.timedelta(minutes=minutes)
        deadline = at + dt.timedelta(days=1)
        legal = target in TRANSITIONS[before.state] and minutes >= 0
        try:
            after = before.advance(target, "tester", at, deadline=deadline)
        except IllegalTransition:
            assert not legal
            assert records[cid] is before
            continue
        assert legal
        assert after.history[: len(before.history)] == before.history
        records[cid] = after
    assert sorted(records) == [f"C{i}" for i in range(5)]
    for rec in records.values():
        assert rec.history[0].to_state is CaseState.REPORTED
        for prev, nxt in zip(rec.history, rec.history[1:], strict=False):
            assert nxt.from_state is prev.to_state
            assert nxt.to_state in TRANSITIONS[prev.to_state]
            assert nxt.at >= prev.at
        assert rec.state not in FINAL_STATES or rec.last.to_state is rec.state


@settings(max_examples=100, deadline=None)
@given(ACTIONS, st.integers(0, 2000))
def test_replay_gives_a_prefix(actions: list[tuple[int, CaseState, int]], cut: int) -> None:
    rec = new()
    for _, target, minutes in actions:
        with contextlib.suppress(IllegalTransition):
            rec = rec.advance(
                target,
                "t",
                rec.last.at + dt.timedelta(minutes=abs(minutes)),
                deadline=rec.last.at + dt.timedelta(days=9),
            )
    at = T0 + dt.timedelta(minutes=cut)
    past = rec.as_of(at)
    assert past is not None
    assert past.history == rec.history[: len(past.history)]
    assert all(t.at <= at for t in past.history)
    assert len(past.history) == sum(t.at <= at for t in rec.history)
