"""What the closed loop feeds into next week's roster: the cases waiting for their recheck
(复检) and the segments with recurring problems (extra patrols, decay-weighted by age).

Pure: ledger rows and case records in, domain values out. The roster rule of rechecks is
``roadchief/solve/roster/rules/rechecks.py``; the extra patrols join the segments' demand.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from roadchief.domain import PatrolInstance, Recheck
from roadchief.loop.ledger import LedgerRow
from roadchief.loop.settings import HotspotSettings
from roadchief.loop.states import CaseState
from roadchief.loop.units import Unit


def rechecks_of(rows: Iterable[LedgerRow]) -> tuple[Recheck, ...]:
    """The placed cases waiting for their recheck (state ``handled``), each due on the day
    its recheck deadline falls in (a deadline at 00:00 is the end of the day before), in
    case id order."""
    out = []
    for r in rows:
        if r.state is CaseState.HANDLED and r.segment_id and r.deadline is not None:
            due = (r.deadline.due - dt.timedelta(microseconds=1)).date()
            out.append(Recheck(r.case_id, r.segment_id, due))
    return tuple(sorted(out, key=lambda x: x.case_id))


def counted_cases(
    rows: Iterable[LedgerRow], reported: Mapping[str, dt.datetime]
) -> list[tuple[str, dt.datetime]]:
    """(segment id, reported time) of the cases a hotspot counts: placed, not rejected
    (不予立案)."""
    return [
        (r.segment_id, reported[r.case_id])
        for r in rows
        if r.segment_id and r.state is not CaseState.REJECTED
    ]


def hotspot_weights(
    cases: Iterable[tuple[str, dt.datetime]], at: dt.datetime, settings: HotspotSettings
) -> dict[str, float]:
    """segment id -> the decay-weighted count of its cases reported by ``at``: each weighs
    0.5 ** (age in days / half life)."""
    out: dict[str, float] = {}
    for segment_id, reported in cases:
        if not segment_id or reported > at:
            continue
        age_days = (at - reported).total_seconds() / 86_400.0
        out[segment_id] = out.get(segment_id, 0.0) + 0.5 ** (age_days / settings.half_life_days)
    return out


def hotspot_extra(weights: Mapping[str, float], settings: HotspotSettings) -> dict[str, int]:
    """segment id -> extra patrols: one per ``cases_per_extra_patrol`` of weight, at most
    ``max_extra``; segments with none are left out."""
    out = {}
    for segment_id, w in sorted(weights.items()):
        n = min(settings.max_extra, math.floor(w / settings.cases_per_extra_patrol + 1e-9))
        if n > 0:
            out[segment_id] = n
    return out


@dataclass(frozen=True)
class RosterFeedback:
    """The loop's feedback for one week: read at ``at`` (the week's Monday 00:00)."""

    at: dt.datetime
    rechecks: tuple[Recheck, ...] = ()
    hotspots: Mapping[str, int] = field(default_factory=dict)
    """segment id -> extra patrols this week."""
    frontage: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """segment id -> the frontage duty holders lining it (``frontage_of``)."""

    def apply(self, instance: PatrolInstance) -> PatrolInstance:
        """``instance`` with the extra patrols in its segments' demand and the rechecks and
        hotspots in its context (those of segments it does not hold are left out)."""
        known = {s.segment_id for s in instance.segments}
        extra = {k: v for k, v in self.hotspots.items() if k in known}
        segments = tuple(
            dataclasses.replace(s, patrols_per_week=s.patrols_per_week + extra[s.segment_id])
            if s.segment_id in extra
            else s
            for s in instance.segments
        )
        context = dataclasses.replace(
            instance.context,
            rechecks=tuple(r for r in self.rechecks if r.segment_id in known),
            hotspots=extra,
            frontage={k: v for k, v in self.frontage.items() if k in known},
        )
        return dataclasses.replace(instance, segments=segments, context=context)

    def to_json(self) -> dict[str, Any]:
        """summary.json ``inputs.loop``: what a re-plan or an export plans with again."""
        return {
            "at": self.at.isoformat(),
            "rechecks": [
                {"case_id": r.case_id, "segment_id": r.segment_id, "due": r.due.isoformat()}
                for r in self.rechecks
            ],
            "hotspots": dict(self.hotspots),
            **(
                {"frontage": {k: list(v) for k, v in self.frontage.items()}}
                if self.frontage
                else {}
            ),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> RosterFeedback:
        """The feedback a run recorded (``to_json``)."""
        return cls(
            dt.datetime.fromisoformat(data["at"]),
            tuple(
                Recheck(r["case_id"], r["segment_id"], dt.date.fromisoformat(r["due"]))
                for r in data.get("rechecks", [])
            ),
            {str(k): int(v) for k, v in data.get("hotspots", {}).items()},
            {str(k): tuple(map(str, v)) for k, v in data.get("frontage", {}).items()},
        )


def frontage_of(units: Iterable[Unit]) -> dict[str, tuple[str, ...]]:
    """segment id -> the units whose frontage lines it (门前三包), as ``name (contact)``, in
    the units file's order."""
    out: dict[str, list[str]] = {}
    for u in units:
        shown = f"{u.name} ({u.contact})" if u.contact else u.name
        for sid in sorted(u.frontage):
            out.setdefault(sid, []).append(shown)
    return {k: tuple(v) for k, v in sorted(out.items())}


def roster_feedback(
    rows: Iterable[LedgerRow],
    reported: Mapping[str, dt.datetime],
    at: dt.datetime,
    settings: HotspotSettings,
    units: Iterable[Unit] = (),
) -> RosterFeedback:
    """The feedback from the ledger rows at ``at`` (``reported``: case id -> reported time):
    the rechecks, the hotspots of the placed cases not rejected (不予立案) by then, and
    the frontage duty holders of ``units``."""
    rows = list(rows)
    extra = hotspot_extra(hotspot_weights(counted_cases(rows, reported), at, settings), settings)
    return RosterFeedback(at, rechecks_of(rows), extra, frontage_of(units))
