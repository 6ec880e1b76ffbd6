"""Run one background job: ``python -m roadchief.web.worker JOB_ID``.

It claims the job (a job runs once), runs it through the application layer as the
command line does (``plan_db``, ``replan_db``, ``import_files``, ``export_db``, with the
same lanes), writes each stage into the job's row, and ends it done or failed. A run's
folder is built beside ``<data>/runs/`` and moved to ``runs/<run_id>`` once stored.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import shutil
import sys
import threading
import traceback
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError

from roadchief.app.files import WeekFiles
from roadchief.app.imports import ImportItem, import_files
from roadchief.app.on_database import export_db, plan_db, replan_db
from roadchief.app.settings import PlanSettings
from roadchief.app.summary import RunSummary
from roadchief.domain import Absence, Week
from roadchief.errors import RoadchiefError
from roadchief.solve.settings import SolverSettings
from roadchief.store.db import make_engine, read_session
from roadchief.store.imports import KINDS
from roadchief.store.jobs import claim_job, finish_job, job_stage
from roadchief.store.people import run_out
from roadchief.store.runs import current_run
from roadchief.web.jobs import job_dir
from roadchief.web.runs import is_ready, run_folder, runs_dir
from roadchief.web.settings import WebSettings
from roadchief.web_records import Job, JobKind


class StageWriter:
    """Writes the latest stage into the job's row from a thread of its own, so that a job
    never waits for it: on SQLite an import holds the only write lock while it reports."""

    def __init__(self, engine: Engine, job_id: int) -> None:
        self.engine, self.job_id = engine, job_id
        self.latest: tuple[str, float | None] | None = None
        self.wake = threading.Event()
        self.done = False
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def __call__(self, name: str, budget_s: float | None) -> None:
        self.latest = (name, budget_s)
        self.wake.set()

    def _run(self) -> None:
        while not self.done:
            self.wake.wait()
            self.wake.clear()
            stage, self.latest = self.latest, None
            if stage is not None:
                with contextlib.suppress(OperationalError):  # busy: the next one is shown
                    job_stage(self.engine, self.job_id, *stage)

    def close(self) -> None:
        self.done = True
        self.wake.set()
        self.thread.join(timeout=5)


def run_job(settings: WebSettings, engine: Engine, job_id: int) -> Job | None:
    """Claim and run the job; None if another worker had it."""
    job = claim_job(engine, job_id, os.getpid())
    if job is None:
        return None
    on_stage = StageWriter(engine, job_id)
    try:
        result = RUNNERS[job.kind](settings, engine, job, on_stage)
    except RoadchiefError as exc:
        return finish_job(engine, job_id, error=str(exc))
    except Exception as exc:  # a bug: keep the trace in the worker's log, a line in the job
        traceback.print_exc()
        return finish_job(engine, job_id, error=f"internal error: {type(exc).__name__}: {exc}")
    finally:
        on_stage.close()
    return finish_job(engine, job_id, result=result)


def _headline(s: RunSummary) -> dict[str, Any]:
    return {
        "week": s.week, "status": s.status, "patrols_planned": s.patrols_planned,
        "patrols_required": s.patrols_required, "tours": s.tours, "gap": s.gap_city,
        "uncovered_km": s.uncovered_km,
    }  # fmt: skip


def _store_folder(settings: WebSettings, engine: Engine, week: Week, out: Path) -> int:
    """Move the plan's folder to ``runs/<run_id>`` of the run it stored; the run id."""
    with read_session(engine) as session:
        run_id, _ = current_run(session, week)
        written = run_out(session, run_id)
    if written != str(out):
        shutil.rmtree(out, ignore_errors=True)
        raise RoadchiefError(
            f"week {week} was stored again by someone else while this job ran; open its "
            "downloads to see the current run"
        )
    target = run_folder(settings.data_dir, run_id)
    if target.exists():
        shutil.rmtree(target)
    out.rename(target)
    return run_id


