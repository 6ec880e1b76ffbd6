"""Load test of the web app on loopback with PostgreSQL: N simulated users for T seconds
against ``roadchief serve`` on the demo city, and the p95 of each kind of request beside
its target.

Run under a PostgreSQL server (the bench's own install has locust: ``pip install -e
'.[bench]'``)::

    ROADCHIEF_PG_PORT=54335 bash .ci/with-postgres .venv/bin/python bench/bench_web.py

It makes a fresh database on ``ROADCHIEF_TEST_PG``, imports the demo city, plans
2026-W49 (``--plan-time-limit``, default 30 s: the roster's quality does not matter
here), adds an account and a login session for every person with a page (chiefs) and
every 总/一级/二级路长 (supervisors), opens a patrol for each chief, serves the app with
``--workers`` processes and runs locust headless (``bench/locust_web.py``). Targets from
issue #16: a chief's page p95 <= 300 ms, a report p95 <= 500 ms, no error. Citizens'
reports all come from 127.0.0.1, so the server runs with the public rate limit lifted. Outputs in
``bench/out/web/``. The machine is shared: say so beside any figure.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

from roadchief.app.imports import ImportItem, import_files
from roadchief.app.on_database import plan_db
from roadchief.app.settings import PlanSettings
from roadchief.domain import ChiefLevel, Week
from roadchief.solve.settings import SolverSettings
from roadchief.store.accounts import add_session, add_user
from roadchief.store.db import make_engine, read_session
from roadchief.store.migrate import upgrade
from roadchief.store.models import Snapshot, ZoneRow
from roadchief.store.people import chiefs_of_set, latest_chief_set
from roadchief.store.recorded import start_track
from roadchief.store.runs import current_run
from roadchief.web.runs import person_page, run_folder
from roadchief.web.security import new_token, token_hash
from roadchief.web_records import Role

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "geodata" / "cambridge_ma"
OUT = ROOT / "bench" / "out" / "web"
WEEK = "2026-W49"
TARGETS_MS = {
    "chief page": 300, "chief map": 300, "chief report": 500, "chief case": 500,
    "citizen report": 500, "citizen hot": 300, "supervisor area": 300, "supervisor ledger": 300,
}  # fmt: skip
"""p95 targets (issue #16: a page 300 ms, a report 500 ms); the area and the ledger are
held to a chief page's."""


def fresh_pg() -> tuple[str, Any]:
    base = make_url(os.environ.get("ROADCHIEF_TEST_PG") or "")
    if not base.drivername:
        raise SystemExit("set ROADCHIEF_TEST_PG (run under bash .ci/with-postgres)")
    base = base.set(drivername="postgresql+psycopg")
    name = f"rc_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    return base.set(database=name).render_as_string(hide_password=False), admin


def prepare(url: str, data: Path, plan_time_limit: float) -> dict[str, list[dict[str, Any]]]:
    """The demo city imported and planned; accounts, sessions and open patrols."""
    engine = make_engine(url)
    try:
        upgrade(engine)
        files = {"zones": "zones_cdd_neighborhoods.geojson", "roads": "streets_centerlines.geojson",
                 "chiefs": "chiefs.csv", "rules": "rules.toml"}  # fmt: skip
        import_files(engine, [ImportItem(k, DEMO / f) for k, f in files.items()])
        started = time.perf_counter()
        out = data / "planned"
        solver = SolverSettings(time_limit_s=plan_time_limit)
        plan_db(engine, Week.parse(WEEK), out, PlanSettings(solver=solver))
        print(f"planned {WEEK} in {time.perf_counter() - started:.0f} s", flush=True)
        with read_session(engine) as session:
            run_id, _ = current_run(session, Week.parse(WEEK))
            people = chiefs_of_set(session, latest_chief_set(session) or 0)
            city_id = session.scalar(select(Snapshot.city_id).order_by(Snapshot.id.desc()))
            zones = {z.zone_id: z.geom.centroid for z in
                     session.scalars(select(ZoneRow).where(ZoneRow.city_id == city_id))}  # fmt: skip
        folder = run_folder(data, run_id)
        folder.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(out), folder)
        users: dict[str, list[dict[str, Any]]] = {"chief": [], "supervisor": []}
        expires = dt.datetime.now(dt.UTC) + dt.timedelta(days=1)
        centre = next(iter(zones.values()))
        for c in people:
            supervisor = c.level in (ChiefLevel.GENERAL, ChiefLevel.L1, ChiefLevel.L2)
            role = Role.SUPERVISOR if supervisor else Role.CHIEF
            if role == Role.CHIEF and person_page(folder, c.chief_id) is None:
                continue
            user = add_user(engine, f"bench_{c.chief_id}", role, chief_id=c.chief_id, unit=None,
                            password_hash=None, actor="bench")  # fmt: skip
            token = new_token()
            add_session(engine, user, token_hash(token), expires, None)
            entry: dict[str, Any] = {"session": token, "chief_id": c.chief_id}
            if role == Role.CHIEF:
                point = zones.get(c.zone_id or "", centre)
                entry |= {"track": start_track(engine, user, None).id, "lat": point.y,
                          "lon": point.x}  # fmt: skip
            users[str(role)].append(entry)
        return users
    finally:
        engine.dispose()


