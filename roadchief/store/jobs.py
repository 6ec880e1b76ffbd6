"""Store background jobs: queue one (one per lock key at a time), claim it, report its
stage, finish it; and read them back."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlalchemy import Engine, select, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from roadchief.errors import RoadchiefError
from roadchief.store.accounts import audit, aware, now
from roadchief.store.db import write_session
from roadchief.store.models_web import WebJob
from roadchief.web_records import Job, JobKind, JobState


class JobBusyError(RoadchiefError, RuntimeError):
    """A job with the same lock key is queued or running."""

    def __init__(self, lock: str, job_id: int | None) -> None:
        self.job_id = job_id
        super().__init__(f"{lock} is already queued or running (job {job_id}); wait for it")


def _job(row: WebJob) -> Job:
    def moment(v: dt.datetime | None) -> dt.datetime | None:
        return None if v is None else aware(v)

    return Job(
        row.id, JobKind(row.kind), JobState(row.state), json.loads(row.params), row.created_by,
        aware(row.created_at), moment(row.started_at), moment(row.finished_at), row.stage,
        row.stage_budget_s, moment(row.stage_started_at), row.pid, json.loads(row.result),
        row.error,
    )  # fmt: skip


def queue_job(
    engine: Engine,
    kind: JobKind,
    params: dict[str, Any],
    *,
    lock: str,
    actor: str,
    ip: str | None = None,
) -> Job:
    """A new queued job holding ``lock``; JobBusyError naming the job that holds it."""
    try:
        with write_session(engine) as session:
            row = WebJob(
                kind=str(kind), lock=lock, state=str(JobState.QUEUED),
                params=json.dumps(params, ensure_ascii=False), created_by=actor,
                created_at=now(), stage="", result="{}",
            )  # fmt: skip
            session.add(row)
            session.flush()
            audit(session, actor, f"job.{kind}", f"job:{row.id}", params, ip)
            return _job(row)
    except (IntegrityError, OperationalError) as exc:
        if isinstance(exc, OperationalError) and "locked" not in str(exc):
            raise
        with write_session(engine) as session:
            holder = session.scalar(select(WebJob.id).where(WebJob.lock == lock))
        raise JobBusyError(lock, holder) from exc


def set_job_params(engine: Engine, job_id: int, params: dict[str, Any]) -> None:
    """Complete a queued job's parameters (the names its uploaded files were saved as)."""
    with write_session(engine) as session:
        session.get_one(WebJob, job_id).params = json.dumps(params, ensure_ascii=False)


def claim_job(engine: Engine, job_id: int, pid: int) -> Job | None:
    """Mark a queued job running in process ``pid``; None if it is not queued (claimed by
    another worker, or finished)."""
    with write_session(engine) as session:
        moved = session.execute(
            update(WebJob)
            .where(WebJob.id == job_id, WebJob.state == str(JobState.QUEUED))
            .values(state=str(JobState.RUNNING), started_at=now(), pid=pid)
            .execution_options(synchronize_session=False)
        ).rowcount  # type: ignore[attr-defined]
        return _job(session.get_one(WebJob, job_id)) if moved == 1 else None


def job_stage(engine: Engine, job_id: int, stage: str, budget_s: float | None) -> None:
    """The stage a running job has reached (its page shows it with its elapsed time)."""
    with write_session(engine) as session:
        session.execute(
            update(WebJob)
            .where(WebJob.id == job_id)
            .values(stage=stage, stage_budget_s=budget_s, stage_started_at=now())
            .execution_options(synchronize_session=False)
        )


def finish_job(
    engine: Engine, job_id: int, *, result: dict[str, Any] | None = None, error: str | None = None
) -> Job:
    """End a job, done (``result``) or failed (``error``), and free its lock."""
    state = JobState.FAILED if error is not None else JobState.DONE
    with write_session(engine) as session:
        row = session.get_one(WebJob, job_id)
        row.state = str(state)
        row.lock = None
        row.finished_at = now()
        row.error = error
        row.result = json.dumps(result or {}, ensure_ascii=False, default=str)
        details = {"error": error} if error else (result or {})
        audit(session, "worker", f"job.{state}", f"job:{job_id}", details)
        return _job(row)


def get_job(session: Session, job_id: int) -> Job | None:
    row = session.get(WebJob, job_id)
    return None if row is None else _job(row)


def active_job(session: Session, lock: str) -> Job | None:
    row = session.scalar(select(WebJob).where(WebJob.lock == lock))
    return None if row is None else _job(row)


def recent_jobs(session: Session, limit: int = 20) -> list[Job]:
    rows = session.scalars(select(WebJob).order_by(WebJob.id.desc()).limit(limit))
    return [_job(r) for r in rows]


def running_jobs(session: Session) -> list[Job]:
    rows = session.scalars(select(WebJob).where(WebJob.state == str(JobState.RUNNING)))
    return [_job(r) for r in rows]
