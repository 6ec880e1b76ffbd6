"""Generated cases and their histories, seeded: for the demo month and the benches.

Every case is labelled generated (``source`` of its first transition is ``generator``).
Times follow the working day; each step takes a share of its limit drawn so that most
cases meet their deadlines and some do not; rechecks fail now and then (返工); a few
cases are rejected, parked, extended or fixed on the spot by the chief (立行立改).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from roadchief.loop.cases import Case, CaseRecord, CaseSource, open_case
from roadchief.loop.deadlines import DeadlineClock
from roadchief.loop.states import CaseState

GENERATOR = "generator"
SOURCE_WEIGHTS = {
    CaseSource.PATROL: 0.45,
    CaseSource.APP: 0.25,
    CaseSource.HOTLINE: 0.2,
    CaseSource.SUPERVISOR: 0.05,
    CaseSource.VIDEO: 0.04,
    CaseSource.MEDIA: 0.01,
}


@dataclass(frozen=True)
class Spot:
    """Where a generated case may be reported: a point near a segment (WGS-84)."""

    lon: float
    lat: float
    segment_id: str
    zone_id: str
    area_class: str


def generate_cases(
    spots: Sequence[Spot],
    clock: DeadlineClock,
    first: dt.date,
    days: int,
    n: int,
    rng: np.random.Generator,
    *,
    units: dict[str, str] | None = None,
    prefix: str = "G",
    recurring: float = 0.0,
) -> list[tuple[CaseRecord, Spot]]:
    """``n`` cases reported over ``days`` days from ``first``, each with its history; a
    ``recurring`` share of them at a few spots where problems come back (one spot per 30
    cases: a market street, a school gate), the rest anywhere."""
    codes = sorted(clock.settings.taxonomy.categories)
    sources = list(SOURCE_WEIGHTS)
    weights = np.array(list(SOURCE_WEIGHTS.values()))
    hot = rng.choice(len(spots), max(1, n // 30)) if recurring > 0 else np.array([], int)
    out = []
    for i in range(n):
        if recurring > 0 and rng.random() < recurring:
            spot = spots[int(hot[int(rng.integers(len(hot)))])]
        else:
            spot = spots[int(rng.integers(len(spots)))]
        day = first + dt.timedelta(days=int(rng.integers(days)))
        at = dt.datetime.combine(day, dt.time(7)) + dt.timedelta(minutes=int(rng.integers(13 * 60)))
        code = codes[int(rng.integers(len(codes)))]
        source = sources[int(rng.choice(len(sources), p=weights / weights.sum()))]
        cat = clock.settings.taxonomy.categories[code]
        case = Case(
            f"{prefix}{i + 1:06d}", source, at, code, f"{cat.name} (generated)",
            spot.lon, spot.lat, urgency=str(rng.choice(["A", "B", "B", "B", "C"])),
        )  # fmt: skip
        unit = (units or {}).get(cat.handler, cat.handler)
        out.append((_history(case, spot, unit, clock, rng), spot))
    return out


def _history(
    case: Case, spot: Spot, unit: str, clock: DeadlineClock, rng: np.random.Generator
) -> CaseRecord:
    rec = open_case(case, GENERATOR)
    roll = rng.random()
    if case.source is CaseSource.PATROL and roll < 0.15:
        return rec.advance(CaseState.SELF_FIXED, "chief", case.reported_at + _minutes(rng, 5, 40))
    if roll < 0.2:
        return rec.advance(CaseState.REJECTED, "centre", case.reported_at + _minutes(rng, 10, 90))
    rec = _step(rec, CaseState.FILED, "centre", clock, spot, rng, 0.5)
    rec = _step(rec, CaseState.DISPATCHED, "centre", clock, spot, rng, 0.5, unit=unit)
    if rng.random() < 0.03:
        return _step(rec, CaseState.PARKED, unit, clock, spot, rng, 0.5)
    if rng.random() < 0.05:
        due = clock.current(rec, spot.area_class)
        assert due is not None
        rec = rec.advance(
            CaseState.EXTENDED, unit, rec.last.at + dt.timedelta(hours=1),
            deadline=due.due + dt.timedelta(days=3),
        )  # fmt: skip
    for _ in range(3):
        rec = _step(rec, CaseState.HANDLED, unit, clock, spot, rng, 0.7, note="已处置")
        if rng.random() < 0.12:
            rec = _step(rec, CaseState.REWORK, "chief", clock, spot, rng, 0.6)
            continue
        return _step(rec, CaseState.CLOSED, "chief", clock, spot, rng, 0.6)
    return rec


def _step(
    rec: CaseRecord,
    to: CaseState,
    by: str,
    clock: DeadlineClock,
    spot: Spot,
    rng: np.random.Generator,
    typical: float,
    *,
    unit: str = "",
    note: str = "",
) -> CaseRecord:
    """The next state after a lognormal share of the current step's limit (median ``typical``)."""
    due = clock.current(rec, spot.area_class)
    limit = 60.0 if due is None else max(clock.calendar.minutes_between(due.started, due.due), 1.0)
    used = limit * typical * float(rng.lognormal(0.0, 0.6))
    at = clock.calendar.add_minutes(rec.last.at, used)
    return rec.advance(to, by, at, unit=unit, note=note)


def _minutes(rng: np.random.Generator, lo: int, hi: int) -> dt.timedelta:
    return dt.timedelta(minutes=int(rng.integers(lo, hi)))
