"""Why this roster is as it is: the figures of explain.md and summary.json's ``explain``.

Pure data from the roster, the instance and the check report (each soft rule's penalty,
the walk), computed once here; ``roadchief/render/explain.py`` only writes them out.
"""

from __future__ import annotations

from typing import Any

from roadchief.domain import PatrolInstance, Roster
from roadchief.solve.check.report import CheckReport
from roadchief.solve.roster.fit import repair_counts
from roadchief.solve.roster.roster_walks import walk_summary
from roadchief.solve.roster.rules.demand import segment_priority, segments_with_open_cases
from roadchief.solve.roster.rules.rechecks import recheck_rows


def explain_roster(
    roster: Roster, instance: PatrolInstance, check: CheckReport, *, top: int = 10
) -> dict[str, Any]:
    """The explanation as plain data: solver figures, each soft rule's penalty (by rule
    name, in rule order), the ``top`` worst-served segments and most loaded people, the
    shortfall by zone and road class, cross-zone help and the walk."""
    count = roster.patrols_of_segment()
    loaded = sorted(
        _loads(roster, instance).items(), key=lambda kv: (-kv[1]["tours"], -kv[1]["km"], kv[0])
    )
    return {
        "status": roster.status,
        "objective": roster.objective,
        "best_bound": roster.best_bound,
        "gap_city": roster.gap_city,
        "penalties": check.penalties,
        "worst_served": _worst_served(instance, count)[:top],
        "most_loaded": [
            {
                "chief_id": c,
                "tours": int(v["tours"]),
                "km": round(v["km"], 2),
                "unsocial_tours": int(v["unsocial"]),
            }
            for c, v in loaded[:top]
        ],
        "shortfall_by_zone_class": _shortfall(instance, count),
        "cross_zone_help": cross_zone_help(roster, instance),
        "walk": {**walk_summary(check.walks, check.caps_cm), **repair_counts(roster)},
        "rechecks": recheck_rows(instance, roster),
        "hotspots": hotspot_rows(instance),
    }


def _worst_served(instance: PatrolInstance, count: dict[str, int]) -> list[dict[str, Any]]:
    """Segments with required patrols not planned, most uncovered length first, each with
    its priority (``[priority]``: what goes first under shortage)."""
    short: list[dict[str, Any]] = []
    ctx = instance.context
    open_cases = segments_with_open_cases(ctx)
    for seg in instance.segments:
        missing = max(0, seg.patrols_per_week - count.get(seg.segment_id, 0))
        if missing:
            short.append(
                {
                    "segment_id": seg.segment_id,
                    "road_name": seg.road_name,
                    "zone_id": seg.zone_id,
                    "road_class": seg.road_class,
                    "required": seg.patrols_per_week,
                    "planned": count.get(seg.segment_id, 0),
                    "uncovered_m": round(missing * seg.length_m, 1),
                    "priority": segment_priority(seg, ctx.priority, open_cases),
                }
            )
    short.sort(key=lambda r: (-r["uncovered_m"], r["segment_id"]))
    return short


def _loads(roster: Roster, instance: PatrolInstance) -> dict[str, dict[str, float]]:
    """Per person: tours, km of segments and unsocial tours (evening slots, weekend days)."""
    seg_len = {s.segment_id: s.length_m for s in instance.segments}
    ctx = instance.context
    load: dict[str, dict[str, float]] = {}
    for items in roster.tours().values():
        row = load.setdefault(items[0].chief_id, {"tours": 0, "km": 0.0, "unsocial": 0})
        row["tours"] += 1
        row["km"] += sum(seg_len[a.segment_id] for a in items) / 1000.0
        row["unsocial"] += int(
            items[0].day in ctx.weekend or items[0].slot_id in ctx.unsocial_slots
        )
    return load


def cross_zone_help(roster: Roster, instance: PatrolInstance) -> list[dict[str, Any]]:
    """Who helped which other zone: one row per (person, zone helped), by zone then person."""
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    for items in roster.tours().values():
        person = instance.chief(items[0].chief_id)
        counted: set[str] = set()
        for a in items:
            seg = instance.segment(a.segment_id)
            if seg.zone_id == person.zone_id:
                continue
            new: dict[str, Any] = {
                "zone_id": seg.zone_id, "chief_id": person.chief_id, "name": person.name,
                "home_zone_id": person.zone_id, "tours": 0, "patrols": 0, "km": 0.0,
            }  # fmt: skip
            row = rows.setdefault((seg.zone_id, person.chief_id), new)
            row["tours"] += int(seg.zone_id not in counted)
            counted.add(seg.zone_id)
            row["patrols"] += 1
            row["km"] = round(row["km"] + seg.length_m / 1000.0, 3)
    return [rows[k] for k in sorted(rows)]


def _shortfall(instance: PatrolInstance, count: dict[str, int]) -> list[dict[str, Any]]:
    """Required and planned patrols and uncovered km by zone and road class."""
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    for seg in instance.segments:
        new: dict[str, Any] = {"zone_id": seg.zone_id, "road_class": seg.road_class}
        new |= {"patrols_required": 0, "patrols_planned": 0, "uncovered_km": 0.0}
        row = rows.setdefault((seg.zone_id, seg.road_class), new)
        need = max(0, seg.patrols_per_week)
        got = min(need, count.get(seg.segment_id, 0))
        row["patrols_required"] += need
        row["patrols_planned"] += got
        row["uncovered_km"] = round(row["uncovered_km"] + (need - got) * seg.length_m / 1000, 3)
    return [rows[k] for k in sorted(rows)]


def hotspot_rows(instance: PatrolInstance) -> list[dict[str, Any]]:
    """Segments given extra patrols this week for recurring problems (``PlanContext.hotspots``),
    most extra first: segment, road, zone, extra patrols and the week's demand with them."""
    extra = instance.context.hotspots
    return [
        {
            "segment_id": seg.segment_id,
            "road_name": seg.road_name,
            "zone_id": seg.zone_id,
            "extra_patrols": extra[seg.segment_id],
            "patrols_per_week": seg.patrols_per_week,
        }
        for seg in sorted(
            (s for s in instance.segments if extra.get(s.segment_id)),
            key=lambda s: (-extra[s.segment_id], s.segment_id),
        )
    ]
