"""Every output of a run: maps, pages, report, CSV, Excel, iCalendar, GeoPackage.

``write_outputs`` writes them all from a run's results; the writers below are its parts.
"""

from roadchief.render.exports import (
    write_json,
    write_ownership_csv,
    write_roster_csv,
    write_unplaced_geojson,
)
from roadchief.render.gis import write_roster_gpkg
from roadchief.render.ics import write_chief_calendars
from roadchief.render.maps import colour_chiefs, render_overview, write_person_pages
from roadchief.render.outputs import RunResults, Written, results_figures, write_outputs
from roadchief.render.report import write_report
from roadchief.render.tiles import base_map
from roadchief.render.xlsx import write_roster_xlsx

__all__ = [
    "RunResults",
    "Written",
    "base_map",
    "colour_chiefs",
    "render_overview",
    "results_figures",
    "write_chief_calendars",
    "write_json",
    "write_outputs",
    "write_ownership_csv",
    "write_person_pages",
    "write_report",
    "write_roster_csv",
    "write_roster_gpkg",
    "write_roster_xlsx",
    "write_unplaced_geojson",
]
