"""Write every output of a run into its folder: maps, pages, report, spreadsheets, calendars.

The one entry point of the render side: the application layer hands the run's results
(``RunResults``) and gets back what was written, the figures shown and the time each
output took. Every writer takes its numbers from one ``RunFigures``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping
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
    """
    r, tr = results, Translator(lang)
    folder.mkdir(parents=True, exist_ok=True)
    written = Written(results_figures(r))
    f = written.figures
    draw = Draw(COORD_DECIMALS, wgs84_to_gcj02_xy if tiles and tiles.needs_gcj02 else None)
    with written.timed("roster.csv", on_output):
        write_roster_csv(r.roster, r.instance, r.ownership, folder / "roster.csv", figures=f)
    with written.timed("unplaced.geojson", on_output):
        write_unplaced_geojson(r.city, folder / "unplaced.geojson")
    with written.timed("roster.xlsx", on_output):
        write_roster_xlsx(
            r.roster, r.instance, r.ownership, folder / "roster.xlsx", figures=f, tr=tr
        )
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
            r.city, f, r.instance, r.ownership, folder, tr=tr, draw=draw, base=tiles
        )
    with written.timed("chiefs/*.ics", on_output):
        written.calendars = write_chief_calendars(
            f, r.instance, r.ownership, folder, time_zone=time_zone, tr=tr
        )
    return written
