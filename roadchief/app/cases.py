"""Cases on the database: import a file of cases (placed, routed, one transaction), list
them as they stood at a moment, and record their changes of state."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from roadchief.app.loop_inputs import LoopInputs, current_rules, loop_inputs, moment
from roadchief.errors import InputError, Problem, ProblemLog
from roadchief.geo.snap import Placement, place_cases
from roadchief.io.cases import CaseReader, write_cases_csv, write_cases_geojson, write_open311
from roadchief.loop.cases import Case, CaseRecord, CaseSource, Flag, open_case
from roadchief.loop.ledger import LedgerRow, ledger
from roadchief.loop.states import IllegalTransition, Transition
from roadchief.loop.units import Route, route
from roadchief.store.cases import (
    add_flag,
    append_transitions,
    cases_by_id,
    file_with_bytes,
    load_cases,
    save_cases,
    save_file,
    where_stored,
)
from roadchief.store.db import read_session, write_session
from roadchief.store.migrate import require_current
from roadchief.store.rows_loop import StoredCase

Progress = Callable[[str, int, int], Any]
STATUSES = ("open", "overdue", "flagged", "closed", "unplaced")


@dataclass(frozen=True)
class CaseImport:
    file: str
    status: str
    """``new``, or ``unchanged`` when these bytes were imported before (nothing stored)."""
    cases: int
    placed: int
    unplaced: int
    unrouted: int
    owners_week: str
    """The planned week whose owners gave each case its chief (empty: none yet)."""


def import_cases(
    engine: Engine,
    path: Path,
    source: CaseSource | None = None,
    *,
    on_progress: Progress | None = None,
) -> CaseImport:
    """Read, place, route and store every case of ``path`` in one transaction; raise and
    store nothing if any row is bad or any case id is already stored."""
    progress = on_progress or (lambda *_: None)
    require_current(engine)
    content = Path(path).read_bytes() if Path(path).is_file() else b""
    with write_session(engine) as session:
        same = file_with_bytes(session, "cases", content) if content else None
        if same is not None:
            return CaseImport(same.name, "unchanged", 0, 0, 0, 0, "")
        progress("reading the cases", 0, 0)
        inputs = loop_inputs(session, with_city=True)
        reader = CaseReader(inputs.rules.loop.taxonomy, inputs.rules.time_zone)
        located = reader.read_located(path, source)
        _check_new(session, located, str(path))
        progress("placing the cases", 0, 0)
        stored = _placed_and_routed(inputs, [c for _, c in located])
        progress("storing the cases", 0, len(stored))
        file_id = save_file(session, "cases", str(path), content)
        save_cases(session, [(w, s) for (w, _), s in zip(located, stored, strict=True)], file_id)
        progress("committing", 0, 0)
    unplaced = sum(not s.placement.placed for s in stored)
    unrouted = sum(s.placement.placed and not s.route.unit_id for s in stored)
    return CaseImport(
        str(path), "new", len(stored), len(stored) - unplaced, unplaced, unrouted,
        inputs.owners_week,
    )  # fmt: skip


def _check_new(session: Session, located: Sequence[tuple[str, Any]], src: str) -> None:
    stored = where_stored(session, [c.case_id for _, c in located])
    problems = [
        Problem(
            src,
            where,
            f"column case_id: {case.case_id!r} is already stored (from "
            f"{stored[case.case_id]}); give a new id, or record changes with "
            "roadchief case update",
        )
        for where, case in located
        if case.case_id in stored
    ]
    if problems:
        raise InputError(problems)


def _placed_and_routed(inputs: LoopInputs, cases: Sequence[Any]) -> list[StoredCase]:
    assert inputs.city is not None
    places = place_cases(cases, inputs.city.segments_gdf, inputs.owners, inputs.rules.loop.snap_m)
    return [
        StoredCase(open_case(case, case.source.value), place, route_of(inputs, case, place))
        for case, place in zip(cases, places, strict=True)
    ]


def route_of(inputs: LoopInputs, case: Case, place: Placement) -> Route:
    """The unit a placed case goes to; an unplaced one waits to be placed by hand."""
    if not place.placed:
        return Route("", "unplaced: routed when placed by hand")
    category = inputs.rules.loop.taxonomy.categories[case.category]
    return route(category, place.segment_id, place.zone_id, inputs.units)


def list_cases(
    engine: Engine,
    at: dt.datetime | str | None = None,
    *,
    status: str | None = None,
    zone: str | None = None,
    chief: str | None = None,
) -> list[LedgerRow]:
    """The ledger rows of the cases reported by ``at`` (default now), filtered; for open,
    overdue and flagged the database leaves out the cases settled by then."""
    return [row for row, _ in _listed(engine, at, status, zone, chief)]


def _listed(
    engine: Engine,
    at: dt.datetime | str | None,
    status: str | None,
    zone: str | None,
    chief: str | None,
) -> list[tuple[LedgerRow, CaseRecord]]:
    """The rows ``case list`` shows, each with its case's record as it stood at ``at``."""
    require_current(engine)
    if status is not None and status not in STATUSES:
        raise InputError(f"--status {status!r}: use one of {', '.join(STATUSES)}")
    with read_session(engine) as session:
        inputs = loop_inputs(session, with_city=False)
        when = at if isinstance(at, dt.datetime) else _moment(at, inputs)
        settled = when if status in ("open", "overdue", "flagged") else None
        stored = load_cases(
            session, zone=zone, chief=chief, until=when, settled_since=settled,
            unplaced=status == "unplaced",
        )  # fmt: skip
        facts = [inputs.facts(s) for s in stored]
    record_of = {f.record.case_id: f.record for f in facts}
    rows = ledger(facts, inputs.clock, when)
    return [
        (r, record_of[r.case_id].as_of(when) or record_of[r.case_id])
        for r in rows
        if status is None or status in r.status
    ]


