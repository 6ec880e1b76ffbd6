"""The closed loop's feedback into a week's roster, read from the database: the cases
waiting for their recheck and the segments with recurring problems at the week's Monday."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from roadchief.app.loop_inputs import loop_inputs
from roadchief.domain import Week
from roadchief.loop.feedback import RosterFeedback, roster_feedback
from roadchief.loop.ledger import ledger
from roadchief.store.cases import load_cases


def stored_feedback(session: Session, week: Week) -> RosterFeedback | None:
    """The feedback for ``week`` from the stored cases as they stood at its Monday 00:00
    and the current units' frontage; None when there is neither."""
    at = dt.datetime.combine(week.monday, dt.time.min)
    stored = load_cases(session, until=at)
    inputs = loop_inputs(session, with_city=False)
    if not stored and not any(u.frontage for u in inputs.units):
        return None
    rows = ledger([inputs.facts(s) for s in stored], inputs.clock, at)
    reported = {s.record.case_id: s.record.case.reported_at for s in stored}
    return roster_feedback(rows, reported, at, inputs.rules.loop.hotspots, inputs.units)
