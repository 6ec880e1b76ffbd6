"""Walk cells (issue 17): the walk the model plans with, measured on the zone's own streets."""

from __future__ import annotations

import dataclasses
import itertools

from ortools.sat.python import cp_model

from roadchief.domain import Ownership
from roadchief.solve import assign_owners, check_roster, plan_roster
from roadchief.solve.roster.beats import make_beats
from roadchief.solve.roster.cells import WalkCells, cell_side_m, walk_cells
from roadchief.solve.roster.greedy import (
    GRAVITY,
    NEAREST,
    NEXT_CHOICES,
    RICHEST,
    ROUTE,
    STREET,
    greedy_tours,
    next_in_tour,
)
from roadchief.solve.roster.prepare import zone_problems
from roadchief.solve.roster.search_stops import StopOverCap
from roadchief.solve.roster.solve_zone import _search_from, cp_solver, fit_walks, solve_zone
from roadchief.solve.roster.zone import ZoneProblem
from roadchief.solve.roster.zone_model import ZoneModel, between_cm
from roadchief.solve.settings import SolverSettings
from solve_factory import MON, PlanContext, grid_instance, instance, owned, person, seg
from test_solve_walk import street

CELLS = PlanContext(walk_cell_segments=4, walk_allowance_m=60.0)
GRID = grid_instance(8, 6, zones=2, people=3, seed=1)
GRID_CELLS = dataclasses.replace(GRID, context=CELLS)
GRID_OWN = assign_owners(GRID)


def _fixed(zm: ZoneModel, tours: dict) -> int:
    """CP-SAT's status with every variable fixed to the values of ``tours``."""
    zm.add_hint(tours)
    solver = cp_model.CpSolver()
    solver.parameters.fix_variables_to_their_hinted_value = True
    solver.parameters.num_workers = 1
    return int(solver.solve(zm.model))


def test_cells_are_sized_and_measured_from_the_zone_itself() -> None:
    for zone in zone_problems(GRID_CELLS, GRID_OWN):
        cells = zone.cells
        n = len(set(cells.cell))
        assert 1 < n < len(zone.segments)  # about 4 segments a cell, from the zone's density
        assert cells.side_m == cell_side_m(zone.segments, 4) > 0
        # a grid's segments join: inside a cell the walk is a few blocks (100 m blocks)
        assert 0 <= cells.step_cm <= 20_000 and 0 <= cells.cell_cm <= 40_000
        # the same zone twice measures the same (integer centimetres, sorted input)
        again = walk_cells(zone.segments, zone.walk, 4, zone.step_cm)
        assert again == cells


def test_a_zone_without_area_or_with_cells_off_plans_with_the_constant_allowance() -> None:
    line = instance([street(f"s{k}", k, k + 1, 100, 100 * k) for k in range(5)], [person("a")])
    own = owned({f"s{k}": "a" for k in range(5)})
    zone = zone_problems(dataclasses.replace(line, context=CELLS), own)[0]
    assert zone.cells == WalkCells((0,) * 5, 6_000, 0)  # collinear midpoints: no area
    plain = dataclasses.replace(GRID, context=PlanContext(walk_allowance_m=60.0))
    off = zone_problems(plain, GRID_OWN)
    assert all(set(z.cells.cell) == {0} and z.cells.step_cm == 6_000 for z in off)


