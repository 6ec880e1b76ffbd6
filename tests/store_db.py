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

from roadchief.store.db import make_engine
from roadchief.store.models import Base

PG_ENV = "ROADCHIEF_TEST_PG"


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
