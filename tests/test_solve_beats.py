"""Beats: a beat roster expands into a segment roster that keeps every rule and costs the same."""

from __future__ import annotations

import dataclasses
import datetime as dt

from hypothesis import HealthCheck, given, settings
from ortools.sat.python import cp_model
from test_solve_roster import GRID_OWN, GRID_RULES, small_instances

from roadchief.domain import Assignment, Ownership, PatrolInstance, Roster
from roadchief.solve import check_roster
from roadchief.solve.roster.beats import make_beats
from roadchief.solve.roster.fit import fit_tours
from roadchief.solve.roster.greedy import greedy_tours
from roadchief.solve.roster.prepare import zone_problems
from roadchief.solve.roster.tours import assignments_of
from roadchief.solve.roster.zone_model import ZoneModel


def _beat_roster_checks(inst: PatrolInstance, own: Ownership) -> None:
    """Every zone's beats partition its segments, each walked only by people who may walk
    all of it, with a helper if its first segment has one; the beats' greedy, expanded, costs the
    segment model what it costs the beat model, passes the checker once fitted to the
    measured walk, and is a complete, feasible beat-model hint."""
    assignments: list[Assignment] = []
    objective = 0
    for zone in zone_problems(inst, own):
        beats = make_beats(zone)
        flat = sorted(s for m in beats.members for s in m)
        assert flat == list(range(len(zone.segments)))
        for b, member in enumerate(beats.members):  # who walks a beat may walk each segment
            who = set(beats.zone.patrollers[b])
            assert all(who <= set(zone.patrollers[s]) for s in member)
            helpers = set(zone.patrollers[member[0]]) - {zone.owner[member[0]]}
            assert not helpers or who - {zone.owner[member[0]]}
        bm = ZoneModel.build(beats.zone)
        tours = greedy_tours(beats.zone)
        expanded = beats.expand(tours)
        zm = ZoneModel.build(zone)
        assert bm.objective_of(tours) == zm.objective_of(expanded)
        fitted = fit_tours(zone, expanded).tours  # the walk measured, as solve_zone does
        objective += zm.objective_of(fitted)
        assignments.extend(assignments_of(zone, fitted))
        bm.add_hint(tours)
        solver = cp_model.CpSolver()
        solver.parameters.fix_variables_to_their_hinted_value = True
        solver.parameters.num_workers = 1
        assert solver.solve(bm.model) in (cp_model.OPTIMAL, cp_model.FEASIBLE)
        assert solver.objective_value == bm.objective_of(tours)
    rep = check_roster(inst, own, Roster(inst.week, tuple(sorted(assignments)), {}))
    assert rep.ok, rep.violations
    assert rep.objective == objective


def test_grid_beats_join_segments_and_keep_every_rule() -> None:
    zones = zone_problems(GRID_RULES, GRID_OWN)
    assert sum(len(make_beats(z).members) for z in zones) < sum(len(z.segments) for z in zones)
    _beat_roster_checks(GRID_RULES, GRID_OWN)


def test_pinned_and_replanned_segments_stay_alone() -> None:
    zone = zone_problems(GRID_RULES, GRID_OWN)[0]
    pinned = dataclasses.replace(zone, pins=frozenset({(0, zone.reach[0][0], 0, 0)}))
    assert (zone.reach[0][0],) in make_beats(pinned).members
    replan = dataclasses.replace(zone, replan=True)
    assert len(make_beats(replan).members) == len(zone.segments)


def test_a_re_plan_uses_no_beats() -> None:
    ctx = dataclasses.replace(GRID_RULES.context, locked_before=dt.date(2026, 12, 2))
    inst = dataclasses.replace(GRID_RULES, context=ctx)
    for zone in zone_problems(inst, GRID_OWN):
        assert len(make_beats(zone).members) == len(zone.segments)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_instances())
def test_every_beat_roster_passes_the_checker(case: tuple[PatrolInstance, Ownership]) -> None:
    _beat_roster_checks(*case)


def test_beats_keep_priorities_and_patrols_a_day_apart() -> None:
    # every third segment near a market: 3 x the cost of a missing patrol, 2 patrols a day
    segs = tuple(
        dataclasses.replace(s, place_types=("market",)) if k % 3 == 0 else s
        for k, s in enumerate(GRID_RULES.segments)
    )
    ctx = dataclasses.replace(
        GRID_RULES.context, priority={"place:market": 3}, per_day={"place:market": 2}
    )
    inst = dataclasses.replace(GRID_RULES, segments=segs, context=ctx)
    for zone in zone_problems(inst, GRID_OWN):
        beats = make_beats(zone)
        for b, member in enumerate(beats.members):
            assert {zone.priority[s] for s in member} == {beats.zone.priority[b]}
            assert {zone.per_day[s] for s in member} == {beats.zone.per_day[b]}
    _beat_roster_checks(inst, GRID_OWN)


def test_a_beat_tour_is_short_by_its_segments_own_length_as_its_segment_tour() -> None:
    # every tour short: a beat's length in the model holds the walk within it, its
    # shortness must not (the demo's biggest zone: 4,516 in the beat model, 4,558 expanded)
    ctx = dataclasses.replace(GRID_RULES.context, min_tour_m=50_000.0, walk_allowance_m=60.0)
    inst = dataclasses.replace(GRID_RULES, context=ctx)
    zones = zone_problems(inst, GRID_OWN)
    assert any(len(m) > 1 for z in zones for m in make_beats(z).members)
    _beat_roster_checks(inst, GRID_OWN)
