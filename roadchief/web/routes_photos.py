"""Photos: a chief adds one to their patrol; whoever may see the patrol may see it."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile

from roadchief.app.case_work import case_detail
from roadchief.store.db import read_session
from roadchief.store.recorded import add_photo, photo_bytes, photo_info, track_owner
from roadchief.store.reports import case_id_of
from roadchief.web.context import Ctx, request_context
from roadchief.web.photos import NotAnImage, clean_photo
from roadchief.web_records import Role

router = APIRouter()
Context = Annotated[Ctx, Depends(request_context)]


@router.post("/patrols/{track_id}/photos")
async def add_patrol_photo(ctx: Context, track_id: int) -> Response:
    user = ctx.need(Role.CHIEF)

    def owner_of() -> str | None:
        with read_session(ctx.app.engine) as session:
            return track_owner(session, track_id)

    owner = await run_in_threadpool(owner_of)
    if owner is None or owner != user.chief_id:
        raise HTTPException(404)
    form = await ctx.form(max_files=1, max_fields=4)
    photo = await uploaded_photo(ctx, form, required=True)
    assert photo is not None
    await run_in_threadpool(lambda: add_photo(ctx.app.engine, "track", track_id, owner, *photo,
                                              actor=ctx.actor, ip=ctx.ip))  # fmt: skip
    return RedirectResponse(f"/patrols/{track_id}", status_code=303)


async def uploaded_photo(
    ctx: Ctx, form: FormData, *, required: bool
) -> tuple[bytes, tuple[int, int]] | None:
    """The form's ``photo`` re-encoded without metadata (``clean_photo``); None when none
    was sent and none is required; 400 for what is not an image, 413 for a large one."""
    upload = form.get("photo")
    if not isinstance(upload, UploadFile) or (not upload.filename and not required):
        if required:
            raise HTTPException(400, detail=ctx.t("photo_bad"))
        return None
    limits = ctx.app.settings.limits
    data = await upload.read(int(limits.photo_mb * 2**20) + 1)
    if not data and not required:
        return None
    if len(data) > limits.photo_mb * 2**20:
        raise HTTPException(413)
    try:
        return await run_in_threadpool(clean_photo, data, limits.photo_px)
    except NotAnImage:
        raise HTTPException(400, detail=ctx.t("photo_bad")) from None


@router.get("/photos/{photo_id}")
def photo(ctx: Context, photo_id: int) -> Response:
    """A patrol's photo to whoever sees its chief; a case's to whoever sees the case."""
    ctx.need(Role.PLANNER, Role.SUPERVISOR, Role.CHIEF, Role.UNIT)
    with read_session(ctx.app.engine) as session:
        info = photo_info(session, photo_id)
        case_id = case_id_of(session, info.owner_id) if info and info.owner_kind == "case" else None
    if info is None:
        raise HTTPException(404)
    if info.owner_kind == "case":
        detail = case_detail(ctx.app.engine, case_id) if case_id else None
        if detail is None or not ctx.sees_case(detail.row):
            raise HTTPException(404)
    elif ctx.user is None or ctx.user.role == Role.UNIT or not ctx.scope.sees(info.chief_id):
        raise HTTPException(404)
    with read_session(ctx.app.engine) as session:
        data = photo_bytes(session, photo_id)
    headers = {"Cache-Control": "private, max-age=86400", "Content-Disposition": "inline"}
    return Response(data, media_type="image/jpeg", headers=headers)
