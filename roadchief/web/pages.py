"""Render the app's pages (Jinja2, autoescaped) and its error pages."""

from __future__ import annotations

from http import HTTPStatus
from importlib import resources
from typing import Any

from fastapi import HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.concurrency import run_in_threadpool

from roadchief.web.context import ANON_COOKIE, Ctx, context

_ENV = Environment(
    loader=FileSystemLoader(str(resources.files("roadchief.web").joinpath("templates"))),
    autoescape=select_autoescape(default=True),
    trim_blocks=True,
    lstrip_blocks=True,
)


def render(ctx: Ctx, template: str, status: int = 200, **values: Any) -> Response:
    """The page ``template`` for this request, private to the browser that asked."""
    text = _ENV.get_template(template).render(ctx=ctx, t=ctx.t, tr=ctx.tr, user=ctx.user, **values)
    response = HTMLResponse(text, status_code=status)
    response.headers["Cache-Control"] = "no-store"
    return finish(ctx, response)


def finish(ctx: Ctx, response: Response) -> Response:
    """Set the anonymous cookie a CSRF token was bound to, when it is new."""
    if ctx.new_anon:
        response.set_cookie(
            ANON_COOKIE, ctx.new_anon, httponly=True, samesite="strict",
            secure=ctx.app.settings.secure_cookies, path="/",
        )  # fmt: skip
    return response


MESSAGES = {400: "bad_request", 401: "login", 403: "forbidden", 404: "not_found", 429: "too_many"}


async def http_error(request: Request, exc: Exception) -> Response:
    """Every refusal as a short page in the user's language (a stranger is sent to log in)."""
    assert isinstance(exc, HTTPException)
    ctx = await run_in_threadpool(context, request)
    if exc.status_code == 401 and request.method == "GET":
        return finish(ctx, RedirectResponse("/login", status_code=303))
    key = "csrf" if exc.detail == "csrf" else MESSAGES.get(exc.status_code, "bad_request")
    detail = exc.detail if isinstance(exc.detail, str) else ""
    if detail == "csrf" or detail == HTTPStatus(exc.status_code).phrase:
        detail = ""  # only what a route says on purpose is shown
    return render(ctx, "error.html", status=exc.status_code, message=ctx.t(key), detail=detail)
