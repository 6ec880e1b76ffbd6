"""Light reads for the web app: the people of the latest import and the planned weeks,
without loading a whole city."""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from roadchief.domain import Chief
from roadchief.store.models import ChiefRow, PlanWeek, Run, Snapshot
from roadchief.store.rows import chiefs_from_rows


def latest_chief_set(session: Session) -> int | None:
    """The chief set of the latest import that has one (None before chiefs are imported)."""
    return session.scalar(
        select(Snapshot.chief_set_id)
        .where(Snapshot.chief_set_id.is_not(None))
        .order_by(Snapshot.id.desc())
        .limit(1)
    )


def chiefs_of_set(session: Session, chief_set_id: int) -> tuple[Chief, ...]:
    rows = session.scalars(
        select(ChiefRow).where(ChiefRow.chief_set_id == chief_set_id).order_by(ChiefRow.position)
    )
    return tuple(chiefs_from_rows(rows))


@dataclass(frozen=True)
class PlannedWeek:
    week: str
    run_id: int
    version: int


def planned_weeks(session: Session) -> list[PlannedWeek]:
    """Every planned week and its current run, in week order."""
    q = select(PlanWeek.week, PlanWeek.current_run_id, PlanWeek.version).order_by(PlanWeek.week)
    return [PlannedWeek(w, r, v) for w, r, v in session.execute(q)]


def run_week(session: Session, run_id: int) -> str | None:
    """The week of a stored run, or None if there is no such run."""
    return session.scalar(select(Run.week).where(Run.id == run_id))


def run_out(session: Session, run_id: int) -> str | None:
    """The run folder the run's plan wrote (summary.json ``inputs.out``)."""
    text = session.scalar(select(Run.summary).where(Run.id == run_id))
    return None if text is None else json.loads(text).get("inputs", {}).get("out")
