"""The database commands of the CLI: init, import, db upgrade, plan from the database,
export and history. Registered in roadchief.cli, one line each."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from roadchief.domain import Week
from roadchief.errors import RoadchiefError

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="Database URL: sqlite:///file.db or postgresql+psycopg://user@host/db "
        "[default: $ROADCHIEF_DB, else roadchief.db].",
    ),
]
db_app = typer.Typer(help="Database maintenance.", no_args_is_help=True)
out_console = Console(highlight=False, soft_wrap=True)


def _fail(exc: Exception) -> typer.Exit:
    from rich.markup import escape

    from roadchief.cli import console

    console.print(f"[bold red]error:[/] {escape(str(exc))}", soft_wrap=True)
    return typer.Exit(code=1)


@contextmanager
def _progress() -> Iterator[Any]:
    """A rich progress display; yields on_progress(stage, done, total)."""
    from roadchief.cli import console

    columns = (
        SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
        TextColumn("{task.completed}/{task.total}"), TimeElapsedColumn(),
    )  # fmt: skip
    with Progress(*columns, console=console, transient=True) as bar:
        tasks: dict[str, Any] = {}

        def update(stage: str, done: int = 0, total: int = 0) -> None:
            if stage not in tasks:
                for t in tasks.values():
                    bar.update(t, completed=bar.tasks[t].total or 1, total=bar.tasks[t].total or 1)
                tasks[stage] = bar.add_task(stage, total=total or None)
            bar.update(tasks[stage], completed=done, total=total or None)

        yield update


def _engine(db: str | None) -> Any:
    from roadchief.store.db import make_engine

    return make_engine(db)


def init(db: DbOption = None) -> None:
    """Create the database (or bring it to this roadchief's schema)."""
    from roadchief.store.migrate import upgrade as run_upgrade

    try:
        engine = _engine(db)
        before, after = run_upgrade(engine)
    except RoadchiefError as exc:
        raise _fail(exc) from None
    url = engine.url.render_as_string(hide_password=True)
    what = "created" if before is None else ("up to date" if before == after else "upgraded")
    out_console.print(f"[bold]roadchief init[/]: {url} {what} (schema {after})")


@db_app.command("upgrade")
def upgrade(db: DbOption = None) -> None:
    """Upgrade an older database to this roadchief's schema (Alembic migrations)."""
    from roadchief.store.migrate import upgrade as run_upgrade

    try:
        engine = _engine(db)
        before, after = run_upgrade(engine)
    except RoadchiefError as exc:
        raise _fail(exc) from None
    if before == after:
        out_console.print(f"schema {after}: already up to date")
    else:
        out_console.print(f"schema upgraded from {before or 'empty'} to {after}")


def import_(
    items: Annotated[
        list[str],
        typer.Argument(
            help="KIND FILE pairs; kinds: zones, roads, places, incidents, chiefs, rules. "
            "All pairs of one command are one transaction."
        ),
    ],
    db: DbOption = None,
    crs: Annotated[str | None, typer.Option(help="CRS for layers that have none.")] = None,
    layer: Annotated[str | None, typer.Option(help="Layer of a multi-layer file.")] = None,
) -> None:
    """Import input files: checked as plan checks them, all or nothing, idempotent."""
    from roadchief.store.inputs import KINDS, ImportItem, import_files

    if len(items) % 2:
        raise typer.BadParameter(
            "give KIND FILE pairs, e.g. zones zones.geojson roads roads.geojson"
        )
    pairs = [(items[i].lower(), Path(items[i + 1])) for i in range(0, len(items), 2)]
    for kind, _ in pairs:
        if kind not in KINDS:
            raise typer.BadParameter(f"unknown kind {kind!r}; expected one of {', '.join(KINDS)}")
    todo = [ImportItem(k, p, crs=crs, layer=layer) for k, p in pairs]
    try:
        with _progress() as update:
            result = import_files(_engine(db), todo, on_progress=update)
    except RoadchiefError as exc:
        raise _fail(exc) from None
    out_console.print("[bold]roadchief import[/]")
    for f in result.files:
        out_console.print(f"  {f.kind}: {escape(f.name)} v{f.version} ({f.status})")
    if result.snapshot_id is None:
        out_console.print("  nothing changed: every file equals its current version")
        return
    if result.segments_placed is not None:
        out_console.print(
            f"  segments: {result.segments_placed} placed, {result.segments_unplaced} unplaced"
        )
    if result.chiefs is not None:
        out_console.print(f"  chiefs: {result.chiefs}")
    c = result.changes
    if c is not None:
        out_console.print(
            f"  segments against the previous import: {len(c.added)} added, "
            f"{len(c.changed)} changed, {len(c.removed)} removed, {c.unchanged} unchanged"
        )
        for label, ids in (("added", c.added), ("changed", c.changed), ("removed", c.removed)):
            if ids:
                shown = ", ".join(ids[:10]) + (" …" if len(ids) > 10 else "")
                out_console.print(f"    {label}: {shown}")
    for w in result.warnings:
        out_console.print(f"  [yellow]warning:[/] {escape(w)}")
    if result.pending:
        out_console.print(f"  still to import before planning: {', '.join(result.pending)}")


def plan_from_db(
    db: str | None,
    week: Week,
    out: Path,
    *,
    time_limit_s: float,
    workers: int,
    seed: int,
    tiles: str | None,
    pins: Path | None,
    parallel: int | None = None,
    scheduler: str | None = None,
) -> dict[str, Any]:
    """``roadchief plan`` without input files: plan the week from the database."""
    from roadchief.cli import console
    from roadchief.store.weeks import plan_week_from_db

    with console.status("starting") as status:
        return plan_week_from_db(
            _engine(db), week, out, time_limit_s=time_limit_s, workers=workers, seed=seed,
            tiles=tiles, pins=pins, on_stage=lambda name: status.update(f"{name} …"),
            parallel=parallel, scheduler=scheduler,
        )  # fmt: skip


def export(
    week: Annotated[str, typer.Option(help="The planned ISO week, e.g. 2026-W49.")],
    out: Annotated[Path, typer.Option(help="Run folder to write.")],
    db: DbOption = None,
) -> None:
    """Write a stored week's run folder again, as plan wrote it."""
    from roadchief.store.weeks import export_week

    try:
        the_week = Week.parse(week)
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from exc
    try:
        with _progress() as update:
            update("exporting", 0, 0)
            summary = export_week(_engine(db), the_week, out)
    except RoadchiefError as exc:
        raise _fail(exc) from None
    out_console.print(
        f"[bold]roadchief export {summary['week']}[/]: {out}/ ({summary['tours']} tours, "
        f"{summary['patrols_planned']} patrols, status {summary['status']})"
    )


def history(
    db: DbOption = None,
    chief: Annotated[
        str | None, typer.Option(help="Show one person's patrols and segments per week.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON lines.")] = False,
) -> None:
    """Weeks planned: when, solver status and gap, coverage (and one chief's share)."""
    from roadchief.store.weeks import history as week_history

    try:
        rows = week_history(_engine(db), chief)
    except RoadchiefError as exc:
        raise _fail(exc) from None
    if as_json:
        for r in rows:
            typer.echo(json.dumps(r, default=str, ensure_ascii=False))
        return
    if not rows:
        out_console.print("no week planned yet; run roadchief plan --week 2026-W49")
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
    out_console.print(table)


def require_db_plan(*files: Path | None) -> None:
    """Planning from the database takes no input files: they come from ``roadchief import``."""
    if any(f is not None for f in files):
        raise typer.BadParameter(
            "plan reads files when --zones, --roads and --chiefs are all given; without "
            "them it plans from the database (import the files with roadchief import)"
        )
