"""Write the week's results as a GeoPackage for GIS users: zones, segments, tours, unplaced.

QGIS opens ``roster.gpkg`` with one layer each: ``zones``; ``segments`` with owner and
patrols required / planned; ``tours`` with one multi-line per tour (who, when, the segments
in walking order, km walked and km of segments); ``unplaced`` with the reason. Everything in WGS-84 (EPSG:4326).
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

from roadchief.domain import WEEKDAYS, Ownership, PatrolInstance
from roadchief.figures import RunFigures
from roadchief.geo.city import PreparedCity
from roadchief.i18n import clean_text

GPKG_LAYERS = ("zones", "segments", "tours", "unplaced")


def gis_layers(
    city: PreparedCity, ownership: Ownership, figures: RunFigures, instance: PatrolInstance
) -> dict[str, gpd.GeoDataFrame]:
    """The layers of ``roster.gpkg`` by name, in EPSG:4326."""
    return {
        "zones": _wgs84(city.zones_gdf[["zone_id", "name", "geometry"]]),
        "segments": segments_layer(city, ownership, figures, instance),
        "tours": tours_layer(city, figures, instance),
        "unplaced": _wgs84(city.unplaced_gdf),
    }


def write_roster_gpkg(
    city: PreparedCity,
    ownership: Ownership,
    figures: RunFigures,
    instance: PatrolInstance,
    path: Path,
) -> None:
    """Write the layers of ``gis_layers`` to a new GeoPackage (an old file is replaced)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    for name, gdf in gis_layers(city, ownership, figures, instance).items():
        gdf.to_file(path, layer=name, driver="GPKG", engine="pyogrio")


def segments_layer(
    city: PreparedCity, ownership: Ownership, figures: RunFigures, instance: PatrolInstance
) -> gpd.GeoDataFrame:
    """Placed segments with owner, owner's name, patrols required and planned this week."""
    gdf = _wgs84(city.segments_gdf).copy()
    names = {c.chief_id: clean_text(c.name) for c in instance.chiefs}
    planned = figures.patrols_by_segment
    ids = gdf["segment_id"].astype(str)
    gdf["owner_id"] = [ownership.owner_of.get(s, "") for s in ids]
    gdf["owner_name"] = [names.get(o, "") for o in gdf["owner_id"]]
    week_req = {s.segment_id: s.patrols_per_week for s in instance.segments}
    gdf["patrols_required"] = [
        week_req.get(s, int(b)) for s, b in zip(ids, gdf["patrols_per_week"], strict=True)
    ]
    gdf["patrols_planned"] = [planned.get(s, 0) for s in ids]
    return gdf.drop(columns=["patrols_per_week"])


def tours_layer(
    city: PreparedCity, figures: RunFigures, instance: PatrolInstance
) -> gpd.GeoDataFrame:
    """One row per tour: a multi-line of its segments in walking order, who walks it when,
    and its km (walked, and of segments alone) as the run's figures give them."""
    gdf = _wgs84(city.segments_gdf)
    geometry = dict(zip(gdf["segment_id"].astype(str), gdf.geometry, strict=True))
    rows = []
    for tour_id, tour in sorted(figures.tours.items()):
        slot = instance.slot(tour.slot_id)
        lines = shapely.get_parts([geometry[s] for s in tour.segment_ids])
        rows.append(
            {
                "tour_id": tour_id,
                "chief_id": tour.chief_id,
                "chief_name": clean_text(instance.chief(tour.chief_id).name),
                "date": tour.day.isoformat(),
                "weekday": WEEKDAYS[tour.day.weekday()],
                "slot": tour.slot_id,
                "start": f"{slot.start:%H:%M}",
                "end": f"{slot.end:%H:%M}",
                "n_segments": tour.patrols,
                "segments": " ".join(tour.segment_ids),
                "km_walked": round(tour.km_walked, 3),
                "km_segments": round(tour.km_segments, 3),
                "geometry": shapely.MultiLineString(list(lines)),
            }
        )
    columns = [
        "tour_id", "chief_id", "chief_name", "date", "weekday", "slot", "start", "end",
        "n_segments", "segments", "km_walked", "km_segments",
    ]  # fmt: skip
    frame = pd.DataFrame(rows, columns=[*columns, "geometry"])
    return gpd.GeoDataFrame(frame, geometry="geometry", crs="EPSG:4326")


def _wgs84(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    if gdf.crs is not None and not gdf.crs.equals("EPSG:4326"):
        return gdf.to_crs("EPSG:4326")
    return gdf
