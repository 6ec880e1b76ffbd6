"""What the planning commands print when they finish: a short summary on stdout, in the
language the outputs were written in (Chinese by default, ``--lang en`` for English)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.markup import escape

from roadchief.cli.console import out
from roadchief.i18n import DEFAULT_LANGUAGE, Translator

if TYPE_CHECKING:
    from roadchief.app.summary import RunSummary

STATUS_NOTES = {
    "OPTIMAL": "OPTIMAL: proved best",
    "FEASIBLE": "FEASIBLE: see the gap",
    "GREEDY": "GREEDY: the warm start, no better roster found in time",
    "KEPT": "KEPT: not re-planned, no absent person there",
}
"""What each zone status means, for the terminal summary (messages of the catalog)."""

WARNINGS_SHOWN = 10
"""Input warnings printed in full; the rest are counted (all are in summary.json)."""


def translator(record: Mapping[str, Any]) -> Translator:
    """The language a run recorded (``inputs.lang``), Chinese when it recorded none."""
    return Translator(str(record.get("lang") or DEFAULT_LANGUAGE))


def at_most(share: float) -> str:
    """A share as a percentage rounded up to one decimal: "within 77.1%" for 0.7705."""
    return f"{math.ceil(round(1000 * share, 6)) / 10:.1f}%"


def verdict(s: RunSummary, tr: Translator) -> str:
    """Whether the roster can be used as it is, in one plain sentence."""
    if s.status == "OPTIMAL":
        quality = tr("proven optimal: no roster scores better under the rules")
    else:
        quality = tr("within {gap} of the best possible (the bound)", gap=at_most(s.gap_city))
    short = s.patrols_required - s.patrols_planned
    if short <= 0:
        return tr("usable; {quality}; every required patrol is planned", quality=quality)
    km = f"{s.uncovered_km:.1f}"
    if s.status == "OPTIMAL":
        cover = tr(
            "{short} required patrols ({km} km) cannot be covered by the people available: "
            "see explain.md for where",
            short=short,
            km=km,
        )
    else:
        cover = tr("{short} required patrols ({km} km) are not planned", short=short, km=km)
    return tr("usable; {quality}; {cover}", quality=quality, cover=cover)


def print_summary(s: RunSummary, folder: Path) -> None:
    """A short summary of a run, in the run's language."""
    tr = translator(s.inputs)
    f = s.figures
    say = out.print
    say(f"[bold]{tr('roadchief plan {week}', week=s.week)}[/]  ({s.wall_s:.1f} s)")
    say("  " + tr(
        "segments: {read} in, {placed} placed, {unplaced} unplaced ({km} km, see "
        "unplaced.geojson)", read=s.segments_in, placed=s.segments_placed,
        unplaced=s.segments_unplaced, km=f"{f.get('segments_unplaced_km', 0.0):.1f}",
    ))  # fmt: skip
    say("  " + tr("zones: {zones}   people: {people}   tours: {tours}",
                  zones=s.zones, people=s.chiefs, tours=s.tours))  # fmt: skip
    say("  " + tr(
        "patrols: {planned} planned of {required} required, and {extra} beyond the "
        "requirement; uncovered {km} km", planned=s.patrols_planned,
        required=s.patrols_required, extra=f.get("patrols_extra", 0), km=f"{s.uncovered_km:.1f}",
    ))  # fmt: skip
    cal = s.calendar
    if cal.get("holidays") or cal.get("makeup_workdays"):
        say("  " + tr(
            "calendar: {h} public holiday(s), {m} make-up working day(s), {n} patrol days "
            "(see explain.md)", h=cal["holidays"], m=cal["makeup_workdays"],
            n=cal["patrol_days"],
        ))  # fmt: skip
    for year in cal.get("unknown_years", []):
        say("  [yellow]" + tr(
            "calendar: the public holidays of {year} are not known; its days count as "
            "weekdays and weekends only: list its holidays and make-up days in the rules' "
            "holidays and workdays", year=year,
        ) + "[/]")  # fmt: skip
    for c in s.campaigns:
        say("  " + tr("campaign {name}: {n} segments, {k} extra patrols this week",
                      name=escape(c["name"]), n=c["segments"], k=c["extra_this_week"]))  # fmt: skip
    impossible = s.explain.get("impossible_demand") or {}
    if impossible.get("patrols"):
        why = impossible["by_reason"]
        say("  [yellow]" + tr(
            "impossible demand: {n} required patrols ({km} km) on {k} segments no roster can "
            "plan ({days} beyond the days someone may walk them, {capacity} beyond what the "
            "zone's people can walk, {nobody} that nobody may walk); see explain.md",
            n=impossible["patrols"], km=f"{impossible['km']:.1f}",
            k=len(impossible["segments"]), days=why.get("days", 0),
            capacity=why.get("capacity", 0), nobody=why.get("nobody", 0),
        ) + "[/]")  # fmt: skip
    if "km_walked" in f:
        say("  " + tr("walked: {walked} km, of which {segments} km on the segments",
                      walked=f"{f['km_walked']:.1f}", segments=f"{f['km_segments']:.1f}"))  # fmt: skip
    say("  " + tr(
        "solver: {status}, objective {objective}, bound {bound}, gap {gap}; by zone: worst "
        "{worst}, weighted by required patrols {weighted}", status=s.status,
        objective=f"{s.objective:.0f}", bound=f"{s.best_bound:.0f}",
        gap=f"{100 * s.gap_city:.2f}%", worst=f"{100 * s.gap_worst_part:.2f}%",
        weighted=f"{100 * s.gap_weighted:.2f}%",
    ))  # fmt: skip
    any_walk = [z for z, part in s.parts.items() if part.stats.bound_for_any_walk]
    if any_walk:
        say("  " + tr(
            "bounds for any walk in zones {zones}: their rosters walked cost less than the "
            "model's floor, so the floor on segments alone is shown; see explain.md",
            zones=", ".join(any_walk),
        ))  # fmt: skip
    by_status = s.parts_by_status
    if set(by_status) - {"OPTIMAL"}:
        parts = ", ".join(f"{n} {status}" for status, n in sorted(by_status.items()))
        notes = "; ".join(tr(text) for status, text in STATUS_NOTES.items() if status in by_status)
        say("  " + tr("zones by solver status: {parts} ({notes})", parts=parts, notes=notes))
    clocked = s.stopped_by_clock
    if clocked:
        shown = ", ".join(clocked[:5]) + (", ..." if len(clocked) > 5 else "")
        say("  [yellow]" + tr(
            "--deterministic: {n} zone(s) stopped at the wall-clock safety cap ({zones}); the "
            "machine was too busy, so a re-run may differ: plan again on a quieter machine or "
            "with fewer --parallel lanes", n=len(clocked), zones=shown,
        ) + "[/]")  # fmt: skip
    missed = len(s.inputs.get("previous_missed") or [])
    if s.inputs.get("loop") or missed:
        say("  " + tr(
            "closed loop: rechecks {planned} of {required} planned by their deadline; "
            "{hotspots} hotspot segments with {extra} extra patrols; {missed} patrols of last "
            "week missed (not counted as a last patrol)", planned=s.rechecks_planned,
            required=s.rechecks_required, hotspots=s.hotspot_segments,
            extra=s.hotspot_extra_patrols, missed=missed,
        ))  # fmt: skip
    for warning in s.warnings[:WARNINGS_SHOWN]:
        say(f"  [yellow]{tr('warning:')}[/] {escape(warning)}")
    if len(s.warnings) > WARNINGS_SHOWN:
        more = len(s.warnings) - WARNINGS_SHOWN
        say("  [yellow]" + tr("... and {n} more warning(s) in summary.json", n=more) + "[/]")
    say(f"  [bold]{tr('verdict:')}[/] {verdict(s, tr)}")
    say("  " + tr(
        "outputs: {folder}/ (overview.html, report.html, roster.csv/.xlsx/.gpkg, chiefs/*.html "
        "and *.ics, summary.json)", folder=folder,
    ))  # fmt: skip


