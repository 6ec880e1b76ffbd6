"""The roadchief command line: thin Typer commands over the pipeline."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.markup import escape

from roadchief import __version__, store_cli
from roadchief.domain import Week
from roadchief.errors import RoadchiefError

app = typer.Typer(
    name="roadchief",
    help="Road chief (路长制) responsibility and patrol scheduling.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console(stderr=True, highlight=False)


def fail(message: str) -> NoReturn:
    """Print one clear error and exit 1 (a traceback for bad input is a bug)."""
    console.print(f"[bold red]error:[/] {escape(message)}", soft_wrap=True)
    raise typer.Exit(code=1)


def parse_week(text: str | None) -> Week:
    from roadchief.pipeline import default_week

    if text is None:
        return default_week()
    try:
        return Week.parse(text)
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from exc


def show_version(value: bool) -> None:
    if value:
        typer.echo(f"roadchief {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool,
        typer.Option("--version", callback=show_version, is_eager=True, help="Print the version."),
    ] = False,
) -> None:
    """Road chief (路长制) responsibility and patrol scheduling."""


PreviousOption = Annotated[
    Path | None,
    typer.Option(
        "--previous",
        help="An earlier ownership.csv: its owners are kept wherever balance allows.",
    ),
]
PinOption = Annotated[
    Path | None,
    typer.Option("--pin", help="Pins file (CSV: segment_id, chief_id); pins always hold."),
]


@app.command()
def plan(
    zones: Annotated[
        Path | None,
        typer.Option(help="Zone polygons: GeoJSON, GeoPackage, Shapefile (.shp or .zip)."),
    ] = None,
    roads: Annotated[
        Path | None,
        typer.Option(help="Road lines: the same formats, or OpenStreetMap .osm / .osm.pbf."),
    ] = None,
    chiefs: Annotated[
        Path | None, typer.Option(help="Chiefs file (CSV, UTF-8); columns in the README.")
    ] = None,
    places: Annotated[
        Path | None, typer.Option(help="Priority places (points or polygons).")
    ] = None,
    incidents: Annotated[
        Path | None, typer.Option(help="Incident points (cases, complaints, crashes).")
    ] = None,
    rules: Annotated[
        Path | None, typer.Option(help="The city's rules file (TOML) over the defaults.")
    ] = None,
    week: Annotated[
        str | None, typer.Option(help="ISO week to plan, e.g. 2026-W49 [default: next week].")
    ] = None,
    out: Annotated[
        Path | None, typer.Option(help="Run folder [default: schedules/<week>].")
    ] = None,
    time_limit: Annotated[
        float,
        typer.Option(
            help="Solver time for the whole city, seconds; zones left short then get a "
            "second phase with nearby zones' helpers, a quarter of it on top."
        ),
    ] = 60.0,
    workers: Annotated[int, typer.Option(help="CP-SAT search workers per zone.")] = 2,
    seed: Annotated[int, typer.Option(help="Solver random seed.")] = 0,
    parallel: Annotated[
        int | None,
        typer.Option(
            min=1,
            help="Zones solved side by side, each lane in its own process with the whole "
            "--time-limit [default: one per core; with --scheduler, one per worker thread].",
        ),
    ] = None,
    scheduler: Annotated[
        str | None,
        typer.Option(help="Solve on a Dask cluster: its scheduler, e.g. tcp://10.0.0.5:8786."),
    ] = None,
    crs: Annotated[
        str | None, typer.Option(help="CRS for layers that have none, e.g. EPSG:4326.")
    ] = None,
    zones_layer: Annotated[
        str | None, typer.Option(help="Layer of a multi-layer zones file.")
    ] = None,
    roads_layer: Annotated[
        str | None, typer.Option(help="Layer of a multi-layer roads file.")
    ] = None,
    tiles: Annotated[
        str | None,
        typer.Option(
            help="Background street map of the maps: none (offline), osm, tianditu (needs "
            "a key) or amap (GCJ-02) [default: the rules' map.tiles, none]."
        ),
    ] = None,
    previous: Annotated[
        Path | None,
        typer.Option(
            "--previous",
            help="Last week's run folder: its roster.csv gives continuity, last patrol dates "
            "and a warm start; its ownership.csv keeps owners stable.",
        ),
    ] = None,
    pin: Annotated[
        Path | None,
        typer.Option("--pin", help="Roster pins (CSV: date, slot, chief_id, segment_id)."),
    ] = None,
    pin_owners: Annotated[
        Path | None,
        typer.Option("--pin-owners", help="Ownership pins (CSV: segment_id, chief_id)."),
    ] = None,
    strict: Annotated[
        bool, typer.Option(help="Full coverage is a hard rule; explain why if impossible.")
    ] = False,
    deterministic: Annotated[
        bool, typer.Option(help="Same inputs and --seed give the same roster (slower).")
    ] = False,
    db: store_cli.DbOption = None,
) -> None:
    """Plan a week: ingest, give every segment a chief, build the roster, write maps and exports.

    Without --zones, --roads and --chiefs: plan from the database (see roadchief import).
    """
    from roadchief.pipeline import PlanOptions, run_plan

    the_week = parse_week(week)
    run_out = out or Path("schedules") / str(the_week)
    if zones is None or roads is None or chiefs is None:
        store_cli.require_db_plan(zones, roads, chiefs, places, incidents, rules, previous)
        try:
            summary = store_cli.plan_from_db(
                db, the_week, run_out, time_limit_s=time_limit, workers=workers, seed=seed,
                tiles=tiles, pins=pin_owners, roster_pins=pin, strict=strict,
                deterministic=deterministic, parallel=parallel, scheduler=scheduler,
            )  # fmt: skip
        except RoadchiefError as exc:
            fail(str(exc))
        print_summary(summary, run_out)
        return
    opts = PlanOptions(
        zones=zones,
        roads=roads,
        chiefs=chiefs,
        places=places,
        incidents=incidents,
        rules=rules,
        week=the_week,
        out=run_out,
        time_limit_s=time_limit,
        workers=workers,
        seed=seed,
        crs=crs,
        zones_layer=zones_layer,
        roads_layer=roads_layer,
        tiles=tiles,
        previous=_previous_owners(previous),
        pins=pin_owners,
        previous_run=previous,
        roster_pins=pin,
        strict=strict,
        deterministic=deterministic,
        parallel=parallel,
        scheduler=scheduler,
    )
    try:
        with console.status("starting") as status:
            summary = run_plan(opts, on_stage=lambda name: status.update(f"{name} …"))
    except RoadchiefError as exc:
        fail(str(exc))
    print_summary(summary, opts.out)


def _previous_owners(previous: Path | None) -> Path | None:
    """The ownership.csv of last week's run folder (or a file given directly)."""
    if previous is None or not previous.is_dir():
        return previous
    owners = previous / "ownership.csv"
    return owners if owners.exists() else None


