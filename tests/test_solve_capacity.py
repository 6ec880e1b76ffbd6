"""The capacity floor: the least unmet demand can cost given what a zone's people can walk."""

from __future__ import annotations

import dataclasses

from ortools.sat.python import cp_model

from roadchief.domain import PlanContext
from roadchief.solve import SolverSettings, assign_owners, check_roster, plan_roster
from roadchief.solve.roster.capacity import capacity_floor, zone_bound
from roadchief.solve.roster.cells import WalkCells
from roadchief.solve.roster.prepare import zone_problems
from roadchief.solve.roster.search_stops import StopAtFloor
from roadchief.solve.roster.solve_zone import cp_solver, solve_zone
from solve_factory import DAYS, FULL_WEIGHTS, grid_instance, instance, owned, person, seg


def test_the_floor_is_what_the_week_cannot_walk() -> None:
    # one person, a 1 km cap, one tour a week: 1,000 m of five 300 m segments (30 units
    # each, 100 a unit unmet) can be walked; 1,500 m are needed: 500 m = 5,000 unmet at least
    segs = [seg(n, length_m=300.0) for n in range(1, 6)]
    inst = instance(segs, [person("a", max_week=1)], days=DAYS[:3])
    zone = zone_problems(inst, owned({s.segment_id: "a" for s in segs}))[0]
    assert round(capacity_floor(zone)) == 5000
    # enough people: nothing has to stay unmet, only fairness is left: a walks 1.5 tours'
    # worth against a rounded-up mean of at most (1.5 + 1) / 2, 0.25 x 30 a tour: 8
    many = instance(segs, [person("a"), person("b")], days=DAYS[:3])
    zone = zone_problems(many, owned({s.segment_id: "a" for s in segs}))[0]
    assert capacity_floor(zone) == 8.0


def test_a_roster_that_beats_the_models_walk_is_bounded_by_the_floor_on_segments() -> None:
    # the same week planned with a 100 m step: a patrol takes 400 m of a 1,100 m room, so
    # 2.75 of 5 patrols fit and 2.25 x 30 units x 100 = 6,750 stay unmet in the model;
    # walked end to end (they join) the tour holds 1,000 m: 5,000 is every roster's floor
    segs = [seg(n, length_m=300.0) for n in range(1, 6)]
    inst = instance(segs, [person("a", max_week=1)], days=DAYS[:3])
    zone = zone_problems(inst, owned({s.segment_id: "a" for s in segs}))[0]
    zone = dataclasses.replace(zone, given_cells=WalkCells((0,) * 5, 10_000, 0))
    assert round(capacity_floor(zone)) == 6750
    assert round(capacity_floor(zone, with_walk=False)) == 5000
    assert zone_bound(zone, 0.0, 8000.0) == (6750, "model")  # the model's floor holds
    assert zone_bound(zone, 7000.0, 8000.0) == (7000.0, "model")  # CP-SAT's is stronger
    # not 6,000: no gap of 0 unearned; the bound says it holds whatever the walk
    assert zone_bound(zone, 0.0, 6000.0) == (5000, "segments")
    assert zone_bound(zone, 0.0, 4000.0) == (4000.0, "segments")  # never above the roster


def test_no_roster_goes_below_the_floor_and_the_bound_keeps_it() -> None:
    inst = grid_instance(8, 6, zones=1, people=2, seed=3)
    own = assign_owners(inst)
    (zone,) = zone_problems(inst, own)
    floor = capacity_floor(zone)
    assert floor > 0  # two people cannot walk this grid's week
    r = plan_roster(inst, own, SolverSettings(time_limit_s=2.0, workers=1, deterministic=True))
    report = check_roster(inst, own, r)
    assert report.ok and report.objective >= floor
    assert r.parts[zone.zone_id].best_bound >= floor


def test_personal_patrols_an_owner_cannot_walk_add_to_the_floor() -> None:
    # as above, and each owner walks each own segment once (roster.accountability_patrols):
    # 500 m of personal patrols stay unwalked too, 50 units x 150 more
    segs = [seg(n, length_m=300.0) for n in range(1, 6)]
    ctx = PlanContext(accountability_patrols=1)
    inst = instance(
        segs, [person("a", max_week=1)], days=DAYS[:3], context=ctx, weights=FULL_WEIGHTS
    )
    own = owned({s.segment_id: "a" for s in segs})
    (zone,) = zone_problems(inst, own)
    assert round(capacity_floor(zone)) == 5000 + 7500
    r = plan_roster(inst, own, SolverSettings(time_limit_s=5.0, workers=1, lanes=1))
    report = check_roster(inst, own, r)
    assert report.ok and report.objective >= capacity_floor(zone)
    assert r.parts["A"].best_bound >= capacity_floor(zone)


