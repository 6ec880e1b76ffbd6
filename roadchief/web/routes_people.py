"""A person's pages: the chief's "where do I go next" (their page of the week's run),
their patrols recorded by the phone, and the same seen by their supervisors."""

from __future__ import annotations

import json
import math
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from roadchief.domain import Week
from roadchief.store.db import read_session
from roadchief.store.jobs import JobBusyError, active_job
from roadchief.store.people import PlannedWeek, planned_weeks
from roadchief.store.recorded import (
    add_points,
    finish_track,
    load_track,
    moment,
    photos_of,
    start_track,
    track_owner,
    tracks_of,
)
from roadchief.web.context import Ctx, request_context
from roadchief.web.jobs import start_job
from roadchief.web.pages import render
from roadchief.web.runs import is_ready, person_page, run_folder, serve_run_file
from roadchief.web_records import JobKind, Role, TrackPoint

router = APIRouter()
Context = Annotated[Ctx, Depends(request_context)]
SEEING = (Role.PLANNER, Role.SUPERVISOR, Role.CHIEF)
MAP_CSP = (
    "default-src 'none'; script-src 'self' 'unsafe-inline'; style-src 'unsafe-inline'; "
    "img-src 'self' data: https:; font-src data:; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'self'"
)
"""A run folder's page: inline script and style and the run's shared Leaflet file
(``routes_shared.py``); it may load base map tiles (when the city chose them) and nothing
else."""


def week_to_show(ctx: Ctx) -> PlannedWeek | None:
    """The planned week of today, else the next one planned, else the latest."""

    def read() -> list[PlannedWeek]:
        with read_session(ctx.app.engine) as session:
            return planned_weeks(session)

    weeks = ctx.app.recent("weeks", read)
    if not weeks:
        return None
    now = str(Week.containing(ctx.app.today()))
    return next((w for w in weeks if w.week >= now), weeks[-1])


def run_ready(ctx: Ctx, week: PlannedWeek) -> bool:
    """True if the week's run folder is there; otherwise start exporting it (once)."""
    folder = run_folder(ctx.app.settings.data_dir, week.run_id)
    if is_ready(folder):
        return True
    lock = f"export:{week.run_id}"
    with read_session(ctx.app.engine) as session:
        busy = active_job(session, lock)
    if busy is None:
        try:
            params = {"run_id": week.run_id, "week": week.week}
            start_job(ctx.app.settings, ctx.app.engine, JobKind.EXPORT, params, lock=lock,
                      actor=ctx.actor, ip=ctx.ip)  # fmt: skip
        except JobBusyError:
            pass
    return False


@router.get("/me")
def me(ctx: Context) -> Response:
    user = ctx.need(Role.CHIEF)
    return RedirectResponse(f"/people/{user.chief_id}", status_code=303)


@router.get("/people/{chief_id}")
def person(ctx: Context, chief_id: str) -> Response:
    ctx.need(*SEEING)
    chief = ctx.need_chief(chief_id)
    with read_session(ctx.app.engine) as session:
        tracks = tracks_of(session, [chief.chief_id], limit=10)
    own = ctx.user is not None and ctx.user.chief_id == chief.chief_id
    recording = own and ctx.user is not None and ctx.user.role == Role.CHIEF
    open_track = next((t for t in tracks if t.open), None) if recording else None
    return render(ctx, "person.html", chief=chief, tracks=tracks, recording=recording,
                  open_track=open_track, week=week_to_show(ctx))  # fmt: skip


@router.get("/people/{chief_id}/map")
def person_map(ctx: Context, chief_id: str) -> Response:
    """The person's page of the week's run, as the run drew it."""
    ctx.need(*SEEING)
    chief = ctx.need_chief(chief_id)
    week = week_to_show(ctx)
    if week is None:
        return render(ctx, "notice.html", message=ctx.t("no_week"))
    if not run_ready(ctx, week):
        return render(ctx, "notice.html", message=ctx.t("preparing"), refresh=5)
    page = person_page(run_folder(ctx.app.settings.data_dir, week.run_id), chief.chief_id)
    if page is None:
        return render(ctx, "notice.html", message=ctx.t("no_page"))
    headers = {"Content-Security-Policy": MAP_CSP, "Cache-Control": "private, no-cache"}
    return serve_run_file(ctx.request, ctx.app.settings.data_dir, week.run_id, page, headers)