EXPORT_FORMATS = {".csv": "CSV", ".geojson": "GeoJSON", ".json": "Open311 GeoReport v2"}


def export_cases(
    engine: Engine,
    path: Path,
    at: dt.datetime | str | None = None,
    *,
    status: str | None = None,
    zone: str | None = None,
    chief: str | None = None,
    private: bool = False,
) -> int:
    """Write the cases ``case list`` shows as ``path`` in the format its suffix names (the
    formats ``case import`` reads); the reporter only when ``private``. The count."""
    suffix = Path(path).suffix.lower()
    if suffix not in EXPORT_FORMATS:
        kinds = ", ".join(f"{k} ({v})" for k, v in EXPORT_FORMATS.items())
        raise InputError(f"{path}: cannot tell the format from the name; end it in {kinds}")
    listed = _listed(engine, at, status, zone, chief)
    cases = [record.case for _, record in listed]
    if suffix == ".csv":
        write_cases_csv(cases, path, private=private)
    elif suffix == ".geojson":
        write_cases_geojson(cases, path, private=private)
    else:
        with read_session(engine) as session:
            rules = current_rules(session)
        write_open311([r for _, r in listed], rules.loop.taxonomy, rules.time_zone, path)
    return len(cases)


def _moment(text: str | None, inputs: LoopInputs) -> dt.datetime:
    return moment(text, inputs.rules)


@dataclass(frozen=True)
class Change:
    """One requested change of a case's state (a ``case update`` or a row of a file)."""

    case_id: str
    to: str
    by: str
    at: str | None = None
    note: str = ""
    unit: str = ""
    deadline: str | None = None
    source: str = ""
    """The file the change was read from; empty on the command line."""
    where: str = ""
    """Its row in that file."""


def update_cases(engine: Engine, changes: Sequence[Change]) -> list[Transition]:
    """Record each change, in order, in one transaction; raise and record nothing if any
    is illegal (every illegal one is named)."""
    require_current(engine)
    with write_session(engine) as session:
        return apply_changes(session, changes)