def test_patrols_beyond_the_owner_are_a_helpers_at_least() -> None:
    # a 300 m segment needed daily, its owner walks at most 5 tours a week: 2 patrols are a
    # helper's (2 a 10 m, 30 units) or unmet (100 a 10 m): 120 at least; and a's 5 tours
    # are one above the mean of 5 and 2 rounded up (30), or b walks 3 (180): 150
    inst = instance([seg(1, length_m=300.0, ppw=7)], [person("a"), person("b")])
    own = owned({"s1": "a"})
    (zone,) = zone_problems(inst, own)
    assert capacity_floor(zone) == 2 * 2 * 30 + 30
    r = plan_roster(inst, own, SolverSettings(time_limit_s=5.0, workers=1, lanes=1))
    report = check_roster(inst, own, r)
    assert report.ok and report.objective >= capacity_floor(zone)
    # nobody to help: the 2 are unmet
    alone = instance([seg(1, length_m=300.0, ppw=7)], [person("a")])
    (zone,) = zone_problems(alone, own)
    assert capacity_floor(zone) == 2 * 100 * 30


def test_what_an_owner_cannot_walk_is_a_helpers_even_when_the_zone_can_walk_it_all() -> None:
    # a owns five 300 m segments needed 3 times in 3 days (4,500 m); a walks 3 tours of
    # 1 km, so 1,500 m (5 patrols, 30 units each, 2 a unit) are b's at least: 300. The zone
    # could walk it all (6 km), and a could walk each segment every day by count, so
    # neither the zone's room nor the owner's days see it: the owner's own room does
    segs = [seg(n, length_m=300.0, ppw=3) for n in range(1, 6)]
    people = [person("a", max_week=3), person("b", max_week=3)]
    inst = instance(segs, people, days=DAYS[:3])
    own = owned({s.segment_id: "a" for s in segs})
    (zone,) = zone_problems(inst, own)
    assert capacity_floor(zone, with_walk=False) == 300
    r = plan_roster(inst, own, SolverSettings(time_limit_s=5.0, workers=1, lanes=1))
    report = check_roster(inst, own, r)
    assert report.ok and report.objective >= 300  # a holds 3 segments a tour: 6 are b's, 360
    assert r.parts["A"].best_bound >= 300


def test_a_tour_above_the_groups_mean_is_in_the_floor_when_a_helper_costs_more() -> None:
    # a owns three 900 m segments, one tour each (1 km tours); b, of a's level, owns none.
    # a walking all three is a tour above the mean rounded up (3 against 2): 30. b walking
    # one costs 90 units x 2 = 180. The optimum is 30; relaxed, a walks 2.7 tours' worth
    # against a rounded-up mean of at most (2.7 + 1) / 2: 0.85 x 30, 26 rounded up
    segs = [seg(n, length_m=900.0) for n in range(1, 4)]
    inst = instance(segs, [person("a", max_week=3), person("b", max_week=3)], days=DAYS[:3])
    own = owned({s.segment_id: "a" for s in segs})
    (zone,) = zone_problems(inst, own)
    assert capacity_floor(zone, with_walk=False) == 26
    r = plan_roster(inst, own, SolverSettings(time_limit_s=5.0, workers=1, lanes=1))
    report = check_roster(inst, own, r)
    assert report.ok and report.objective == 30
    assert 26 <= r.parts["A"].best_bound <= 30


def test_a_search_ends_at_a_roster_that_costs_the_floor() -> None:
    # minimise x >= 5 from a hint of 50: told that 50 is a floor, the search stops there
    # (not presolved, as the segment model is not)
    model = cp_model.CpModel()
    x = model.new_int_var(0, 100, "x")
    model.add(x >= 5)
    model.minimize(x)
    model.add_hint(x, 50)
    at_floor = StopAtFloor(50, lambda found: found.value(x))
    solver = cp_solver(10.0, SolverSettings(workers=1), presolve=False)
    assert solver.solve(model, at_floor) == cp_model.FEASIBLE
    assert at_floor.kept == 50  # read in the callback: a stopped search's response may be empty
    not_reached = StopAtFloor(0, lambda found: found.value(x))
    assert solver.solve(model, not_reached) == cp_model.OPTIMAL
    assert not_reached.kept is None and solver.objective_value == 5


def test_a_zone_whose_roster_costs_the_floor_is_proven_optimal() -> None:
    # the daily segment of test_patrols_beyond_the_owner_are_a_helpers_at_least: 150
    inst = instance([seg(1, length_m=300.0, ppw=7)], [person("a"), person("b")])
    (zone,) = zone_problems(inst, owned({"s1": "a"}))
    _tours, stats = solve_zone(zone, SolverSettings(workers=1), time_limit_s=10.0)
    assert stats.status == "OPTIMAL" and stats.objective == stats.best_bound == 150
