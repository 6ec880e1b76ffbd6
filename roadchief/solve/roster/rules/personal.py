"""Personal patrols (路长巡查): an owner walks each own segment so many times a week."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, ClassVar

from roadchief.domain import Chief
from roadchief.solve.roster.rules.base import Measure, PenaltyTerm, Rule
from roadchief.solve.roster.rules.facts import KM_TOLERANCE_M, cm_fits, units_10m

if TYPE_CHECKING:
    from ortools.sat.python import cp_model

    from roadchief.solve.roster.rules.facts import RosterFacts
    from roadchief.solve.roster.variables import RosterVars
    from roadchief.solve.roster.zone import ZoneProblem


def personal_patrols(
    owner: Sequence[int | None],
    patrollers: Sequence[Sequence[int]],
    days_open: Sequence[int],
    demand: Sequence[int],
    people: Sequence[Chief],
    per_segment: int,
) -> tuple[int, ...]:
    """Per segment: the patrols its owner must walk personally, min(``per_segment``, demand,
    owner's open days, owner's tours a week); 0 when the owner does not patrol, may not
    walk it (longer than their tour) or is away all week (``ZoneProblem.accountable``)."""
    return tuple(
        0
        if o is None or o not in patrollers[i] or days_open[o] == 0
        else min(per_segment, demand[i], days_open[o], people[o].max_patrols_per_week)
        for i, o in enumerate(owner)
    )


class PersonalPatrols(Rule):
    """Soft: an owner walks each own segment ``accountability_patrols`` times a week
    (路长巡查); a missing personal patrol costs ``accountability_per_10m`` per 10 m."""

    name = "personal patrols"
    key = "accountability"
    weights = ("accountability_per_10m",)
    counts: ClassVar[Mapping[str, float]] = {"personal_missing": 0}

    def apply(self, model: cp_model.CpModel, zone: ZoneProblem, v: RosterVars) -> list[PenaltyTerm]:
        terms = []
        for s, short in v.short.items():
            o = zone.owner[s]
            mine = [var for p, _d, var in v.by_segment.get(s, []) if p == o]
            model.add(short + sum(mine) >= zone.accountable[s])
            weight = zone.weights["accountability_per_10m"] * zone.units_10m[s]
            terms.append(PenaltyTerm(self.name, zone.segments[s].segment_id, weight, short))
        return terms

    def measure(self, facts: RosterFacts) -> Measure:
        """``personal_missing``: personal patrols owners miss, requiring min(K, demand,
        owner's open days, owner's tours a week), nothing when the owner does not patrol,
        is away all week or the segment exceeds their tour."""
        m = Measure()
        instance, ctx = facts.instance, facts.context
        w = instance.weights["accountability_per_10m"]
        for seg in instance.segments:
            owner = facts.owner(seg.segment_id)
            if owner is None or owner not in facts.may.get(seg.segment_id, ()):
                continue
            person = facts.chiefs[owner]
            cap_m = instance.limits[person.level].max_km_per_tour * 1000.0
            days_open = len(facts.open_days[owner])
            fits = seg.length_m <= cap_m + KM_TOLERANCE_M and cm_fits(seg.length_m, cap_m)
            if not fits or not days_open:
                continue
            need = max(0, seg.patrols_per_week)
            k = min(ctx.accountability_patrols, need, days_open, person.max_patrols_per_week)
            walked = sum(1 for a in facts.by_segment.get(seg.segment_id, []) if a.chief_id == owner)
            m.count("personal_missing", seg.zone_id, max(0, k - walked))
            m.charge(seg.zone_id, w * units_10m(seg.length_m) * max(0, k - walked))
        return m
