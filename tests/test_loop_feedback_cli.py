"""Planning from the database after a week of cases: the case waiting for its recheck is
planned by its deadline, the street with recurring problems gets an extra patrol, and
both are recorded so that an export reproduces the run. SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from store_db import BACKENDS, fresh_database
from test_loop_cli import case_line, cases_file

from conftest import run_cli
from geo_builders import small_city_files

pytestmark = pytest.mark.slow  # plan --db end to end on both databases

WEEK = "2026-W46"  # Monday 2026-11-09


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    yield from fresh_database(request.param, tmp_path)


def test_plan_db_plans_rechecks_and_hotspots(db_url: str, tmp_path: Path) -> None:
    files = small_city_files(tmp_path / "city")
    assert run_cli("init", "--db", db_url).returncode == 0
    args = [x for kind, path in files.items() for x in (kind, path)]
    assert run_cli("import", "--db", db_url, *args).returncode == 0
    hot = [case_line(f"H{i}", 150 + 40 * i, 104, f"2026-11-0{2 + i}T09:00") for i in range(4)]
    cases = cases_file(tmp_path, *hot, case_line("K1", 104, 200, "2026-11-06T09:00"))
    done = run_cli("case", "import", "--db", db_url, cases)
    assert done.returncode == 0, done.stderr
    moves = tmp_path / "moves.csv"
    with moves.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["case_id", "to", "by", "at", "note", "unit", "deadline"])
        w.writerow(["K1", "filed", "坐席", "2026-11-06T09:10", "", "", ""])
        w.writerow(["K1", "dispatched", "坐席", "2026-11-06T09:20", "", "环卫", ""])
        w.writerow(["K1", "handled", "环卫", "2026-11-06T11:00", "", "", ""])
        w.writerow(["H0", "rejected", "坐席", "2026-11-02T09:30", "", "", ""])
    done = run_cli("case", "apply", "--db", db_url, moves)
    assert done.returncode == 0, done.stderr
    units = tmp_path / "units.csv"
    units.write_text("unit_id,name,kind,contact,segment_ids\nHW,环卫所,sanitation,,\n"
                     "S1,老王水果店,frontage,13900000000,r0;r1\n", "utf-8")  # fmt: skip
    done = run_cli("import", "--db", db_url, "units", units)
    assert done.returncode == 0, done.stderr

    out = tmp_path / "run"
    plan = run_cli("plan", "--db", db_url, "--week", WEEK, "--out", out,
                   "--time-limit", "10", "--workers", "1")  # fmt: skip
    assert plan.returncode == 0, plan.stderr
    summary = json.loads((out / "summary.json").read_text("utf-8"))
    assert summary["rechecks_required"] == 1 and summary["rechecks_planned"] == 1
    (recheck,) = summary["explain"]["rechecks"]
    # handled Friday 11:00, one working day to recheck: due Monday 2026-11-09
    assert recheck["case_id"] == "K1" and recheck["segment_id"] == "r1"
    assert recheck["due"] == "2026-11-09" and recheck["day"] == "2026-11-09"
    # H1-H3 (H0 rejected) weigh 0.5 ** (age / 14 days) each: about 2.4, one extra patrol
    (spot,) = summary["explain"]["hotspots"]
    assert spot["segment_id"] == "r0" and spot["extra_patrols"] == 1
    assert summary["inputs"]["loop"]["hotspots"] == {"r0": 1}
    assert (summary["hotspot_segments"], summary["hotspot_extra_patrols"]) == (1, 1)
    holder = "老王水果店 (13900000000)"
    assert summary["inputs"]["loop"]["frontage"] == {"r0": [holder], "r1": [holder]}
    owner = next(r["chief_id"] for r in roster_rows(out) if r["segment_id"] == "r0")
    assert f"门前三包责任人：{holder}" in (out / "chiefs" / f"{owner}.html").read_text("utf-8")
    assert "闭环：复检 1 件，1 件在期限前排上巡查；问题反复路段 1 条，加巡 1 次" in plan.stdout
    roster = roster_rows(out)
    assert any(r["segment_id"] == "r1" and r["date"] == "2026-11-09" for r in roster)

    again = tmp_path / "export"
    done = run_cli("export", "--db", db_url, "--week", WEEK, "--out", again)
    assert done.returncode == 0, done.stderr
    assert (again / "roster.csv").read_bytes() == (out / "roster.csv").read_bytes()


def roster_rows(run: Path) -> list[dict[str, str]]:
    return list(csv.DictReader((run / "roster.csv").read_text("utf-8-sig").splitlines()))
