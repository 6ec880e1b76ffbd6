"""A finished roster as the checker's rule measures read it: plain data, no ortools.

Built once per check from the instance, the ownership and the roster's assignments; it
shares no code with the model or the greedy, except the rule of who may help on a segment
(``patrollers.py``, ``outside.py``: plain data, like the ownership) and the measure of a
tour's walk (``walk.py``), which the model, the greedy and the checker all read so that
they agree on them.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from functools import cached_property

from roadchief.domain import (
    Assignment,
    Chief,
    Ownership,
    PatrolInstance,
    PlanContext,
    Roster,
    Segment,
    Slot,
)
from roadchief.solve.roster.outside import outside_helpers
from roadchief.solve.roster.patrollers import patrollers_by_segment
from roadchief.solve.roster.roster_walks import roster_walks
from roadchief.solve.roster.walk import TourWalk

KM_TOLERANCE_M = 1e-6

TourKey = tuple[str, dt.date, str]
"""(chief id, day, slot id) of a tour."""


def units_10m(length_m: float) -> int:
    """A segment's length in whole 10 m units (rounded half up, at least 1): the cost unit."""
    return max(1, math.floor(length_m / 10.0 + 0.5))


def cm_fits(length_m: float, cap_m: float) -> bool:
    """The model's test that a segment fits a tour, in whole centimetres."""
    return math.ceil(round(length_m * 100.0, 6)) <= math.floor(round(cap_m * 100.0, 6))


@dataclass
class RosterFacts:
    """The roster's assignments, those that name a known segment, person and slot
    (``valid``), its tours and the instance's lookups."""

    instance: PatrolInstance
    ownership: Ownership
    roster: Roster
    segments: dict[str, Segment]
    chiefs: dict[str, Chief]
    slots: dict[str, Slot]
    valid: list[Assignment]
    """Assignments whose segment, person and slot exist (their day may not be a patrol day)."""
    tours: dict[TourKey, list[Assignment]]
    """The valid assignments by tour, in roster order."""
    may: dict[str, tuple[str, ...]]
    """segment id -> the people of its zone who may patrol it (``patrollers.py``)."""
    outside: dict[str, tuple[str, ...]]
    """zone id -> the people of other zones who may help it (``outside.py``)."""

    @classmethod
    def of(cls, instance: PatrolInstance, ownership: Ownership, roster: Roster) -> RosterFacts:
        """The facts of ``roster`` on ``instance``."""
        segments = {s.segment_id: s for s in instance.segments}
        chiefs = {c.chief_id: c for c in instance.chiefs}
        slots = {s.slot_id: s for s in instance.slots}
        may = patrollers_by_segment(instance, ownership)
        outside = outside_helpers(instance, ownership)
        valid = [
            a
            for a in roster.assignments
            if a.segment_id in segments and a.chief_id in chiefs and a.slot_id in slots
        ]
        tours: dict[TourKey, list[Assignment]] = {}
        for a in valid:
            tours.setdefault((a.chief_id, a.day, a.slot_id), []).append(a)
        return cls(instance, ownership, roster, segments, chiefs, slots, valid, tours, may, outside)

    @property
    def context(self) -> PlanContext:
        """The week's roster rules, last week, pins and re-plan data."""
        return self.instance.context

    @cached_property
    def by_segment(self) -> dict[str, list[Assignment]]:
        """segment id -> its valid assignments."""
        out: dict[str, list[Assignment]] = {}
        for a in self.valid:
            out.setdefault(a.segment_id, []).append(a)
        return out

    def owner(self, segment_id: str) -> str | None:
        """The segment's owner, if any."""
        return self.ownership.owner_of.get(segment_id)

    @cached_property
    def walks(self) -> dict[str, TourWalk]:
        """Every tour as walked in its order, by tour id (``walk.py``)."""
        by_tour: dict[str, list[Assignment]] = {}
        for a in sorted(self.valid, key=lambda a: (a.tour_id, a.order)):
            by_tour.setdefault(a.tour_id, []).append(a)
        return roster_walks(
            self.instance.segments,
            {t: [a.segment_id for a in items] for t, items in by_tour.items()},
            detour_factor=self.instance.context.walk_detour_factor,
        )

    @cached_property
    def caps_cm(self) -> dict[str, int]:
        """Every tour's cap, by tour id: its person's level's km per tour, in whole cm."""
        out: dict[str, int] = {}
        for a in sorted(self.valid, key=lambda a: (a.tour_id, a.order)):
            if a.tour_id not in out:
                cap_km = self.instance.limits[self.chiefs[a.chief_id].level].max_km_per_tour
                out[a.tour_id] = math.floor(round(cap_km * 100_000.0, 6))
        return out

    @cached_property
    def worked(self) -> dict[str, list[tuple[dt.date, str]]]:
        """chief id -> (day, slot id) of each of their tours, in order."""
        out: dict[str, list[tuple[dt.date, str]]] = {}
        for chief_id, day, slot_id in sorted(self.tours):
            out.setdefault(chief_id, []).append((day, slot_id))
        return out

    @cached_property
    def home(self) -> list[TourKey]:
        """The tours that walk a segment of their person's own zone (not cross-zone help)."""
        return [
            key
            for key, items in self.tours.items()
            if any(
                self.segments[a.segment_id].zone_id == self.chiefs[key[0]].zone_id for a in items
            )
        ]

    @cached_property
    def groups(self) -> dict[tuple[str, str], list[str]]:
        """(zone id, level) -> the patrolling people of that zone and level: whom fairness
        compares."""
        out: dict[tuple[str, str], list[str]] = {}
        for c in self.instance.chiefs:
            if c.zone_id is not None and self.instance.limits[c.level].patrols:
                out.setdefault((c.zone_id, c.level.value), []).append(c.chief_id)
        return out

    @cached_property
    def open_days(self) -> dict[str, set[dt.date]]:
        """chief id -> days on which the person may walk a tour: available in a slot, not
        locked (unless a pin puts them there), and allowed tours at all."""
        return {c.chief_id: self._open_days(c) for c in self.instance.chiefs}

    def _open_days(self, person: Chief) -> set[dt.date]:
        if person.max_patrols_per_week <= 0:
            return set()
        ctx = self.instance.context
        pinned = {(a.day, a.slot_id) for a in ctx.pins if a.chief_id == person.chief_id}
        out = set()
        for day in self.instance.days:
            for slot in self.instance.slots:
                if not person.available(day, slot):
                    continue
                locked = ctx.locked_before is not None and day < ctx.locked_before
                if locked and (day, slot.slot_id) not in pinned:
                    continue
                out.add(day)
        return out

    def zone_of(self, segment_id: str) -> str:
        """The zone of a placed segment."""
        return self.segments[segment_id].zone_id
