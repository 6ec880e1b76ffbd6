"""Maps and exports of a run's results: overview and chief maps, CSV, GeoJSON and JSON."""

from roadchief.render.exports import (
    write_json,
    write_ownership_csv,
    write_roster_csv,
    write_unplaced_geojson,
)
from roadchief.render.maps import colour_chiefs, render_chief_maps, render_overview

__all__ = [
    "colour_chiefs",
    "render_chief_maps",
    "render_overview",
    "write_json",
    "write_ownership_csv",
    "write_roster_csv",
    "write_unplaced_geojson",
]
