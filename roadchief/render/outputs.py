"""Write every output of a run into its folder: maps, pages, report, spreadsheets, calendars.

The one entry point of the render side: the application layer hands the run's results
(``RunResults``) and gets back what was written, the figures shown and the time each
output took. Every writer takes its numbers from one ``RunFigures``.
"""

from __future__ import annotations

import multiprocessing
import time
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from roadchief.domain import Ownership, PatrolInstance, Roster
from roadchief.figures import RunFigures, run_figures, unplaced_from_rows
from roadchief.geo.china import wgs84_to_gcj02_xy
from roadchief.geo.city import PreparedCity
from roadchief.i18n import DEFAULT_LANGUAGE, Translator
from roadchief.render.chief_pages import write_person_pages
from roadchief.render.draw import COORD_DECIMALS, Draw
from roadchief.render.exports import write_roster_csv, write_unplaced_geojson
from roadchief.render.gis import write_roster_gpkg
from roadchief.render.ics import write_chief_calendars
from roadchief.render.overview import render_overview
from roadchief.render.report import write_report
from roadchief.render.tiles import BaseMap
from roadchief.render.xlsx import write_roster_xlsx
from roadchief.solve.roster.walk import TourWalk


@dataclass(frozen=True)
class RunResults:
    """What a run decided, as the renderers read it."""

    city: PreparedCity
    instance: PatrolInstance
    ownership: Ownership
    roster: Roster
    walks: Mapping[str, TourWalk]
    """Every tour as walked: the checker's ``CheckReport.walks``."""


@dataclass
class Written:
    """What ``write_outputs`` wrote, the figures it showed and the seconds of each output."""

    figures: RunFigures
    person_pages: list[Path] = field(default_factory=list)
    calendars: list[Path] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)

    @contextmanager
    def timed(self, name: str, hook: Callable[[str], Any] | None) -> Iterator[None]:
        if hook is not None:
            hook(name)
        start = time.perf_counter()
        yield
        self.seconds[name] = round(time.perf_counter() - start, 3)


def results_figures(results: RunResults) -> RunFigures:
    """The run's figures (``roadchief.figures``) from its results."""
    unplaced = results.city.unplaced_gdf.drop(columns="geometry", errors="ignore")
    return run_figures(
        results.instance,
        results.ownership,
        results.roster,
        results.walks,
        unplaced_from_rows(unplaced.to_dict("records")),
    )


def write_outputs(
    results: RunResults,
    folder: Path,
    *,
    time_zone: str,
    tiles: BaseMap | None = None,
    lang: str = DEFAULT_LANGUAGE,
    on_output: Callable[[str], Any] | None = None,
    figures: RunFigures | None = None,
) -> Written:
    """Write the run folder's outputs (not ``summary.json``, which the caller writes).

    Parameters
    ----------
    results
        The run's results and the checker's walks.
    folder
        The run folder (created if missing).
    time_zone
        The rules' ``time_zone`` (calendars).
    tiles
        A base map for the maps; None keeps every page offline.
    lang
        ``zh`` (default) or ``en``: the language of everything written.
    on_output
        Called with each output's name before it is written (progress).
    figures
        The run's figures when the caller has them already (``results_figures``).
    """
    r, tr = results, Translator(lang)
    folder.mkdir(parents=True, exist_ok=True)
    written = Written(figures or results_figures(r))
    f = written.figures
    draw = Draw(COORD_DECIMALS, wgs84_to_gcj02_xy if tiles and tiles.needs_gcj02 else None)
    side = _Side(r.roster, r.instance, r.ownership, f, folder, lang, time_zone)
    with _beside(side, len(r.roster.assignments) >= SIDE_PROCESS_FROM_PATROLS) as later:
        with written.timed("roster.csv", on_output):
            write_roster_csv(r.roster, r.instance, r.ownership, folder / "roster.csv", figures=f)
        with written.timed("unplaced.geojson", on_output):
            write_unplaced_geojson(r.city, folder / "unplaced.geojson")
        with written.timed("roster.gpkg", on_output):
            write_roster_gpkg(r.city, r.ownership, f, r.instance, folder / "roster.gpkg")
        with written.timed("report.html", on_output):
            write_report(f, r.instance, folder / "report.html", tr=tr)
        with written.timed("overview.html", on_output):
            render_overview(
                r.city, r.ownership, f, r.instance, folder / "overview.html", tiles=tiles, tr=tr
            )
        with written.timed("chiefs/*.html", on_output):
            written.person_pages = write_person_pages(
                r.city, f, r.instance, r.ownership, folder, tr=tr, draw=draw, base=tiles,
                time_zone=time_zone,
            )  # fmt: skip
    calendars, seconds = later()
    written.calendars = calendars
    written.seconds.update(seconds)
    return written


SIDE_PROCESS_FROM_PATROLS = 20_000
"""From this many patrols the workbook and the calendars are written in a second process
while this one draws the maps. Starting it costs about 3 s (a fresh interpreter importing
roadchief); the two take about 0.55 ms a patrol (38 s for the 10x demo city's 69,000,
measured on 2 busy cores), so below about 20,000 patrols one process is as quick."""


@dataclass(frozen=True)
class _Side:
    """What the second process needs for the workbook and the calendars (pickled)."""

    roster: Roster
    instance: PatrolInstance
    ownership: Ownership
    figures: RunFigures
    folder: Path
    lang: str
    time_zone: str

    def write(self) -> tuple[list[Path], dict[str, float]]:
        """Write ``roster.xlsx`` and ``chiefs/*.ics``; the calendars and the seconds of each."""
        tr = Translator(self.lang)
        seconds: dict[str, float] = {}
        start = time.perf_counter()
        write_roster_xlsx(
            self.roster, self.instance, self.ownership, self.folder / "roster.xlsx",
            figures=self.figures, tr=tr,
        )  # fmt: skip
        seconds["roster.xlsx"] = round(time.perf_counter() - start, 3)
        start = time.perf_counter()
        calendars = write_chief_calendars(
            self.figures, self.instance, self.ownership, self.folder,
            time_zone=self.time_zone, tr=tr,
        )  # fmt: skip
        seconds["chiefs/*.ics"] = round(time.perf_counter() - start, 3)
        return calendars, seconds


def _write_side(side: _Side) -> tuple[list[Path], dict[str, float]]:
    return side.write()


@contextmanager
def _beside(
    side: _Side, in_process: bool
) -> Iterator[Callable[[], tuple[list[Path], dict[str, float]]]]:
    """Run ``side`` in a second process during the block (``in_process``), or after it here;
    yields the function that returns its result (raising its error, if any)."""
    if not in_process:
        yield side.write
        return
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        future = pool.submit(_write_side, side)
        yield future.result
