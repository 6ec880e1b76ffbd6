"""GeoJSON features of the maps: segments, unplaced segments, zones and priority places.

Each feature carries compact properties (ids, counts, its style); the page's script turns
them into tooltips and popups with the names of its lookup tables.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import Any

import geopandas as gpd

from roadchief.crossings import segment_ends
from roadchief.domain import Ownership, PatrolInstance
from roadchief.figures import RunFigures
from roadchief.i18n import Translator
from roadchief.render.colours import UNPLACED_COLOUR, coverage_colour
from roadchief.render.draw import Draw, round_geoms, to_wgs84
from roadchief.render.labels import text

Feature = dict[str, Any]


def segment_features(
    segments_gdf: gpd.GeoDataFrame,
    ownership: Ownership,
    figures: RunFigures,
    instance: PatrolInstance,
    colours: Mapping[str, str],
    draw: Draw,
    notes: Mapping[str, list[str]] | None = None,
) -> list[Feature]:
    """One feature per placed segment with owner, demand and the week's patrols, drawn in
    its coverage colour; ``oc`` is its owner's colour (the map's other colouring); ``notes``
    the closed loop's words on a segment (``labels.loop_notes``), where it has some."""
    notes = notes or {}
    patrols = patrols_by_segment(figures, instance)
    ends = segment_ends(instance.segments)
    # the week's demand (holidays, campaigns, the loop's extra patrols), not the city's base
    week_req = {s.segment_id: s.patrols_per_week for s in instance.segments}
    features = []
    rows = zip(
        segments_gdf["segment_id"].tolist(),
        segments_gdf["zone_id"].tolist(),
        segments_gdf["road_name"].tolist(),
        segments_gdf["patrols_per_week"].tolist(),
        round_geoms(segments_gdf, draw),
        strict=True,
    )
    for sid, zone_id, road, base, geom in rows:
        req = week_req.get(sid, base)
        owner = ownership.owner_of.get(sid, "")
        seg_patrols = patrols.get(sid, [])
        props = {
            "id": sid,
            "road": text(road),
            "ends": list(ends.get(sid, ("", ""))),
            "zone": zone_id,
            "owner": owner,
            "req": int(req),
            "plan": len(seg_patrols),
            "patrols": seg_patrols,
            "oc": colours.get(owner, "#555555"),
            **({"notes": notes[sid]} if sid in notes else {}),
            "style": {
                "color": coverage_colour(len(seg_patrols), int(req)),
                "weight": 4,
                "opacity": 0.9,
                "className": "rc-seg",
            },
        }
        features.append({"type": "Feature", "geometry": geom, "properties": props})
    return features


def patrols_by_segment(figures: RunFigures, instance: PatrolInstance) -> dict[str, list[list[str]]]:
    """The week's patrols of each segment as ``[date, slot_id, chief_id]``, in time order."""
    start = {s.slot_id: s.start for s in instance.slots}
    out: dict[str, list[list[str]]] = defaultdict(list)
    tours = sorted(figures.tours.values(), key=lambda t: (t.day, start[t.slot_id], t.chief_id))
    for t in tours:
        for sid in t.segment_ids:
            out[sid].append([t.day.isoformat(), t.slot_id, t.chief_id])
    return out


def unplaced_features(
    unplaced_gdf: gpd.GeoDataFrame,
    draw: Draw,
    tr: Translator,
    zone_names: Mapping[str, str] | None = None,
) -> list[Feature]:
    """One red dashed feature per unplaced segment, with its reason in ``tr``'s language
    (the nearest zone by its name)."""
    rows = zip(
        unplaced_gdf["segment_id"].tolist(),
        unplaced_gdf["road_name"].tolist(),
        unplaced_gdf["reason"].tolist(),
        round_geoms(unplaced_gdf, draw),
        strict=True,
    )
    style = {
        "color": UNPLACED_COLOUR,
        "weight": 5,
        "dashArray": "6 6",
        "opacity": 0.95,
        "className": "rc-unplaced",
    }
    return [
        {
            "type": "Feature",
            "geometry": geom,
            "properties": {
                "road": text(road),
                "reason": tr.reason(text(reason), zone_names),
                "style": style,
            },
        }
        for sid, road, reason, geom in rows
    ]


def zone_features(zones_gdf: gpd.GeoDataFrame, draw: Draw) -> list[Feature]:
    """The zones: outline, light fill and the name."""
    style = {
        "color": "#555555",
        "weight": 2,
        "fillColor": "#888888",
        "fillOpacity": 0.08,
        "className": "rc-zone",
    }
    return [
        {
            "type": "Feature",
            "geometry": geom,
            "properties": {"zone_id": zid, "name": text(name), "style": style},
        }
        for zid, name, geom in zip(
            zones_gdf["zone_id"].tolist(),
            zones_gdf["name"].tolist(),
            round_geoms(zones_gdf, draw),
            strict=True,
        )
    ]


def place_features(places_gdf: gpd.GeoDataFrame | None, draw: Draw) -> list[Feature]:
    """Priority places (重点点位) as points (a polygon at an inner point)."""
    if places_gdf is None or places_gdf.empty:
        return []
    gdf = to_wgs84(places_gdf)
    points = gpd.GeoDataFrame(geometry=gdf.geometry.representative_point(), crs="EPSG:4326")
    return [
        {
            "type": "Feature",
            "geometry": geom,
            "properties": {"id": text(pid), "type": text(kind), "name": text(name)},
        }
        for pid, kind, name, geom in zip(
            gdf["place_id"].tolist(),
            gdf["place_type"].tolist(),
            gdf["name"].tolist() if "name" in gdf.columns else [""] * len(gdf),
            round_geoms(points, draw),
            strict=True,
        )
    ]


def segment_attrs(segments_gdf: gpd.GeoDataFrame) -> dict[str, dict[str, Any]]:
    """Road name, zone, length and demand of every placed segment, by id."""
    cols = ["segment_id", "road_name", "zone_id", "length_m", "patrols_per_week"]
    return {
        r[0]: {"road": text(r[1]), "zone": r[2], "length_m": float(r[3]), "req": int(r[4])}
        for r in segments_gdf[cols].itertuples(index=False, name=None)
    }