def _own_track(ctx: Ctx, track_id: int) -> None:
    """404 unless the track is the logged-in chief's own."""
    user = ctx.need(Role.CHIEF)
    with read_session(ctx.app.engine) as session:
        owner = track_owner(session, track_id)
    if owner is None or owner != user.chief_id:
        raise HTTPException(404)


def _seen_track(ctx: Ctx, track_id: int) -> None:
    """404 unless the user may see the track's chief."""
    ctx.need(*SEEING)
    with read_session(ctx.app.engine) as session:
        owner = track_owner(session, track_id)
    if owner is None or not ctx.scope.sees(owner):
        raise HTTPException(404)


@router.post("/patrols")
async def patrol_start(ctx: Context) -> Response:
    user = ctx.need(Role.CHIEF)
    await ctx.form()
    await run_in_threadpool(ctx.need_chief, user.chief_id or "")
    track = await run_in_threadpool(start_track, ctx.app.engine, user, ctx.ip)
    if "application/json" in ctx.request.headers.get("accept", ""):
        return JSONResponse({"id": track.id})
    return RedirectResponse(f"/people/{user.chief_id}", status_code=303)


@router.post("/patrols/{track_id}/points")
async def patrol_points(ctx: Context, track_id: int) -> Response:
    await run_in_threadpool(_own_track, ctx, track_id)
    ctx.check_csrf_header()
    try:
        body = json.loads(await ctx.request.body())
        points = [_point(p) for p in body["points"]]
    except (ValueError, KeyError, TypeError) as exc:
        raise HTTPException(400, detail=f"bad points: {exc}") from None
    if not points or len(points) > ctx.app.settings.limits.track_points_per_post:
        raise HTTPException(400, detail="send 1 to 500 points at a time")
    try:
        count = await run_in_threadpool(add_points, ctx.app.engine, track_id, points)
    except ValueError as exc:
        raise HTTPException(409, detail=str(exc)) from None
    return JSONResponse({"points": count})


def _point(p: dict[str, Any]) -> TrackPoint:
    lon, lat = float(p["lon"]), float(p["lat"])
    acc = None if p.get("acc") is None else float(p["acc"])
    if not (math.isfinite(lon) and math.isfinite(lat) and -180 <= lon <= 180 and -90 <= lat <= 90):
        raise ValueError("a position out of range")
    if acc is not None and not (math.isfinite(acc) and acc >= 0):
        raise ValueError("a negative accuracy")
    return TrackPoint(moment(str(p["t"])), lon, lat, acc)


@router.post("/patrols/{track_id}/finish")
async def patrol_finish(ctx: Context, track_id: int) -> Response:
    await run_in_threadpool(_own_track, ctx, track_id)
    await ctx.form()
    assert ctx.user is not None
    await run_in_threadpool(finish_track, ctx.app.engine, track_id, ctx.user, ctx.ip)
    if "application/json" in ctx.request.headers.get("accept", ""):
        return JSONResponse({"id": track_id, "finished": True})
    return RedirectResponse(f"/patrols/{track_id}", status_code=303)


@router.get("/patrols/{track_id}")
def patrol(ctx: Context, track_id: int) -> Response:
    _seen_track(ctx, track_id)
    with read_session(ctx.app.engine) as session:
        track = load_track(session, track_id)
        photos = photos_of(session, "track", track_id)
    own = ctx.user is not None and ctx.user.chief_id == track.chief_id
    line = [[p.lat, p.lon] for p in track.points]
    return render(ctx, "patrol.html", track=track, photos=photos, own=own,
                  line=json.dumps(line))  # fmt: skip


@router.get("/patrols/{track_id}/track.geojson")
def patrol_geojson(ctx: Context, track_id: int) -> Response:
    """The track as ``roadchief track import`` reads it: a LineString with ``times``."""
    _seen_track(ctx, track_id)
    with read_session(ctx.app.engine) as session:
        track = load_track(session, track_id)
    feature = {
        "type": "Feature",
        "geometry": {"type": "LineString", "coordinates": [[p.lon, p.lat] for p in track.points]},
        "properties": {
            "chief_id": track.chief_id,
            "times": [p.at.isoformat() for p in track.points],
            "accuracy_m": [p.accuracy_m for p in track.points],
        },
    }
    doc = {"type": "FeatureCollection", "features": [feature]}
    headers = {"Content-Disposition": f'attachment; filename="track-{track_id}.geojson"'}
    return JSONResponse(doc, headers=headers, media_type="application/geo+json")
