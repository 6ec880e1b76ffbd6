"""Tiny hand-made instances for the solve tests: a few segments on a line, a few people."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Sequence

from roadchief.domain import (
    Assignment,
    Chief,
    ChiefLevel,
    Ownership,
    PatrolInstance,
    PatrolLimits,
    PlanContext,
    Recheck,
    Roster,
    RosterWeights,
    Segment,
    Slot,
    SlotWindow,
    SolveStats,
    Unavailability,
    Week,
    Zone,
    tour_id_for,
)

WEEK = Week(2026, 49)
DAYS = tuple(WEEK.days)
MON, TUE, WED, THU, FRI, SAT, SUN = DAYS
EARLY = Slot("early", dt.time(6, 30), dt.time(8, 30))
MORNING = Slot("morning", dt.time(9, 0), dt.time(11, 30))
EVENING = Slot("evening", dt.time(18, 0), dt.time(21, 0))
SLOTS = (EARLY, MORNING, EVENING)
LIMITS = {
    ChiefLevel.GENERAL: PatrolLimits(8.0, owns_segments=False, patrols=False),
    ChiefLevel.L1: PatrolLimits(8.0, owns_segments=False, patrols=False),
    ChiefLevel.L2: PatrolLimits(8.0, owns_segments=False, patrols=True),
    ChiefLevel.SEGMENT: PatrolLimits(1.0, owns_segments=True, patrols=True),
    ChiefLevel.PATROLLER: PatrolLimits(8.0, owns_segments=False, patrols=True),
}
WEIGHTS = RosterWeights(unmet_per_10m=100, helper_per_10m=2, fairness_per_tour=30)
FULL_WEIGHTS = RosterWeights(
    unmet_per_10m=100,
    helper_per_10m=2,
    fairness_per_tour=30,
    window_per_10m=50,
    accountability_per_10m=150,
    unsocial_per_tour=30,
    continuity_per_tour=5,
    change_per_patrol=40,
    change_per_tour_moved=40,
    preference_per_tour=20,
    cross_zone_per_10m=10,
    recheck_missed=200_000,
    short_tour_per_10m=2,
)


def seg(
    n: int, zone: str = "A", length_m: float = 300.0, ppw: int = 1, *, x: float | None = None
) -> Segment:
    """Segment ``s{n}`` on a straight road: nodes n and n+1, midpoint at 100 n m."""
    return Segment(
        segment_id=f"s{n}",
        source_id=f"road-{zone}",
        zone_id=zone,
        road_name=f"Road {zone}",
        road_class="branch",
        length_m=length_m,
        x_m=100.0 * n if x is None else x,
        y_m=0.0,
        from_node=n,
        to_node=n + 1,
        patrols_per_week=ppw,
    )


def person(
    chief_id: str,
    zone: str | None = "A",
    *,
    level: ChiefLevel = ChiefLevel.SEGMENT,
    max_week: int = 5,
    off: Unavailability | None = None,
) -> Chief:
    """A chief of ``zone``; by default a segment chief with 5 tours a week."""
    return Chief(chief_id, chief_id.upper(), zone, level, max_week, off or Unavailability())


def instance(
    segments: Sequence[Segment],
    chiefs: Sequence[Chief],
    *,
    days: Sequence[dt.date] = DAYS,
    slots: Sequence[Slot] = SLOTS,
    min_rest_hours: float = 10.0,
    weights: RosterWeights = WEIGHTS,
    helpers: int | None = None,
    context: PlanContext | None = None,
    cross_zone: int = 0,
) -> PatrolInstance:
    """An instance whose zones are the zones its segments and chiefs name; by default
    everyone of a zone may help on every segment of it (no ``helpers_per_segment``)."""
    zone_ids = sorted({s.zone_id for s in segments} | {c.zone_id for c in chiefs if c.zone_id})
    return PatrolInstance(
        week=WEEK,
        days=tuple(days),
        slots=tuple(slots),
        zones=tuple(Zone(z, f"Zone {z}") for z in zone_ids),
        segments=tuple(segments),
        chiefs=tuple(chiefs),
        limits=LIMITS,
        weights=weights,
        min_rest_hours=min_rest_hours,
        helpers_per_segment=helpers,
        cross_zone_helpers=cross_zone,
        context=context or PlanContext(),
    )


def owned(pairs: dict[str, str]) -> Ownership:
    """Ownership from ``{segment_id: chief_id}``."""
    return Ownership(dict(pairs))


def roster(items: Iterable[tuple[dt.date, Slot, str, Sequence[str]]]) -> Roster:
    """A hand-made roster from (day, slot, chief, [segments in walking order]) tours."""
    out = []
    for day, slot, chief_id, segment_ids in items:
        tour = tour_id_for(chief_id, day, slot.slot_id)
        for k, s in enumerate(segment_ids, start=1):
            out.append(Assignment(day, slot.slot_id, chief_id, s, tour, k))
    return Roster(WEEK, tuple(sorted(out)), {"A": SolveStats("HAND", 0.0, 0.0, 0.0, 0)})


def grid_instance(
    nx: int, ny: int, *, zones: int = 2, people: int = 3, seed: int = 0, helpers: int | None = None
) -> PatrolInstance:
    """A street grid of nx x ny crossings, cut into vertical zone strips, with random demand."""
    import random

    rng = random.Random(seed)
    edges = [((i, j), (i + 1, j)) for i in range(nx - 1) for j in range(ny)]
    edges += [((i, j), (i, j + 1)) for i in range(nx) for j in range(ny - 1)]
    segments = []
    for n, (a, b) in enumerate(edges):
        x = 50.0 * (a[0] + b[0])
        zone = chr(ord("A") + min(zones - 1, int(x / (100.0 * nx) * zones)))
        segments.append(
            Segment(
                segment_id=f"g{n:03d}",
                source_id="grid",
                zone_id=zone,
                road_name="Grid",
                road_class="branch",
                length_m=rng.uniform(60, 400),
                x_m=x,
                y_m=50.0 * (a[1] + b[1]),
                from_node=a[0] * ny + a[1],
                to_node=b[0] * ny + b[1],
                patrols_per_week=rng.choice([1, 1, 2, 3, 7]),
            )
        )
    chiefs = []
    for z in range(zones):
        zone = chr(ord("A") + z)
        for k in range(people):
            off = Unavailability(
                weekdays=frozenset({rng.randrange(7)}) if rng.random() < 0.5 else frozenset()
            )
            chiefs.append(person(f"{zone.lower()}{k}", zone, off=off))
        chiefs.append(person(f"{zone.lower()}-l2", zone, level=ChiefLevel.L2, max_week=2))
    return instance(segments, chiefs, helpers=helpers)


def every_rule(inst: PatrolInstance) -> PatrolInstance:
    """``inst`` with slot windows, personal patrols, spread, unsocial duty, last week and
    two rechecks (one overdue before the week) and a least tour length."""
    return dataclasses.replace(
        inst,
        helpers_per_segment=1,
        weights=FULL_WEIGHTS,
        context=PlanContext(
            windows=(SlotWindow("class:branch", frozenset({"evening"}), 1),),
            accountability_patrols=1,
            spread=True,
            unsocial_slots=frozenset({"evening"}),
            weekend=frozenset(inst.days[5:]),
            last_patrol={s.segment_id: dt.date(2026, 11, 29) for s in inst.segments[::3]},
            previous_slot={(c.chief_id, 0): "early" for c in inst.chiefs},
            rechecks=(
                Recheck("K1", inst.segments[1].segment_id, inst.days[1]),
                Recheck("K2", inst.segments[-1].segment_id, inst.days[0] - dt.timedelta(days=3)),
            ),
            min_tour_m=500.0,
        ),
    )
