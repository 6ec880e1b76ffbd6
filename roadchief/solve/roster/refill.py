"""Use the room tours have left once their walk is measured: add the patrols still missing.

The model plans a tour's walk by estimate (``cells.py``); measured, a compact tour walks
less and leaves room under its cap, while segments still lack patrols (under shortage,
issue 17: central Shanghai at 10% staffing left 8.8 km of room in 11 tours). Each tour
with room then takes, one at a time, a missing patrol its walker may add that day: of
the highest priority, the nearest few are measured in the tour, and the one that saves
most per centimetre walked more joins if the tour still fits its cap. No tour is opened
and no day changes, so tours a week, rest and slots hold; once a day and the spread of
repeat patrols are the greedy's checks (``greedy.TourPlan``); the checker verifies all.
"""

from __future__ import annotations

import numpy as np

from roadchief.solve.roster.greedy import TourPlan
from roadchief.solve.roster.zone import Tours, ZoneProblem

TRIED = 4
"""Missing patrols measured in a tour per addition: the nearest of the highest priority."""


def gain_of(zone: ZoneProblem, p: int, s: int) -> int:
    """What one more patrol of a segment still short saves: its unmet cost, less the helper
    patrol it costs when ``p`` is not the owner (``rules/helpers.py``)."""
    helper = 0 if zone.owner[s] == p else zone.weights["helper_per_10m"] * zone.units_10m[s]
    return zone.unmet_weight(s) - helper


def refill_tours(zone: ZoneProblem, tours: Tours) -> tuple[Tours, tuple[tuple[int, int, int], ...]]:
    """``tours`` with missing patrols added where the measured walk leaves room, each tour
    in its measured walking order; and the (person, segment, day) patrols added."""
    plan = TourPlan(zone, {k: (t, list(segs)) for k, (t, segs) in tours.items()})
    ids = [seg.segment_id for seg in zone.segments]
    xy = np.array([(seg.x_m, seg.y_m) for seg in zone.segments], dtype=float).reshape(-1, 2)
    added: list[tuple[int, int, int]] = []
    for (p, d), (_t, segs) in sorted(plan.tours.items()):
        if d in zone.locked:
            continue
        walked = zone.walk.plan_walk(ids[s] for s in segs).total_cm
        while True:
            room = zone.cap_cm[p] - walked
            short = [
                s for s in zone.reach[p]
                if plan.remaining[s] > 0 and zone.length_cm[s] <= room and s not in segs
                and plan.slot_free(p, d, s) and not plan.crowded(s, d) and gain_of(zone, p, s) > 0
            ]  # fmt: skip
            if not short:
                break
            if zone.priority:
                top = max(zone.priority[s] for s in short)
                short = [s for s in short if zone.priority[s] == top]
            here = xy[segs] if segs else xy[short[:1]]
            near = np.min(np.hypot(*(xy[short][:, None, :] - here[None, :, :]).T), axis=0)
            best: tuple[float, int, int] | None = None
            for k in np.argsort(near, kind="stable")[:TRIED]:
                s = short[int(k)]
                after = zone.walk.plan_walk(ids[x] for x in [*segs, s]).total_cm
                more = max(1, after - walked)
                if after <= zone.cap_cm[p] and (
                    best is None or gain_of(zone, p, s) / more > best[0]
                ):
                    best = (gain_of(zone, p, s) / more, s, after)
            if best is None:
                break
            _ratio, s, walked = best
            plan.add(p, d, s)
            added.append((p, s, d))
    index = {segment_id: s for s, segment_id in enumerate(ids)}
    out: Tours = {}
    for key, (t, segs) in sorted(plan.tours.items()):
        order = zone.walk.plan_walk(ids[s] for s in segs).order
        out[key] = (t, [index[x] for x in order])
    return out, tuple(added)
