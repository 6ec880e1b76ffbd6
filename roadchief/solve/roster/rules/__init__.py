"""The roster's business rules as CP-SAT constraints: one class per rule, hard rules first.

Availability needs no class: ``RosterVars`` creates slot variables only where a person is
available, so an unavailable slot cannot be chosen. A hard rule adds constraints; a soft
rule also returns labelled, weighted penalty terms that make up the objective.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

from ortools.sat.python import cp_model

from roadchief.solve.roster.variables import PenaltyTerm, RosterVars
from roadchief.solve.roster.zone import ZoneProblem, spread_windows, steps_cm


class Rule(Protocol):
    """A business rule of the weekly roster."""

    @property
    def name(self) -> str:
        """The rule's name in reports."""

    def apply(
        self, model: cp_model.CpModel, zone: ZoneProblem, v: RosterVars
    ) -> list[PenaltyTerm]: ...


class OneTourPerDay:
    """A person walks at most one tour a day, in exactly one slot of that day."""

    name = "one tour a day"

    def apply(self, model: cp_model.CpModel, zone: ZoneProblem, v: RosterVars) -> list[PenaltyTerm]:
        for (p, d), on in v.on.items():
            slots = [v.work[(p, d, t)] for t in zone.open_slots[(p, d)]]
            model.add(sum(slots) == on)
        return []


class ToursAreWalked:
    """A segment is patrolled only on a tour; a tour patrols at least one segment."""

    name = "tours are walked"

    def apply(self, model: cp_model.CpModel, zone: ZoneProblem, v: RosterVars) -> list[PenaltyTerm]:
        for key, on in v.on.items():
            items = v.by_tour.get(key, [])
            for _s, var in items:
                model.add_implication(var, on)
            model.add_bool_or([var for _s, var in items] + [~on])
        return []


class MaxToursPerWeek:
    """A person walks at most ``max_patrols_per_week`` tours a week."""

    name = "tours a week"

    def apply(self, model: cp_model.CpModel, zone: ZoneProblem, v: RosterVars) -> list[PenaltyTerm]:
        days: dict[int, list[cp_model.IntVar]] = {}
        for (p, _d), on in v.on.items():
            days.setdefault(p, []).append(on)
        for p, ons in days.items():
            if len(ons) > zone.max_tours[p]:
                model.add(sum(ons) <= zone.max_tours[p])
        return []


class RestBetweenTours:
    """Tours on different days leave at least ``min_rest_hours`` between them."""

    name = "rest"

    def apply(self, model: cp_model.CpModel, zone: ZoneProblem, v: RosterVars) -> list[PenaltyTerm]:
        for p in range(len(zone.people)):
            for d1, a, d2, b in zone.rest_conflicts:
                first, second = v.work.get((p, d1, a)), v.work.get((p, d2, b))
                if first is not None and second is not None:
                    model.add_bool_or([~first, ~second])
        return []


class TourLength:
    """A tour's segments, plus ``step_cm`` for each step from one to the next, add up to at
    most the level's ``max_km_per_tour`` (the walk itself is measured after solving)."""

    name = "tour length"

    def apply(self, model: cp_model.CpModel, zone: ZoneProblem, v: RosterVars) -> list[PenaltyTerm]:
        step = zone.step_cm
        for (p, d), items in v.by_tour.items():
            if (
                sum(zone.length_cm[s] for s, _ in items) + steps_cm(len(items), step)
                > zone.cap_cm[p]
            ):
                model.add(
                    sum((zone.length_cm[s] + step) * var for s, var in items)
                    <= (zone.cap_cm[p] + step) * v.on[(p, d)]
                )
        return []


class SegmentOncePerDay:
    """A segment is patrolled at most once a day."""

    name = "once a day"

    def apply(self, model: cp_model.CpModel, zone: ZoneProblem, v: RosterVars) -> list[PenaltyTerm]:
        for items in v.by_segment_day.values():
            if len(items) > 1:
                model.add_at_most_one(var for _p, var in items)
        return []


