"""The database commands: init, db upgrade, import, export and history."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.table import Table

from roadchief.cli.console import out, parse_week, progress_bars, reported

if TYPE_CHECKING:
    from sqlalchemy import Engine

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="Database URL: sqlite:///file.db or postgresql+psycopg://user@host/db "
        "[default: $ROADCHIEF_DB, else roadchief.db].",
    ),
]
db_app = typer.Typer(help="Database maintenance.", no_args_is_help=True)


def engine_of(db: str | None) -> Engine:
    """The engine of ``--db`` (or ``$ROADCHIEF_DB``, else ``roadchief.db``)."""
    from roadchief.store.db import make_engine

    return make_engine(db)


def require_no_files(*files: Path | None) -> None:
    """Planning from the database takes no input files: they come from ``roadchief import``."""
    if any(f is not None for f in files):
        raise typer.BadParameter(
            "plan and assign read files when --zones, --roads and --chiefs are all given; "
            "without them they work on the database (import the files with roadchief import)"
        )


def init(db: DbOption = None) -> None:
    """Create the database (or bring it to this roadchief's schema)."""
    from roadchief.store.migrate import upgrade as run_upgrade

    with reported():
        engine = engine_of(db)
        before, after = run_upgrade(engine)
    url = engine.url.render_as_string(hide_password=True)
    what = "created" if before is None else ("up to date" if before == after else "upgraded")
    out.print(f"[bold]roadchief init[/]: {url} {what} (schema {after})")


@db_app.command("upgrade")
def upgrade(db: DbOption = None) -> None:
    """Upgrade an older database to this roadchief's schema (Alembic migrations)."""
    from roadchief.store.migrate import upgrade as run_upgrade

    with reported():
        before, after = run_upgrade(engine_of(db))
    if before == after:
        out.print(f"schema {after}: already up to date")
    else:
        out.print(f"schema upgraded from {before or 'empty'} to {after}")


def import_(
    items: Annotated[
        list[str],
        typer.Argument(
            help="KIND FILE pairs; kinds: zones, roads, places, incidents, chiefs, rules, "
            "and units (责任单位, alone). All pairs of one command are one transaction."
        ),
    ],
    db: DbOption = None,
    crs: Annotated[str | None, typer.Option(help="CRS for layers that have none.")] = None,
    layer: Annotated[str | None, typer.Option(help="Layer of a multi-layer file.")] = None,
) -> None:
    """Import input files: checked as plan checks them, all or nothing, idempotent."""
    from roadchief.app.imports import ImportItem, import_files
    from roadchief.store.imports import KINDS

    if len(items) % 2:
        raise typer.BadParameter(
            "give KIND FILE pairs, e.g. zones zones.geojson roads roads.geojson"
        )
    pairs = [(items[i].lower(), Path(items[i + 1])) for i in range(0, len(items), 2)]
    for kind, _ in pairs:
        if kind not in (*KINDS, "units"):
            raise typer.BadParameter(
                f"unknown kind {kind!r}; expected one of {', '.join(KINDS)}, units"
            )
    if any(kind == "units" for kind, _ in pairs):
        if len(pairs) > 1:
            raise typer.BadParameter(
                "units are checked against the imported city: import them in their own "
                "command (roadchief import units FILE)"
            )
        import_units_file(pairs[0][1], db)
        return
    todo = [ImportItem(k, p, crs=crs, layer=layer) for k, p in pairs]
    with reported(), progress_bars() as update:
        result = import_files(engine_of(db), todo, on_progress=update)
    out.print("[bold]roadchief import[/]")
    for f in result.files:
        out.print(f"  {f.kind}: {escape(f.name)} v{f.version} ({f.status})")
    if result.snapshot_id is None:
        out.print("  nothing changed: every file equals its current version")
        return
    if result.segments_placed is not None:
        out.print(
            f"  segments: {result.segments_placed} placed, {result.segments_unplaced} unplaced"
        )
    if result.chiefs is not None:
        out.print(f"  chiefs: {result.chiefs}")
    c = result.changes
    if c is not None:
        out.print(
            f"  segments against the previous import: {len(c.added)} added, "
            f"{len(c.changed)} changed, {len(c.removed)} removed, {c.unchanged} unchanged"
        )
        for label, ids in (("added", c.added), ("changed", c.changed), ("removed", c.removed)):
            if ids:
                shown = ", ".join(ids[:10]) + (" …" if len(ids) > 10 else "")
                out.print(f"    {label}: {shown}")
    for w in result.warnings:
        out.print(f"  [yellow]warning:[/] {escape(w)}")
    if result.pending:
        out.print(f"  still to import before planning: {', '.join(result.pending)}")


def import_units_file(path: Path, db: str | None) -> None:
    """``roadchief import units FILE``: the units and their frontage, then every case routed."""
    from roadchief.app.units import import_units

    with reported():
        r = import_units(engine_of(db), path)
    if r.status == "unchanged":
        out.print(f"[bold]roadchief import[/]: units {escape(r.file)} were imported before; "
                  "nothing changed")  # fmt: skip
        return
    out.print(f"[bold]roadchief import[/]: units {escape(r.file)}: {r.units} units, "
              f"frontage on {r.frontage} segments")  # fmt: skip
    out.print(f"  cases routed again: {r.routed} to a unit, {r.unrouted} to none")


def export(
    week: Annotated[str, typer.Option(help="The planned ISO week, e.g. 2026-W49.")],
    out_dir: Annotated[Path, typer.Option("--out", help="Run folder to write.")],
    db: DbOption = None,
) -> None:
    """Write a stored week's run folder again, as plan wrote it."""
    from roadchief.app.on_database import export_db

    the_week = parse_week(week)
    with reported(), progress_bars() as update:
        update("exporting", 0, 0)
        s = export_db(engine_of(db), the_week, out_dir)
    out.print(
        f"[bold]roadchief export {s.week}[/]: {out_dir}/ ({s.tours} tours, "
        f"{s.patrols_planned} patrols, status {s.status})"
    )


def history(
    db: DbOption = None,
    chief: Annotated[
        str | None, typer.Option(help="Show one person's patrols and segments per week.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON lines.")] = False,
) -> None:
    """Weeks planned: when, solver status and gap, coverage (and one chief's share)."""
    from roadchief.app.on_database import history as week_history

    with reported():
        rows = week_history(engine_of(db), chief)
    if as_json:
        for r in rows:
            typer.echo(json.dumps(r, default=str, ensure_ascii=False))
        return
    if not rows:
        out.print("no week planned yet; run roadchief plan --week 2026-W49")
        return
    table = Table(title="roadchief history")
    cols = ["week", "run", "replans", "planned", "status", "gap %", "patrols", "uncovered km"]
    if chief:
        cols += [f"{chief} patrols", "segments", "owned"]
    for c in cols:
        table.add_column(c)
    for r in rows:
        cells = [
            r["week"], str(r["run"]), str(r["replans"]), f"{r['planned_at']:%Y-%m-%d %H:%M}",
            r["status"], f"{100 * r['gap']:.2f}", f"{r['patrols_planned']}/{r['patrols_required']}",
            f"{r['uncovered_km']:.1f}",
        ]  # fmt: skip
        if chief:
            cells += [str(r["patrols"]), str(r["segments_patrolled"]), str(r["segments_owned"])]
        table.add_row(*cells)
    out.print(table)
