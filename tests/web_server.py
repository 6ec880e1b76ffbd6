"""A real web server for the web tests: the small city imported and planned, accounts of
every role, and uvicorn serving the app on a free loopback port in a thread."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import shapely
import uvicorn

from geo_builders import CHIEFS, small_city_files
from roadchief.app.imports import ImportItem, import_files
from roadchief.app.on_database import plan_db
from roadchief.app.settings import PlanSettings
from roadchief.app.units import import_units
from roadchief.domain import Week
from roadchief.solve.settings import SolverSettings
from roadchief.store.accounts import add_login_link, add_user
from roadchief.store.cases import latest_owners
from roadchief.store.db import make_engine, read_session
from roadchief.store.migrate import upgrade
from roadchief.store.runs import current_run
from roadchief.store.snapshots import latest_snapshot_id, load_snapshot
from roadchief.web.app import create_app
from roadchief.web.jobs import wait_for_workers
from roadchief.web.runs import run_folder
from roadchief.web.security import hash_password, new_token, token_hash
from roadchief.web.settings import Limits, WebSettings
from roadchief.web_records import Role, User

WEEK = "2026-W49"
PASSWORD = "correct horse battery"
UNITS = "unit_id,name,kind,zones\nHW,环卫所,sanitation,\nZF,城管执法中队,enforcement,\n"
PEOPLE = CHIEFS + "L2B,乙长,B,l2,,\n"
"""The small city's people and a 二级路长 of zone B."""


@dataclass
class Site:
    """A served deployment: its URL, settings, accounts and a chief's spare login link."""

    url: str
    settings: WebSettings
    users: dict[str, User] = field(default_factory=dict)
    run_id: int = 0
    app: Any = None

    def link(self, name: str, days: float = 7.0) -> str:
        """A fresh one-time login link of the account ``name``."""
        token = new_token()
        engine = make_engine(self.settings.db_url)
        try:
            expires = dt.datetime.now(dt.UTC) + dt.timedelta(days=days)
            add_login_link(engine, self.users[name].id, token_hash(token), expires, actor="test")
        finally:
            engine.dispose()
        return f"{self.url}/link/{token}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def build_site(db_url: str, folder: Path, *, plan: bool = True, imported: bool = True) -> Site:
    """Import the small city into ``db_url``, plan WEEK into the web's run folder, add the
    accounts: planner, sup_a (L2A), sup_b (L2B), a1, a2, b1 (chiefs), unit (HW), unit_b (ZF),
    and the units HW (环卫所, sanitation) and ZF (城管执法中队, enforcement)."""
    files = small_city_files(folder / "city", chiefs=PEOPLE)
    settings = WebSettings(db_url, folder / "data", limits=Limits(public_per_minute=1000))
    engine = make_engine(db_url)
    try:
        upgrade(engine)
        if imported:
            import_files(engine, [ImportItem(k, p) for k, p in files.items()])
            units = folder / "units.csv"
            units.write_text(UNITS, encoding="utf-8")
            import_units(engine, units)
        site = Site("", settings)
        if plan and imported:
            out = folder / "planned"
            solver = SolverSettings(time_limit_s=5, workers=1, lanes=1)
            plan_db(engine, Week.parse(WEEK), out, PlanSettings(solver=solver))
            with read_session(engine) as session:
                site.run_id, _ = current_run(session, Week.parse(WEEK))
            target = run_folder(settings.data_dir, site.run_id)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(str(out), target)
        hashed = hash_password(PASSWORD)
        accounts = [
            ("planner", Role.PLANNER, None, None), ("sup_a", Role.SUPERVISOR, "L2A", None),
            ("sup_b", Role.SUPERVISOR, "L2B", None), ("a1", Role.CHIEF, "A1", None),
            ("a2", Role.CHIEF, "A2", None), ("b1", Role.CHIEF, "B1", None),
            ("unit", Role.UNIT, None, "HW"), ("unit_b", Role.UNIT, None, "ZF"),
        ]  # fmt: skip
        for name, role, chief, unit in accounts:
            site.users[name] = add_user(
                engine, name, role, chief_id=chief, unit=unit, password_hash=hashed, actor="test"
            )
    finally:
        engine.dispose()
    return site


@contextmanager
def serving(site: Site) -> Iterator[Site]:
    """Serve the site's app with uvicorn on a free port until the block ends."""
    port = free_port()
    app = site.app = create_app(site.settings)
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    site.url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    try:
        yield site
    finally:
        wait_for_workers(300)  # jobs the tests started end before their database goes
        server.should_exit = True
        thread.join(timeout=10)
        app.state.rc.engine.dispose()


def chief_points(db_url: str) -> dict[str, tuple[float, float]]:
    """Chief id -> (lat, lon) of the middle of one of their segments (of the latest plan)."""
    engine = make_engine(db_url)
    try:
        with read_session(engine) as session:
            city = load_snapshot(session, latest_snapshot_id(session)).city
            owners, _ = latest_owners(session)
    finally:
        engine.dispose()
    segs = city.segments_gdf.to_crs(4326).set_index("segment_id")
    points: dict[str, tuple[float, float]] = {}
    for sid, chief in sorted(owners.items()):
        if chief not in points:
            mid = shapely.line_interpolate_point(segs.geometry[sid], 0.5, normalized=True)
            points[chief] = (mid.y, mid.x)
    return points


CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def csrf_of(page: str) -> str:
    found = CSRF.search(page)
    assert found, "no CSRF token in the page"
    return found.group(1)


@contextmanager
def client(site: Site, name: str | None) -> Iterator[httpx.Client]:
    """A browser-like client, logged in as ``name`` (None: a stranger), closed after."""
    with httpx.Client(base_url=site.url, follow_redirects=False, timeout=30) as c:
        if name is not None:
            token = csrf_of(c.get("/login").text)
            r = c.post("/login", data={"csrf": token, "name": name, "password": PASSWORD})
            assert r.status_code == 303, r.text
        yield c


def token_for(c: httpx.Client, path: str = "/login") -> str:
    """The CSRF token of the client's session, read from a page it may open."""
    return csrf_of(c.get(path).text)
