"""The independent checker: a clean roster passes, each kind of violation is caught."""

from __future__ import annotations

import subprocess
import sys

from roadchief.domain import Assignment, ChiefLevel, Roster, Unavailability
from roadchief.solve.check.checker import check_roster
from solve_factory import (
    EARLY,
    EVENING,
    FRI,
    MON,
    MORNING,
    SAT,
    THU,
    TUE,
    WED,
    WEEK,
    WEIGHTS,
    instance,
    owned,
    person,
    roster,
    seg,
)

INST = instance(
    [seg(1, length_m=300), seg(2, length_m=400, ppw=2), seg(3, length_m=500), seg(9, "B")],
    [
        person("a"),
        person("b", max_week=2, off=Unavailability(weekdays=frozenset({2}))),
        person("boss", level=ChiefLevel.L1),
        person("z", "B"),
    ],
)
OWN = owned({"s1": "a", "s2": "a", "s3": "b", "s9": "z"})


def only(violations: list[str], prefix: str) -> None:
    assert violations, "expected a violation"
    assert all(v.startswith(prefix) or prefix in v for v in violations), violations


def test_clean_roster_passes_and_scores() -> None:
    r = roster([(MON, MORNING, "a", ["s1", "s2"]), (TUE, EARLY, "b", ["s2", "s3"])])
    rep = check_roster(INST, OWN, r)
    assert rep.ok, rep.violations
    # helper: b walks a's s2 (40 units x 2); unmet: nobody walks s9 (30 units x 100)
    assert rep.zones["A"].penalties["helper patrols"] == 2 * 40
    assert rep.zones["A"].penalties["unmet demand"] == 0
    assert rep.zones["B"].penalties["unmet demand"] == 100 * 30
    # fairness in zone A, level segment: loads a=1, b=1 -> none above the mean
    assert rep.zones["A"].penalties["fairness"] == 0
    assert rep.objective == 80 + 3000
    assert rep.patrols_required == 1 + 2 + 1 + 1
    assert rep.patrols_planned == 4
    assert abs(rep.uncovered_km - 0.3) < 1e-9


def test_planned_patrols_count_up_to_the_requirement() -> None:
    r = roster([(MON, MORNING, "a", ["s1"]), (TUE, MORNING, "a", ["s1"])])
    rep = check_roster(INST, OWN, r)
    assert rep.ok
    assert rep.zones["A"].patrols_planned == 1  # s1 needs 1; the second patrol is extra


def test_fairness_counts_tours_above_the_rounded_up_mean() -> None:
    r = roster([(d, MORNING, "a", ["s1"]) for d in (MON, TUE, WED)])
    rep = check_roster(INST, OWN, r)
    # loads a=3, b=0: mean 1.5 rounded up to 2, a is 1 above
    assert rep.zones["A"].penalties["fairness"] == 30


def test_unknown_segment_and_person_are_caught() -> None:
    r = roster([(MON, MORNING, "a", ["s404"]), (MON, MORNING, "ghost", ["s1"])])
    rep = check_roster(INST, OWN, r)
    assert any("s404 is not a placed segment" in v for v in rep.violations)
    assert any("ghost is not in the instance" in v for v in rep.violations)


def test_level_that_does_not_patrol_is_caught() -> None:
    rep = check_roster(INST, OWN, roster([(MON, MORNING, "boss", ["s1"])]))
    only(rep.violations, "a level that does not patrol")


def test_person_of_another_zone_is_caught() -> None:
    rep = check_roster(INST, OWN, roster([(MON, MORNING, "z", ["s1"])]))
    only(rep.violations, "cross-zone help: z serves zone B, is not the owner and not an outside")


# Cross-zone help: zone A (a owns s1, s2) next to zone B, whose y stands nearer A than w.
CROSS = instance(
    [seg(1, length_m=300), seg(2, length_m=300), seg(5, "B"), seg(40, "B")],
    [person("a"), person("y", "B"), person("w", "B")],
    weights=WEIGHTS.replace(cross_zone_per_10m=10),
    cross_zone=1,
)
CROSS_OWN = owned({"s1": "a", "s2": "a", "s5": "y", "s40": "w"})


