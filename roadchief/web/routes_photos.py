"""Photos: a chief adds one to their patrol; whoever may see the patrol may see it."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import UploadFile

from roadchief.store.db import read_session
from roadchief.store.recorded import add_photo, photo_bytes, photo_info, track_owner
from roadchief.web.context import Ctx, request_context
from roadchief.web.photos import NotAnImage, clean_photo
from roadchief.web_records import Role

router = APIRouter()
Context = Annotated[Ctx, Depends(request_context)]


@router.post("/patrols/{track_id}/photos")
async def add_patrol_photo(ctx: Context, track_id: int) -> Response:
    user = ctx.need(Role.CHIEF)
    with read_session(ctx.app.engine) as session:
        owner = track_owner(session, track_id)
    if owner is None or owner != user.chief_id:
        raise HTTPException(404)
    form = await ctx.form(max_files=1, max_fields=4)
    upload = form.get("photo")
    if not isinstance(upload, UploadFile):
        raise HTTPException(400, detail=ctx.t("photo_bad"))
    limits = ctx.app.settings.limits
    data = await upload.read(int(limits.photo_mb * 2**20) + 1)
    if len(data) > limits.photo_mb * 2**20:
        raise HTTPException(413)
    try:
        jpeg, size = clean_photo(data, limits.photo_px)
    except NotAnImage:
        raise HTTPException(400, detail=ctx.t("photo_bad")) from None
    add_photo(ctx.app.engine, "track", track_id, owner, jpeg, size, actor=ctx.actor, ip=ctx.ip)
    return RedirectResponse(f"/patrols/{track_id}", status_code=303)


@router.get("/photos/{photo_id}")
def photo(ctx: Context, photo_id: int) -> Response:
    ctx.need(Role.PLANNER, Role.SUPERVISOR, Role.CHIEF)
    with read_session(ctx.app.engine) as session:
        info = photo_info(session, photo_id)
        if info is None or not ctx.scope.sees(info.chief_id):
            raise HTTPException(404)
        data = photo_bytes(session, photo_id)
    headers = {"Cache-Control": "private, max-age=86400", "Content-Disposition": "inline"}
    return Response(data, media_type="image/jpeg", headers=headers)
