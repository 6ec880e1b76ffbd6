"""One zone of a week's instance in the integer units that the roster model and the greedy share.

Nothing here imports ortools: the greedy baseline and the CP-SAT model read the same
numbers, so a greedy roster is always a feasible hint for the model.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property

from roadchief.domain import Chief, Ownership, PatrolInstance, RosterWeights, Segment, Slot
from roadchief.errors import InfeasibleError
from roadchief.solve.patrollers import active_patrollers, zone_patrollers

Tours = dict[tuple[int, int], tuple[int, list[int]]]
"""A zone's plan: (person index, day index) -> (slot index, segment indices of the tour)."""


def units_10m(length_m: float) -> int:
    """A segment's length in whole 10 m units (rounded half up, at least 1): the cost unit."""
    return max(1, math.floor(length_m / 10.0 + 0.5))


def length_cm(length_m: float) -> int:
    """A length rounded up to whole centimetres, so integer tour sums never undercount."""
    return math.ceil(round(length_m * 100.0, 6))


def cap_cm(max_km: float) -> int:
    """A tour cap rounded down to whole centimetres, so integer sums never overshoot it."""
    return math.floor(round(max_km * 100_000.0, 6))


def rest_conflicts(
    days: tuple[dt.date, ...], slots: tuple[Slot, ...], min_rest_hours: float
) -> tuple[tuple[int, int, int, int], ...]:
    """Pairs (day i, slot a, day j, slot b), i < j, whose tours leave less than the least rest."""
    least = dt.timedelta(hours=min_rest_hours)
    out = []
    for i, d1 in enumerate(days):
        for j in range(i + 1, len(days)):
            d2 = days[j]
            for a, s1 in enumerate(slots):
                for b, s2 in enumerate(slots):
                    gap = dt.datetime.combine(d2, s2.start) - dt.datetime.combine(d1, s1.end)
                    if gap < least:
                        out.append((i, a, j, b))
    return tuple(out)


@dataclass(frozen=True)
class ZoneProblem:
    """Everything one zone's roster needs, indexed by position: people, segments, days, slots."""

    zone_id: str
    days: tuple[dt.date, ...]
    slots: tuple[Slot, ...]
    people: tuple[Chief, ...]
    """People of the zone who patrol, sorted by id."""
    segments: tuple[Segment, ...]
    """Segments of the zone, sorted by id."""
    owner: tuple[int | None, ...]
    """Per segment: index of its owner in ``people``, None if the owner does not patrol."""
    length_cm: tuple[int, ...]
    units_10m: tuple[int, ...]
    demand: tuple[int, ...]
    cap_cm: tuple[int, ...]
    """Per person: the longest tour, in cm."""
    max_tours: tuple[int, ...]
    open_slots: Mapping[tuple[int, int], tuple[int, ...]]
    """(person, day) -> slots the person is available in; missing when none."""
    rest_conflicts: tuple[tuple[int, int, int, int], ...]
    level_groups: tuple[tuple[int, ...], ...]
    """People indices grouped by level (fairness compares people of one level)."""
    weights: RosterWeights
    patrollers: tuple[tuple[int, ...], ...]
    """Per segment: the people who may patrol it (its owner and its nearest helpers, see
    ``patrollers.py``) and for whom it fits in one tour, in increasing index order."""

    @cached_property
    def reach(self) -> tuple[tuple[int, ...], ...]:
        """Per person: the segments they may patrol, in increasing index order."""
        out: list[list[int]] = [[] for _ in self.people]
        for s, who in enumerate(self.patrollers):
            for p in who:
                out[p].append(s)
        return tuple(tuple(x) for x in out)

    @cached_property
    def size(self) -> int:
        """Number of (person, segment, day) patrol choices: the model's size, for time budgets."""
        return sum(len(self.reach[p]) for (p, _d) in self.open_slots)

    def may_patrol(self, p: int, s: int) -> bool:
        """True if person ``p`` may walk segment ``s``: a patroller of it, and it fits a tour."""
        return p in self.patrollers[s]


def zone_problems(instance: PatrolInstance, ownership: Ownership) -> list[ZoneProblem]:
    """Split an instance into independent zones; raise InfeasibleError on broken ownership."""
    chiefs = {c.chief_id: c for c in instance.chiefs}
    problems: list[str] = []
    for seg in instance.segments:
        owner_id = ownership.owner_of.get(seg.segment_id)
        if owner_id is None:
            problems.append(f"segment {seg.segment_id} (zone {seg.zone_id}) has no owner")
        elif owner_id not in chiefs:
            problems.append(f"segment {seg.segment_id}: owner {owner_id} is not a known chief")
        elif chiefs[owner_id].zone_id != seg.zone_id:
            problems.append(
                f"segment {seg.segment_id} lies in zone {seg.zone_id} but its owner "
                f"{owner_id} serves zone {chiefs[owner_id].zone_id}"
            )
    if problems:
        raise InfeasibleError(
            f"the ownership does not fit the instance ({len(problems)} problems); "
            "rerun assign_owners on this instance:\n" + "\n".join(f"  - {p}" for p in problems)
        )
    conflicts = rest_conflicts(instance.days, instance.slots, instance.min_rest_hours)
    segs_by_zone = instance.segments_by_zone()
    chiefs_by_zone = instance.chiefs_by_zone()
    out = []
    for zone_id in sorted(set(segs_by_zone) | set(chiefs_by_zone)):
        people = sorted(
            (c for c in chiefs_by_zone.get(zone_id, []) if instance.limits[c.level].patrols),
            key=lambda c: c.chief_id,
        )
        segs = sorted(segs_by_zone.get(zone_id, []), key=lambda s: s.segment_id)
        index = {c.chief_id: i for i, c in enumerate(people)}
        open_slots = {}
        for p, person in enumerate(people):
            for d, day in enumerate(instance.days):
                ok = tuple(
                    t for t, slot in enumerate(instance.slots) if person.available(day, slot)
                )
                if ok and person.max_patrols_per_week > 0:
                    open_slots[(p, d)] = ok
        groups: dict[str, list[int]] = {}
        for p, person in enumerate(people):
            groups.setdefault(person.level.value, []).append(p)
        caps = tuple(cap_cm(instance.limits[c.level].max_km_per_tour) for c in people)
        lengths = tuple(length_cm(s.length_m) for s in segs)
        may = zone_patrollers(
            segs,
            active_patrollers(instance, people),
            ownership.owner_of,
            instance.helpers_per_segment,
        )
        patrollers = tuple(
            tuple(
                sorted(
                    p for p in map(index.__getitem__, may[s.segment_id]) if lengths[i] <= caps[p]
                )
            )
            for i, s in enumerate(segs)
        )
        out.append(
            ZoneProblem(
                zone_id=zone_id,
                days=tuple(instance.days),
                slots=tuple(instance.slots),
                people=tuple(people),
                segments=tuple(segs),
                owner=tuple(index.get(ownership.owner_of[s.segment_id]) for s in segs),
                length_cm=lengths,
                units_10m=tuple(units_10m(s.length_m) for s in segs),
                demand=tuple(max(0, s.patrols_per_week) for s in segs),
                cap_cm=caps,
                max_tours=tuple(max(0, c.max_patrols_per_week) for c in people),
                open_slots=open_slots,
                rest_conflicts=conflicts,
                level_groups=tuple(tuple(g) for _, g in sorted(groups.items())),
                weights=instance.weights,
                patrollers=patrollers,
            )
        )
    return out
