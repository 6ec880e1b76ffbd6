"""The closed loop's report commands: ledger (清单台账) and kpi (考核)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from roadchief.cli.console import out, progress_bars, reported
from roadchief.cli.database import DbOption, engine_of


def ledger(
    at: Annotated[
        str, typer.Option(help="As it stood at this time (a date: the end of that day).")
    ],
    out_dir: Annotated[Path, typer.Option("--out", help="Folder to write.")],
    db: DbOption = None,
) -> None:
    """Write the ledger (清单台账): ledger.xlsx, ledger.html and a digest per unit."""
    from roadchief.app.ledger import write_ledger
    from roadchief.app.loop_inputs import moment
    from roadchief.config import load_rules

    with reported(), progress_bars() as bar:
        bar("writing the ledger", 0, 0)
        when = moment(at, load_rules(None))
        done = write_ledger(engine_of(db), when, out_dir)
    v = done.view
    counts = ", ".join(f"{k.replace('_', ' ')} {len(v.sections[k])}" for k in v.sections)
    out.print(f"[bold]roadchief ledger[/] at {v.at:%Y-%m-%d %H:%M}: {counts}")
    out.print(f"  {escape(str(out_dir))}/: ledger.xlsx, ledger.html, "
              f"{len(done.files) - 2} unit digests in digests/")  # fmt: skip
