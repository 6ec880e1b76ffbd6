"""Open the database a URL names, with one geometry column type for PostgreSQL and SQLite."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import shapely
from geoalchemy2 import Geometry
from shapely.geometry.base import BaseGeometry
from sqlalchemy import Engine, LargeBinary, create_engine, event
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator, TypeEngine

DB_ENV = "ROADCHIEF_DB"
"""Environment variable naming the database when ``--db`` is not given."""
DEFAULT_DB = "sqlite:///roadchief.db"
WGS84_SRID = 4326


class Base(DeclarativeBase):
    """Base of every table (store/models.py, models_loop.py, models_web.py)."""


def resolve_url(url: str | None) -> str:
    """The database URL: ``--db``, else ``ROADCHIEF_DB``, else ``roadchief.db`` (SQLite).

    A bare file name (no ``://``) means a SQLite file.
    """
    text = (url or os.environ.get(DB_ENV) or DEFAULT_DB).strip()
    if "://" not in text:
        return f"sqlite:///{text}"
    if text.startswith("postgresql://"):
        return "postgresql+psycopg://" + text.removeprefix("postgresql://")
    return text


def make_engine(url: str | None = None) -> Engine:
    """An engine for the URL; on SQLite, real transactions (BEGIN, transactional DDL)."""
    full = resolve_url(url)
    if full.startswith("sqlite"):
        engine = create_engine(full, connect_args={"timeout": 60})
        _sqlite_transactions(engine)
        return engine
    return create_engine(full, pool_pre_ping=True)


def _sqlite_transactions(engine: Engine) -> None:
    """Let SQLAlchemy, not the sqlite3 module, begin transactions (the documented recipe).

    Writers begin with ``BEGIN IMMEDIATE`` so two writers queue instead of deadlocking.
    """

    @event.listens_for(engine, "connect")
    def _connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None
        dbapi_conn.execute("PRAGMA foreign_keys=ON")

    @event.listens_for(engine, "begin")
    def _begin(conn: Any) -> None:
        immediate = conn.get_execution_options().get("sqlite_immediate", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


@contextmanager
def write_session(engine: Engine) -> Iterator[Session]:
    """One write transaction: committed at the end, rolled back on any error."""
    bind = engine.execution_options(sqlite_immediate=True) if is_sqlite(engine) else engine
    with sessionmaker(bind=bind)() as session, session.begin():
        yield session


@contextmanager
def read_session(engine: Engine) -> Iterator[Session]:
    """A session for reading."""
    with sessionmaker(bind=engine)() as session, session.begin():
        yield session


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


class GeometryColumn(TypeDecorator[BaseGeometry]):
    """A WGS-84 shapely geometry: PostGIS ``geometry(4326)`` or WKB bytes on SQLite."""

    impl = LargeBinary
    cache_ok = True
    spatial_index = False
    """Read by geoalchemy2's DDL events; the migrations create the GiST indexes."""

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect is not None and dialect.name == "postgresql":
            return dialect.type_descriptor(Geometry(srid=WGS84_SRID, spatial_index=False))
        return LargeBinary() if dialect is None else dialect.type_descriptor(LargeBinary())

    def process_bind_param(self, value: BaseGeometry | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if dialect.name == "postgresql":
            return shapely.to_wkb(shapely.set_srid(value, WGS84_SRID), hex=True, include_srid=True)
        return shapely.to_wkb(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> BaseGeometry | None:
        if value is None:
            return None
        data = getattr(value, "data", value)  # geoalchemy2's WKBElement
        if isinstance(data, memoryview):
            data = bytes(data)
        geom: BaseGeometry = shapely.from_wkb(data)
        return shapely.set_srid(geom, 0) if dialect.name == "postgresql" else geom
