"""Generate a week of GPS tracks from a planned run (seeded; every track labelled generated).

Reads the run folder's roster.csv (who walks which segments in which slot, in order) and
roster.gpkg (the segments' lines), and walks each tour with roadchief.geo.walker: a walking
pace, a point every 5 s, Gaussian GPS noise. Some tours are not walked at all (no track:
their patrols are ``unknown``) and some segments of walked tours are skipped (``no``).
Writes tracks.geojson (one LineString per walked tour, with ``chief_id`` and ``times``) and
truth.csv (every planned patrol and whether the walker walked it).

    .venv/bin/python scripts/make_demo_tracks.py --run schedules/demo/db --out schedules/demo/loop
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
from collections import defaultdict
from pathlib import Path

import geopandas as gpd
import numpy as np

from roadchief.config import load_rules
from roadchief.geo.snap import metric_crs
from roadchief.geo.walker import walk_tour
from roadchief.io.roster import read_roster_csv

DEMO = Path(__file__).resolve().parent.parent / "geodata" / "cambridge_ma"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--run", type=Path, required=True, help="folder with roster.csv, roster.gpkg")
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--rules", type=Path, default=DEMO / "rules.toml")
    ap.add_argument("--seed", type=int, default=49)
    ap.add_argument("--tour-missed", type=float, default=0.05, help="share of tours not walked")
    ap.add_argument("--segment-skipped", type=float, default=0.08, help="share of segments")
    args = ap.parse_args()
    rng = np.random.default_rng(args.seed)
    slots = {s.slot_id: s for s in load_rules(args.rules).slots}
    segments = gpd.read_file(args.run / "roster.gpkg", layer="segments")
    metric = metric_crs(segments)
    lines = dict(zip(segments["segment_id"], segments.to_crs(metric).geometry, strict=True))
    tours = defaultdict(list)
    for a in read_roster_csv(args.run / "roster.csv"):
        tours[(a.day, a.slot_id, a.chief_id)].append(a)
    features, truth = [], []
    for (day, slot_id, chief), members in sorted(tours.items()):
        members.sort(key=lambda a: a.order)
        missed = rng.random() < args.tour_missed
        walked = [] if missed else [a for a in members if rng.random() >= args.segment_skipped]
        truth += [(a, a in walked) for a in members]
        if not walked:
            continue
        start = dt.datetime.combine(day, slots[slot_id].start)
        start += dt.timedelta(minutes=int(rng.integers(0, 20)))
        track = walk_tour(chief, [lines[a.segment_id] for a in walked], metric, start, rng)
        times = [t.astype("datetime64[s]").item().isoformat() for t in track.times]
        coords = [[round(x, 7), round(y, 7)] for x, y in zip(track.lon, track.lat, strict=True)]
        features.append(
            {
                "type": "Feature",
                "properties": {"chief_id": chief, "times": times, "note": "generated"},
                "geometry": {"type": "LineString", "coordinates": coords},
            }
        )
    args.out.mkdir(parents=True, exist_ok=True)
    doc = {"type": "FeatureCollection", "features": features}
    (args.out / "tracks.geojson").write_text(json.dumps(doc), "utf-8")
    with (args.out / "truth.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["date", "slot", "chief_id", "segment_id", "walked"])
        for a, yes in truth:
            w.writerow([a.day.isoformat(), a.slot_id, a.chief_id, a.segment_id,
                        "yes" if yes else "no"])  # fmt: skip
    walked_n = sum(y for _, y in truth)
    print(f"{len(features)} tracks of {len(tours)} tours; {walked_n} of {len(truth)} planned "
          f"patrols walked (generated) in {args.out}")  # fmt: skip


if __name__ == "__main__":
    main()
