"""`roadchief assign` through its installed entry point: ownership files, pins, stability."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest

from conftest import DEMO, run_cli
from geo_builders import CHIEFS, small_city

JSON_KEYS = {
    "segments_placed", "segments_owned", "balance_ratio", "pieces_max", "pieces_mean",
    "moved", "wall_s", "zones", "chiefs", "warnings",
}  # fmt: skip


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig") as fh:
        return list(csv.DictReader(fh))


def assign(tmp_path: Path, name: str, *extra: str | Path) -> tuple[Path, dict[str, Any]]:
    out = tmp_path / name
    result = run_cli("assign", *small_city(tmp_path, CHIEFS), "--out", out, *extra)
    assert result.returncode == 0, result.stderr
    assert "balance" in result.stdout
    return out, json.loads((out / "ownership.json").read_text("utf-8"))


def test_assign_owns_every_segment_once_and_writes_the_tables(tmp_path: Path) -> None:
    out, summary = assign(tmp_path, "run")
    assert summary.keys() >= JSON_KEYS
    owned = rows(out / "ownership.csv")
    assert len(owned) == len({r["segment_id"] for r in owned}) == summary["segments_placed"]
    assert summary["segments_owned"] == summary["segments_placed"] > 0
    assert {r["chief_id"] for r in owned if r["zone_id"] == "A"} == {"A1", "A2", "A3"}
    assert summary["balance_ratio"] <= 1.15 and summary["pieces_max"] == 1
    assert summary["moved"] is None
    per_chief = rows(out / "ownership_chiefs.csv")
    assert {r["chief_id"] for r in per_chief} == {"A1", "A2", "A3", "B1"}
    assert all(float(r["workload"]) > 0 and float(r["km"]) > 0 for r in per_chief)
    roads = rows(out / "roads.csv")
    assert {r["chief_id"] for r in roads if r["zone_id"] == "A"} == {"L2A"}
    assert any("zone B" in w and "roads" in w for w in summary["warnings"])  # B has no l2


@pytest.mark.slow
def test_previous_ownership_is_kept_and_pins_hold(tmp_path: Path) -> None:
    first, _ = assign(tmp_path, "first")
    _, again = assign(tmp_path, "again", "--previous", first / "ownership.csv")
    assert again["moved"] == 0
    owned = rows(first / "ownership.csv")
    seg = next(r for r in owned if r["zone_id"] == "A")
    other = next(c for c in ("A1", "A2", "A3") if c != seg["chief_id"])
    pins = tmp_path / "pins.csv"
    pins.write_text(f"segment_id,chief_id\n{seg['segment_id']},{other}\n", encoding="utf-8")
    out, pinned = assign(tmp_path, "pinned", "--pin", pins)
    assert pinned["pins"] == 1
    now = {r["segment_id"]: r["chief_id"] for r in rows(out / "ownership.csv")}
    assert now[seg["segment_id"]] == other


def test_bad_pins_are_listed_at_once(tmp_path: Path) -> None:
    first, _ = assign(tmp_path, "first")
    seg_b = next(r for r in rows(first / "ownership.csv") if r["zone_id"] == "B")
    pins = tmp_path / "pins.csv"
    pins.write_text(f"segment_id,chief_id\nnope,A1\n{seg_b['segment_id']},A1\n", encoding="utf-8")
    args = small_city(tmp_path, CHIEFS)
    result = run_cli("assign", *args, "--out", tmp_path / "o", "--pin", pins)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "2 problems" in result.stderr and "nope" in result.stderr
    assert "cannot own a segment of zone B" in result.stderr


def test_a_zone_with_segments_and_no_chief_is_a_clear_error(tmp_path: Path) -> None:
    args = small_city(tmp_path, "A1,甲一,A,segment,,\nL2B,乙长,B,l2,,\n")
    result = run_cli("assign", *args, "--out", tmp_path / "o")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "no chief who may own them: B (" in result.stderr
    assert "A (" not in result.stderr.split("own them:")[1]


@pytest.mark.slow
def test_demo_city_meets_the_ownership_targets(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    result = run_cli(
        "assign",
        "--zones", DEMO / "zones_cdd_neighborhoods.geojson",
        "--roads", DEMO / "streets_centerlines.geojson",
        "--chiefs", DEMO / "chiefs.csv",
        "--rules", DEMO / "rules.toml",
        "--out", out,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    s = json.loads((out / "ownership.json").read_text("utf-8"))
    assert s["segments_owned"] == s["segments_placed"] > 2500
    assert s["balance_ratio"] <= 1.15
    single = [z for z in s["zones"] if z["road_pieces"] == 1]
    mostly_one = [c for c in s["chiefs"] if c["zone_id"] in {z["zone_id"] for z in single}]
    assert sum(c["pieces"] == 1 for c in mostly_one) >= 0.9 * len(mostly_one)
    assert s["roads_owned"] == s["roads_total"]