def serve(url: str, data: Path, port: int, workers: int) -> subprocess.Popen[bytes]:
    exe = Path(sys.executable).parent / "roadchief"
    env = dict(os.environ, ROADCHIEF_WEB_PUBLIC_PER_MINUTE="1000000")
    # every simulated citizen comes from 127.0.0.1: the per-address limit would refuse them
    server = subprocess.Popen(
        [str(exe), "serve", "--db", url, "--port", str(port), "--workers", str(workers),
         "--data", str(data)],
        stdout=subprocess.DEVNULL, stderr=(OUT / "server.log").open("wb"), env=env,
    )  # fmt: skip
    deadline = time.monotonic() + 120
    while True:
        try:
            httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).raise_for_status()
            return server
        except httpx.HTTPError:
            if server.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("the server did not start; see bench/out/web/server.log") from None
            time.sleep(0.5)


def run_locust(port: int, users: int, seconds: int, users_file: Path) -> Path:
    exe = Path(sys.executable).parent / "locust"
    prefix = OUT / "locust"
    env = dict(os.environ, BENCH_WEB_USERS=str(users_file))
    subprocess.run(
        [str(exe), "-f", str(ROOT / "bench" / "locust_web.py"), "--headless", "-u", str(users),
         "-r", str(max(1, users // 10)), "-t", f"{seconds}s", "--host", f"http://127.0.0.1:{port}",
         "--csv", str(prefix), "--only-summary", "--loglevel", "WARNING"],
        env=env, check=False, stdout=(OUT / "locust.log").open("wb"), stderr=subprocess.STDOUT,
    )  # fmt: skip
    return prefix.with_name("locust_stats.csv")


def report(stats: Path, users: int, seconds: int, workers: int, load: tuple[float, float]) -> bool:
    """The table; ``load``: the 1-minute load average before and after the run (the server,
    PostgreSQL and locust share the cores: a high figure before means others ran)."""
    rows = list(csv.DictReader(stats.open(encoding="utf-8")))
    print(f"\nload test: {users} users for {seconds} s, {workers} server workers, PostgreSQL, "
          f"loopback, {os.cpu_count()} cores shared with locust; load average "
          f"{load[0]:.1f} before, {load[1]:.1f} after")  # fmt: skip
    head = f"{'request':<18}{'count':>8}{'fail':>6}{'p50 ms':>8}{'p95 ms':>8}{'p99 ms':>8}{'target':>8}  ok"
    print(head)
    good = True
    for r in rows:
        name = r["Name"]
        target = TARGETS_MS.get(name)
        p95, fails = float(r["95%"]), int(r["Failure Count"])
        ok = fails == 0 and (target is None or p95 <= target)
        good &= ok
        label = "all" if name == "Aggregated" else name
        print(f"{label:<18}{r['Request Count']:>8}{fails:>6}{r['50%']:>8}{r['95%']:>8}{r['99%']:>8}"
              f"{target or '':>8}  {'yes' if ok else 'NO'}")  # fmt: skip
    return good


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--plan-time-limit", type=float, default=30.0)
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()
    if OUT.exists():
        shutil.rmtree(OUT)
    OUT.mkdir(parents=True)
    data = OUT / "data"
    url, admin = fresh_pg()
    try:
        users = prepare(url, data, args.plan_time_limit)
        print(f"accounts: {len(users['chief'])} chiefs, {len(users['supervisor'])} supervisors")
        users_file = OUT / "users.json"
        users_file.write_text(json.dumps(users), encoding="utf-8")
        server = serve(url, data, args.port, args.workers)
        try:
            load_before = os.getloadavg()[0]
            stats = run_locust(args.port, args.users, args.seconds, users_file)
            load = (load_before, os.getloadavg()[0])
        finally:
            server.terminate()
            server.wait(timeout=30)
        good = report(stats, args.users, args.seconds, args.workers, load)
    finally:
        with admin.connect() as conn:
            name = make_url(url).database
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    return 0 if good else 1


if __name__ == "__main__":
    sys.exit(main())
