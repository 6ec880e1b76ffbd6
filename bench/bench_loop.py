"""Closed-loop benches that need no database: the ledger and the overdue list at 100,000
cases, and matching a week of generated tracks on the demo city's streets.

Prints one table: each measure, its figure and its bound (issue 15). Cases are generated
(roadchief.loop.simulate, seeded): 10,000 histories cloned to 100,000 under new ids.
Run: .venv/bin/python bench/bench_loop.py [--cases N]
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely

from roadchief.config import load_rules
from roadchief.domain import Slot
from roadchief.geo.snap import metric_crs
from roadchief.geo.tracks import match_patrols
from roadchief.geo.walker import walk_tour
from roadchief.loop.deadlines import DeadlineClock
from roadchief.loop.ledger import CaseFacts, ledger
from roadchief.loop.patrols import PlannedPatrol, Walked
from roadchief.loop.simulate import Spot, generate_cases
from roadchief.loop.supervision import supervise

DEMO = Path(__file__).resolve().parent.parent / "geodata" / "cambridge_ma"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--cases", type=int, default=100_000)
    ap.add_argument("--tours", type=int, default=700, help="tours in the week of tracks")
    args = ap.parse_args()
    rules = load_rules(DEMO / "rules.toml")
    clock = DeadlineClock(rules.loop, rules.working_calendar())
    streets = gpd.read_file(DEMO / "streets_centerlines.geojson").to_crs(4326)
    streets["segment_id"] = streets["ID"].astype(str)
    mids = streets.geometry.representative_point()
    spots = [
        Spot(p.x, p.y, sid, "Z", "2") for p, sid in zip(mids, streets["segment_id"], strict=True)
    ]
    rows: list[tuple[str, str, str]] = []

    t = time.perf_counter()
    unique = generate_cases(
        spots, clock, dt.date(2026, 11, 1), 30, 10_000, np.random.default_rng(15)
    )
    gen_s = time.perf_counter() - t
    facts = []
    for k in range(args.cases):
        rec, spot = unique[k % len(unique)]
        cid = f"B{k:07d}"
        case = dataclasses.replace(rec.case, case_id=cid)
        hist = tuple(dataclasses.replace(x, case_id=cid) for x in rec.history)
        facts.append(
            CaseFacts(
                dataclasses.replace(rec, case=case, history=hist),
                spot.segment_id,
                "Z",
                "",
                "",
                spot.area_class,
            )
        )
    rows.append(("generate 10,000 case histories", f"{gen_s:.1f} s", "(set-up)"))

    at = dt.datetime(2026, 11, 20, 12, 0)
    t = time.perf_counter()
    table = ledger(facts, clock, at)
    overdue = [r for r in table if r.overdue]
    led_s = time.perf_counter() - t
    rows.append(
        (
            f"ledger + overdue list, {len(facts):,} cases ({len(overdue):,} overdue)",
            f"{led_s:.1f} s",
            "<= 10 s",
        )
    )
    t = time.perf_counter()
    items = supervise(facts, clock, at)
    sup_s = time.perf_counter() - t
    rows.append(
        (
            f"supervision items, {len(facts):,} cases ({len(items):,} items)",
            f"{sup_s:.1f} s",
            "(no bound)",
        )
    )

    metric = metric_crs(streets)
    lines = streets.to_crs(metric).geometry.to_numpy()
    tree = shapely.STRtree(lines)
    rng = np.random.default_rng(7)
    slots = {s.slot_id: s for s in rules.slots}
    slot_list: list[Slot] = list(rules.slots)
    planned, truth, tracks = [], [], []
    monday = dt.date(2026, 11, 30)
    for k in range(args.tours):
        chief = f"P{k % 140:03d}"
        day = monday + dt.timedelta(days=k // 100)
        slot = slot_list[k % len(slot_list)]
        first = lines[int(rng.integers(len(lines)))]
        near = tree.query(first, predicate="dwithin", distance=400.0)
        ids = [int(i) for i in near[np.argsort(shapely.distance(first, lines[near]))][:10]]
        missed_tour = rng.random() < 0.05
        walked = [] if missed_tour else [i for i in ids if rng.random() > 0.1]
        start = dt.datetime.combine(day, slot.start) + dt.timedelta(
            minutes=int(rng.integers(0, 20))
        )
        if walked:
            tracks.append(walk_tour(chief, [lines[i] for i in walked], metric, start, rng))
        for i in ids:
            planned.append(
                PlannedPatrol(day, slot.slot_id, chief, str(streets["segment_id"].iloc[i]), "Z")
            )
            truth.append(i in walked)
    t = time.perf_counter()
    records = match_patrols(planned, slots, streets, tracks, rules.loop.tracks)
    match_s = time.perf_counter() - t
    said = np.array([r.walked is Walked.YES for r in records])
    real = np.array(truth)
    tp = int((said & real).sum())
    rows.append(
        (
            f"match a week of tracks: {len(tracks)} tracks, {len(planned):,} patrols",
            f"{match_s:.1f} s",
            "<= 30 s",
        )
    )
    rows.append(
        (
            "  precision / recall of walked",
            f"{tp / max(said.sum(), 1):.3f} / {tp / max(real.sum(), 1):.3f}",
            "",
        )
    )
    rows.append(
        (
            "  unknown (no track in the slot)",
            f"{sum(r.walked is Walked.UNKNOWN for r in records)}",
            "",
        )
    )

    width = max(len(r[0]) for r in rows)
    print(f"{'measure':<{width}}  {'figure':>14}  bound")
    for name, figure, bound in rows:
        print(f"{name:<{width}}  {figure:>14}  {bound}")


if __name__ == "__main__":
    main()
