"""Zones solved in lanes: the budget split, decomposition against one model, serial against
local processes against a Dask cluster, and clear errors when a cluster or worker fails."""

from __future__ import annotations

import dataclasses
import os
import threading
import time
from collections.abc import Iterator, Sequence

import psutil
import pytest

from conftest import DEMO, run_cli
from roadchief.domain import PatrolInstance, Roster, SolveStats
from roadchief.errors import ClusterError
from roadchief.solve import SolverSettings, assign_owners, check_roster
from roadchief.solve.lanes.cluster import check_address
from roadchief.solve.lanes.packing import pack_lanes
from roadchief.solve.lanes.processes import map_dispatched
from roadchief.solve.roster.budget import handed_out_limit, zone_limits
from roadchief.solve.roster.prepare import zone_problems
from roadchief.solve.roster.solve_zone import solve_zone
from roadchief.solve.roster.tours import assignments_of
from roadchief.solve.roster.week import plan_roster
from roadchief.solve.roster.zone import ZoneProblem
from roadchief.solve.roster.zones import better_of, widest_open
from solve_factory import every_rule, grid_instance

SMALL = grid_instance(6, 4, zones=2, people=2, seed=4)
SMALL_OWN = assign_owners(SMALL)
CITY = grid_instance(9, 4, zones=5, people=2, seed=3)
"""Five zones in two lanes; one is cut off by its time limit (FEASIBLE), four are OPTIMAL."""
CITY_OWN = assign_owners(CITY)


# --- the budget -------------------------------------------------------------------------


def test_lanes_take_the_longest_zone_first_onto_the_lightest_lane() -> None:
    assert pack_lanes([5, 9, 1, 4, 4], 2) == [[1, 4], [0, 2, 3]]  # 9+4, 5+4+1
    assert pack_lanes([5, 9], 8) == [[1], [0]]  # never an empty lane
    assert pack_lanes([3, 3, 3], 1) == [[0, 1, 2]]


def test_each_lane_shares_the_whole_time_limit_by_size() -> None:
    sizes = [500, 900, 100, 400, 400]
    limits = zone_limits(sizes, 2, 60.0)
    for lane in pack_lanes(sizes, 2):
        assert sum(limits[i] for i in lane) == pytest.approx(60.0)
    assert zone_limits([900, 100, 100], 2, 60.0) == [60.0, 30.0, 30.0]
    assert zone_limits(sizes, 1, 60.0) == [60.0 * s / 2300 for s in sizes]


def test_limits_are_a_pure_function_with_a_floor() -> None:
    sizes = [10_000, 1, 0, 3]
    assert zone_limits(sizes, 2, 2.0) == zone_limits(list(sizes), 2, 2.0)
    assert min(zone_limits(sizes, 1, 2.0)) == 0.5  # 2 s over 4 zones, below 1 s
    assert min(zone_limits(sizes, 1, 60.0)) == 1.0


def test_a_zone_handed_out_gets_its_share_of_its_lane_of_the_time_left() -> None:
    # 60 s left, 2 lanes; zones of 100, 300, 400 not yet started, the 100 handed out: it
    # shares a lane with the 300 (400 | 300 + 100), so it gets 60 x 100 / 400 = 15 s
    assert handed_out_limit([100, 300, 400], 2, 60.0, 1.0) == pytest.approx(15.0)
    assert handed_out_limit([100, 300, 400], 1, 60.0, 1.0) == pytest.approx(7.5)
    # as many lanes as zones: each alone on its lane, all the time left (issue 17: two
    # zones on two lanes, the smaller one got its share of both lanes and ended at half)
    assert handed_out_limit([100, 900], 2, 45.0, 1.0) == 45.0
    assert handed_out_limit([600], 2, 45.0, 1.0) == 45.0
    assert handed_out_limit([1, 1_000], 1, 10.0, 0.5) == 0.5  # never below the floor


def _pid_after(job: float) -> tuple[float, int]:
    time.sleep(job)
    return job, os.getpid()


