"""Place each segment in the zone that holds the majority of its length."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from roadchief.reasons import outside_zones, partly_in_zone

LENGTH_TIE_M = 0.01
"""Lengths are compared rounded to this, so float noise does not break a tie."""


def place_segments(
    segments_gdf: gpd.GeoDataFrame,
    zones_gdf: gpd.GeoDataFrame,
    *,
    tolerance_m: float,
    min_share: float,
) -> pd.DataFrame:
    """The zone of every segment, its share inside the zones, and why it is unplaced.

    Both frames are in one metric CRS; ``zones_gdf`` has a ``zone_id`` column. A
    segment's share inside the zones is the part of its length within ``tolerance_m``
    of a zone (zone edges drawn along a centreline wobble around it). A segment with a
    share below ``min_share`` is unplaced (``zone_id`` empty, with a ``reason``).
    Otherwise it goes to the zone that holds the most of its length, with ties (lengths
    equal to LENGTH_TIE_M) broken by:

    1. the larger length inside the zone itself (no tolerance);
    2. the larger length within ``tolerance_m`` of the zone;
    3. the smaller zone_id, compared as text.

    Returns a frame on the segments' index with columns zone_id, share_in_zones, reason.
    """
    seg = np.asarray(segments_gdf.geometry.values, dtype=object)
    zone = np.asarray(zones_gdf.geometry.values, dtype=object)
    zone_id = zones_gdf["zone_id"].to_numpy()
    grown = shapely.buffer(zone, tolerance_m) if tolerance_m > 0 else zone
    length = np.maximum(shapely.length(seg), 1e-9)
    tree = shapely.STRtree(seg)

    z_hit, s_hit = tree.query(grown, predicate="intersects")
    hits = np.bincount(s_hit, minlength=len(seg))
    z_in, s_in = tree.query(grown, predicate="contains")
    simple = hits[s_in] == 1
    chosen = np.full(len(seg), "", dtype=object)
    inside_m = np.zeros(len(seg))
    chosen[s_in[simple]] = zone_id[z_in[simple]]
    inside_m[s_in[simple]] = length[s_in[simple]]

    rest = ~np.isin(s_hit, s_in[simple])
    if rest.any():
        zs, ss = z_hit[rest], s_hit[rest]
        within = shapely.intersection(seg[ss], grown[zs])
        contested = hits[ss] > 1  # the zone's own length only matters between zones
        own = np.zeros(len(ss))
        own[contested] = shapely.length(
            shapely.intersection(seg[ss[contested]], zone[zs[contested]])
        )
        pairs = pd.DataFrame(
            {
                "seg": ss,
                "zone_id": zone_id[zs],
                "own": _rounded(own),
                "grown": _rounded(shapely.length(within)),
            }
        )
        order = pairs.sort_values(
            ["seg", "own", "grown", "zone_id"], ascending=[True, False, False, True]
        )
        best = order.drop_duplicates("seg")
        chosen[best["seg"].to_numpy()] = best["zone_id"].to_numpy()
        for s, rows in pd.Series(np.arange(len(ss))).groupby(ss):
            pieces = within[rows.to_numpy()]
            cover = pieces[0] if len(pieces) == 1 else shapely.union_all(pieces)
            inside_m[s] = shapely.length(cover)

    share = np.minimum(inside_m / length, 1.0)
    unplaced = share < min_share
    chosen[unplaced] = ""
    reason = np.full(len(seg), "", dtype=object)
    if unplaced.any():
        reason[unplaced] = _reasons(
            seg[unplaced], share[unplaced], length[unplaced], zone, zone_id, tolerance_m, min_share
        )
    return pd.DataFrame(
        {"zone_id": chosen, "share_in_zones": share, "reason": reason}, index=segments_gdf.index
    )


def _rounded(length_m: np.ndarray) -> np.ndarray:
    return np.round(length_m / LENGTH_TIE_M)


def _reasons(
    seg: np.ndarray,
    share: np.ndarray,
    length: np.ndarray,
    zone: np.ndarray,
    zone_id: np.ndarray,
    tolerance_m: float,
    min_share: float,
) -> list[str]:
    """A sentence per unplaced segment: how much lies inside, and the nearest zone
    (``roadchief.reasons``: the text of a code and values)."""
    near_s, near_z = shapely.STRtree(zone).query_nearest(seg, all_matches=False)
    nearest = dict(zip(near_s.tolist(), near_z.tolist(), strict=True))
    out = []
    for k, geom in enumerate(seg):
        z = nearest[k]
        gap = float(shapely.distance(geom, zone[z]))
        nearest_id = str(zone_id[z])
        if share[k] == 0:
            reason = outside_zones(nearest_id, gap)
        else:
            reason = partly_in_zone(nearest_id, share[k], length[k], tolerance_m, min_share)
        out.append(reason.text())
    return out
