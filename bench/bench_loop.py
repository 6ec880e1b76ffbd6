"""Closed-loop benches: the ledger and the overdue list at 100,000 cases (pure, then on the
database), importing 100,000 cases, and matching a week of generated tracks on the demo
city's streets.

Prints one table: each measure, its figure and its bound (issue 15). Cases are generated
(roadchief.loop.simulate, seeded): 10,000 histories cloned to 100,000 under new ids. The
database part imports the demo city into a fresh SQLite file (and PostgreSQL + PostGIS
when ``ROADCHIEF_TEST_PG`` is set: ``bash .ci/with-postgres`` does), imports the cases
(``case import``), records their histories (``case apply``) and lists them. Wall time and
CPU time are both printed: on a loaded machine the wall time is several times the CPU time.
Run: .venv/bin/python bench/bench_loop.py [--cases N] [--no-db]
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import datetime as dt
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely
from bench_db import pg_database

from roadchief.app.cases import import_cases, list_cases, read_changes, update_cases
from roadchief.app.imports import ImportItem, import_files
from roadchief.app.kpi import kpi
from roadchief.app.ledger import ledger_view
from roadchief.app.units import import_units
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
from roadchief.store.db import make_engine
from roadchief.store.migrate import upgrade

DEMO = Path(__file__).resolve().parent.parent / "geodata" / "cambridge_ma"
OUT = Path(__file__).resolve().parent / "out" / "loop"
DEMO_FILES = [
    ("zones", DEMO / "zones_cdd_neighborhoods.geojson"),
    ("roads", DEMO / "streets_centerlines.geojson"),
    ("chiefs", DEMO / "chiefs.csv"),
    ("rules", DEMO / "rules.toml"),
]  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--cases", type=int, default=100_000)
    ap.add_argument("--tours", type=int, default=700, help="tours in the week of tracks")
    ap.add_argument("--no-db", action="store_true", help="skip the database part")
    args = ap.parse_args()
    rules = load_rules(DEMO / "rules.toml")
    clock = DeadlineClock(rules.loop, rules.working_calendar())
    streets = gpd.read_file(DEMO / "streets_centerlines.geojson").to_crs(4326)
    streets["segment_id"] = streets["ID"].astype(str)
    mids = streets.geometry.representative_point()
    spots = [
        Spot(p.x, p.y, sid, "Z", "2") for p, sid in zip(mids, streets["segment_id"], strict=True)
    ]
    rows: list[tuple[str, str, str]] = [("machine load (1, 5, 15 min) at the start", load(), "")]

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

    if not args.no_db:
        rows += database_rows(args.cases)
    rows.append(("machine load (1, 5, 15 min) at the end", load(), ""))
    width = max(len(r[0]) for r in rows)
    print(f"{'measure':<{width}}  {'figure':>14}  bound")
    for name, figure, bound in rows:
        print(f"{name:<{width}}  {figure:>14}  {bound}")


def database_rows(n: int) -> list[tuple[str, str, str]]:
    """Import, apply, list and ledger ``n`` cases on SQLite (and PostgreSQL when set)."""
    cases, changes = cloned_month(n)
    rows: list[tuple[str, str, str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        backends = [("sqlite", f"sqlite:///{tmp}/loop.db", lambda: None)]
        if os.environ.get("ROADCHIEF_TEST_PG"):
            backends.append(("postgresql", *pg_database(os.environ["ROADCHIEF_TEST_PG"])))
        for name, url, drop in backends:
            try:
                rows += timed_on(name, url, cases, changes, n)
            finally:
                drop()
    return rows


def timed_on(name: str, url: str, cases: Path, changes: Path, n: int) -> list[tuple[str, str, str]]:
    engine = make_engine(url)
    upgrade(engine)
    import_files(engine, [ImportItem(kind, path) for kind, path in DEMO_FILES])
    import_units(engine, cases.parent / "units.csv")
    at = dt.datetime(2026, 11, 20, 12, 0)
    out = []
    with clocked() as t:
        done = import_cases(engine, cases)
    out.append((f"{name}: case import, {done.cases:,} cases", t.text, "<= 60 s"))
    with clocked() as t:
        moved = update_cases(engine, read_changes(changes))
    out.append((f"{name}: case apply, {len(moved):,} changes", t.text, "(no bound)"))
    with clocked() as t:
        overdue = list_cases(engine, at, status="overdue")
    out.append(
        (f"{name}: case list --status overdue ({len(overdue):,} overdue)", t.text, "<= 10 s")
    )
    with clocked() as t:
        view = ledger_view(engine, at)
    open_ = len(view.sections["open"])
    out.append((f"{name}: ledger view ({open_:,} open)", t.text, "<= 10 s"))
    with clocked() as t:
        found = kpi(engine, dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    closed = sum(c.closed for c in found.assessment.groups["zone"].values())
    out.append((f"{name}: kpi, November ({closed:,} closed)", t.text, "(no bound)"))
    engine.dispose()
    return out


def load() -> str:
    """The load averages (other work on the machine slows every figure)."""
    return " / ".join(f"{x:.1f}" for x in os.getloadavg())


class Clock:
    text = ""


@contextmanager
def clocked() -> Iterator[Clock]:
    """Wall and CPU seconds of the block, as ``wall s (cpu s)``."""
    clock = Clock()
    wall, cpu = time.perf_counter(), time.process_time()
    yield clock
    clock.text = f"{time.perf_counter() - wall:.1f} s ({time.process_time() - cpu:.1f} cpu)"


def cloned_month(n: int) -> tuple[Path, Path]:
    """cases.csv and transitions.csv of ``n`` cases: the demo month of 10,000 generated
    cases (scripts/make_demo_cases.py) cloned under new ids; cached in bench/out/loop."""
    base = OUT / "base"
    if not (base / "transitions.csv").exists():
        script = Path(__file__).resolve().parent.parent / "scripts" / "make_demo_cases.py"
        subprocess.run(
            [sys.executable, str(script), "--out", str(base), "--n", "10000"], check=True
        )
    cases, changes = OUT / f"cases_{n}.csv", OUT / f"transitions_{n}.csv"
    if not changes.exists():
        clone(base / "cases.csv", cases, n)
        clone(base / "transitions.csv", changes, n)
        shutil.copy(base / "units.csv", OUT / "units.csv")
    return cases, changes


def clone(src: Path, dest: Path, n: int) -> None:
    """Rows of ``src`` repeated under new case ids (``<id>-<copy>``) until ``n`` cases."""
    with src.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        lines = list(reader)
    ids = sorted({r["case_id"] for r in lines})
    copies = -(-n // len(ids))
    keep = set(ids[: n - (copies - 1) * len(ids)])
    with dest.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=reader.fieldnames or [])
        writer.writeheader()
        for k in range(copies):
            for r in lines:
                if k < copies - 1 or r["case_id"] in keep:
                    writer.writerow(r | {"case_id": f"{r['case_id']}-{k}"})


if __name__ == "__main__":
    main()
