"""Store and find cases: rows of cases, their append-only transitions and their flags.

The store only saves and finds; checking a change (the transition table) is the domain's
job, done by the application layer before it appends here, in the same transaction.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Table,
    bindparam,
    exists,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.orm import Session

from roadchief.geo.snap import Placement
from roadchief.loop.cases import Flag
from roadchief.loop.states import DONE_STATES, Transition
from roadchief.loop.units import Route
from roadchief.store.db import Base
from roadchief.store.imports import ImportTransaction
from roadchief.store.models import InputFile, PlanWeek, Run, RunOwner
from roadchief.store.models_loop import CaseRow, FlagRow, TransitionRow
from roadchief.store.rows_loop import (
    CASE_COLUMNS,
    FLAG_COLUMNS,
    TRANSITION_COLUMNS,
    StoredCase,
    case_values,
    flag_values,
    stored_case,
    transition_values,
)

BATCH = 5000
"""Rows a bulk insert sends at once: bounds memory on 100,000-case imports."""
CASE: Table = CaseRow.__table__  # type: ignore[assignment]
TRANSITION: Table = TransitionRow.__table__  # type: ignore[assignment]
FLAG: Table = FlagRow.__table__  # type: ignore[assignment]


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
    """Store new cases (with their first transitions) read from file ``file_id``: bulk
    inserts of plain values (ORM objects cost 1.5 ms a case at 100,000 cases)."""
    recorded = now()
    conn = session.connection()
    for start in range(0, len(cases), BATCH):
        chunk = cases[start : start + BATCH]
        conn.execute(
            insert(CASE),
            [case_values(s.record.case, s.placement, s.route, file_id, w) for w, s in chunk],
        )
    q = select(CASE.c.case_id, CASE.c.id).where(CASE.c.file_id == file_id)
    pk_of: dict[str, int] = {cid: pk for cid, pk in conn.execute(q)}
    moves = [
        transition_values(t, pk_of[s.record.case_id], seq, recorded)
        for _, s in cases
        for seq, t in enumerate(s.record.history)
    ]
    for start in range(0, len(moves), BATCH):
        conn.execute(insert(TRANSITION), moves[start : start + BATCH])


def load_cases(
    session: Session,
    *,
    zone: str | None = None,
    chief: str | None = None,
    until: dt.datetime | None = None,
    settled_since: dt.datetime | None = None,
    unplaced: bool = False,
    zones_or_chiefs: tuple[Collection[str], Collection[str]] | None = None,
) -> list[StoredCase]:
    """Every stored case (of one zone or chief), in the order they were imported; with
    ``until``, only what had happened by then (cases reported, their changes and flags);
    with ``zones_or_chiefs``, only the cases in one of those zones or of one of those chiefs.
    With ``settled_since``, a case settled by ``until`` (closed, rejected, self_fixed: the
    done states) is left out unless it settled at or after that moment: the database
    filters, so 100,000 settled cases are never read. ``unplaced``: only unplaced cases.
    Three plain selects grouped here (building ORM objects took 4/5 of the time)."""
    where: list[ColumnElement[bool]] = []
    if until is not None:
        where.append(CASE.c.reported_at <= until)
    if zone is not None:
        where.append(CASE.c.zone_id == zone)
    if chief is not None:
        where.append(CASE.c.chief_id == chief)
    if unplaced:
        where.append(CASE.c.reason != "")
    if zones_or_chiefs is not None:
        zones, chiefs = (sorted(ids) or [""] for ids in zones_or_chiefs)
        where.append(or_(CASE.c.zone_id.in_(zones), CASE.c.chief_id.in_(chiefs)))
    if settled_since is not None:
        where.append(~_settled(until, settled_since))
    conn = session.connection()
    cases = conn.execute(select(*_cols(CASE, CASE_COLUMNS)).where(*where).order_by(CASE.c.id))
    rows = cases.all()
    if not rows:
        return []
    moves = _grouped(conn, TRANSITION, TRANSITION_COLUMNS, where, TRANSITION.c.seq, until)
    flags = _grouped(conn, FLAG, FLAG_COLUMNS, where, FLAG.c.at, until)
    return [stored_case(r, moves.get(r[0], ()), flags.get(r[0], ())) for r in rows]


def _settled(until: dt.datetime | None, since: dt.datetime) -> ColumnElement[bool]:
    """The case (of the outer ``CASE`` row) was put in a done state before ``since`` by a
    change that no later change up to ``until`` followed (the history is in time order, so
    the last change is the state). Correlated EXISTS on the (case_pk, seq) index: SQLite
    looks each case up, PostgreSQL plans an anti-join (NOT IN over a subquery of 100,000
    ids went quadratic there)."""
    t, later = TRANSITION.alias("t"), TRANSITION.alias("later")
    done = [s.value for s in DONE_STATES]
    after = [later.c.case_pk == t.c.case_pk, later.c.seq > t.c.seq]
    final = [t.c.case_pk == CASE.c.id, t.c.to_state.in_(done), t.c.at < since]
    if until is not None:
        after.append(later.c.at <= until)
        final.append(t.c.at <= until)
    no_later = ~exists().where(*after)
    return exists().where(*final, no_later)


def _cols(table: Table, names: Sequence[str]) -> list[ColumnElement[Any]]:
    return [table.c[n] for n in names]


def _grouped(
    conn: Connection,
    table: Table,
    names: Sequence[str],
    where: Sequence[ColumnElement[bool]],
    order: ColumnElement[Any],
    until: dt.datetime | None = None,
) -> dict[int, list[Any]]:
    """Rows of ``table`` (a case's transitions or flags) by case row id, in ``order``."""
    q = select(*_cols(table, names)).order_by(table.c.case_pk, order)
    if until is not None:
        q = q.where(table.c.at <= until)
    if where:
        q = q.join(CASE, CASE.c.id == table.c.case_pk).where(*where)
    out: dict[int, list[Any]] = defaultdict(list)
    for row in conn.execute(q).all():
        out[row[0]].append(row)
    return out


def cases_by_id(session: Session, case_ids: Collection[str]) -> dict[str, tuple[int, StoredCase]]:
    """The stored cases among ``case_ids``, each with its row id (absent ids are left out)."""
    conn = session.connection()
    ids = sorted(set(case_ids))
    out: dict[str, tuple[int, StoredCase]] = {}
    for start in range(0, len(ids), 900):
        where = [CASE.c.case_id.in_(ids[start : start + 900])]
        rows = conn.execute(select(*_cols(CASE, CASE_COLUMNS)).where(*where)).all()
        moves = _grouped(conn, TRANSITION, TRANSITION_COLUMNS, where, TRANSITION.c.seq)
        flags = _grouped(conn, FLAG, FLAG_COLUMNS, where, FLAG.c.at)
        for r in rows:
            out[r[1]] = r[0], stored_case(r, moves.get(r[0], []), flags.get(r[0], []))
    return out


def append_transitions(session: Session, changes: Sequence[tuple[int, int, Transition]]) -> None:
    """Add transitions (case row id, seq, change) to histories (the store never updates one)."""
    recorded = now()
    values = [transition_values(t, pk, seq, recorded) for pk, seq, t in changes]
    conn = session.connection()
    for start in range(0, len(values), BATCH):
        conn.execute(insert(TRANSITION), values[start : start + BATCH])


def add_flag(session: Session, case_pk: int, flag: Flag) -> None:
    session.connection().execute(insert(FLAG), [flag_values(flag, case_pk)])


def case_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(CaseRow)) or 0


