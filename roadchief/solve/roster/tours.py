"""Turn a zone's chosen tours into roster assignments, each tour in its walking order."""

from __future__ import annotations

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
