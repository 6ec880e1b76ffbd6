"""Cases for people with an account: the ledger of what each may see (a chief's own, a
unit's pushed cases, a supervisor's area), one case with its history, a chief's report
on the spot, and the moves of ``access.MOVES`` made through the loop."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from roadchief.app.case_work import (
    CaseDetail,
    StaleCase,
    case_detail,
    flag,
    local_deadline,
    move_case,
    place_by_hand,
)
from roadchief.app.ledger import ledger_view
from roadchief.app.reports import PROBLEMS, BadReport, Report, report_case
from roadchief.errors import InputError
from roadchief.loop.cases import CaseSource
from roadchief.loop.ledger import LedgerRow
from roadchief.loop.states import CaseState
from roadchief.loop.units import Unit
from roadchief.store.db import read_session
from roadchief.store.units import current_units
from roadchief.web.access import FLAGGING, may_place, moves_of
from roadchief.web.context import Ctx, request_context
from roadchief.web.pages import render
from roadchief.web.routes_photos import uploaded_photo
from roadchief.web.routes_report import category_name, category_options, read_place, state_name
from roadchief.web_records import Role

router = APIRouter()
Context = Annotated[Ctx, Depends(request_context)]
ANYONE = (Role.PLANNER, Role.SUPERVISOR, Role.CHIEF, Role.UNIT)
SECTIONS = ("overdue", "flagged", "open", "unplaced", "closed_this_week")
SECTION_MESSAGES = {
    "overdue": "Overdue",
    "flagged": "Flagged",
    "open": "Open",
    "unplaced": "Unplaced (to place by hand)",
    "closed_this_week": "Closed this week",
}
MOVE_MESSAGES = {
    CaseState.FILED: "File",
    CaseState.REJECTED: "Reject",
    CaseState.DISPATCHED: "Dispatch to a unit",
    CaseState.HANDLED: "Mark handled",
    CaseState.CLOSED: "Recheck passed: close",
    CaseState.RETURNED: "Return (wrong unit)",
    CaseState.EXTENDED: "Extend the deadline",
    CaseState.PARKED: "Park",
    CaseState.REWORK: "Recheck failed: rework",
    CaseState.SELF_FIXED: "Fixed on the spot",
}
"""The button of each move, shown translated (``ctx.tr``)."""


def units(ctx: Ctx) -> list[Unit]:
    def read() -> list[Unit]:
        with read_session(ctx.app.engine) as session:
            return current_units(session)

    return ctx.app.recent("units", read)


@router.get("/cases")
def cases(ctx: Context) -> Response:
    """The ledger of the cases the user sees, in sections (a case may be in several)."""
    user = ctx.need(*ANYONE)
    chief = user.chief_id if user.role == Role.CHIEF else None
    scope = ctx.scope
    narrow = None
    if user.role == Role.SUPERVISOR and not scope.everyone:  # read only their area's cases
        narrow = (scope.zone_ids, scope.chief_ids)
    view = ledger_view(ctx.app.engine, chief=chief, zones_or_chiefs=narrow)
    rows = [r for r in view.rows if ctx.sees_case(r)]
    closed = {r.case_id for r in view.sections["closed_this_week"]}
    sections = [(name, [r for r in rows if _in_section(r, name, closed)]) for name in SECTIONS]
    if user.role == Role.CHIEF:
        sections = [(n, rs) for n, rs in sections if n != "closed_this_week"]
    names = {u.unit_id: u.name for u in units(ctx)}
    return render(ctx, "cases.html", sections=sections, titles=SECTION_MESSAGES, names=names,
                  state_name=lambda s: state_name(ctx, s),
                  category=lambda c: category_name(ctx, c))  # fmt: skip


def _in_section(row: LedgerRow, name: str, closed_this_week: set[str]) -> bool:
    """The ledger's sections (``closed_this_week`` as the ledger files count it), and open
    only for what no other section shows."""
    if name == "closed_this_week":
        return row.case_id in closed_this_week
    tags = row.status
    if name == "open":
        return "open" in tags and not ({"overdue", "flagged", "unplaced"} & tags)
    return name in tags


@router.get("/cases/new")
def new_case(ctx: Context) -> Response:
    """A chief's report on the spot: the same form as a citizen's, placed on their segment."""
    ctx.need(Role.CHIEF)
    return render(
        ctx,
        "report.html",
        categories=category_options(ctx),
        problems=[],
        values={},
        action="/cases",
    )


@router.post("/cases")
async def new_case_post(ctx: Context) -> Response:
    user = ctx.need(Role.CHIEF)
    await run_in_threadpool(ctx.need_chief, user.chief_id or "")
    form = await ctx.form(max_files=1, max_fields=8)
    photo = await uploaded_photo(ctx, form, required=False)
    lon, lat = read_place(form)
    text, category = str(form.get("description") or ""), str(form.get("category") or "")
    report = Report(text, category, lon, lat, CaseSource.PATROL, user.actor, user.chief_id or "")
    try:
        done = await run_in_threadpool(
            report_case, ctx.app.engine, ctx.app.placer, report, photo, ip=ctx.ip
        )
    except BadReport as exc:
        values = {"description": text, "category": category, "lat": form.get("lat") or "",
                  "lon": form.get("lon") or ""}  # fmt: skip
        problems = [ctx.tr(PROBLEMS[f]) for f in exc.fields]
        return await run_in_threadpool(
            lambda: render(
                ctx,
                "report.html",
                status=400,
                categories=category_options(ctx),
                problems=problems,
                values=values,
                action="/cases",
            )
        )
    return RedirectResponse(f"/cases/{done.case_id}", status_code=303)


def _seen(ctx: Ctx, case_id: str) -> CaseDetail:
    """The case if the user may see it; 404 otherwise (the same for one that does not exist)."""
    ctx.need(*ANYONE)
    if len(case_id) > 64:
        raise HTTPException(404)
    detail = case_detail(ctx.app.engine, case_id)
    if detail is None or not ctx.sees_case(detail.row):
        raise HTTPException(404)
    return detail


@router.get("/cases/{case_id}")
def case_page(ctx: Context, case_id: str) -> Response:
    detail = _seen(ctx, case_id)
    moves = moves_of(ctx.user, detail.row.state)
    may_flag = ctx.user is not None and ctx.user.role in FLAGGING and detail.stored.record.is_open
    names = {u.unit_id: u.name for u in units(ctx)}
    return render(ctx, "case.html", d=detail, record=detail.stored.record, moves=moves,
                  move_titles=MOVE_MESSAGES, may_flag=may_flag, units=units(ctx), names=names,
                  may_place=may_place(ctx.user, ctx.scope),
                  state_name=lambda s: state_name(ctx, s))  # fmt: skip


@router.post("/cases/{case_id}/move")
async def case_move(ctx: Context, case_id: str) -> Response:
    """One move of ``access.MOVES`` for the user's role, from the state the page showed."""
    detail = await run_in_threadpool(_seen, ctx, case_id)
    form = await ctx.form(max_files=1, max_fields=8)
    try:
        to = CaseState(str(form.get("to") or ""))
        expected = CaseState(str(form.get("expected") or ""))
    except ValueError:
        raise HTTPException(400, detail=ctx.tr("Choose a move.")) from None
    if to not in moves_of(ctx.user, expected) or expected is not detail.row.state:
        raise HTTPException(403)
    photo = await uploaded_photo(ctx, form, required=False)
    note = str(form.get("note") or "").strip()[:500]
    unit = str(form.get("unit") or "").strip() if to is CaseState.DISPATCHED else ""
    text = str(form.get("deadline") or "")

    def moved() -> None:
        if unit and unit not in {u.unit_id for u in units(ctx)}:
            raise HTTPException(400, detail=ctx.tr("Choose a unit of the list."))
        deadline = local_deadline(text) if to is CaseState.EXTENDED else None
        move_case(ctx.app.engine, case_id, expected, to, ctx.actor, note=note, unit=unit,
                  deadline=deadline, photo=photo, ip=ctx.ip)  # fmt: skip

    try:
        await run_in_threadpool(moved)
    except StaleCase:
        raise HTTPException(409, detail=ctx.tr("The case has changed; reload the page.")) from None
    except InputError as exc:
        raise HTTPException(400, detail=str(exc)) from None
    return RedirectResponse(f"/cases/{case_id}", status_code=303)


