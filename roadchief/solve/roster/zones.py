"""Solve a week's zones in lanes: one after another, on local processes, or on a Dask cluster.

The zones are packed into lanes (``budget.pack_lanes``); a lane is one task holding only its
own zones and their warm starts, never the whole instance, and solves them one by one with
``roster.solve_zone``. With ``deterministic`` every zone's limit is fixed in advance
(``budget.zone_limits``), so the roster does not depend on where the lanes run.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from roadchief.domain import SolveStats
from roadchief.errors import ClusterError, RoadchiefError
from roadchief.solve.lanes.processes import local_cores, map_processes
from roadchief.solve.roster.budget import floor_s, pack_lanes, weight, zone_limits
from roadchief.solve.roster.solve_zone import solve_zone
from roadchief.solve.roster.zone import Tours, ZoneProblem

if TYPE_CHECKING:
    from distributed import Client

CONNECT_S = 10.0
"""How long to wait for a Dask scheduler to answer, and for it to have a worker."""
SERIAL = "serial"
"""Runner: every lane in this process, one after another (P lanes take P times the budget)."""
LOCAL = "local"
"""Runner: one local process per lane (in this process when there is one lane)."""

ZoneResult = tuple[Tours, SolveStats]


@dataclass(frozen=True)
class SolveSettings:
    """How every zone is searched: CP-SAT workers, seed, warm start, extra parameters."""

    workers: int = 2
    seed: int = 0
    hint: bool = True
    cp_params: tuple[tuple[str, bool | int | float], ...] = ()
    deterministic: bool = False


@dataclass(frozen=True)
class LaneJob:
    """One lane's zones (smallest first) with their warm starts and limits: all a worker gets."""

    zones: tuple[ZoneProblem, ...]
    starts: tuple[Tours | None, ...]
    limits: tuple[float, ...]
    """Per zone: its fixed share of the budget (``budget.zone_limits``)."""
    budget_s: float
    """The lane's whole budget: the city's time limit."""
    floor_s: float
    settings: SolveSettings


def solve_lane(lane: LaneJob) -> list[ZoneResult]:
    """Solve a lane's zones in order; raise the first zone's error.

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
        out.append(
            solve_zone(
                zone,
                time_limit_s=limit,
                workers=s.workers,
                seed=s.seed,
                hint=s.hint,
                cp_params=dict(s.cp_params),
                deterministic=s.deterministic,
                start=start,
            )
        )
        left = max(0.0, left - (time.perf_counter() - t0))
        size_left -= weight(zone.size)
    return out


def lane_jobs(
    zones: Sequence[ZoneProblem],
    starts: Sequence[Tours | None],
    *,
    lanes: int,
    time_limit_s: float,
    settings: SolveSettings,
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
    *,
    time_limit_s: float,
    settings: SolveSettings,
    parallel: int | None = 1,
    runner: str = LOCAL,
) -> list[ZoneResult]:
    """Every zone's tours and stats, in the order of ``zones``.

    Parameters
    ----------
    parallel
        Lanes: zones solved side by side, each lane with the whole ``time_limit_s``. None:
        the local cores (``local``, ``serial``) or the cluster's worker threads (Dask), at
        most one lane per zone.
    runner
        ``local`` (a process per lane, none for one lane), ``serial`` (lanes one after
        another in this process) or a Dask scheduler address such as ``tcp://host:8786``.
    """
    if not zones:
        return []
    if runner in (LOCAL, SERIAL):
        packing, jobs = lane_jobs(
            zones,
            starts,
            lanes=parallel or local_cores(),
            time_limit_s=time_limit_s,
            settings=settings,
        )
        if runner == SERIAL or len(jobs) == 1:
            results = [solve_lane(job) for job in jobs]
        else:
            results = run_on_processes(jobs)
    else:
        with dask_client(runner) as client:
            packing, jobs = lane_jobs(
                zones,
                starts,
                lanes=parallel or cluster_threads(client, runner),
                time_limit_s=time_limit_s,
                settings=settings,
            )
            results = run_on_dask(client, runner, jobs)
    out: dict[int, ZoneResult] = {}
    for lane, result in zip(packing, results, strict=True):
        out.update(zip(lane, result, strict=True))
    return [out[i] for i in range(len(zones))]


def run_on_processes(jobs: Sequence[LaneJob]) -> list[list[ZoneResult]]:
    """Each lane in its own process; stop every lane at the first error and raise it."""
    return map_processes(solve_lane, jobs, what="solving its zones")


def check_address(address: str) -> tuple[str, int | None]:
    """The host and port of a Dask scheduler address; raise ClusterError naming the fix."""
    from distributed.comm.addressing import parse_address, parse_host_port

    fix = "give the scheduler's address as --scheduler tcp://HOST:PORT (dask scheduler prints it)"
    try:
        scheme, location = parse_address(address)
        if scheme not in ("tcp", "tls"):
            raise ValueError(f"scheme {scheme!r} is not tcp or tls")
        host, port = parse_host_port(location)
    except ValueError as exc:
        raise ClusterError(f"{address!r} is not a Dask scheduler address ({exc}); {fix}") from None
    return str(host), None if port is None else int(port)


def _unreachable(address: str, exc: BaseException) -> ClusterError:
    return ClusterError(
        f"no Dask scheduler answers at {address} ({exc}); start one (dask scheduler, then "
        f"dask worker {address}) or check --scheduler; without --scheduler the zones are "
        "solved on this machine"
    )


def probe_scheduler(address: str) -> None:
    """Raise ClusterError, naming the fix, unless something listens at the address."""
    host, port = check_address(address)
    if port is not None:
        try:  # refused at once, instead of Dask retrying until its timeout
            socket.create_connection((host, port), timeout=CONNECT_S).close()
        except OSError as exc:
            raise _unreachable(address, exc) from None


@contextmanager
def dask_client(address: str) -> Iterator[Client]:
    """A Dask client connected to ``address``, closed afterwards; ClusterError if unreachable."""
    probe_scheduler(address)
    from distributed import Client

    try:
        client = Client(address, timeout=CONNECT_S, set_as_default=False)
    except (OSError, TimeoutError) as exc:
        raise _unreachable(address, exc) from None
    try:
        yield client
    finally:
        client.close()


def cluster_threads(client: Client, address: str) -> int:
    """The worker threads of the cluster, after waiting for at least one worker."""
    try:
        client.wait_for_workers(1, timeout=CONNECT_S)
    except TimeoutError:
        raise ClusterError(
            f"the Dask scheduler at {address} has no workers; start some with "
            f"dask worker {address} --nthreads 1 --nworkers N"
        ) from None
    threads: dict[str, int] = client.nthreads()
    return max(1, sum(threads.values()))


def run_on_dask(client: Client, address: str, jobs: Sequence[LaneJob]) -> list[list[ZoneResult]]:
    """Each lane as one Dask task; raise the first lane's error, or a clear ClusterError."""
    from distributed import KilledWorker

    cluster_threads(client, address)
    try:
        futures = [
            client.submit(solve_lane, client.scatter(job, hash=False), pure=False) for job in jobs
        ]
        results: list[list[ZoneResult]] = client.gather(futures)
    except KilledWorker:
        raise ClusterError(
            f"a Dask worker of {address} died while solving zones (killed, or out of memory); "
            "give the workers more memory or lower --workers, and plan again"
        ) from None
    except RoadchiefError:
        raise
    except ImportError as exc:
        raise ClusterError(
            f"the Dask workers of {address} cannot run roadchief ({exc}); install the same "
            "roadchief version in the workers' environment"
        ) from None
    return results
