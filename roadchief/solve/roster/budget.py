"""Share a city's solver time among its zones, packed into lanes that are solved side by side.

Pure arithmetic on zone sizes, so that the same sizes, lane count and time limit give the
same per-zone limits wherever the zones are then solved (one process, several, a cluster).
"""

from __future__ import annotations

from collections.abc import Sequence


def weight(size: int) -> int:
    """A zone's weight in the budget: its model size, at least 1 (an empty zone still costs)."""
    return max(1, size)


def floor_s(n_zones: int, time_limit_s: float) -> float:
    """The least limit any zone gets: 1 s, or an equal share of the budget if that is less."""
    return min(1.0, time_limit_s / max(1, n_zones))


def pack_lanes(sizes: Sequence[int], lanes: int) -> list[list[int]]:
    """Indices of ``sizes`` per lane, each lane in increasing index order.

    Longest first, each zone onto the lane with the least total size so far (ties: the lower
    lane; equal sizes: the lower index first). At most ``len(sizes)`` lanes, at least one.
    """
    n = max(1, min(lanes, len(sizes)))
    out: list[list[int]] = [[] for _ in range(n)]
    load = [0] * n
    for i in sorted(range(len(sizes)), key=lambda i: (-weight(sizes[i]), i)):
        k = min(range(n), key=lambda k: (load[k], k))
        out[k].append(i)
        load[k] += weight(sizes[i])
    return [sorted(lane) for lane in out]


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