def test_jobs_go_to_the_first_process_free_in_order() -> None:
    handed: list[tuple[int, float]] = []
    started = time.perf_counter()
    jobs = [0.6, 0.1, 0.1, 0.1, 0.1]

    def job_at(i: int) -> float:
        handed.append((i, time.perf_counter() - started))
        return jobs[i]

    done = map_dispatched(_pid_after, len(jobs), job_at, 2, what="testing")
    assert [job for job, _pid in done] == jobs  # results in job order
    assert [i for i, _t in handed] == list(range(len(jobs)))  # handed out in index order
    assert len({pid for _job, pid in done}) == 2  # two processes took every job
    # while the long job runs, the other process took the four short ones
    assert done[0][1] not in {pid for _job, pid in done[1:]}


def test_zones_handed_out_give_a_valid_roster_and_note_each_zone_once() -> None:
    done: list[str] = []
    roster = plan_roster(
        CITY,
        CITY_OWN,
        SolverSettings(time_limit_s=4.0, workers=1, lanes=2),
        on_zone=lambda zone_id, _status: done.append(zone_id),
    )
    report = check_roster(CITY, CITY_OWN, roster)
    assert report.ok, report.violations
    assert sorted(done) == sorted(roster.parts) == sorted(z.zone_id for z in CITY.zones)


def test_a_zone_solved_again_keeps_the_cheaper_roster_the_higher_bound_and_both_times() -> None:
    first = ({(0, 0): (0, [1])}, SolveStats("FEASIBLE", 900.0, 816.0, 14.0, 0))
    second = ({(0, 1): (0, [2])}, SolveStats("FEASIBLE", 886.0, 758.0, 20.0, 0))
    tours, stats = better_of(first, second)
    assert tours == second[0] and stats.objective == 886.0
    assert stats.best_bound == 816.0 and stats.wall_s == 34.0
    same = ({(0, 2): (0, [3])}, SolveStats("OPTIMAL", 900.0, 900.0, 5.0, 0))
    assert better_of(first, same)[0] == first[0]  # a tie keeps the first roster
    assert better_of(first, same)[1].best_bound == 900.0
    # the model's bound of the first search is above the roster kept (one walked for less
    # than the model plans): it bounds no roster walked; the floor on segments is kept
    model = ({(0, 0): (0, [1])}, SolveStats("FEASIBLE", 900.0, 890.0, 14.0, 0))
    walked = (
        {(0, 1): (0, [2])},
        SolveStats("FEASIBLE", 886.0, 700.0, 20.0, 0, bound_on="segments"),
    )
    kept = better_of(model, walked)[1]
    assert (kept.objective, kept.best_bound, kept.bound_on) == (886.0, 700.0, "segments")


def test_time_left_for_fewer_zones_than_are_open_goes_to_those_farthest_from_their_bound() -> None:
    stats = {
        3: SolveStats("FEASIBLE", 900.0, 880.0, 1.0, 0),  # 20 above its bound
        0: SolveStats("OPTIMAL", 500.0, 500.0, 1.0, 0),
        7: SolveStats("FEASIBLE", 974.0, 758.0, 1.0, 0),  # 216
        5: SolveStats("GREEDY", 1200.0, 1100.0, 1.0, 0),  # 100
    }
    assert widest_open(stats, 2) == [7, 5]
    assert widest_open(stats, 3) == [3, 7, 5]  # in the order handed out
    assert widest_open(stats, 9) == [3, 7, 5]
    assert widest_open(stats, 0) == []


# --- decomposition against one model ---------------------------------------------------


