"""Track matching against tracks with known walked and missed segments; GPX/GeoJSON reading."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
from pyproj import CRS
from shapely.geometry import LineString

from roadchief.config import load_rules
from roadchief.domain import Slot
from roadchief.errors import InputError
from roadchief.geo.tracks import match_patrols
from roadchief.geo.walker import walk_tour
from roadchief.io.tracks import read_tracks, write_gpx
from roadchief.loop.patrols import PlannedPatrol, Walked, compliance, last_walked

X0, Y0, UTM = 350_000.0, 3_460_000.0, CRS("EPSG:32651")
BLOCK = 150.0
SLOTS = {"morning": Slot("morning", dt.time(9), dt.time(11, 30))}
DAY = dt.date(2026, 10, 12)


def grid(n: int = 6) -> gpd.GeoDataFrame:
    """Streets of an n x n grid of 150 m blocks, each block side a segment."""
    ids, lines = [], []
    for i in range(n + 1):
        for j in range(n):
            ids.append(f"h{i}_{j}")
            lines.append(
                LineString(
                    [(X0 + j * BLOCK, Y0 + i * BLOCK), (X0 + (j + 1) * BLOCK, Y0 + i * BLOCK)]
                )
            )
            ids.append(f"v{i}_{j}")
            lines.append(
                LineString(
                    [(X0 + i * BLOCK, Y0 + j * BLOCK), (X0 + i * BLOCK, Y0 + (j + 1) * BLOCK)]
                )
            )
    return gpd.GeoDataFrame({"segment_id": ids, "zone_id": "Z1"}, geometry=lines, crs=UTM)


def tour(
    rng: np.random.Generator, segs: gpd.GeoDataFrame, size: int, avoid: set[str] = frozenset()
) -> list[str]:
    """A connected walk of up to ``size`` segments through the grid, none of ``avoid``."""
    ends = {
        sid: {g.coords[0], g.coords[-1]}
        for sid, g in zip(segs["segment_id"], segs.geometry, strict=True)
    }
    free = [s for s in ends if s not in avoid]
    out = [str(rng.choice(free))]
    while len(out) < size:
        nxt = [s for s in free if s not in out and ends[s] & ends[out[-1]]]
        if not nxt:
            break
        out.append(str(rng.choice(nxt)))
    return out


def test_precision_and_recall_on_tracks_with_known_misses() -> None:
    settings = load_rules().loop.tracks
    segs = grid()
    geo = dict(zip(segs["segment_id"], segs.geometry, strict=True))
    rng = np.random.default_rng(15)
    planned, truth, tracks = [], [], []
    for k in range(30):
        # The person walks the first part of the planned tour, then leaves it and walks
        # streets that are not planned (a detour that touches the missed ones at most at
        # a crossing): the rest of the tour is missed.
        chief = f"c{k}"
        ids = tour(rng, segs, 12)
        walked = ids[: int(rng.integers(4, len(ids) + 1))]
        skip = set(ids) - set(walked)
        away = tour(rng, segs, 4, avoid=set(ids))
        start = dt.datetime.combine(DAY, dt.time(9, 10))
        lines = [geo[s] for s in walked + away]
        tracks.append(walk_tour(chief, lines, UTM, start, rng, noise_m=8.0))
        for s in ids:
            planned.append(PlannedPatrol(DAY, "morning", chief, s, "Z1"))
            truth.append(s not in skip)
    records = match_patrols(planned, SLOTS, segs.to_crs(4326), tracks, settings)
    said = np.array([r.walked is Walked.YES for r in records])
    real = np.array(truth)
    tp = int((said & real).sum())
    precision, recall = tp / said.sum(), tp / real.sum()
    print(
        f"\ntrack matching, 30 tours, 360 patrols, 8 m noise: precision {precision:.3f}, recall {recall:.3f}"
    )
    assert precision >= 0.95 and recall >= 0.95
    assert all(r.walked is not Walked.UNKNOWN for r in records)


def test_unknown_when_no_track_covers_the_slot_and_no_outside_it() -> None:
    settings = load_rules().loop.tracks
    segs = grid(2)
    geo = dict(zip(segs["segment_id"], segs.geometry, strict=True))
    rng = np.random.default_rng(1)
    evening = dt.datetime.combine(DAY, dt.time(19, 0))
    morning = dt.datetime.combine(DAY, dt.time(9, 5))
    tracks = [
        walk_tour("late", [geo["h0_0"]], UTM, evening, rng),
        walk_tour("ok", [geo["h0_0"]], UTM, morning, rng),
    ]
    planned = [
        PlannedPatrol(DAY, "morning", "late", "h0_0", "Z1"),
        PlannedPatrol(DAY, "morning", "ok", "h0_0", "Z1"),
        PlannedPatrol(DAY, "morning", "ok", "v1_1", "Z1"),
        PlannedPatrol(DAY, "morning", "nobody", "h0_0", "Z1"),
    ]
    recs = match_patrols(planned, SLOTS, segs.to_crs(4326), tracks, settings)
    assert [r.walked for r in recs] == [Walked.UNKNOWN, Walked.YES, Walked.NO, Walked.UNKNOWN]
    assert recs[3].share is None and recs[2].share == 0.0
    by_person = compliance(recs, "person")
    assert by_person["ok"].rate() == 0.5
    assert by_person["nobody"].rate() is None and by_person["nobody"].rate(True) == 0.0
    assert compliance(recs, "week")["2026-W42"].planned == 4
    assert last_walked(recs) == {"h0_0": DAY}


def test_gpx_round_trip_and_geojson(tmp_path: Path) -> None:
    segs = grid(1)
    rng = np.random.default_rng(2)
    track = walk_tour("c1", [segs.geometry.iloc[0]], UTM, dt.datetime(2026, 10, 12, 9), rng)
    gpx = tmp_path / "c1.gpx"
    write_gpx(track, gpx, "Asia/Shanghai")
    (back,) = read_tracks(gpx, "c1", "Asia/Shanghai")
    assert back.first == dt.datetime(2026, 10, 12, 9) and len(back.times) == len(track.times)
    assert np.allclose(back.lon, track.lon, atol=1e-6)
    doc = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [121.47, 31.23]},
                "properties": {"time": "2026-10-12T01:00:00+00:00", "chief_id": "c2"},
            },
            {
                "type": "Feature",
                "geometry": {
                    "type": "LineString",
                    "coordinates": [[121.47, 31.23], [121.48, 31.23]],
                },
                "properties": {"times": ["2026-10-12T09:00", "2026-10-12T09:05"]},
            },
        ],
    }
    path = tmp_path / "t.geojson"
    path.write_text(json.dumps(doc), "utf-8")
    c1, c2 = read_tracks(path, "c1", "Asia/Shanghai")
    assert (c1.chief_id, len(c1.times), c2.chief_id, c2.first) == (
        "c1",
        2,
        "c2",
        dt.datetime(2026, 10, 12, 9),
    )


def test_bad_track_files_name_every_point(tmp_path: Path) -> None:
    doc = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [121.47, 31.23]},
                "properties": {},
            },
            {
                "type": "Feature",
                "geometry": {"type": "LineString", "coordinates": [[1, 2], [3, 4]]},
                "properties": {"times": ["2026-10-12T09:00"]},
            },
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [500, 31]},
                "properties": {"time": "noon"},
            },
            {
                "type": "Feature",
                "geometry": {"type": "Polygon", "coordinates": []},
                "properties": {},
            },
        ],
    }
    path = tmp_path / "bad.geojson"
    path.write_text(json.dumps(doc), "utf-8")
    with pytest.raises(InputError) as err:
        read_tracks(path, "c1", "Asia/Shanghai")
    text = str(err.value)
    for expected in (
        "feature 1: has no time",
        "feature 2: needs a 'times' list",
        "feature 3: time 'noon'",
        "feature 4: is a Polygon",
    ):
        assert expected in text
    gpx = tmp_path / "bad.gpx"
    gpx.write_text(
        "<gpx><trk><trkseg><trkpt lat='31.2' lon='121.4'></trkpt></trkseg></trk></gpx>", "utf-8"
    )
    with pytest.raises(InputError, match="track 1 segment 1 point 1: has no time"):
        read_tracks(gpx, "c1", "Asia/Shanghai")
    gpx.write_text("not xml", "utf-8")
    with pytest.raises(InputError, match="is not a GPX file"):
        read_tracks(gpx, "c1", "Asia/Shanghai")


def test_a_file_of_two_tours_splits_so_the_day_between_is_unknown(tmp_path: Path) -> None:
    """One person's file holds Monday's and Wednesday's tours: Tuesday's planned tour has
    no track (unknown), not a missed one, once the file splits at long gaps."""
    settings = load_rules().loop.tracks
    segs = grid(2)
    geo = dict(zip(segs["segment_id"], segs.geometry, strict=True))
    rng = np.random.default_rng(3)
    walks = [
        walk_tour("c1", [geo["h0_0"]], UTM, dt.datetime.combine(DAY + dt.timedelta(d), dt.time(9, 5)), rng)
        for d in (0, 2)
    ]  # fmt: skip
    doc = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "LineString", "coordinates": np.c_[w.lon, w.lat].tolist()},
                "properties": {"times": [str(t) for t in w.times.astype("datetime64[s]")]},
            }
            for w in walks
        ],
    }
    path = tmp_path / "c1.geojson"
    path.write_text(json.dumps(doc), "utf-8")
    planned = [
        PlannedPatrol(DAY + dt.timedelta(d), "morning", "c1", "h0_0", "Z1") for d in range(3)
    ]
    merged = read_tracks(path, "c1", "Asia/Shanghai")
    split = read_tracks(path, "c1", "Asia/Shanghai", settings.split_after_min * 60)
    assert (len(merged), len(split)) == (1, 2)
    as_merged = match_patrols(planned, SLOTS, segs.to_crs(4326), merged, settings)
    as_split = match_patrols(planned, SLOTS, segs.to_crs(4326), split, settings)
    assert [r.walked for r in as_merged] == [Walked.YES, Walked.NO, Walked.YES]
    assert [r.walked for r in as_split] == [Walked.YES, Walked.UNKNOWN, Walked.YES]
