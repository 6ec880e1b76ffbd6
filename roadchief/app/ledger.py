"""The ledger (清单台账) at a moment: open, overdue, flagged and closed-this-week cases, the
counts by unit and zone, and a weekly digest per unit; written as xlsx and HTML."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine

from roadchief.app.loop_inputs import loop_inputs, moment
from roadchief.loop.ledger import LedgerView, ledger, view_at, week_start_of
from roadchief.store.cases import load_cases
from roadchief.store.db import read_session
from roadchief.store.migrate import require_current


def ledger_view(
    engine: Engine,
    at: dt.datetime | None = None,
    *,
    chief: str | None = None,
    zones_or_chiefs: tuple[Collection[str], Collection[str]] | None = None,
) -> LedgerView:
    """The ledger as it stood at ``at`` (default now; of one chief's cases, or those of
    ``zones_or_chiefs`` as ``load_cases`` reads them); the week is the ISO week holding
    ``at``. Cases settled before the week are not read: no section shows them."""
    require_current(engine)
    with read_session(engine) as session:
        inputs = loop_inputs(session, with_city=False)
        at = at or moment(None, inputs.rules)
        stored = load_cases(session, chief=chief, until=at, settled_since=week_start_of(at),
                            zones_or_chiefs=zones_or_chiefs)  # fmt: skip
    facts = [inputs.facts(s) for s in stored]
    names = {c.code: c.name for c in inputs.rules.loop.taxonomy.categories.values()}
    return view_at(ledger(facts, inputs.clock, at), [s.record for s in stored], at, names)


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
