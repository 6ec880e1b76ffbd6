"""Store and load planned weeks: each run's roster, owners and summary, which run is a
week's current one, and the guard that lets two planners of one week store only one."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, func, select, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from roadchief.domain import Ownership, Roster, Week
from roadchief.errors import InputError, RoadchiefError
from roadchief.store.db import write_session
from roadchief.store.models import (
    PlanWeek,
    Run,
    RunAssignment,
    RunOwner,
    RunPart,
    RunRoadOwner,
)
from roadchief.store.rows import (
    ownership_from_rows,
    ownership_to_rows,
    roster_from_rows,
    roster_to_rows,
)


class PlanConflictError(RoadchiefError, RuntimeError):
    """Another planner stored the same week while this plan ran."""


@dataclass(frozen=True)
class StoredRun:
    """A stored run, read out of its session."""

    id: int
    week: str
    snapshot_id: int
    previous_run_id: int | None
    roster: Roster
    owners: Ownership
    summary: dict[str, Any]
    options: dict[str, Any]
    """summary.json ``inputs`` of the run."""
    ownership_summary: dict[str, Any]

    @property
    def label(self) -> str:
        """How summaries and messages name it."""
        return f"database: run {self.id} ({self.week})"


def read_run(session: Session, run_id: int) -> StoredRun:
    run = session.get_one(Run, run_id)
    roster = roster_from_rows(
        Week.parse(run.week),
        session.scalars(select(RunAssignment).where(RunAssignment.run_id == run.id)),
        session.scalars(select(RunPart).where(RunPart.run_id == run.id)),
    )
    owners = ownership_from_rows(
        session.scalars(select(RunOwner).where(RunOwner.run_id == run.id)),
        session.scalars(select(RunRoadOwner).where(RunRoadOwner.run_id == run.id)),
    )
    return StoredRun(
        run.id, run.week, run.snapshot_id, run.previous_run_id, roster, owners,
        json.loads(run.summary), json.loads(run.options), json.loads(run.ownership_summary),
    )  # fmt: skip


def week_version(session: Session, week: Week) -> int:
    """The week's version (0: never planned): a plan stores only if it is unchanged."""
    pw = session.get(PlanWeek, str(week))
    return pw.version if pw else 0


def current_run(session: Session, week: Week) -> tuple[int, int]:
    """The week's current run id and version; InputError naming the planned weeks."""
    pw = session.get(PlanWeek, str(week))
    if pw is None:
        weeks = sorted(session.scalars(select(PlanWeek.week)))
        raise InputError(
            f"week {week} has not been planned; planned weeks: {', '.join(weeks) or 'none'}"
            f"; plan it with roadchief plan --week {week}"
        )
    return pw.current_run_id, pw.version


def previous_run_id(session: Session, week: Week) -> int | None:
    """The current run of the latest planned week before ``week``."""
    q = (
        select(Run.id)
        .join(PlanWeek, PlanWeek.current_run_id == Run.id)
        .where(PlanWeek.week < str(week))
        .order_by(PlanWeek.week.desc())
        .limit(1)
    )
    return session.scalars(q).first()


def save_run(
    engine: Engine,
    *,
    roster: Roster,
    ownership: Ownership,
    snapshot_id: int,
    previous_run_id: int | None,
    summary: dict[str, Any],
    ownership_summary: dict[str, Any],
    base_version: int,
) -> int:
    """Store a run and make it its week's current run, if the week is still at
    ``base_version``; otherwise raise PlanConflictError and store nothing."""
    week = str(roster.week)
    clash = PlanConflictError(
        f"week {week} was planned and stored by someone else while this plan ran; nothing "
        f"of this plan was stored; run `roadchief export --week {week}` to see theirs, or "
        "plan again to replace it"
    )
    try:
        with write_session(engine) as session:
            run = Run(
                week=week, snapshot_id=snapshot_id, previous_run_id=previous_run_id,
                created_at=dt.datetime.now(dt.UTC), status=roster.status,
                objective=roster.objective, best_bound=roster.best_bound, gap=roster.gap_city,
                options=json.dumps(summary["inputs"], ensure_ascii=False),
                summary=json.dumps(summary, ensure_ascii=False, default=str),
                ownership_summary=json.dumps(ownership_summary, ensure_ascii=False, default=str),
            )  # fmt: skip
            session.add(run)
            session.flush()
            if base_version == 0:
                session.add(PlanWeek(week=week, current_run_id=run.id, version=1))
                session.flush()
            else:
                moved = session.execute(
                    update(PlanWeek)
                    .where(PlanWeek.week == week, PlanWeek.version == base_version)
                    .values(current_run_id=run.id, version=base_version + 1)
                    .execution_options(synchronize_session=False)
                )
                if moved.rowcount != 1:  # type: ignore[attr-defined]
                    raise clash
            session.add_all(ownership_to_rows(ownership, run.id))
            session.add_all(roster_to_rows(roster, run.id))
            return run.id
    except IntegrityError as exc:
        raise clash from exc
    except OperationalError as exc:
        if "locked" in str(exc):
            raise clash from exc
        raise


def history(session: Session, chief_id: str | None = None) -> list[dict[str, Any]]:
    """One row per planned week (its current run): when, status, gap and coverage; with
    ``chief_id``, that person's patrols and segments of each week."""
    rows: list[dict[str, Any]] = []
    q = select(PlanWeek, Run).join(Run, Run.id == PlanWeek.current_run_id).order_by(PlanWeek.week)
    for pw, run in session.execute(q):
        s = json.loads(run.summary)
        row: dict[str, Any] = {
            "week": pw.week, "run": run.id, "replans": pw.version - 1,
            "planned_at": run.created_at, "status": run.status,
            "gap": s.get("gap_city", run.gap),  # runs saved before the one gap stored a sum
            "patrols_planned": s.get("patrols_planned"),
            "patrols_required": s.get("patrols_required"),
            "uncovered_km": s.get("uncovered_km"), "snapshot": run.snapshot_id,
        }  # fmt: skip
        if chief_id is not None:
            mine = select(func.count(), func.count(func.distinct(RunAssignment.segment_id))).where(
                RunAssignment.run_id == run.id, RunAssignment.chief_id == chief_id
            )
            patrols, segments = session.execute(mine).one()
            owned = session.scalar(
                select(func.count()).where(RunOwner.run_id == run.id, RunOwner.chief_id == chief_id)
            )
            row.update(
                chief_id=chief_id, patrols=patrols, segments_patrolled=segments,
                segments_owned=owned,
            )  # fmt: skip
        rows.append(row)
    return rows
