"""Demand: each segment needs ``patrols_per_week`` patrols; a missing one costs per 10 m,
times the segment's priority (``[priority]`` of the rules: what goes first under shortage)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from roadchief.domain import PlanContext, Segment
from roadchief.solve.roster.rules.base import Measure, PenaltyTerm, Rule
from roadchief.solve.roster.rules.facts import units_10m

if TYPE_CHECKING:
    from ortools.sat.python import cp_model

    from roadchief.solve.roster.rules.facts import RosterFacts
    from roadchief.solve.roster.variables import RosterVars
    from roadchief.solve.roster.zone import ZoneProblem


class UnmetDemand(Rule):
    """Soft: each segment needs ``patrols_per_week`` patrols; a missing one costs
    ``unmet_per_10m`` per 10 m of the segment (its length in 10 m, rounded half up, at
    least 1), times the segment's priority (``segment_priority``). A fourth patrol of a
    segment that needs three earns nothing."""

    name = "unmet demand"
    key = "unmet"
    weights = ("unmet_per_10m",)

    def apply(self, model: cp_model.CpModel, zone: ZoneProblem, v: RosterVars) -> list[PenaltyTerm]:
        terms = []
        for s, unmet in v.unmet.items():
            patrols = [var for _p, _d, var in v.by_segment.get(s, [])]
            model.add(unmet + sum(patrols) >= zone.demand[s])
            weight = zone.unmet_weight(s)
            terms.append(PenaltyTerm(self.name, zone.segments[s].segment_id, weight, unmet))
        return terms

    def measure(self, facts: RosterFacts) -> Measure:
        m = Measure()
        w = facts.instance.weights["unmet_per_10m"]
        ctx = facts.instance.context
        open_cases = segments_with_open_cases(ctx)
        for seg in facts.instance.segments:
            need = max(0, seg.patrols_per_week)
            planned = min(len(facts.by_segment.get(seg.segment_id, [])), need)
            factor = segment_priority(seg, ctx.priority, open_cases)
            m.charge(seg.zone_id, w * units_10m(seg.length_m) * factor * (need - planned))
        return m


def segments_with_open_cases(ctx: PlanContext) -> frozenset[str]:
    """Segments with an open case this week: a recheck waiting, or recurring problems."""
    return frozenset(r.segment_id for r in ctx.rechecks) | frozenset(
        s for s, n in ctx.hotspots.items() if n
    )


def segment_priority(seg: Segment, priority: Mapping[str, int], open_cases: frozenset[str]) -> int:
    """The factor of a missing patrol's cost: the largest of ``[priority]`` that applies to
    the segment (its road class, a priority place near it, an open case), at least 1."""
    found = [priority.get(f"class:{seg.road_class}", 1)]
    found += [priority.get(f"place:{t}", 1) for t in seg.place_types]
    if seg.segment_id in open_cases:
        found.append(priority.get("open_cases", 1))
    return max(1, *found)


def zone_priorities(segs: Sequence[Segment], ctx: PlanContext) -> tuple[int, ...]:
    """Per segment of a zone: ``segment_priority``; empty when no priority is set."""
    if not any(v > 1 for v in ctx.priority.values()):
        return ()
    open_cases = segments_with_open_cases(ctx)
    return tuple(segment_priority(s, ctx.priority, open_cases) for s in segs)
