"""Each roster rule, solved by CP-SAT on a tiny instance: a case it allows and one it limits.

Every solved roster goes through the independent checker, and the solver's objective
must equal the checker's.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools

import pytest
from ortools.sat.python import cp_model

from roadchief.domain import (
    Assignment,
    Ownership,
    PatrolInstance,
    PlanContext,
    Roster,
    SlotWindow,
    Unavailability,
    tour_id_for,
)
from roadchief.errors import InfeasibleError, InputError
from roadchief.solve import SolverSettings, check_roster, greedy_roster, plan_roster
from roadchief.solve.roster.prepare import zone_problems
from roadchief.solve.roster.rules import Rule
from roadchief.solve.roster.rules.owner_reach import OwnerReach
from roadchief.solve.roster.rules.tours import ToursAreWalked
from roadchief.solve.roster.variables import RosterVars
from solve_factory import (
    DAYS,
    EARLY,
    EVENING,
    FULL_WEIGHTS,
    MON,
    TUE,
    WEIGHTS,
    instance,
    owned,
    person,
    roster,
    seg,
)

UNMET_600M = 100 * 60  # one missing patrol of a 600 m segment


def solve(inst: PatrolInstance, own: Ownership) -> Roster:
    """Plan, check and compare objectives; return the roster."""
    r = plan_roster(inst, own, SolverSettings(time_limit_s=5.0, workers=1, lanes=1))
    rep = check_roster(inst, own, r)
    assert rep.ok, rep.violations
    assert r.status == "OPTIMAL"
    assert rep.objective == r.objective
    greedy = check_roster(inst, own, greedy_roster(inst, own))
    assert greedy.ok, greedy.violations
    assert greedy.objective >= r.objective
    return r


def two_long_segments(ppw: int = 1) -> list:
    return [seg(1, length_m=600, ppw=ppw), seg(2, length_m=600, ppw=ppw)]


OWN12 = owned({"s1": "a", "s2": "a"})


@pytest.mark.parametrize(("days", "objective"), [((MON, TUE), 0), ((MON,), UNMET_600M)])
def test_one_tour_per_day(days: tuple, objective: int) -> None:
    # two 600 m segments never fit one 1 km tour: one day allows one of them
    r = solve(instance(two_long_segments(), [person("a")], days=days), OWN12)
    assert r.objective == objective
    assert len({(a.chief_id, a.day) for a in r.assignments}) == len(r.tours())


@pytest.mark.parametrize(("max_week", "objective"), [(3, 0), (2, UNMET_600M)])
def test_max_tours_per_week(max_week: int, objective: int) -> None:
    segs = [*two_long_segments(), seg(3, length_m=600)]
    r = solve(
        instance(segs, [person("a", max_week=max_week)]), owned({"s1": "a", "s2": "a", "s3": "a"})
    )
    assert r.objective == objective
    assert len(r.tours()) == min(3, max_week)


@pytest.mark.parametrize(("rest_h", "objective"), [(9.0, 0), (10.0, UNMET_600M)])
def test_rest_between_tours(rest_h: float, objective: int) -> None:
    # only Monday evening (ends 21:00) and Tuesday early (starts 06:30): 9.5 h apart
    off = Unavailability(half_days=frozenset({(0, True), (1, False)}))
    inst = instance(
        two_long_segments(),
        [person("a", off=off)],
        days=(MON, TUE),
        slots=(EARLY, EVENING),
        min_rest_hours=rest_h,
    )
    r = solve(inst, OWN12)
    assert r.objective == objective


@pytest.mark.parametrize(("length_m", "objective"), [(400.0, 0), (600.0, UNMET_600M)])
def test_tour_length(length_m: float, objective: int) -> None:
    segs = [seg(1, length_m=length_m), seg(2, length_m=length_m)]
    r = solve(instance(segs, [person("a")], days=(MON,)), OWN12)
    assert r.objective == objective


def test_segment_longer_than_any_tour_stays_unmet() -> None:
    r = solve(instance([seg(1, length_m=1200)], [person("a")]), owned({"s1": "a"}))
    assert r.assignments == ()
    assert r.objective == 100 * 120


NO_FAIRNESS = WEIGHTS.replace(fairness_per_tour=0)


@pytest.mark.parametrize(("days", "objective"), [((MON, TUE), 0), ((MON,), 100 * 30)])
def test_segment_once_per_day(days: tuple, objective: int) -> None:
    # a and b could both walk s1 on Monday; a second patrol the same day does not count
    inst = instance([seg(1, ppw=2)], [person("a"), person("b")], days=days, weights=NO_FAIRNESS)
    r = solve(inst, owned({"s1": "a"}))
    assert r.objective == objective
    assert len(r.assignments) == len(days)
    assert len({(a.segment_id, a.day) for a in r.assignments}) == len(r.assignments)


@pytest.mark.parametrize(
    ("off_days", "patrols"), [(frozenset({2, 3, 4, 5, 6}), 2), (frozenset({1, 2, 3, 4, 5, 6}), 1)]
)
def test_availability(off_days: frozenset, patrols: int) -> None:
    inst = instance([seg(1, ppw=2)], [person("a", off=Unavailability(weekdays=off_days))])
    r = solve(inst, owned({"s1": "a"}))
    assert len(r.assignments) == patrols
    assert all(a.day.weekday() not in off_days for a in r.assignments)
    assert r.objective == 100 * 30 * (2 - patrols)


@pytest.mark.parametrize(
    ("owner_off", "objective"), [(frozenset(), 0), (frozenset(range(7)), 2 * 30)]
)
def test_helper_patrols(owner_off: frozenset, objective: int) -> None:
    inst = instance([seg(1)], [person("a", off=Unavailability(weekdays=owner_off)), person("b")])
    r = solve(inst, owned({"s1": "a"}))
    assert r.objective == objective
    assert [a.chief_id for a in r.assignments] == (["a"] if objective == 0 else ["b"])


def test_unmet_demand_above_the_days() -> None:
    # 9 patrols a week but 7 days and at most one a day: 2 stay unmet
    inst = instance([seg(1, ppw=9)], [person("a"), person("b")])
    r = solve(inst, owned({"s1": "a"}))
    assert len(r.assignments) == 7
    # 2 unmet; a walks 5, b helps twice; loads 5 and 2 against a mean of 3.5 -> 4
    assert r.objective == 2 * 100 * 30 + 2 * 2 * 30 + 30


@pytest.mark.parametrize(
    ("fairness", "objective", "tours_of_b"), [(30, 30 * 2, 0), (300, 2 * 2 * 60, 2)]
)
def test_fair_load(fairness: int, objective: int, tours_of_b: int) -> None:
    # a owns four 600 m segments (four tours); b may help at 120 per patrol
    segs = [seg(n, length_m=600) for n in range(1, 5)]
    weights = WEIGHTS.replace(fairness_per_tour=fairness)
    inst = instance(segs, [person("a"), person("b")], weights=weights)
    r = solve(inst, owned({f"s{n}": "a" for n in range(1, 5)}))
    assert r.objective == objective
    assert sum(1 for t in r.tours() if t.startswith("b:")) == tours_of_b


# The rules of issue 4: slot windows, personal patrols, spread, unsocial fairness,
# continuity, pins and strict coverage. Each: a case the rule allows, one it limits.

EVENING_1 = (SlotWindow("class:branch", frozenset({"evening"}), 1),)


def ctx_instance(segs: list, chiefs: list, context: PlanContext, **kw: object) -> PatrolInstance:
    return instance(segs, chiefs, weights=FULL_WEIGHTS, context=context, **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("off", "objective"), [(frozenset(), 0), (frozenset({(d, False) for d in range(7)}), 50 * 30)]
)
def test_slot_windows(off: frozenset, objective: int) -> None:
    # one evening patrol a week: possible unless a is away every afternoon and evening
    chiefs = [person("a", off=Unavailability(half_days=off))]
    r = solve(ctx_instance([seg(1)], chiefs, PlanContext(windows=EVENING_1)), owned({"s1": "a"}))
    assert r.objective == objective
    assert ("evening" in {a.slot_id for a in r.assignments}) == (objective == 0)


@pytest.mark.parametrize(("max_week", "objective"), [(2, 30), (1, 150 * 60 + 2 * 60)])
def test_personal_patrols(max_week: int, objective: int) -> None:
    # a owns two 600 m segments (one per 1 km tour); with one tour a week b must walk one
    # (with two, a walks both and the fairness rule charges 30 for loads 2 and 0)
    ctx = PlanContext(accountability_patrols=1)
    inst = ctx_instance(two_long_segments(), [person("a", max_week=max_week), person("b")], ctx)
    r = solve(inst, OWN12)
    assert r.objective == objective


@pytest.mark.parametrize(("n_days", "objective"), [(4, 0), (3, 100 * 30)])
def test_spread(n_days: int, objective: int) -> None:
    # twice a week: 3 days apart; Monday to Wednesday leaves room for one patrol
    inst = ctx_instance(
        [seg(1, ppw=2)], [person("a")], PlanContext(spread=True), days=DAYS[:n_days]
    )
    r = solve(inst, owned({"s1": "a"}))
    assert r.objective == objective
    days = sorted(a.day for a in r.assignments)
    assert all((b - a).days >= 3 for a, b in itertools.pairwise(days))


@pytest.mark.parametrize(("second", "broken"), [(TUE, True), (DAYS[3], False)])
def test_the_checker_measures_the_spread_the_model_keeps(second: dt.date, broken: bool) -> None:
    # twice a week: 3 days apart (``spread_days``); Monday and Tuesday break it, Monday
    # and Thursday keep it
    inst = ctx_instance([seg(1, ppw=2)], [person("a")], PlanContext(spread=True))
    hand = roster([(MON, EARLY, "a", ["s1"]), (second, EARLY, "a", ["s1"])])
    found = [v for v in check_roster(inst, owned({"s1": "a"}), hand).violations if "spread" in v]
    assert found == (
        [f"spread: segment s1 (needed 2 a week) is patrolled 2 times in the 3 days from {MON}"]
        if broken
        else []
    )


@pytest.mark.parametrize(("n_days", "objective"), [(3, 0), (2, 100 * 30)])
def test_spread_counts_last_weeks_patrol(n_days: int, objective: int) -> None:
    # patrolled last Sunday: not again before Wednesday
    ctx = PlanContext(spread=True, last_patrol={"s1": MON - dt.timedelta(days=1)})
    r = solve(ctx_instance([seg(1)], [person("a")], ctx, days=DAYS[:n_days]), owned({"s1": "a"}))
    assert r.objective == objective
    assert all(a.day == DAYS[2] for a in r.assignments)


@pytest.mark.parametrize(("unsocial", "evening_of_b"), [(30, 0), (300, 1)])
def test_unsocial_fairness(unsocial: int, evening_of_b: int) -> None:
    # a owns two segments that each need an evening patrol; b may help at 60 a patrol
    weights = FULL_WEIGHTS.replace(unsocial_per_tour=unsocial)
    ctx = PlanContext(windows=EVENING_1, unsocial_slots=frozenset({"evening"}))
    inst = instance(two_long_segments(), [person("a"), person("b")], weights=weights, context=ctx)
    r = solve(inst, OWN12)
    b_evenings = sum(1 for t in r.tours() if t.startswith("b:") and t.endswith("evening"))
    assert b_evenings == evening_of_b


@pytest.mark.parametrize(("off", "objective"), [(frozenset(), 0), (frozenset({0}), 5)])
def test_continuity(off: frozenset, objective: int) -> None:
    # last week a walked on Monday morning only; this week a may be away on Monday
    ctx = PlanContext(previous_slot={("a", 0): "morning"})
    chiefs = [person("a", off=Unavailability(weekdays=off))]
    r = solve(ctx_instance([seg(1)], chiefs, ctx), owned({"s1": "a"}))
    assert r.objective == objective


@pytest.mark.parametrize(("avoid_days", "objective"), [(5, 0), (7, 20)])
def test_preferences(avoid_days: int, objective: int) -> None:
    # a would rather not patrol in the early slot of the first ``avoid_days`` days, and
    # early is the only slot: a free day is taken if there is one, else one tour costs 20
    avoid = Unavailability(dates=frozenset(DAYS[:avoid_days]))
    chiefs = [dataclasses.replace(person("a"), avoid=avoid)]
    inst = ctx_instance([seg(1)], chiefs, PlanContext(), slots=(EARLY,))
    r = solve(inst, owned({"s1": "a"}))
    assert r.objective == objective
    on_avoided = [a for a in r.assignments if a.day in avoid.dates]
    assert len(on_avoided) == (0 if objective == 0 else 1)


def test_pins_hold() -> None:
    pin = Assignment(TUE, "evening", "b", "s1", tour_id_for("b", TUE, "evening"), 1)
    ctx = PlanContext(pins=(pin,))
    r = solve(ctx_instance([seg(1)], [person("a"), person("b")], ctx), owned({"s1": "a"}))
    assert [(a.day, a.slot_id, a.chief_id) for a in r.assignments] == [(TUE, "evening", "b")]


def test_a_pin_that_breaks_a_rule_is_refused() -> None:
    off = Unavailability(weekdays=frozenset({1}))
    pin = Assignment(TUE, "evening", "b", "s1", tour_id_for("b", TUE, "evening"), 1)
    inst = ctx_instance([seg(1)], [person("a"), person("b", off=off)], PlanContext(pins=(pin,)))
    with pytest.raises(InputError, match="b is not available in slot evening"):
        plan_roster(inst, owned({"s1": "a"}), SolverSettings(time_limit_s=2.0, lanes=1))


def test_strict_coverage_holds_when_possible() -> None:
    ctx = PlanContext(strict=True, spread=True, accountability_patrols=1)
    r = solve(ctx_instance([seg(1, ppw=2)], [person("a")], ctx), owned({"s1": "a"}))
    assert r.objective == 0


def test_strict_coverage_explains_counted_shortfall() -> None:
    ctx = PlanContext(strict=True)
    inst = ctx_instance([seg(1, ppw=3)], [person("a")], ctx, days=DAYS[:2])
    with pytest.raises(
        InfeasibleError, match=r"segment s1 .* needs 3 patrol-slots .* 2 are available"
    ):
        plan_roster(inst, owned({"s1": "a"}), SolverSettings(time_limit_s=2.0, lanes=1))


def test_strict_coverage_explains_with_the_solver_core() -> None:
    # 2 patrols, 3 days: counting allows it, the spread rule does not
    ctx = PlanContext(strict=True, spread=True)
    inst = ctx_instance([seg(1, ppw=2), seg(5)], [person("a")], ctx, days=DAYS[:3])
    with pytest.raises(
        InfeasibleError,
        match=r"zone A: .*cannot all be covered together: s1.* They need \d+ patrol-slots",
    ):
        plan_roster(inst, owned({"s1": "a", "s5": "a"}), SolverSettings(time_limit_s=2.0, lanes=1))


# Cross-zone help (phase 2): zone A's a cannot walk s1 every day; b of zone B, next door,
# may help on days without a home tour, within their tours a week and rest.

CROSS_WEIGHTS = WEIGHTS.replace(cross_zone_per_10m=10)
CROSS_OWN = owned({"s1": "a", "s9": "b"})


@pytest.mark.parametrize(
    ("cross_zone", "b_max_week", "objective_a"),
    [
        (0, 5, 2 * 100 * 30),  # off: two patrols stay unmet
        (1, 5, 2 * 10 * 30),  # b walks both, at the cross-zone price
        (1, 2, 10 * 30 + 100 * 30),  # b has one tour left after the home one
    ],
)
def test_cross_zone_help(cross_zone: int, b_max_week: int, objective_a: int) -> None:
    segs = [seg(1, "A", ppw=7), seg(9, "B")]
    chiefs = [person("a", "A"), person("b", "B", max_week=b_max_week)]
    inst = instance(segs, chiefs, weights=CROSS_WEIGHTS, cross_zone=cross_zone)
    r = solve(inst, CROSS_OWN)
    assert r.parts["A"].objective == objective_a
    assert r.parts["B"].objective == 0  # b's home patrol stays
    b_days = [a.day for a in r.assignments if a.chief_id == "b"]
    assert len(b_days) == len(set(b_days)) == min(b_max_week, 3) if cross_zone else 1


@pytest.mark.parametrize(("rest_h", "objective_a"), [(9.0, 10 * 30), (10.0, 100 * 30)])
def test_cross_zone_help_keeps_rest_against_home_tours(rest_h: float, objective_a: int) -> None:
    # a is away all week; b can only walk Monday evening and Tuesday early (9.5 h apart):
    # one of those is b's home tour, the other is free for zone A only if the rest allows
    away = Unavailability(weekdays=frozenset(range(7)))
    off = Unavailability(half_days=frozenset({(0, True), (1, False)}))
    chiefs = [person("a", "A", off=away), person("b", "B", off=off)]
    inst = instance(
        [seg(1, "A"), seg(9, "B")],
        chiefs,
        days=(MON, TUE),
        slots=(EARLY, EVENING),
        min_rest_hours=rest_h,
        weights=CROSS_WEIGHTS,
        cross_zone=1,
    )
    r = solve(inst, CROSS_OWN)
    assert r.parts["A"].objective == objective_a
    assert r.parts["B"].objective == 0


@pytest.mark.parametrize(("cross_zone", "raises"), [(1, False), (0, True)])
def test_strict_coverage_with_cross_zone_help(cross_zone: int, raises: bool) -> None:
    # a alone walks s1 five days of seven: --strict holds only with b's help
    ctx = PlanContext(strict=True)
    segs = [seg(1, "A", ppw=7), seg(9, "B")]
    inst = ctx_instance(segs, [person("a", "A"), person("b", "B")], ctx, cross_zone=cross_zone)
    if raises:
        with pytest.raises(InfeasibleError, match=r"zone A: no roster covers every required"):
            plan_roster(inst, CROSS_OWN, SolverSettings(time_limit_s=2.0, lanes=1))
    else:  # (the greedy knows no cross-zone help: only the model is checked)
        r = plan_roster(inst, CROSS_OWN, SolverSettings(time_limit_s=5.0, workers=1, lanes=1))
        rep = check_roster(inst, CROSS_OWN, r)
        assert rep.ok, rep.violations
        assert rep.objective == r.objective == 2 * 10 * 30  # two cross-zone patrols
        assert rep.zones["A"].counts["cross_zone_patrols"] == 2


# Two rules the solve cases above never limit on their own: each alone on a fresh model
# (its variables, nothing else), a case it allows and one it forbids; and the checker.


def one_rule_model(rule: Rule, inst: PatrolInstance, own: Ownership) -> tuple:
    """A CP-SAT model of the first zone holding its variables and ``rule`` alone."""
    zone = zone_problems(inst, own)[0]
    model = cp_model.CpModel()
    v = RosterVars.create(model, zone)
    rule.apply(model, zone, v)
    return model, v


def status_of(model: cp_model.CpModel) -> str:
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    return solver.status_name(solver.solve(model))


@pytest.mark.parametrize(
    ("tour_on", "walk_s1", "status"),
    [(1, 1, "OPTIMAL"), (1, 0, "INFEASIBLE"), (0, 1, "INFEASIBLE")],
    ids=["a tour walks a segment", "an empty tour", "a patrol without a tour"],
)
def test_tours_are_walked(tour_on: int, walk_s1: int, status: str) -> None:
    # a's Monday: a tour patrols at least one segment, and a patrol needs the tour on
    model, v = one_rule_model(ToursAreWalked(), instance([seg(1), seg(2)], [person("a")]), OWN12)
    model.add(v.on[(0, 0)] == tour_on)
    model.add(v.patrol[(0, 0, 0)] == walk_s1)
    model.add(v.patrol[(0, 1, 0)] == 0)
    assert status_of(model) == status


def test_tours_are_walked_in_order_by_the_checker() -> None:
    inst = instance([seg(1), seg(2)], [person("a")])
    good = roster([(MON, EARLY, "a", ["s1", "s2"])])
    assert check_roster(inst, OWN12, good).ok
    a1, a2 = good.assignments
    bad = Roster(good.week, (a1, dataclasses.replace(a2, order=3)), good.parts)
    assert check_roster(inst, OWN12, bad).violations == [
        "walking order: a:2026-11-30:early has orders [1, 3], expected 1..2"
    ]


@pytest.mark.parametrize(("helped", "status"), [(True, "OPTIMAL"), (False, "INFEASIBLE")])
def test_owner_reach(helped: bool, status: str) -> None:
    # s1 needs 4 patrols; its owner a can walk on Monday and Tuesday only: b or the unmet
    # count must make up 2, which the cut says at once (no other rule is in the model)
    away = Unavailability(weekdays=frozenset(range(2, 7)))
    inst = instance([seg(1, ppw=4)], [person("a", off=away), person("b")])
    model, v = one_rule_model(OwnerReach(), inst, owned({"s1": "a"}))
    model.add(v.unmet[0] == 0)
    b_walks = [var for p, _d, var in v.by_segment[0] if p == 1]
    model.add(sum(b_walks) == (2 if helped else 0))
    assert status_of(model) == status


def test_owner_reach_cuts_off_no_roster() -> None:
    # the same segment solved with every rule: a walks both days, b the other two
    away = Unavailability(weekdays=frozenset(range(2, 7)))
    inst = instance([seg(1, ppw=4)], [person("a", off=away), person("b")], weights=NO_FAIRNESS)
    r = solve(inst, owned({"s1": "a"}))
    assert sorted(a.chief_id for a in r.assignments) == ["a", "a", "b", "b"]
    assert r.objective == 2 * 2 * 30  # two helper patrols of a 300 m segment
