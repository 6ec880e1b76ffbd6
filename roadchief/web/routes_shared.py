"""The run pages' shared file and a person's page as one file to take away.

A run folder's map pages link Leaflet as ``../assets/<name>`` (``render/shared_assets.py``):
from ``/people/<id>/map`` that is ``/people/assets/<name>``, from ``/area/page`` it is
``/assets/<name>``. Both answer here, from the week's run folder, with a long cache (the
name carries a hash of the content). ``/people/<id>/map.html`` gives the person's page with
Leaflet inlined, as a download: one file that opens offline and can be sent on (WeChat).
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, HTTPException
from fastapi.responses import Response

from roadchief.render.shared_assets import ASSETS_FOLDER, single_file_page
from roadchief.web.context import Ctx, request_context
from roadchief.web.pages import render
from roadchief.web.routes_people import MAP_CSP, SEEING, run_ready, week_to_show
from roadchief.web.runs import person_page, run_folder, safe_file

router = APIRouter()
Context = Annotated[Ctx, Depends(request_context)]
SHARED_CACHE = "private, max-age=31536000, immutable"


def _shared(ctx: Ctx, name: str) -> Response:
    """``assets/<name>`` of the shown week's run folder; 404 for any other name."""
    ctx.need(*SEEING)
    week = week_to_show(ctx)
    folder = None if week is None else run_folder(ctx.app.settings.data_dir, week.run_id)
    path = None if folder is None else safe_file(folder, f"{ASSETS_FOLDER}/{name}")
    if path is None or not name.endswith(".js"):
        raise HTTPException(404)
    return Response(
        path.read_bytes(),
        media_type="text/javascript; charset=utf-8",
        headers={"Cache-Control": SHARED_CACHE},
    )


@router.get("/people/assets/{name}")
def shared_of_person_map(ctx: Context, name: str) -> Response:
    return _shared(ctx, name)


@router.get("/assets/{name}")
def shared_of_area_page(ctx: Context, name: str) -> Response:
    return _shared(ctx, name)


@router.get("/people/{chief_id}/map.html")
def person_map_file(ctx: Context, chief_id: str) -> Response:
    """The person's page of the week as one file (Leaflet inlined), to save or send on."""
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
    name = f"{chief.name}-{week.week}.html"
    headers = {
        "Content-Security-Policy": MAP_CSP,
        "Cache-Control": "private, no-cache",
        "Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}",
    }
    return Response(single_file_page(page), media_type="text/html; charset=utf-8",
                    headers=headers)  # fmt: skip