def union_problem(zones: Sequence[ZoneProblem]) -> ZoneProblem:
    """All zones as one ZoneProblem: people and segments side by side, indices shifted.

    Every rule of the model is per person, per segment or per level group, and no person or
    segment is shared between zones; the union keeps each zone's level groups apart, so its
    model is exactly the zone models side by side, solved as one.
    """
    first = zones[0]
    people, segs, shift = [], [], []
    for z in zones:
        shift.append((len(people), len(segs)))
        people += z.people
        segs += z.segments

    def cat(field: str) -> tuple[object, ...]:
        return tuple(x for z in zones for x in getattr(z, field))

    pairs = list(zip(zones, shift, strict=True))
    return dataclasses.replace(
        first,
        zone_id="all",
        people=tuple(people),
        segments=tuple(segs),
        owner=tuple(None if o is None else o + po for z, (po, _) in pairs for o in z.owner),
        length_cm=cat("length_cm"),
        units_10m=cat("units_10m"),
        demand=cat("demand"),
        cap_cm=cat("cap_cm"),
        max_tours=cat("max_tours"),
        open_slots={(p + po, d): t for z, (po, _) in pairs for (p, d), t in z.open_slots.items()},
        level_groups=tuple(
            tuple(p + po for p in g) for z, (po, _) in pairs for g in z.level_groups
        ),
        patrollers=tuple(tuple(p + po for p in ps) for z, (po, _) in pairs for ps in z.patrollers),
        windows=cat("windows"),
        accountable=cat("accountable"),
        spread_days=cat("spread_days"),
        last_offset=cat("last_offset"),
        previous_slot={
            (p + po, d): t for z, (po, _) in pairs for (p, d), t in z.previous_slot.items()
        },
        pins=frozenset((p + po, s + so, d, t) for z, (po, so) in pairs for p, s, d, t in z.pins),
        baseline=frozenset((p + po, s + so, d) for z, (po, so) in pairs for p, s, d in z.baseline),
        rechecks=tuple((s + so, d) for z, (_, so) in pairs for s, d in z.rechecks),
    )


def roomy(inst: PatrolInstance) -> PatrolInstance:
    """``inst`` with 8 km tours for everyone: a zone's streets and the walk between them
    fit one tour, so no tour needs the walk repair, which leaves a model short of its
    optimum (the zones' and the city's repairs would differ)."""
    limits = {k: dataclasses.replace(v, max_km_per_tour=8.0) for k, v in inst.limits.items()}
    return dataclasses.replace(inst, limits=limits)


@pytest.mark.parametrize(
    "inst",
    [
        roomy(grid_instance(4, 4, zones=2, people=2, seed=1)),
        roomy(grid_instance(5, 3, zones=2, people=2, seed=4)),
        roomy(every_rule(grid_instance(4, 4, zones=2, people=2, seed=1))),
        roomy(every_rule(grid_instance(5, 3, zones=2, people=2, seed=4))),
    ],
    ids=["grid 4x4", "grid 5x3", "every rule 4x4", "every rule 5x3"],
)
def test_zone_by_zone_reaches_the_optimum_of_one_city_model(inst: PatrolInstance) -> None:
    own = assign_owners(inst)
    zones = zone_problems(inst, own)
    whole = union_problem(zones)
    assert whole.size == sum(z.size for z in zones)
    tours, stats = solve_zone(whole, SolverSettings(workers=2, seed=1), time_limit_s=20.0)
    assert stats.status == "OPTIMAL"
    roster = plan_roster(
        inst, own, SolverSettings(time_limit_s=20.0, workers=2, seed=1, runner="serial", lanes=1)
    )
    assert {p.status for p in roster.parts.values()} == {"OPTIMAL"}
    assert roster.objective == stats.objective > 0
    one = Roster(inst.week, tuple(sorted(assignments_of(whole, tours))), {"all": stats})
    report = check_roster(inst, own, one)
    assert report.ok, report.violations
    assert report.objective == stats.objective


# --- serial, local processes and Dask give one roster ----------------------------------


