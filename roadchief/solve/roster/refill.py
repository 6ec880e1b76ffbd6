"""Use the room tours have left once their walk is measured: add the patrols still missing.

The model plans a tour's walk by estimate (``cells.py``); measured, a compact tour walks
less and leaves room under its cap, while segments still lack patrols (under shortage,
issue 17: central Shanghai at 10% staffing left 8.8 km of room in 11 tours). Each tour
with room then takes, one at a time, a missing patrol its walker may add that day: of
the highest priority, the nearest few dozen are priced by the walk their cheapest
insertion adds (``insertions``), the few that save most per centimetre of it are put in
the tour exactly (``insert``), and the best of those joins if the tour still fits its
cap. Then a patrol that costs least per centimetre it walks (a dead end walked there and
back, say) is exchanged for a missing one that saves more, if that fits once the first
is out, and the tour is filled again. No tour is opened and no day changes, so tours a
week, rest and slots hold; once a day and the spread of repeat patrols are the greedy's
checks (``tour_plan.TourPlan``); the checker measures every tour again in the order
given here.
"""

from __future__ import annotations

import numpy as np

from roadchief.solve.roster.tour_plan import TourPlan
from roadchief.solve.roster.walk import TourWalk, WalkNetwork, length_cm, steps_along, walked_in
from roadchief.solve.roster.zone import Tours, ZoneProblem, nearest_m

SCREENED = 64
"""Missing patrols screened per addition to a tour: the nearest of the highest priority,
each priced by the walk its cheapest insertion adds (``insertions``, one lookup for all)."""
TRIED = 8
"""Of those, the ones that save most per cm their insertion adds, inserted exactly."""
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
    """Up to ``SCREENED`` missing patrols ``p`` may add to their tour of day ``d`` (no longer
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
    """Up to ``SCREENED`` of ``missing`` no longer than ``room``: of the highest priority,
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
    return [short[int(k)] for k in np.argsort(near, kind="stable")[:SCREENED]]


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
        for s, place in _most_per_cm(zone, p, walk, short):
            after = insert(zone.walk, walk, ids[s], place)
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
    walk, against the missing patrols that save most per cm their insertion adds
    (``_most_per_cm``); None if no exchange helps. Only patrols that are no pin, no
    personal patrol of the owner and in no slot window leave."""
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
        nearest = _nearest_missing(zone, plan, p, d, room, more_than=cost, but=s)
        for y, place in _most_per_cm(zone, p, without, nearest):
            after = insert(zone.walk, without, ids[y], place)
            if after.total_cm <= zone.cap_cm[p]:
                plan.add(p, d, y)
                return after
        plan.add(p, d, s)  # no exchange: the patrol stays
    return None


def _most_per_cm(
    zone: ZoneProblem, p: int, walk: TourWalk, missing: list[int]
) -> list[tuple[int, int]]:
    """The ``TRIED`` of ``missing`` that save most per cm their cheapest insertion in
    ``walk`` adds (``insertions``), each with that insertion's place."""
    if not missing:
        return []
    net = zone.walk
    added, places = insertions(
        net, walk, net.positions(zone.segments[s].segment_id for s in missing)
    )
    ratio = [gain_of(zone, p, s) / max(1, int(a)) for s, a in zip(missing, added, strict=True)]
    best = sorted(range(len(missing)), key=lambda k: -ratio[k])[:TRIED]
    return [(missing[k], int(places[k])) for k in best]


def insertions(net: WalkNetwork, walk: TourWalk, new: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per segment of ``new`` (positions): the least walk its insertion in ``walk`` adds,
    at the place in its order and the way round that add least, the others walked as they
    were; and that place (k: before the k-th segment of the order). The steps from the
    tour to each new segment and back are looked up in one go; the steps it replaces are
    the walk's own."""
    n, m = len(walk.order), len(new)
    at, back = net.positions(walk.order), np.array(walk.reverse, dtype=np.intp)
    tour_a, tour_back = np.tile(at, 2 * m), np.tile(back, 2 * m)  # (way, new, k) flattened
    new_b, way = np.tile(np.repeat(new, n), 2), np.repeat([0, 1], m * n)
    to_new, _ = net.leg_cm(tour_a, tour_back, new_b, way)
    from_new, _ = net.leg_cm(new_b, way, tour_a, tour_back, searched_b=True)
    kept = np.array(walk.walk_to_cm[1:], dtype=np.int64)  # each step, as walked
    to_new, from_new = to_new.reshape(2, m, n), from_new.reshape(2, m, n)
    added = np.zeros((2, m, n + 1), dtype=np.int64)  # way, new segment, gap k
    added[:, :, 1:] += to_new
    added[:, :, :-1] += from_new
    added[:, :, 1:-1] -= kept
    flat = added.transpose(1, 2, 0).reshape(m, -1)  # per new segment: gap k, way o at 2k + o
    pick = np.argmin(flat, axis=1)
    return flat[np.arange(m), pick], pick // 2


def insert(net: WalkNetwork, walk: TourWalk, segment_id: str, place: int) -> TourWalk:
    """``walk`` with one more segment, put before its ``place``-th segment (the cheapest
    place, ``insertions``), then each segment's direction made best again: never more
    than that cheapest insertion."""
    n = len(walk.order)
    order = [*range(place), n, *range(place, n)]
    segs = [*(net.segments[i] for i in walk.order), net.segments[segment_id]]
    grown_cm = walk.segments_cm + length_cm(segs[-1].length_m)
    return walked_in(segs, order, *steps_along(net, segs, order), segments_cm=grown_cm)
