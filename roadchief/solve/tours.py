"""Turn a zone's chosen tours into roster assignments, each tour in a walking order."""

from __future__ import annotations

import math

from roadchief.domain import Assignment, Segment, tour_id_for
from roadchief.solve.zone import Tours, ZoneProblem


def walking_order(segments: list[Segment]) -> list[Segment]:
    """Nearest-neighbour order by midpoints, starting at the segment farthest from the centre."""
    if len(segments) <= 1:
        return list(segments)
    todo = sorted(segments, key=lambda s: s.segment_id)
    cx = sum(s.x_m for s in todo) / len(todo)
    cy = sum(s.y_m for s in todo) / len(todo)
    # max / min return the first best element: the smallest id breaks ties.
    current = max(todo, key=lambda s: math.hypot(s.x_m - cx, s.y_m - cy))
    order = [current]
    todo.remove(current)
    while todo:
        here = current
        current = min(todo, key=lambda s: math.hypot(s.x_m - here.x_m, s.y_m - here.y_m))
        order.append(current)
        todo.remove(current)
    return order


def assignments_of(zone: ZoneProblem, tours: Tours) -> list[Assignment]:
    """The assignments of a zone's tours, with tour ids and walking order from 1."""
    out = []
    for (p, d), (t, seg_idx) in sorted(tours.items()):
        chief_id = zone.people[p].chief_id
        day = zone.days[d]
        slot_id = zone.slots[t].slot_id
        tour = tour_id_for(chief_id, day, slot_id)
        walk = walking_order([zone.segments[s] for s in seg_idx])
        for k, seg in enumerate(walk, start=1):
            out.append(Assignment(day, slot_id, chief_id, seg.segment_id, tour, k))
    return out
