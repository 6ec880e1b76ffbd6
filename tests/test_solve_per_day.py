"""Patrols a day (issue 17): a market or school street patrolled twice a day, in two slots."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from ortools.sat.python import cp_model

from roadchief.config import load_rules
from roadchief.domain import SlotWindow
from roadchief.errors import ConfigError
from roadchief.solve import SolverSettings, check_roster, plan_roster
from roadchief.solve.roster.greedy import greedy_tours
from roadchief.solve.roster.impossible import impossible_demand_of
from roadchief.solve.roster.prepare import zone_problems
from roadchief.solve.roster.zone_model import ZoneModel
from solve_factory import (
    DAYS,
    EARLY,
    EVENING,
    FULL_WEIGHTS,
    MORNING,
    PlanContext,
    instance,
    owned,
    person,
    roster,
    seg,
)

PER_DAY = {"default": 1, "place:market": 2}


def _market(ppw: int, per_day: dict[str, int]) -> tuple:
    """A 300 m market street needing ``ppw`` patrols a week, three people, one week."""
    street = dataclasses.replace(seg(1, ppw=ppw), place_types=("market",))
    people = [person("a"), person("b"), person("c")]
    inst = instance([street], people, context=PlanContext(per_day=per_day))
    return inst, owned({"s1": "a"})


def test_a_market_street_needing_twelve_gets_twelve_in_two_slots_a_day() -> None:
    inst, own = _market(12, PER_DAY)
    (zone,) = zone_problems(inst, own)
    assert zone.per_day == (2,)
    assert impossible_demand_of(inst, own)["patrols"] == 0  # 7 days x 2 a day
    r = plan_roster(inst, own, SolverSettings(time_limit_s=10.0, workers=2, lanes=1))
    rep = check_roster(inst, own, r)
    assert rep.ok, rep.violations
    assert len(r.assignments) == 12
    by_day: dict = {}
    for a in r.assignments:
        by_day.setdefault(a.day, []).append(a.slot_id)
    assert max(len(v) for v in by_day.values()) == 2
    assert all(len(set(v)) == len(v) for v in by_day.values())  # never twice in one slot
    # the greedy hint holds the rule too, and is a feasible, complete hint
    zm = ZoneModel.build(zone)
    zm.add_hint(greedy_tours(zone))
    solver = cp_model.CpSolver()
    solver.parameters.fix_variables_to_their_hinted_value = True
    assert solver.solve(zm.model) in (cp_model.OPTIMAL, cp_model.FEASIBLE)


def test_once_a_day_by_default_and_more_than_the_cap_is_named_impossible() -> None:
    inst, own = _market(16, PER_DAY)  # 7 days x 2 = 14 at most
    imp = impossible_demand_of(inst, own)
    assert imp["by_reason"]["days"] == 2 and imp["segments"][0]["possible"] == 14
    plain, own = _market(12, {})
    assert zone_problems(plain, own)[0].per_day == ()
    assert impossible_demand_of(plain, own)["by_reason"]["days"] == 5  # 12 - 7


def test_the_checker_refuses_two_patrols_in_one_slot_or_above_the_cap() -> None:
    inst, own = _market(12, PER_DAY)
    mon = DAYS[0]
    twice = roster([(mon, MORNING, "a", ["s1"]), (mon, EVENING, "b", ["s1"])])
    assert check_roster(inst, own, twice).ok
    same = roster([(mon, MORNING, "a", ["s1"]), (mon, MORNING, "b", ["s1"])])
    thrice = roster(
        [(mon, EARLY, "c", ["s1"]), (mon, MORNING, "a", ["s1"]), (mon, EVENING, "b", ["s1"])]
    )  # three slots, above the 2 a day
    for bad in (same, thrice):
        rep = check_roster(inst, own, bad)
        assert not rep.ok and any(v.startswith("once a day") for v in rep.violations)


def test_per_day_rules_load_and_refuse_zero(tmp_path: Path) -> None:
    rules = load_rules(None)
    assert rules.per_day == {"default": 1, "place:market": 2, "place:school": 2}
    path = tmp_path / "city.toml"
    path.write_text("[per_day.road_classes]\narterial = 0\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"per_day\.road_classes\.arterial"):
        load_rules(path)


def test_each_patrol_of_a_day_in_the_window_counts_as_the_checker_counts() -> None:
    # 12 a week, 2 a day, 9 of them in the morning: a day's morning patrol counts even when
    # its evening patrol does not, in the model as in the checker
    inst, own = _market(12, PER_DAY)
    window = SlotWindow("place:market", frozenset({"morning", "early"}), 9)
    ctx = dataclasses.replace(inst.context, windows=(window,))
    inst = dataclasses.replace(inst, context=ctx, weights=FULL_WEIGHTS)
    (zone,) = zone_problems(inst, own)
    zm = ZoneModel.build(zone)
    greedy = greedy_tours(zone)
    zm.add_hint(greedy)
    solver = cp_model.CpSolver()
    solver.parameters.fix_variables_to_their_hinted_value = True
    assert solver.solve(zm.model) in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    r = plan_roster(inst, own, SolverSettings(time_limit_s=10.0, workers=2, lanes=1))
    rep = check_roster(inst, own, r)
    assert rep.ok and rep.objective == r.objective
    morning = sum(1 for a in r.assignments if a.slot_id in window.slots)
    assert len(r.assignments) == 12 and morning >= 9
