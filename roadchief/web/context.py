"""What each request knows: the app's engine and settings, the logged-in user, the
language, the CSRF token, and what the user may see (``Scope``).

A route asks for ``Ctx`` and then for a role (``ctx.need``) and an object
(``ctx.need_chief``): every refusal is a plain 403 or 404 page, never a leak.
"""

from __future__ import annotations

import datetime as dt
import functools
import threading
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast
from zoneinfo import ZoneInfo

from fastapi import HTTPException, Request
from sqlalchemy import Engine, select
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from roadchief.app.reports import Placer
from roadchief.config import parse_rules
from roadchief.domain import Chief
from roadchief.i18n import Translator
from roadchief.loop.ledger import LedgerRow
from roadchief.store.accounts import session_user
from roadchief.store.db import read_session
from roadchief.store.models import InputFile, Snapshot
from roadchief.store.people import chiefs_of_set, latest_chief_set
from roadchief.web.access import NOBODY, Scope, scope_of, sees_case
from roadchief.web.security import csrf_ok, csrf_token, new_token, token_hash
from roadchief.web.settings import WebSettings
from roadchief.web.words import pick_lang, word
from roadchief.web_records import Role, User

SESSION_COOKIE = "rc_session"
FRESH_S = 2.0
T = TypeVar("T")
ANON_COOKIE = "rc_anon"
LANG_COOKIE = "rc_lang"


@dataclass
class App:
    """What every request of one server shares."""

    settings: WebSettings
    engine: Engine
    secret: bytes
    _people: dict[int, tuple[Chief, ...]] = field(default_factory=dict)
    _zones: dict[int | None, str] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _recent: dict[str, tuple[float, Any]] = field(default_factory=dict)
    placer: Placer = field(init=False)
    """Places reported cases on segments (keeps the city's segments on SQLite)."""

    def __post_init__(self) -> None:
        self.placer = Placer(self.engine)

    def recent(self, key: str, make: Callable[[], T]) -> T:
        """``make()``, kept for ``FRESH_S``: what every request reads and an import or a plan
        changes (a new plan shows on chiefs' pages within that time)."""
        now = time.monotonic()
        hit = self._recent.get(key)
        if hit is not None and now - hit[0] < FRESH_S:
            return cast(T, hit[1])
        value = make()
        self._recent[key] = (now, value)
        return value

    def people(self) -> tuple[Chief, ...]:
        """The people of the latest import (kept per chief set: sets never change)."""
        return self.recent("people", self._read_people)

    def _read_people(self) -> tuple[Chief, ...]:
        with read_session(self.engine) as session:
            set_id = latest_chief_set(session)
            if set_id is None:
                return ()
            if set_id not in self._people:
                chiefs = chiefs_of_set(session, set_id)
                with self._lock:
                    self._people = {set_id: chiefs}
            return self._people[set_id]

    def today(self) -> dt.date:
        """Today in the city's time zone."""
        return dt.datetime.now(self.zone()).date()

    def zone(self) -> ZoneInfo:
        """The city's time zone: the latest rules file's ``time_zone``."""
        return self.recent("zone", self._read_zone)

    def _read_zone(self) -> ZoneInfo:
        with read_session(self.engine) as session:
            rules_id = session.scalar(
                select(Snapshot.rules_file_id).order_by(Snapshot.id.desc()).limit(1)
            )
            if rules_id not in self._zones:
                zone = "Asia/Shanghai"
                if rules_id is not None:
                    row = session.get_one(InputFile, rules_id)
                    zone = parse_rules(row.content.decode("utf-8"), row.name).time_zone
                self._zones[rules_id] = zone
        return ZoneInfo(self._zones[rules_id])


