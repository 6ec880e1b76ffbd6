"""The walk between a tour's segments: measured on the streets, held to the cap, checked.

The hand-made network (lengths in m, nodes in brackets)::

    (1)--a 300--(2)--b 300--(3)--c 300--(4)        island: (8)--f 200--(9)
                  \\
                   d 100--(5)--e 200--(6)      (e is drawn 6->5: from_node 6)
"""

from __future__ import annotations

import dataclasses
import itertools

import numpy as np
import pytest

from roadchief.domain import PlanContext, Segment, Unavailability
from roadchief.errors import InputError
from roadchief.solve import SolverSettings, check_roster, plan_roster
from roadchief.solve.roster.fit import fit_tours, segment_changes
from roadchief.solve.roster.prepare import zone_problems
from roadchief.solve.roster.refill import insert, insertions
from roadchief.solve.roster.solve_zone import _fitted, fit_walks
from roadchief.solve.roster.walk import (
    WalkNetwork,
    length_cm,
    order_steps,
    step_matrix,
    steps_along,
)
from roadchief.solve.roster.zone_model import ZoneModel
from solve_factory import MON, MORNING, TUE, WEIGHTS, instance, owned, person, roster


def street(name: str, a: int, b: int, length_m: float, x: float, y: float = 0.0) -> Segment:
    return Segment(name, name, "A", f"Road {name}", "branch", length_m, x, y, a, b, 1)


A = street("a", 1, 2, 300, 150)
B = street("b", 2, 3, 300, 450)
C = street("c", 3, 4, 300, 750)
D = street("d", 2, 5, 100, 300, -50)
E = street("e", 6, 5, 200, 300, -250)
F = street("f", 8, 9, 200, 1350)  # no crossing joins it to the rest
NET = WalkNetwork([F, E, D, C, B, A])  # any order: the network sorts them


def test_segments_end_to_end_need_no_walk() -> None:
    walk = NET.plan_walk(["c", "a", "b"])
    assert walk.order in (("a", "b", "c"), ("c", "b", "a"))
    assert walk.walk_to_cm == (0, 0, 0) and walk.segments_cm == 90_000


def test_the_walk_takes_the_shortest_path_over_other_streets() -> None:
    walk = NET.walk_in_order(["a", "c"])  # a ends at (2); c starts at (3) over b
    assert walk.walk_to_cm == (0, 30_000) and walk.total_cm == 90_000
    assert walk.islands == 0


def test_each_segment_is_walked_in_the_direction_that_saves_walking() -> None:
    walk = NET.walk_in_order(["a", "d", "e"])  # (1)->(2)->(5), then e against its drawing
    assert walk.reverse == (False, False, True)
    assert walk.walk_to_cm == (0, 0, 0)
    back = NET.walk_in_order(["d", "a"])  # d walked (5)->(2), then a (2)->(1)
    assert back.reverse == (True, True) and back.walk_cm == 0


def test_the_steps_along_an_order_are_those_of_the_whole_matrix() -> None:
    segs = [A, F, E, C, D, B]
    cm, line = step_matrix(WalkNetwork(segs), segs)
    assert line.any()  # f is an island: its steps are estimated by straight line
    fresh = WalkNetwork(segs)  # searches its rows as the steps ask for them
    for order in ([0, 1, 2, 3, 4, 5], [5, 3, 1, 0, 2, 4], [4, 2], [2], []):
        along, along_line = steps_along(fresh, segs, order)
        whole, whole_line = order_steps(cm, line, order)
        assert along.tolist() == whole.tolist()
        assert along_line.tolist() == whole_line.tolist()


def test_an_order_that_walks_less_becomes_the_plan_of_its_segments() -> None:
    # every order of five segments preferred in turn: the plan is always the shortest of
    # the short order and every order preferred so far, never a longer one
    net = WalkNetwork([F, E, D, C, B, A])
    ids = ["a", "c", "d", "e", "f"]
    best = net.plan_walk(ids).total_cm
    for order in itertools.permutations(ids):
        net.prefer(list(order))
        best = min(best, net.walk_in_order(list(order)).total_cm)
        assert net.plan_walk(ids).total_cm == best