STATUS_NOTES = {
    "OPTIMAL": "OPTIMAL: proved best",
    "FEASIBLE": "FEASIBLE: see the gap",
    "GREEDY": "GREEDY: the warm start, no better roster found in time",
    "KEPT": "KEPT: not re-planned, no absent person there",
}
"""What each zone status means, for the terminal summary."""


def print_summary(summary: dict[str, Any], out: Path) -> None:
    """A short human summary of a run on stdout."""
    out_console = Console(highlight=False)
    s = summary
    out_console.print(f"[bold]roadchief plan {s['week']}[/]  ({s['wall_s']:.1f} s)")
    out_console.print(
        f"  segments: {s['segments_in']} in, {s['segments_placed']} placed, "
        f"{s['segments_unplaced']} unplaced (see unplaced.geojson)"
    )
    out_console.print(f"  zones: {s['zones']}   people: {s['chiefs']}   tours: {s['tours']}")
    out_console.print(
        f"  patrols: {s['patrols_planned']} planned of {s['patrols_required']} required; "
        f"uncovered {s['uncovered_km']:.1f} km"
    )
    out_console.print(
        f"  solver: {s['status']}, objective {s['objective']:.0f}, bound {s['best_bound']:.0f}, "
        f"gap {100 * s['gap_city']:.2f}%; by zone: worst {100 * s['gap_worst_part']:.2f}%, "
        f"weighted by required patrols {100 * s['gap_weighted']:.2f}%"
    )
    by_status = s["parts_by_status"]
    if set(by_status) - {"OPTIMAL"}:
        parts = ", ".join(f"{n} {status}" for status, n in sorted(by_status.items()))
        notes = [text for status, text in STATUS_NOTES.items() if status in by_status]
        out_console.print(f"  zones by solver status: {parts} ({'; '.join(notes)})")
    clocked = s.get("stopped_by_clock", [])  # absent from runs stored before it existed
    if clocked:
        out_console.print(
            f"  [yellow]--deterministic: {len(clocked)} zone(s) stopped at the wall-clock "
            f"safety cap ({', '.join(clocked[:5])}{', ...' if len(clocked) > 5 else ''}); the "
            "machine was too busy, so a re-run may differ: plan again on a quieter machine "
            "or with fewer --parallel lanes[/]"
        )
    if s["warnings"]:
        out_console.print(
            f"  [yellow]{len(s['warnings'])} input warning(s)[/], listed in summary.json"
        )
    out_console.print(
        f"  outputs: {out}/ (overview.html, report.html, roster.csv/.xlsx/.gpkg, "
        "chiefs/*.html and *.ics, summary.json)"
    )


