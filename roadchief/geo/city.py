"""The result of the GIS stage: the pure instance plus the geometry renderers need."""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd

from roadchief.errors import Problem


@dataclass
class IngestReport:
    """What ingest read, made and set aside, so that nothing is lost silently."""

    features_in: dict[str, int] = field(default_factory=dict)
    """Features read per input role (zones, roads, places, incidents)."""
    skipped: dict[str, int] = field(default_factory=dict)
    """Features not used, by reason (for example ``roads: railway, not a road``)."""
    segments_in: int = 0
    """Segments produced from the road features (placed + unplaced)."""
    warnings: list[Problem] = field(default_factory=list)
    """Problems that were repaired or set aside, reported but not fatal."""
    metric_crs: str = ""


@dataclass
class PreparedCity:
    """Everything a run needs after ingest.

    The GeoDataFrames are in WGS-84 (EPSG:4326) for output; lengths were measured in
    ``report.metric_crs``.
    """

    zones_gdf: gpd.GeoDataFrame
    """Columns: zone_id, name, geometry."""
    segments_gdf: gpd.GeoDataFrame
    """Placed segments. Columns: segment_id, source_id, zone_id, road_name, road_class,
    length_m, patrols_per_week, geometry."""
    unplaced_gdf: gpd.GeoDataFrame
    """Segments outside every zone. Columns: segment_id, source_id, road_name,
    road_class, length_m, share_in_zones, reason, geometry."""
    places_gdf: gpd.GeoDataFrame | None
    """Columns: place_id, place_type, name, geometry; None without --places."""
    incidents_gdf: gpd.GeoDataFrame | None
    """Counted incidents. Columns: incident_id, segment_id (or empty), geometry."""
    report: IngestReport
