"""Run independent per-zone jobs on fresh local processes; a dead process is a clear error."""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import FIRST_EXCEPTION, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

from roadchief.errors import ClusterError
from roadchief.solve.budget import pack_lanes

J = TypeVar("J")
R = TypeVar("R")


def local_cores() -> int:
    """CPU cores this process may use."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def map_processes(fn: Callable[[J], R], jobs: Sequence[J], *, what: str) -> list[R]:
    """``fn`` of every job, each in its own process (one process per job, so give it few,
    large jobs); stop the others at the first error and raise it. ``what``: the work, for
    the message when a process dies."""
    pool = ProcessPoolExecutor(max_workers=max(1, len(jobs)), mp_context=_context())
    try:
        futures = [pool.submit(fn, job) for job in jobs]
        wait(futures, return_when=FIRST_EXCEPTION)
        failed = [f for f in futures if f.done() and f.exception() is not None]
        if failed:
            _terminate(pool)
            raise _error(failed[0], what)
        return [f.result() for f in futures]
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def map_lanes(
    fn: Callable[[Sequence[J]], list[R]],
    jobs: Sequence[J],
    sizes: Sequence[int],
    parallel: int,
    *,
    what: str,
) -> list[R]:
    """``fn`` of every job, the jobs packed by size into ``parallel`` lanes (``fn`` takes a
    lane's jobs and returns one result per job), one process per lane; results in job order.
    One lane, or one job, runs in this process."""
    if parallel <= 1 or len(jobs) <= 1:
        return fn(jobs)
    lanes = pack_lanes(sizes, parallel)
    done = map_processes(fn, [[jobs[i] for i in lane] for lane in lanes], what=what)
    by_index: dict[int, R] = {}
    for lane, results in zip(lanes, done, strict=True):
        by_index.update(zip(lane, results, strict=True))
    return [by_index[i] for i in range(len(jobs))]


def _context() -> multiprocessing.context.BaseContext:
    """Fresh processes that import roadchief once (forkserver), not copies of this one."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["roadchief.solve.parallel", "roadchief.solve.ownership"])
        return ctx
    return multiprocessing.get_context("spawn")


def _terminate(pool: ProcessPoolExecutor) -> None:
    """End the jobs still running: their result is not wanted once one job failed."""
    pool.shutdown(wait=False, cancel_futures=True)
    processes: Mapping[int, Any] = getattr(pool, "_processes", None) or {}
    for process in list(processes.values()):
        process.terminate()


def _error(future: Future[Any], what: str) -> BaseException:
    """The error to raise for a failed job: its own, or a ClusterError for a dead process."""
    exc = future.exception()
    assert exc is not None
    if isinstance(exc, BrokenProcessPool):
        return ClusterError(
            f"a process died while {what} (killed, or out of memory); lower --parallel or "
            "--workers, or free memory, and plan again"
        )
    return exc
