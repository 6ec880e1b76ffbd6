"""Tracks and the assessment on the database, through the installed ``roadchief`` entry
point: ``track import`` matches a person's tracks against the stored plan (walked yes, no,
unknown), a bad track file changes nothing and names every bad point, and ``kpi`` writes
one row per planned patrol and the scores. SQLite and PostgreSQL (see store_db)."""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
from store_db import BACKENDS, fresh_database, table_counts

from conftest import run_cli
from geo_builders import small_city_files
from roadchief.config import load_rules
from roadchief.geo.snap import metric_crs
from roadchief.geo.walker import walk_tour
from roadchief.io.roster import read_roster_csv

WEEK = "2026-W45"
SLOT_START = {s.slot_id: s.start for s in load_rules(None).slots}


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    yield from fresh_database(request.param, tmp_path)


def planned_db(db: str, tmp_path: Path) -> Path:
    """The small city imported and WEEK planned on the database; the run folder."""
    files = small_city_files(tmp_path / "city")
    assert run_cli("init", "--db", db).returncode == 0
    done = run_cli("import", "--db", db, *[x for kv in files.items() for x in kv])
    assert done.returncode == 0, done.stderr
    run = tmp_path / "run"
    done = run_cli("plan", "--db", db, "--week", WEEK, "--out", run, "--time-limit", "5",
                   "--workers", "1")  # fmt: skip
    assert done.returncode == 0, done.stderr
    return run


def tracks_file(run: Path, tmp_path: Path) -> tuple[Path, str, dict[tuple[str, str, str], str]]:
    """GeoJSON tracks of the busiest person: the longest tour walked with its first segment
    skipped, the others walked whole. The person and the truth."""
    roster = read_roster_csv(run / "roster.csv")
    person = max({a.chief_id for a in roster}, key=lambda c: sum(a.chief_id == c for a in roster))
    segs = gpd.read_file(run / "roster.gpkg", layer="segments")
    metric = metric_crs(segs)
    lines = dict(zip(segs["segment_id"], segs.to_crs(metric).geometry, strict=True))
    tours: dict[tuple[dt.date, str], list] = {}
    for a in sorted(roster, key=lambda a: (a.day, a.slot_id, a.order)):
        if a.chief_id == person:
            tours.setdefault((a.day, a.slot_id), []).append(a)
    keys = sorted(tours)
    skipping = max(keys, key=lambda k: len(tours[k]))
    assert len(keys) >= 2 and len(tours[skipping]) >= 2
    rng = np.random.default_rng(3)
    features, truth = [], {}
    for key in keys:
        members = tours[key]
        walked = members[1:] if key == skipping else members
        for a in members:
            truth[(a.day.isoformat(), a.slot_id, a.segment_id)] = "yes" if a in walked else "no"
        if walked:
            start = dt.datetime.combine(key[0], SLOT_START[key[1]]) + dt.timedelta(minutes=5)
            track = walk_tour(person, [lines[a.segment_id] for a in walked], metric, start, rng,
                              noise_m=3.0)  # fmt: skip
            features.append({
                "type": "Feature",
                "properties": {"times": [str(t.astype("datetime64[s]")) for t in track.times]},
                "geometry": {"type": "LineString",
                             "coordinates": np.c_[track.lon, track.lat].tolist()},
            })  # fmt: skip
    path = tmp_path / "tracks.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), "utf-8")
    return path, person, truth


