"""Assessment (考核) over a period: counters, rates, scores with deductions, and rankings.

One definition each, used by every output:

- ``closed``: cases closed (核查结案) in the period; ``closed_on_time``: of those, handled
  before the handling deadline then in force (an approved extension counts).
- ``overdue``: cases open at the period's end and past their current deadline.
- ``on_time_rate`` (按期结案率) = closed_on_time / (closed + overdue): of the cases that
  should have been closed, the share closed in time.
- ``rework``: failed rechecks (返工) in the period; ``rework_rate`` = rework / (closed +
  rework).
- ``recurrent``: cases reported in the period on a segment that had a case of the same sub
  class within ``loop.score.recurrence_days`` before.
- Patrol compliance: walked over known (yes + no), from roadchief.loop.patrols.
- Score = start - missed_patrol x missed - overdue_case x overdue - rework x rework.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from roadchief.loop.deadlines import DeadlineClock
from roadchief.loop.ledger import CaseFacts
from roadchief.loop.patrols import PatrolRecord, Walked
from roadchief.loop.settings import ScoreSettings
from roadchief.loop.states import CaseState

GROUPS = ("chief", "zone", "unit", "category")
Report = tuple[str, str, dt.datetime]
"""A case's segment, sub class and reported time: what recurrence reads."""


@dataclass
class Counters:
    reported: int = 0
    closed: int = 0
    closed_on_time: int = 0
    overdue: int = 0
    rework: int = 0
    recurrent: int = 0
    patrols: int = 0
    walked: int = 0
    missed: int = 0
    unknown: int = 0

    @property
    def on_time_rate(self) -> float | None:
        due = self.closed + self.overdue
        return None if due == 0 else self.closed_on_time / due

    @property
    def rework_rate(self) -> float | None:
        checked = self.closed + self.rework
        return None if checked == 0 else self.rework / checked

    def compliance(self, unknown_is_missed: bool = False) -> float | None:
        known = self.walked + self.missed + (self.unknown if unknown_is_missed else 0)
        return None if known == 0 else self.walked / known

    def score(self, s: ScoreSettings) -> float:
        missed = self.missed + (self.unknown if s.unknown_is_missed else 0)
        return (
            s.start
            - s.missed_patrol * missed
            - s.overdue_case * self.overdue
            - s.rework * self.rework
        )


@dataclass
class Assessment:
    first: dt.date
    last: dt.date
    groups: dict[str, dict[str, Counters]] = field(default_factory=dict)
    """By ``chief``, ``zone``, ``unit`` and ``category``: the counters of each."""

    def ranking(self, group: str, settings: ScoreSettings) -> list[tuple[str, float]]:
        """Members of a group by score, best first (ties by id)."""
        scores = [(k, c.score(settings)) for k, c in self.groups[group].items() if k]
        return sorted(scores, key=lambda kv: (-kv[1], kv[0]))


def assess(
    facts: Sequence[CaseFacts],
    patrols: Iterable[PatrolRecord],
    clock: DeadlineClock,
    first: dt.date,
    last: dt.date,
    reports: Iterable[Report] | None = None,
) -> Assessment:
    """The counters of every chief, zone, unit and category from ``first`` to ``last``.

    ``facts`` may leave out cases settled before ``first`` (they count nothing), then
    ``reports`` must give every case reported in the recurrence window before ``first``
    and in the period (segment, sub class, reported time): recurrence reads them."""
    start = dt.datetime.combine(first, dt.time.min)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min)
    out = Assessment(first, last, {g: defaultdict(Counters) for g in GROUPS})
    keys: dict[str, Callable[[CaseFacts], str]] = {
        "chief": lambda f: f.chief_id,
        "zone": lambda f: f.zone_id,
        "unit": lambda f: f.unit_id,
        "category": lambda f: f.record.case.category,
    }
    if reports is None:
        reports = [(f.segment_id, f.record.case.category, f.record.case.reported_at) for f in facts]
    recurrent = _recurrent(facts, reports, clock.settings.score.recurrence_days)
    for f in facts:
        rec = f.record.as_of(end - dt.timedelta(microseconds=1))
        if rec is None:
            continue
        counted = Counters()
        counted.reported = int(start <= rec.case.reported_at < end)
        counted.recurrent = int(counted.reported and rec.case_id in recurrent)
        for i, t in enumerate(rec.history):
            if not start <= t.at < end or t.from_state is not CaseState.HANDLED:
                continue
            if t.to_state is CaseState.CLOSED:
                counted.closed += 1
                partial = type(rec)(rec.case, rec.history[:i])
                counted.closed_on_time += bool(clock.handled_on_time(partial, f.area_class))
            elif t.to_state is CaseState.REWORK:
                counted.rework += 1
        due = clock.current(rec, f.area_class)
        counted.overdue = int(rec.is_open and due is not None and due.overdue(end))
        unit = next((t.unit for t in reversed(rec.history) if t.unit), f.unit_id)
        for group, key in keys.items():
            _add(out.groups[group][unit if group == "unit" else key(f)], counted)
    for p in patrols:
        if not first <= p.patrol.day <= last:
            continue
        for group, member in (("chief", p.patrol.chief_id), ("zone", p.patrol.zone_id)):
            c = out.groups[group][member]
            c.patrols += 1
            c.walked += p.walked is Walked.YES
            c.missed += p.walked is Walked.NO
            c.unknown += p.walked is Walked.UNKNOWN
    out.groups = {g: dict(sorted(m.items())) for g, m in out.groups.items()}
    return out


def _add(into: Counters, more: Counters) -> None:
    """The case counters of ``more`` added (written out: 400,000 calls at 100,000 cases)."""
    into.reported += more.reported
    into.closed += more.closed
    into.closed_on_time += more.closed_on_time
    into.overdue += more.overdue
    into.rework += more.rework
    into.recurrent += more.recurrent


def _recurrent(facts: Sequence[CaseFacts], reports: Iterable[Report], days: int) -> set[str]:
    """Cases whose segment had a case (of ``reports``) of the same sub class within
    ``days`` before."""
    seen: dict[tuple[str, str], list[dt.datetime]] = defaultdict(list)
    for segment_id, category, reported_at in reports:
        if segment_id:
            seen[(segment_id, category)].append(reported_at)
    for times in seen.values():
        times.sort()
    out = set()
    window = dt.timedelta(days=days)
    for f in facts:
        times = seen.get((f.segment_id, f.record.case.category), [])
        t = f.record.case.reported_at
        i = bisect.bisect_left(times, t)
        if f.segment_id and i > 0 and times[i - 1] >= t - window:
            out.add(f.record.case_id)
    return out
