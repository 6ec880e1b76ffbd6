"""The access matrix: every route of the app, as every role and as a stranger, against
objects of others. A refused request shows nothing of the object and changes nothing;
a route missing from the matrix fails the test.

Runs on SQLite and on PostgreSQL + PostGIS, against a real server (uvicorn on loopback).
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from fastapi.routing import APIRoute, APIRouter
from PIL import Image
from sqlalchemy import Engine
from store_db import BACKENDS, fresh_database, table_counts
from web_server import (
    WEEK,
    Site,
    build_site,
    chief_points,
    client,
    csrf_of,
    serving,
    token_for,
)

from roadchief.app.case_work import case_detail, move_case
from roadchief.app.reports import Placer, Report, report_case
from roadchief.loop.cases import CaseSource
from roadchief.loop.states import CaseState
from roadchief.render.shared_assets import ASSETS_FOLDER
from roadchief.store.db import make_engine
from roadchief.store.jobs import finish_job, queue_job
from roadchief.store.recorded import add_photo, add_points, start_track
from roadchief.web.access import Scope, scope_of
from roadchief.web.app import create_app
from roadchief.web.context import App
from roadchief.web.photos import clean_photo
from roadchief.web.runs import run_folder
from roadchief.web_records import JobKind, TrackPoint

ROLES = ("stranger", "planner", "sup_a", "sup_b", "a1", "a2", "b1", "unit")
SEES = {
    "planner": {"A1", "A2", "A3", "B1", "L2A", "L2B"},
    "sup_a": {"A1", "A2", "A3", "L2A"},
    "sup_b": {"B1", "L2B"},
    "a1": {"A1"}, "a2": {"A2"}, "b1": {"B1"},
    "stranger": set(), "unit": set(),
}  # fmt: skip
"""Who each account may see: the access rule written out by hand for the small city."""


@dataclass
class World:
    site: Site
    tracks: dict[str, int]
    photos: dict[str, int]
    job: int
    cases: dict[str, str]
    """Chief id -> a case on their segment, dispatched (A1's to the unit HW, B1's to ZF)."""
    case_photos: dict[str, int]
    receipt: str
    asset: str
    """A file of the run's shared assets."""


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(out, "JPEG")
    return out.getvalue()


