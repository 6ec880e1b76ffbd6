"""Share a city's solver time among its zones, packed into lanes that are solved side by side.

Pure arithmetic on zone sizes, so that the same sizes, lane count and time limit give the
same per-zone limits wherever the zones are then solved (one process, several, a cluster).
"""

from __future__ import annotations

from collections.abc import Sequence

from roadchief.solve.lanes.packing import pack_lanes, weight


def floor_s(n_zones: int, time_limit_s: float) -> float:
    """The least limit any zone gets: 1 s, or an equal share of the budget if that is less."""
    return min(1.0, time_limit_s / max(1, n_zones))


def zone_limits(sizes: Sequence[int], lanes: int, time_limit_s: float) -> list[float]:
    """Per zone: ``time_limit_s`` times its size over its lane's total size, at least the floor.

    The zones of one lane then add up to about ``time_limit_s``, so a city whose lanes run
    side by side takes about ``time_limit_s`` of wall time, whatever its number of zones.
    """
    least = floor_s(len(sizes), time_limit_s)
    out = [0.0] * len(sizes)
    for lane in pack_lanes(sizes, lanes):
        total = sum(weight(sizes[i]) for i in lane)
        for i in lane:
            out[i] = max(least, time_limit_s * weight(sizes[i]) / total)
    return out


def handed_out_limit(unstarted: Sequence[int], lanes: int, left_s: float, least_s: float) -> float:
    """The limit of a zone handed to a lane that just came free (``zones.solve_zones``):
    ``unstarted`` are the sizes of the zones not yet started, this zone's first. Packed
    onto the lanes as ``zone_limits`` packs a city, the zone gets the time left times its
    share of its lane's size, at least ``least_s``: a zone that ends early leaves its time
    to every zone handed out after it, whichever lane takes them, and a zone alone on its
    lane gets all the time left."""
    lane = next(lane for lane in pack_lanes(unstarted, lanes) if 0 in lane)
    total = sum(weight(unstarted[i]) for i in lane)
    return max(least_s, left_s * weight(unstarted[0]) / total)
