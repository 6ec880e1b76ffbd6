"""Write explain.md: each soft rule's penalty, the walk, the shortfall, the most loaded people.

Renders the figures ``roadchief.solve.check.explain.explain_roster`` computed (penalties by
rule name, from the check report) and the roster's per-zone statistics; computes none. In
the outputs' language (Chinese by default), zones and people by name, zones in natural order.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from roadchief.domain import ANY_WALK_BOUND, MODEL_BOUND, PatrolInstance, Roster, SolveStats
from roadchief.i18n import DEFAULT_LANGUAGE, Translator, clean_text, sort_zones
from roadchief.render.explain_week import calendar_section, campaigns_section


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
    added = (  # a sentence more: the space after the last one is the language's
        tr(
            " Where the measured walk left room under the cap, missing patrols joined tours of "
            "that day: {added} more than solved.",
            added=w["patrols_added"],
        )
        if w.get("patrols_added")
        else ""
    )
    return (
        tr(
            "Walked {walked} km: {segments} km of segments and {between} km between them ({share} "
            "of the walk); {line} of {steps} steps estimated by straight line (streets of the zone "
            "do not join them); {over}. Measuring the walk put {repaired} tours over their cap "
            "after solving; fitting them moved {moved} patrols to another person's tour of the "
            "same day; with the room under the caps filled again, the roster has {dropped} "
            "patrols fewer than solved, counted above as unmet.",
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
        + added
    )


BOUND_ON = {MODEL_BOUND: "the model's walk", ANY_WALK_BOUND: "any walk"}
"""The message of each ``SolveStats.bound_on``: what a zone's bound holds for."""


def _any_walk_note(parts: list[SolveStats], tr: Translator) -> list[str]:
    """Why a zone's bound holds for any walk, if one does (``capacity.zone_bound``)."""
    if not any(p.bound_for_any_walk for p in parts):
        return []
    return [
        tr(
            "Any walk: that zone's roster, once walked, costs less than the model's floor, "
            "which plans the walk between segments by cells; the bound shown is the floor on "
            "the segments alone, which holds whatever the walk. Its gap is wide because that "
            "floor does not see the walk, not because the roster is worse."
        ),
        "",
    ]


def _table(
    head: list[str], rows: list[list[Any]], right_from: int = 1, *, empty: str = ""
) -> list[str]:
    """A Markdown table; columns from ``right_from`` on are right-aligned (numbers). With
    no rows, the line ``empty`` instead (when given)."""
    if not rows and empty:
        return [empty]
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
    roster_s: float,
    instance: PatrolInstance | None = None,
    tr: Translator | None = None,
    calendar: Mapping[str, Any] | None = None,
    campaigns: Sequence[Mapping[str, Any]] = (),
) -> None:
    """Write ``explain.md``: the figures of ``explain_roster`` (``explained``) and the
    roster's solve statistics per zone; ``roster_s`` is the roster stage's wall time (the
    zones' own times overlap in lanes and do not add up to it), in ``tr``'s language (Chinese when None); zones and
    people by the names ``instance`` gives them (ids without it); ``calendar`` is
    summary.json ``calendar`` (the week's days and holiday rule), ``campaigns`` its
    ``campaigns`` (专项整治)."""
    tr = tr or Translator(DEFAULT_LANGUAGE)
    e = explained
    zones = {z.zone_id: clean_text(z.name) or z.zone_id for z in instance.zones} if instance else {}
    names = {c.chief_id: clean_text(c.name) for c in instance.chiefs} if instance else {}
    order = {z: k for k, z in enumerate(sort_zones(list(roster.parts), zones))}
    parts = sorted(roster.parts.items(), key=lambda kv: order[kv[0]])
    none = tr("None.")
    shortfall = sorted(
        (r for r in e["shortfall_by_zone_class"] if r["patrols_planned"] < r["patrols_required"]),
        key=lambda r: (order.get(r["zone_id"], len(order)), r["road_class"]),
    )
    # the priority column only where the rules set one (``[priority]``)
    prioritised = any(r.get("priority", 1) > 1 for r in e["worst_served"])
    lines = [
        f"# {tr('Why this roster ({week})', week=roster.week)}",
        "",
        tr(
            "Status {status}, objective {objective}, bound {bound}, gap {gap}; the roster took "
            "{s} s (wall clock).",
            status=tr.status(e["status"]),
            objective=f"{e['objective']:.0f}",
            bound=f"{e['best_bound']:.0f}",
            gap=f"{100 * e['gap_city']:.2f}%",
            s=f"{roster_s:.1f}",
        ),
        "",
        *calendar_section(calendar or {}, tr),
        *campaigns_section(campaigns, tr),
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
            [
                tr("zone"),
                tr("status"),
                tr("objective"),
                tr("bound"),
                tr("bound holds for"),
                tr("gap"),
                tr("seconds"),
            ],
            [
                [
                    zones.get(z, z),
                    tr.status(p.status),
                    f"{p.objective:.0f}",
                    f"{p.best_bound:.0f}",
                    tr(BOUND_ON[p.bound_on]),
                    f"{100 * p.gap:.2f}%",
                    f"{p.wall_s:.1f}",
                ]
                for z, p in parts
            ],
            right_from=2,
        ),
        "",
        *_any_walk_note([p for _z, p in parts], tr),
        *_impossible_section(e.get("impossible_demand") or {}, zones, tr),
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
            empty=none,
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
            empty=none,
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
                *([tr("priority")] if prioritised else []),
            ],
            [
                [
                    r["segment_id"],
                    r["road_name"] or tr("unnamed road"),
                    zones.get(r["zone_id"], r["zone_id"]),
                    r["required"],
                    r["planned"],
                    f"{r['uncovered_m']:.0f}",
                    *([r.get("priority", 1)] if prioritised else []),
                ]
                for r in e["worst_served"]
            ],
            right_from=3,
            empty=none,
        ),
        "",
        *_loop_sections(e, zones, names, instance, tr),
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


