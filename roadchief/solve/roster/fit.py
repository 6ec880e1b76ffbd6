"""Make every tour of a zone fit its cap with the walk measured: move or drop patrols.

The model reserves an allowance for the walk between segments (``roster.walk_allowance_m``);
a tour whose measured walk needs more is repaired here. One at a time, the unpinned patrol
that adds least to the objective per centimetre it saves leaves the tour: it moves to the
tour another person walks that day if one may patrol the segment and has room for it
(measured), else it is dropped. Neither breaks a hard rule: a move adds no tour and keeps
the day (so tours a week, rest and the spread of repeat patrols hold), and a tour left
empty is not walked. What a move or a drop costs the objective is counted like any helper
patrol or unmet patrol, and both are reported.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from roadchief.domain import Roster
from roadchief.solve.roster.zone import Tours, ZoneProblem


@dataclass(frozen=True)
class FittedTours:
    """A zone's tours after the repair, and what the repair did."""

    tours: Tours
    over_cap: int
    """Tours over their cap before the repair."""
    dropped: tuple[tuple[int, int, int], ...]
    """(person, segment, day) patrols dropped, in the order they were dropped."""
    moved: tuple[tuple[int, int, int, int], ...] = ()
    """(person, segment, day, to person) patrols moved to another person's tour that day."""
    added: tuple[tuple[int, int, int], ...] = ()
    """(person, segment, day) missing patrols added where the measured walk left room
    (``refill.py``)."""
    exchanged: tuple[tuple[int, int, int], ...] = ()
    """(person, segment, day) patrols the refill took out for missing ones that save more."""
    lost: int = 0
    """Patrols the tours as solved had that the tours delivered lack, segment by segment
    (``segment_changes``): the repair's drops the refill gave back on another day or to
    another person are not lost."""
    gained: int = 0
    """Patrols the tours delivered have beyond the tours as solved, segment by segment."""

    @property
    def changed(self) -> bool:
        """True if the repair or the refill changed any patrol."""
        return bool(self.dropped or self.moved or self.added or self.exchanged)


def fit_tours(zone: ZoneProblem, tours: Tours) -> FittedTours:
    """The tours with every one within its cap, segments plus the measured walk, each
    tour's segments listed in the walking order measured (``WalkNetwork.plan_walk``)."""
    count = [0] * len(zone.segments)
    by_owner = [0] * len(zone.segments)
    for (p, _d), (_t, segs) in tours.items():
        for s in segs:
            count[s] += 1
            by_owner[s] += int(zone.owner[s] == p)
    pinned = {(p, s, d) for p, s, d, _t in zone.pins}
    ids = [seg.segment_id for seg in zone.segments]
    index = {segment_id: s for s, segment_id in enumerate(ids)}
    work = {key: list(segs) for key, (_t, segs) in tours.items()}
    slot = {key: t for key, (t, _segs) in tours.items()}
    over = 0
    dropped: list[tuple[int, int, int]] = []
    moved: list[tuple[int, int, int, int]] = []
    for p, d in sorted(work):
        left = work[(p, d)]
        walk = zone.walk.plan_walk(ids[s] for s in left)
        over += int(walk.total_cm > zone.cap_cm[p])
        while walk.total_cm > zone.cap_cm[p]:
            options = [s for s in left if (p, s, d) not in pinned]
            if not options:  # pins alone over the cap are refused up front (zone.py)
                break
            prices = []
            saves = dict(zip(walk.order, zone.walk.savings(walk), strict=True))
            for s in options:  # what leaving s out of the walked order saves
                saved = saves[ids[s]]
                cost = _drop_cost(zone, p, s, count[s], by_owner[s])
                prices.append((cost / saved if saved > 0 else float("inf"), -saved, s, cost))
            _price, _saved, s, cost = min(prices)
            left.remove(s)
            walk = zone.walk.plan_walk(ids[x] for x in left)
            by_owner[s] -= int(zone.owner[s] == p)
            # --strict: a move could lose a window or personal patrol, which are hard there
            to = None
            if cost > 0 and not zone.strict:
                taken = _taken_slots(work, slot, s, d, p)
                to = _room_for(zone, ids, work, s, d, p, slot, taken) or _new_tour_for(
                    zone, work, slot, s, d, p, taken
                )
            if to is None:
                count[s] -= 1
                dropped.append((p, s, d))
            else:
                work.setdefault(to, []).append(s)
                by_owner[s] += int(zone.owner[s] == to[0])
                moved.append((p, s, d, to[0]))
    out: Tours = {}
    for key, segs in sorted(work.items()):
        if segs:
            order = zone.walk.plan_walk(ids[s] for s in segs).order
            out[key] = (slot[key], [index[x] for x in order])
    return FittedTours(out, over, tuple(dropped), tuple(moved))


