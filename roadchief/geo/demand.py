"""Weigh segments: patrols per week from road class, nearby priority places and incidents."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import pandas as pd
import shapely

from roadchief.config import Rules
from roadchief.errors import ProblemLog
from roadchief.geo.validate import Lister

STACKED_REASON = "incidents: stacked on one point (failed geocode)"
FAR_REASON = "incidents: farther than incidents.snap_m from every segment"


def set_aside_stacked(
    incidents_gdf: gpd.GeoDataFrame,
    threshold: int,
    log: ProblemLog,
    source: str,
    skipped: dict[str, int],
) -> gpd.GeoDataFrame:
    """The incidents that are not stacked ``threshold`` or more times on one exact point.

    Such a stack is a failed geocode's default location, not a real place; each stack is
    reported as a warning and counted in ``skipped``.
    """
    points = incidents_gdf.geometry.representative_point()
    xy = pd.DataFrame({"x": points.x.to_numpy(), "y": points.y.to_numpy()})
    size = xy.groupby(["x", "y"])["x"].transform("size").to_numpy()
    stacked = size >= threshold
    if stacked.any():
        stacks = Lister(log, source, fatal=False)
        sizes = xy[stacked].value_counts().rename("n").reset_index()
        sizes = sizes.sort_values(["n", "x", "y"], ascending=[False, True, True])
        for x, y, n in sizes.itertuples(index=False):
            stacks.add(
                f"point ({x:.6f}, {y:.6f})",
                f"{n} incidents sit on this one exact point, a failed geocode's default "
                f"location (incidents.stacked_point_threshold = {threshold}); set aside",
            )
        stacks.close("stacks of incidents set aside")
        skipped[STACKED_REASON] = skipped.get(STACKED_REASON, 0) + int(stacked.sum())
    return incidents_gdf[~stacked]


def snap_incidents(
    points: npt.NDArray[np.object_], segments_gdf: gpd.GeoDataFrame, snap_m: float
) -> npt.NDArray[np.object_]:
    """The segment_id nearest each point within ``snap_m`` (metric CRS), else ``""``.

    A point equally near two segments goes to the one that comes first in the table.
    """
    out = np.full(len(points), "", dtype=object)
    if len(points) == 0 or len(segments_gdf) == 0:
        return out
    lines = np.asarray(segments_gdf.geometry.values, dtype=object)
    p, s = shapely.STRtree(lines).query(points, predicate="dwithin", distance=snap_m)
    dist = shapely.distance(points[p], lines[s])
    near = pd.DataFrame({"p": p, "s": s, "d": dist}).sort_values(["p", "d", "s"])
    near = near.drop_duplicates("p")
    out[near["p"].to_numpy()] = segments_gdf["segment_id"].to_numpy()[near["s"].to_numpy()]
    return out


def place_types_near(
    segments_gdf: gpd.GeoDataFrame, places_gdf: gpd.GeoDataFrame, snap_m: float
) -> list[list[str]]:
    """For each segment, the sorted distinct types (lower case) of places within ``snap_m``."""
    out: list[set[str]] = [set() for _ in range(len(segments_gdf))]
    if len(places_gdf):
        points = places_gdf.geometry.representative_point().values
        types = places_gdf["place_type"].str.lower().to_numpy()
        tree = shapely.STRtree(segments_gdf.geometry.values)
        p, s = tree.query(points, predicate="dwithin", distance=snap_m)
        for pi, si in zip(p.tolist(), s.tolist(), strict=True):
            out[si].add(types[pi])
    return [sorted(t) for t in out]


def patrols_per_week(
    road_class: pd.Series,
    place_types: list[list[str]],
    incidents: npt.NDArray[np.int64],
    rules: Rules,
) -> npt.NDArray[np.int64]:
    """Required patrols a week of each segment.

    The class's base (``road_classes``), plus for each distinct type of priority place
    within ``places.snap_m`` its extra (``places.extra``, else ``places.extra_default``;
    two schools on one street count once, a school and a market both count), plus
    ``min(incidents // incidents.per_extra_patrol, incidents.max_extra)``.
    """
    base = road_class.map(rules.road_classes).to_numpy(dtype=np.int64)
    place = np.array(
        [
            sum(rules.place_extra.get(t, rules.place_extra_default) for t in ts)
            for ts in place_types
        ],
        dtype=np.int64,
    )
    extra = np.minimum(incidents // rules.incidents_per_extra_patrol, rules.incident_max_extra)
    return base + place + extra.astype(np.int64)
