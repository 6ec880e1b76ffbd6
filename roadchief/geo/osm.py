"""Keep the OpenStreetMap ways that are patrollable roads, counting the rest by reason."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd

from roadchief.config import Rules

_OTHER_KINDS = ("railway", "waterway", "aerialway", "barrier", "man_made")
"""Columns of GDAL's OSM ``lines`` layer that name what a way without ``highway`` is."""


def keep_osm_roads(
    gdf: gpd.GeoDataFrame, rules: Rules, skipped: dict[str, int]
) -> gpd.GeoDataFrame:
    """The ways whose ``highway`` is in ``rules.osm_highway``; the others go to ``skipped``.

    Reasons read like ``roads: highway=footway, not in osm.highway`` or
    ``roads: railway, not a road``.
    """
    highway = gdf["highway"] if "highway" in gdf.columns else pd.Series(None, index=gdf.index)
    keep = highway.isin(sorted(rules.osm_highway))
    for position in (~keep).to_numpy().nonzero()[0]:
        value = highway.iloc[position]
        if isinstance(value, str) and value:
            reason = f"roads: highway={value}, not in osm.highway"
        else:
            row = gdf.iloc[position]
            kind = next((k for k in _OTHER_KINDS if k in gdf.columns and _filled(row[k])), "")
            reason = f"roads: {kind}, not a road" if kind else "roads: no highway tag"
        skipped[reason] = skipped.get(reason, 0) + 1
    return gdf[keep.to_numpy()]


def _filled(value: object) -> bool:
    return isinstance(value, str) and value != ""