class Pins:
    """Patrols pinned by hand are planned; on locked days (a re-plan's past) nothing else is."""

    name = "pins"

    def apply(self, model: cp_model.CpModel, zone: ZoneProblem, v: RosterVars) -> list[PenaltyTerm]:
        for p, s, d, t in sorted(zone.pins):
            model.add(v.patrol[(p, s, d)] == 1)
            model.add(v.work[(p, d, t)] == 1)
        for (p, s, d), var in v.patrol.items():
            if (
                d in zone.locked
                and (p, s, d, zone.pinned_tours.get((p, d), (-1, []))[0]) not in zone.pins
            ):
                model.add(var == 0)
        return []


class StrictCoverage:
    """With --strict: every required patrol, slot window and personal patrol is planned.

    Each segment's coverage is enforced by its own assumption literal, so that an
    infeasible zone names the segments that cannot all be covered together.
    """

    name = "full coverage (strict)"

    def apply(self, model: cp_model.CpModel, zone: ZoneProblem, v: RosterVars) -> list[PenaltyTerm]:
        if not zone.strict:
            return []
        for s, unmet in v.unmet.items():
            missing = [unmet]
            missing += [v.window_unmet[(s, k)] for k in range(len(zone.windows[s]))]
            if s in v.short:
                missing.append(v.short[s])
            lit = model.new_bool_var(f"covered[{zone.segments[s].segment_id}]")
            model.add(sum(missing) == 0).only_enforce_if(lit)
            v.strict_lits[s] = lit
        model.add_assumptions(list(v.strict_lits.values()))
        return []


class OwnerReach:
    """Implied: the owner walks a segment at most on as many days as they can patrol at all.

    So helpers and unmet demand make up the rest. No roster is cut off; the bound moves from
    the LP's fractional tours to the true count at once (on a demo-scale city it proves the
    optimum in seconds where the plain model leaves a 30% gap).
    """

    name = "owner reach"

    def apply(self, model: cp_model.CpModel, zone: ZoneProblem, v: RosterVars) -> list[PenaltyTerm]:
        days_open = [0] * len(zone.people)
        for p, _d in zone.open_slots:
            days_open[p] += 1
        for s, unmet in v.unmet.items():
            o = zone.owner[s]
            reach = (
                0
                if o is None or not zone.may_patrol(o, s)
                else min(zone.max_tours[o], days_open[o])
            )
            if 0 < reach < zone.demand[s]:  # with no reach it is the demand rule itself
                others = [var for p, _d, var in v.by_segment.get(s, []) if p != o]
                model.add(sum(others) + unmet >= zone.demand[s] - reach)
        return []


class UnmetDemand:
    """Soft: each segment needs ``patrols_per_week`` patrols; a missing one costs per 10 m."""

    name = "unmet demand"

    def apply(self, model: cp_model.CpModel, zone: ZoneProblem, v: RosterVars) -> list[PenaltyTerm]:
        terms = []
        for s, unmet in v.unmet.items():
            patrols = [var for _p, _d, var in v.by_segment.get(s, [])]
            model.add(unmet + sum(patrols) >= zone.demand[s])
            weight = zone.weights.unmet_per_10m * zone.units_10m[s]
            terms.append(PenaltyTerm(self.name, zone.segments[s].segment_id, weight, unmet))
        return terms


class SlotWindows:
    """Soft: of a segment's patrols, those its slot windows require fall in the window's
    slots (markets in the morning); a missing one costs per 10 m."""

    name = "slot windows"

    def apply(self, model: cp_model.CpModel, zone: ZoneProblem, v: RosterVars) -> list[PenaltyTerm]:
        terms = []
        for (s, k), items in v.in_window.items():
            slots, n = zone.windows[s][k]
            unmet = v.window_unmet[(s, k)]
            model.add(unmet + sum(y for _d, y in items) >= n)
            names = "/".join(zone.slots[t].slot_id for t in sorted(slots))
            weight = zone.weights.window_per_10m * zone.units_10m[s]
            terms.append(
                PenaltyTerm(self.name, f"{zone.segments[s].segment_id} {names}", weight, unmet)
            )
        return terms


