"""A tiny hand-made city with Chinese names, shared by the render tests."""

from __future__ import annotations

import datetime as dt

import geopandas as gpd
from shapely.geometry import LineString, box

from roadchief.domain import (
    Assignment,
    Chief,
    ChiefLevel,
    Ownership,
    PatrolInstance,
    PatrolLimits,
    Roster,
    RosterWeights,
    Segment,
    Slot,
    SolveStats,
    Week,
    Zone,
    tour_id_for,
)
from roadchief.figures import RunFigures, run_figures, unplaced_from_rows
from roadchief.geo.city import IngestReport, PreparedCity
from roadchief.render.exports import UNPLACED_PROPERTIES
from roadchief.solve.roster.roster_walks import measure_roster
from roadchief.solve.roster.walk import TourWalk

WEEK = Week(2026, 50)
MON, TUE, WED = WEEK.days[0], WEEK.days[1], WEEK.days[2]
SLOTS = (Slot("am", dt.time(8), dt.time(10)), Slot("pm", dt.time(16), dt.time(18)))

# segment id, zone, road name, from node, to node, coordinates (lon, lat), patrols per week
SEGMENTS = [
    ("s1", "z1", "淮海中路", 1, 2, [(121.462, 31.222), (121.466, 31.222)], 3),
    ("s2", "z1", "淮海中路", 2, 3, [(121.466, 31.222), (121.470, 31.222)], 3),
    ("s3", "z1", "瑞金二路", 2, 4, [(121.466, 31.222), (121.466, 31.226)], 1),
    ("s4", "z2", "南京西路", 5, 6, [(121.462, 31.232), (121.468, 31.232)], 2),
    ("s5", "z2", "南京西路", 6, 7, [(121.468, 31.232), (121.474, 31.232)], 2),
    ("s6", "z2", "陕西北路", 6, 8, [(121.468, 31.232), (121.468, 31.236)], 1),
]
OWNER_OF = {"s1": "c1", "s2": "c1", "s3": "c2", "s4": "c3", "s5": "c3", "s6": "c3"}
# chief, day, slot, [segments in walking order]
TOURS = [
    ("c1", MON, "am", ["s1", "s2"]),
    ("c1", TUE, "pm", ["s3", "s1"]),  # s3 is c2's: c1 helps
    ("c2", MON, "pm", ["s3"]),
    ("c3", WED, "am", ["s4", "s5", "s6"]),
    ("c3", MON, "am", ["s6"]),
]


def tiny_city(*, unplaced: bool = True) -> PreparedCity:
    """Two zones in central Shanghai, six placed segments and one unplaced segment."""
    zones_gdf = gpd.GeoDataFrame(
        {"zone_id": ["z1", "z2"], "name": ["黄浦区", "静安区"]},
        geometry=[box(121.46, 31.22, 121.48, 31.23), box(121.46, 31.23, 121.48, 31.24)],
        crs="EPSG:4326",
    )
    lines = [LineString(s[5]) for s in SEGMENTS]
    lengths = gpd.GeoSeries(lines, crs="EPSG:4326").to_crs("EPSG:32651").length.round(1)
    segments_gdf = gpd.GeoDataFrame(
        {
            "segment_id": [s[0] for s in SEGMENTS],
            "source_id": [f"osm_{s[0]}" for s in SEGMENTS],
            "zone_id": [s[1] for s in SEGMENTS],
            "road_name": [s[2] for s in SEGMENTS],
            "road_class": ["primary"] * len(SEGMENTS),
            "length_m": lengths.tolist(),
            "patrols_per_week": [s[6] for s in SEGMENTS],
        },
        geometry=lines,
        crs="EPSG:4326",
    )
    rows = [("u1", "osm_u1", "延安高架路", "motorway", 812.5, 0.0, "outside every zone")]
    unplaced_gdf = gpd.GeoDataFrame(
        [dict(zip(UNPLACED_PROPERTIES, r, strict=True)) for r in rows] if unplaced else [],
        columns=list(UNPLACED_PROPERTIES),
        geometry=[LineString([(121.44, 31.21), (121.45, 31.215)])] if unplaced else [],
        crs="EPSG:4326",
    )
    return PreparedCity(zones_gdf, segments_gdf, unplaced_gdf, None, None, IngestReport())


def tiny_instance(city: PreparedCity) -> PatrolInstance:
    """The instance of the tiny city: three chiefs who patrol, one who does not."""
    gdf = city.segments_gdf
    segments = tuple(
        Segment(sid, f"osm_{sid}", zone, road, "primary", length, 0.0, 0.0, a, b, req)
        for (sid, zone, road, a, b, _, req), length in zip(
            SEGMENTS, gdf["length_m"].tolist(), strict=True
        )
    )
    chiefs = (
        Chief("c1", "张伟", "z1", ChiefLevel.SEGMENT, 5),
        Chief("c2", "李娜", "z1", ChiefLevel.SEGMENT, 5),
        Chief("c3", "王芳", "z2", ChiefLevel.L2, 5),
        Chief("c4", "赵强", "z2", ChiefLevel.SEGMENT, 5),
    )
    limits = {lvl: PatrolLimits(6.0, True, True) for lvl in ChiefLevel}
    return PatrolInstance(
        week=WEEK,
        days=tuple(WEEK.days[:5]),
        slots=SLOTS,
        zones=(Zone("z1", "黄浦区"), Zone("z2", "静安区")),
        segments=segments,
        chiefs=chiefs,
        limits=limits,
        weights=RosterWeights(unmet_per_10m=1, helper_per_10m=1, fairness_per_tour=1),
        min_rest_hours=10.0,
    )


def tiny_roster() -> Roster:
    """The week's tours of the tiny city."""
    assignments = tuple(
        Assignment(day, slot, chief, seg, tour_id_for(chief, day, slot), order)
        for chief, day, slot, segs in TOURS
        for order, seg in enumerate(segs, start=1)
    )
    stats = SolveStats("OPTIMAL", 0.0, 0.0, 0.1, 1)
    return Roster(WEEK, assignments, {"z1": stats, "z2": stats})


def tiny_walks(instance: PatrolInstance, roster: Roster | None = None) -> dict[str, TourWalk]:
    """Every tour of the tiny roster as walked, measured as the checker measures it."""
    return measure_roster(instance, roster or tiny_roster())


def tiny_figures(city: PreparedCity, instance: PatrolInstance | None = None) -> RunFigures:
    """The run figures of the tiny city's roster (its unplaced segment counted)."""
    instance = instance or tiny_instance(city)
    rows = city.unplaced_gdf.drop(columns="geometry").to_dict("records")
    return run_figures(
        instance, tiny_ownership(), tiny_roster(), tiny_walks(instance), unplaced_from_rows(rows)
    )


def tiny_ownership() -> Ownership:
    return Ownership(dict(OWNER_OF))


def test_tiny_city_is_consistent() -> None:
    city = tiny_city()
    instance = tiny_instance(city)
    assert len(city.segments_gdf) == len(instance.segments) == 6
    assert set(tiny_ownership().owner_of) == {s.segment_id for s in instance.segments}
    assert all(a.day in instance.days for a in tiny_roster().assignments)