IMPOSSIBLE_SHOWN = 30
"""Segments of the impossible demand listed in explain.md (all are in summary.json)."""

REASON_MESSAGES = {
    "nobody": "nobody who patrols may walk it",
    "days": "more patrols than days someone may walk it, times its patrols a day",
    "capacity": "the zone's people cannot walk all its demand",
}
"""Why a segment's demand is impossible (``solve/roster/impossible.py``)."""


def _impossible_section(
    imp: Mapping[str, Any], zones: Mapping[str, str], tr: Translator
) -> list[str]:
    """Demand no roster can meet, named from the inputs by counting: the zones whose
    people cannot walk their demand, then the segments, most patrols first."""
    rows = imp.get("segments", [])
    lines = [f"## {tr('Demand no roster can meet')}", ""]
    if not rows:
        return [*lines, tr("None."), ""]
    lines += [
        tr(
            "{n} required patrols ({km} km) cannot be planned by any roster, counted from the "
            "inputs before solving: add people or tours, or lower the demand.",
            n=imp["patrols"],
            km=f"{imp['km']:.1f}",
        ),
        "",
    ]
    for z in imp.get("zones_short", []):
        lines.append(
            "- "
            + tr(
                "zone {zone}: {need} km of patrols required, its {people} people can walk at "
                "most {can} km in their tours this week",
                zone=zones.get(z["zone_id"], z["zone_id"]),
                need=f"{z['need_km']:.1f}",
                people=z["people"],
                can=f"{z['can_km']:.1f}",
            )
        )
    if imp.get("zones_short"):
        lines.append("")
    lines += _table(
        [tr("segment id"), tr("road"), tr("zone"), tr("required"), tr("possible"), tr("why")],
        [
            [
                r["segment_id"],
                r["road_name"] or tr("unnamed road"),
                zones.get(r["zone_id"], r["zone_id"]),
                r["required"],
                r["possible"],
                tr(REASON_MESSAGES[r["reason"]]),
            ]
            for r in rows[:IMPOSSIBLE_SHOWN]
        ],
        right_from=3,
    )
    if len(rows) > IMPOSSIBLE_SHOWN:
        lines += [
            "",
            tr("... and {n} more segments in summary.json", n=len(rows) - IMPOSSIBLE_SHOWN),
        ]
    return [*lines, ""]


def _loop_sections(
    e: Mapping[str, Any],
    zones: Mapping[str, str],
    names: Mapping[str, str],
    instance: PatrolInstance | None,
    tr: Translator,
) -> list[str]:
    """The closed loop's part of the week: each recheck (复检) and its visit, and the segments
    given extra patrols for recurring problems; nothing when the week has neither."""
    rechecks, hotspots = e.get("rechecks", []), e.get("hotspots", [])
    if not rechecks and not hotspots:
        return []
    slots = {s.slot_id: tr.slot(s) for s in instance.slots} if instance else {}
    roads = {s.segment_id: s.road_name for s in instance.segments} if instance else {}

    def visit(r: Mapping[str, Any]) -> str:
        if "day" not in r:
            return tr("not planned: {reason}", reason=r.get("reason", ""))
        day = tr.day(dt.date.fromisoformat(r["day"]))
        return f"{day} {slots.get(r['slot'], r['slot'])} {names.get(r['chief_id'], r['chief_id'])}"

    return [
        f"## {tr('Rechecks')}",
        "",
        *_table(
            [tr("case"), tr("road"), tr("zone"), tr("visit by"), tr("visit")],
            [
                [
                    r["case_id"],
                    roads.get(r["segment_id"]) or tr("unnamed road"),
                    zones.get(r["zone_id"], r["zone_id"]),
                    tr.day(dt.date.fromisoformat(r["by"])) if r.get("by") else "",
                    visit(r),
                ]
                for r in rechecks
            ],
            right_from=5,
            empty=tr("None."),
        ),
        "",
        f"## {tr('Extra patrols for recurring problems')}",
        "",
        *_table(
            [tr("road"), tr("zone"), tr("patrols added"), tr("patrols this week")],
            [
                [
                    r["road_name"] or tr("unnamed road"),
                    zones.get(r["zone_id"], r["zone_id"]),
                    r["extra_patrols"],
                    r["patrols_per_week"],
                ]
                for r in hotspots
            ],
            right_from=2,
            empty=tr("None."),
        ),
        "",
    ]