@app.command()
def replan(
    roster: Annotated[
        Path | None,
        typer.Option(
            help="The run folder to re-plan (written by plan or replan); without "
            "it, --week is re-planned in the database."
        ),
    ] = None,
    absent: Annotated[
        list[str], typer.Option(help="A chief_id called away; repeat for several people.")
    ] = [],  # noqa: B006  (Typer reads the default; it is never mutated)
    from_: Annotated[
        str, typer.Option("--from", help="First day away (YYYY-MM-DD); earlier days stay.")
    ] = "",
    until: Annotated[
        str | None, typer.Option(help="Last day away [default: the end of the week].")
    ] = None,
    out: Annotated[
        Path | None, typer.Option(help="New run folder [default: <roster>-replan-<from>].")
    ] = None,
    time_limit: Annotated[float, typer.Option(help="Solver time, seconds.")] = 30.0,
    workers: Annotated[int, typer.Option(help="CP-SAT search workers.")] = 2,
    seed: Annotated[int | None, typer.Option(help="Solver seed [default: the run's].")] = None,
    deterministic: Annotated[
        bool, typer.Option(help="Same inputs and --seed give the same roster (slower).")
    ] = False,
    week: Annotated[
        str | None, typer.Option(help="The stored week to re-plan (database, no --roster).")
    ] = None,
    db: store_cli.DbOption = None,
) -> None:
    """Re-plan the rest of a week after people are called away, changing as little as possible.

    Reads the run folder's recorded inputs (the same files must still be there), keeps
    every patrol before --from and every zone without an absent person, and solves the
    absent people's zones again with each changed patrol costing.
    """
    from roadchief.domain import Absence
    from roadchief.pipeline import replan_options, run_plan

    if not absent or not from_:
        raise typer.BadParameter("give who is away and from when: --absent C017 --from DATE")
    if (roster is None) == (week is None):
        raise typer.BadParameter(
            "give either --roster DIR (a run folder) or --week W (a week stored in the database)"
        )
    first = parse_date(from_, "--from")
    last = parse_date(until, "--until") if until else None
    end = last or Week.containing(first).days[-1]
    absences = [Absence(c.strip(), first, end) for c in absent]
    changes: dict[str, Any] = {
        "time_limit_s": time_limit, "workers": workers, "deterministic": deterministic,
    }  # fmt: skip
    if seed is not None:
        changes["seed"] = seed
    try:
        if roster is None:
            the_week = parse_week(week)
            run_out = out or Path("schedules") / f"{the_week}-replan-{first.isoformat()}"
            summary = store_cli.replan_from_db(db, the_week, absences, first, run_out, **changes)
        else:
            run_out = out or roster.with_name(f"{roster.name}-replan-{first.isoformat()}")
            opts = replan_options(roster, absences, first, run_out, **changes)
            with console.status("starting") as status:
                summary = run_plan(opts, on_stage=lambda name: status.update(f"{name} …"))
    except RoadchiefError as exc:
        fail(str(exc))
    print_summary(summary, run_out)
    print_replan(summary["replan"])


