"""Find a layer's id, name and type fields: the ones named in the rules, or detected."""

from __future__ import annotations

import geopandas as gpd

from roadchief.config import Rules
from roadchief.errors import ProblemLog

CANDIDATES: dict[str, tuple[str, ...]] = {
    "zone_id": (
        "zone_id",
        "zoneid",
        "grid_id",
        "id",
        "code",
        "adcode",
        "编号",
        "编码",
        "代码",
        "fid",
    ),
    "zone_name": ("zone_name", "name", "名称", "名字", "区名", "网格名称"),
    "road_id": ("road_id", "roadid", "segment_id", "id", "osm_id", "编号", "编码", "fid"),
    "road_name": ("road_name", "street", "name", "路名", "道路名称", "名称"),
    "place_id": ("place_id", "id", "osm_id", "编号", "编码", "fid"),
    "place_type": ("place_type", "type", "category", "kind", "amenity", "shop", "类型", "类别"),
    "place_name": ("place_name", "name", "名称", "名字"),
    "incident_id": ("incident_id", "case_id", "id", "编号", "案件编号", "fid"),
}
"""Field names tried in order, case-insensitively, when the rules leave a field empty."""


def find_field(
    gdf: gpd.GeoDataFrame, key: str, rules: Rules, log: ProblemLog, source: str
) -> str | None:
    """The column of ``gdf`` that holds ``key`` (for example ``road_id``), or None.

    A field named in ``rules.fields`` must exist (case-insensitively), else an error names
    it and lists the layer's fields; an empty setting picks the first of ``CANDIDATES``.
    """
    columns = {str(c).lower(): str(c) for c in gdf.columns if c != gdf.geometry.name}
    configured = rules.fields.get(key, "")
    if configured:
        found = columns.get(configured.lower())
        if found is None:
            have = ", ".join(columns.values()) or "(none)"
            log.error(
                source,
                f"field '{configured}'",
                f"is set as {key} in {rules.source} but the layer has no such field; "
                f"its fields are: {have}; fix [fields] {key} or leave it empty to detect",
            )
        return found
    for candidate in CANDIDATES[key]:
        if candidate in columns:
            return columns[candidate]
    return None
