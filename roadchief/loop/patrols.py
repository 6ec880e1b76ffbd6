"""Patrol records (巡查记录): what was walked, against the plan, and compliance.

A planned patrol is walked ``yes`` or ``no`` when the person's GPS track covers the
tour's slot, and ``unknown`` when no track of that person covers it: the record says so
rather than guess. Compliance is walked over known (yes + no); unknown is counted apart,
or as missed where ``loop.score.unknown_is_missed`` says so.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import numpy.typing as npt


class Walked(StrEnum):
    YES = "yes"
    NO = "no"
    UNKNOWN = "unknown"


WALKED_ZH = {Walked.YES: "已巡", Walked.NO: "未巡", Walked.UNKNOWN: "无轨迹"}


@dataclass(frozen=True)
class Track:
    """One person's GPS track or check-ins: local times and WGS-84 positions, in time order."""

    chief_id: str
    times: npt.NDArray[np.datetime64]
    lon: npt.NDArray[np.float64]
    lat: npt.NDArray[np.float64]
    source: str = ""

    @property
    def first(self) -> dt.datetime:
        return _py(self.times[0])

    @property
    def last(self) -> dt.datetime:
        return _py(self.times[-1])


def _py(t: np.datetime64) -> dt.datetime:
    value = t.astype("datetime64[us]").item()
    assert isinstance(value, dt.datetime)
    return value


@dataclass(frozen=True)
class PlannedPatrol:
    """One patrol of one segment in the roster (a row of roster.csv)."""

    day: dt.date
    slot_id: str
    chief_id: str
    segment_id: str
    zone_id: str = ""


@dataclass(frozen=True)
class PatrolRecord:
    """A planned patrol as it happened."""

    patrol: PlannedPatrol
    walked: Walked
    share: float | None = None
    """Share of the segment's length within the tolerance of the track (None: unknown)."""

    @property
    def week(self) -> str:
        iso = self.patrol.day.isocalendar()
        return f"{iso.year}-W{iso.week:02d}"


@dataclass(frozen=True)
class Compliance:
    """Counts of one group of patrols; ``rate`` is walked over the known ones."""

    planned: int
    walked: int
    missed: int
    unknown: int

    def rate(self, unknown_is_missed: bool = False) -> float | None:
        known = self.walked + self.missed + (self.unknown if unknown_is_missed else 0)
        return None if known == 0 else self.walked / known


KEYS: dict[str, Callable[[PatrolRecord], Hashable]] = {
    "patrol": lambda r: (r.patrol.day, r.patrol.slot_id, r.patrol.chief_id, r.patrol.segment_id),
    "tour": lambda r: (r.patrol.day, r.patrol.slot_id, r.patrol.chief_id),
    "person": lambda r: r.patrol.chief_id,
    "zone": lambda r: r.patrol.zone_id,
    "week": lambda r: r.week,
    "segment": lambda r: r.patrol.segment_id,
}
"""The groupings compliance is reported by."""


COMPLIANCE_LEVELS = ("patrol", "tour", "person", "zone", "week")
"""The levels compliance.csv reports, finest first."""


def compliance(records: Iterable[PatrolRecord], by: str) -> dict[Hashable, Compliance]:
    """Compliance per group: ``by`` is patrol, tour, person, zone, week or segment."""
    key = KEYS[by]
    counts: dict[Hashable, list[int]] = defaultdict(lambda: [0, 0, 0])
    for rec in records:
        counts[key(rec)][("yes", "no", "unknown").index(rec.walked.value)] += 1
    return {k: Compliance(sum(v), v[0], v[1], v[2]) for k, v in sorted(counts.items(), key=str)}


PatrolKey = tuple[dt.date, str, str, str]
"""A planned patrol as day, slot, chief and segment (a row of roster.csv)."""


def counts_missed(walked: Walked, unknown_is_missed: bool) -> bool:
    """Whether a patrol counts as missed: walked ``no``, or ``unknown`` (no track) where
    ``loop.score.unknown_is_missed`` says so. The assessment and next week's plan both
    read this."""
    return walked is Walked.NO or (unknown_is_missed and walked is Walked.UNKNOWN)


def missed_patrols(records: Iterable[PatrolRecord], unknown_is_missed: bool) -> set[PatrolKey]:
    """The patrols that count as missed: they are not the segment's last patrol."""
    return {
        (r.patrol.day, r.patrol.slot_id, r.patrol.chief_id, r.patrol.segment_id)
        for r in records
        if counts_missed(r.walked, unknown_is_missed)
    }


def last_walked(records: Iterable[PatrolRecord]) -> dict[str, dt.date]:
    """Each segment's last day actually walked: what next week's plan counts from."""
    out: dict[str, dt.date] = {}
    for rec in records:
        if rec.walked is Walked.YES:
            sid = rec.patrol.segment_id
            out[sid] = max(out.get(sid, rec.patrol.day), rec.patrol.day)
    return out
