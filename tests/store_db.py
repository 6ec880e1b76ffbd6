"""Fixtures of the store tests: every test runs on SQLite and on PostgreSQL + PostGIS.

PostgreSQL runs when ``ROADCHIEF_TEST_PG`` holds a server URL (``make test`` starts a
throwaway server and sets it); each test gets a fresh database on it. In CI the variable
must be set: the PostgreSQL tests fail instead of skipping.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from geo_builders import line, two_zones, write
from roadchief.store.db import make_engine
from roadchief.store.models import Base

PG_ENV = "ROADCHIEF_TEST_PG"
CHIEFS_HEADER = "chief_id,name,zone_id,level,max_patrols_per_week,unavailable\n"
CHIEFS = (
    "A1,甲一,A,segment,,\nA2,甲二,A,segment,,\nA3,甲三,A,segment,,\nB1,乙一,B,segment,,\n"
    "L2A,甲长,A,l2,,\n"
)


def pg_url() -> str | None:
    url = os.environ.get(PG_ENV, "").strip()
    if not url:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{PG_ENV} is not set in CI: make test starts PostgreSQL and sets it")
        pytest.skip(f"set {PG_ENV} (make test does) to run the PostgreSQL tests")
    return url


BACKENDS = ["sqlite", "postgresql"]


def fresh_database(backend: str, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database URL on ``backend``, dropped afterwards (for a fixture)."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'roadchief.db'}"
        return
    base = make_url(pg_url() or "")
    if base.drivername == "postgresql":
        base = base.set(drivername="postgresql+psycopg")
    name = f"rc_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:  # the tests' engines are disposed of by now
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def table_counts(url: str) -> dict[str, int]:
    """Rows per table: equal before and after means the database did not change."""
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return {
                t.name: conn.execute(select(func.count()).select_from(t)).scalar_one()
                for t in Base.metadata.sorted_tables
            }
    finally:
        engine.dispose()


def small_city(folder: Path, *, edit: bool = False) -> dict[str, Path]:
    """Zone A: a street grid; zone B: one street. ``edit`` moves r0, drops r1, adds r99."""
    folder.mkdir(parents=True, exist_ok=True)
    zones = two_zones(folder)
    lines, names, ids = [], [], []
    for k in range(4):
        for j in range(3):
            lines += [line((100 + 250 * j, 100 + 250 * k), (350 + 250 * j, 100 + 250 * k))]
            lines += [line((100 + 250 * k, 100 + 250 * j), (100 + 250 * k, 350 + 250 * j))]
            names += [f"东{k}路", f"南{k}街"]
    lines.append(line((1100, 500), (1900, 500)))
    names.append("乙路")
    ids = [f"r{i}" for i in range(len(lines))]
    if edit:
        lines[0] = line((100, 100), (340, 110))
        del lines[1], names[1], ids[1]
        lines.append(line((1100, 800), (1900, 800)))
        names.append("乙新路")
        ids.append("r99")
    roads = write(folder / "roads.geojson", {"id": ids, "name": names}, lines)
    chiefs = folder / "chiefs.csv"
    chiefs.write_text(CHIEFS_HEADER + CHIEFS, encoding="utf-8")
    return {"zones": zones, "roads": roads, "chiefs": chiefs}