def test_a_tour_entering_a_second_cell_pays_its_entry() -> None:
    # two segments of one cell fit a 1 km tour; the same two in two cells whose entry is
    # 500 m do not: the model refuses that tour (infeasible), and accepts the first
    far = [street("s1", 1, 2, 300, 100), street("s2", 2, 3, 300, 400)]
    inst = instance(far, [person("a")], days=(MON,))
    zone = zone_problems(inst, owned({"s1": "a", "s2": "a"}))[0]
    same = dataclasses.replace(zone, given_cells=WalkCells((0, 0), 1_000, 50_000))
    apart = dataclasses.replace(zone, given_cells=WalkCells((0, 1), 1_000, 50_000))
    tour = {(0, 0): (zone.open_slots[(0, 0)][0], [0, 1])}
    assert same.model_cm([0, 1]) == 61_000 <= same.cap_cm[0] < apart.model_cm([0, 1])
    assert _fixed(ZoneModel.build(same), tour) in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    assert _fixed(ZoneModel.build(apart), tour) == cp_model.INFEASIBLE
    assert greedy_tours(apart)[(0, 0)][1] in ([0], [1])  # the greedy counts the entry too


def test_a_tour_enters_the_richest_the_nearest_or_the_gravity_cell() -> None:
    # the tour walks s1 (cell 0 at x 0); s2 lies in cell 1, 1 km on with 100 m of street;
    # s3 in cell 2, 5 km on with 300 m: richest takes s3, nearest s2, and gravity s2
    # (100 m over (1 + 1 side)^2 = 25 against 300 m over (1 + 5)^2 = 8.3)
    segs = [
        street("s1", 1, 2, 300, 0),
        street("s2", 3, 4, 100, 1000),
        street("s3", 5, 6, 300, 5000),
    ]
    zone = zone_problems(instance(segs, [person("a")]), owned({"s1": "a", "s2": "a", "s3": "a"}))[0]
    zone = dataclasses.replace(zone, given_cells=WalkCells((0, 1, 2), 1_000, 5_000, 1_000.0))
    rank = {1: 0, 2: 1}
    assert next_in_tour(zone, [1, 2], {0}, rank, RICHEST) == 2
    assert next_in_tour(zone, [1, 2], {0}, rank, NEAREST) == 1
    assert next_in_tour(zone, [1, 2], {0}, rank, GRAVITY) == 1
    assert next_in_tour(zone, [1, 2], set(), rank, NEAREST) == 2  # a new tour: the richest


def test_a_street_tour_walks_on_along_the_street_it_is_on() -> None:
    # the tour's last segment is s1 (nodes 1-2). s2 (2-3) joins it end to end but lies
    # 900 m off as the crow flies (a long bend); s3 (5-6) is 400 m off and not joined; s4
    # (3-7) is joined only through s2's far end. In rank order s3 comes first: street
    # takes s2, then s4 after it, and s3 only once nothing joined is left
    segs = [
        street("s1", 1, 2, 300, 0),
        street("s2", 2, 3, 1500, 900),
        street("s3", 5, 6, 100, 400),
        street("s4", 3, 7, 100, 1700),
    ]
    zone = zone_problems(instance(segs, [person("a")]), owned({s.segment_id: "a" for s in segs}))[0]
    zone = dataclasses.replace(zone, given_cells=WalkCells((0, 1, 2, 3), 1_000, 5_000, 1_000.0))
    rank = {2: 0, 1: 1, 3: 2}
    assert next_in_tour(zone, [1, 2, 3], {0}, rank, STREET, last=0) == 1
    assert next_in_tour(zone, [2, 3], {0, 1}, rank, STREET, last=1) == 3
    assert next_in_tour(zone, [2], {0, 1, 3}, rank, STREET, last=3) == 2
    assert next_in_tour(zone, [1, 2, 3], {0}, rank, NEAREST) == 2  # the cells' way: s3
    assert next_in_tour(zone, [1, 2, 3], set(), rank, STREET) == 1  # a new tour: the richest
    # what goes first under shortage still goes first: s3 a priority place
    placed = dataclasses.replace(zone, priority=(1, 1, 3, 1))
    assert next_in_tour(placed, [1, 2, 3], {0}, rank, STREET, last=0) == 2


