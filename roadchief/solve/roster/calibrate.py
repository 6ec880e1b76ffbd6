"""The walk the model plans with, scaled to tours of the zone's own streets where people are
short (issue 17).

The cells' two figures (``cells.py``) are measured walking whole cells: a step between two
segments of a cell, and what entering another cell adds. A tour that follows its streets
across cells walks far less than that: on Helsinki at 25% of its people, zone Z02's cells
planned 37.1 km between the segments of the greedy's tours, which walk 15.8 km. Where
people are short, the model then leaves patrols unplanned that its people could walk.

A zone whose people cannot walk its demand (``capacity.unmet_floor``) is therefore solved
with both figures scaled by what tours of its own streets walk between their segments over
what the cells plan for the same tours, when that is less (never scaled up). The tours
measured are each owner's territory walked in its short order (``WalkNetwork.plan_walk``)
and cut into tours at the owner's cap. Such a zone's search is watched (``solve_zone``): a
tour that the scaled figures let through and that does not fit once walked is cut and
searched again, so the walk itself still judges every tour.
"""

from __future__ import annotations

from roadchief.solve.roster.cells import WalkCells
from roadchief.solve.roster.zone import ZoneProblem


def calibrated(zone: ZoneProblem) -> ZoneProblem:
    """``zone`` with its cells' figures scaled to its territories' tours (see the module
    docstring); ``zone`` itself where nothing is measured or the cells plan no more."""
    if zone.given_cells is not None or zone.cell_segments <= 0:
        return zone
    planned = walked = 0
    for tours in territory_tours(zone).values():
        for segs, walk_cm in tours:
            own = sum(zone.length_cm[s] for s in segs)
            planned += zone.model_cm(segs) - own
            walked += walk_cm
    if planned <= 0 or walked >= planned:
        return zone
    cells = zone.cells
    scaled = WalkCells(
        cells.cell,
        round(cells.step_cm * walked / planned),
        round(cells.cell_cm * walked / planned),
        cells.side_m,
    )
    return zone.with_cells(scaled)


def territory_tours(zone: ZoneProblem) -> dict[int, list[tuple[list[int], int]]]:
    """Per owner: their territory in its short order cut into tours of two segments or more
    at their cap, each with its walk between its segments in that order."""
    territory: dict[int, list[int]] = {}
    for s, p in enumerate(zone.owner):
        if p is not None:
            territory.setdefault(p, []).append(s)
    index = {seg.segment_id: s for s, seg in enumerate(zone.segments)}
    out: dict[int, list[tuple[list[int], int]]] = {}
    for p, segs in sorted(territory.items()):
        walk = zone.walk.plan_walk(zone.segments[s].segment_id for s in segs)
        tours: list[tuple[list[int], int]] = []
        tour: list[int] = []
        used = between = 0
        for step_cm, seg_id in zip(walk.walk_to_cm, walk.order, strict=True):
            s = index[seg_id]
            if tour and used + step_cm + zone.length_cm[s] > zone.cap_cm[p]:
                tours.append((tour, between))
                tour, used, between = [], 0, 0
            if tour:
                used, between = used + step_cm, between + step_cm
            tour.append(s)
            used += zone.length_cm[s]
        tours.append((tour, between))
        out[p] = [(t, w) for t, w in tours if len(t) > 1]
    return out
