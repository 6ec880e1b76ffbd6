"""Write explain.md: each soft rule's penalty, the walk, the shortfall, the most loaded people.

Renders the figures ``roadchief.solve.check.explain.explain_roster`` computed (penalties by
rule name, from the check report) and the roster's per-zone statistics; computes none. In
the outputs' language (Chinese by default), zones and people by name, zones in natural order.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from roadchief.domain import PatrolInstance, Roster
from roadchief.i18n import DEFAULT_LANGUAGE, Translator, clean_text, sort_zones


def _walk_line(w: Mapping[str, Any], tr: Translator) -> str:
    """The walk in one paragraph: km, connecting share, straight-line steps, cap."""
    over = (
        tr(
            "{n} tours over their cap (the worst {m} m over)",
            n=w["tours_over_cap"],
            m=f"{w['worst_over_cap_m']:.0f}",
        )
        if w["tours_over_cap"]
        else tr("no tour over its cap")
    )
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
    explained: Mapping[str, Any],
    roster: Roster,
    path: Path,
    *,
    instance: PatrolInstance | None = None,
    tr: Translator | None = None,
) -> None:
    """Write ``explain.md``: the figures of ``explain_roster`` (``explained``) and the
    roster's solve statistics per zone, in ``tr``'s language (Chinese when None); zones and
    people by the names ``instance`` gives them (ids without it)."""
    tr = tr or Translator(DEFAULT_LANGUAGE)
    e = explained
    zones = {z.zone_id: clean_text(z.name) or z.zone_id for z in instance.zones} if instance else {}
    names = {c.chief_id: clean_text(c.name) for c in instance.chiefs} if instance else {}
    order = {z: k for k, z in enumerate(sort_zones(list(roster.parts), zones))}
    parts = sorted(roster.parts.items(), key=lambda kv: order[kv[0]])
    shortfall = sorted(
        (r for r in e["shortfall_by_zone_class"] if r["patrols_planned"] < r["patrols_required"]),
        key=lambda r: (order.get(r["zone_id"], len(order)), r["road_class"]),
    )
    lines = [
        f"# {tr('Why this roster ({week})', week=roster.week)}",
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
                for r in shortfall
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
