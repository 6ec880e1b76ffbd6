"""Slot windows: some of a segment's patrols fall in given slots (markets in the morning)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, ClassVar

from roadchief.domain import Segment, SlotWindow
from roadchief.solve.roster.rules.base import Measure, PenaltyTerm, Rule
from roadchief.solve.roster.rules.facts import units_10m

if TYPE_CHECKING:
    from ortools.sat.python import cp_model

    from roadchief.solve.roster.rules.facts import RosterFacts
    from roadchief.solve.roster.variables import RosterVars
    from roadchief.solve.roster.zone import ZoneProblem


def segment_windows(
    segments: Sequence[Segment],
    demand: Sequence[int],
    windows: Sequence[SlotWindow],
    slots: Mapping[str, int],
) -> tuple[tuple[tuple[frozenset[int], int], ...], ...]:
    """Per segment: its matching windows in rules order as (slot indices, patrols), each
    capped by the demand the earlier ones left (``ZoneProblem.windows``)."""
    out = []
    for i, s in enumerate(segments):
        left = demand[i]
        mine = []
        for w in windows:
            if w.matches(s) and left > 0:
                n = min(w.patrols, left)
                mine.append((frozenset(slots[x] for x in w.slots), n))
                left -= n
        out.append(tuple(mine))
    return tuple(out)


class SlotWindows(Rule):
    """Soft: of a segment's patrols, those its slot windows require fall in the window's
    slots (markets in the morning); a missing one costs ``window_per_10m`` per 10 m."""

    name = "slot windows"
    key = "window"
    weights = ("window_per_10m",)
    counts: ClassVar[Mapping[str, float]] = {"window_missing": 0}

    def apply(self, model: cp_model.CpModel, zone: ZoneProblem, v: RosterVars) -> list[PenaltyTerm]:
        terms = []
        for (s, k), items in v.in_window.items():
            slots, n = zone.windows[s][k]
            unmet = v.window_unmet[(s, k)]
            model.add(unmet + sum(y for _d, y in items) >= n)
            names = "/".join(zone.slots[t].slot_id for t in sorted(slots))
            weight = zone.weights["window_per_10m"] * zone.units_10m[s]
            terms.append(
                PenaltyTerm(self.name, f"{zone.segments[s].segment_id} {names}", weight, unmet)
            )
        return terms

    def measure(self, facts: RosterFacts) -> Measure:
        """``window_missing``: patrols the windows require that are not planned in them."""
        m = Measure()
        w = facts.instance.weights["window_per_10m"]
        for seg in facts.instance.segments:
            mine = facts.by_segment.get(seg.segment_id, [])
            left = max(0, seg.patrols_per_week)
            for win in facts.context.windows:
                if left <= 0 or not win.matches(seg):
                    continue
                n = min(win.patrols, left)
                left -= n
                missing = max(0, n - sum(1 for a in mine if a.slot_id in win.slots))
                m.count("window_missing", seg.zone_id, missing)
                m.charge(seg.zone_id, w * units_10m(seg.length_m) * missing)
        return m