def test_a_step_looked_up_from_either_end_is_the_same_walk() -> None:
    segs = [A, F, E, C, D, B]
    net = WalkNetwork(segs)
    k = np.arange(len(segs))
    a, b = np.repeat(k, len(segs)), np.tile(k, len(segs))
    for a_back, b_back in ((0, 0), (0, 1), (1, 0), (1, 1)):
        ways = np.full(len(a), a_back), np.full(len(a), b_back)
        forwards = net.leg_cm(a, ways[0], b, ways[1])
        looked_back = net.leg_cm(a, ways[0], b, ways[1], searched_b=True)
        assert forwards[0].tolist() == looked_back[0].tolist()
        assert forwards[1].tolist() == looked_back[1].tolist()


def test_the_cheapest_insertion_is_the_least_over_every_place_and_way_round() -> None:
    segs = [A, F, E, C, D, B]
    cm, _line = step_matrix(WalkNetwork(segs), segs)
    net = WalkNetwork(segs)
    for tour in (["a", "c"], ["e", "b", "c"], ["f"]):
        walk = net.walk_in_order(tour)
        at = [next(i for i, s in enumerate(segs) if s.segment_id == x) for x in walk.order]
        legs = [2 * i + int(r) for i, r in zip(at, walk.reverse, strict=True)]
        new = [i for i, s in enumerate(segs) if s.segment_id not in tour]
        added, places = insertions(net, walk, net.positions(segs[i].segment_id for i in new))
        for k, i in enumerate(new):
            least = min(
                (0 if g == 0 else cm[legs[g - 1], 2 * i + o])
                + (0 if g == len(legs) else cm[2 * i + o, legs[g]])
                - (0 if g in (0, len(legs)) else cm[legs[g - 1], legs[g]])
                for g in range(len(legs) + 1)
                for o in (0, 1)
            )
            assert added[k] == least
            inserted = insert(net, walk, segs[i].segment_id, int(places[k]))
            assert inserted.total_cm <= walk.total_cm + least + length_cm(segs[i].length_m)


def test_the_order_found_beats_the_order_given() -> None:
    given = NET.walk_in_order(["a", "c", "d", "b"])
    found = NET.plan_walk(["a", "c", "d", "b"])
    assert found.walk_cm < given.walk_cm
    assert found.walk_cm == 10_000  # d is a dead end: 100 m back to (2)


def test_savings_of_leaving_a_segment_out_never_overstate_what_the_rest_walks_less() -> None:
    walk = NET.walk_in_order(["a", "b", "c", "d"])  # then 600 m from (4) back to d at (2)
    saved = dict(zip(walk.order, NET.savings(walk), strict=True))
    # b: its 300 m, but c is then reached by a 300 m walk; c: 300 m and 600 m to d, less the
    # 300 m from b's end to d; d: 100 m and the 600 m walk to it
    assert saved == {"a": 30_000, "b": 0, "c": 60_000, "d": 70_000}
    for seg_id in walk.order:
        rest = NET.walk_in_order([i for i in walk.order if i != seg_id])
        assert saved[seg_id] <= walk.total_cm - rest.total_cm


def test_a_segment_of_length_zero_still_joins_its_nodes() -> None:
    point = street("z", 4, 8, 0, 900)  # joins c's end to the island
    net = WalkNetwork([C, point, F])
    walk = net.walk_in_order(["c", "f"])
    assert walk.islands == 0 and walk.walk_cm == 0


def test_an_island_is_reached_by_straight_line_times_the_detour_factor() -> None:
    walk = NET.walk_in_order(["c", "f"])
    assert walk.islands == 1
    assert walk.walk_to_cm[1] == round(600 * 1.3 * 100)  # midpoints 600 m apart
    wider = WalkNetwork([C, F], detour_factor=2.0).walk_in_order(["c", "f"])
    assert wider.walk_to_cm[1] == 600 * 2 * 100


# --- the cap holds: model allowance, repair, pins, checker -------------------------------

FAR = [street("s1", 1, 2, 300, 100), street("s5", 5, 6, 300, 500)]  # unjoined, 400 m apart
# one 1 km tour: 600 m of segments fit, but with 520 m between them (400 m x 1.3) they do not


def far_case(**context: float) -> tuple:
    inst = instance(FAR, [person("a")], days=(MON, TUE), context=PlanContext(**context))
    return inst, owned({"s1": "a", "s5": "a"})


