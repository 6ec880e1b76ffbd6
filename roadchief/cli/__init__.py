"""The roadchief command line: thin Typer commands over the application layer."""

from __future__ import annotations

from typing import Annotated

import typer

from roadchief import __version__
from roadchief.cli import cases, database, loop, pages, plan, tracks, web
from roadchief.cli.help import translated_command

app = typer.Typer(
    name="roadchief",
    help="Road chief (路长制) responsibility and patrol scheduling.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


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


app.command()(plan.plan)
app.command()(plan.replan)
app.command()(plan.assign)
app.command("init")(database.init)
app.command("import")(database.import_)
app.command("export")(database.export)
app.command("history")(database.history)
app.add_typer(database.db_app, name="db")
app.add_typer(cases.case_app, name="case")
app.add_typer(tracks.track_app, name="track")
app.command()(loop.ledger)
app.command()(loop.kpi)
app.command()(pages.page)
app.command("serve")(web.serve)
app.add_typer(web.user_app, name="user")


def run() -> None:
    """The ``roadchief`` program: the commands with their help in the reader's language."""
    translated_command(app)(prog_name="roadchief")