def test_outside_helper_is_accepted_and_charged() -> None:
    r = roster([(MON, EARLY, "a", ["s1"]), (TUE, EARLY, "y", ["s2"])])
    rep = check_roster(CROSS, CROSS_OWN, r)
    assert rep.ok, rep.violations
    zone_a = rep.zones["A"]
    assert (zone_a.counts["cross_zone_patrols"], zone_a.penalties["cross-zone help"]) == (
        1,
        10 * 30,
    )
    assert zone_a.penalties["helper patrols"] == 0
    assert rep.zones["B"].penalties["fairness"] == 0  # y's tour in A is not a home tour of B


def test_person_of_another_zone_who_is_no_outside_helper_is_caught() -> None:
    # w owns s40, 3.5 km from zone A: y is the one nearest outside helper, not w
    rep = check_roster(CROSS, CROSS_OWN, roster([(TUE, EARLY, "w", ["s2"])]))
    only(rep.violations, "not an outside helper of zone A, where the segment lies")
    assert "its outside helpers: y" in rep.violations[0]


def test_outside_helper_keeps_rest_and_one_tour_a_day_across_zones() -> None:
    r = roster(
        [(MON, EVENING, "y", ["s5"]), (TUE, EARLY, "y", ["s2"]), (TUE, MORNING, "y", ["s40"])]
    )
    rep = check_roster(CROSS, CROSS_OWN, r)
    assert any(v.startswith("rest: y ends 2026-11-30 evening") for v in rep.violations)
    assert any(v.startswith("one tour a day: y has 2 tours on 2026-12-01") for v in rep.violations)


def test_unavailable_slot_is_caught() -> None:
    rep = check_roster(INST, OWN, roster([(WED, MORNING, "b", ["s3"])]))
    only(rep.violations, "is not available")


def test_day_outside_the_week_is_caught() -> None:
    r = roster([(WEEK.next().monday, MORNING, "a", ["s1"])])
    only(check_roster(INST, OWN, r).violations, "is not a patrol day")


def test_two_tours_a_day_are_caught() -> None:
    r = roster([(MON, EARLY, "a", ["s1"]), (MON, EVENING, "a", ["s2"])])
    only(check_roster(INST, OWN, r).violations, "one tour a day")


def test_too_many_tours_a_week_are_caught() -> None:
    r = roster([(d, MORNING, "b", ["s3"]) for d in (MON, TUE, THU)])
    only(check_roster(INST, OWN, r).violations, "tours a week")


def test_short_rest_is_caught() -> None:
    r = roster([(MON, EVENING, "a", ["s1"]), (TUE, EARLY, "a", ["s2"])])
    only(check_roster(INST, OWN, r).violations, "rest:")


def test_long_tour_is_caught() -> None:
    r = roster([(MON, MORNING, "a", ["s1", "s2", "s3"])])  # 1.2 km, cap 1 km
    only(check_roster(INST, OWN, r).violations, "tour length")


def test_segment_twice_a_day_is_caught() -> None:
    r = roster([(FRI, MORNING, "a", ["s1"]), (FRI, EARLY, "b", ["s1"])])
    only(check_roster(INST, OWN, r).violations, "once a day")


def test_inconsistent_tour_id_and_order_are_caught() -> None:
    r = Roster(
        WEEK,
        (
            Assignment(SAT, "morning", "a", "s1", "a:wrong", 1),
            Assignment(SAT, "morning", "a", "s2", "a:wrong", 1),
        ),
        {},
    )
    rep = check_roster(INST, OWN, r)
    assert any("tour id should be" in v for v in rep.violations)
    assert any("walking order" in v for v in rep.violations)


def test_segment_without_owner_is_caught() -> None:
    rep = check_roster(INST, owned({"s1": "a", "s2": "a", "s3": "b"}), roster([]))
    only(rep.violations, "one road one chief")


def test_checker_imports_no_ortools() -> None:
    code = (
        "import sys, roadchief.solve, roadchief.solve.check, roadchief.solve.baseline,"
        " roadchief.solve.roster.rules, roadchief.solve.ownership;"
        "assert not any(m.startswith('ortools') for m in sys.modules), 'ortools imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
