"""Open the lanes a runner names and run one job per lane on them.

A lane is one job that runs beside the others: in this process (``serial``, or ``local``
with one lane), in a fresh local process each (``local``), or as a task on a Dask cluster
(a scheduler address). The caller hands the function to run: lanes know nothing of what
the jobs are.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from roadchief.solve.lanes.cluster import cluster_threads, dask_client, run_on_dask
from roadchief.solve.lanes.processes import local_cores, map_dispatched, map_processes
from roadchief.solve.settings import LOCAL, SERIAL

if TYPE_CHECKING:
    from distributed import Client

J = TypeVar("J")
R = TypeVar("R")


@dataclass(frozen=True)
class Lanes:
    """Lanes that are open: how many, and where they run."""

    count: int
    """Lanes to pack the jobs into."""
    runner: str
    client: Client | None = None
    """The Dask client, when the lanes run on a cluster."""

    def map(
        self,
        fn: Callable[..., R],
        jobs: Sequence[J],
        *,
        what: str,
        on_note: Callable[[Any], None] | None = None,
    ) -> list[R]:
        """``fn`` of every job, one job per lane; raise the first job's error.

        ``what``: the work, for the message when a lane's process or worker dies. With
        ``on_note``, ``fn`` is called as ``fn(job, note)`` and every ``note(x)`` reaches
        ``on_note(x)`` in this process: as it is sent (serial, local processes), or when
        its lane ends (Dask).
        """
        if self.client is not None:
            return run_on_dask(self.client, self.runner, fn, jobs, what=what, on_note=on_note)
        if self.runner == SERIAL or len(jobs) == 1:
            if on_note is None:
                return [fn(job) for job in jobs]
            return [fn(job, on_note) for job in jobs]
        return map_processes(fn, jobs, what=what, on_note=on_note)

    @property
    def take_jobs(self) -> bool:
        """True if the lanes are local processes that take jobs one at a time (``dispatch``)."""
        return self.runner == LOCAL and self.count > 1

    def dispatch(
        self,
        fn: Callable[..., R],
        n_jobs: int,
        job_at: Callable[[int], J],
        *,
        what: str,
        on_note: Callable[[Any], None] | None = None,
    ) -> list[R]:
        """``fn`` of ``job_at(i)`` for every ``i`` below ``n_jobs``, each job handed out
        in index order to the first lane free (``processes.map_dispatched``; only where
        ``take_jobs``)."""
        return map_dispatched(fn, n_jobs, job_at, self.count, what=what, on_note=on_note)


@contextmanager
def open_lanes(runner: str, lanes: int | None) -> Iterator[Lanes]:
    """The lanes of ``runner`` (``local``, ``serial`` or a Dask scheduler address), closed
    afterwards. ``lanes`` None: one per local core, or per worker thread of the cluster."""
    if runner in (LOCAL, SERIAL):
        yield Lanes(lanes or local_cores(), runner)
        return
    with dask_client(runner) as client:
        yield Lanes(lanes or cluster_threads(client, runner), runner, client)
