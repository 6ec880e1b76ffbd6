"""The CP-SAT roster as a whole: complete hint, per-zone parts, errors, random instances."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ortools.sat.python import cp_model

from roadchief.domain import (
    ChiefLevel,
    Ownership,
    PatrolInstance,
    PlanContext,
    Roster,
    SlotWindow,
    Unavailability,
)
from roadchief.errors import InfeasibleError, SolverError
from roadchief.solve import (
    SolverSettings,
    assign_owners,
    check_roster,
    greedy_roster,
    plan_roster,
)
from roadchief.solve.roster.capacity import capacity_floor, unmet_floor
from roadchief.solve.roster.cross_zone import PHASE_SHARE, reserve_share
from roadchief.solve.roster.fit import fit_tours
from roadchief.solve.roster.greedy import greedy_tours
from roadchief.solve.roster.prepare import zone_problems
from roadchief.solve.roster.solve_zone import cp_solver, stopped_by_clock
from roadchief.solve.roster.tours import assignments_of
from roadchief.solve.roster.walk import WalkNetwork
from roadchief.solve.roster.zone_model import ZoneModel
from solve_factory import (
    FULL_WEIGHTS,
    SLOTS,
    every_rule,
    grid_instance,
    instance,
    owned,
    person,
    seg,
)

GRID = grid_instance(8, 6, zones=2, people=3, seed=1)
GRID_OWN = assign_owners(GRID)
GRID_NEAR = dataclasses.replace(GRID, helpers_per_segment=1)  # owner + 1 nearest helper
GRID_RULES = every_rule(GRID)  # 1 helper, windows, spread, personal patrols, unsocial, last week


@pytest.mark.parametrize(
    "grid", [GRID, GRID_NEAR, GRID_RULES], ids=["everyone helps", "1 helper", "every rule"]
)
def test_greedy_hint_is_complete_and_feasible(grid: PatrolInstance) -> None:
    assert check_roster(grid, GRID_OWN, greedy_roster(grid, GRID_OWN)).ok
    zones = zone_problems(grid, GRID_OWN)
    unfitted = [a for zone in zones for a in assignments_of(zone, greedy_tours(zone))]
    greedy = check_roster(grid, GRID_OWN, Roster(grid.week, tuple(sorted(unfitted)), {}))
    for zone in zones:
        zm = ZoneModel.build(zone)
        zm.add_hint(greedy_tours(zone))
        proto = zm.model.proto
        assert len(proto.solution_hint.vars) == len(proto.variables)  # every variable hinted
        solver = cp_model.CpSolver()
        solver.parameters.fix_variables_to_their_hinted_value = True
        solver.parameters.num_workers = 1
        status = solver.solve(zm.model)
        assert status in (cp_model.OPTIMAL, cp_model.FEASIBLE), solver.status_name(status)
        assert solver.objective_value == greedy.zones[zone.zone_id].objective


def test_roster_has_a_part_per_zone_and_passes_the_checker() -> None:
    r = plan_roster(GRID, GRID_OWN, SolverSettings(time_limit_s=6.0, workers=2, lanes=1))
    rep = check_roster(GRID, GRID_OWN, r)
    assert rep.ok, rep.violations
    assert set(r.parts) == {"A", "B"}
    for zone_id, part in r.parts.items():
        assert part.objective == rep.zones[zone_id].objective
        assert part.best_bound <= part.objective
        assert part.seed == 0
    greedy = check_roster(GRID, GRID_OWN, greedy_roster(GRID, GRID_OWN))
    assert rep.objective <= greedy.objective
    for tour in r.tours().values():
        assert [a.order for a in tour] == list(range(1, len(tour) + 1))


def test_walking_order_follows_the_road() -> None:
    net = WalkNetwork([seg(3), seg(1), seg(4), seg(2)])
    assert net.plan_walk(["s3", "s1", "s4", "s2"]).order == ("s1", "s2", "s3", "s4")


NO_SEARCH = {"stop_after_presolve": True}  # CP-SAT ends with status UNKNOWN, no solution


def test_no_solution_in_time_without_a_warm_start_raises() -> None:
    with pytest.raises(SolverError, match=r"zone A: no roster found within .* \(status UNKNOWN"):
        plan_roster(
            instance([seg(1)], [person("a")]),
            owned({"s1": "a"}),
            SolverSettings(
                time_limit_s=1.0, hint=False, cp_params=tuple(NO_SEARCH.items()), lanes=1
            ),
        )


def test_no_solution_in_time_falls_back_to_the_checked_greedy() -> None:
    inst, own = instance([seg(1), seg(2)], [person("a")]), owned({"s1": "a", "s2": "a"})
    roster = plan_roster(
        inst, own, SolverSettings(time_limit_s=1.0, cp_params=tuple(NO_SEARCH.items()), lanes=1)
    )
    part = roster.parts["A"]
    assert part.status == "GREEDY"
    assert 0.0 <= part.best_bound <= part.objective
    report = check_roster(inst, own, roster)
    assert report.ok and report.objective == part.objective
    assert roster.assignments == greedy_roster(inst, own).assignments


def test_an_unknown_cp_sat_parameter_is_refused() -> None:
    with pytest.raises(SolverError, match="CP-SAT parameter no_such_knob=1 is not valid"):
        plan_roster(
            instance([seg(1)], [person("a")]),
            owned({"s1": "a"}),
            SolverSettings(time_limit_s=30.0, cp_params=(("no_such_knob", 1),), lanes=1),
        )


def test_ownership_that_does_not_fit_raises() -> None:
    inst = instance([seg(1, "A"), seg(2, "A"), seg(3, "B")], [person("a", "A"), person("b", "B")])
    with pytest.raises(InfeasibleError) as err:
        plan_roster(
            inst, owned({"s1": "b", "s2": "nobody"}), SolverSettings(time_limit_s=30.0, lanes=1)
        )
    text = str(err.value)
    assert "s1 lies in zone A but its owner b serves zone B" in text
    assert "owner nobody is not a known chief" in text
    assert "s3 (zone B) has no owner" in text


def test_zone_without_patrolling_people_is_all_unmet() -> None:
    inst = instance([seg(1), seg(2, "B")], [person("a"), person("boss", "B", level=ChiefLevel.L1)])
    own = Ownership({"s1": "a", "s2": "boss"})  # boss owns s2 but does not patrol
    r = plan_roster(inst, own, SolverSettings(time_limit_s=2.0, lanes=1))
    rep = check_roster(inst, own, r)
    assert rep.ok
    assert r.parts["B"].objective == 100 * 30
    assert rep.objective == r.objective


@st.composite
def small_instances(draw: st.DrawFn) -> tuple:
    """1-2 zones, 2-6 segments, 1-3 people per zone, random leave, caps, rest, helpers and
    cross-zone helpers."""
    n_zones = draw(st.integers(1, 2))
    segments, chiefs, owner_of = [], [], {}
    for z in range(n_zones):
        zone = "AB"[z]
        people = []
        for k in range(draw(st.integers(1, 3))):
            level = draw(st.sampled_from([ChiefLevel.SEGMENT, ChiefLevel.SEGMENT, ChiefLevel.L2]))
            off = Unavailability(
                weekdays=frozenset(draw(st.sets(st.integers(0, 6), max_size=4))),
                half_days=frozenset(
                    draw(st.sets(st.tuples(st.integers(0, 6), st.booleans()), max_size=4))
                ),
            )
            avoid = Unavailability(
                half_days=frozenset(
                    draw(st.sets(st.tuples(st.integers(0, 6), st.booleans()), max_size=4))
                )
            )
            who = person(f"{zone}{k}", zone, level=level, max_week=draw(st.integers(0, 5)), off=off)
            people.append(dataclasses.replace(who, avoid=avoid))
        chiefs.extend(people)
        for _ in range(draw(st.integers(2, 6)) // n_zones + 1):
            n = len(segments) + 1
            segments.append(
                seg(n, zone, length_m=draw(st.floats(5.0, 1300.0)), ppw=draw(st.integers(0, 8)))
            )
            owner_of[f"s{n}"] = draw(st.sampled_from(people)).chief_id
    days = draw(st.sampled_from([3, 5, 7]))
    rest = draw(st.sampled_from([0.0, 10.0, 13.0, 30.0]))
    helpers = draw(st.sampled_from([None, 0, 1, 2]))
    cross_zone = draw(st.sampled_from([0, 1, 2]))
    context = PlanContext()
    if draw(st.booleans()):  # the full rule set: windows, spread, personal patrols, last week
        the_days = grid_days(days)
        context = PlanContext(
            windows=(
                SlotWindow(
                    "class:branch", frozenset({draw(st.sampled_from(["early", "evening"]))}), 1
                ),
                SlotWindow("class:branch", frozenset({"morning"}), draw(st.integers(1, 2))),
            ),
            accountability_patrols=draw(st.integers(0, 2)),
            spread=draw(st.booleans()),
            unsocial_slots=frozenset({"evening"}),
            weekend=frozenset(d for d in the_days if d.weekday() >= 5),
            last_patrol={
                s.segment_id: dt.date(2026, 11, 29) - dt.timedelta(days=draw(st.integers(0, 3)))
                for s in segments
                if draw(st.booleans())
            },
            previous_slot={
                (c.chief_id, wd): draw(st.sampled_from(["early", "morning", "evening"]))
                for c in chiefs
                for wd in range(7)
                if draw(st.integers(0, 3)) == 0
            },
        )
    inst = instance(
        segments,
        chiefs,
        days=grid_days(days),
        slots=SLOTS,
        min_rest_hours=rest,
        helpers=helpers,
        weights=FULL_WEIGHTS,
        context=context,
        cross_zone=cross_zone,
    )
    return inst, Ownership(owner_of)


def grid_days(n: int) -> tuple[dt.date, ...]:
    monday = dt.date(2026, 11, 30)
    return tuple(monday + dt.timedelta(days=i) for i in range(n))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_instances())
def test_every_roster_passes_the_checker(case: tuple) -> None:
    inst, own = case
    greedy = greedy_roster(inst, own)
    greedy_rep = check_roster(inst, own, greedy)
    assert greedy_rep.ok, greedy_rep.violations
    for zone in zone_problems(inst, own):  # the model prices the greedy as the checker does
        tours = fit_tours(zone, greedy_tours(zone)).tours
        assert ZoneModel.build(zone).objective_of(tours) == greedy_rep.zones[zone.zone_id].objective
    r = plan_roster(inst, own, SolverSettings(time_limit_s=5.0, workers=1, lanes=1))
    rep = check_roster(inst, own, r)
    assert rep.ok, rep.violations
    assert rep.objective == r.objective
    assert r.objective <= greedy.objective
    for zone_id, part in r.parts.items():  # never worse than the fitted greedy, zone by zone
        assert part.objective <= greedy_rep.zones[zone_id].objective


@pytest.mark.slow
def test_deterministic_search_repeats_the_roster() -> None:
    def solve() -> tuple[object, ...]:
        roster = plan_roster(
            GRID_RULES,
            GRID_OWN,
            SolverSettings(time_limit_s=2.0, seed=3, workers=2, deterministic=True, lanes=1),
        )
        assert {p.status for p in roster.parts.values()} <= {"OPTIMAL", "FEASIBLE"}
        assert not any(p.stopped_by_clock for p in roster.parts.values())
        return (roster.assignments, roster.objective, roster.best_bound)

    assert solve() == solve()


def test_a_deterministic_search_cut_by_the_clock_says_so() -> None:
    zone = max(zone_problems(GRID, GRID_OWN), key=lambda z: z.size)
    zm = ZoneModel.build(zone)
    solver = cp_solver(
        1000.0, SolverSettings(workers=2, deterministic=True)
    )  # a deterministic limit it cannot reach
    solver.parameters.max_time_in_seconds = 0.001  # the safety cap, made to bite
    status = solver.solve(zm.model)
    assert status != cp_model.OPTIMAL
    assert stopped_by_clock(solver, status, deterministic=True)
    assert not stopped_by_clock(solver, status, deterministic=False)
    in_time = cp_solver(
        0.05, SolverSettings(workers=2, deterministic=True)
    )  # ends at its deterministic limit
    assert not stopped_by_clock(in_time, in_time.solve(zm.model), deterministic=True)


# Zone A keeps one segment chief of three (and its L2): it is short; zone B, with four
# patrollers more, is not, and has days to spare. The grid's blocks are 60-400 m: a step
# between two segments of a tour is longer than the default walk allowance.
SHORT = dataclasses.replace(
    GRID,
    chiefs=(
        *(c for c in GRID.chiefs if c.chief_id not in ("a1", "a2")),
        *(person(f"b-p{k}", "B", level=ChiefLevel.PATROLLER) for k in range(1, 5)),
    ),
    context=dataclasses.replace(GRID.context, walk_allowance_m=200.0),
)
SHORT_OWN = assign_owners(SHORT)


@pytest.mark.slow
def test_cross_zone_help_only_adds_coverage() -> None:
    def plan(cross_zone: int) -> tuple[object, ...]:
        inst = dataclasses.replace(SHORT, cross_zone_helpers=cross_zone)
        r = plan_roster(
            inst,
            SHORT_OWN,
            SolverSettings(time_limit_s=2.0, seed=1, workers=2, deterministic=True, lanes=1),
        )
        rep = check_roster(inst, SHORT_OWN, r)
        assert rep.ok, rep.violations
        assert rep.objective == r.objective
        return r, rep

    alone, alone_rep = plan(0)
    helped, helped_rep = plan(2)
    assert alone_rep.zones["A"].patrols_planned < alone_rep.zones["A"].patrols_required
    assert helped_rep.zones["A"].counts["cross_zone_patrols"] > 0
    for zone_id, z in helped_rep.zones.items():
        assert z.patrols_planned >= alone_rep.zones[zone_id].patrols_planned
        assert helped.parts[zone_id].objective <= alone.parts[zone_id].objective
    # zone B was not short: its roster (the helpers' home tours) is phase 1's, untouched
    zone_b = {s.segment_id for s in SHORT.segments if s.zone_id == "B"}
    assert [a for a in helped.assignments if a.segment_id in zone_b] == [
        a for a in alone.assignments if a.segment_id in zone_b
    ]
    b_people = {c.chief_id for c in SHORT.chiefs if c.zone_id == "B"}
    away = [a for a in helped.assignments if a.chief_id in b_people and a.segment_id not in zone_b]
    home_days = {(a.chief_id, a.day) for a in alone.assignments if a.chief_id in b_people}
    assert away and not {(a.chief_id, a.day) for a in away} & home_days


def test_phase_2_time_is_kept_only_where_a_zone_is_bound_to_be_short_and_another_is_not() -> None:
    helped = dataclasses.replace(SHORT, cross_zone_helpers=2)
    short_zones = zone_problems(helped, SHORT_OWN)
    assert any(capacity_floor(z) > 0 for z in short_zones)  # zone A cannot walk its demand
    assert reserve_share(short_zones, helped) == PHASE_SHARE
    assert reserve_share(short_zones, SHORT) == 0.0  # cross-zone help off
    staffed = instance([seg(1), seg(2, "B")], [person("a"), person("b", "B")], cross_zone=1)
    zones = zone_problems(staffed, owned({"s1": "a", "s2": "b"}))
    assert all(capacity_floor(z) == 0 for z in zones)
    assert reserve_share(zones, staffed) == 0.0
    # s1 needs a patrol every day, its owner walks 5 tours a week: a helper's two patrols
    # cost (the capacity floor is above 0), but the zone is not short, so no time is kept
    helped_in_zone = instance(
        [seg(1, ppw=7), seg(2, "B")], [person("a"), person("a2"), person("b", "B")], cross_zone=1
    )
    zones = zone_problems(helped_in_zone, owned({"s1": "a", "s2": "b"}))
    assert capacity_floor(zones[0]) > 0 == unmet_floor(zones[0])
    assert reserve_share(zones, helped_in_zone) == 0.0
    # every zone bound to be short (a 5 km segment 3 times a week, one person of 1 tour a
    # week each): no zone's people may help another, so phase 2 would have nothing to do
    all_short = instance(
        [seg(1, length_m=5000.0, ppw=3), seg(2, "B", length_m=5000.0, ppw=3)],
        [person("a", max_week=1), person("b", "B", max_week=1)],
        cross_zone=1,
    )
    zones = zone_problems(all_short, owned({"s1": "a", "s2": "b"}))
    assert all(unmet_floor(z) > 0 for z in zones)
    assert reserve_share(zones, all_short) == 0.0