@dataclass
class Ctx:
    """One request: who asks, in which language, and what they may see."""

    app: App
    request: Request
    user: User | None
    lang: str
    csrf: str
    bound_to: str
    new_anon: str | None = None
    """A fresh anonymous cookie to set on the response."""
    forms: list[FormData] = field(default_factory=list)
    """Forms read, closed (with their uploaded files) when the request ends."""

    @property
    def ip(self) -> str | None:
        return self.request.client.host if self.request.client else None

    @property
    def actor(self) -> str:
        return self.user.actor if self.user else "anonymous"

    def t(self, key: str, **values: Any) -> str:
        return word(self.lang, key, **values)

    def when(self, moment: dt.datetime | None) -> str:
        """A moment as the city's local time."""
        return "—" if moment is None else f"{moment.astimezone(self.app.zone()):%Y-%m-%d %H:%M}"

    def when_local(self, moment: dt.datetime | None) -> str:
        """A local time of the loop (naive, in the city's time zone) as shown."""
        return "—" if moment is None else f"{moment:%Y-%m-%d %H:%M}"

    @functools.cached_property
    def scope(self) -> Scope:
        return NOBODY if self.user is None else scope_of(self.user, self.app.people())

    def tr(self, message: str, **values: Any) -> str:
        """A message of the catalogs (``roadchief.i18n``) in the user's language."""
        return Translator(self.lang)(message, **values)

    def sees_case(self, row: LedgerRow) -> bool:
        return sees_case(self.user, self.scope, row)

    def need(self, *roles: Role) -> User:
        """The user if they have one of ``roles``; 401 for a stranger, 403 otherwise."""
        if self.user is None:
            raise HTTPException(401)
        if self.user.role not in roles:
            raise HTTPException(403)
        return self.user

    def need_chief(self, chief_id: str) -> Chief:
        """A person the user may see; 404 for an unknown or hidden one (the same answer, so
        a stranger cannot tell who exists)."""
        if not self.scope.sees(chief_id):
            raise HTTPException(404)
        found = next((c for c in self.app.people() if c.chief_id == chief_id), None)
        if found is None:
            raise HTTPException(404)
        return found

    async def form(self, **limits: Any) -> FormData:
        """The posted form, after the CSRF and origin checks (403 if either fails)."""
        form = await self.request.form(**limits)
        self.forms.append(form)
        given = form.get("csrf")
        header = self.request.headers.get("x-csrf-token")
        token = given if isinstance(given, str) else header
        if not csrf_ok(self.app.secret, self.bound_to, token) or not self._same_origin():
            raise HTTPException(403, detail="csrf")
        return form

    def check_csrf_header(self) -> None:
        """For JSON posts: the token in ``X-CSRF-Token``."""
        token = self.request.headers.get("x-csrf-token")
        if not csrf_ok(self.app.secret, self.bound_to, token) or not self._same_origin():
            raise HTTPException(403, detail="csrf")

    def _same_origin(self) -> bool:
        origin = self.request.headers.get("origin")
        if origin is None or origin == "null":
            return origin is None
        host = self.request.headers.get("host", "")
        return origin.split("://", 1)[-1] == host


async def request_context(request: Request) -> AsyncIterator[Ctx]:
    """The FastAPI dependency every route takes: the context, and the request's forms
    closed once it is answered. Async routes read their form on the event loop and run
    everything that blocks (queries, Pillow) in the thread pool: one blocking call on the
    loop stalls every request of the worker."""
    ctx = await run_in_threadpool(context, request)  # a query: never on the event loop
    try:
        yield ctx
    finally:
        for form in ctx.forms:
            await form.close()


def context(request: Request) -> Ctx:
    """What the request knows (also for error pages, outside any route)."""
    app: App = request.app.state.rc
    user = None
    session_token = request.cookies.get(SESSION_COOKIE)
    if session_token:
        with read_session(app.engine) as session:
            user = session_user(session, token_hash(session_token))
    new_anon = None
    if user is not None and session_token:
        bound = "s:" + session_token
    else:
        anon = request.cookies.get(ANON_COOKIE)
        if not anon or len(anon) > 64:
            anon = new_anon = new_token()
        bound = "a:" + anon
    lang = pick_lang(request.cookies.get(LANG_COOKIE))
    return Ctx(app, request, user, lang, csrf_token(app.secret, bound), bound, new_anon)
