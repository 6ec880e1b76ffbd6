"""Write explain.md: each soft rule's penalty, the walk, the shortfall, the most loaded people.

Renders the figures ``roadchief.solve.check.explain.explain_roster`` computed (penalties by
rule name, from the check report) and the roster's per-zone statistics; computes none.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from roadchief.domain import Roster


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


def write_explain(explained: Mapping[str, Any], roster: Roster, path: Path) -> None:
    """Write ``explain.md``: the figures of ``explain_roster`` (``explained``) and the
    roster's solve statistics per zone, as they are."""
    e = explained
    lines = [
        f"# Why this roster ({roster.week})",
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