class PersonalPatrols:
    """Soft: an owner walks each own segment ``accountability_patrols`` times a week
    (路长巡查); a missing personal patrol costs per 10 m."""

    name = "personal patrols"

    def apply(self, model: cp_model.CpModel, zone: ZoneProblem, v: RosterVars) -> list[PenaltyTerm]:
        terms = []
        for s, short in v.short.items():
            o = zone.owner[s]
            mine = [var for p, _d, var in v.by_segment.get(s, []) if p == o]
            model.add(short + sum(mine) >= zone.accountable[s])
            weight = zone.weights.accountability_per_10m * zone.units_10m[s]
            terms.append(PenaltyTerm(self.name, zone.segments[s].segment_id, weight, short))
        return terms


class SpreadRepeats:
    """Every ``spread_days`` consecutive days hold at most one patrol of a segment, counting
    its last patrol of last week (a segment needed n times a week: floor(7 / n) days)."""

    name = "spread"

    def apply(self, model: cp_model.CpModel, zone: ZoneProblem, v: RosterVars) -> list[PenaltyTerm]:
        offset = zone.day_offset
        for s in range(len(zone.segments)):
            w = zone.spread_days[s]
            last = zone.last_offset[s]
            by_day = v.by_segment.get(s, [])
            for a in spread_windows(zone, s):
                inside = [var for _p, d, var in by_day if a <= offset[d] < a + w]
                before = int(last is not None and a <= last < a + w)
                if len(inside) + before > 1:
                    model.add(sum(inside) <= 1 - before)
        return []


class HelperPatrols:
    """Soft: a patrol by someone of the zone other than the segment's owner costs per 10 m."""

    name = "helper patrols"

    def apply(self, model: cp_model.CpModel, zone: ZoneProblem, v: RosterVars) -> list[PenaltyTerm]:
        terms = []
        for (p, s, d), var in v.patrol.items():
            if zone.owner[s] != p and p not in zone.outside:
                weight = zone.weights.helper_per_10m * zone.units_10m[s]
                label = f"{zone.people[p].chief_id} {zone.segments[s].segment_id} {zone.days[d]}"
                terms.append(PenaltyTerm(self.name, label, weight, var))
        return terms


class CrossZonePatrols:
    """Soft: a patrol by an outside helper (a person of another zone) costs per 10 m."""

    name = "cross-zone help"

    def apply(self, model: cp_model.CpModel, zone: ZoneProblem, v: RosterVars) -> list[PenaltyTerm]:
        terms = []
        for (p, s, d), var in v.patrol.items():
            if p in zone.outside:
                weight = zone.weights.cross_zone_per_10m * zone.units_10m[s]
                label = f"{zone.people[p].chief_id} {zone.segments[s].segment_id} {zone.days[d]}"
                terms.append(PenaltyTerm(self.name, label, weight, var))
        return terms


class FairLoad:
    """Soft: each tour above the rounded-up mean load of the person's level group costs."""

    name = "fairness"

    def apply(self, model: cp_model.CpModel, zone: ZoneProblem, v: RosterVars) -> list[PenaltyTerm]:
        terms = []
        for g, mean_up in v.ceil_mean.items():
            members = zone.level_groups[g]
            loads = {p: sum(on for (q, _d), on in v.on.items() if q == p) for p in members}
            terms += above_rounded_mean(
                model, zone, self.name, zone.weights.fairness_per_tour, loads, mean_up, v.over
            )
        return terms


class FairUnsocial:
    """Soft: each evening or weekend tour above the rounded-up mean of the person's level
    group costs, so that unsocial duty is shared."""

    name = "unsocial fairness"

    def apply(self, model: cp_model.CpModel, zone: ZoneProblem, v: RosterVars) -> list[PenaltyTerm]:
        terms = []
        for g, mean_up in v.unsocial_mean.items():
            members = zone.level_groups[g]
            loads = {
                p: sum(
                    var for (q, d, t), var in v.work.items() if q == p and (d, t) in zone.unsocial
                )
                for p in members
            }
            terms += above_rounded_mean(
                model, zone, self.name, zone.weights.unsocial_per_tour, loads, mean_up,
                v.unsocial_over,
            )  # fmt: skip
        return terms


