"""The web app's records as plain objects (no database, no web framework): accounts, jobs,
recorded patrol tracks, photos and audit entries, as the store saves and loads them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Role(StrEnum):
    """What an account may do; chiefs and supervisors are tied to a chief id."""

    PLANNER = "planner"
    SUPERVISOR = "supervisor"
    CHIEF = "chief"
    UNIT = "unit"


@dataclass(frozen=True)
class User:
    id: int
    name: str
    role: Role
    chief_id: str | None = None
    unit: str | None = None
    has_password: bool = False
    disabled: bool = False

    @property
    def actor(self) -> str:
        """How the audit log names this account."""
        return f"user:{self.name}"


class JobState(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class JobKind(StrEnum):
    PLAN = "plan"
    REPLAN = "replan"
    IMPORT = "import"
    EXPORT = "export"


@dataclass(frozen=True)
class Job:
    """Work run by a worker process, outside any request."""

    id: int
    kind: JobKind
    state: JobState
    params: dict[str, Any]
    created_by: str
    created_at: dt.datetime
    started_at: dt.datetime | None = None
    finished_at: dt.datetime | None = None
    stage: str = ""
    stage_budget_s: float | None = None
    stage_started_at: dt.datetime | None = None
    pid: int | None = None
    result: dict[str, Any] = field(default_factory=dict)
    error: str | None = None

    @property
    def active(self) -> bool:
        return self.state in (JobState.QUEUED, JobState.RUNNING)


@dataclass(frozen=True)
class TrackPoint:
    at: dt.datetime
    lon: float
    lat: float
    accuracy_m: float | None = None


@dataclass(frozen=True)
class PatrolTrack:
    """A patrol recorded by a chief's phone; ``points`` in time order."""

    id: int
    chief_id: str
    started_at: dt.datetime
    finished_at: dt.datetime | None
    points: tuple[TrackPoint, ...] = ()

    @property
    def open(self) -> bool:
        return self.finished_at is None


@dataclass(frozen=True)
class PhotoInfo:
    """An uploaded photo, without its bytes."""

    id: int
    owner_kind: str
    owner_id: int
    chief_id: str | None
    uploaded_at: dt.datetime
    width: int
    height: int
    size_bytes: int


@dataclass(frozen=True)
class AuditRecord:
    at: dt.datetime
    actor: str
    action: str
    target: str
    details: dict[str, Any]
    ip: str | None
