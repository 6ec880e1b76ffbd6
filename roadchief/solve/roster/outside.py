"""Who may help a zone from outside it: the nearest active patrollers of other zones.

Pure data, no ortools: the cross-zone phase (``cross_zone.py``) and the checker read this
one rule, so the solver offers exactly the outside helpers the checker accepts.

A person's *territory* is the segments they own, or, for active patrollers who own none
(patrollers, L2 chiefs), every segment of their zone. Their distance to a zone is the
least distance between a midpoint of their territory and a midpoint of the zone's
segments. A zone's outside helpers are the ``cross_zone_helpers`` active patrollers of
other zones nearest to it (ties by id).

Why distance and not touching polygons: the solver sees no polygons (GIS stops at
prepare), and what matters is the person, not their zone: the people whose own streets
meet the zone's edge are the ones who know it, while a touching zone's far side is no
nearer than a zone across a park.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from roadchief.domain import Ownership, PatrolInstance, Segment
from roadchief.solve.roster.patrollers import active_patrollers

_MEMO: dict[tuple[object, ...], dict[str, tuple[str, ...]]] = {}
MEMO_SIZE = 16
"""Instances whose outside helpers are remembered (the phase and the checker ask twice)."""


def outside_helpers(instance: PatrolInstance, ownership: Ownership) -> dict[str, tuple[str, ...]]:
    """zone id -> the ids of the people of other zones who may help it, nearest first.

    Empty for every zone when ``instance.cross_zone_helpers`` is 0.
    """
    n = instance.cross_zone_helpers
    zones = instance.segments_by_zone()
    if n <= 0:
        return {z: () for z in sorted(zones)}
    key = (
        n,
        instance.days,
        instance.slots,
        tuple((s.segment_id, s.zone_id, s.x_m, s.y_m) for s in instance.segments),
        tuple(instance.chiefs),
        tuple(sorted(ownership.owner_of.items())),
    )
    found = _MEMO.get(key)
    if found is None:
        found = _outside_helpers(instance, ownership.owner_of, n)
        if len(_MEMO) >= MEMO_SIZE:
            _MEMO.pop(next(iter(_MEMO)))
        _MEMO[key] = found
    return dict(found)


def _outside_helpers(
    instance: PatrolInstance, owner_of: Mapping[str, str], n: int
) -> dict[str, tuple[str, ...]]:
    zones = instance.segments_by_zone()
    people = [
        c
        for zone_id, members in sorted(instance.chiefs_by_zone().items())
        for c in active_patrollers(instance, members)
    ]
    owned: dict[str, list[Segment]] = {}
    for s in instance.segments:
        owner = owner_of.get(s.segment_id)
        if owner is not None:
            owned.setdefault(owner, []).append(s)
    territory = [_xy(owned.get(c.chief_id) or zones.get(c.zone_id or "", [])) for c in people]
    boxes = np.array([_box(t) for t in territory]).reshape(-1, 4)
    out: dict[str, tuple[str, ...]] = {}
    for zone_id, segs in sorted(zones.items()):
        mine = _xy(segs)
        others = [k for k, c in enumerate(people) if c.zone_id != zone_id and len(territory[k])]
        if not len(mine) or not others:
            out[zone_id] = ()
            continue
        low = _box_gap(boxes[others], _box(mine))  # a lower bound of each exact distance
        best: list[tuple[float, str]] = []
        for i in np.argsort(low, kind="stable"):
            if len(best) >= n and low[i] > best[-1][0]:
                break  # no one further down the list can come nearer
            k = others[int(i)]
            best.append((_nearest(territory[k], mine), people[k].chief_id))
            best.sort()
            del best[n:]
        out[zone_id] = tuple(chief_id for _d, chief_id in best)
    return out


def _xy(segments: list[Segment]) -> np.ndarray:
    return np.array([(s.x_m, s.y_m) for s in segments], dtype=np.float64).reshape(-1, 2)


def _box(xy: np.ndarray) -> tuple[float, float, float, float]:
    if not len(xy):
        return (np.inf, np.inf, -np.inf, -np.inf)
    return (*xy.min(axis=0), *xy.max(axis=0))


def _box_gap(boxes: np.ndarray, box: tuple[float, float, float, float]) -> np.ndarray:
    """Least distance between each of ``boxes`` and ``box`` (0 where they overlap)."""
    dx = np.maximum(0.0, np.maximum(boxes[:, 0] - box[2], box[0] - boxes[:, 2]))
    dy = np.maximum(0.0, np.maximum(boxes[:, 1] - box[3], box[1] - boxes[:, 3]))
    return np.asarray(np.hypot(dx, dy))


def _nearest(a: np.ndarray, b: np.ndarray, chunk: int = 256) -> float:
    """Least distance between a point of ``a`` and a point of ``b``."""
    best = np.inf
    for start in range(0, len(a), chunk):
        diff = a[start : start + chunk, None, :] - b[None, :, :]
        best = min(best, float(np.sqrt((diff**2).sum(axis=2)).min()))
    return best
