"""The refill: room a tour has left once its walk is measured takes patrols still missing.

Segments s1 (300 m) and s2 (100 m) join end to end; s5 (300 m) lies apart, its walk from
s2 estimated by straight line (250 m x 1.3). Tours hold 1 km; each segment needs one
patrol a week (``test_solve_walk.two_people``).
"""

from __future__ import annotations

import dataclasses

from roadchief.domain import Roster, SolveStats
from roadchief.solve import check_roster
from roadchief.solve.roster.fit import _drop_cost
from roadchief.solve.roster.prepare import zone_problems
from roadchief.solve.roster.refill import gain_of, refill_tours
from roadchief.solve.roster.solve_zone import fit_walks
from roadchief.solve.roster.tours import assignments_of
from roadchief.solve.roster.zone import Tours
from solve_factory import MON, TUE, instance, owned, person
from test_solve_walk import FAR, NEAR_S1, street, two_people

S1, S2, S5 = 0, 1, 2  # the zone's segment indices
A, B = 0, 1  # its people
MONDAY = 0


def checked(tours: Tours, inst: object = None) -> None:
    """The checker finds no broken rule in ``tours`` of the two people's zone."""
    inst, own = two_people() if inst is None else inst
    zone = zone_problems(inst, own)[0]
    stats = {zone.zone_id: SolveStats("FEASIBLE", 0.0, 0.0, 0.0, 0)}
    report = check_roster(inst, own, Roster(inst.week, tuple(assignments_of(zone, tours)), stats))
    assert report.ok, report.violations


def test_a_tour_with_room_takes_a_missing_patrol_it_may_walk() -> None:
    zone = zone_problems(*two_people())[0]
    tours, added, _out = refill_tours(zone, {(A, MONDAY): (0, [S1])})
    assert added == ((A, S2, MONDAY),)  # s2 joins s1 end to end: 400 m walked
    assert tours == {(A, MONDAY): (0, [S1, S2])}
    checked(tours)


def test_nothing_is_added_that_would_not_fit_or_is_not_missing() -> None:
    zone = zone_problems(*two_people())[0]
    full = {(A, MONDAY): (0, [S1, S2])}  # s5 would take 300 m + 325 m of walk: 1,025 m
    assert zone.tour_walk_cm([S1, S2, S5]) > zone.cap_cm[A]
    assert refill_tours(zone, full) == (full, (), ())


def test_a_missing_patrol_goes_to_a_tour_it_fits_in() -> None:
    zone = zone_problems(*two_people())[0]
    tours, added, _out = refill_tours(zone, {(A, MONDAY): (0, [S1, S2])})
    assert not added
    tours, added, _out = refill_tours(zone, {(A, MONDAY): (0, [S1]), (B, MONDAY): (0, [S2])})
    assert added == ((B, S5, MONDAY),)  # b's tour: 100 m + 325 m + 300 m
    assert zone.tour_walk_cm(tours[(B, MONDAY)][1]) <= zone.cap_cm[B]
    checked(tours)


def test_a_segment_walked_that_day_is_not_walked_again_that_day() -> None:
    inst, own = two_people()  # s2 needs two patrols a week, one a day
    segments = [dataclasses.replace(s, patrols_per_week=2) if s.segment_id == "s2" else s
                for s in inst.segments]  # fmt: skip
    inst = dataclasses.replace(inst, segments=tuple(segments))
    zone = zone_problems(inst, own)[0]
    tours, added, _out = refill_tours(zone, {(A, MONDAY): (0, [S2]), (B, MONDAY): (0, [S1])})
    assert (B, S2, MONDAY) not in added  # b's tour has room, but s2 is walked on Monday
    assert (B, S5, MONDAY) in added or (A, S5, MONDAY) in added
    checked(tours, (inst, own))


def test_the_zone_reports_what_the_refill_added() -> None:
    zone = zone_problems(*two_people())[0]
    fitted = fit_walks(zone, {(A, MONDAY): (0, [S1])})
    assert fitted.added == ((A, S2, MONDAY),) and fitted.changed and not fitted.dropped
    assert not fitted.exchanged


def test_a_patrol_far_out_is_exchanged_for_a_longer_one_close_by() -> None:
    far = street("s6", 10, 11, 100, 800)  # 550 m from s2 as the crow flies: 715 m walked
    inst = instance([FAR[0], NEAR_S1, far], [person("a")], days=(MON, TUE))
    own = owned({"s1": "a", "s2": "a", "s6": "a"})
    zone = zone_problems(inst, own)[0]  # segments s1, s2, s6
    s6 = 2
    tour = {(A, MONDAY): (0, [S2, s6])}  # 915 m; with s1 too, 1,215 m: over the 1 km cap
    tours, added, exchanged = refill_tours(zone, tour)
    assert added == ((A, S1, MONDAY),) and exchanged == ((A, s6, MONDAY),)
    assert sorted(tours[(A, MONDAY)][1]) == [S1, S2]  # 300 m more patrolled, 400 m walked
    checked(tours, (inst, own))


def test_a_patrol_is_priced_by_who_walks_it_as_the_model_prices_it() -> None:
    zone = zone_problems(*two_people())[0]
    assert zone.owner[S5] == A  # s5 is a's; b walking it is a helper of the zone
    units = zone.units_10m[S5]
    assert gain_of(zone, A, S5) == zone.unmet_weight(S5)
    assert gain_of(zone, B, S5) == zone.unmet_weight(S5) - zone.weights["helper_per_10m"] * units
    outside = dataclasses.replace(zone, outside=frozenset({B}))  # b from another zone
    cross = zone.weights["cross_zone_per_10m"] * units
    assert gain_of(outside, B, S5) == zone.unmet_weight(S5) - cross
    assert _drop_cost(outside, B, S5, planned=1, by_owner=0) == zone.unmet_weight(S5) - cross
