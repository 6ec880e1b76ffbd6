"""Logging in and out: passwords, one-time links, the language switch."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException
from fastapi.responses import PlainTextResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from roadchief.store.accounts import (
    add_session,
    end_session,
    link_user,
    use_login_link,
    user_by_name,
)
from roadchief.store.db import read_session
from roadchief.web.context import LANG_COOKIE, SESSION_COOKIE, Ctx, request_context
from roadchief.web.pages import finish, render
from roadchief.web.security import new_token, password_matches, token_hash
from roadchief.web.words import LANGS
from roadchief.web_records import Role

router = APIRouter()
Context = Annotated[Ctx, Depends(request_context)]
HOME = {Role.PLANNER: "/plan", Role.SUPERVISOR: "/area", Role.CHIEF: "/me", Role.UNIT: "/unit"}


def limited(ctx: Ctx, bucket: str) -> None:
    """429 when this address has used a public route too often in the last minute."""
    if not ctx.request.app.state.rate.allow(f"{bucket}:{ctx.ip}"):
        raise HTTPException(429)


def logged_in(ctx: Ctx, token: str) -> Response:
    """Go home with the new session's cookie."""
    response = RedirectResponse("/", status_code=303)
    response.set_cookie(
        SESSION_COOKIE, token, max_age=int(ctx.app.settings.limits.session_days * 86400),
        httponly=True, samesite="lax", secure=ctx.app.settings.secure_cookies, path="/",
    )  # fmt: skip
    return response


def session_expiry(ctx: Ctx) -> dt.datetime:
    return dt.datetime.now(dt.UTC) + dt.timedelta(days=ctx.app.settings.limits.session_days)


@router.get("/")
def home(ctx: Context) -> Response:
    if ctx.user is None:
        return finish(ctx, RedirectResponse("/login", status_code=303))
    return RedirectResponse(HOME[ctx.user.role], status_code=303)


@router.get("/healthz")
def healthz() -> Response:
    return PlainTextResponse("ok")


@router.get("/login")
def login_page(ctx: Context) -> Response:
    return render(ctx, "login.html", failed=False)


@router.post("/login")
async def login(ctx: Context) -> Response:
    """Log in with a password; an address's failed attempts are limited per minute."""
    rate = ctx.request.app.state.rate
    if rate.full(f"login:{ctx.ip}"):
        raise HTTPException(429)
    form = await ctx.form()
    name, password = str(form.get("name") or "").strip(), str(form.get("password") or "")
    token = new_token()

    def checked() -> bool:
        """The query, argon2 (tens of ms of CPU) and the new session, off the event loop."""
        with read_session(ctx.app.engine) as session:
            found = user_by_name(session, name) if name else None
        stored = found[1] if found else None
        if found is None or found[0].disabled or not password_matches(stored, password):
            return False
        add_session(ctx.app.engine, found[0], token_hash(token), session_expiry(ctx), ctx.ip)
        return True

    if not await run_in_threadpool(checked):
        rate.allow(f"login:{ctx.ip}")
        return render(ctx, "login.html", status=400, failed=True)
    return logged_in(ctx, token)


@router.get("/link/{token}")
def link_page(ctx: Context, token: str) -> Response:
    """Show the link's button; a GET never spends the link (chat apps open links to
    preview them)."""
    limited(ctx, "link")
    with read_session(ctx.app.engine) as session:
        user = link_user(session, token_hash(token))
    return render(ctx, "link.html", status=200 if user else 410, good=user is not None)


@router.post("/link/{token}")
async def link_login(ctx: Context, token: str) -> Response:
    limited(ctx, "link")
    await ctx.form()
    new = new_token()
    user = use_login_link(
        ctx.app.engine, token_hash(token), token_hash(new), session_expiry(ctx), ctx.ip
    )
    if user is None:
        return render(ctx, "link.html", status=410, good=False)
    return logged_in(ctx, new)


@router.post("/logout")
async def logout(ctx: Context) -> Response:
    await ctx.form()
    token = ctx.request.cookies.get(SESSION_COOKIE)
    if token:
        end_session(ctx.app.engine, token_hash(token), ctx.ip)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/lang/{code}")
def language(code: str, next: str = "/") -> Response:
    """Switch the language (a cookie); back to the page the user was on, on this site only."""
    if code not in LANGS:
        raise HTTPException(404)
    target = next if next.startswith("/") and not next.startswith(("//", "/\\")) else "/"
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(LANG_COOKIE, code, max_age=365 * 86400, samesite="lax", path="/")
    return response
