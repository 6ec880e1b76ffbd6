"""Start background jobs in their own worker process, and notice workers that died.

A job is a row (``store.jobs``) and a process (``python -m roadchief.web.worker ID``) in
a session of its own: closing the page, or restarting the server, does not stop it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from roadchief.store.db import read_session
from roadchief.store.jobs import finish_job, queue_job, running_jobs
from roadchief.web.settings import DATA_ENV, WebSettings
from roadchief.web_records import Job, JobKind


def job_dir(data_dir: Path, job_id: int) -> Path:
    return data_dir / "jobs" / str(int(job_id))


def start_job(
    settings: WebSettings,
    engine: Engine,
    kind: JobKind,
    params: dict[str, Any],
    *,
    lock: str,
    actor: str,
    ip: str | None = None,
) -> Job:
    """Queue the job (JobBusyError if ``lock`` is held) and start its worker."""
    job = queue_job(engine, kind, params, lock=lock, actor=actor, ip=ip)
    spawn(settings, engine, job.id)
    return job


_WORKERS: list[subprocess.Popen[bytes]] = []
"""Workers this process started: kept to collect their exit status (no zombies)."""


def spawn(settings: WebSettings, engine: Engine, job_id: int) -> subprocess.Popen[bytes]:
    """Start the worker of a queued job, detached from this process."""
    _WORKERS[:] = [w for w in _WORKERS if w.poll() is None]
    folder = job_dir(settings.data_dir, job_id)
    folder.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    env["ROADCHIEF_DB"] = engine.url.render_as_string(hide_password=False)
    env[DATA_ENV] = str(settings.data_dir)
    with open(folder / "worker.log", "ab") as log:
        worker = subprocess.Popen(
            [sys.executable, "-m", "roadchief.web.worker", str(job_id)],
            cwd=folder, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
            start_new_session=True, close_fds=True,
        )  # fmt: skip
    _WORKERS.append(worker)
    return worker


def wait_for_workers(timeout_s: float) -> None:
    """Wait for the workers this process started (tests; a server shutting down)."""
    for worker in _WORKERS:
        worker.wait(timeout=timeout_s)
    _WORKERS.clear()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return _not_zombie(pid)


def _not_zombie(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return stat.rsplit(")", 1)[-1].split()[0] != "Z"


def reap(engine: Engine) -> list[int]:
    """Fail the running jobs whose worker process is gone (killed, machine restarted)."""
    with read_session(engine) as session:
        gone = [j.id for j in running_jobs(session) if j.pid is not None and not _alive(j.pid)]
    for job_id in gone:
        finish_job(engine, job_id, error="the worker process ended without a result; start again")
    return gone
