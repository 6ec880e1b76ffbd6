"""Few changes (re-plan): patrols added to or dropped from the roster being re-planned cost."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, ClassVar

from roadchief.domain import PlanContext
from roadchief.solve.roster.rules.base import Measure, PenaltyTerm, Rule
from roadchief.solve.roster.rules.facts import cm_fits

if TYPE_CHECKING:
    from ortools.sat.python import cp_model

    from roadchief.solve.roster.rules.facts import RosterFacts
    from roadchief.solve.roster.variables import RosterVars
    from roadchief.solve.roster.zone import ZoneProblem


def is_replan(context: PlanContext) -> bool:
    """True for a re-plan: there is a roster being re-planned, or a locked past
    (``ZoneProblem.replan``)."""
    return bool(context.baseline) or context.locked_before is not None


def baseline_patrols(
    context: PlanContext,
    people: Mapping[str, int],
    segments: Mapping[str, int],
    days: Mapping[dt.date, int],
) -> frozenset[tuple[int, int, int]]:
    """(person, segment, day) patrols of the roster being re-planned, in the zone
    (``ZoneProblem.baseline``)."""
    return frozenset(
        (people[a.chief_id], segments[a.segment_id], days[a.day])
        for a in context.baseline
        if a.chief_id in people and a.segment_id in segments and a.day in days
    )


def baseline_slots(
    context: PlanContext,
    people: Mapping[str, int],
    days: Mapping[dt.date, int],
    slots: Mapping[str, int],
) -> dict[tuple[int, int], int]:
    """(person, day) -> slot of the person's tour that day in the roster being re-planned
    (``ZoneProblem.baseline_slot``)."""
    return {
        (people[a.chief_id], days[a.day]): slots[a.slot_id]
        for a in context.baseline
        if a.chief_id in people and a.day in days and a.slot_id in slots
    }


class FewChanges(Rule):
    """Soft, re-plan only: each patrol dropped from or added to the re-planned roster costs
    ``change_per_patrol``, and each tour moved to another slot of its day
    ``change_per_tour_moved``.

    The checker counts patrols added on an unlocked day, patrols of the re-planned roster
    on an unlocked day that its person could still walk and that are dropped, and tours
    of the re-planned roster on an unlocked day now in another slot the person could walk.
    """

    name = "changes"
    key = "change"
    weights = ("change_per_patrol", "change_per_tour_moved")
    counts: ClassVar[Mapping[str, float]] = {"changes": 0, "tours_moved": 0}

    def apply(self, model: cp_model.CpModel, zone: ZoneProblem, v: RosterVars) -> list[PenaltyTerm]:
        if not zone.replan:
            return []
        terms = []
        w = zone.weights["change_per_patrol"]
        for (p, s, d), var in v.patrol.items():
            if d in zone.locked:
                continue
            label = f"{zone.people[p].chief_id} {zone.segments[s].segment_id} {zone.days[d]}"
            if (p, s, d) in zone.baseline:
                dropped = v.dropped[(p, s, d)]
                model.add(dropped + var >= 1)
                terms.append(PenaltyTerm(self.name, "dropped " + label, w, dropped))
            else:
                terms.append(PenaltyTerm(self.name, "added " + label, w, var))
        moved_w = zone.weights["change_per_tour_moved"]
        for (p, d), moved in v.slot_moved.items():
            t = zone.baseline_slot[(p, d)]
            model.add(moved >= v.on[(p, d)] - v.work[(p, d, t)])
            label = f"{zone.people[p].chief_id} {zone.days[d]} from {zone.slots[t].slot_id}"
            terms.append(PenaltyTerm(self.name, "moved " + label, moved_w, moved))
        return terms

    def measure(self, facts: RosterFacts) -> Measure:
        """``changes``: patrols added or dropped; ``tours_moved``: tours in another slot."""
        m = Measure()
        instance, ctx = facts.instance, facts.context
        if not is_replan(ctx):
            return m
        w = instance.weights["change_per_patrol"]
        lock = ctx.locked_before
        base = {(a.chief_id, a.segment_id, a.day) for a in ctx.baseline}
        now_set = {(a.chief_id, a.segment_id, a.day) for a in facts.valid}
        for _chief, seg_id, day in sorted(now_set - base):
            if lock is None or day >= lock:
                m.count("changes", facts.zone_of(seg_id))
                m.charge(facts.zone_of(seg_id), w)
        open_days = facts.open_days
        for chief_id, seg_id, day in sorted(base - now_set):
            found = facts.segments.get(seg_id)
            if found is None or (lock is not None and day < lock) or chief_id not in open_days:
                continue
            cap_m = instance.limits[facts.chiefs[chief_id].level].max_km_per_tour * 1000.0
            could = (
                day in open_days[chief_id]
                and chief_id in facts.may.get(seg_id, ())
                and cm_fits(found.length_m, cap_m)
            )
            if could:
                m.count("changes", found.zone_id)
                m.charge(found.zone_id, w)
        slot_of = {(c, d): s for c, d, s in facts.home}
        was_in = {(a.chief_id, a.day): a.slot_id for a in ctx.baseline}
        for (chief_id, day), was in sorted(was_in.items()):
            now = slot_of.get((chief_id, day))
            if now in (None, was) or (lock is not None and day < lock):
                continue
            person = instance.chief(chief_id)
            if person.zone_id is not None and person.available(day, facts.slots[was]):
                m.count("tours_moved", person.zone_id)
                m.charge(person.zone_id, instance.weights["change_per_tour_moved"])
        return m