def segment_changes(solved: Tours, delivered: Tours) -> tuple[int, int]:
    """Patrols lost and gained from ``solved`` to ``delivered``, summed per segment: a
    segment patrolled three times as solved and twice as delivered lost one, whoever walks
    it on whichever day."""
    change: Counter[int] = Counter()
    for _key, (_t, segs) in delivered.items():
        change.update(segs)
    for _key, (_t, segs) in solved.items():
        change.subtract(segs)
    lost = sum(-n for n in change.values() if n < 0)
    return lost, sum(n for n in change.values() if n > 0)


def _taken_slots(
    work: dict[tuple[int, int], list[int]],
    slot: dict[tuple[int, int], int],
    s: int,
    d: int,
    p: int,
) -> set[int]:
    """Slots of day ``d`` in which someone other than ``p`` patrols ``s`` (a segment
    patrolled twice a day is patrolled in two slots, ``rules/once_a_day.py``)."""
    return {slot[(r, day)] for (r, day), segs in work.items() if day == d and r != p and s in segs}


def _room_for(
    zone: ZoneProblem,
    ids: list[str],
    work: dict[tuple[int, int], list[int]],
    s: int,
    d: int,
    p: int,
    slot: dict[tuple[int, int], int],
    taken: set[int],
) -> tuple[int, int] | None:
    """The person, other than ``p``, whose tour on day ``d``, in a slot not ``taken`` by
    another patrol of ``s`` that day, may take segment ``s`` (``ids``:
    the zone's segment ids) and still fits its cap, walking least more (ties: the lower index); None if nobody can.
    A locked day (a re-plan's past) takes nothing."""
    if d in zone.locked:
        return None
    best: tuple[int, int] | None = None
    for (q, day), segs in sorted(work.items()):
        if day != d or q == p or not segs or s in segs or q not in zone.patrollers[s]:
            continue
        if slot[(q, day)] in taken:
            continue
        before = zone.walk.plan_walk(ids[x] for x in segs).total_cm
        after = zone.walk.plan_walk(ids[x] for x in [*segs, s]).total_cm
        if after <= zone.cap_cm[q] and (best is None or after - before < best[0]):
            best = (after - before, q)
    return None if best is None else (best[1], d)


def _new_tour_for(
    zone: ZoneProblem,
    work: dict[tuple[int, int], list[int]],
    slot: dict[tuple[int, int], int],
    s: int,
    d: int,
    p: int,
    taken: set[int],
) -> tuple[int, int] | None:
    """A new tour on day ``d`` for segment ``s`` (it fits any tour of a person who may
    patrol it): the lowest-index patroller of ``s`` with no tour that day, open that day,
    with a tour a week left and a slot that keeps the rest against their other tours
    (``p``'s slot first, so slot windows keep); None if nobody can. Sets the new slot."""
    if d in zone.locked:
        return None
    clash = set(zone.rest_conflicts)
    for q in zone.patrollers[s]:
        if q == p or work.get((q, d)) or (q, d) not in zone.open_slots:
            continue
        mine = {day: slot[(r, day)] for (r, day), segs in work.items() if r == q and segs}
        if len(mine) >= zone.max_tours[q]:
            continue
        ok = zone.open_slots[(q, d)]
        for t in sorted(ok, key=lambda t: (t != slot[(p, d)], t)):
            if t in taken:  # another patrol of s that day is in that slot
                continue
            if not any((d2, b, d, t) in clash or (d, t, d2, b) in clash for d2, b in mine.items()):
                slot[(q, d)] = t
                return (q, d)
    return None


def _drop_cost(zone: ZoneProblem, p: int, s: int, planned: int, by_owner: int) -> int:
    """What dropping person ``p``'s patrol of segment ``s`` adds to the objective, about:
    a missing patrol, a missing personal patrol, less the helper patrol saved."""
    cost = zone.unmet_weight(s) if planned <= zone.demand[s] else 0
    if zone.owner[s] == p and zone.accountable and by_owner <= zone.accountable[s]:
        cost += zone.weights["accountability_per_10m"] * zone.units_10m[s]
    return max(cost - zone.helper_weight(p, s), 0)


def repair_counts(roster: Roster) -> dict[str, int]:
    """What fitting tours to the measured walk did, summed over the roster's zones."""
    parts = roster.parts.values()
    return {
        "tours_repaired": sum(p.tours_over_cap for p in parts),
        "patrols_moved": sum(p.patrols_moved for p in parts),
        "patrols_dropped": sum(p.patrols_dropped for p in parts),
        "patrols_added": sum(p.patrols_added for p in parts),
    }
