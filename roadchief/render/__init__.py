"""Maps and exports of a run's results: maps, CSV, Excel, iCalendar, GeoPackage, report."""

from roadchief.render.exports import (
    write_json,
    write_ownership_csv,
    write_roster_csv,
    write_unplaced_geojson,
)
from roadchief.render.gis import write_roster_gpkg
from roadchief.render.ics import write_chief_calendars
from roadchief.render.maps import colour_chiefs, render_chief_maps, render_overview
from roadchief.render.report import write_report
from roadchief.render.tiles import base_map
from roadchief.render.xlsx import write_roster_xlsx

__all__ = [
    "base_map",
    "colour_chiefs",
    "render_chief_maps",
    "render_overview",
    "write_chief_calendars",
    "write_json",
    "write_ownership_csv",
    "write_report",
    "write_roster_csv",
    "write_roster_gpkg",
    "write_roster_xlsx",
    "write_unplaced_geojson",
]
