"""A supervisor's area: their people, their people's recorded patrols, and the run's
supervision page of their zone where the run drew one."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException
from fastapi.responses import Response

from roadchief.domain import ChiefLevel
from roadchief.store.db import read_session
from roadchief.store.recorded import tracks_of
from roadchief.web.context import Ctx, request_context
from roadchief.web.pages import render
from roadchief.web.routes_people import MAP_CSP, run_ready, week_to_show
from roadchief.web.runs import area_page, run_folder, serve_run_file
from roadchief.web_records import Role

router = APIRouter()
Context = Annotated[Ctx, Depends(request_context)]


def natural_key(text: str) -> tuple[tuple[int, str], ...]:
    """Zones 1, 2, 10 in that order (not as text: 1, 10, 2)."""
    return tuple((int(p), "") if p.isdigit() else (0, p) for p in re.split(r"(\d+)", text) if p)


@router.get("/area")
def area(ctx: Context) -> Response:
    user = ctx.need(Role.SUPERVISOR, Role.PLANNER)
    people = [c for c in ctx.app.people() if ctx.scope.sees(c.chief_id)]
    people.sort(key=lambda c: (natural_key(c.zone_id or ""), c.level != ChiefLevel.L2, c.name))
    names = {c.chief_id: c.name for c in people}
    with read_session(ctx.app.engine) as session:
        tracks = tracks_of(session, list(names), limit=30)
    me = next((c for c in people if c.chief_id == user.chief_id), None)
    return render(ctx, "area.html", people=people, tracks=tracks, names=names, me=me)


@router.get("/area/page")
def area_run_page(ctx: Context) -> Response:
    """The run's supervision page of the supervisor's zone (the city's for a 总路长)."""
    user = ctx.need(Role.SUPERVISOR)
    me = ctx.need_chief(user.chief_id or "")
    week = week_to_show(ctx)
    if week is None:
        return render(ctx, "notice.html", message=ctx.t("no_week"))
    if not run_ready(ctx, week):
        return render(ctx, "notice.html", message=ctx.t("preparing"), refresh=5)
    zone = None if me.level == ChiefLevel.GENERAL else me.zone_id
    if zone is None and me.level != ChiefLevel.GENERAL:
        raise HTTPException(404)
    page = area_page(run_folder(ctx.app.settings.data_dir, week.run_id), zone)
    if page is None:
        return render(ctx, "notice.html", message=ctx.t("no_page"))
    headers = {"Content-Security-Policy": MAP_CSP, "Cache-Control": "private, no-cache"}
    return serve_run_file(ctx.request, ctx.app.settings.data_dir, week.run_id, page, headers)
