"""Alembic environment: runs on the connection roadchief.store.migrate hands over."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from roadchief.store import models  # noqa: F401  (every table on Base)
from roadchief.store.db import Base

connection: Connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
