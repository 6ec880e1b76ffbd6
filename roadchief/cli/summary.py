"""What the planning commands print when they finish: a short human summary on stdout."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from rich.markup import escape

from roadchief.app.summary import RunSummary
from roadchief.cli.console import out

STATUS_NOTES = {
    "OPTIMAL": "OPTIMAL: proved best",
    "FEASIBLE": "FEASIBLE: see the gap",
    "GREEDY": "GREEDY: the warm start, no better roster found in time",
    "KEPT": "KEPT: not re-planned, no absent person there",
}
"""What each zone status means, for the terminal summary."""

WARNINGS_SHOWN = 10
"""Input warnings printed in full; the rest are counted (all are in summary.json)."""


def verdict(s: RunSummary) -> str:
    """Whether the roster can be used as it is, in one plain sentence."""
    if s.status == "OPTIMAL":
        quality = "proven optimal: no roster scores better under the rules"
    else:
        quality = f"within {100 * s.gap_city:.1f}% of the best possible (the bound)"
    short = s.patrols_required - s.patrols_planned
    if short <= 0:
        return f"usable; {quality}; every required patrol is planned"
    if s.status == "OPTIMAL":
        cover = (
            f"{short} required patrols ({s.uncovered_km:.1f} km) cannot be covered by the "
            "people available: see explain.md for where"
        )
    else:
        cover = f"{short} required patrols ({s.uncovered_km:.1f} km) are not planned"
    return f"usable; {quality}; {cover}"


def print_summary(s: RunSummary, folder: Path) -> None:
    """A short human summary of a run."""
    out.print(f"[bold]roadchief plan {s.week}[/]  ({s.wall_s:.1f} s)")
    out.print(
        f"  segments: {s.segments_in} in, {s.segments_placed} placed, "
        f"{s.segments_unplaced} unplaced (see unplaced.geojson)"
    )
    out.print(f"  zones: {s.zones}   people: {s.chiefs}   tours: {s.tours}")
    out.print(
        f"  patrols: {s.patrols_planned} planned of {s.patrols_required} required; "
        f"uncovered {s.uncovered_km:.1f} km"
    )
    out.print(
        f"  solver: {s.status}, objective {s.objective:.0f}, bound {s.best_bound:.0f}, "
        f"gap {100 * s.gap_city:.2f}%; by zone: worst {100 * s.gap_worst_part:.2f}%, "
        f"weighted by required patrols {100 * s.gap_weighted:.2f}%"
    )
    by_status = s.parts_by_status
    if set(by_status) - {"OPTIMAL"}:
        parts = ", ".join(f"{n} {status}" for status, n in sorted(by_status.items()))
        notes = [text for status, text in STATUS_NOTES.items() if status in by_status]
        out.print(f"  zones by solver status: {parts} ({'; '.join(notes)})")
    clocked = s.stopped_by_clock
    if clocked:
        out.print(
            f"  [yellow]--deterministic: {len(clocked)} zone(s) stopped at the wall-clock "
            f"safety cap ({', '.join(clocked[:5])}{', ...' if len(clocked) > 5 else ''}); the "
            "machine was too busy, so a re-run may differ: plan again on a quieter machine "
            "or with fewer --parallel lanes[/]"
        )
    for warning in s.warnings[:WARNINGS_SHOWN]:
        out.print(f"  [yellow]warning:[/] {escape(warning)}")
    if len(s.warnings) > WARNINGS_SHOWN:
        more = len(s.warnings) - WARNINGS_SHOWN
        out.print(f"  [yellow]... and {more} more warning(s) in summary.json[/]")
    out.print(f"  [bold]verdict:[/] {verdict(s)}")
    out.print(
        f"  outputs: {folder}/ (overview.html, report.html, roster.csv/.xlsx/.gpkg, "
        "chiefs/*.html and *.ics, summary.json)"
    )


def print_replan(report: Mapping[str, Any]) -> None:
    """What a re-plan changed, for the planner who has to tell people."""
    c = report["changes"]
    others = ", ".join(c["people_changed"]) or "nobody"
    out.print(
        f"  re-plan from {report['start']}: zones {', '.join(report['zones_replanned']) or 'none'} "
        f"solved again; {c['kept']} patrols kept, {c['dropped_away']} dropped (people away), "
        f"{c['dropped_others']} dropped and {c['added_others']} added for others "
        f"({escape(others)}); {c['before_start_changed']} changed before {report['start']}"
    )
    for pin in report["pins_dropped"]:
        out.print(
            f"  [yellow]pin dropped:[/] {pin['chief_id']} is away on {pin['date']} ({pin['slot']}, "
            f"segment {escape(pin['segment_id'])})"
        )


def print_assign(s: Mapping[str, Any], folder: Path) -> None:
    """The ownership in a few lines."""
    ratio = "n/a" if s["balance_ratio"] is None else f"{s['balance_ratio']:.3f}"
    moved = "" if s["moved"] is None else f"; moved {s['moved']} ({s['moved_required']} had to)"
    out.print(
        f"[bold]roadchief assign[/]  ({s['run_wall_s']:.1f} s)\n"
        f"  segments: {s['segments_placed']} placed, {s['segments_owned']} owned, "
        f"{s['segments_unplaced']} unplaced\n"
        f"  balance (worst zone max/min workload): {ratio}; pieces per chief: max "
        f"{s['pieces_max']}, mean {s['pieces_mean']:.2f}{moved}\n"
        f"  roads owned: {s['roads_owned']} of {s['roads_total']}; pins: {s['pins']}"
    )
    for warning in s["warnings"]:
        out.print(f"  [yellow]warning:[/] {warning}")
    out.print(
        f"  outputs: {folder}/ (ownership.csv, ownership_chiefs.csv, roads.csv, ownership.json)"
    )