@router.post("/cases/{case_id}/flag")
async def case_flag(ctx: Context, case_id: str) -> Response:
    """挂牌督办 with a level of ``loop.flag_levels`` and a rectification deadline."""
    ctx.need(*FLAGGING)
    await run_in_threadpool(_seen, ctx, case_id)
    form = await ctx.form(max_fields=6)
    level = str(form.get("level") or "")
    note = str(form.get("note") or "").strip()[:500]
    deadline_text = str(form.get("deadline") or "")

    def flagged() -> None:
        flag(ctx.app.engine, case_id, level, local_deadline(deadline_text), ctx.actor, note,
             ctx.ip)  # fmt: skip

    try:
        await run_in_threadpool(flagged)
    except InputError as exc:
        raise HTTPException(400, detail=str(exc)) from None
    return RedirectResponse(f"/cases/{case_id}", status_code=303)


@router.post("/cases/{case_id}/place")
async def case_place(ctx: Context, case_id: str) -> Response:
    """Place a case by hand: on a segment id, or the segment nearest a point."""
    await run_in_threadpool(_seen, ctx, case_id)
    if not may_place(ctx.user, ctx.scope):
        raise HTTPException(404)
    form = await ctx.form(max_fields=6)
    segment = str(form.get("segment") or "").strip()[:64]
    lon, lat = read_place(form)
    point = None if lon is None and lat is None else (lon, lat)

    def placed() -> None:
        place_by_hand(ctx.app.engine, case_id, ctx.actor, segment_id=segment if point is None else "",
                      lon=lon, lat=lat, ip=ctx.ip, placer=ctx.app.placer)  # fmt: skip

    try:
        await run_in_threadpool(placed)
    except InputError as exc:
        raise HTTPException(400, detail=str(exc)) from None
    return RedirectResponse(f"/cases/{case_id}", status_code=303)