def test_an_owner_walks_their_territory_stretch_by_stretch_on_the_route() -> None:
    # ten 300 m segments end to end on one road, each needed 3 times a week; the owner
    # walks 5 tours of 1 km, the model told a step is free: each tour takes the next 3
    # along the road from where the last one stopped, wrapping round at its end
    segs = [seg(n, ppw=3) for n in range(1, 11)]
    zone = zone_problems(instance(segs, [person("a")]), owned({s.segment_id: "a" for s in segs}))[0]
    zone = dataclasses.replace(zone, given_cells=WalkCells((0,) * 10, 0, 0))

    def walked(tours: dict) -> list[list[str]]:
        return [
            [zone.segments[s].segment_id for s in segs] for _k, (_t, segs) in sorted(tours.items())
        ]

    stretches = [["s1", "s2", "s3"], ["s4", "s5", "s6"], ["s7", "s8", "s9"]]
    planned = greedy_tours(zone, next_cell=ROUTE, measured=False)
    assert walked(planned) == [*stretches, ["s10", "s1", "s2"], ["s3", "s4", "s5"]]
    # measured on the streets, the wrap walks 2.7 km back from s10 to s1: that tour gives
    # s10 back (nobody else may take it), and every tour fits once walked
    tours = greedy_tours(zone, next_cell=ROUTE, measured=True)
    assert walked(tours) == [*stretches, ["s1", "s2"], ["s3", "s4", "s5"]]
    assert all(zone.tour_walk_cm(segs) <= zone.cap_cm[0] for _t, segs in tours.values())
    assert zone.tour_walk_cm(planned[(0, 3)][1]) > zone.cap_cm[0]


def test_a_tour_measured_over_its_cap_gives_back_what_is_not_pinned() -> None:
    # s1 and s2 touch; s3 lies 5 km off on its own street and is pinned to Monday. The
    # model is told a step is free, so Monday's tour takes all three; measured, it walks
    # far over its 1 km: s1 and s2 go back (to Tuesday), the pin stays
    segs = [street("s1", 1, 2, 300, 0), street("s2", 2, 3, 300, 300), street("s3", 8, 9, 300, 5000)]
    zone = zone_problems(instance(segs, [person("a")]), owned({s.segment_id: "a" for s in segs}))[0]
    zone = dataclasses.replace(
        zone, given_cells=WalkCells((0, 0, 0), 0, 0), pins=frozenset({(0, 2, 0, 0)})
    )
    unmeasured = greedy_tours(zone)
    assert sorted(unmeasured[(0, 0)][1]) == [0, 1, 2]
    assert zone.tour_walk_cm(unmeasured[(0, 0)][1]) > zone.cap_cm[0]
    tours = greedy_tours(zone, measured=True)
    assert tours[(0, 0)][1] == [2]
    assert sorted(tours[(0, 1)][1]) == [0, 1]
    assert all(zone.tour_walk_cm(segs) <= zone.cap_cm[0] for _t, segs in tours.values())


def test_greedy_and_beats_are_feasible_hints_with_cells() -> None:
    for zone, choice in itertools.product(zone_problems(GRID_CELLS, GRID_OWN), NEXT_CHOICES):
        assert zone.cells.cell_cm > 0
        zm = ZoneModel.build(zone)
        greedy = greedy_tours(zone, next_cell=choice)
        assert _fixed(zm, greedy) in (cp_model.OPTIMAL, cp_model.FEASIBLE)
        assert all(zone.model_cm(segs) <= zone.cap_cm[p] for (p, _d), (_t, segs) in greedy.items())
        beats = make_beats(zone)
        expanded = beats.expand(greedy_tours(beats.zone))
        assert _fixed(ZoneModel.build(zone), expanded) in (cp_model.OPTIMAL, cp_model.FEASIBLE)


def test_a_roster_planned_with_cells_passes_the_checker() -> None:
    r = plan_roster(GRID_CELLS, GRID_OWN, SolverSettings(time_limit_s=4.0, workers=2, lanes=1))
    rep = check_roster(GRID_CELLS, GRID_OWN, r)
    assert rep.ok, rep.violations
    assert rep.objective == r.objective
    for part in r.parts.values():
        assert part.best_bound <= part.objective


