"""Pack jobs of known sizes into lanes of about equal total size."""

from __future__ import annotations

from collections.abc import Sequence


def weight(size: int) -> int:
    """A job's weight in a lane: its size, at least 1 (an empty zone still costs)."""
    return max(1, size)


def pack_lanes(sizes: Sequence[int], lanes: int) -> list[list[int]]:
    """Indices of ``sizes`` per lane, each lane in increasing index order.

    Longest first, each job onto the lane with the least total size so far (ties: the lower
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
