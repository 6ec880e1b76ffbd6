"""``roadchief page``: people's pages of a run as single files to send."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from roadchief.cli.console import out, reported


def page(
    run: Annotated[Path, typer.Argument(help="The run folder (what roadchief plan wrote).")],
    chief_ids: Annotated[list[str], typer.Argument(help="The people, by chief_id.")],
    out_dir: Annotated[
        Path, typer.Option("--out", help="Folder to write <chief_id>.html in.")
    ] = Path("."),
) -> None:
    """Write people's pages as single files that open alone, offline (to send by WeChat)."""
    from roadchief.app.pages import write_single_pages

    with reported():
        written = write_single_pages(run, chief_ids, out_dir)
    for path in written:
        out.print(f"  {escape(str(path))} ({path.stat().st_size / 1024:.0f} KB)")