def _far_apart() -> tuple[ZoneProblem, dict]:
    """Two 300 m segments a tour's cap apart (a street of that length between them), each
    its own cell, planned at a step of 10 m and an entry of 50 m; the tour of both."""
    inst = instance([seg(1), seg(2), seg(3)], [person("a")], days=(MON,))
    zone = zone_problems(inst, owned({"s1": "a", "s2": "a", "s3": "a"}))[0]
    cap_m = zone.cap_cm[0] / 100
    street_between = seg(2, length_m=cap_m, ppw=0, x=300 + cap_m / 2)  # no patrols due
    ends = [seg(1, x=150), street_between, seg(3, x=300 + cap_m + 150)]
    zone = zone_problems(dataclasses.replace(inst, segments=tuple(ends)), zone_owners(ends))[0]
    zone = dataclasses.replace(zone, given_cells=WalkCells((0, 2, 1), 1_000, 5_000))
    return zone, {(0, 0): (zone.open_slots[(0, 0)][0], [0, 2])}


def zone_owners(segments: list) -> Ownership:
    return owned({s.segment_id: "a" for s in segments})


def test_a_tour_walked_past_its_cap_prices_the_far_cells_it_joined() -> None:
    zone, both_ends = _far_apart()
    assert zone.model_cm([0, 2]) < zone.cap_cm[0] < zone.tour_walk_cm([0, 2])
    assert (
        abs(between_cm(zone, 0, 1) - zone.cap_cm[0]) <= 1
    )  # the street between, as the crow flies
    assert between_cm(zone, 0, 2) == 0  # touching cells: nothing to add
    zm = ZoneModel.build(zone)
    assert _fixed(zm, both_ends) in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    assert zm.price_far_cells(both_ends) == 1
    assert zm.priced == {(0, 1): between_cm(zone, 0, 1) - 1_000 - 5_000}  # less a step, an entry
    assert zm.price_far_cells(both_ends) == 0  # priced once
    assert _fixed(zm, both_ends) == cp_model.INFEASIBLE  # planned past the cap now
    one_end = {(0, 0): (both_ends[(0, 0)][0], [0])}
    assert _fixed(zm, one_end) in (cp_model.OPTIMAL, cp_model.FEASIBLE)


def test_a_search_watching_the_walk_stops_at_a_tour_past_its_cap() -> None:
    zone, _ = _far_apart()
    zm = ZoneModel.build(zone)
    watching = StopOverCap(zm, -1, True)
    solver = cp_solver(10.0, SolverSettings(workers=1), presolve=False)
    assert solver.solve(zm.model, watching) in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    ((key, (_t, segs)),) = watching.over_cap.items()
    assert set(segs) == {0, 2} and watching.kept is not None and key in watching.kept
    assert watching.status(cp_model.FEASIBLE) == cp_model.FEASIBLE
    blind = StopOverCap(ZoneModel.build(zone), -1, False)
    assert solver.solve(blind.zm.model, blind) == cp_model.OPTIMAL and not blind.over_cap
    # the zone solved: the loop forbids and prices that tour and finds one that fits
    tours, stats = solve_zone(zone, SolverSettings(workers=1), time_limit_s=5.0)
    assert stats.patrols_dropped == 0 and stats.tours_over_cap == 0
    assert all(zone.tour_walk_cm(segs) <= zone.cap_cm[0] for _t, segs in tours.values())


