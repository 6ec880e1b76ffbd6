"""The database leaves settled cases out of the ledger, the overdue list and the
assessment (100,000 cases stay within the bench's bounds): what they show must be what
the pure domain shows over every stored case. Runs on SQLite and PostgreSQL + PostGIS."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from pyproj import Transformer
from sqlalchemy import Engine
from store_db import BACKENDS, fresh_database

from geo_builders import CRS_M, X0, Y0, small_city_files
from roadchief.app.cases import STATUSES, Change, import_cases, list_cases, update_cases
from roadchief.app.imports import ImportItem, import_files
from roadchief.app.kpi import kpi
from roadchief.app.ledger import ledger_view
from roadchief.app.loop_inputs import LoopInputs, loop_inputs
from roadchief.io.cases import write_cases_csv
from roadchief.loop.assessment import Counters, assess
from roadchief.loop.ledger import CaseFacts, ledger, view_at
from roadchief.loop.simulate import Spot, generate_cases
from roadchief.store.cases import load_cases
from roadchief.store.db import make_engine, read_session
from roadchief.store.migrate import upgrade

TO_WGS84 = Transformer.from_crs(CRS_M, 4326, always_xy=True)
MOMENTS = [
    dt.datetime(2026, 11, 9, 0, 0),  # a Monday 00:00: the week before ends there
    dt.datetime(2026, 11, 18, 15, 30),
    dt.datetime(2026, 11, 30, 12, 0),
    dt.datetime(2026, 12, 20, 0, 0),  # long after: nearly everything settled
]


@pytest.fixture(params=BACKENDS)
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    for url in fresh_database(request.param, tmp_path):
        eng = make_engine(url)
        upgrade(eng)
        files = small_city_files(tmp_path / "city")
        import_files(eng, [ImportItem(kind, path) for kind, path in files.items()])
        fill(eng, tmp_path)
        yield eng
        eng.dispose()


def fill(engine: Engine, tmp_path: Path) -> None:
    """300 generated cases on the small city's streets with their histories, and one case
    closed then reopened on a callback (回访不满意) a week later."""
    with read_session(engine) as session:
        clock = loop_inputs(session, with_city=False).clock
    spots = []
    for k in range(4):
        for j in range(3):
            for x, y in ((225 + 250 * j, 105 + 250 * k), (105 + 250 * k, 225 + 250 * j)):
                lon, lat = TO_WGS84.transform(X0 + x, Y0 + y)
                spots.append(Spot(lon, lat, "", "", ""))
    rng = np.random.default_rng(5)
    made = generate_cases(spots, clock, dt.date(2026, 11, 1), 30, 300, rng, recurring=0.3)
    records = [rec for rec, _ in made]
    closed = next(r for r in records if r.state.value == "closed" and r.last.at.day < 10)
    reopened = closed.advance("rework", "回访", closed.last.at + dt.timedelta(days=8))
    records = [reopened if r is closed else r for r in records]
    path = tmp_path / "cases.csv"
    write_cases_csv([r.case for r in records], path)
    import_cases(engine, path)
    changes = [
        Change(
            t.case_id,
            t.to_state.value,
            t.by,
            t.at.isoformat(),
            t.note,
            t.unit,
            t.deadline.isoformat() if t.deadline else None,
        )
        for r in records
        for t in r.history[1:]
    ]
    update_cases(engine, changes)


def everything(engine: Engine, at: dt.datetime) -> tuple[list[CaseFacts], LoopInputs]:
    """Every stored case as the pure domain reads it (no filter in the database)."""
    with read_session(engine) as session:
        inputs = loop_inputs(session, with_city=False)
        stored = load_cases(session, until=at)
    return [inputs.facts(s) for s in stored], inputs


def test_the_lists_and_the_ledger_show_what_every_case_shows(engine: Engine) -> None:
    seen_settled = 0
    for at in MOMENTS:
        facts, inputs = everything(engine, at)
        rows = ledger(facts, inputs.clock, at)
        for status in STATUSES:
            want = [r for r in rows if status in r.status]
            assert list_cases(engine, at, status=status) == want, (at, status)
        got = ledger_view(engine, at)
        names = got.category_names
        want_view = view_at(rows, [f.record for f in facts], at, names)
        assert got.sections == want_view.sections
        assert got.by_unit == want_view.by_unit and got.by_zone == want_view.by_zone
        seen_settled += len(rows) - len(got.rows)
    assert seen_settled > 100  # settled cases were really left out


def nonzero(groups: dict[str, dict[str, Counters]]) -> dict[str, dict[str, Counters]]:
    return {g: {k: c for k, c in m.items() if c != Counters()} for g, m in groups.items()}


@pytest.mark.parametrize(
    ("first", "last"),
    [(dt.date(2026, 11, 16), dt.date(2026, 11, 22)), (dt.date(2026, 11, 1), dt.date(2026, 12, 31))],
)
def test_the_assessment_counts_what_every_case_counts(
    engine: Engine, first: dt.date, last: dt.date
) -> None:
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min)
    facts, inputs = everything(engine, end)
    want = assess(facts, [], inputs.clock, first, last)
    got = kpi(engine, first, last).assessment
    assert nonzero(got.groups) == nonzero(want.groups)
    assert sum(c.recurrent for c in got.groups["zone"].values()) > 0
    assert sum(c.closed for c in got.groups["zone"].values()) > 0
