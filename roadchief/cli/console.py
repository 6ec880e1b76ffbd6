"""The command line's one console and one error path: results on stdout, messages,
progress and errors on stderr; a RoadchiefError becomes one red line and exit code 1."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, NoReturn

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from roadchief.domain import Week
from roadchief.errors import RoadchiefError

console = Console(stderr=True, highlight=False)
"""Messages, progress and errors (stderr)."""
out = Console(highlight=False, soft_wrap=True)
"""Results (stdout)."""


def fail(message: str) -> NoReturn:
    """Print one clear error and exit 1 (a traceback for bad input is a bug)."""
    console.print(f"[bold red]error:[/] {escape(message)}", soft_wrap=True)
    raise typer.Exit(code=1)


@contextmanager
def reported() -> Iterator[None]:
    """Turn a RoadchiefError raised in the block into ``fail``."""
    try:
        yield
    except RoadchiefError as exc:
        fail(str(exc))


@contextmanager
def stages() -> Iterator[Callable[[str, float | None], None]]:
    """Yield the hook a run calls as each stage starts: on a terminal a live line with the
    stage, its elapsed time and its budget; otherwise (logs, CI) one line a stage with the
    run's elapsed time."""
    started = time.perf_counter()
    if not console.is_terminal:

        def line(name: str, budget_s: float | None) -> None:
            limit = f" (limit {budget_s:g} s)" if budget_s else ""
            console.print(f"[{time.perf_counter() - started:6.1f} s] {escape(name)}{limit} …")

        yield line
        return
    columns = (
        SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
        TextColumn("{task.fields[limit]}"),
    )  # fmt: skip
    with Progress(*columns, console=console, transient=True) as bar:
        current: list[Any] = []

        def show(name: str, budget_s: float | None) -> None:
            for task in current:
                bar.stop_task(task)
                bar.update(task, visible=False)
            limit = f"of {budget_s:g} s" if budget_s else ""
            current.append(bar.add_task(escape(name), total=None, limit=limit))

        yield show


@contextmanager
def progress_bars() -> Iterator[Any]:
    """A progress display; yields on_progress(stage, done, total)."""
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


def parse_week(text: str | None) -> Week:
    """An ISO week from an option, or next week when none is given."""
    if text is None:
        return Week.containing(dt.date.today()).next()
    try:
        return Week.parse(text)
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from exc


def parse_date(text: str, option: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError as exc:
        raise typer.BadParameter(
            f"{text!r} is not a date; use YYYY-MM-DD", param_hint=option
        ) from exc


def positive_seconds(value: float) -> float:
    """Typer callback: a time limit must be more than 0 seconds."""
    if value <= 0:
        raise typer.BadParameter(f"must be more than 0 seconds, not {value:g}")
    return value
