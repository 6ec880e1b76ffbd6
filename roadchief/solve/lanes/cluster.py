"""Run lanes on a Dask cluster: reach the scheduler, count its threads, one task per lane."""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeVar

from roadchief.errors import ClusterError, RoadchiefError

if TYPE_CHECKING:
    from distributed import Client

J = TypeVar("J")
R = TypeVar("R")

CONNECT_S = 10.0
"""How long to wait for a Dask scheduler to answer, and for it to have a worker."""


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


def run_on_dask(
    client: Client,
    address: str,
    fn: Callable[..., R],
    jobs: Sequence[J],
    *,
    what: str,
    on_note: Callable[[Any], None] | None = None,
) -> list[R]:
    """``fn`` of each job as one Dask task; raise the first job's error, or a clear
    ClusterError. ``what``: the work, for the message when a worker dies. With ``on_note``,
    ``fn(job, note)``: a task's notes reach ``on_note`` here when the task ends."""
    from distributed import KilledWorker, as_completed

    cluster_threads(client, address)
    try:
        if on_note is None:
            futures = [
                client.submit(fn, client.scatter(job, hash=False), pure=False) for job in jobs
            ]
            results: list[R] = client.gather(futures)
        else:
            noted: Callable[..., tuple[R, list[Any]]] = _with_notes
            tasks = [
                client.submit(noted, fn, client.scatter(job, hash=False), pure=False)
                for job in jobs
            ]
            for done in as_completed(tasks, loop=client.loop):
                for value in client.gather(done)[1]:
                    on_note(value)
            results = [result for result, _notes in client.gather(tasks)]
    except KilledWorker:
        raise ClusterError(
            f"a Dask worker of {address} died while {what} (killed, or out of memory); "
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


def _with_notes(fn: Callable[..., R], job: J) -> tuple[R, list[Any]]:
    """On a worker: ``fn(job, note)`` and the notes it sent, in order."""
    notes: list[Any] = []
    return fn(job, notes.append), notes
