"""Who may patrol a segment: its owner and its nearest helpers, the same for model and checker."""

from __future__ import annotations

import itertools
from dataclasses import replace
from pathlib import Path

import pytest

from roadchief.config import load_rules
from roadchief.domain import ChiefLevel, Unavailability
from roadchief.errors import ConfigError
from roadchief.solve import SolverSettings, assign_owners, check_roster, greedy_roster, plan_roster
from roadchief.solve.roster.patrollers import patrollers_by_segment
from roadchief.solve.roster.prepare import zone_problems
from solve_factory import DAYS, MON, MORNING, grid_instance, instance, owned, person, roster, seg

# Nine segments on a line, 100 m apart: a owns s1-s3, b s4-s6, c s7-s9.
LINE = [seg(n, length_m=100) for n in range(1, 10)]
THIRDS = owned({f"s{n}": "abc"[(n - 1) // 3] for n in range(1, 10)})
ABC = [person("a"), person("b"), person("c")]


def test_without_a_bound_everyone_of_the_zone_may_help() -> None:
    may = patrollers_by_segment(instance(LINE, ABC), THIRDS)
    assert may["s1"] == ("a", "b", "c")
    assert may["s5"] == ("b", "a", "c")  # the owner first


def test_helpers_are_the_people_whose_territory_is_nearest() -> None:
    may = patrollers_by_segment(instance(LINE, ABC, helpers=1), THIRDS)
    assert may["s1"] == may["s3"] == ("a", "b")
    assert may["s7"] == may["s9"] == ("c", "b")
    # s5 is 200 m from a's s3 and from c's s7: the tie goes to the smaller id
    assert may["s5"] == ("b", "a")
    assert set(patrollers_by_segment(instance(LINE, ABC, helpers=0), THIRDS)["s5"]) == {"b"}


def test_patrol_staff_who_own_nothing_get_a_beat_of_the_zone() -> None:
    staff = [person("p1", level=ChiefLevel.PATROLLER), person("p2", level=ChiefLevel.PATROLLER)]
    may = patrollers_by_segment(instance(LINE, ABC + staff, helpers=1), THIRDS)
    beat = [may[f"s{n}"][1] for n in range(1, 10)]
    assert set(beat) == {"p1", "p2"}  # each segment's one helper is the staff member of its beat
    switches = sum(1 for x, y in itertools.pairwise(beat) if x != y)
    assert switches == 1  # two contiguous beats


def test_people_who_cannot_patrol_this_week_never_help() -> None:
    away = Unavailability(weekdays=frozenset(range(7)))
    people = [
        *ABC,
        person("boss", level=ChiefLevel.L1),  # a level that does not patrol
        person("idle", max_week=0),
        person("leave", off=away),
        person("other", "B"),  # another zone
    ]
    may = patrollers_by_segment(instance([*LINE, seg(20, "B")], people), THIRDS)
    assert may["s5"] == ("b", "a", "c")
    assert may["s20"] == ("other",)


def test_the_model_offers_exactly_the_allowed_patrollers() -> None:
    grid = grid_instance(8, 6, zones=2, people=3, seed=1, helpers=1)
    own = assign_owners(grid)
    may = patrollers_by_segment(grid, own)
    for zone in zone_problems(grid, own):
        for s, who in enumerate(zone.patrollers):
            seg_id = zone.segments[s].segment_id
            assert {zone.people[p].chief_id for p in who} <= set(may[seg_id])
            assert len(who) <= 2
        assert zone.size <= 2 * len(zone.segments) * len(DAYS)


def test_without_helpers_nobody_but_the_owner_patrols() -> None:
    # s1 needs a patrol every day; a may walk five days and b may not help: 2 missing
    inst = instance([seg(1, length_m=100, ppw=7)], [person("a"), person("b")], helpers=0)
    own = owned({"s1": "a"})
    r = plan_roster(inst, own, SolverSettings(time_limit_s=5.0, workers=1, lanes=1))
    rep = check_roster(inst, own, r)
    assert rep.ok, rep.violations
    assert {a.chief_id for a in r.assignments} == {"a"}
    assert rep.patrols_planned == 5 and r.objective == rep.objective
    helped = plan_roster(
        instance([seg(1, length_m=100, ppw=7)], [person("a"), person("b")], helpers=1),
        own,
        SolverSettings(time_limit_s=5.0, workers=1, lanes=1),
    )
    assert {a.chief_id for a in helped.assignments} == {"a", "b"}
    assert greedy_roster(inst, own).objective >= r.objective


def test_the_checker_refuses_a_helper_the_rule_does_not_allow() -> None:
    inst = instance(LINE, ABC, helpers=1)
    ok = check_roster(inst, THIRDS, roster([(MON, MORNING, "b", ["s3"])]))
    assert ok.ok, ok.violations
    bad = check_roster(inst, THIRDS, roster([(MON, MORNING, "c", ["s1"])]))
    assert bad.violations == [
        "c:2026-11-30:morning segment s1: helpers: c is not among the 1 people nearest the "
        "segment who may help (may patrol it: a, b)"
    ]


def test_the_bound_is_a_rules_key(tmp_path: Path) -> None:
    assert load_rules().helpers_per_segment == 4
    city = tmp_path / "city.toml"
    city.write_text("[roster]\nhelpers_per_segment = 2\n", "utf-8")
    assert load_rules(city).helpers_per_segment == 2
    city.write_text("[roster]\nhelpers_per_segment = -1\n", "utf-8")
    with pytest.raises(ConfigError, match=r"'roster\.helpers_per_segment' must be a whole number"):
        load_rules(city)


def test_more_staff_than_segments_still_ranks_everyone() -> None:
    staff = [person(f"p{k}", level=ChiefLevel.PATROLLER) for k in range(3)]
    inst = instance([seg(1), seg(2)], [person("a"), *staff], helpers=1)
    may = patrollers_by_segment(inst, owned({"s1": "a", "s2": "a"}))
    assert [len(who) for who in may.values()] == [2, 2]
    assert all(who[0] == "a" and who[1].startswith("p") for who in may.values())


def test_helpers_worked_out_on_two_processes_are_those_of_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from roadchief.solve.roster import patrollers

    city = grid_instance(8, 6, zones=3, people=3, seed=4, helpers=1)
    own = assign_owners(city)
    alone = [z.patrollers for z in zone_problems(city, own)]
    monkeypatch.setattr(patrollers, "_MEMO", {})
    monkeypatch.setattr(patrollers, "PARALLEL_AT_LEAST", 0)  # this small city on processes
    patrollers.prefetch_helpers(city, own, 2)
    assert len(patrollers._MEMO) == 3  # every zone remembered, so the set-up asks none again
    assert [z.patrollers for z in zone_problems(city, own)] == alone
    assert len(patrollers._MEMO) == 3  # the set-up found them under the keys it asks for
    shuffled = replace(city, segments=tuple(reversed(city.segments)))
    patrollers_by_segment(shuffled, own)  # the checker lists a zone's segments in file order
    assert len(patrollers._MEMO) == 3
