"""No trip for nothing: a tour whose segments add up to less than ``roster.min_tour_m`` costs."""

from __future__ import annotations

from roadchief.domain import PlanContext
from roadchief.solve import SolverSettings, check_roster, plan_roster
from roadchief.solve.roster.prepare import zone_problems
from roadchief.solve.roster.zone_model import ZoneModel
from solve_factory import MON, MORNING, TUE, WEIGHTS, instance, owned, person, roster, seg

SHORT = WEIGHTS.replace(short_tour_per_10m=2)
TWO = [seg(1, length_m=200.0), seg(2, length_m=200.0)]  # joined end to end, 400 m in all


def case(min_tour_m: float) -> tuple:
    inst = instance(
        TWO, [person("a")], days=(MON, TUE), weights=SHORT,
        context=PlanContext(min_tour_m=min_tour_m),
    )  # fmt: skip
    return inst, owned({"s1": "a", "s2": "a"})


def test_a_tour_long_enough_costs_nothing() -> None:
    inst, own = case(400.0)
    report = check_roster(inst, own, roster([(MON, MORNING, "a", ["s1", "s2"])]))
    assert report.ok and report.objective == 0
    assert report.zones["A"].to_json()["short_tours"] == 0


def test_each_10_m_short_costs_in_the_checker_and_the_model_alike() -> None:
    inst, own = case(500.0)
    split = roster([(MON, MORNING, "a", ["s1"]), (TUE, MORNING, "a", ["s2"])])
    report = check_roster(inst, own, split)
    assert report.ok
    zone = report.zones["A"].to_json()
    assert zone["short_tours"] == 2 and zone["short_tour_penalty"] == 2 * 30 * 2  # 300 m short
    zm = ZoneModel.build(zone_problems(inst, own)[0])
    assert zm.objective_of({(0, 0): (0, [0]), (0, 1): (0, [1])}) == report.objective


def test_the_roster_walks_short_segments_in_one_tour() -> None:
    inst, own = case(500.0)
    r = plan_roster(inst, own, SolverSettings(time_limit_s=5.0, workers=1, lanes=1))
    report = check_roster(inst, own, r)
    assert report.ok, report.violations
    assert len(r.tours()) == 1 and r.objective == report.objective == 10 * 2  # 100 m short
    assert r.parts["A"].status == "OPTIMAL"


def test_no_minimum_adds_nothing_to_the_model() -> None:
    inst, own = case(0.0)
    zm = ZoneModel.build(zone_problems(inst, own)[0])
    assert not zm.vars.short_tour and not [t for t in zm.terms if t.rule == "short tours"]
