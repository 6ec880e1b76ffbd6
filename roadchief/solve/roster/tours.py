"""A zone's tours and roster assignments, one into the other."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from roadchief.domain import Assignment, tour_id_for
from roadchief.solve.roster.zone import Tours, ZoneProblem


def assignments_of(zone: ZoneProblem, tours: Tours) -> list[Assignment]:
    """The assignments of a zone's tours, with tour ids and walking order from 1: the order
    of each tour's segment list, which ``fit.fit_tours`` leaves in the order whose walk it
    measured (so the lanes' measuring is not repeated here; the checker measures that order)."""
    out = []
    for (p, d), (t, seg_idx) in sorted(tours.items()):
        chief_id = zone.people[p].chief_id
        day = zone.days[d]
        slot_id = zone.slots[t].slot_id
        tour = tour_id_for(chief_id, day, slot_id)
        for k, s in enumerate(seg_idx, start=1):
            out.append(Assignment(day, slot_id, chief_id, zone.segments[s].segment_id, tour, k))
    return out


def patrols_short(zone: ZoneProblem, tours: Tours) -> int:
    """Required patrols ``tours`` leave missing: each segment's demand less its patrols."""
    count = Counter(s for _t, segs in tours.values() for s in segs)
    return sum(max(0, n - count[s]) for s, n in enumerate(zone.demand))


def tours_of(zone: ZoneProblem, assignments: Sequence[Assignment]) -> Tours:
    """The zone's part of ``assignments`` as tours, each moved to the day of this week with
    the same weekday (last week's roster) or kept on its day (a re-planned roster)."""
    people = {c.chief_id: p for p, c in enumerate(zone.people)}
    segs = {s.segment_id: i for i, s in enumerate(zone.segments)}
    slots = {s.slot_id: t for t, s in enumerate(zone.slots)}
    by_weekday = {day.weekday(): d for d, day in enumerate(zone.days)}
    out: Tours = {}
    for a in sorted(assignments):
        p, s, t = people.get(a.chief_id), segs.get(a.segment_id), slots.get(a.slot_id)
        d = by_weekday.get(a.day.weekday())
        if p is None or s is None or t is None or d is None:
            continue
        tour = out.setdefault((p, d), (t, []))
        if tour[0] == t:
            tour[1].append(s)
    return out