def above_rounded_mean(
    model: cp_model.CpModel,
    zone: ZoneProblem,
    rule: str,
    weight: int,
    loads: Mapping[int, cp_model.IntVar | int],
    mean_up: cp_model.IntVar,
    over: Mapping[int, cp_model.IntVar],
) -> list[PenaltyTerm]:
    """Tie ``mean_up`` to the group's mean load rounded up; charge each member's excess."""
    n, total = len(loads), sum(loads.values())
    model.add(n * mean_up >= total)
    model.add(n * mean_up <= total + n - 1)
    terms = []
    for p, load in loads.items():
        model.add(over[p] >= load - mean_up)
        terms.append(PenaltyTerm(rule, zone.people[p].chief_id, weight, over[p]))
    return terms


class Continuity:
    """Soft: a tour on a weekday without a tour last week, or in another slot than last
    week's tour that weekday, costs (only with last week's roster)."""

    name = "continuity"

    def apply(self, model: cp_model.CpModel, zone: ZoneProblem, v: RosterVars) -> list[PenaltyTerm]:
        terms = []
        w = zone.weights.continuity_per_tour
        for (p, d), t in sorted(zone.previous_slot.items()):
            label = f"{zone.people[p].chief_id} {zone.days[d]}"
            if t is None and (p, d) in v.on:
                terms.append(PenaltyTerm(self.name, label, w, v.on[(p, d)]))
            elif (p, d) in v.moved:
                model.add(v.moved[(p, d)] + v.work[(p, d, t)] >= 1)  # type: ignore[index]
                terms.append(PenaltyTerm(self.name, label, w, v.moved[(p, d)]))
        return terms


class FewChanges:
    """Soft, re-plan only: each patrol dropped from or added to the re-planned roster costs,
    and so does each tour moved to another slot of its day."""

    name = "changes"

    def apply(self, model: cp_model.CpModel, zone: ZoneProblem, v: RosterVars) -> list[PenaltyTerm]:
        if not zone.replan:
            return []
        terms = []
        w = zone.weights.change_per_patrol
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
        for (p, d), moved in v.slot_moved.items():
            t = zone.baseline_slot[(p, d)]
            model.add(moved >= v.on[(p, d)] - v.work[(p, d, t)])
            label = f"{zone.people[p].chief_id} {zone.days[d]} from {zone.slots[t].slot_id}"
            terms.append(
                PenaltyTerm(self.name, "moved " + label, zone.weights.change_per_tour_moved, moved)
            )
        return terms


class Preferences:
    """Soft: a tour in a slot its person would rather not patrol (``avoid``) costs."""

    name = "preferences"

    def apply(self, model: cp_model.CpModel, zone: ZoneProblem, v: RosterVars) -> list[PenaltyTerm]:
        w = zone.weights.preference_per_tour
        return [
            PenaltyTerm(
                self.name,
                f"{zone.people[p].chief_id} {zone.days[d]} {zone.slots[t].slot_id}",
                w,
                v.work[(p, d, t)],
            )
            for p, d, t in sorted(zone.avoided)
            if (p, d, t) in v.work and w
        ]


RULES: tuple[Rule, ...] = (
    OneTourPerDay(),
    ToursAreWalked(),
    MaxToursPerWeek(),
    RestBetweenTours(),
    TourLength(),
    SegmentOncePerDay(),
    SpreadRepeats(),
    Pins(),
    StrictCoverage(),
    OwnerReach(),
    UnmetDemand(),
    SlotWindows(),
    PersonalPatrols(),
    HelperPatrols(),
    CrossZonePatrols(),
    FairLoad(),
    FairUnsocial(),
    Continuity(),
    FewChanges(),
    Preferences(),
)
"""Every rule of the weekly roster: hard rules, the implied cut, then the soft rules."""
