"""Create and upgrade the database schema with the Alembic migrations shipped in the package."""

from __future__ import annotations

import functools
from importlib import resources

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from roadchief.errors import RoadchiefError


class SchemaError(RoadchiefError, RuntimeError):
    """The database is missing, too old or newer than this roadchief."""


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option(
        "script_location", str(resources.files("roadchief.store").joinpath("migrations"))
    )
    return cfg


@functools.cache
def head_revision() -> str:
    """The newest migration shipped (read once: scanning the scripts took ~100 ms, on every
    web request that checks the schema)."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> tuple[str | None, str]:
    """Upgrade the schema to ``revision``; return (revision before, revision after)."""
    before = current_revision(engine)
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)
    after = current_revision(engine)
    assert after is not None
    return before, after


def require_current(engine: Engine) -> None:
    """Raise a SchemaError that names the fix unless the schema is at this roadchief's head."""
    url = engine.url.render_as_string(hide_password=True)
    try:
        found = current_revision(engine)
    except Exception as exc:  # a server that is down, a bad URL
        raise SchemaError(f"cannot open the database {url}: {exc}") from exc
    head = head_revision()
    if found is None:
        raise SchemaError(f"the database {url} has no roadchief tables; run roadchief init")
    if found != head:
        known = {s.revision for s in ScriptDirectory.from_config(alembic_config()).walk_revisions()}
        if found not in known:
            raise SchemaError(
                f"the database {url} is at schema {found}, newer than this roadchief "
                f"({head}); upgrade roadchief"
            )
        raise SchemaError(
            f"the database {url} is at schema {found}, this roadchief needs {head}; "
            "run roadchief db upgrade"
        )