def test_tracks_are_matched_and_the_kpi_lists_every_planned_patrol(
    db_url: str, tmp_path: Path
) -> None:
    run = planned_db(db_url, tmp_path)
    path, person, truth = tracks_file(run, tmp_path)
    done = run_cli("track", "import", path, "--chief", person, "--db", db_url)
    assert done.returncode == 0, done.stderr
    counts = {v: list(truth.values()).count(v) for v in ("yes", "no", "unknown")}
    assert counts["no"] == 1
    roster = read_roster_csv(run / "roster.csv")
    mine_n = sum(a.chief_id == person for a in roster)
    assert sum(counts.values()) == mine_n  # one per roster row
    assert (f"of these people's {mine_n}: {counts['yes']} walked, {counts['no']} missed, "
            f"{counts['unknown']} without a track") in done.stdout  # fmt: skip
    others = len(roster) - mine_n  # no track at all: unknown, as kpi counts them
    assert (f"planned patrols of {WEEK}: {len(roster)} (every roster row): {counts['yes']} "
            f"walked (已巡), {counts['no']} missed (未巡), {counts['unknown'] + others} "
            "without a track") in done.stdout  # fmt: skip
    again = run_cli("track", "import", path, "--chief", person, "--db", db_url)
    assert "nothing changed" in again.stdout

    out = tmp_path / "kpi"
    done = run_cli("kpi", "--db", db_url, "--from", "2026-11-02", "--to", "2026-11-08",
                   "--out", out)  # fmt: skip
    assert done.returncode == 0, done.stderr
    with (out / "patrols.csv").open(encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == len(read_roster_csv(run / "roster.csv"))
    mine = {(r["date"], r["slot"], r["segment_id"]): r["walked"] for r in rows
            if r["chief_id"] == person}  # fmt: skip
    assert mine == truth
    assert {r["walked"] for r in rows if r["chief_id"] != person} == {"unknown"}
    with (out / "scores.csv").open(encoding="utf-8-sig") as fh:
        scores = {(r["group"], r["id"]): r for r in csv.DictReader(fh)}
    me = scores[("chief", person)]
    assert (int(me["walked"]), int(me["missed"])) == (counts["yes"], counts["no"])
    assert float(me["score"]) == 100 - 2 * counts["no"]  # the default: 2 points a miss
    with (out / "compliance.csv").open(encoding="utf-8-sig") as fh:
        comp = list(csv.DictReader(fh))
    assert sum(r["level"] == "patrol" for r in comp) == len(rows)  # one per roster row
    (mine_row,) = [r for r in comp if r["level"] == "person" and r["chief_id"] == person]
    assert (int(mine_row["walked"]), int(mine_row["missed"])) == (counts["yes"], counts["no"])
    assert float(mine_row["compliance"]) == round(counts["yes"] / (counts["yes"] + 1), 4)
    (late,) = [r for r in comp if r["level"] == "tour" and r["missed"] == "1"]
    assert late["chief_id"] == person and int(late["walked"]) == int(late["planned"]) - 1
    (week_row,) = [r for r in comp if r["level"] == "week"]
    assert week_row["week"] == WEEK and int(week_row["planned"]) == len(rows)
    assert {r["level"] for r in comp} == {"patrol", "tour", "person", "zone", "week"}
    page = (out / "kpi.html").read_text("utf-8")
    assert "按期结案率" in page and "路段长排名" in page and person in page
    assert (out / "kpi.xlsx").stat().st_size > 0

    # Next week is planned with the missed patrol not counted as the segment's last one.
    nxt = tmp_path / "next"
    done = run_cli("plan", "--db", db_url, "--week", "2026-W46", "--out", nxt,
                   "--time-limit", "5", "--workers", "1")  # fmt: skip
    assert done.returncode == 0, done.stderr
    inputs = json.loads((nxt / "summary.json").read_text("utf-8"))["inputs"]
    missed = [[d, slot, person, seg] for (d, slot, seg), v in truth.items() if v == "no"]
    assert inputs["previous_missed"] == missed
    done = run_cli("export", "--db", db_url, "--week", "2026-W46", "--out", tmp_path / "again")
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "again" / "roster.csv").read_bytes() == (nxt / "roster.csv").read_bytes()


def test_a_bad_track_file_changes_nothing_and_names_every_bad_point(
    db_url: str, tmp_path: Path
) -> None:
    files = small_city_files(tmp_path / "city")
    assert run_cli("init", "--db", db_url).returncode == 0
    assert (
        run_cli("import", "--db", db_url, *[x for kv in files.items() for x in kv]).returncode == 0
    )
    bad = tmp_path / "bad.geojson"
    bad.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"time": "2026-11-02T07:10:00"},
         "geometry": {"type": "Point", "coordinates": [200.0, 30.0]}},
        {"type": "Feature", "properties": {"time": "soon"},
         "geometry": {"type": "Point", "coordinates": [120.0, 30.0]}},
    ]}), "utf-8")  # fmt: skip
    before = table_counts(db_url)
    done = run_cli("track", "import", bad, "--chief", "A1", "--db", db_url)
    assert done.returncode == 1
    assert "bad.geojson feature 1: (200.0, 30.0) is not a WGS-84 position" in done.stderr
    assert "bad.geojson feature 2: time 'soon' is not a time" in done.stderr
    good = tmp_path / "good.geojson"
    good.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"time": "2026-11-02T07:10:00"},
         "geometry": {"type": "Point", "coordinates": [120.0, 30.0]}},
    ]}), "utf-8")  # fmt: skip
    done = run_cli("track", "import", good, "--chief", "Z9", "--db", db_url)
    assert done.returncode == 1
    assert "'Z9' not in the imported chiefs file" in done.stderr
    assert table_counts(db_url) == before