def test_a_tour_over_the_cap_drops_its_cheapest_patrol() -> None:
    inst, own = far_case()
    zone = zone_problems(inst, own)[0]
    fitted = fit_tours(zone, {(0, 0): (0, [0, 1])})
    assert fitted.over_cap == 1 and fitted.dropped == ((0, 0, 0),)  # equal cost: lower index
    assert fitted.tours == {(0, 0): (0, [1])}
    assert zone.tour_walk_cm([0, 1]) == 60_000 + 52_000 > zone.cap_cm[0]


NEAR_S1 = street("s2", 2, 3, 100, 250)  # joined to s1 at (2)


def two_people() -> tuple:
    inst = instance([*FAR, NEAR_S1], [person("a"), person("b")], days=(MON, TUE))
    return inst, owned({"s1": "a", "s5": "a", "s2": "b"})


def test_a_patrol_that_does_not_fit_moves_to_a_colleagues_tour_that_day() -> None:
    inst, own = two_people()
    zone = zone_problems(inst, own)[0]  # segments s1, s2, s5; people a, b
    fitted = fit_tours(zone, {(0, 0): (0, [0, 2]), (1, 0): (0, [1])})
    assert fitted.over_cap == 1 and fitted.moved == ((0, 0, 0, 1),) and not fitted.dropped
    assert fitted.tours[(0, 0)] == (0, [2])
    assert sorted(fitted.tours[(1, 0)][1]) == [0, 1]  # b walks s1 and s2: 400 m, joined


def test_a_patrol_moves_to_a_new_tour_of_a_colleague_free_that_day() -> None:
    inst, own = two_people()
    zone = zone_problems(inst, own)[0]
    fitted = fit_tours(zone, {(0, 0): (0, [0, 2])})  # b walks nothing on Monday
    assert fitted.moved == ((0, 0, 0, 1),) and not fitted.dropped
    assert fitted.tours == {(0, 0): (0, [2]), (1, 0): (0, [0])}  # a's slot: windows keep


def test_no_move_onto_a_colleague_at_their_tours_a_week() -> None:
    inst, own = two_people()
    inst = dataclasses.replace(inst, chiefs=(person("a"), person("b", max_week=1)))
    zone = zone_problems(inst, own)[0]
    fitted = fit_tours(zone, {(0, 0): (0, [0, 2]), (1, 1): (0, [1])})  # b's one tour: Tuesday
    assert fitted.dropped == ((0, 0, 0),) and not fitted.moved


def test_segment_changes_count_per_segment_whoever_walks_it_on_whichever_day() -> None:
    solved = {(0, 0): (0, [0, 1]), (1, 1): (0, [1, 2])}
    delivered = {(0, 0): (0, [0]), (1, 2): (0, [1, 2, 3]), (0, 3): (0, [3])}
    # segment 1: two patrols solved, one delivered; segment 3: none solved, two delivered
    assert segment_changes(solved, delivered) == (1, 2)
    assert segment_changes(solved, solved) == (0, 0)


def test_a_dropped_patrol_the_refill_walks_on_another_day_is_not_lost() -> None:
    # Monday's s1 and s5 walked are over the cap: s1 leaves the tour (equal cost: lower
    # index); Tuesday's tour of s2 has room and walks s1 from s2's start, joined at (2)
    inst = instance([*FAR, NEAR_S1], [person("a")], days=(MON, TUE))
    zone = zone_problems(inst, owned({"s1": "a", "s5": "a", "s2": "a"}))[0]  # s1, s2, s5
    fitted = fit_walks(zone, {(0, 0): (0, [0, 2]), (0, 1): (0, [1])})
    assert fitted.dropped == ((0, 0, 0),) and fitted.added == ((0, 0, 1),)
    assert (fitted.lost, fitted.gained) == (0, 0)
    alone = fit_walks(zone, {(0, 0): (0, [0, 2])})  # no other tour: s1 is lost, and the
    assert alone.dropped == ((0, 0, 0),) and (alone.lost, alone.gained) == (1, 1)  # s2 joins


