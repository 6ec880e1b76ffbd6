"""Store and find cases: rows of cases, their append-only transitions and their flags.

The store only saves and finds; checking a change (the transition table) is the domain's
job, done by the application layer before it appends here, in the same transaction.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.orm import Session

from roadchief.loop.cases import Flag
from roadchief.loop.states import Transition
from roadchief.loop.units import Route
from roadchief.store.imports import ImportTransaction
from roadchief.store.models import Base, InputFile, PlanWeek, RunOwner
from roadchief.store.models_loop import CaseRow, FlagRow, TransitionRow
from roadchief.store.rows_loop import (
    StoredCase,
    case_to_row,
    flag_to_row,
    stored_case_from_rows,
    transition_to_row,
)

BATCH = 2000
"""Rows added per flush: bounds memory on 100,000-case imports."""


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def file_with_bytes(session: Session, kind: str, content: bytes) -> InputFile | None:
    """A stored file of ``kind`` with exactly these bytes, if any."""
    sha = hashlib.sha256(content).hexdigest()
    q = select(InputFile).where(InputFile.kind == kind, InputFile.sha256 == sha).limit(1)
    return session.scalars(q).first()


def save_file(session: Session, kind: str, name: str, content: bytes) -> int:
    """Store a file's bytes as a new version of ``kind``; its id."""
    tx = ImportTransaction(session)
    tx.add_file(kind, name, content, {})
    file_id = tx.file_ids[kind]
    assert file_id is not None
    return file_id


def where_stored(session: Session, case_ids: Collection[str]) -> dict[str, str]:
    """For each of ``case_ids`` already stored: the file and row it came from."""
    found: dict[str, str] = {}
    ids = list(case_ids)
    for start in range(0, len(ids), 900):
        q = (
            select(CaseRow.case_id, InputFile.name, CaseRow.row)
            .join(InputFile, InputFile.id == CaseRow.file_id)
            .where(CaseRow.case_id.in_(ids[start : start + 900]))
        )
        for cid, name, row in session.execute(q):
            found[cid] = f"{name} {row}"
    return found


def save_cases(session: Session, cases: Sequence[tuple[str, StoredCase]], file_id: int) -> None:
    """Store new cases (with their first transitions) read from file ``file_id``."""
    recorded = now()
    for start in range(0, len(cases), BATCH):
        chunk = cases[start : start + BATCH]
        rows = [
            case_to_row(s.record.case, s.placement, s.route, file_id, where) for where, s in chunk
        ]
        session.add_all(rows)
        session.flush()
        session.add_all(
            transition_to_row(t, row.id, seq, recorded)
            for row, (_, s) in zip(rows, chunk, strict=True)
            for seq, t in enumerate(s.record.history)
        )
        session.flush()


def load_cases(
    session: Session, *, zone: str | None = None, chief: str | None = None
) -> list[StoredCase]:
    """Every stored case (of one zone or chief), in the order they were imported."""
    q = select(CaseRow).order_by(CaseRow.id)
    if zone is not None:
        q = q.where(CaseRow.zone_id == zone)
    if chief is not None:
        q = q.where(CaseRow.chief_id == chief)
    rows = list(session.scalars(q))
    if not rows:
        return []
    moves: dict[int, list[TransitionRow]] = defaultdict(list)
    flags: dict[int, list[FlagRow]] = defaultdict(list)
    pks = [r.id for r in rows]
    chunks = [pks[i : i + 900] for i in range(0, len(pks), 900)]
    whole = zone is None and chief is None
    queries = (
        [(select(TransitionRow), select(FlagRow))]
        if whole
        else [
            (
                select(TransitionRow).where(TransitionRow.case_pk.in_(c)),
                select(FlagRow).where(FlagRow.case_pk.in_(c)),
            )
            for c in chunks
        ]
    )
    for tq, fq in queries:
        for t in session.scalars(tq):
            moves[t.case_pk].append(t)
        for f in session.scalars(fq):
            flags[f.case_pk].append(f)
    return [stored_case_from_rows(r, moves[r.id], flags[r.id]) for r in rows]


def load_case(session: Session, case_id: str) -> tuple[int, StoredCase] | None:
    """One stored case and its row id; None if no case has that id."""
    row = session.scalars(select(CaseRow).where(CaseRow.case_id == case_id)).first()
    if row is None:
        return None
    moves = session.scalars(select(TransitionRow).where(TransitionRow.case_pk == row.id))
    flags = session.scalars(select(FlagRow).where(FlagRow.case_pk == row.id))
    return row.id, stored_case_from_rows(row, list(moves), list(flags))


def append_transition(session: Session, case_pk: int, seq: int, change: Transition) -> None:
    """Add one transition to a case's history (the store never updates one)."""
    session.add(transition_to_row(change, case_pk, seq, now()))
    session.flush()


def add_flag(session: Session, case_pk: int, flag: Flag) -> None:
    session.add(flag_to_row(flag, case_pk))
    session.flush()


def case_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(CaseRow)) or 0


def latest_owners(session: Session) -> tuple[dict[str, str], str]:
    """Segment -> chief of the current run of the latest planned week, and that week
    (empty when no week was planned yet)."""
    week = session.scalars(select(PlanWeek).order_by(PlanWeek.week.desc()).limit(1)).first()
    if week is None:
        return {}, ""
    q = select(RunOwner.segment_id, RunOwner.chief_id).where(RunOwner.run_id == week.current_run_id)
    return {s: c for s, c in session.execute(q)}, week.week


def stored_places(session: Session) -> list[tuple[str, str, str, str]]:
    """case_id, category, segment_id and zone_id of every placed case."""
    q = select(CaseRow.case_id, CaseRow.category, CaseRow.segment_id, CaseRow.zone_id).where(
        CaseRow.reason == ""
    )
    return [(a, b, c, d) for a, b, c, d in session.execute(q)]


def set_routes(session: Session, routes: Mapping[str, Route]) -> None:
    """Route cases again (after new units): the unit a case goes to unless dispatched
    elsewhere (a dispatch names its unit in the history, which is never changed)."""
    rows = [{"cid": c, "new_unit": r.unit_id, "new_reason": r.reason} for c, r in routes.items()]
    if rows:
        table = Base.metadata.tables["loop_case"]
        session.connection().execute(
            update(table)
            .where(table.c.case_id == bindparam("cid"))
            .values(unit_id=bindparam("new_unit"), route_reason=bindparam("new_reason")),
            rows,
        )