def test_a_watched_search_is_optimal_at_its_floor_only_with_tours_that_fit_once_walked() -> None:
    # the only roster left is the tour of both far segments, past its cap once walked: at
    # any floor, the watched search keeps it as over its cap, not as optimal
    zone, both_ends = _far_apart()
    zm = ZoneModel.build(zone)
    zm.add_hint(both_ends)
    solver = cp_solver(10.0, SolverSettings(workers=1), presolve=False)
    solver.parameters.fix_variables_to_their_hinted_value = True
    watching = StopOverCap(zm, 1e12, True)
    assert solver.solve(zm.model, watching) in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    assert not watching.at_floor and watching.over_cap and watching.fitting is None
    # a roster that fits once walked, at the floor: optimal, and the one that fits
    one_end = {(0, 0): (both_ends[(0, 0)][0], [0])}
    zm = ZoneModel.build(zone)
    zm.add_hint(one_end)
    watching = StopOverCap(zm, 1e12, True)
    status = watching.status(solver.solve(zm.model, watching))
    assert status == cp_model.OPTIMAL and watching.kept == watching.fitting == one_end


def test_a_roster_the_walk_repair_cut_down_is_taken_by_the_model_as_its_own() -> None:
    # the tour of both far segments, repaired to one: a search from it, the proposal
    # forbidden, finds it (or one cheaper) among the rosters that fit once walked
    zone, both_ends = _far_apart()
    zm = ZoneModel.build(zone)
    repaired = fit_walks(zone, both_ends)
    assert repaired.lost == 1 and not zone.over_cap(repaired.tours)
    assert zm.forbid_over_cap(both_ends) == 1
    _solver, stop, status = _search_from(
        zm, repaired.tours, 5.0, SolverSettings(workers=1), -1, True
    )
    assert status in (cp_model.OPTIMAL, cp_model.FEASIBLE) and stop.fitting is not None
    assert zm.objective_of(stop.fitting) <= zm.objective_of(repaired.tours)
    assert fit_walks(zone, stop.fitting).lost == 0


def test_segments_forbidden_together_are_allowed_again_once_a_tour_walks_them_within_its_cap() -> (
    None
):
    # forbidden at one cap; a tour walking them within a longer cap disproves the cut for
    # that cap: lifted, so the roster holding them is a hint the model can take again
    zone, both_ends = _far_apart()
    zm = ZoneModel.build(zone)
    assert zm.forbid_over_cap(both_ends) == 1 and set(zm.cuts) == {frozenset({0, 2})}
    ((_q, row),) = zm.cuts[frozenset({0, 2})]
    assert list(row.proto.linear.domain)[-1] == 1  # not both
    assert zm.lift_disproved(both_ends) == 0  # still past this cap
    zm.zone = dataclasses.replace(zone, cap_cm=(2 * zone.tour_walk_cm([0, 2]),))
    assert zm.lift_disproved(both_ends) == 1 and not zm.cuts
    assert list(row.proto.linear.domain)[-1] == 2  # always met


def test_a_tour_that_fits_once_walked_widens_its_room_to_what_the_model_plans() -> None:
    # the two touching segments walk 600 m, within the cap, but cells 500 m an entry plan
    # them past it: the model refuses the tour until its room is widened, then takes it
    far = [street("s1", 1, 2, 300, 100), street("s2", 2, 3, 300, 400)]
    inst = instance(far, [person("a")], days=(MON,))
    zone = zone_problems(inst, owned({"s1": "a", "s2": "a"}))[0]
    apart = dataclasses.replace(zone, given_cells=WalkCells((0, 1), 1_000, 50_000))
    tour = {(0, 0): (zone.open_slots[(0, 0)][0], [0, 1])}
    assert apart.tour_walk_cm([0, 1]) <= apart.cap_cm[0] < apart.model_cm([0, 1])
    zm = ZoneModel.build(apart)
    assert _fixed(zm, tour) == cp_model.INFEASIBLE
    assert zm.widen_rooms(tour) == 1 and zm.rooms == {(0, 0): apart.model_cm([0, 1])}
    assert zm.widen_rooms(tour) == 0  # rooms only widen
    assert _fixed(zm, tour) in (cp_model.OPTIMAL, cp_model.FEASIBLE)
