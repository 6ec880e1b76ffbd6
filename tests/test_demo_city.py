"""The bundled demo city end to end, through the CLI, as `make demo` runs it."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest

from conftest import DEMO, run_cli
from test_render_maps import embedded_features


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    out = tmp_path_factory.mktemp("demo") / "run"
    result = run_cli(
        "plan",
        "--zones", DEMO / "zones_cdd_neighborhoods.geojson",
        "--roads", DEMO / "streets_centerlines.geojson",
        "--chiefs", DEMO / "chiefs.csv",
        "--rules", DEMO / "rules.toml",
        "--week", "2026-W49", "--out", out, "--time-limit", "30",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return out, json.loads((out / "summary.json").read_text("utf-8"))


def test_every_segment_is_placed_or_listed_as_unplaced(
    demo_run: tuple[Path, dict[str, Any]],
) -> None:
    out, summary = demo_run
    assert summary["zones"] == 13
    assert summary["features_in"]["roads"] == 2643
    assert summary["segments_placed"] + summary["segments_unplaced"] == summary["segments_in"]
    assert summary["segments_in"] >= 2643
    unplaced = json.loads((out / "unplaced.geojson").read_text("utf-8"))["features"]
    assert len(unplaced) == summary["segments_unplaced"] == len(summary["unplaced"])
    assert all(f["properties"]["reason"] for f in unplaced)


def test_every_placed_segment_has_one_owner(demo_run: tuple[Path, dict[str, Any]]) -> None:
    out, summary = demo_run
    with (out / "ownership.csv").open(encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == len({r["segment_id"] for r in rows}) == summary["segments_placed"]
    assert all(r["chief_id"] for r in rows)


def test_overview_draws_every_placed_and_unplaced_segment(
    demo_run: tuple[Path, dict[str, Any]],
) -> None:
    out, summary = demo_run
    layers = embedded_features((out / "overview.html").read_text("utf-8"))
    lines = [f for layer in layers for f in layer if f["geometry"]["type"].endswith("LineString")]
    assert len(lines) == summary["segments_placed"] + summary["segments_unplaced"]


def test_roster_is_solved_checked_and_measured(demo_run: tuple[Path, dict[str, Any]]) -> None:
    out, summary = demo_run
    assert summary["status"] in ("OPTIMAL", "FEASIBLE")
    assert set(summary["parts"]) == {str(z) for z in range(1, 14)}
    assert summary["best_bound"] <= summary["objective"]
    assert summary["patrols_planned"] > 0.9 * summary["patrols_required"]
    with (out / "roster.csv").open(encoding="utf-8-sig") as fh:
        tours = {r["tour_id"] for r in csv.DictReader(fh)}
    assert len(tours) == summary["tours"]
