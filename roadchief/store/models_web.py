"""The web app's tables: accounts, sessions, login links, the audit log, background jobs,
recorded patrol tracks and uploaded photos (rows, not domain objects).

Secrets are never stored: a session or a login link is kept as the SHA-256 of its token,
a password as its argon2 hash.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    BigInteger,
    DateTime,
    Double,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from roadchief.store.db import Base


class WebUser(Base):
    """An account: a planner, a supervisor or chief (tied to a chief id), or a unit."""

    __tablename__ = "web_user"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    chief_id: Mapped[str | None] = mapped_column(Text, index=True)
    unit: Mapped[str | None] = mapped_column(Text)
    password_hash: Mapped[str | None] = mapped_column(Text)
    """argon2; None for an account that logs in by link only."""
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    disabled_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class WebSession(Base):
    """A logged-in browser; the cookie holds the token, the row its hash."""

    __tablename__ = "web_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("web_user.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class LoginLink(Base):
    """A one-time login link: used once, until it expires, unless revoked."""

    __tablename__ = "web_login_link"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("web_user.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class AuditEntry(Base):
    """One state change: who (an account, the command line or a citizen), what, when."""

    __tablename__ = "web_audit"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)
    actor: Mapped[str] = mapped_column(Text)
    """``user:<name>``, ``cli`` or ``anonymous``."""
    action: Mapped[str] = mapped_column(String(48))
    target: Mapped[str] = mapped_column(Text)
    details: Mapped[str] = mapped_column(Text, default="{}")
    """JSON."""
    ip: Mapped[str | None] = mapped_column(String(64))


class WebJob(Base):
    """Work run outside a request (plan, re-plan, import, export), with its progress.

    ``lock`` holds a key while the job is queued or running (``plan:2026-W49``): the
    unique constraint lets one job per key run at a time; it is cleared when the job ends.
    """

    __tablename__ = "web_job"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    lock: Mapped[str | None] = mapped_column(String(64), unique=True)
    state: Mapped[str] = mapped_column(String(16), index=True)
    """queued, running, done or failed."""
    params: Mapped[str] = mapped_column(Text)
    """JSON."""
    created_by: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    started_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    stage: Mapped[str] = mapped_column(Text, default="")
    stage_budget_s: Mapped[float | None] = mapped_column(Double)
    stage_started_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    pid: Mapped[int | None] = mapped_column(Integer)
    result: Mapped[str] = mapped_column(Text, default="{}")
    """JSON: the run id, counts, the summary's headline."""
    error: Mapped[str | None] = mapped_column(Text)


class RecordedTrack(Base):
    """A patrol recorded by a chief's phone, from start to finish."""

    __tablename__ = "web_track"

    id: Mapped[int] = mapped_column(primary_key=True)
    chief_id: Mapped[str] = mapped_column(Text, index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("web_user.id"))
    started_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class RecordedPoint(Base):
    """One location fix of a recorded track (WGS-84, as the phone reported it)."""

    __tablename__ = "web_track_point"
    __table_args__ = (Index("ix_web_track_point_track", "track_id", "at"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    track_id: Mapped[int] = mapped_column(ForeignKey("web_track.id", ondelete="CASCADE"))
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    lon: Mapped[float] = mapped_column(Double)
    lat: Mapped[float] = mapped_column(Double)
    accuracy_m: Mapped[float | None] = mapped_column(Double)


class Photo(Base):
    """An uploaded photo, re-encoded as JPEG without metadata, kept in the database (no file
    path is ever built from a request)."""

    __tablename__ = "web_photo"

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_kind: Mapped[str] = mapped_column(String(16))
    """What it belongs to: ``track`` (a recorded patrol) or ``case`` (its row id)."""
    owner_id: Mapped[int] = mapped_column(Integer)
    chief_id: Mapped[str | None] = mapped_column(Text, index=True)
    uploaded_by: Mapped[str] = mapped_column(Text)
    uploaded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    sha256: Mapped[str] = mapped_column(String(64))
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    size_bytes: Mapped[int] = mapped_column(Integer)
    content: Mapped[bytes] = mapped_column(LargeBinary)


class Receipt(Base):
    """The receipt of a case a citizen reported: the SHA-256 of the code they were given."""

    __tablename__ = "web_receipt"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_pk: Mapped[int] = mapped_column(
        ForeignKey("loop_case.id", ondelete="CASCADE"), unique=True
    )
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
