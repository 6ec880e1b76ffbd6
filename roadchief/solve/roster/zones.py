"""Solve a week's zones in lanes: each zone with its share of the time, the lanes side by side.

On local processes (not ``deterministic``), zones are handed out smallest first, one at a
time, to the first lane that comes free, each with its share of the time left then
(``budget.handed_out_limit``): time that a zone proved early leaves goes to the zones
still to come, whichever lane solves them, and time left once all are solved goes to the
zones not proven (as many as can have the least limit, ``budget.floor_s``, farthest above
their bound first: ``widest_open``), solved again from their rosters (``better_of``; not
under --strict, where a second search with little time could only fail). Otherwise the
zones are packed into lanes (``lanes.packing``); a lane is one job holding only its own
zones and their warm starts, never the whole instance, and solves them one by one with
``solve_zone``. With ``deterministic`` every zone's limit is fixed in advance
(``budget.zone_limits``), so the roster does not depend on where the lanes run.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from roadchief.domain import SolveStats
from roadchief.solve.lanes.packing import pack_lanes, weight
from roadchief.solve.lanes.runner import Lanes, open_lanes
from roadchief.solve.roster.budget import floor_s, handed_out_limit, zone_limits
from roadchief.solve.roster.solve_zone import solve_zone
from roadchief.solve.roster.zone import Tours, ZoneProblem
from roadchief.solve.settings import SolverSettings

ZoneResult = tuple[Tours, SolveStats]
ZoneDone = tuple[str, str]
"""A zone that ended: its id and its status (``SolveStats.status``)."""


@dataclass(frozen=True)
class LaneJob:
    """One lane's zones (smallest first) with their warm starts and limits: all a worker gets."""

    zones: tuple[ZoneProblem, ...]
    starts: tuple[Tours | None, ...]
    limits: tuple[float, ...]
    """Per zone: its fixed share of the budget (``budget.zone_limits``)."""
    budget_s: float
    """The lane's whole budget."""
    floor_s: float
    settings: SolverSettings


@dataclass(frozen=True)
class ZoneJob:
    """One zone to solve, with its warm start and limit: handed to a lane that came free,
    or the next of a lane's zones."""

    zone: ZoneProblem
    start: Tours | None
    limit_s: float
    settings: SolverSettings


def solve_handed(job: ZoneJob, note: Callable[[ZoneDone], None] | None = None) -> ZoneResult:
    """Solve one zone; ``note``: told ``(zone id, status)`` as it ends."""
    out = solve_zone(job.zone, job.settings, time_limit_s=job.limit_s, start=job.start)
    if note is not None:
        note((job.zone.zone_id, out[1].status))
    return out


def solve_lane(lane: LaneJob, note: Callable[[ZoneDone], None] | None = None) -> list[ZoneResult]:
    """Solve a lane's zones in order; raise the first zone's error. ``note``: told
    ``(zone id, status)`` as each zone ends.

    With ``deterministic`` each zone gets its fixed limit; otherwise time a zone leaves
    unused (proved optimal early) goes to the zones after it, by size.
    """
    s = lane.settings
    left = lane.budget_s
    size_left = sum(weight(z.size) for z in lane.zones)
    out = []
    for zone, start, fixed in zip(lane.zones, lane.starts, lane.limits, strict=True):
        limit = (
            fixed if s.deterministic else max(lane.floor_s, left * weight(zone.size) / size_left)
        )
        t0 = time.perf_counter()
        out.append(solve_handed(ZoneJob(zone, start, limit, s), note))
        left = max(0.0, left - (time.perf_counter() - t0))
        size_left -= weight(zone.size)
    return out


def lane_jobs(
    zones: Sequence[ZoneProblem],
    starts: Sequence[Tours | None],
    settings: SolverSettings,
    *,
    lanes: int,
    time_limit_s: float,
) -> tuple[list[list[int]], list[LaneJob]]:
    """The zones packed into ``lanes`` lanes: the zone indices of each lane and its job."""
    sizes = [z.size for z in zones]
    packing = pack_lanes(sizes, lanes)
    limits = zone_limits(sizes, lanes, time_limit_s)
    least = floor_s(len(zones), time_limit_s)
    jobs = [
        LaneJob(
            zones=tuple(zones[i] for i in lane),
            starts=tuple(starts[i] for i in lane),
            limits=tuple(limits[i] for i in lane),
            budget_s=time_limit_s,
            floor_s=least,
            settings=settings,
        )
        for lane in packing
    ]
    return packing, jobs