def latest_owners(session: Session) -> tuple[dict[str, str], str]:
    """Segment -> chief of the current run of the latest planned week, and that week
    (empty when no week was planned yet)."""
    run = latest_planned_run(session)
    return ({}, "") if run is None else (owners_of_run(session, run[0]), run[1])


def latest_planned_run(session: Session) -> tuple[int, str, dt.datetime] | None:
    """The current run of the latest planned week: its id, the week and when it was made."""
    q = (
        select(PlanWeek.current_run_id, PlanWeek.week, Run.created_at)
        .join(Run, Run.id == PlanWeek.current_run_id)
        .order_by(PlanWeek.week.desc())
        .limit(1)
    )
    row = session.execute(q).first()
    return None if row is None else (int(row[0]), str(row[1]), row[2])


def owners_of_run(session: Session, run_id: int) -> dict[str, str]:
    """Segment -> chief of a stored run (a run's owners never change)."""
    q = select(RunOwner.segment_id, RunOwner.chief_id).where(RunOwner.run_id == run_id)
    return {s: c for s, c in session.execute(q)}


def reports_between(
    session: Session, since: dt.datetime, until: dt.datetime
) -> list[tuple[str, str, dt.datetime]]:
    """Segment, category and reported time of the placed cases reported from ``since`` up
    to ``until`` (both included)."""
    q = select(CASE.c.segment_id, CASE.c.category, CASE.c.reported_at).where(
        CASE.c.reason == "", CASE.c.reported_at >= since, CASE.c.reported_at <= until
    )
    return [(a, b, c) for a, b, c in session.connection().execute(q)]


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


def set_place(session: Session, case_pk: int, placement: Placement, route: Route) -> None:
    """Give a stored case its place and unit (a case placed by hand)."""
    p = placement
    values = dict(segment_id=p.segment_id, zone_id=p.zone_id, chief_id=p.chief_id,
                  road_class=p.road_class, distance_m=p.distance_m, unit_id=route.unit_id,
                  route_reason=route.reason, reason=p.reason)  # fmt: skip
    session.execute(update(CaseRow).where(CaseRow.id == case_pk).values(**values))