def test_a_pinned_patrol_is_never_dropped() -> None:
    inst, own = far_case()
    pin = roster([(MON, MORNING, "a", ["s1"])]).assignments
    inst = dataclasses.replace(inst, context=PlanContext(pins=pin))
    zone = zone_problems(inst, own)[0]
    slot = zone.pinned_tours[(0, 0)][0]
    fitted = fit_tours(zone, {(0, 0): (slot, [0, 1])})
    assert fitted.tours == {(0, 0): (slot, [0])} and fitted.dropped == ((0, 1, 0),)


def test_pins_whose_walk_exceeds_the_cap_are_refused() -> None:
    inst, own = far_case()
    pins = roster([(MON, MORNING, "a", ["s1", "s5"])]).assignments
    with pytest.raises(InputError, match="walk between them"):
        zone_problems(dataclasses.replace(inst, context=PlanContext(pins=pins)), own)


def test_the_allowance_keeps_far_segments_in_separate_tours() -> None:
    for allowance, dropped in ((0.0, None), (600.0, 0)):
        inst, own = far_case(walk_allowance_m=allowance)
        r = plan_roster(inst, own, SolverSettings(time_limit_s=5.0, workers=1, lanes=1))
        report = check_roster(inst, own, r)
        assert report.ok, report.violations  # repaired or not, no tour over its cap
        assert report.objective == r.objective
        assert not report.over_cap
        if dropped is not None:
            assert r.parts["A"].patrols_dropped == dropped
            assert len(r.tours()) == 2 and r.parts["A"].status == "OPTIMAL"


def test_a_tour_that_does_not_fit_once_walked_is_searched_again_without_it() -> None:
    # a would rather not walk on Tuesday, so the model, blind to the 520 m between s1 and
    # s5 (no allowance), first puts both in Monday's tour, which walked is over the cap.
    # The repair alone drops a patrol (3,000); searching again with that tour forbidden
    # finds a Tuesday tour for a (20, a preference) and proves it best.
    a = dataclasses.replace(person("a"), avoid=Unavailability(weekdays=frozenset({1})))
    weights = WEIGHTS.replace(preference_per_tour=20)
    inst = instance(FAR, [a], days=(MON, TUE), weights=weights)
    own = owned({"s1": "a", "s5": "a"})
    zone = zone_problems(inst, own)[0]
    assert fit_tours(zone, {(0, 0): (0, [0, 1])}).dropped  # what the repair alone would do
    for deterministic in (False, True):
        r = plan_roster(
            inst,
            own,
            SolverSettings(time_limit_s=10.0, workers=1, deterministic=deterministic, lanes=1),
        )
        part = r.parts["A"]
        assert (part.objective, part.status, part.patrols_dropped) == (20.0, "OPTIMAL", 0)
        report = check_roster(inst, own, r)
        assert report.ok and report.objective == 20 and len(r.tours()) == 2


def test_the_zone_keeps_the_repaired_warm_start_when_it_costs_less() -> None:
    # the model's tours (s1 and s5 on Monday) walked are over the cap: repaired, a patrol
    # is dropped; the warm start walks them on two days and fits as it is
    inst, own = far_case()
    zm = ZoneModel.build(zone_problems(inst, own)[0])
    found = {(0, 0): (0, [0, 1])}
    start = fit_walks(zm.zone, {(0, 0): (0, [0]), (0, 1): (0, [1])})
    kept, as_found = _fitted(zm, found, start)
    assert kept is start and not as_found
    alone, as_found = _fitted(zm, found, None)
    assert alone.dropped and not as_found
    assert zm.objective_of(start.tours) < zm.objective_of(alone.tours)
    same, as_found = _fitted(zm, start.tours, alone)  # fits as found, and costs less
    assert same.tours == start.tours and as_found


def test_checker_reports_a_tour_over_the_cap_with_its_walk() -> None:
    inst, own = far_case()
    report = check_roster(inst, own, roster([(MON, MORNING, "a", ["s1", "s5"])]))
    assert [v for v in report.violations if v.startswith("tour length")] == report.violations
    assert "0.520 km between them" in report.violations[0]
    assert report.over_cap == {"a:2026-11-30:morning": 12_000}  # 1.12 km walked
    fits = check_roster(
        inst, own, roster([(MON, MORNING, "a", ["s1"]), (TUE, MORNING, "a", ["s5"])])
    )
    assert fits.ok and not fits.over_cap