def print_replan(report: Mapping[str, Any], record: Mapping[str, Any]) -> None:
    """What a re-plan changed, for the planner who has to tell people."""
    tr = translator(record)
    c = report["changes"]
    others = ", ".join(c["people_changed"]) or tr("nobody")
    out.print("  " + tr(
        "re-plan from {start}: zones {zones} solved again; {kept} patrols kept, {away} "
        "dropped (people away), {dropped} dropped and {added} added for others ({others}); "
        "{before} changed before {start}", start=report["start"],
        zones=", ".join(report["zones_replanned"]) or tr("none"), kept=c["kept"],
        away=c["dropped_away"], dropped=c["dropped_others"], added=c["added_others"],
        others=escape(others), before=c["before_start_changed"],
    ))  # fmt: skip
    for pin in report["pins_dropped"]:
        out.print("  [yellow]" + tr(
            "pin dropped: {chief} is away on {date} ({slot}, segment {segment})",
            chief=pin["chief_id"], date=pin["date"], slot=pin["slot"],
            segment=escape(pin["segment_id"]),
        ) + "[/]")  # fmt: skip


def print_assign(s: Mapping[str, Any], folder: Path) -> None:
    """The ownership in a few lines."""
    tr = translator(s.get("inputs", {}))
    ratio = tr("n/a") if s["balance_ratio"] is None else f"{s['balance_ratio']:.3f}"
    moved = (
        ""
        if s["moved"] is None
        else tr("; moved {moved} ({required} had to)", moved=s["moved"],
                required=s["moved_required"])
    )  # fmt: skip
    say = out.print
    say(f"[bold]{tr('roadchief assign')}[/]  ({s['run_wall_s']:.1f} s)")
    say("  " + tr("segments: {placed} placed, {owned} owned, {unplaced} unplaced",
                  placed=s["segments_placed"], owned=s["segments_owned"],
                  unplaced=s["segments_unplaced"]))  # fmt: skip
    say("  " + tr(
        "balance (worst zone max/min workload): {ratio}; pieces per chief: max {max}, mean "
        "{mean}{moved}", ratio=ratio, max=s["pieces_max"], mean=f"{s['pieces_mean']:.2f}",
        moved=moved,
    ))  # fmt: skip
    say("  " + tr("roads owned: {owned} of {total}; pins: {pins}", owned=s["roads_owned"],
                  total=s["roads_total"], pins=s["pins"]))  # fmt: skip
    for warning in s["warnings"]:
        say(f"  [yellow]{tr('warning:')}[/] {warning}")
    say("  " + tr(
        "outputs: {folder}/ (ownership.csv, ownership_chiefs.csv, roads.csv, ownership.json)",
        folder=folder,
    ))  # fmt: skip
