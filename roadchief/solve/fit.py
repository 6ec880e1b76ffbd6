"""Make every tour of a zone fit its cap with the walk measured: drop the cheapest patrols.

The model reserves an allowance for the walk between segments (``roster.walk_allowance_m``);
a tour whose measured walk needs more is repaired here by dropping, one at a time, the
unpinned patrol that adds least to the objective per centimetre it saves, until the tour
fits. Dropping a patrol never breaks a hard rule (a tour left empty is not walked); what it
costs the objective is counted like any unmet patrol, and the drops are reported.
"""

from __future__ import annotations

from dataclasses import dataclass

from roadchief.solve.zone import Tours, ZoneProblem


@dataclass(frozen=True)
class FittedTours:
    """A zone's tours after the repair, and what the repair did."""

    tours: Tours
    over_cap: int
    """Tours over their cap before the repair."""
    dropped: tuple[tuple[int, int, int], ...]
    """(person, segment, day) patrols dropped, in the order they were dropped."""


def fit_tours(zone: ZoneProblem, tours: Tours) -> FittedTours:
    """The tours with every one within its cap, segments plus the measured walk."""
    count = [0] * len(zone.segments)
    by_owner = [0] * len(zone.segments)
    for (p, _d), (_t, segs) in tours.items():
        for s in segs:
            count[s] += 1
            by_owner[s] += int(zone.owner[s] == p)
    pinned = {(p, s, d) for p, s, d, _t in zone.pins}
    ids = [seg.segment_id for seg in zone.segments]
    out: Tours = {}
    over = 0
    dropped: list[tuple[int, int, int]] = []
    for (p, d), (t, segs) in sorted(tours.items()):
        left = list(segs)
        walk = zone.walk.plan_walk(ids[s] for s in left)
        over += int(walk.total_cm > zone.cap_cm[p])
        while walk.total_cm > zone.cap_cm[p]:
            options = [s for s in left if (p, s, d) not in pinned]
            if not options:  # pins alone over the cap are refused up front (zone.py)
                break
            prices = []
            for s in options:  # what leaving s out of the walked order saves
                rest = zone.walk.walk_in_order([i for i in walk.order if i != ids[s]])
                saved = walk.total_cm - rest.total_cm
                cost = _drop_cost(zone, p, s, count[s], by_owner[s])
                prices.append((cost / saved if saved > 0 else float("inf"), -saved, s))
            s = min(prices)[2]
            left.remove(s)
            walk = zone.walk.plan_walk(ids[x] for x in left)
            count[s] -= 1
            by_owner[s] -= int(zone.owner[s] == p)
            dropped.append((p, s, d))
        if left:
            out[(p, d)] = (t, left)
    return FittedTours(out, over, tuple(dropped))


def _drop_cost(zone: ZoneProblem, p: int, s: int, planned: int, by_owner: int) -> int:
    """What dropping person ``p``'s patrol of segment ``s`` adds to the objective, about:
    a missing patrol, a missing personal patrol, less a helper patrol saved."""
    w, units = zone.weights, zone.units_10m[s]
    cost = w.unmet_per_10m * units if planned <= zone.demand[s] else 0
    if zone.owner[s] == p and zone.accountable and by_owner <= zone.accountable[s]:
        cost += w.accountability_per_10m * units
    if zone.owner[s] != p:
        cost -= w.helper_per_10m * units
    return max(cost, 0)