def parse_date(text: str, option: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError as exc:
        raise typer.BadParameter(
            f"{text!r} is not a date; use YYYY-MM-DD", param_hint=option
        ) from exc


def print_replan(report: dict[str, Any]) -> None:
    """What a re-plan changed, for the planner who has to tell people."""
    c = report["changes"]
    others = ", ".join(c["people_changed"]) or "nobody"
    Console(highlight=False).print(
        f"  re-plan from {report['start']}: zones {', '.join(report['zones_replanned']) or 'none'} "
        f"solved again; {c['kept']} patrols kept, {c['dropped_away']} dropped (people away), "
        f"{c['dropped_others']} dropped and {c['added_others']} added for others "
        f"({escape(others)}); {c['before_start_changed']} changed before {report['start']}"
    )
    for pin in report["pins_dropped"]:
        Console(highlight=False).print(
            f"  [yellow]pin dropped:[/] {pin['chief_id']} is away on {pin['date']} ({pin['slot']}, "
            f"segment {escape(pin['segment_id'])})"
        )


@app.command()
def assign(
    out: Annotated[Path, typer.Option(help="Folder for ownership.csv and ownership.json.")],
    zones: Annotated[Path | None, typer.Option(help="Zone polygons (as for plan).")] = None,
    roads: Annotated[Path | None, typer.Option(help="Road lines (as for plan).")] = None,
    chiefs: Annotated[Path | None, typer.Option(help="Chiefs file (CSV, UTF-8).")] = None,
    places: Annotated[Path | None, typer.Option(help="Priority places.")] = None,
    incidents: Annotated[Path | None, typer.Option(help="Incident points.")] = None,
    rules: Annotated[Path | None, typer.Option(help="The city's rules file (TOML).")] = None,
    previous: PreviousOption = None,
    pin: PinOption = None,
    crs: Annotated[str | None, typer.Option(help="CRS for layers that have none.")] = None,
    zones_layer: Annotated[str | None, typer.Option(help="Layer of the zones file.")] = None,
    roads_layer: Annotated[str | None, typer.Option(help="Layer of the roads file.")] = None,
    week: Annotated[
        str | None, typer.Option(help="Database: the week to be planned [default: next week].")
    ] = None,
    db: store_cli.DbOption = None,
) -> None:
    """One road, one chief (一路一长): give every segment an owner, balanced, compact, stable.

    Without --zones, --roads and --chiefs: the owners the database's next plan of --week
    starts from (last stored week's owners kept wherever balance allows); nothing is stored.
    """
    from roadchief.pipeline import PlanOptions, run_assign

    the_week = parse_week(week)
    try:
        with console.status("starting") as status:

            def on_stage(name: str) -> None:
                status.update(f"{name} …")

            if zones is None or roads is None or chiefs is None:
                store_cli.require_db_plan(zones, roads, chiefs, places, incidents, rules, previous)
                s = store_cli.assign_from_db(db, the_week, out, pins=pin, on_stage=on_stage)
            else:
                opts = PlanOptions(
                    zones=zones, roads=roads, chiefs=chiefs, out=out, week=the_week,
                    places=places, incidents=incidents, rules=rules, crs=crs,
                    zones_layer=zones_layer, roads_layer=roads_layer, previous=previous, pins=pin,
                )  # fmt: skip
                s = run_assign(opts, on_stage=on_stage)
    except RoadchiefError as exc:
        fail(str(exc))
    out_console = Console(highlight=False)
    ratio = "n/a" if s["balance_ratio"] is None else f"{s['balance_ratio']:.3f}"
    moved = "" if s["moved"] is None else f"; moved {s['moved']} ({s['moved_required']} had to)"
    out_console.print(
        f"[bold]roadchief assign[/]  ({s['run_wall_s']:.1f} s)\n"
        f"  segments: {s['segments_placed']} placed, {s['segments_owned']} owned, "
        f"{s['segments_unplaced']} unplaced\n"
        f"  balance (worst zone max/min workload): {ratio}; pieces per chief: max "
        f"{s['pieces_max']}, mean {s['pieces_mean']:.2f}{moved}\n"
        f"  roads owned: {s['roads_owned']} of {s['roads_total']}; pins: {s['pins']}"
    )
    for warning in s["warnings"]:
        out_console.print(f"  [yellow]warning:[/] {warning}")
    out_console.print(
        f"  outputs: {out}/ (ownership.csv, ownership_chiefs.csv, roads.csv, ownership.json)"
    )


app.command("init")(store_cli.init)
app.command("import")(store_cli.import_)
app.command("export")(store_cli.export)
app.command("history")(store_cli.history)
app.add_typer(store_cli.db_app, name="db")
