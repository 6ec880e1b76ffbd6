"""Build the ASGI app: routes, security headers, body limits, compression, static files."""

from __future__ import annotations

from collections.abc import Callable
from importlib import resources
from typing import Annotated

from fastapi import Depends, FastAPI, HTTPException
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.middleware.gzip import GZipMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from roadchief.render.assets import assets_dir
from roadchief.store.db import make_engine
from roadchief.store.migrate import require_current
from roadchief.web import (
    routes_area,
    routes_auth,
    routes_cases,
    routes_people,
    routes_photos,
    routes_plan,
    routes_report,
    routes_shared,
)
from roadchief.web.context import App, Ctx, request_context
from roadchief.web.limits import BodyLimit, RateLimiter
from roadchief.web.pages import http_error
from roadchief.web.settings import WebSettings
from roadchief.web_records import Role

APP_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'self'"
)
HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"SAMEORIGIN"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"geolocation=(self), camera=(self), microphone=()"),
]


class SecurityHeaders:
    """The same headers on every response; the app's CSP unless a route set its own."""

    def __init__(self, app: ASGIApp, https: bool) -> None:
        self.app = app
        self.extra = [(b"strict-transport-security", b"max-age=31536000")] if https else []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {k.lower() for k, _ in headers}
                headers += [(k, v) for k, v in [*HEADERS, *self.extra] if k not in names]
                if b"content-security-policy" not in names:
                    headers.append((b"content-security-policy", APP_CSP.encode()))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)


def body_limits(settings: WebSettings) -> Callable[[str], int]:
    """The largest body a path takes: input files, a photo, or 1 MiB (forms, track points)."""
    limits = settings.limits

    def limit_of(path: str) -> int:
        if path == "/plan/import":
            return int(6 * limits.input_file_mb * 2**20) + 65536
        if path.endswith(("/photos", "/move")) or path in ("/report", "/cases"):
            return int(limits.photo_mb * 2**20) + 65536
        return 1 << 20

    return limit_of


def create_app(settings: WebSettings) -> FastAPI:
    """The app on ``settings.db_url``; SchemaError (with the fix) unless the database is
    at this roadchief's schema."""
    engine = make_engine(settings.db_url)
    require_current(engine)
    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
    app.state.rc = App(settings, engine, settings.secret())
    app.state.rate = RateLimiter(settings.limits.public_per_minute)
    for router in (
        routes_auth,
        routes_shared,
        routes_people,
        routes_photos,
        routes_area,
        routes_plan,
        routes_report,
        routes_cases,
    ):
        app.include_router(router.router)
    app.add_api_route("/unit", unit_home, methods=["GET"])
    app.add_exception_handler(HTTPException, http_error)
    static = resources.files("roadchief.web").joinpath("static")
    app.mount("/static", StaticFiles(directory=str(static)), name="static")
    app.mount("/vendor", StaticFiles(directory=str(assets_dir())), name="vendor")
    app.add_middleware(GZipMiddleware, minimum_size=1024, compresslevel=6)
    app.add_middleware(BodyLimit, limit_of=body_limits(settings))
    app.add_middleware(SecurityHeaders, https=settings.secure_cookies)
    return app


def unit_home(ctx: Annotated[Ctx, Depends(request_context)]) -> Response:
    """A unit's home: the cases pushed to it."""
    ctx.need(Role.UNIT)
    return RedirectResponse("/cases", status_code=303)


def from_env() -> FastAPI:
    """The app of ``roadchief serve``'s worker processes (settings from the environment)."""
    return create_app(WebSettings.from_env())
