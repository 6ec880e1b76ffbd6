"""Priorities under shortage (issue 17): the rules say which missing patrols cost most."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from roadchief.config import load_rules
from roadchief.domain import Week
from roadchief.errors import ConfigError
from roadchief.solve import SolverSettings, check_roster, explain_roster, plan_roster
from roadchief.solve.roster.capacity import capacity_floor
from roadchief.solve.roster.prepare import zone_problems
from solve_factory import DAYS, PlanContext, Recheck, instance, owned, person, seg

PRIORITY = {"class:arterial": 3, "place:school": 2, "open_cases": 4}


def _two(priority: dict[str, int], classes: tuple[str, str]) -> tuple:
    """One person, one 1 km tour, two 600 m segments needed once: one can be walked."""
    segs = [
        dataclasses.replace(seg(n, length_m=600.0), road_class=c)
        for n, c in zip((1, 2), classes, strict=True)
    ]
    inst = instance(
        segs, [person("a", max_week=1)], days=DAYS[:1], context=PlanContext(priority=priority)
    )
    return inst, owned({"s1": "a", "s2": "a"})


def _plan(inst, own):
    r = plan_roster(inst, own, SolverSettings(time_limit_s=5.0, workers=1, lanes=1))
    report = check_roster(inst, own, r)
    assert report.ok and report.objective == r.objective  # the checker prices it the same
    return r


def test_the_prioritised_segment_is_walked_and_the_other_left() -> None:
    inst, own = _two(PRIORITY, ("branch", "arterial"))
    r = _plan(inst, own)
    assert [a.segment_id for a in r.assignments] == ["s2"]  # the arterial, though s1 is first
    assert r.objective == 100 * 60  # the branch left: 60 units, factor 1
    worst = explain_roster(r, inst, check_roster(inst, own, r))["worst_served"]
    assert [(w["segment_id"], w["priority"]) for w in worst] == [("s1", 1)]


def test_when_both_have_priority_the_one_left_costs_its_factor() -> None:
    # both arterial: one cannot be walked whatever the roster, and it costs 3 x
    inst, own = _two(PRIORITY, ("arterial", "arterial"))
    (zone,) = zone_problems(inst, own)
    assert zone.priority == (3, 3)  # the floor is fractional: 1 km of 1.2 km walked
    assert capacity_floor(zone) == pytest.approx(3 * 100 * 60 * 0.2 / 0.6)
    r = _plan(inst, own)
    assert len(r.assignments) == 1 and r.objective == 3 * 100 * 60
    assert r.parts["A"].status == "OPTIMAL"


def test_places_and_open_cases_raise_the_priority_the_largest_wins() -> None:
    school = dataclasses.replace(seg(1), road_class="arterial", place_types=("school",))
    ctx = PlanContext(priority=PRIORITY, rechecks=(Recheck("c1", "s2", DAYS[3]),))
    inst = instance([school, seg(2), seg(3)], [person("a")], context=ctx)
    (zone,) = zone_problems(inst, owned({"s1": "a", "s2": "a", "s3": "a"}))
    assert zone.priority == (3, 4, 1)
    plain = dataclasses.replace(inst, context=PlanContext())
    assert zone_problems(plain, owned({"s1": "a", "s2": "a", "s3": "a"}))[0].priority == ()


def test_priority_rules_load_and_refuse_a_factor_below_one(tmp_path: Path) -> None:
    path = tmp_path / "city.toml"
    path.write_text(
        "[priority]\nopen_cases = 2\n[priority.road_classes]\narterial = 3\n"
        "[priority.places]\nMarket = 2\n",
        encoding="utf-8",
    )
    rules = load_rules(path)
    assert rules.priority == {"open_cases": 2, "class:arterial": 3, "place:market": 2}
    assert rules.plan_context(rules.patrol_week(Week.parse("2026-W49"))).priority == rules.priority
    path.write_text("[priority.road_classes]\narterial = 0\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"priority\.road_classes\.arterial"):
        load_rules(path)