def _pending(settings: WebSettings, job: Job) -> Path:
    folder = runs_dir(settings.data_dir) / f"pending-{job.id}"
    folder.parent.mkdir(parents=True, exist_ok=True)
    return folder


def _plan(settings: WebSettings, engine: Engine, job: Job, on_stage: Any) -> dict[str, Any]:
    p = job.params
    week = Week.parse(p["week"])
    solver = SolverSettings(time_limit_s=float(p["time_limit_s"]), workers=int(p.get("workers", 2)))
    out = _pending(settings, job)
    files = {f["kind"]: Path(f["path"]) for f in p.get("pins", [])}
    pins = WeekFiles(owner_pins=files.get("pin_owners"), roster_pins=files.get("pin"))
    summary = plan_db(engine, week, out, PlanSettings(solver=solver, strict=bool(p["strict"])),
                      pins=pins, on_stage=on_stage)  # fmt: skip
    return {**_headline(summary), "run_id": _store_folder(settings, engine, week, out)}


def _replan(settings: WebSettings, engine: Engine, job: Job, on_stage: Any) -> dict[str, Any]:
    p = job.params
    week = Week.parse(p["week"])
    first = dt.date.fromisoformat(p["from"])
    last = dt.date.fromisoformat(p["until"]) if p.get("until") else week.days[-1]
    absences = [Absence(c, first, last) for c in p["absent"]]
    changes = {"time_limit_s": float(p["time_limit_s"])}
    out = _pending(settings, job)
    summary = replan_db(engine, week, absences, first, out, changes, on_stage=on_stage)
    return {**_headline(summary), "run_id": _store_folder(settings, engine, week, out)}


def _import(settings: WebSettings, engine: Engine, job: Job, on_stage: Any) -> dict[str, Any]:
    crs = job.params.get("crs") or None
    items = [ImportItem(f["kind"], Path(f["path"]), crs=crs) for f in job.params["files"]]

    def progress(stage: str, done: int = 0, total: int = 0) -> None:
        on_stage(stage, None)

    result = import_files(engine, items, on_progress=progress)
    return {
        "files": [f"{f.kind}: {f.name} v{f.version} ({f.status})" for f in result.files],
        "snapshot_id": result.snapshot_id, "segments_placed": result.segments_placed,
        "segments_unplaced": result.segments_unplaced, "chiefs": result.chiefs,
        "warnings": result.warnings[:50], "pending": result.pending,
    }  # fmt: skip


def _export(settings: WebSettings, engine: Engine, job: Job, on_stage: Any) -> dict[str, Any]:
    """Export a stored run into its folder, if it is still its week's current run."""
    run_id, week = int(job.params["run_id"]), Week.parse(job.params["week"])
    target = run_folder(settings.data_dir, run_id)
    if is_ready(target):
        return {"run_id": run_id}
    with read_session(engine) as session:
        before, _ = current_run(session, week)
    if before != run_id:
        raise RoadchiefError(f"run {run_id} is no longer the current run of {week}")
    out = _pending(settings, job)
    on_stage("export", None)
    export_db(engine, week, out)
    with read_session(engine) as session:
        after, _ = current_run(session, week)
    if after != run_id:
        shutil.rmtree(out, ignore_errors=True)
        raise RoadchiefError(f"{week} was planned again during the export; open it again")
    out.rename(target)
    return {"run_id": run_id}


RUNNERS = {
    JobKind.PLAN: _plan,
    JobKind.REPLAN: _replan,
    JobKind.IMPORT: _import,
    JobKind.EXPORT: _export,
}


def main(argv: list[str]) -> int:
    job_id = int(argv[1])
    settings = WebSettings.from_env()
    engine = make_engine(settings.db_url)
    try:
        job = run_job(settings, engine, job_id)
    finally:
        engine.dispose()
    for kind in (*KINDS, "pin", "pin_owners"):  # uploaded files, stored or used by now
        shutil.rmtree(job_dir(settings.data_dir, job_id) / kind, ignore_errors=True)
    return 0 if job is None or job.error is None else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
