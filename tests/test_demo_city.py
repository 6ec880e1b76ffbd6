"""The bundled demo city end to end, through the CLI, as `make demo` runs it."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest
from test_figures import assert_outputs_agree

from conftest import DEMO, run_cli
from roadchief.config import load_rules
from roadchief.domain import ChiefLevel
from test_render_maps import embedded_features

pytestmark = pytest.mark.slow  # the whole demo city, end to end


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
    (out.parent / "terminal.txt").write_text(result.stdout, "utf-8")
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
    # every reason of the demo city is known: a code and values beside the text, the same
    # in unplaced.geojson and summary.json
    codes = {f["properties"]["reason_code"] for f in unplaced}
    assert codes <= {"outside_zones", "partly_in_zone"} and codes
    by_id = {u["segment_id"]: u for u in summary["unplaced"]}
    for f in unplaced:
        p = f["properties"]
        assert by_id[p["segment_id"]]["reason_code"] == p["reason_code"]
        assert by_id[p["segment_id"]]["reason_values"] == p["reason_values"]


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


def test_every_demo_tour_fits_its_cap_with_the_walk(demo_run: tuple[Path, dict[str, Any]]) -> None:
    out, summary = demo_run
    rules = load_rules(DEMO / "rules.toml")
    with (DEMO / "chiefs.csv").open(encoding="utf-8-sig") as fh:
        level = {r["chief_id"]: ChiefLevel(r["level"]) for r in csv.DictReader(fh)}
    with (out / "roster.csv").open(encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    tours: dict[str, list[dict[str, str]]] = {}
    for r in rows:
        tours.setdefault(r["tour_id"], []).append(r)
    connecting_m = 0.0
    for tour_id, mine in tours.items():
        cap_km = rules.levels[level[mine[0]["chief_id"]]].limits.max_km_per_tour
        walked_m = sum(float(r["length_m"]) + float(r["walk_to_m"]) for r in mine)
        assert float(mine[0]["tour_km"]) <= cap_km, tour_id
        assert walked_m / 1000 == pytest.approx(float(mine[0]["tour_km"]), abs=0.001 * len(mine))
        assert min(r["walk_to_m"] for r in mine if r["order"] == "1") == "0"
        connecting_m += sum(float(r["walk_to_m"]) for r in mine)
    walk = summary["walk"]
    assert walk["tours_over_cap"] == 0 and summary["checker"]["violations"] == 0
    assert walk["connecting_km"] == pytest.approx(connecting_m / 1000, abs=0.01 * len(tours))
    assert 0 < walk["connecting_share"] < 0.5
    assert walk["allowance_per_step_m"] == rules.walk_allowance_m > 0
    assert "## 步行" in (out / "explain.md").read_text("utf-8")


def test_every_output_of_the_demo_shows_the_same_figures(
    demo_run: tuple[Path, dict[str, Any]],
) -> None:
    terminal = (demo_run[0].parent / "terminal.txt").read_text("utf-8")
    compared = assert_outputs_agree(demo_run[0], terminal)
    assert compared["rows"] == compared["toward"] + compared["extra"] > 6000