def solve(runner: str, parallel: int = 2) -> tuple[object, ...]:
    done: list[tuple[str, str]] = []  # appended in this process, whichever runs the lanes
    roster = plan_roster(
        CITY,
        CITY_OWN,
        SolverSettings(
            time_limit_s=1.0, workers=1, seed=5, deterministic=True, lanes=parallel, runner=runner
        ),
        on_zone=lambda zone_id, status: done.append((zone_id, status)),
    )
    report = check_roster(CITY, CITY_OWN, roster)
    assert report.ok, report.violations
    parts = {z: (p.status, p.objective, p.best_bound) for z, p in roster.parts.items()}
    assert sorted(z for z, _status in done) == sorted(roster.parts)  # each zone once
    return roster.assignments, parts, sorted(done)


@pytest.fixture(scope="module")
def serial() -> tuple[object, ...]:
    return solve("serial")


@pytest.fixture(scope="module")
def dask_address() -> Iterator[str]:
    from distributed import LocalCluster

    with LocalCluster(
        n_workers=1,
        threads_per_worker=2,
        processes=False,
        protocol="tcp",
        host="127.0.0.1",
        scheduler_port=0,
        dashboard_address=None,
    ) as cluster:
        yield str(cluster.scheduler_address)


def test_local_processes_give_the_serial_roster(serial: tuple[object, ...]) -> None:
    assert solve("local") == serial


def test_a_dask_cluster_gives_the_serial_roster(
    serial: tuple[object, ...], dask_address: str
) -> None:
    assert solve(dask_address) == serial


def test_dask_takes_its_lanes_from_the_cluster(dask_address: str) -> None:
    roster = plan_roster(
        SMALL,
        SMALL_OWN,
        SolverSettings(time_limit_s=1.0, workers=1, lanes=None, runner=dask_address),
    )
    assert set(roster.parts) == {"A", "B"}


# --- errors ---------------------------------------------------------------------------


@pytest.mark.parametrize("address", ["garbage", "http://127.0.0.1:8786", "tcp://host"])
def test_a_malformed_scheduler_address_is_refused(address: str) -> None:
    with pytest.raises(ClusterError, match="--scheduler tcp://HOST:PORT"):
        check_address(address)


def test_an_unreachable_scheduler_is_a_clear_error() -> None:
    with pytest.raises(ClusterError, match=r"no Dask scheduler answers at tcp://127\.0\.0\.1:9"):
        plan_roster(
            SMALL, SMALL_OWN, SolverSettings(time_limit_s=1.0, runner="tcp://127.0.0.1:9", lanes=1)
        )


def _lane_processes() -> list[psutil.Process]:
    """The pool's worker processes: children of a forkserver started by this process."""
    return [
        child
        for server in psutil.Process().children()
        if "forkserver" in " ".join(server.cmdline())
        for child in server.children()
    ]


def test_a_dying_worker_process_is_a_clear_error() -> None:
    errors: list[BaseException] = []

    def run() -> None:
        try:
            plan_roster(CITY, CITY_OWN, SolverSettings(time_limit_s=30.0, workers=1, lanes=2))
        except BaseException as exc:
            errors.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    deadline = time.monotonic() + 20
    while not (workers := _lane_processes()) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert workers, "no worker process started"
    workers[0].kill()
    thread.join(timeout=30)
    assert not thread.is_alive()
    assert len(errors) == 1 and isinstance(errors[0], ClusterError)
    assert "lower --parallel or --workers" in str(errors[0])


def test_plan_with_an_unreachable_scheduler_fails_in_one_line_before_ingest() -> None:
    done = run_cli(
        "plan",
        "--zones", DEMO / "zones_cdd_neighborhoods.geojson",
        "--roads", DEMO / "streets_centerlines.geojson",
        "--chiefs", DEMO / "chiefs.csv",
        "--scheduler", "tcp://127.0.0.1:9",
    )  # fmt: skip
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error:"), done.stderr
    assert "--scheduler" in lines[0]


def test_owning_zones_on_processes_gives_the_serial_ownership() -> None:
    previous = {s.segment_id: CITY_OWN.owner_of[s.segment_id] for s in CITY.segments[::2]}
    serial = assign_owners(CITY, previous=previous)
    assert assign_owners(CITY, previous=previous, parallel=2) == serial
