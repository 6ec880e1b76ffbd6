"""Pure domain pieces: ISO weeks, slots and solve statistics."""

from __future__ import annotations

import datetime as dt

import pytest

from roadchief.domain import Roster, Slot, SolveStats, Week, weighted_gap


def test_week_parses_and_lists_its_days() -> None:
    week = Week.parse("2026-w49")
    assert str(week) == "2026-W49"
    assert week.days[0] == dt.date(2026, 11, 30) and week.days[-1] == dt.date(2026, 12, 6)
    assert str(week.next()) == "2026-W50"
    assert str(Week.parse("2026-W53").next()) == "2027-W01"


@pytest.mark.parametrize("text", ["2026-49", "2026-W54", "W49", ""])
def test_week_rejects_what_is_not_an_iso_week(text: str) -> None:
    with pytest.raises(ValueError, match="ISO week"):
        Week.parse(text)


def test_slot_halves_follow_noon() -> None:
    assert Slot("morning", dt.time(9), dt.time(11, 30)).is_morning
    assert not Slot("afternoon", dt.time(12), dt.time(17)).is_morning
    assert Slot("early", dt.time(6, 30), dt.time(8, 30)).minutes == 120


def test_gap_is_relative_to_the_objective_and_zero_when_optimal() -> None:
    assert SolveStats("FEASIBLE", 200.0, 150.0, 1.0, 0).gap == pytest.approx(0.25)
    assert SolveStats("OPTIMAL", 200.0, 199.0, 1.0, 0).gap == 0.0
    assert SolveStats("FEASIBLE", 0.5, 0.0, 1.0, 0).gap == pytest.approx(0.5)


def test_weighted_gap_weighs_each_part() -> None:
    parts = {
        "a": SolveStats("FEASIBLE", 200.0, 150.0, 1.0, 0),  # gap 0.25
        "b": SolveStats("OPTIMAL", 90.0, 90.0, 1.0, 0),  # gap 0
    }
    assert weighted_gap(parts, {"a": 1.0, "b": 3.0}) == pytest.approx(0.0625)
    assert weighted_gap(parts, {"a": 2.0}) == pytest.approx(0.25)  # b weighs nothing
    assert weighted_gap(parts, {}) == 0.0


def test_the_city_gap_does_not_grow_with_the_number_of_parts() -> None:
    parts = {z: SolveStats("FEASIBLE", 100.0, 98.0, 1.0, 0) for z in "abcde"}
    roster = Roster(Week.parse("2026-W49"), (), parts)
    assert roster.gap_city == pytest.approx(0.02)  # not 0.10, the parts' gaps summed
    assert not hasattr(roster, "gap")  # one gap of a run: summary.json's gap is gap_city
