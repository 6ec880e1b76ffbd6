"""The recheck rule (复检): a case waiting for its recheck gets a patrol of its segment by
its last day where the zone's people can reach it, and is counted and explained where not."""

from __future__ import annotations

import datetime as dt

from roadchief.domain import Ownership, PatrolInstance, PlanContext, Recheck, Unavailability
from roadchief.solve import SolverSettings, check_roster, greedy_roster, plan_roster
from roadchief.solve.roster.rules.rechecks import last_day, recheck_rows
from solve_factory import DAYS, FULL_WEIGHTS, MON, SUN, TUE, instance, owned, person, seg

MISSED = FULL_WEIGHTS["recheck_missed"]


def one_tour_a_week(off: Unavailability | None = None, due: dt.date = TUE) -> PatrolInstance:
    """One person with one 1 km tour a week and two segments that do not fit together:
    s1 (800 m) is worth more than s2 (300 m), but s2 waits for a recheck by ``due``."""
    return instance(
        [seg(1, length_m=800.0), seg(2, length_m=300.0)],
        [person("a0", max_week=1, off=off)],
        weights=FULL_WEIGHTS,
        context=PlanContext(rechecks=(Recheck("K7", "s2", due),)),
    )


OWN: Ownership = owned({"s1": "a0", "s2": "a0"})


def planned(inst: PatrolInstance) -> tuple[list[tuple[dt.date, str]], int, dict[str, float]]:
    r = plan_roster(inst, OWN, SolverSettings(time_limit_s=5.0, workers=1, lanes=1))
    rep = check_roster(inst, OWN, r)
    assert rep.ok, rep.violations
    assert rep.objective == r.objective
    counts = {k: rep.count(k) for k in ("rechecks_required", "rechecks_planned")}
    return [(a.day, a.segment_id) for a in r.assignments], int(r.objective), counts


def test_last_day_clamps_into_the_week() -> None:
    assert last_day(DAYS, TUE) == 1
    assert last_day(DAYS, MON - dt.timedelta(days=5)) == 0  # overdue: the first patrol day
    assert last_day(DAYS, SUN + dt.timedelta(days=9)) == 6  # due later: within this week
    assert last_day((), TUE) == -1


def test_a_reachable_recheck_is_planned_before_its_deadline() -> None:
    without = one_tour_a_week()
    without = instance(without.segments, without.chiefs, weights=FULL_WEIGHTS)
    walked, _objective, _ = planned(without)
    assert [s for _d, s in walked] == ["s1"]  # the longer segment, without the recheck
    walked, objective, counts = planned(one_tour_a_week())
    assert [s for _d, s in walked] == ["s2"]
    assert walked[0][0] <= TUE
    assert objective == 100 * 80  # s1 unplanned
    assert counts == {"rechecks_required": 1, "rechecks_planned": 1}


def test_an_unreachable_recheck_is_counted_and_explained() -> None:
    inst = one_tour_a_week(off=Unavailability(weekdays=frozenset({0, 1})))
    walked, objective, counts = planned(inst)
    assert [s for _d, s in walked] == ["s1"]  # the roster is planned all the same
    assert objective == MISSED + 100 * 30
    assert counts == {"rechecks_required": 1, "rechecks_planned": 0}
    r = plan_roster(inst, OWN, SolverSettings(time_limit_s=5.0, workers=1, lanes=1))
    (row,) = recheck_rows(inst, r)
    assert row["case_id"] == "K7" and row["by"] == TUE.isoformat()
    assert "nobody of zone A" in row["reason"] and "2026-12-01" in row["reason"]


def test_a_recheck_on_an_unknown_segment_is_not_charged() -> None:
    base = one_tour_a_week()
    inst = instance(
        base.segments,
        base.chiefs,
        weights=FULL_WEIGHTS,
        context=PlanContext(rechecks=(Recheck("K8", "gone", TUE),)),
    )
    _walked, _objective, counts = planned(inst)
    assert counts == {"rechecks_required": 0, "rechecks_planned": 0}


def test_a_recheck_overrides_spreading_from_last_weeks_patrol() -> None:
    """s2 was patrolled last Sunday: spread alone keeps it off Monday and Tuesday, but its
    recheck is due on Monday."""
    base = one_tour_a_week(due=MON)
    context = PlanContext(
        spread=True,
        last_patrol={"s2": MON - dt.timedelta(days=1)},
        rechecks=base.context.rechecks,
    )
    inst = instance(base.segments, base.chiefs, weights=FULL_WEIGHTS, context=context)
    walked, _objective, counts = planned(inst)
    assert walked == [(MON, "s2")]
    assert counts == {"rechecks_required": 1, "rechecks_planned": 1}


def test_the_greedy_plans_rechecks_first() -> None:
    """The greedy (the warm start, and a zone's answer when the model finds nothing in
    time) walks the recheck's segment by its day, before the longer segment."""
    inst = one_tour_a_week()
    report = check_roster(inst, OWN, greedy_roster(inst, OWN))
    assert report.ok, report.violations
    assert report.count("rechecks_planned") == 1
