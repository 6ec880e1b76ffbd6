"""Demand no roster can meet, named before solving: which segments, how many patrols, why.

Counting alone, on the zones as the model sees them (``prepare.py``), no search:

- ``nobody``: no one of the zone who patrols may walk the segment (longer than every
  tour, or nobody active);
- ``days``: it needs more patrols than there are days on which someone who may walk it
  is available, times its patrols a day (``rules/once_a_day.py``: usually one);
- ``capacity``: the zone needs more km of patrols than its people can walk in their tours
  of the week (cap x tours): at least the difference stays unplanned in every roster.
  The rows name the patrols the capacity floor leaves out (``capacity.py``: what saves
  least unmet cost per metre goes first; the one segment it covers in part counts its
  part as left); a roster may leave other segments instead.

A planner reads them as "add people or lower the demand", not as the solver's shortfall.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from roadchief.domain import Ownership, PatrolInstance
from roadchief.solve.roster.capacity import capacity_cover, patrols_possible, walkable_cm
from roadchief.solve.roster.prepare import zone_problems
from roadchief.solve.roster.zone import ZoneProblem

REASONS = ("nobody", "days", "capacity")
"""Why a segment's demand cannot be met, in the order they are tested."""


def impossible_demand(zones: Sequence[ZoneProblem]) -> dict[str, Any]:
    """summary.json's ``impossible_demand``: the patrols no roster can plan, by reason, one
    row per segment (most patrols first) and one per zone whose people cannot walk its
    demand."""
    rows: list[dict[str, Any]] = []
    short_zones = []
    for zone in zones:
        reach = patrols_possible(zone)
        need_cm = sum(n * cm for n, cm in zip(zone.demand, zone.length_cm, strict=True))
        can_cm = walkable_cm(zone)
        cover = capacity_cover(zone) if need_cm > can_cm else None
        if cover is not None:
            short_zones.append(
                {
                    "zone_id": zone.zone_id,
                    "need_km": round(need_cm / 1e5, 3),
                    "can_km": round(can_cm / 1e5, 3),
                    "people": len(zone.people),
                }
            )
        for s, seg in enumerate(zone.segments):
            need = zone.demand[s]
            possible = min(need, reach[s])
            reason = "nobody" if reach[s] == 0 or not zone.patrollers[s] else "days"
            if cover is not None and math.floor(cover[s] + 1e-9) < possible:
                possible, reason = math.floor(cover[s] + 1e-9), "capacity"
            if need > possible:
                rows.append(
                    {
                        "zone_id": zone.zone_id,
                        "segment_id": seg.segment_id,
                        "road_name": seg.road_name,
                        "road_class": seg.road_class,
                        "length_m": round(seg.length_m, 1),
                        "required": need,
                        "possible": possible,
                        "reason": reason,
                    }
                )
    rows.sort(key=lambda r: (-(r["required"] - r["possible"]), r["zone_id"], r["segment_id"]))
    by_reason = {
        why: sum(r["required"] - r["possible"] for r in rows if r["reason"] == why)
        for why in REASONS
    }
    return {
        "patrols": sum(by_reason.values()),
        "km": round(sum((r["required"] - r["possible"]) * r["length_m"] for r in rows) / 1e3, 3),
        "by_reason": by_reason,
        "segments": rows,
        "zones_short": short_zones,
    }


def impossible_demand_of(instance: PatrolInstance, ownership: Ownership) -> dict[str, Any]:
    """``impossible_demand`` of a week's instance and its owners."""
    return impossible_demand(zone_problems(instance, ownership))
