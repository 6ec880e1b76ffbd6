"""Use the room tours have left once their walk is measured: add the patrols still missing.

The model plans a tour's walk by estimate (``cells.py``); measured, a compact tour walks
less and leaves room under its cap, while segments still lack patrols (under shortage,
issue 17: central Shanghai at 10% staffing left 8.8 km of room in 11 tours). Each tour
with room then takes, one at a time, a missing patrol its walker may add that day: of
the highest priority, the nearest few are put in the tour where they add least walk
(``insert``), and the one that saves most per centimetre walked more joins if the tour
still fits its cap. Then a patrol that costs least per centimetre it walks (a dead end
walked there and back, say) is exchanged for a missing one that saves more, if that fits
once the first is out, and the tour is filled again. No tour is opened and no day
changes, so tours a week, rest and slots hold; once a day and the spread of repeat
patrols are the greedy's checks (``tour_plan.TourPlan``); the checker measures every tour again in the order given here.
"""

from __future__ import annotations

import numpy as np

from roadchief.solve.roster.tour_plan import TourPlan
from roadchief.solve.roster.walk import TourWalk, WalkNetwork, length_cm, steps_along, walked_in
from roadchief.solve.roster.zone import Tours, ZoneProblem, nearest_m

TRIED = 8
"""Missing patrols tried in a tour per addition: the nearest of the highest priority."""
SWAPPED = 3
"""Patrols of a tour tried for an exchange: those that cost least per cm they walk."""


def gain_of(zone: ZoneProblem, p: int, s: int) -> int:
    """What one more patrol of a segment still short saves: its unmet cost, less what it
    costs for ``p`` to walk it (``ZoneProblem.helper_weight``)."""
    return zone.unmet_weight(s) - zone.helper_weight(p, s)


Patrols = tuple[tuple[int, int, int], ...]
"""(person, segment, day) patrols."""


def refill_tours(zone: ZoneProblem, tours: Tours) -> tuple[Tours, Patrols, Patrols]:
    """``tours`` with missing patrols added where the measured walk leaves room, some
    exchanged for missing patrols that save more (``_swap``), each tour changed in its new
    walking order; and the patrols added and those exchanged for them."""
    plan = TourPlan(zone, {k: (t, list(segs)) for k, (t, segs) in tours.items()})
    ids = [seg.segment_id for seg in zone.segments]
    index = {segment_id: s for s, segment_id in enumerate(ids)}
    added: list[tuple[int, int, int]] = []
    removed: list[tuple[int, int, int]] = []
    out: Tours = {}
    for (p, d), (t, segs) in sorted(plan.tours.items()):
        walk = zone.walk.walk_in_order([ids[s] for s in segs])
        grown = walk
        if d not in zone.locked:
            grown = _grow(zone, plan, p, d, walk)
            while (swapped := _swap(zone, plan, p, d, grown)) is not None:
                grown = _grow(zone, plan, p, d, swapped)
        if grown is not walk:  # the usual short order, where it walks no more
            planned = zone.walk.plan_walk(grown.order)
            grown = planned if planned.total_cm <= grown.total_cm else grown
        added += [(p, index[x], d) for x in grown.order if x not in walk.order]
        removed += [(p, index[x], d) for x in walk.order if x not in grown.order]
        out[(p, d)] = (t, [index[x] for x in grown.order])
    return out, _by_day(added), _by_day(removed)


def _nearest_missing(
    zone: ZoneProblem,
    plan: TourPlan,
    p: int,
    d: int,
    room: int,
    *,
    more_than: int,
    but: int | None = None,
) -> list[int]:
    """Up to ``TRIED`` missing patrols ``p`` may add to their tour of day ``d`` (no longer
    than ``room``, saving more than ``more_than``, not segment ``but``): of the highest
    priority, nearest the tour's segments first."""
    return _nearest(zone, plan, p, d, _missing(zone, plan, p, d, more_than, but), room)


def _missing(
    zone: ZoneProblem, plan: TourPlan, p: int, d: int, more_than: int, but: int | None = None
) -> list[int]:
    """The missing patrols ``p`` may add to their tour of day ``d``, saving more than
    ``more_than``, not segment ``but``, whatever their length. Adding one segment to the
    tour changes none of these tests for the others: they read that segment's own
    patrols (once a day, spread) and the tour's slot."""
    segs = set(plan.tours[(p, d)][1])
    return [
        s for s in zone.reach[p]
        if s != but and plan.remaining[s] > 0 and s not in segs
        and plan.slot_free(p, d, s) and not plan.crowded(s, d)
        and gain_of(zone, p, s) > more_than
    ]  # fmt: skip


def _nearest(
    zone: ZoneProblem, plan: TourPlan, p: int, d: int, missing: list[int], room: int
) -> list[int]:
    """Up to ``TRIED`` of ``missing`` no longer than ``room``: of the highest priority,
    nearest the segments of ``p``'s tour of day ``d`` first."""
    short = [s for s in missing if zone.length_cm[s] <= room]
    if not short:
        return []
    if zone.priority:
        top = max(zone.priority[s] for s in short)
        short = [s for s in short if zone.priority[s] == top]
    segs = plan.tours[(p, d)][1]
    xy = zone.midpoints
    near = nearest_m(xy[short], xy[segs] if segs else xy[short[:1]])
    return [short[int(k)] for k in np.argsort(near, kind="stable")[:TRIED]]


