"""Turn a zone's chosen tours into roster assignments, each tour in its measured walking order."""

from __future__ import annotations

from roadchief.domain import Assignment, tour_id_for
from roadchief.solve.zone import Tours, ZoneProblem


def assignments_of(zone: ZoneProblem, tours: Tours) -> list[Assignment]:
    """The assignments of a zone's tours, with tour ids and walking order from 1: the order
    whose walk ``walk.py`` measured (``WalkNetwork.plan_walk``)."""
    out = []
    for (p, d), (t, seg_idx) in sorted(tours.items()):
        chief_id = zone.people[p].chief_id
        day = zone.days[d]
        slot_id = zone.slots[t].slot_id
        tour = tour_id_for(chief_id, day, slot_id)
        walk = zone.walk.plan_walk(zone.segments[s].segment_id for s in seg_idx)
        for k, segment_id in enumerate(walk.order, start=1):
            out.append(Assignment(day, slot_id, chief_id, segment_id, tour, k))
    return out
