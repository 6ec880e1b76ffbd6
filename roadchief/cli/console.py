"""The command line's one console and one error path: results on stdout, messages,
progress and errors on stderr; a RoadchiefError becomes one red line and exit code 1."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, NoReturn

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from roadchief.domain import Week
from roadchief.errors import RoadchiefError

if TYPE_CHECKING:
    from roadchief.i18n import Translator

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


class _StageLines:
    """Progress for logs and CI: one line a stage, one a zone solved, with the run's time."""

    def __init__(self, tr: Translator) -> None:
        self.tr = tr
        self.started = time.perf_counter()
        self.zones = 0

    def __call__(self, name: str, budget_s: float | None) -> None:
        limit = self.tr(" (limit {s} s)", s=f"{budget_s:g}") if budget_s else ""
        self._line(f"{escape(self.tr(name))}{limit} …")

    def zone_done(self, zone: str, status: str) -> None:
        self.zones += 1
        self._line(self.tr("  zone {zone}: {status} ({n} done)", zone=escape(zone),
                           status=status, n=self.zones))  # fmt: skip

    def _line(self, text: str) -> None:
        console.print(f"[{time.perf_counter() - self.started:6.1f} s] {text}")


class _StageBar:
    """Progress on a terminal: a live line with the stage, its elapsed time, its budget and
    the zones solved so far."""

    def __init__(self, bar: Progress, tr: Translator) -> None:
        self.bar = bar
        self.tr = tr
        self.current: list[Any] = []
        self.name = ""
        self.zones = 0

    def __call__(self, name: str, budget_s: float | None) -> None:
        for task in self.current:
            self.bar.stop_task(task)
            self.bar.update(task, visible=False)
        self.name, self.zones = escape(self.tr(name)), 0
        limit = self.tr("of {s} s", s=f"{budget_s:g}") if budget_s else ""
        self.current.append(self.bar.add_task(self.name, total=None, limit=limit))

    def zone_done(self, zone: str, status: str) -> None:
        self.zones += 1
        text = self.tr("{stage}: {n} zones done, last {zone} {status}", stage=self.name,
                       n=self.zones, zone=escape(zone), status=status)  # fmt: skip
        self.bar.update(self.current[-1], description=text)


@contextmanager
def stages(lang: str | None = None) -> Iterator[Callable[[str, float | None], None]]:
    """Yield the hook a run calls as each stage starts (and as each zone's roster is
    solved): on a terminal a live line with the stage, its elapsed time, its budget and the
    zones done; otherwise (logs, CI) one line a stage and a zone with the run's time. In
    ``lang`` (the --lang option) if it is a known language, else Chinese."""
    from roadchief.i18n import DEFAULT_LANGUAGE, LANGUAGES, Translator

    tr = Translator(lang if lang in LANGUAGES else DEFAULT_LANGUAGE)
    if not console.is_terminal:
        yield _StageLines(tr)
        return
    columns = (
        SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
        TextColumn("{task.fields[limit]}"),
    )  # fmt: skip
    with Progress(*columns, console=console, transient=True) as bar:
        yield _StageBar(bar, tr)


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