def _by_day(patrols: list[tuple[int, int, int]]) -> Patrols:
    """(person, segment, day) patrols in order of day, person, segment."""
    return tuple(sorted(patrols, key=lambda a: (a[2], a[0], a[1])))


def _grow(zone: ZoneProblem, plan: TourPlan, p: int, d: int, walk: TourWalk) -> TourWalk:
    """``p``'s walk of day ``d`` with missing patrols added while one fits (``plan`` keeps
    count); the module docstring says which."""
    ids = [seg.segment_id for seg in zone.segments]
    cap = zone.cap_cm[p]
    missing = _missing(zone, plan, p, d, more_than=0)
    while True:
        short = _nearest(zone, plan, p, d, missing, cap - walk.total_cm)
        if not short:
            return walk
        best: tuple[float, int, TourWalk] | None = None
        for s in short:
            after = insert(zone.walk, walk, ids[s])
            ratio = gain_of(zone, p, s) / max(1, after.total_cm - walk.total_cm)
            if after.total_cm <= cap and (best is None or ratio > best[0]):
                best = (ratio, s, after)
        if best is None:
            return walk
        _ratio, s, walk = best
        plan.add(p, d, s)
        missing.remove(s)  # in the tour now; the tests of the others do not change


def _swap(zone: ZoneProblem, plan: TourPlan, p: int, d: int, walk: TourWalk) -> TourWalk | None:
    """``p``'s walk of day ``d`` with one patrol exchanged for a missing one that saves more
    and fits once the first is out: of the ``SWAPPED`` patrols that cost least per cm they
    walk, against the nearest missing patrols; None if no exchange helps. Only patrols
    that are no pin, no personal patrol of the owner and in no slot window leave."""
    ids = [seg.segment_id for seg in zone.segments]
    index = {segment_id: s for s, segment_id in enumerate(ids)}
    pinned = {s for q, s, day, _t in zone.pins if (q, day) == (p, d)}
    if len(walk.order) < 2:
        return None
    saves = dict(zip(walk.order, zone.walk.savings(walk), strict=True))
    movable = []
    for x in walk.order:
        s = index[x]
        personal = zone.accountable and zone.owner[s] == p and zone.accountable[s] > 0
        windowed = zone.windows and zone.windows[s]
        if s in pinned or personal or windowed:
            continue
        cost = gain_of(zone, p, s) if plan.remaining[s] >= 0 else 0
        movable.append((cost / max(1, saves[x]), s, cost))
    for _ratio, s, cost in sorted(movable)[:SWAPPED]:
        without = zone.walk.walk_in_order([x for x in walk.order if x != ids[s]])
        room = zone.cap_cm[p] - without.total_cm
        plan.remove(p, d, s)
        for y in _nearest_missing(zone, plan, p, d, room, more_than=cost, but=s):
            after = insert(zone.walk, without, ids[y])
            if after.total_cm <= zone.cap_cm[p]:
                plan.add(p, d, y)
                return after
        plan.add(p, d, s)  # no exchange: the patrol stays
    return None


def insert(net: WalkNetwork, walk: TourWalk, segment_id: str) -> TourWalk:
    """``walk`` with one more segment, at the place in its order and the way round that
    add least walk (the others walked as they were), then each segment's direction made
    best again: never more than that cheapest insertion."""
    n, at, new = len(walk.order), net.positions(walk.order), net.positions([segment_id])
    back, way = np.array(walk.reverse, dtype=np.intp), np.repeat([0, 1], n)
    # in one lookup: to the new segment (either way round), from it, the steps it had
    cm, _line = net.leg_cm(
        np.concatenate((at, at, np.repeat(new, 2 * n), at[:-1])),
        np.concatenate((back, back, way, back[:-1])),
        np.concatenate((np.repeat(new, 2 * n), at, at, at[1:])),
        np.concatenate((way, back, back, back[1:])),
    )
    to_new, from_new, kept = cm[: 2 * n].reshape(2, n), cm[2 * n : 4 * n].reshape(2, n), cm[4 * n :]
    added = np.zeros((n + 1, 2), dtype=np.int64)  # gap k (before segment k), either way round
    for o in (0, 1):
        added[1:, o] += to_new[o]
        added[:-1, o] += from_new[o]
        added[1:-1, o] -= kept
    k, _o = np.unravel_index(int(np.argmin(added)), added.shape)
    order = [*range(k), n, *range(k, n)]
    segs = [*(net.segments[i] for i in walk.order), net.segments[segment_id]]
    grown_cm = walk.segments_cm + length_cm(segs[-1].length_m)
    return walked_in(segs, order, *steps_along(net, segs, order), segments_cm=grown_cm)
