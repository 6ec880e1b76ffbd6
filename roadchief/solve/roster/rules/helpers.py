"""Patrols by someone other than the owner: a helper of the zone, or one from another zone."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, ClassVar

from roadchief.solve.roster.rules.base import Measure, PenaltyTerm, Rule
from roadchief.solve.roster.rules.facts import units_10m

if TYPE_CHECKING:
    from ortools.sat.python import cp_model

    from roadchief.solve.roster.rules.facts import RosterFacts
    from roadchief.solve.roster.variables import RosterVars
    from roadchief.solve.roster.zone import ZoneProblem


class HelperPatrols(Rule):
    """Soft: a patrol by someone of the zone other than the segment's owner costs
    ``helper_per_10m`` per 10 m."""

    name = "helper patrols"
    key = "helper"
    weights = ("helper_per_10m",)
    counts: ClassVar[Mapping[str, float]] = {"helper_patrols": 0}

    def apply(self, model: cp_model.CpModel, zone: ZoneProblem, v: RosterVars) -> list[PenaltyTerm]:
        terms = []
        for (p, s, d), var in v.patrol.items():
            if zone.owner[s] != p and p not in zone.outside:
                weight = zone.weights["helper_per_10m"] * zone.units_10m[s]
                label = f"{zone.people[p].chief_id} {zone.segments[s].segment_id} {zone.days[d]}"
                terms.append(PenaltyTerm(self.name, label, weight, var))
        return terms

    def measure(self, facts: RosterFacts) -> Measure:
        """``helper_patrols``: patrols by people of the segment's zone other than its owner."""
        m = Measure()
        w = facts.instance.weights["helper_per_10m"]
        for a in facts.valid:
            seg = facts.segments[a.segment_id]
            home = facts.chiefs[a.chief_id].zone_id == seg.zone_id
            if home and facts.owner(a.segment_id) != a.chief_id:
                m.count("helper_patrols", seg.zone_id)
                m.charge(seg.zone_id, w * units_10m(seg.length_m))
        return m


class CrossZonePatrols(Rule):
    """Soft: a patrol by an outside helper (a person of another zone, ``cross_zone.py``)
    costs ``cross_zone_per_10m`` per 10 m, charged to the segment's zone."""

    name = "cross-zone help"
    key = "cross_zone"
    weights = ("cross_zone_per_10m",)
    counts: ClassVar[Mapping[str, float]] = {"cross_zone_patrols": 0, "cross_zone_km": 0.0}

    def apply(self, model: cp_model.CpModel, zone: ZoneProblem, v: RosterVars) -> list[PenaltyTerm]:
        terms = []
        for (p, s, d), var in v.patrol.items():
            if p in zone.outside:
                weight = zone.weights["cross_zone_per_10m"] * zone.units_10m[s]
                label = f"{zone.people[p].chief_id} {zone.segments[s].segment_id} {zone.days[d]}"
                terms.append(PenaltyTerm(self.name, label, weight, var))
        return terms

    def measure(self, facts: RosterFacts) -> Measure:
        """``cross_zone_patrols`` and ``cross_zone_km``: patrols walked here by people of
        other zones who do not own the segment."""
        m = Measure()
        w = facts.instance.weights["cross_zone_per_10m"]
        for a in facts.valid:
            seg = facts.segments[a.segment_id]
            away = facts.chiefs[a.chief_id].zone_id != seg.zone_id
            if away and facts.owner(a.segment_id) != a.chief_id:
                m.count("cross_zone_patrols", seg.zone_id)
                m.count("cross_zone_km", seg.zone_id, seg.length_m / 1000.0)
                m.charge(seg.zone_id, w * units_10m(seg.length_m))
        return m
