"""The closed loop's report commands: ledger (清单台账) and kpi (考核)."""

from __future__ import annotations

from collections import Counter
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
    from roadchief.calendar import moment_text
    from roadchief.config import load_rules

    with reported(), progress_bars() as bar:
        bar("writing the ledger", 0, 0)
        when = moment(at, load_rules(None))
        done = write_ledger(engine_of(db), when, out_dir)
    v = done.view
    counts = ", ".join(f"{k.replace('_', ' ')} {len(v.sections[k])}" for k in v.sections)
    out.print(f"[bold]roadchief ledger[/] at {moment_text(v.at)}: {counts}")
    out.print(f"  {escape(str(out_dir))}/: ledger.xlsx, ledger.html, "
              f"{len(done.files) - 2} unit digests in digests/")  # fmt: skip


def kpi(
    first: Annotated[str, typer.Option("--from", help="First day of the period (YYYY-MM-DD).")],
    last: Annotated[str, typer.Option("--to", help="Last day of the period, included.")],
    out_dir: Annotated[Path, typer.Option("--out", help="Folder to write.")],
    db: DbOption = None,
) -> None:
    """Write the assessment (考核): patrols.csv, scores.csv, kpi.xlsx and kpi.html."""
    import datetime as dt

    from roadchief.app.kpi import write_kpi
    from roadchief.loop.assessment import Counters

    days = []
    for name, text in (("--from", first), ("--to", last)):
        try:
            days.append(dt.date.fromisoformat(text.strip()))
        except ValueError:
            raise typer.BadParameter(f"{text!r} is not a date; write 2026-11-30",
                                     param_hint=name) from None  # fmt: skip
    with reported(), progress_bars() as bar:
        bar("assessing the period", 0, 0)
        found, files = write_kpi(engine_of(db), days[0], days[1], out_dir)
    walked = Counter(r.walked.value for r in found.patrols)
    out.print(f"[bold]roadchief kpi[/] {days[0]} to {days[1]}: {len(found.patrols)} planned "
              f"patrols: {walked['yes']} walked (已巡), {walked['no']} missed (未巡), "
              f"{walked['unknown']} without a track (无轨迹)")  # fmt: skip
    a, s = found.assessment, found.score
    for group in ("chief", "zone"):
        ranked = a.ranking(group, s)
        if ranked:
            best, worst = ranked[0], ranked[-1]
            out.print(f"  {group}: best {escape(best[0])} ({best[1]:g}), "
                      f"worst {escape(worst[0])} ({worst[1]:g})")  # fmt: skip
    zones = a.groups["zone"].values()
    city = Counters(
        closed=sum(c.closed for c in zones),
        closed_on_time=sum(c.closed_on_time for c in zones),
        overdue=sum(c.overdue for c in zones),
    )
    rate = "—" if city.on_time_rate is None else f"{city.on_time_rate:.1%}"
    out.print(f"  cases: {city.closed} closed, {city.closed_on_time} on time, {city.overdue} "
              f"overdue at the end; on-time closure rate (按期结案率) {rate}")  # fmt: skip
    if found.unplanned:
        out.print(f"  [yellow]weeks not planned on the database: {', '.join(found.unplanned)}[/]")
    out.print(f"  {escape(str(out_dir))}/: {', '.join(f.name for f in files)}")
