"""What the closed loop's commands read from the database: the rules, the prepared city,
the current units and the owners of the latest planned week."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session

from roadchief.app.imports import stored_rules
from roadchief.calendar import local_moment
from roadchief.config import Rules
from roadchief.errors import InputError
from roadchief.geo.city import PreparedCity
from roadchief.loop.deadlines import DeadlineClock, area_class_of
from roadchief.loop.ledger import CaseFacts
from roadchief.loop.units import Unit
from roadchief.store.cases import latest_planned_run, owners_of_run
from roadchief.store.imports import ImportTransaction
from roadchief.store.rows_loop import StoredCase
from roadchief.store.snapshots import latest_snapshot_id, load_snapshot
from roadchief.store.units import current_units


@dataclass(frozen=True)
class LoopInputs:
    rules: Rules
    city: PreparedCity | None
    """None when only the rules were asked for."""
    city_id: int | None
    units: list[Unit]
    owners: dict[str, str]
    """Segment -> chief of the latest planned week (empty before any plan)."""
    owners_week: str

    @property
    def clock(self) -> DeadlineClock:
        return DeadlineClock(self.rules.loop, self.rules.working_calendar())

    def facts(self, stored: StoredCase) -> CaseFacts:
        """The case with its place, unit and area class, as the ledger reads it."""
        p = stored.placement
        area = area_class_of(stored.record.case, p.road_class or None, self.rules.loop)
        return CaseFacts(
            stored.record, p.segment_id, p.zone_id, p.chief_id, stored.route.unit_id, area,
            p.reason,
        )  # fmt: skip


def current_rules(session: Session) -> Rules:
    """The rules of the latest import (the defaults before any rules file)."""
    return stored_rules(ImportTransaction(session).current("rules"))


def loop_inputs(session: Session, *, with_city: bool) -> LoopInputs:
    """The loop's inputs; with the city (snapping, matching) only when asked."""
    owners, week = _latest_owners(session)
    if not with_city:
        return LoopInputs(current_rules(session), None, None, current_units(session), owners, week)
    snap = load_snapshot(session, latest_snapshot_id(session))
    city_id = ImportTransaction(session).city_before
    return LoopInputs(snap.rules, snap.city, city_id, current_units(session), owners, week)


_OWNERS: dict[tuple[str, int, str], dict[str, str]] = {}
"""Owners by database and run (id and when it was made): a run's owners never change, so
they are read once per process, not on every web request."""


def _latest_owners(session: Session) -> tuple[dict[str, str], str]:
    run = latest_planned_run(session)
    if run is None:
        return {}, ""
    run_id, week, made = run
    url = session.get_bind().engine.url.render_as_string(hide_password=True)
    key = (url, run_id, str(made))
    if key not in _OWNERS:
        if len(_OWNERS) > 64:
            _OWNERS.clear()
        _OWNERS[key] = owners_of_run(session, run_id)
    return dict(_OWNERS[key]), week


def moment(text: str | None, rules: Rules, *, end_of_day: bool = True) -> dt.datetime:
    """A ``--at`` value as local time: a date means the end of that day (24:00); none
    means now."""
    if not text:
        return local_moment(dt.datetime.now(dt.UTC), rules.time_zone).replace(microsecond=0)
    text = text.strip()
    try:
        if len(text) == 10 and end_of_day:
            day = dt.date.fromisoformat(text)
            return dt.datetime.combine(day, dt.time.min) + dt.timedelta(days=1)
        return local_moment(dt.datetime.fromisoformat(text), rules.time_zone)
    except ValueError:
        raise InputError(
            f"--at {text!r} is not a date or a time; write 2026-11-30 or 2026-11-30T17:30"
        ) from None