def apply_changes(session: Session, changes: Sequence[Change]) -> list[Transition]:
    """``update_cases`` in the caller's transaction (which rolls back on the error)."""
    log = ProblemLog()
    done: list[Transition] = []
    inputs = loop_inputs(session, with_city=False)
    cases = cases_by_id(session, {c.case_id for c in changes})
    appended: list[tuple[int, int, Transition]] = []
    for change in changes:
        found = cases.get(change.case_id)
        src, where = change.source or "case update", change.where
        if found is None:
            log.error(src, where, f"no case {change.case_id!r} is stored; import it "
                      "first with roadchief case import")  # fmt: skip
            continue
        pk, stored = found
        try:
            at = _moment(change.at, inputs) if change.at else _moment(None, inputs)
            deadline = _moment(change.deadline, inputs) if change.deadline else None
            unit = change.unit or (stored.route.unit_id if change.to == "dispatched" else "")
            record = stored.record.advance(
                change.to, change.by, at, note=change.note, unit=unit, deadline=deadline
            )
        except (IllegalTransition, InputError) as exc:
            log.error(src, where, str(exc))
            continue
        appended.append((pk, len(record.history) - 1, record.last))
        cases[change.case_id] = (pk, StoredCase(record, stored.placement, stored.route))
        done.append(record.last)
    log.raise_if_errors()
    append_transitions(session, appended)
    return done


def flag_case(
    engine: Engine,
    case_id: str,
    level: str,
    deadline: str,
    by: str,
    at: str | None = None,
    note: str = "",
) -> Flag:
    """Flag an open case for supervision (挂牌督办) with a rectification deadline; a level
    not in ``loop.flag_levels``, a closed case or a deadline before the flag changes
    nothing."""
    require_current(engine)
    with write_session(engine) as session:
        return add_case_flag(session, case_id, level, deadline, by, at, note)


def add_case_flag(
    session: Session,
    case_id: str,
    level: str,
    deadline: str,
    by: str,
    at: str | None = None,
    note: str = "",
) -> Flag:
    """``flag_case`` in the caller's transaction."""
    inputs = loop_inputs(session, with_city=False)
    levels = inputs.rules.loop.flag_levels
    if level not in levels:
        raise InputError(f"--level {level!r}: use one of {', '.join(levels)} "
                         "(loop.flag_levels in the rules)")  # fmt: skip
    if not by.strip():
        raise InputError("--by: say who flags the case")
    found = cases_by_id(session, [case_id]).get(case_id)
    if found is None:
        raise InputError(f"no case {case_id!r} is stored; import it first with "
                         "roadchief case import")  # fmt: skip
    pk, stored = found
    when = _moment(at, inputs)
    flag = Flag(case_id, level, by, when, _moment(deadline, inputs), note)
    try:
        stored.record.flag(flag)
    except IllegalTransition as exc:
        raise InputError(str(exc)) from None
    add_flag(session, pk, flag)
    return flag


TRANSITION_COLUMNS = ("case_id", "to", "by", "at", "note", "unit", "deadline")


def read_changes(path: Path) -> list[Change]:
    """The changes of a transitions file (``transitions.csv`` of the demo); bad rows named."""
    src = str(path)
    try:
        text = Path(path).read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise InputError(f"{src}: cannot read the file ({exc.strerror}); check the path") from exc
    except UnicodeDecodeError as exc:
        raise InputError(f"{src}: is not UTF-8 text; save it as UTF-8") from exc
    reader = csv.DictReader(io.StringIO(text, newline=""))
    missing = [c for c in ("case_id", "to", "by", "at") if c not in (reader.fieldnames or [])]
    if missing:
        raise InputError(f"{src}: missing column(s) {', '.join(missing)}; the columns are "
                         f"{', '.join(TRANSITION_COLUMNS)}")  # fmt: skip
    log = ProblemLog()
    out = []
    for n, row in enumerate(reader, start=2):
        values = {k: (row.get(k) or "").strip() for k in TRANSITION_COLUMNS}
        empty = [k for k in ("case_id", "to", "by", "at") if not values[k]]
        if empty:
            log.error(src, f"row {n}", f"column {empty[0]}: is empty; every change needs it")
            continue
        out.append(
            Change(
                values["case_id"],
                values["to"],
                values["by"],
                values["at"],
                values["note"],
                values["unit"],
                values["deadline"] or None,
                src,
                f"row {n}",
            )
        )
    log.raise_if_errors()
    return out
