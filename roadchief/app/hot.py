"""The hot issues (热点) of the citizens' map, read from the database: the segments where
cases recur over the last days, with their street and line, and nothing personal."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import shapely
from sqlalchemy.orm import Session

from roadchief.app.loop_inputs import loop_inputs, moment
from roadchief.loop.hot import HotSegment, hot_segments
from roadchief.loop.ledger import ledger
from roadchief.store.cases import load_cases
from roadchief.store.reports import segment_lines

COORD_DIGITS = 5
"""About a metre: the line of a street, not a reporter's point."""


@dataclass(frozen=True)
class HotIssue:
    hot: HotSegment
    road_name: str
    line: list[list[list[float]]]
    """The segment's parts as [[lat, lon], ...], for the map."""


@dataclass(frozen=True)
class HotIssues:
    at: dt.datetime
    days: int
    issues: list[HotIssue]
    mains: list[tuple[str, str, str]]
    """(code, Chinese name, English name) of every main class, for the filter."""


def hot_issues(session: Session, at: dt.datetime | None = None, main: str = "") -> HotIssues:
    """The hot segments at ``at`` (default now; of main class ``main`` when given): cases
    reported in the rules' ``loop.hotspots.public_days`` before it, read without the
    settled ones of earlier (``load_cases``). A segment the latest city no longer holds is
    listed without its street and line."""
    inputs = loop_inputs(session, with_city=False)
    at = at or moment(None, inputs.rules)
    settings, taxonomy = inputs.rules.loop.hotspots, inputs.rules.loop.taxonomy
    since = at - dt.timedelta(days=settings.public_days)
    stored = load_cases(session, until=at, settled_since=since)
    rows = ledger([inputs.facts(s) for s in stored], inputs.clock, at)
    reported = {s.record.case_id: s.record.case.reported_at for s in stored}
    hot = hot_segments(rows, reported, at, settings, taxonomy, main)
    lines = segment_lines(session, {h.segment_id for h in hot})
    issues = []
    for h in hot:
        name, geom = lines.get(h.segment_id, ("", None))
        issues.append(HotIssue(h, name, _latlon(geom) if geom is not None else []))
    mains = [(m.code, m.name, m.en) for m in taxonomy.mains.values()]
    return HotIssues(at, settings.public_days, issues, mains)


def _latlon(geom: shapely.Geometry) -> list[list[list[float]]]:
    parts = getattr(geom, "geoms", [geom])
    return [
        [[round(y, COORD_DIGITS), round(x, COORD_DIGITS)] for x, y, *_ in part.coords]
        for part in parts
    ]
