"""Assessment (考核) on the database over a period: every planned patrol as walked yes, no
or unknown, and the scores by chief, zone, unit and category (roadchief.loop.assessment)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine

from roadchief.app.loop_inputs import loop_inputs
from roadchief.app.tracks import week_patrols
from roadchief.domain import Week
from roadchief.errors import InputError
from roadchief.loop.assessment import Assessment, assess
from roadchief.loop.patrols import (
    COMPLIANCE_LEVELS,
    Compliance,
    PatrolRecord,
    compliance,
)
from roadchief.loop.settings import ScoreSettings
from roadchief.store.cases import load_cases, reports_between
from roadchief.store.db import read_session
from roadchief.store.migrate import require_current
from roadchief.store.runs import week_version


@dataclass(frozen=True)
class Kpi:
    first: dt.date
    last: dt.date
    patrols: list[PatrolRecord]
    """Every planned patrol of the period (current runs), ``unknown`` when no record."""
    assessment: Assessment
    score: ScoreSettings
    category_names: dict[str, str]
    unplanned: tuple[str, ...]
    """Weeks of the period without a stored plan (no patrols counted there)."""
    compliance: dict[str, dict[Hashable, Compliance]]
    """Patrol compliance by level (``COMPLIANCE_LEVELS``): each group's counts."""


def kpi(engine: Engine, first: dt.date, last: dt.date) -> Kpi:
    """The patrols and the assessment from ``first`` to ``last`` (both days included)."""
    if last < first:
        raise InputError(f"--to {last} is before --from {first}; give the period in order")
    require_current(engine)
    with read_session(engine) as session:
        inputs = loop_inputs(session, with_city=False)
        weeks = _weeks(first, last)
        planned = [w for w in weeks if week_version(session, w) > 0]
        patrols = [
            p for w in planned for p in week_patrols(session, w) if first <= p.patrol.day <= last
        ]
        start = dt.datetime.combine(first, dt.time.min)
        end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min)
        stored = load_cases(session, until=end, settled_since=start)
        facts = [inputs.facts(s) for s in stored]
        loop = inputs.rules.loop
        window = dt.timedelta(days=loop.score.recurrence_days)
        reports = reports_between(session, start - window, end)
    names = {c.code: c.name for c in loop.taxonomy.categories.values()}
    unplanned = tuple(str(w) for w in weeks if w not in planned)
    found = assess(facts, patrols, inputs.clock, first, last, reports)
    by_level = {level: compliance(patrols, level) for level in COMPLIANCE_LEVELS}
    return Kpi(first, last, patrols, found, loop.score, names, unplanned, by_level)


def _weeks(first: dt.date, last: dt.date) -> list[Week]:
    weeks, day = [], first - dt.timedelta(days=first.weekday())
    while day <= last:
        weeks.append(Week.containing(day))
        day += dt.timedelta(days=7)
    return weeks


def write_kpi(engine: Engine, first: dt.date, last: dt.date, out: Path) -> tuple[Kpi, list[Path]]:
    """patrols.csv, scores.csv, kpi.xlsx, kpi.html and compliance.csv in ``out``."""
    from roadchief.render.kpi import (
        write_compliance_csv,
        write_kpi_html,
        write_kpi_xlsx,
        write_patrols_csv,
        write_scores_csv,
    )

    found = kpi(engine, first, last)
    out.mkdir(parents=True, exist_ok=True)
    names_ = ("patrols.csv", "scores.csv", "kpi.xlsx", "kpi.html", "compliance.csv")
    files = [out / n for n in names_]
    a, score, names = found.assessment, found.score, found.category_names
    write_patrols_csv(found.patrols, files[0])
    write_compliance_csv(found.compliance, score.unknown_is_missed, files[4])
    write_scores_csv(a, score, files[1])
    write_kpi_xlsx(a, score, found.patrols, names, files[2])
    write_kpi_html(a, score, names, files[3])
    return found, files
