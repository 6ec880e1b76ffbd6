"""A synthetic demo-scale city: a jittered street grid cut into zones, with chiefs and leave."""

from __future__ import annotations

import datetime as dt
import math
import random

from roadchief.domain import (
    Chief,
    ChiefLevel,
    PatrolInstance,
    PatrolLimits,
    RosterWeights,
    Segment,
    Slot,
    Unavailability,
    Week,
    Zone,
)

SLOTS = (
    Slot("early", dt.time(6, 30), dt.time(8, 30)),
    Slot("morning", dt.time(9, 0), dt.time(11, 30)),
    Slot("afternoon", dt.time(14, 0), dt.time(17, 0)),
    Slot("evening", dt.time(18, 0), dt.time(21, 0)),
)
LIMITS = {
    ChiefLevel.GENERAL: PatrolLimits(8.0, owns_segments=False, patrols=False),
    ChiefLevel.L1: PatrolLimits(8.0, owns_segments=False, patrols=False),
    ChiefLevel.L2: PatrolLimits(8.0, owns_segments=False, patrols=True),
    ChiefLevel.SEGMENT: PatrolLimits(6.0, owns_segments=True, patrols=True),
    ChiefLevel.PATROLLER: PatrolLimits(8.0, owns_segments=False, patrols=True),
}
WEIGHTS = RosterWeights(unmet_per_10m=100, helper_per_10m=2, fairness_per_tour=30)


def synthetic_city(
    nx: int = 37,
    ny: int = 36,
    n_zones: int = 13,
    n_owners: int = 78,
    seed: int = 7,
    tour_km: float = 6.0,
    helpers: int | None = 4,
) -> PatrolInstance:
    """About 2 nx ny segments of ~95 m in ``n_zones`` zones; owners plus one L2 per zone.

    ``helpers``: helpers per segment besides its owner (None: everyone of the zone helps).
    """
    rng = random.Random(seed)
    spacing = 95.0
    node_xy = {
        (i, j): (i * spacing + rng.uniform(-15, 15), j * spacing + rng.uniform(-15, 15))
        for i in range(nx)
        for j in range(ny)
    }
    node_id = {key: k for k, key in enumerate(sorted(node_xy))}
    edges = [((i, j), (i + 1, j)) for i in range(nx - 1) for j in range(ny)]
    edges += [((i, j), (i, j + 1)) for i in range(nx) for j in range(ny - 1)]
    centres = [(rng.uniform(0, nx * spacing), rng.uniform(0, ny * spacing)) for _ in range(n_zones)]
    for _ in range(8):  # a few k-means steps on the nodes: compact, similar zones
        groups: list[list[tuple[float, float]]] = [[] for _ in centres]
        for x, y in node_xy.values():
            k = min(
                range(n_zones), key=lambda k: (x - centres[k][0]) ** 2 + (y - centres[k][1]) ** 2
            )
            groups[k].append((x, y))
        centres = [
            (sum(p[0] for p in g) / len(g), sum(p[1] for p in g) / len(g)) if g else centres[k]
            for k, g in enumerate(groups)
        ]
    segments = []
    for n, (a, b) in enumerate(edges):
        (xa, ya), (xb, yb) = node_xy[a], node_xy[b]
        x, y = (xa + xb) / 2, (ya + yb) / 2
        length = math.hypot(xb - xa, yb - ya) * rng.uniform(1.0, 1.25)
        line = a[1] if a[1] == b[1] else a[0]
        if line % 9 == 4:
            road_class, ppw = "arterial", 7
        elif line % 4 == 1:
            road_class, ppw = "secondary", 3
        else:
            road_class, ppw = rng.choice([("branch", 2), ("lane", 1), ("lane", 1)])
        if rng.random() < 0.04:
            ppw += rng.choice([1, 2, 3])  # a priority place nearby
        k = min(range(n_zones), key=lambda k: (x - centres[k][0]) ** 2 + (y - centres[k][1]) ** 2)
        segments.append(
            Segment(
                segment_id=f"s{n:05d}",
                source_id=f"road{line}",
                zone_id=f"z{k:02d}",
                road_name=f"Road {line}",
                road_class=road_class,
                length_m=round(length, 2),
                x_m=x,
                y_m=y,
                from_node=node_id[a],
                to_node=node_id[b],
                patrols_per_week=ppw,
            )
        )
    work = [0.0] * n_zones
    for s in segments:
        work[int(s.zone_id[1:])] += s.length_m * s.patrols_per_week
    total = sum(work)
    week = Week(2026, 49)
    chiefs = []
    for k in range(n_zones):
        n = max(1, round(n_owners * work[k] / total))
        for i in range(n):
            chiefs.append(
                Chief(
                    f"c{k:02d}_{i:02d}",
                    f"Chief {k}-{i}",
                    f"z{k:02d}",
                    ChiefLevel.SEGMENT,
                    5,
                    _leave(rng, week),
                )
            )
        chiefs.append(Chief(f"l2_{k:02d}", f"Leader {k}", f"z{k:02d}", ChiefLevel.L2, 2))
    return PatrolInstance(
        week=week,
        days=tuple(week.days),
        slots=SLOTS,
        zones=tuple(Zone(f"z{k:02d}", f"Zone {k}") for k in range(n_zones)),
        segments=tuple(segments),
        chiefs=tuple(chiefs),
        limits={**LIMITS, ChiefLevel.SEGMENT: PatrolLimits(tour_km, True, True)},
        weights=WEIGHTS,
        min_rest_hours=10.0,
        helpers_per_segment=helpers,
    )


def _leave(rng: random.Random, week: Week) -> Unavailability:
    """Day jobs and leave: a weekday off, some half-days, a few days of leave."""
    r = rng.random()
    if r < 0.3:
        return Unavailability(weekdays=frozenset({rng.randrange(7)}))
    if r < 0.5:
        day = rng.randrange(5)
        return Unavailability(half_days=frozenset({(day, True), (day + 1, True), (day + 2, False)}))
    if r < 0.55:
        start = rng.randrange(5)
        return Unavailability(dates=frozenset(week.days[start : start + 3]))
    return Unavailability()
