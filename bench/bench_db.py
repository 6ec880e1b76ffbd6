"""Benchmark the database workflow on the demo city: init, import, re-import, assign, plan,
replan, export, history; and check that it gives what the same commands give on files.

Run ``.venv/bin/python bench/bench_db.py [--time-limit 10]``; with ``ROADCHIEF_TEST_PG`` set
(``make bench`` starts a throwaway server) PostgreSQL + PostGIS is measured beside SQLite.
Each step runs through the installed ``roadchief`` command, as a planner runs it, with
``--deterministic`` so that a plan's roster depends on its inputs only. The database's plan
and re-plan are compared with ``plan`` and ``replan`` on the same files, and the export
with the stored re-plan (CSV / GeoJSON byte for byte, summary.json without its timing
fields and folder names).
"""

from __future__ import annotations

import argparse
import filecmp
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "geodata" / "cambridge_ma"
WEEK = "2026-W49"
FILES = [
    "zones", DEMO / "zones_cdd_neighborhoods.geojson", "roads", DEMO / "streets_centerlines.geojson",
    "chiefs", DEMO / "chiefs.csv", "rules", DEMO / "rules.toml",
]  # fmt: skip
ABSENT = ("--absent", "C0020", "--from", "2026-12-03")
"""A segment chief of the demo called away from Thursday of the week."""
BYTE_EQUAL = (
    "roster.csv",
    "ownership.csv",
    "ownership_chiefs.csv",
    "roads.csv",
    "unplaced.geojson",
)


def cli(*args: Any) -> float:
    exe = Path(sys.executable).parent / "roadchief"
    start = time.perf_counter()
    done = subprocess.run([str(exe), *map(str, args)], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"roadchief {' '.join(map(str, args[:2]))} failed:\n{done.stderr}")
    return time.perf_counter() - start


def comparable(summary: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in summary.items() if k not in ("wall_s", "stages_s")}
    out["parts"] = {
        z: {k: v for k, v in p.items() if k != "wall_s"} for z, p in out["parts"].items()
    }
    out["ownership"] = {k: v for k, v in out["ownership"].items() if k != "wall_s"}
    out["inputs"] = {
        k: v
        for k, v in out["inputs"].items()
        if k not in ("out", "previous", "pins", "replan", "time_limit_s")
    }
    if out.get("replan"):
        out["replan"] = {k: v for k, v in out["replan"].items() if k not in ("run", "run_id")}
    return out


def same(a: Path, b: Path) -> bool:
    """True if two run folders are equal (printing what differs when not)."""
    for name in BYTE_EQUAL:
        if not filecmp.cmp(a / name, b / name, shallow=False):
            print(f"  {a.name} and {b.name} differ: {name}")
            return False
    sa, sb = (comparable(json.loads((d / "summary.json").read_text("utf-8"))) for d in (a, b))
    for key in sorted(set(sa) | set(sb)):
        if sa.get(key) != sb.get(key):
            print(f"  {a.name} and {b.name} differ: summary.json {key}")
            return False
    return True


def pg_database(base_url: str) -> tuple[str, Any]:
    base = make_url(base_url)
    name = f"rc_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return base.set(database=name).render_as_string(hide_password=False), drop


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--time-limit", type=float, default=10.0)
    args = parser.parse_args()
    solve = ["--time-limit", args.time_limit, "--workers", "1", "--deterministic"]
    with tempfile.TemporaryDirectory() as tmp_s:
        tmp = Path(tmp_s)
        files_s = cli(
            "plan", "--zones", FILES[1], "--roads", FILES[3], "--chiefs", FILES[5],
            "--rules", FILES[7], "--out", tmp / "files", "--week", WEEK, *solve,
        )  # fmt: skip
        refiles_s = cli(
            "replan", "--roster", tmp / "files", *ABSENT, "--out", tmp / "refiles", *solve
        )
        backends: list[tuple[str, str, Any]] = [("sqlite", f"sqlite:///{tmp / 'rc.db'}", None)]
        if os.environ.get("ROADCHIEF_TEST_PG"):
            backends.append(("postgresql", *pg_database(os.environ["ROADCHIEF_TEST_PG"])))
        rows = []
        for name, url, drop in backends:
            try:
                t_init = cli("init", "--db", url)
                t_import = cli("import", "--db", url, *FILES)
                t_again = cli("import", "--db", url, *FILES)
                t_assign = cli("assign", "--db", url, "--week", WEEK, "--out", tmp / f"{name}-o")
                t_plan = cli("plan", "--db", url, "--week", WEEK, "--out", tmp / name, *solve)
                t_replan = cli(
                    "replan", "--db", url, "--week", WEEK, *ABSENT, "--out", tmp / f"{name}-r",
                    *solve,
                )  # fmt: skip
                t_export = cli("export", "--db", url, "--week", WEEK, "--out", tmp / f"{name}-x")
                t_hist = cli("history", "--db", url)
                equal = (
                    same(tmp / f"{name}-r", tmp / f"{name}-x"),
                    same(tmp / "files", tmp / name),
                    same(tmp / "refiles", tmp / f"{name}-r"),
                    filecmp.cmp(tmp / f"{name}-o" / "ownership.csv", tmp / name / "ownership.csv"),
                )
            finally:
                if drop is not None:
                    drop()
            times = (t_init, t_import, t_again, t_assign, t_plan, t_replan, t_export, t_hist)
            rows.append((name, *times, equal))
    print(f"\nroadchief database workflow, demo city (Cambridge, 2,643 roads), {WEEK}, "
          f"--deterministic --time-limit {args.time_limit:g}, 1 worker; seconds per command "
          f"(process start included); on files: plan {files_s:.1f} s, "
          f"replan {refiles_s:.1f} s")  # fmt: skip
    head = (
        "database", "init", "import", "re-import", "assign", "plan", "replan", "export",
        "history", "export = stored", "plan = files", "replan = files", "assign = plan",
    )  # fmt: skip
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for name, *times, equal in rows:
        marks = " | ".join("yes" if e else "no" for e in equal)
        print(f"| {name} | " + " | ".join(f"{t:.1f}" for t in times) + f" | {marks} |")
    print(
        "export = stored: the export of the week equals the stored re-plan's folder; "
        "plan/replan = files: the database's run equals the same command on files; "
        "assign = plan: assign --db shows the owners plan --db then uses."
    )


if __name__ == "__main__":
    main()
