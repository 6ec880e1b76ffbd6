"""Run independent per-zone jobs on fresh local processes; a dead process is a clear error."""

from __future__ import annotations

import contextlib
import multiprocessing
import os
from collections.abc import Callable, Sequence
from multiprocessing.connection import Connection, wait
from typing import Any, TypeVar

from roadchief.errors import ClusterError
from roadchief.solve.lanes.packing import pack_lanes

J = TypeVar("J")
R = TypeVar("R")


def local_cores() -> int:
    """CPU cores this process may use."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def map_processes(
    fn: Callable[..., R],
    jobs: Sequence[J],
    *,
    what: str,
    on_note: Callable[[Any], None] | None = None,
) -> list[R]:
    """``fn`` of every job, each in its own process (one process per job, so give it few,
    large jobs); stop the others at the first error and raise it. ``what``: the work, for
    the message when a process dies. With ``on_note``, ``fn`` is called as ``fn(job, note)``
    and each ``note(x)`` of a job reaches ``on_note(x)`` in this process as it is sent.

    Plain processes and pipes, not a ``ProcessPoolExecutor``: a pool that lost a worker
    while still starting the others could leave one running that its own clean-up then
    waited for forever (seen as a test run that never exited, Python 3.11).
    """
    ctx = _context()
    processes: list[multiprocessing.process.BaseProcess] = []
    results: list[Connection] = []
    try:
        for job in jobs:
            reader, writer = ctx.Pipe(duplex=False)
            process = ctx.Process(target=_run_job, args=(fn, job, writer, on_note is not None))
            process.start()
            writer.close()
            processes.append(process)
            results.append(reader)
        found: dict[int, R] = {}
        while len(found) < len(jobs):
            waiting = [i for i in range(len(jobs)) if i not in found]
            ready = wait([results[i] for i in waiting] + [processes[i].sentinel for i in waiting])
            for i in waiting:
                if results[i] in ready or processes[i].sentinel in ready:
                    done, value = _received(results[i], what, on_note)
                    if done:
                        found[i] = value
        return [found[i] for i in range(len(jobs))]
    finally:
        for started in processes:
            if started.is_alive():
                started.terminate()
        for started in processes:
            started.join()
        for reader in results:
            reader.close()


def map_dispatched(
    fn: Callable[..., R],
    n_jobs: int,
    job_at: Callable[[int], J],
    workers: int,
    *,
    what: str,
    on_note: Callable[[Any], None] | None = None,
) -> list[R]:
    """``fn`` of ``job_at(i)`` for every ``i`` below ``n_jobs``, on ``workers`` processes
    that each take the next job as they finish one, so no process idles while jobs wait.
    ``job_at(i)`` is called in this process as job ``i`` is handed out, in index order (so
    a job may depend on the time left then). Errors, dead processes and notes as in
    ``map_processes``."""
    ctx = _context()
    processes: list[multiprocessing.process.BaseProcess] = []
    conns: list[Connection] = []
    doing: dict[int, int] = {}  # process -> the job it is doing
    found: dict[int, R] = {}
    try:
        for _ in range(max(1, min(workers, n_jobs))):
            here, there = ctx.Pipe()
            process = ctx.Process(target=_serve, args=(fn, there, on_note is not None))
            process.start()
            there.close()
            processes.append(process)
            conns.append(here)
        handed = 0
        for k, conn in enumerate(conns):
            _hand(conn, job_at(handed), what)
            doing[k] = handed
            handed += 1
        while len(found) < n_jobs:
            busy = list(doing)
            ready = wait([conns[k] for k in busy] + [processes[k].sentinel for k in busy])
            for k in busy:
                if conns[k] not in ready and processes[k].sentinel not in ready:
                    continue
                done, value = _received(conns[k], what, on_note)
                if not done:
                    continue
                found[doing.pop(k)] = value
                if handed < n_jobs:
                    _hand(conns[k], job_at(handed), what)
                    doing[k] = handed
                    handed += 1
        return [found[i] for i in range(n_jobs)]
    finally:
        for conn in conns:
            with contextlib.suppress(OSError):
                conn.send(None)  # a process waiting for a job ends
        for started in processes:
            started.join(timeout=1.0)
            if started.is_alive():
                started.terminate()
                started.join()
        for conn in conns:
            conn.close()


def _serve(fn: Callable[..., R], conn: Connection, notes: bool) -> None:
    """In a worker process of ``map_dispatched``: run each job received until None (or
    until the planning process is gone)."""
    with contextlib.suppress(EOFError, ConnectionError), conn:
        while (job := conn.recv()) is not None:
            _run_job(fn, job, conn, notes, close=False)


def _run_job(
    fn: Callable[..., R], job: J, conn: Connection, notes: bool, *, close: bool = True
) -> None:
    """In the job's process: send ``("ok", fn(job))`` or ``("error", the error)``; with
    ``notes``, ``fn(job, note)``, each note sent as ``("note", x)`` as it comes."""
    try:

        def note(value: object) -> None:
            conn.send(("note", value))

        outcome: tuple[str, object] = ("ok", fn(job, note) if notes else fn(job))
    except BaseException as exc:  # raised again in the parent
        outcome = ("error", exc)
    try:
        conn.send(outcome)
    except Exception as exc:  # an error or result that does not pickle
        conn.send(("error", RuntimeError(f"{type(exc).__name__}: {exc}")))
    finally:
        if close:
            conn.close()


def _received(
    conn: Connection, what: str, on_note: Callable[[Any], None] | None
) -> tuple[bool, Any]:
    """Read a job's pipe while it has something: its notes handed to ``on_note``, then
    ``(True, its result)``; ``(False, None)`` if it has sent no result yet. Its error is
    raised; a ClusterError if it died first."""
    while True:
        try:
            kind, value = conn.recv()
        except (EOFError, ConnectionError):  # a two-way pipe may be reset rather than closed
            raise _died(what) from None
        if kind == "error":
            raise value
        if kind == "ok":
            return True, value
        if on_note is not None:
            on_note(value)
        if not conn.poll():
            return False, None


def _died(what: str) -> ClusterError:
    """The error of a job's process that died while doing ``what``."""
    return ClusterError(
        f"a process died while {what} (killed, or out of memory); lower --parallel or "
        "--workers, or free memory, and plan again"
    )


def _hand(conn: Connection, job: object, what: str) -> None:
    """Send ``job`` to a worker of ``map_dispatched``; a ClusterError if it died."""
    try:
        conn.send(job)
    except ConnectionError:
        raise _died(what) from None


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


def _context() -> multiprocessing.context.ForkServerContext | multiprocessing.context.SpawnContext:
    """Fresh processes that import roadchief once (forkserver), not copies of this one."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(
            ["roadchief.solve.roster.zones", "roadchief.solve.ownership.owners"]
        )
        return ctx
    return multiprocessing.get_context("spawn")