@pytest.fixture(scope="module", params=BACKENDS)
def world(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    folder = tmp_path_factory.mktemp("web_access")
    for url in fresh_database(request.param, folder):
        site = build_site(url, folder)
        engine = make_engine(url)
        try:
            tracks, photos = {}, {}
            for name, chief in (("a1", "A1"), ("b1", "B1")):
                track = start_track(engine, site.users[name], None)
                point = TrackPoint(track.started_at, 121.47, 31.23, 5.0)
                add_points(engine, track.id, [point])
                tracks[chief] = track.id
                photos[chief] = add_photo(engine, "track", track.id, chief, jpeg(), (8, 8),
                                          actor="test", ip=None).id  # fmt: skip
            job = queue_job(engine, JobKind.EXPORT, {"week": WEEK}, lock="x", actor="test")
            finish_job(engine, job.id, result={"week": WEEK})
            cases, case_photos, receipt = _cases(engine, chief_points(url))
        finally:
            engine.dispose()
        folder_of_run = run_folder(site.settings.data_dir, site.run_id)
        asset = next((folder_of_run / ASSETS_FOLDER).glob("*.js")).name
        with serving(site):
            yield World(site, tracks, photos, job.id, cases, case_photos, receipt, asset)


def _cases(
    engine: Engine, points: dict[str, tuple[float, float]]
) -> tuple[dict[str, str], dict[str, int], str]:
    """A citizen's case on A1's segment dispatched to HW, one on B1's to ZF, with photos."""
    cases, photos, receipt = {}, {}, ""
    for chief, unit in (("A1", "HW"), ("B1", "ZF")):
        lat, lon = points[chief]
        report = Report("路面一堆垃圾", "E0103", lon, lat, CaseSource.APP, "anonymous")
        done = report_case(engine, Placer(engine), report, clean_photo(jpeg(), 100), ip=None)
        assert done.placement.chief_id == chief and done.receipt
        move_case(engine, done.case_id, CaseState.REPORTED, CaseState.FILED, "test")
        move_case(engine, done.case_id, CaseState.FILED, CaseState.DISPATCHED, "test", unit=unit)
        detail = case_detail(engine, done.case_id)
        assert detail is not None
        cases[chief], photos[chief], receipt = done.case_id, detail.photos[0].id, done.receipt
    return cases, photos, receipt


@dataclass(frozen=True)
class Case:
    """One request and who may make it (``allowed(role)``)."""

    method: str
    path: str
    route: str
    allowed: Callable[[str], bool]
    data: dict[str, str] | None = None
    json: dict[str, object] | None = None
    files: dict[str, tuple[str, bytes, str]] | None = None
    public: bool = False
    answers: frozenset[int] = frozenset({200, 303})
    """What an allowed request gets (400: allowed, and the bad input is refused)."""


def sees(chief: str) -> Callable[[str], bool]:
    return lambda role: chief in SEES[role]


def only(*roles: str) -> Callable[[str], bool]:
    return lambda role: role in roles


def cases(w: World) -> list[Case]:
    t, p, run = w.tracks, w.photos, w.site.run_id
    point = {"points": [{"t": "2026-12-01T08:00:00+08:00", "lat": 31.2, "lon": 121.4}]}
    photo = {"photo": ("p.jpg", jpeg(), "image/jpeg")}
    out = [
        Case("GET", "/", "/", only(*ROLES), public=True),
        Case("GET", "/healthz", "/healthz", only(*ROLES), public=True),
        Case("GET", "/login", "/login", only(*ROLES), public=True),
        Case("GET", "/lang/en", "/lang/{code}", only(*ROLES), public=True),
        Case("GET", "/link/not-a-token", "/link/{token}", only(), public=True),
        Case("POST", "/link/not-a-token", "/link/{token}", only(), data={}, public=True),
        Case("GET", "/me", "/me", only("a1", "a2", "b1")),
        Case("GET", "/unit", "/unit", only("unit")),
        Case("GET", "/area", "/area", only("planner", "sup_a", "sup_b")),
        Case("GET", "/area/page", "/area/page", only("sup_a", "sup_b")),
        Case("GET", "/plan", "/plan", only("planner")),
        Case("GET", "/audit", "/audit", only("planner")),
        Case("GET", f"/jobs/{w.job}", "/jobs/{job_id}", only("planner")),
        Case("GET", f"/weeks/{WEEK}/files", "/weeks/{week}/files", only("planner")),
        Case(
            "GET",
            f"/runs/{run}/files/summary.json",
            "/runs/{run_id}/files/{name:path}",
            only("planner"),
        ),
        Case("GET", f"/runs/{run}/files/../secret.key", "/runs/{run_id}/files/{name:path}", only()),
        Case(
            "POST",
            "/plan/weeks",
            "/plan/weeks",
            only("planner"),
            data={"week": "1999-W99"},
            answers=BAD,
        ),
        Case(
            "POST",
            "/plan/replan",
            "/plan/replan",
            only("planner"),
            data={"week": "1999-W99"},
            answers=BAD,
        ),
        Case("POST", "/plan/import", "/plan/import", only("planner"), data={}, answers=BAD),
    ]
    for chief in ("A1", "B1", "L2A"):
        out += [
            Case("GET", f"/people/{chief}", "/people/{chief_id}", sees(chief)),
            Case("GET", f"/people/{chief}/map", "/people/{chief_id}/map", sees(chief)),
        ]
    for chief, owner in (("A1", "a1"), ("B1", "b1")):
        out += [
            Case("GET", f"/patrols/{t[chief]}", "/patrols/{track_id}", sees(chief)),
            Case(
                "GET",
                f"/patrols/{t[chief]}/track.geojson",
                "/patrols/{track_id}/track.geojson",
                sees(chief),
            ),
            Case("GET", f"/photos/{p[chief]}", "/photos/{photo_id}", sees(chief)),
            Case(
                "POST",
                f"/patrols/{t[chief]}/points",
                "/patrols/{track_id}/points",
                only(owner),
                json=point,
            ),
            Case(
                "POST",
                f"/patrols/{t[chief]}/photos",
                "/patrols/{track_id}/photos",
                only(owner),
                files=photo,
            ),
            Case("POST", f"/patrols/{t[chief]}/finish", "/patrols/{track_id}/finish", only(owner)),
        ]
    out += [
        Case("GET", "/report", "/report", only(*ROLES), public=True),
        Case("POST", "/report", "/report", only(*ROLES), public=True,
             data={"category": "E0103", "description": "井盖缺失"}),
        Case("GET", f"/follow?code={w.receipt}", "/follow", only(*ROLES), public=True),
        Case("GET", "/follow?code=AAAA-BBBB-CCCC", "/follow", only(), public=True),
        Case("GET", "/hot", "/hot", only(*ROLES), public=True),
        Case("GET", "/hot?main=NOPE", "/hot", only(), public=True),
        Case("GET", "/cases", "/cases", only(*ROLES[1:])),
        Case("GET", "/cases/new", "/cases/new", only("a1", "a2", "b1")),
        Case("POST", "/cases", "/cases", only("a1", "a2", "b1"), data={}, answers=BAD),
        Case("GET", f"/assets/{w.asset}", "/assets/{name}", only(*SEEING)),
        Case("GET", f"/people/assets/{w.asset}", "/people/assets/{name}", only(*SEEING)),
        Case("GET", "/assets/..%2Fsummary.json", "/assets/{name}", only()),
        Case("POST", "/login", "/login", only(*ROLES), public=True,
             data={"name": "planner", "password": "wrong"}, answers=BAD),
    ]  # fmt: skip
    for chief, unit in (("A1", "unit"), ("B1", "nobody")):
        cid = w.cases[chief]
        chiefs_sup = "sup_a" if chief == "A1" else "sup_b"
        sees_it = only("planner", chiefs_sup, chief.lower(), unit)
        out += [
            Case("GET", f"/people/{chief}/map.html", "/people/{chief_id}/map.html", sees(chief)),
            Case("GET", f"/cases/{cid}", "/cases/{case_id}", sees_it),
            Case("GET", f"/photos/{w.case_photos[chief]}", "/photos/{photo_id}", sees_it),
            Case("POST", f"/cases/{cid}/move", "/cases/{case_id}/move", sees_it,
                 data={"expected": "dispatched", "to": "nonsense"}, answers=BAD),
            Case("POST", f"/cases/{cid}/flag", "/cases/{case_id}/flag", only(chiefs_sup),
                 data={"level": "nonsense", "deadline": "2099-01-01"}, answers=BAD),
            Case("POST", f"/cases/{cid}/place", "/cases/{case_id}/place", only("planner"),
                 data={"segment": "nope"}, answers=BAD),
        ]  # fmt: skip
    out.append(Case("POST", "/patrols", "/patrols", only("a1", "a2", "b1"), data={}))
    return [*out, Case("POST", "/logout", "/logout", only(*ROLES), public=True, data={})]


SEEING = ("planner", "sup_a", "sup_b", "a1", "a2", "b1")


SECRETS = ("甲一", "乙一", "甲长", "121.47", "路面一堆垃圾")
"""Names of people, a recorded position and a case's description: never in a refused
answer."""
BAD = frozenset({400})
REFUSED = {401, 403, 404, 410}


def send(c: httpx.Client, case: Case, token: str) -> httpx.Response:
    if case.method == "GET":
        return c.get(case.path)
    headers = {"X-CSRF-Token": token}
    if case.json is not None:
        return c.post(case.path, json=case.json, headers=headers)
    data = {**(case.data or {}), "csrf": token}
    return c.post(case.path, data=data, files=case.files, headers=headers)


def census(routes: Iterable[Any]) -> set[tuple[str, str]]:
    """(method, path) of every route, also inside included routers (FastAPI 0.165 keeps an
    included router as one ``_IncludedRouter`` entry of ``app.routes``; no prefixes here)."""
    found: set[tuple[str, str]] = set()
    for r in routes:
        if isinstance(r, APIRoute):
            found |= {(m, r.path) for m in r.methods}
        elif hasattr(r, "original_router"):
            found |= census(r.original_router.routes)
        elif isinstance(r, APIRouter):
            found |= census(r.routes)
    return found


def test_every_route_is_in_the_matrix(world: World) -> None:
    app = create_app(world.site.settings)
    try:
        routes = census(app.routes)
    finally:
        app.state.rc.engine.dispose()
    assert {("GET", "/people/{chief_id}"), ("POST", "/report"), ("GET", "/unit")} <= routes
    assert len(routes) > 30
    assert routes - {(c.method, c.route) for c in cases(world)} == set()


@pytest.mark.parametrize("role", ROLES)
def test_access_matrix(world: World, role: str) -> None:
    with client(world.site, None if role == "stranger" else role) as c:
        wrong, leaks = _try_all(world, c, role)
    assert wrong == []
    assert leaks == []


def _try_all(world: World, c: httpx.Client, role: str) -> tuple[list[str], list[str]]:
    token = token_for(c)
    leaks, wrong = [], []
    for case in cases(world):
        url = world.site.settings.db_url or ""
        before = table_counts(url) if case.method == "POST" else {}
        r = send(c, case, token)
        allowed = case.allowed(role)
        ok = r.status_code in (case.answers if allowed else REFUSED)
        if case.method == "GET" and not allowed and r.status_code == 303:
            ok = r.headers["location"] == "/login" and role == "stranger"
        if not ok:
            wrong.append(f"{role} {case.method} {case.path}: {r.status_code}")
        if not allowed:
            if case.method == "POST" and table_counts(url) != before:
                leaks.append(f"{role} {case.method} {case.path} changed the database")
            if any(secret in r.text for secret in SECRETS):
                leaks.append(f"{role} {case.method} {case.path} showed another's data")
    return wrong, leaks


def test_the_access_rule_matches_the_hand_written_matrix(world: World) -> None:
    app = App(world.site.settings, make_engine(world.site.settings.db_url), b"")
    try:
        people = app.people()
        for name, expected in SEES.items():
            user = world.site.users.get(name)
            scope: Scope = scope_of(user, people)
            assert {c.chief_id for c in people if scope.sees(c.chief_id)} == expected, name
    finally:
        app.engine.dispose()


def test_a_login_link_works_once(world: World) -> None:
    site = world.site
    link = site.link("a1")
    with httpx.Client(follow_redirects=False, timeout=30) as c:
        page = c.get(link)
        assert page.status_code == 200
        assert c.post(link, data={"csrf": csrf_of(page.text)}).status_code == 303
        assert c.get(f"{site.url}/me").headers["location"] == "/people/A1"
    with httpx.Client(follow_redirects=False, timeout=30) as other:
        again = other.get(link)
        assert again.status_code == 410
        token = csrf_of(other.get(f"{site.url}/login").text)
        assert other.post(link, data={"csrf": token}).status_code == 410


def test_a_renewed_link_revokes_the_old_one_and_an_expired_link_fails(world: World) -> None:
    site = world.site
    old = site.link("b1")
    new = site.link("b1")
    assert httpx.get(old).status_code == 410
    assert httpx.get(new).status_code == 200
    expired = site.link("b1", days=-1)
    assert httpx.get(expired).status_code == 410


def test_a_post_without_the_csrf_token_is_refused(world: World) -> None:
    with client(world.site, "a1") as c:
        assert c.post("/patrols", data={}).status_code == 403
        r = c.post(f"/patrols/{world.tracks['A1']}/points", json={"points": []})
        assert r.status_code == 403


def test_security_headers(world: World) -> None:
    r = httpx.get(f"{world.site.url}/login")
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["x-frame-options"] == "SAMEORIGIN"
    assert "script-src 'self'" in r.headers["content-security-policy"]
    assert r.headers["referrer-policy"] == "same-origin"


def test_run_files_cannot_leave_the_run_folder(world: World) -> None:
    with client(world.site, "planner") as c:
        _outside(c, world.site.run_id)


def _outside(c: httpx.Client, run: int) -> None:
    for name in ("../secret.key", "..%2Fsecret.key", "%2e%2e/%2e%2e/secret.key",
                 "/etc/passwd", "chiefs/../../secret.key", "chiefs/%00.html"):  # fmt: skip
        r = c.get(f"/runs/{run}/files/{name}")
        assert r.status_code == 404, name
        assert "secret" not in r.text.lower() or r.status_code == 404