def solve_zones(
    zones: Sequence[ZoneProblem],
    starts: Sequence[Tours | None],
    settings: SolverSettings,
    *,
    time_limit_s: float,
    on_zone: Callable[[str, str], None] | None = None,
) -> list[ZoneResult]:
    """Every zone's tours and stats, in the order of ``zones``.

    The zones go into ``settings.lanes`` lanes (None: the local cores, or the cluster's
    worker threads, at most one lane per zone) that run where ``settings.runner`` says,
    side by side for ``time_limit_s``: handed out one at a time on local processes
    (``hand_out``), packed in advance elsewhere and in deterministic mode.
    ``on_zone(zone id, status)`` is called in this process as each zone ends (on Dask: as
    its lane ends).
    """
    if not zones:
        return []
    told = None if on_zone is None else (lambda done: on_zone(*done))
    with open_lanes(settings.runner, settings.lanes) as lanes:
        if lanes.take_jobs and not settings.deterministic and len(zones) > 1:
            return hand_out(zones, starts, settings, lanes, time_limit_s, told)
        packing, jobs = lane_jobs(
            zones, starts, settings, lanes=lanes.count, time_limit_s=time_limit_s
        )
        results = lanes.map(solve_lane, jobs, what="solving its zones", on_note=told)
    out: dict[int, ZoneResult] = {}
    for lane, result in zip(packing, results, strict=True):
        out.update(zip(lane, result, strict=True))
    return [out[i] for i in range(len(zones))]


def hand_out(
    zones: Sequence[ZoneProblem],
    starts: Sequence[Tours | None],
    settings: SolverSettings,
    lanes: Lanes,
    time_limit_s: float,
    told: Callable[[ZoneDone], None] | None,
) -> list[ZoneResult]:
    """The zones solved smallest first, each by the first lane free, with its share of
    the time left when it starts (``budget.handed_out_limit``); in the order of ``zones``."""
    deadline = time.perf_counter() + time_limit_s
    order = sorted(range(len(zones)), key=lambda i: (weight(zones[i].size), i))
    least = floor_s(len(zones), time_limit_s)

    def jobs(ids: list[int], start_of: Callable[[int], Tours | None]) -> Callable[[int], ZoneJob]:
        """The k-th of zones ``ids`` as a job, with its share of the time left then."""

        def job_at(k: int) -> ZoneJob:
            left = max(0.0, deadline - time.perf_counter())
            sizes = [zones[i].size for i in ids[k:]]
            limit = handed_out_limit(sizes, lanes.count, left, least)
            return ZoneJob(zones[ids[k]], start_of(ids[k]), limit, settings)

        return job_at

    from_start = jobs(order, lambda i: starts[i])
    found = lanes.dispatch(
        solve_handed, len(zones), from_start, what="solving its zones", on_note=told
    )
    by_zone = dict(zip(order, found, strict=True))
    room = lanes.count * int(max(0.0, deadline - time.perf_counter()) // least)
    again = widest_open({i: by_zone[i][1] for i in order if not zones[i].strict}, room)
    if again:
        from_roster = jobs(again, lambda i: by_zone[i][0])
        more = lanes.dispatch(solve_handed, len(again), from_roster, what="solving its zones again")
        for i, result in zip(again, more, strict=True):
            by_zone[i] = better_of(by_zone[i], result)
    return [by_zone[i] for i in range(len(zones))]


def widest_open(stats: Mapping[int, SolveStats], room: int) -> list[int]:
    """Of the zones of ``stats`` not proven optimal, the ``room`` (at most) whose rosters
    are farthest above their bounds, in the order of ``stats``: time left for fewer zones
    than are open goes where it can save most, not to none (the demo at 15 s: some runs
    ended 1-3 s early with zones open, both lanes idle)."""
    open_ = [i for i, st in stats.items() if st.status != "OPTIMAL"]
    widest = sorted(open_, key=lambda i: (stats[i].best_bound - stats[i].objective, i))
    chosen = set(widest[: max(0, room)])
    return [i for i in open_ if i in chosen]


def better_of(first: ZoneResult, second: ZoneResult) -> ZoneResult:
    """Of a zone solved twice (the second from the first's roster, with time other zones
    left), the roster that costs less (the first on a tie), with the higher of the two
    bounds (both bound the same zone; a bound of the model only while the roster kept
    costs no less) and the time of both."""
    tours, stats = min(first, second, key=lambda r: r[1].objective)
    top = max(first[1], second[1], key=lambda s: (s.best_bound <= stats.objective, s.best_bound))
    bound = min(stats.objective, top.best_bound)
    wall = first[1].wall_s + second[1].wall_s
    return tours, dataclasses.replace(stats, best_bound=bound, bound_on=top.bound_on, wall_s=wall)
