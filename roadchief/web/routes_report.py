"""Citizens, without an account: report a problem (a photo, a sentence, a place on the
map), follow it with the receipt code, see the hot issues (热点). Reports and follows are
rate-limited per address; the follow page shows the category and the dated states only,
the hot issues counts by street (no names, notes, photos or points)."""

from __future__ import annotations

import json
import math
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException
from fastapi.responses import Response
from markupsafe import Markup
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from roadchief.app.hot import HotIssues, hot_issues
from roadchief.app.loop_inputs import current_rules
from roadchief.app.reports import PROBLEMS, BadReport, Report, follow, report_case
from roadchief.loop.cases import CaseSource
from roadchief.loop.categories import Taxonomy
from roadchief.loop.states import STATE_ZH, CaseState
from roadchief.store.db import read_session
from roadchief.web.context import Ctx, request_context
from roadchief.web.pages import render
from roadchief.web.routes_auth import limited
from roadchief.web.routes_photos import uploaded_photo

router = APIRouter()
Context = Annotated[Ctx, Depends(request_context)]
PROBLEM_MESSAGES = PROBLEMS
"""Shown translated (``ctx.tr``); listed here for the catalog test."""


def taxonomy(ctx: Ctx) -> Taxonomy:
    """The city's case categories (from the latest rules)."""

    def read() -> Taxonomy:
        with read_session(ctx.app.engine) as session:
            return current_rules(session).loop.taxonomy

    return ctx.app.recent("taxonomy", read)


def category_options(ctx: Ctx) -> list[tuple[str, str]]:
    """(code, name) of every category, by main class, in the user's language."""
    out = []
    for cat in taxonomy(ctx).categories.values():
        main = cat.main.en if ctx.lang == "en" and cat.main.en else cat.main.name
        name = cat.en if ctx.lang == "en" and cat.en else cat.name
        out.append((cat.code, f"{main} · {name}"))
    return out


def category_name(ctx: Ctx, code: str) -> str:
    cat = taxonomy(ctx).categories.get(code)
    if cat is None:
        return code
    return cat.en if ctx.lang == "en" and cat.en else cat.name


def state_name(ctx: Ctx, state: CaseState | str) -> str:
    """A state as users read it: 上报 … in Chinese, its name in English."""
    found = CaseState(state)
    return found.value.replace("_", " ") if ctx.lang == "en" else STATE_ZH[found]


def read_place(form: FormData) -> tuple[float | None, float | None]:
    """lat/lon of a form: None when empty, NaN (refused by the check) when not a number."""

    def number(name: str) -> float | None:
        text = str(form.get(name) or "").strip()
        if not text:
            return None
        try:
            return float(text)
        except ValueError:
            return math.nan

    return number("lon"), number("lat")


@router.get("/report")
def report_form(ctx: Context) -> Response:
    return render(ctx, "report.html", categories=category_options(ctx), problems=[], values={})


@router.post("/report")
async def report_post(ctx: Context) -> Response:
    limited(ctx, "report")
    form = await ctx.form(max_files=1, max_fields=8)
    photo = await uploaded_photo(ctx, form, required=False)
    lon, lat = read_place(form)
    text = str(form.get("description") or "")
    category = str(form.get("category") or "")
    report = Report(text, category, lon, lat, CaseSource.APP, "anonymous")
    try:
        done = await run_in_threadpool(
            report_case, ctx.app.engine, ctx.app.placer, report, photo, ip=ctx.ip
        )
    except BadReport as exc:
        problems = [ctx.tr(PROBLEMS[f]) for f in exc.fields]
        values = {"description": text, "category": category, "lat": form.get("lat") or "",
                  "lon": form.get("lon") or ""}  # fmt: skip
        return await run_in_threadpool(
            lambda: render(
                ctx,
                "report.html",
                status=400,
                categories=category_options(ctx),
                problems=problems,
                values=values,
            )
        )
    return render(ctx, "receipt.html", receipt=done.receipt, placed=done.placement.placed)


@router.get("/follow")
def follow_page(ctx: Context, code: str = "") -> Response:
    if not code.strip():
        return render(ctx, "follow.html", found=None, code="")
    limited(ctx, "follow")
    if len(code) > 40:
        raise HTTPException(404)
    found = follow(ctx.app.engine, code)
    if found is None:
        return render(ctx, "follow.html", status=404, found=None, code=code, missing=True)
    states = [(state_name(ctx, s), ctx.when_local(at)) for s, at in found.states]
    return render(ctx, "follow.html", found=found, code=code, states=states,
                  category=category_name(ctx, found.category))  # fmt: skip


@router.get("/hot")
def hot_page(ctx: Context, main: str = "") -> Response:
    mains = {m.code for m in taxonomy(ctx).mains.values()}
    if main and main not in mains:
        raise HTTPException(404)

    def read() -> HotIssues:
        with read_session(ctx.app.engine) as session:
            return hot_issues(session, main=main)

    hot = ctx.app.recent(f"hot:{main}", read)
    lines = [
        {"line": i.line, "rank": n, "cases": i.hot.cases, "name": i.road_name or i.hot.segment_id}
        for n, i in enumerate(hot.issues, 1)
        if i.line
    ]
    mains_shown = [(code, en if ctx.lang == "en" and en else zh) for code, zh, en in hot.mains]
    names = dict(mains_shown)
    rows = [
        (n, i, ", ".join(f"{names.get(code, code)} {count}" for code, count in i.hot.by_main))
        for n, i in enumerate(hot.issues, 1)
    ]
    raw = json.dumps(lines, ensure_ascii=False)
    # inside <script>: no markup can close it, whatever a street is called
    data = Markup(raw.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))
    return render(ctx, "hot.html", hot=hot, rows=rows, mains=mains_shown, main=main, data=data)
