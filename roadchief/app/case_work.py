"""Work on cases: the ledger rows now, one case with its history and photos, a change of
state or a flag made with its photo and audit entry in one transaction, and a case placed
by hand (on a segment, or the segment nearest a point) and routed to its unit.
Every change goes through the loop (``apply_changes``, ``add_case_flag``): nothing here
decides what may follow what."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Engine

from roadchief.app.cases import Change, add_case_flag, apply_changes, route_of
from roadchief.app.loop_inputs import loop_inputs, moment
from roadchief.app.reports import PROBLEMS, Placer, good_place
from roadchief.errors import InputError
from roadchief.geo.snap import Placement
from roadchief.loop.cases import Flag
from roadchief.loop.ledger import LedgerRow, ledger
from roadchief.loop.states import CaseState, Transition
from roadchief.store.accounts import audit
from roadchief.store.cases import cases_by_id, set_place
from roadchief.store.db import read_session, write_session
from roadchief.store.recorded import photos_of, save_photo
from roadchief.store.reports import segment_place
from roadchief.store.rows_loop import StoredCase
from roadchief.web_records import PhotoInfo


class StaleCase(InputError):
    """The case moved on since the page was shown; nothing was changed."""


@dataclass(frozen=True)
class CaseDetail:
    stored: StoredCase
    row: LedgerRow
    """The case now: state, deadline, overdue, unit (the ledger's one definition)."""
    photos: list[PhotoInfo]
    category_name: str
    flag_levels: tuple[str, ...]


def case_detail(engine: Engine, case_id: str) -> CaseDetail | None:
    with read_session(engine) as session:
        found = cases_by_id(session, [case_id]).get(case_id)
        if found is None:
            return None
        pk, stored = found
        inputs = loop_inputs(session, with_city=False)
        photos = photos_of(session, "case", pk)
    at = moment(None, inputs.rules)
    rows = ledger([inputs.facts(stored)], inputs.clock, max(at, stored.record.last.at))
    category = inputs.rules.loop.taxonomy.categories.get(stored.record.case.category)
    name = category.name if category is not None else stored.record.case.category
    return CaseDetail(stored, rows[0], photos, name, inputs.rules.loop.flag_levels)


def move_case(
    engine: Engine,
    case_id: str,
    expected: CaseState,
    to: CaseState,
    by: str,
    *,
    note: str = "",
    unit: str = "",
    deadline: str | None = None,
    photo: tuple[bytes, tuple[int, int]] | None = None,
    ip: str | None = None,
) -> Transition:
    """One loop transition of a case that is still in ``expected``, with its photo and its
    audit entry; StaleCase or the loop's InputError change nothing."""
    with write_session(engine) as session:
        found = cases_by_id(session, [case_id]).get(case_id)
        if found is None:
            raise InputError(f"no case {case_id!r}")
        pk, stored = found
        if stored.record.state is not expected:
            raise StaleCase(f"case {case_id} is {stored.record.state.value} now, not "
                            f"{expected.value}; reload the page")  # fmt: skip
        change = Change(case_id, to.value, by, note=note, unit=unit, deadline=deadline)
        [done] = apply_changes(session, [change])
        if photo is not None:
            save_photo(session, "case", pk, stored.placement.chief_id or None, photo[0],
                       photo[1], actor=by, ip=ip)  # fmt: skip
        details = {"from": expected.value, "to": to.value, "note": note, "unit": done.unit,
                   "deadline": deadline, "at": done.at.isoformat()}  # fmt: skip
        audit(session, by, f"case.{to.value}", f"case:{case_id}", details, ip)
    return done


def flag(
    engine: Engine, case_id: str, level: str, deadline: str, by: str, note: str, ip: str | None
) -> Flag:
    """挂牌督办 through the loop, with its audit entry."""
    with write_session(engine) as session:
        done = add_case_flag(session, case_id, level, deadline, by, None, note)
        details = {"level": level, "rectify_by": done.rectify_by.isoformat(), "note": note}
        audit(session, by, "case.flag", f"case:{case_id}", details, ip)
    return done


def local_deadline(text: str) -> str:
    """A deadline from a date or datetime-local field, as the loop reads it."""
    value = text.strip()
    try:
        dt.datetime.fromisoformat(value)
    except ValueError:
        raise InputError(f"deadline {value!r}: write 2026-12-10 or 2026-12-10T17:30") from None
    return value


def place_by_hand(
    engine: Engine,
    case_id: str,
    by: str,
    *,
    segment_id: str = "",
    lon: float | None = None,
    lat: float | None = None,
    ip: str | None = None,
    placer: Placer | None = None,
) -> Placement:
    """Place a case on ``segment_id`` of the latest city, or on the segment nearest
    (``lon``, ``lat``) within ``loop.snap_m``, and route it to its unit, with the audit
    entry (the place before and after); an unknown case or segment, or a point near none,
    raise InputError and change nothing. ``placer``: the web app's, which keeps the city."""
    if bool(segment_id) == (lon is not None or lat is not None):
        raise InputError("place a case by a segment id or by a point (lon and lat), one of them")
    with write_session(engine) as session:
        found = cases_by_id(session, [case_id]).get(case_id)
        if found is None:
            raise InputError(f"no case {case_id!r}")
        pk, stored = found
        inputs = loop_inputs(session, with_city=False)
        if segment_id:
            near = segment_place(session, segment_id)
            if near is None:
                raise InputError(f"case {case_id}: no placed segment {segment_id!r} in the "
                                 "latest city; take the id from a map or roster.csv")  # fmt: skip
            placement = Placement(case_id, near.segment_id, near.zone_id,
                                  inputs.owners.get(near.segment_id, ""), near.road_class, None)  # fmt: skip
        else:
            if lon is None or lat is None or not good_place(lon, lat):
                raise InputError(f"case {case_id}: {PROBLEMS['place']}")
            case = dataclasses.replace(stored.record.case, lon=lon, lat=lat)
            placement = (placer or Placer(engine)).place(session, case, inputs, None)
            if not placement.placed:
                raise InputError(f"case {case_id}: {placement.reason}; give a segment id")
        route = route_of(inputs, stored.record.case, placement)
        set_place(session, pk, placement, route)
        details = {"from": _place_text(stored.placement), "to": _place_text(placement),
                   "unit": route.unit_id, "route": route.reason}  # fmt: skip
        audit(session, by, "case.place", f"case:{case_id}", details, ip)
    return placement


def _place_text(p: Placement) -> str:
    return (
        f"{p.segment_id} ({p.zone_id}, {p.chief_id or '-'})"
        if p.placed
        else f"unplaced: {p.reason}"
    )
