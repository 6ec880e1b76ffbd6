"""Explain a roster: each soft rule's penalty, the worst-served segments, the most loaded
people; ``explain.md`` in the outputs' language (Chinese by default)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from roadchief.domain import PatrolInstance, Roster
from roadchief.i18n import DEFAULT_LANGUAGE, Translator, clean_text, sort_zones
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


def _walk_line(w: dict[str, Any], tr: Translator) -> str:
    """The walk in one paragraph: km, connecting share, straight-line steps, cap."""
    over = (
        tr("{n} tours over their cap (the worst {m} m over)", n=w["tours_over_cap"],
           m=f"{w['worst_over_cap_m']:.0f}")
        if w["tours_over_cap"]
        else tr("no tour over its cap")
    )  # fmt: skip
    return tr(
        "Walked {walked} km: {segments} km of segments and {between} km between them ({share} "
        "of the walk); {line} of {steps} steps estimated by straight line (streets of the zone "
        "do not join them); {over}. Measuring the walk put {repaired} tours over their cap "
        "after solving; fitting them moved {moved} patrols to another person's tour of the "
        "same day and dropped {dropped}, counted above as unmet.",
        walked=f"{w['walked_km']:.1f}",
        segments=f"{w['segments_km']:.1f}",
        between=f"{w['connecting_km']:.1f}",
        share=f"{100 * w['connecting_share']:.1f}%",
        line=w["steps_by_straight_line"],
        steps=w["steps"],
        over=over,
        repaired=w["tours_repaired"],
        moved=w["patrols_moved"],
        dropped=w["patrols_dropped"],
    )


def _table(head: list[str], rows: list[list[Any]], right_from: int = 1) -> list[str]:
    """A Markdown table; columns from ``right_from`` on are right-aligned (numbers)."""
    align = ["---" if i < right_from else "---:" for i in range(len(head))]
    out = ["| " + " | ".join(head) + " |", "|" + "|".join(align) + "|"]
    out += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return out


def _cell(value: Any) -> str:
    return clean_text(value).replace("|", "\\|")


def write_explain(
    roster: Roster,
    instance: PatrolInstance,
    check: CheckReport,
    path: Path,
    *,
    tr: Translator | None = None,
) -> dict[str, Any]:
    """Write ``explain.md`` in ``tr``'s language (Chinese when None) and return its data."""
    tr = tr or Translator(DEFAULT_LANGUAGE)
    e = explain_roster(roster, instance, check)
    zones = {z.zone_id: clean_text(z.name) or z.zone_id for z in instance.zones}
    names = {c.chief_id: clean_text(c.name) for c in instance.chiefs}
    order = {z: k for k, z in enumerate(sort_zones(list(zones), zones))}
    parts = sorted(roster.parts.items(), key=lambda kv: order.get(kv[0], len(order)))
    lines = [
        f"# {tr('Why this roster ({week})', week=instance.week)}",
        "",
        tr(
            "Status {status}, objective {objective}, bound {bound}, gap {gap}, solve time {s} s.",
            status=e["status"],
            objective=f"{e['objective']:.0f}",
            bound=f"{e['best_bound']:.0f}",
            gap=f"{100 * e['gap_city']:.2f}%",
            s=f"{e['solve_s']:.1f}",
        ),
        "",
        f"## {tr('Penalty of each soft rule')}",
        "",
        *_table([tr("rule"), tr("penalty")], [[tr(r), v] for r, v in e["penalties"].items()]),
        "",
        f"## {tr('Walk')}",
        "",
        _walk_line(e["walk"], tr),
        "",
        f"## {tr('Per zone')}",
        "",
        *_table(
            [tr("zone"), tr("status"), tr("objective"), tr("bound"), tr("gap"), "s"],
            [
                [
                    zones.get(z, z),
                    p.status,
                    f"{p.objective:.0f}",
                    f"{p.best_bound:.0f}",
                    f"{100 * p.gap:.2f}%",
                    f"{p.wall_s:.1f}",
                ]
                for z, p in parts
            ],
            right_from=2,
        ),
        "",
        f"## {tr('Shortfall by zone and road class')}",
        "",
        *_table(
            [tr("zone"), tr("road class"), tr("required"), tr("planned"), tr("uncovered km")],
            [
                [
                    zones.get(r["zone_id"], r["zone_id"]),
                    tr.road_class(r["road_class"]),
                    r["patrols_required"],
                    r["patrols_planned"],
                    f"{r['uncovered_km']:.2f}",
                ]
                for r in sorted(
                    e["shortfall_by_zone_class"],
                    key=lambda r: (order.get(r["zone_id"], 0), r["road_class"]),
                )
                if r["patrols_planned"] < r["patrols_required"]
            ],
            right_from=2,
        ),
        "",
        f"## {tr('Help from other zones')}",
        "",
        *_table(
            [
                tr("zone helped"),
                tr("person"),
                tr("home zone"),
                tr("tours"),
                tr("patrols"),
                tr("km of segments"),
            ],
            [
                [
                    zones.get(r["zone_id"], r["zone_id"]),
                    names.get(r["chief_id"], r["name"]),
                    zones.get(r["home_zone_id"] or "", r["home_zone_id"] or ""),
                    r["tours"],
                    r["patrols"],
                    f"{r['km']:.2f}",
                ]
                for r in e["cross_zone_help"]
            ],
            right_from=3,
        ),
        "",
        f"## {tr('Worst-served segments')}",
        "",
        *_table(
            [
                tr("segment id"),
                tr("road"),
                tr("zone"),
                tr("required"),
                tr("planned"),
                tr("uncovered m"),
            ],
            [
                [
                    r["segment_id"],
                    r["road_name"] or tr("unnamed road"),
                    zones.get(r["zone_id"], r["zone_id"]),
                    r["required"],
                    r["planned"],
                    f"{r['uncovered_m']:.0f}",
                ]
                for r in e["worst_served"]
            ],
            right_from=3,
        ),
        "",
        f"## {tr('Most loaded people')}",
        "",
        *_table(
            [tr("person"), tr("tours"), tr("km of segments"), tr("evening or weekend tours")],
            [
                [
                    names.get(r["chief_id"], r["chief_id"]),
                    r["tours"],
                    f"{r['km']:.2f}",
                    r["unsocial_tours"],
                ]
                for r in e["most_loaded"]
            ],
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
