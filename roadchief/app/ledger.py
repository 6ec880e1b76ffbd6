"""The ledger (清单台账) at a moment: open, overdue, flagged and closed-this-week cases, the
counts by unit and zone, and a weekly digest per unit; written as xlsx and HTML."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine

from roadchief.app.loop_inputs import loop_inputs
from roadchief.loop.ledger import LedgerRow, ledger
from roadchief.loop.states import CaseState
from roadchief.store.cases import load_cases
from roadchief.store.db import read_session
from roadchief.store.migrate import require_current

SECTIONS = ("open", "overdue", "flagged", "closed_this_week")
TALLY = ("open", "overdue", "flagged", "closed_this_week")


@dataclass(frozen=True)
class LedgerView:
    """What the ledger files show: one row per case, in sections, and the tallies."""

    at: dt.datetime
    week_start: dt.datetime
    rows: list[LedgerRow]
    category_names: dict[str, str]
    sections: dict[str, list[LedgerRow]] = field(default_factory=dict)
    by_unit: dict[str, Counter[str]] = field(default_factory=dict)
    by_zone: dict[str, Counter[str]] = field(default_factory=dict)


def ledger_view(engine: Engine, at: dt.datetime) -> LedgerView:
    """The ledger as it stood at ``at``; the week is the ISO week holding ``at``."""
    require_current(engine)
    with read_session(engine) as session:
        inputs = loop_inputs(session, with_city=False)
        stored = load_cases(session)
    facts = [inputs.facts(s) for s in stored]
    rows = ledger(facts, inputs.clock, at)
    day = (at - dt.timedelta(microseconds=1)).date()
    week_start = dt.datetime.combine(day - dt.timedelta(days=day.weekday()), dt.time.min)
    closed_at: dict[str, dt.datetime] = {}
    for s in stored:
        past = s.record.as_of(at)
        done = past.entered(CaseState.CLOSED) if past is not None else None
        if done is not None:
            closed_at[s.record.case_id] = done.at
    closed_week = {cid for cid, t in closed_at.items() if week_start <= t <= at}
    tags = {r.case_id: r.status | ({"closed_this_week"} if r.case_id in closed_week and
            r.state is CaseState.CLOSED else set()) for r in rows}  # fmt: skip
    view = LedgerView(
        at, week_start, rows,
        {c.code: c.name for c in inputs.rules.loop.taxonomy.categories.values()},
    )  # fmt: skip
    for name in SECTIONS:
        view.sections[name] = [r for r in rows if name in tags[r.case_id]]
    for r in rows:
        for name in TALLY:
            if name in tags[r.case_id]:
                view.by_unit.setdefault(r.unit or "", Counter())[name] += 1
                view.by_zone.setdefault(r.zone_id or "", Counter())[name] += 1
    return view


@dataclass(frozen=True)
class LedgerFiles:
    view: LedgerView
    files: list[Path]


def write_ledger(engine: Engine, at: dt.datetime, out: Path) -> LedgerFiles:
    """ledger.xlsx, ledger.html and digests/<unit>.html in ``out``."""
    from roadchief.render.ledger import write_digests, write_ledger_html, write_ledger_xlsx

    view = ledger_view(engine, at)
    out.mkdir(parents=True, exist_ok=True)
    files = [out / "ledger.xlsx", out / "ledger.html"]
    write_ledger_xlsx(view, files[0])
    write_ledger_html(view, files[1])
    files += write_digests(view, out / "digests")
    return LedgerFiles(view, files)
