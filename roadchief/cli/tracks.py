"""The track commands: import one person's GPS tracks (巡查轨迹)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from roadchief.cli.console import out, progress_bars, reported
from roadchief.cli.database import DbOption, engine_of

track_app = typer.Typer(help="GPS tracks (巡查轨迹): import and match.", no_args_is_help=True)


@track_app.command("import")
def import_(
    file: Annotated[
        Path, typer.Argument(help="GPX, or GeoJSON lines with times / points with a time.")
    ],
    chief: Annotated[
        str,
        typer.Option(
            "--chief",
            help="Whose tracks [default: none: every GeoJSON feature names its chief_id].",
        ),
    ] = "",
    db: DbOption = None,
) -> None:
    """Import tracks and match them to the planned patrols: walked yes, no or unknown."""
    from roadchief.app.tracks import import_tracks

    with reported(), progress_bars() as update:
        r = import_tracks(engine_of(db), file, chief, on_progress=update)
    if r.status == "unchanged":
        out.print(f"[bold]roadchief track import[/]: {escape(r.file)} was imported before; "
                  "nothing changed")  # fmt: skip
        return
    who = ", ".join(r.people[:5]) + (f" and {len(r.people) - 5} more" if len(r.people) > 5 else "")
    out.print(f"[bold]roadchief track import[/]: {escape(r.file)}: {r.points} points of "
              f"{len(r.people)} people ({escape(who)})")  # fmt: skip
    if r.weeks:
        w, a = r.walked, r.week_walked
        out.print(f"  planned patrols of {', '.join(r.weeks)}: {a.total()} (every roster row): "
                  f"{a['yes']} walked (已巡), {a['no']} missed (未巡), {a['unknown']} without a "
                  "track (无轨迹)")  # fmt: skip
        out.print(f"  of these people's {w.total()}: {w['yes']} walked, {w['no']} missed, "
                  f"{w['unknown']} without a track")  # fmt: skip
    if r.unplanned:
        out.print(f"  [yellow]not planned on the database: {', '.join(r.unplanned)}[/]; the "
                  "tracks are stored, but there is no patrol to match them to")  # fmt: skip
