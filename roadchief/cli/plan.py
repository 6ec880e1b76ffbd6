"""The planning commands: plan, replan and assign, on files or on the database."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from roadchief.cli.console import (
    parse_date,
    parse_week,
    positive_seconds,
    reported,
    stages,
)
from roadchief.cli.database import DbOption, engine_of, require_no_files
from roadchief.domain import Absence, Week

LangOption = Annotated[
    str | None,
    typer.Option(
        "--lang",
        help="Language of the outputs and of this summary: zh (Chinese) or en "
        "[default: the rules' output.language, zh].",
    ),
]


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
            callback=positive_seconds,
            help="Solver time for the whole city, seconds; zones left short then get a "
            "second phase with nearby zones' helpers, a quarter of it on top.",
        ),
    ] = 60.0,
    workers: Annotated[int, typer.Option(min=1, help="CP-SAT search workers per zone.")] = 2,
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
    lang: LangOption = None,
    db: DbOption = None,
) -> None:
    """Plan a week: ingest, give every segment a chief, build the roster, write maps and exports.

    Without --zones, --roads and --chiefs: plan from the database (see roadchief import).
    """
    from roadchief.app.files import CityFiles, WeekFiles
    from roadchief.app.on_database import plan_db
    from roadchief.app.on_files import plan_files
    from roadchief.app.settings import OutputSettings, PlanSettings
    from roadchief.cli.summary import print_summary
    from roadchief.i18n import parse_language
    from roadchief.solve.settings import LOCAL, SolverSettings

    the_week = parse_week(week)
    run_out = out or Path("schedules") / str(the_week)
    solver = SolverSettings(
        time_limit_s=time_limit, workers=workers, seed=seed, deterministic=deterministic,
        lanes=parallel, runner=scheduler or LOCAL,
    )  # fmt: skip
    settings = PlanSettings(solver=solver, strict=strict)
    pins = WeekFiles(owner_pins=pin_owners, roster_pins=pin)
    with reported(), stages(lang) as on_stage:
        output = OutputSettings(tiles, parse_language(lang, "--lang") if lang else None)
        if zones is None or roads is None or chiefs is None:
            require_no_files(zones, roads, chiefs, places, incidents, rules, previous)
            summary = plan_db(engine_of(db), the_week, run_out, settings, output=output,
                              pins=pins, on_stage=on_stage)  # fmt: skip
        else:
            files = CityFiles(zones, roads, chiefs, places, incidents, rules, crs, zones_layer,
                              roads_layer)  # fmt: skip
            extra = WeekFiles(previous_run=previous, owner_pins=pin_owners, roster_pins=pin)
            summary = plan_files(files, extra, the_week, settings, run_out, output=output,
                                 on_stage=on_stage)  # fmt: skip
    print_summary(summary, run_out)


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
    time_limit: Annotated[
        float, typer.Option(callback=positive_seconds, help="Solver time, seconds.")
    ] = 30.0,
    workers: Annotated[int, typer.Option(min=1, help="CP-SAT search workers.")] = 2,
    seed: Annotated[int | None, typer.Option(help="Solver seed [default: the run's].")] = None,
    deterministic: Annotated[
        bool, typer.Option(help="Same inputs and --seed give the same roster (slower).")
    ] = False,
    week: Annotated[
        str | None, typer.Option(help="The stored week to re-plan (database, no --roster).")
    ] = None,
    lang: LangOption = None,
    db: DbOption = None,
) -> None:
    """Re-plan the rest of a week after people are called away, changing as little as possible.

    Reads the run folder's recorded inputs (the same files must still be there), keeps
    every patrol before --from and every zone without an absent person, and solves the
    absent people's zones again with each changed patrol costing.
    """
    from roadchief.app.on_database import replan_db
    from roadchief.app.on_files import replan_folder
    from roadchief.cli.summary import print_replan, print_summary
    from roadchief.i18n import parse_language

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
    with reported(), stages(lang) as on_stage:
        language = parse_language(lang, "--lang") if lang else None
        if roster is None:
            the_week = parse_week(week)
            run_out = out or Path("schedules") / f"{the_week}-replan-{first.isoformat()}"
            summary = replan_db(engine_of(db), the_week, absences, first, run_out, changes,
                                lang=language, on_stage=on_stage)  # fmt: skip
        else:
            run_out = out or roster.with_name(f"{roster.name}-replan-{first.isoformat()}")
            summary = replan_folder(roster, absences, first, run_out, changes, lang=language,
                                    on_stage=on_stage)  # fmt: skip
    print_summary(summary, run_out)
    assert summary.replan is not None
    print_replan(summary.replan, summary.inputs)


def assign(
    out: Annotated[Path, typer.Option(help="Folder for ownership.csv and ownership.json.")],
    zones: Annotated[Path | None, typer.Option(help="Zone polygons (as for plan).")] = None,
    roads: Annotated[Path | None, typer.Option(help="Road lines (as for plan).")] = None,
    chiefs: Annotated[Path | None, typer.Option(help="Chiefs file (CSV, UTF-8).")] = None,
    places: Annotated[Path | None, typer.Option(help="Priority places.")] = None,
    incidents: Annotated[Path | None, typer.Option(help="Incident points.")] = None,
    rules: Annotated[Path | None, typer.Option(help="The city's rules file (TOML).")] = None,
    previous: Annotated[
        Path | None,
        typer.Option(
            "--previous",
            help="An earlier ownership.csv: its owners are kept wherever balance allows.",
        ),
    ] = None,
    pin: Annotated[
        Path | None,
        typer.Option("--pin", help="Pins file (CSV: segment_id, chief_id); pins always hold."),
    ] = None,
    crs: Annotated[str | None, typer.Option(help="CRS for layers that have none.")] = None,
    zones_layer: Annotated[str | None, typer.Option(help="Layer of the zones file.")] = None,
    roads_layer: Annotated[str | None, typer.Option(help="Layer of the roads file.")] = None,
    week: Annotated[
        str | None, typer.Option(help="Database: the week to be planned [default: next week].")
    ] = None,
    db: DbOption = None,
) -> None:
    """One road, one chief (一路一长): give every segment an owner, balanced, compact, stable.

    Without --zones, --roads and --chiefs: the owners the database's next plan of --week
    starts from (last stored week's owners kept wherever balance allows); nothing is stored.
    """
    from roadchief.app.files import CityFiles, WeekFiles
    from roadchief.app.on_database import assign_db
    from roadchief.app.on_files import assign_files
    from roadchief.app.settings import PlanSettings
    from roadchief.cli.summary import print_assign

    the_week = parse_week(week)
    lanes = PlanSettings().ownership_lanes
    with reported(), stages() as on_stage:
        if zones is None or roads is None or chiefs is None:
            require_no_files(zones, roads, chiefs, places, incidents, rules, previous)
            s = assign_db(engine_of(db), the_week, out, pins=pin, lanes=lanes, on_stage=on_stage)
        else:
            files = CityFiles(zones, roads, chiefs, places, incidents, rules, crs, zones_layer,
                              roads_layer)  # fmt: skip
            extra = WeekFiles(previous_owners=previous, owner_pins=pin)
            s = assign_files(files, extra, the_week, out, lanes=lanes, on_stage=on_stage)
    print_assign(s, out)
