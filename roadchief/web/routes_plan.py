"""The planner's pages: import files, plan a week and re-plan it as background jobs,
follow a job, the history of planned weeks, every file of a stored week, the audit log."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, HTTPException
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import UploadFile

from roadchief.app.on_database import history
from roadchief.domain import Week
from roadchief.store.accounts import audit_log
from roadchief.store.db import read_session
from roadchief.store.imports import KINDS
from roadchief.store.jobs import (
    JobBusyError,
    finish_job,
    get_job,
    queue_job,
    recent_jobs,
    set_job_params,
)
from roadchief.store.people import planned_weeks, run_week
from roadchief.web.context import Ctx, request_context
from roadchief.web.jobs import job_dir, reap, spawn, start_job
from roadchief.web.pages import render
from roadchief.web.routes_people import run_ready
from roadchief.web.runs import files_of, run_folder, safe_file, serve_run_file
from roadchief.web_records import Job, JobKind, Role

router = APIRouter()
Context = Annotated[Ctx, Depends(request_context)]
MAX_TIME_LIMIT_S = 3600.0
PIN_KINDS = ("pin", "pin_owners")
"""Roster pins (date, slot, chief_id, segment_id) and owner pins (segment_id, chief_id)."""
PINS_MB = 20.0
_SAFE_NAME = re.compile(r"[^\w.\-]+")


def _refuse(message: str) -> HTTPException:
    return HTTPException(400, detail=message)


def _week(text: object) -> Week:
    try:
        return Week.parse(str(text or ""))
    except ValueError as exc:
        raise _refuse(str(exc)) from None


def _time_limit(text: object) -> float:
    try:
        value = float(str(text or "60"))
    except ValueError:
        raise _refuse("the solver time must be a number of seconds") from None
    if not 0 < value <= MAX_TIME_LIMIT_S:
        raise _refuse(f"the solver time must be more than 0 and at most {MAX_TIME_LIMIT_S:g} s")
    return value


def _started(ctx: Ctx, job: Job) -> Response:
    return RedirectResponse(f"/jobs/{job.id}", status_code=303)


def _busy(ctx: Ctx, exc: JobBusyError) -> Response:
    return render(ctx, "notice.html", status=409, message=ctx.t("busy"),
                  link=f"/jobs/{exc.job_id}" if exc.job_id else None)  # fmt: skip


@router.get("/plan")
def plan_home(ctx: Context) -> Response:
    ctx.need(Role.PLANNER)
    reap(ctx.app.engine)
    weeks = history(ctx.app.engine)
    with read_session(ctx.app.engine) as session:
        jobs = recent_jobs(session, 15)
    today = ctx.app.today()
    return render(ctx, "plan.html", weeks=weeks, jobs=jobs, kinds=KINDS,
                  next_week=str(Week.containing(today).next()), today=today)  # fmt: skip


@router.post("/plan/import")
async def plan_import(ctx: Context) -> Response:
    ctx.need(Role.PLANNER)
    limits = ctx.app.settings.limits
    form = await ctx.form(max_files=len(KINDS), max_fields=len(KINDS) + 4)
    uploads = [(k, form.get(k)) for k in KINDS]
    given = [(k, f) for k, f in uploads if isinstance(f, UploadFile) and f.filename]
    if not given:
        raise _refuse("choose at least one file")
    try:
        job = queue_job(ctx.app.engine, JobKind.IMPORT, {"files": [], "crs": None}, lock="import",
                        actor=ctx.actor, ip=ctx.ip)  # fmt: skip
    except JobBusyError as exc:
        return _busy(ctx, exc)
    folder = job_dir(ctx.app.settings.data_dir, job.id)
    try:
        files = [await _save(upload, folder / kind, limits.input_file_mb) for kind, upload in given]
    except BaseException as exc:  # the job never starts: free its lock
        finish_job(ctx.app.engine, job.id, error=f"upload failed: {exc!r}")
        raise
    crs = str(form.get("crs") or "").strip()[:64] or None
    set_job_params(ctx.app.engine, job.id, {"files": files, "crs": crs})
    spawn(ctx.app.settings, ctx.app.engine, job.id)
    return _started(ctx, job)


async def _save(upload: object, folder: Path, limit_mb: float) -> dict[str, str]:
    """Save an uploaded file under a cleaned name; 413 past the size limit."""
    assert isinstance(upload, UploadFile)
    name = (_SAFE_NAME.sub("_", upload.filename or "").strip("._") or folder.name)[-100:]
    target = folder / name
    folder.mkdir(parents=True, exist_ok=True)
    size = 0
    with target.open("wb") as out:
        while chunk := await upload.read(1 << 20):
            size += len(chunk)
            if size > limit_mb * 2**20:
                raise HTTPException(413)
            out.write(chunk)
    return {"kind": folder.name, "path": f"{folder.name}/{name}"}


@router.post("/plan/weeks")
async def plan_week(ctx: Context) -> Response:
    """Plan a week as a job; optional pins files (roster pins, owner pins) as for plan --pin."""
    ctx.need(Role.PLANNER)
    form = await ctx.form(max_files=2, max_fields=8)
    week = _week(form.get("week"))
    params: dict[str, object] = {
        "week": str(week), "time_limit_s": _time_limit(form.get("time_limit")),
        "strict": form.get("strict") == "on",
    }  # fmt: skip
    pins = [(k, form.get(k)) for k in PIN_KINDS]
    given = [(k, f) for k, f in pins if isinstance(f, UploadFile) and f.filename]
    try:
        job = queue_job(ctx.app.engine, JobKind.PLAN, params, lock=f"plan:{week}",
                        actor=ctx.actor, ip=ctx.ip)  # fmt: skip
    except JobBusyError as exc:
        return _busy(ctx, exc)
    folder = job_dir(ctx.app.settings.data_dir, job.id)
    try:
        saved = [await _save(f, folder / k, PINS_MB) for k, f in given]
    except BaseException as exc:  # the job never starts: free its lock
        finish_job(ctx.app.engine, job.id, error=f"upload failed: {exc!r}")
        raise
    if saved:
        set_job_params(ctx.app.engine, job.id, {**params, "pins": saved})
    spawn(ctx.app.settings, ctx.app.engine, job.id)
    return _started(ctx, job)


@router.post("/plan/replan")
async def replan_week(ctx: Context) -> Response:
    ctx.need(Role.PLANNER)
    form = await ctx.form()
    week = _week(form.get("week"))
    absent = [a.strip() for a in str(form.get("absent") or "").split(",") if a.strip()]
    known = {c.chief_id for c in ctx.app.people()}
    if not absent or any(a not in known for a in absent):
        unknown = ", ".join(a for a in absent if a not in known) or "none given"
        raise _refuse(f"give the ids of the people away, comma separated (unknown: {unknown})")
    first = _date(form.get("from"), week)
    last = _date(form.get("until"), week) if str(form.get("until") or "").strip() else None
    if last is not None and last < first:
        raise _refuse("the last day away is before the first")
    params = {
        "week": str(week), "absent": absent, "from": first.isoformat(),
        "until": last.isoformat() if last else None,
        "time_limit_s": _time_limit(form.get("time_limit")),
    }  # fmt: skip
    try:
        job = start_job(ctx.app.settings, ctx.app.engine, JobKind.REPLAN, params,
                        lock=f"plan:{week}", actor=ctx.actor, ip=ctx.ip)  # fmt: skip
    except JobBusyError as exc:
        return _busy(ctx, exc)
    return _started(ctx, job)


def _date(text: object, week: Week) -> dt.date:
    value = str(text or "").strip()
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise _refuse(f"{value!r} is not a date; use YYYY-MM-DD") from None
    if day not in week.days:
        raise _refuse(f"{day} is not in week {week}")
    return day


@router.get("/jobs/{job_id}")
def job_page(ctx: Context, job_id: int) -> Response:
    ctx.need(Role.PLANNER)
    reap(ctx.app.engine)
    with read_session(ctx.app.engine) as session:
        job = get_job(session, job_id)
    if job is None:
        raise HTTPException(404)
    now = dt.datetime.now(dt.UTC)
    return render(ctx, "job.html", job=job, now=now, refresh=3 if job.active else None)


@router.get("/weeks/{week}/files")
def week_files(ctx: Context, week: str) -> Response:
    ctx.need(Role.PLANNER)
    the_week = str(_week(week))
    with read_session(ctx.app.engine) as session:
        found = next((w for w in planned_weeks(session) if w.week == the_week), None)
    if found is None:
        raise HTTPException(404)
    if not run_ready(ctx, found):
        return render(ctx, "notice.html", message=ctx.t("preparing"), refresh=5)
    files = files_of(run_folder(ctx.app.settings.data_dir, found.run_id))
    return render(ctx, "files.html", week=found, files=files)


@router.get("/runs/{run_id}/files/{name:path}")
def run_file(ctx: Context, run_id: int, name: str) -> Response:
    ctx.need(Role.PLANNER)
    with read_session(ctx.app.engine) as session:
        if run_week(session, run_id) is None:
            raise HTTPException(404)
    path = safe_file(run_folder(ctx.app.settings.data_dir, run_id), name)
    if path is None:
        raise HTTPException(404)
    headers = {
        "Content-Security-Policy": "sandbox; default-src 'none'",
        "Content-Disposition": f"attachment; filename*=UTF-8''{quote(path.name)}",
        "Cache-Control": "private, no-cache",
    }
    return serve_run_file(ctx.request, ctx.app.settings.data_dir, run_id, path, headers)


@router.get("/audit")
def audit_page(ctx: Context) -> Response:
    ctx.need(Role.PLANNER)
    with read_session(ctx.app.engine) as session:
        entries = audit_log(session, 300)
    return render(ctx, "audit.html", entries=entries)
