"""Explain a roster: each soft rule's penalty, the worst-served segments, the most loaded people."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from roadchief.domain import PatrolInstance, Roster
from roadchief.solve.check.checker import CheckReport
from roadchief.solve.roster.walk import walk_summary

PENALTIES = {
    "unmet demand": "unmet_penalty",
    "slot windows": "window_penalty",
    "personal patrols": "accountability_penalty",
    "helper patrols": "helper_penalty",
    "cross-zone help": "cross_zone_penalty",
    "fairness": "fairness_penalty",
    "unsocial fairness": "unsocial_penalty",
    "continuity": "continuity_penalty",
    "changes": "change_penalty",
    "preferences": "preference_penalty",
}


def explain_roster(
    roster: Roster, instance: PatrolInstance, check: CheckReport, *, top: int = 10
) -> dict[str, Any]:
    """The explanation as plain data (also written into summary.json)."""
    penalties = {
        rule: sum(getattr(z, field) for z in check.zones.values())
        for rule, field in PENALTIES.items()
    }
    count = roster.patrols_of_segment()
    short: list[dict[str, Any]] = []
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
                }
            )
    short.sort(key=lambda r: (-r["uncovered_m"], r["segment_id"]))
    seg_len = {s.segment_id: s.length_m for s in instance.segments}
    load: dict[str, dict[str, float]] = {}
    for tour, items in roster.tours().items():
        who = items[0].chief_id
        row = load.setdefault(who, {"tours": 0, "km": 0.0, "unsocial": 0})
        row["tours"] += 1
        row["km"] += sum(seg_len[a.segment_id] for a in items) / 1000.0
        day, slot = items[0].day, items[0].slot_id
        row["unsocial"] += int(
            day in instance.context.weekend or slot in instance.context.unsocial_slots
        )
        del tour
    loaded = sorted(load.items(), key=lambda kv: (-kv[1]["tours"], -kv[1]["km"], kv[0]))
    return {
        "status": roster.status,
        "objective": roster.objective,
        "best_bound": roster.best_bound,
        "gap_city": roster.gap_city,
        "solve_s": round(sum(p.wall_s for p in roster.parts.values()), 3),
        "penalties": penalties,
        "worst_served": short[:top],
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
        "walk": {
            **walk_summary(check.walks, check.caps_cm),
            **repair_counts(roster),
        },
    }


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


def _walk_line(w: dict[str, Any]) -> str:
    """The walk in one paragraph: km, connecting share, straight-line steps, cap."""
    over = (
        f"{w['tours_over_cap']} tours over their cap (worst {w['worst_over_cap_tour']}, "
        f"{w['worst_over_cap_m']:.0f} m over)"
        if w["tours_over_cap"]
        else "no tour over its cap"
    )
    return (
        f"Walked {w['walked_km']:.1f} km: {w['segments_km']:.1f} km of segments and "
        f"{w['connecting_km']:.1f} km between them ({100 * w['connecting_share']:.1f}% of "
        f"the walk); {w['steps_by_straight_line']} of {w['steps']} steps estimated by "
        f"straight line (streets of the zone do not join them); {over}. Measuring the walk "
        f"put {w['tours_repaired']} tours over their cap after solving; fitting them moved "
        f"{w['patrols_moved']} patrols to another person's tour of the same day and dropped "
        f"{w['patrols_dropped']}, counted above as unmet."
    )


def write_explain(
    roster: Roster, instance: PatrolInstance, check: CheckReport, path: Path
) -> dict[str, Any]:
    """Write ``explain.md`` and return its data."""
    e = explain_roster(roster, instance, check)
    lines = [
        f"# Why this roster ({instance.week})",
        "",
        f"Status {e['status']}, objective {e['objective']:.0f}, bound {e['best_bound']:.0f}, "
        f"gap {100 * e['gap_city']:.2f}%, solve time {e['solve_s']:.1f} s.",
        "",
        "## Penalty of each soft rule",
        "",
        "| rule | penalty |",
        "|---|---:|",
        *(f"| {rule} | {value} |" for rule, value in e["penalties"].items()),
        "",
        "## Walk",
        "",
        _walk_line(e["walk"]),
        "",
        "## Per zone",
        "",
        "| zone | status | objective | bound | gap | s |",
        "|---|---|---:|---:|---:|---:|",
        *(
            f"| {z} | {p.status} | {p.objective:.0f} | {p.best_bound:.0f} | "
            f"{100 * p.gap:.2f}% | {p.wall_s:.1f} |"
            for z, p in roster.parts.items()
        ),
        "",
        "## Shortfall by zone and road class",
        "",
        "| zone | class | required | planned | uncovered km |",
        "|---|---|---:|---:|---:|",
        *(
            f"| {r['zone_id']} | {r['road_class']} | {r['patrols_required']} | "
            f"{r['patrols_planned']} | {r['uncovered_km']:.2f} |"
            for r in e["shortfall_by_zone_class"]
            if r["patrols_planned"] < r["patrols_required"]
        ),
        "",
        "## Help from other zones",
        "",
        "| zone helped | person | name | home zone | tours | patrols | km |",
        "|---|---|---|---|---:|---:|---:|",
        *(
            f"| {r['zone_id']} | {r['chief_id']} | {r['name']} | {r['home_zone_id']} | "
            f"{r['tours']} | {r['patrols']} | {r['km']:.2f} |"
            for r in e["cross_zone_help"]
        ),
        "",
        "## Worst-served segments",
        "",
        "| segment | road | zone | required | planned | uncovered m |",
        "|---|---|---|---:|---:|---:|",
        *(
            f"| {r['segment_id']} | {r['road_name']} | {r['zone_id']} | {r['required']} | "
            f"{r['planned']} | {r['uncovered_m']:.0f} |"
            for r in e["worst_served"]
        ),
        "",
        "## Most loaded people",
        "",
        "| person | tours | km | evening/weekend tours |",
        "|---|---:|---:|---:|",
        *(
            f"| {r['chief_id']} | {r['tours']} | {r['km']:.2f} | {r['unsocial_tours']} |"
            for r in e["most_loaded"]
        ),
        "",
    ]
    path.write_text("\n".join(lines), encoding="utf-8")
    return {k: v for k, v in e.items() if k != "solve_s"}  # timing lives in stages_s


def repair_counts(roster: Roster) -> dict[str, int]:
    """What fitting tours to the measured walk did (``fit.py``), summed over the zones."""
    parts = roster.parts.values()
    return {
        "tours_repaired": sum(p.tours_over_cap for p in parts),
        "patrols_moved": sum(p.patrols_moved for p in parts),
        "patrols_dropped": sum(p.patrols_dropped for p in parts),
    }
