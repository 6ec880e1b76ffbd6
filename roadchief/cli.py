"""The roadchief command line: thin Typer commands over the pipeline."""

from __future__ import annotations

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
        float, typer.Option(help="Solver time for the whole city, seconds.")
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
                db, the_week, run_out, time_limit_s=time_limit,
                workers=workers, seed=seed, tiles=tiles, pins=pin_owners,
                parallel=parallel, scheduler=scheduler,
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
        f"gap {100 * s['gap']:.2f}%; by zone: worst {100 * s['gap_worst_part']:.2f}%, "
        f"weighted by required patrols {100 * s['gap_weighted']:.2f}%"
    )
    if set(s["parts_by_status"]) - {"OPTIMAL"}:
        parts = ", ".join(f"{n} {status}" for status, n in sorted(s["parts_by_status"].items()))
        out_console.print(
            f"  zones by solver status: {parts} (GREEDY: the warm start, no better roster found in time)"
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
def assign(
    zones: Annotated[Path, typer.Option(help="Zone polygons (as for plan).")],
    roads: Annotated[Path, typer.Option(help="Road lines (as for plan).")],
    chiefs: Annotated[Path, typer.Option(help="Chiefs file (CSV, UTF-8).")],
    out: Annotated[Path, typer.Option(help="Folder for ownership.csv and ownership.json.")],
    places: Annotated[Path | None, typer.Option(help="Priority places.")] = None,
    incidents: Annotated[Path | None, typer.Option(help="Incident points.")] = None,
    rules: Annotated[Path | None, typer.Option(help="The city's rules file (TOML).")] = None,
    previous: PreviousOption = None,
    pin: PinOption = None,
    crs: Annotated[str | None, typer.Option(help="CRS for layers that have none.")] = None,
    zones_layer: Annotated[str | None, typer.Option(help="Layer of the zones file.")] = None,
    roads_layer: Annotated[str | None, typer.Option(help="Layer of the roads file.")] = None,
) -> None:
    """One road, one chief (一路一长): give every segment an owner, balanced, compact, stable."""
    from roadchief.pipeline import PlanOptions, default_week, run_assign

    opts = PlanOptions(
        zones=zones, roads=roads, chiefs=chiefs, out=out, week=default_week(),
        places=places, incidents=incidents, rules=rules, crs=crs,
        zones_layer=zones_layer, roads_layer=roads_layer, previous=previous, pins=pin,
    )  # fmt: skip
    try:
        with console.status("starting") as status:
            s = run_assign(opts, on_stage=lambda name: status.update(f"{name} …"))
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
