"""The command line, run through its installed entry point as a planner runs it."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest

from conftest import DATA, run_cli
from geo_builders import line, two_zones, write

SHANGHAI = DATA / "shanghai"
SUMMARY_KEYS = {
    "segments_in", "segments_placed", "segments_unplaced", "zones", "chiefs",
    "patrols_required", "patrols_planned", "status", "objective", "best_bound", "gap", "wall_s",
}  # fmt: skip


@pytest.fixture(scope="module")
def shanghai_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    out = tmp_path_factory.mktemp("shanghai") / "run"
    result = run_cli(
        "plan",
        "--zones", SHANGHAI / "cnmaps_districts_huangpu_jingan.geojson",
        "--roads", SHANGHAI / "shanghai.osm",
        "--chiefs", SHANGHAI / "chiefs.csv",
        "--week", "2026-W49", "--out", out, "--time-limit", "10",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return out, result.stdout


def test_the_summary_names_the_zones_whose_bound_holds_for_any_walk(
    shanghai_run: tuple[Path, str], capsys: pytest.CaptureFixture[str]
) -> None:
    from roadchief.app.summary import RunSummary
    from roadchief.cli.summary import print_summary

    out, stdout = shanghai_run
    data = json.loads((out / "summary.json").read_text("utf-8"))
    assert {p["bound_on"] for p in data["parts"].values()} <= {"model", "segments"}
    if all(p["bound_on"] == "model" for p in data["parts"].values()):
        assert "任何步行" not in stdout
    zone = sorted(data["parts"])[0]
    data["parts"][zone]["bound_on"] = "segments"
    print_summary(RunSummary.from_json(data), out)
    assert f"片区{zone}的下界适用于任何步行" in "".join(capsys.readouterr().out.split())


def test_help_and_version() -> None:
    assert "plan" in run_cli("--help").stdout
    assert run_cli("--version").stdout.startswith("roadchief ")
    help_text = " ".join(run_cli("plan", "--help").stdout.split())
    assert "[默认：下周]" in help_text and "[default: 60.0]" in help_text


@pytest.mark.parametrize(
    ("args", "named"),
    [(("--time-limit", "0"), "--time-limit"), (("--time-limit", "-5"), "--time-limit"),
     (("--workers", "0"), "--workers")],
)  # fmt: skip
def test_a_bad_option_value_is_one_line_not_a_traceback(
    tmp_path: Path, args: tuple[str, str], named: str
) -> None:
    result = run_cli("plan", "--zones", "z", "--roads", "r", "--chiefs", "c", *args)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert named in result.stderr


def test_lang_en_writes_the_outputs_and_the_summary_in_english(tmp_path: Path) -> None:
    zones = two_zones(tmp_path)
    roads = write(tmp_path / "roads.geojson", {"id": ["r1"]}, [line((100, 500), (900, 500))])
    chiefs = tmp_path / "chiefs.csv"
    chiefs.write_text(
        "chief_id,name,zone_id,level,max_patrols_per_week,unavailable\nC1,王伟,A,segment,,\n",
        encoding="utf-8",
    )
    run = [
        "plan", "--zones", zones, "--roads", roads, "--chiefs", chiefs, "--week", "2026-W49",
        "--time-limit", "2",
    ]  # fmt: skip
    en = run_cli(*run, "--out", tmp_path / "en", "--lang", "en")
    zh = run_cli(*run, "--out", tmp_path / "zh")
    assert en.returncode == 0 and zh.returncode == 0, en.stderr + zh.stderr
    assert "verdict: usable;" in " ".join(en.stdout.split()) and "placed" in en.stdout
    assert "结论：" in zh.stdout
    # progress on a log, in the run's language: one line a stage, one a zone solved
    assert "排班求解（限时 2 秒） …" in zh.stderr and "分配路段 …" in zh.stderr
    assert re.search(r"片区 .+：(OPTIMAL|FEASIBLE)（已完成 1 个）", zh.stderr), zh.stderr
    assert re.search(r"zone .+: (OPTIMAL|FEASIBLE) \(1 done\)", en.stderr), en.stderr
    assert "Why this roster" in (tmp_path / "en" / "explain.md").read_text("utf-8")
    assert (
        json.loads((tmp_path / "en" / "summary.json").read_text("utf-8"))["inputs"]["lang"] == "en"
    )
    assert (
        json.loads((tmp_path / "zh" / "summary.json").read_text("utf-8"))["inputs"]["lang"] == "zh"
    )
    bad = run_cli(*run, "--out", tmp_path / "x", "--lang", "fr")
    assert bad.returncode == 1 and "--lang" in bad.stderr and "Traceback" not in bad.stderr


def test_out_naming_a_file_or_an_unwritable_place_is_clear(tmp_path: Path) -> None:
    zones = two_zones(tmp_path)
    roads = write(tmp_path / "roads.geojson", {"id": ["r1"]}, [line((100, 500), (900, 500))])
    chiefs = tmp_path / "chiefs.csv"
    chiefs.write_text(
        "chief_id,name,zone_id,level,max_patrols_per_week,unavailable\nC1,王伟,A,segment,,\n",
        encoding="utf-8",
    )
    taken = tmp_path / "taken"
    taken.write_text("not a folder", encoding="utf-8")
    for out in (taken, Path("/proc/roadchief-cannot/x")):
        result = run_cli(
            "plan", "--zones", zones, "--roads", roads, "--chiefs", chiefs, "--out", out,
            "--time-limit", "2",
        )  # fmt: skip
        assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
        assert "--out" in result.stderr
    assert taken.read_text("utf-8") == "not a folder"


@pytest.mark.slow
def test_plan_writes_the_run_folder(shanghai_run: tuple[Path, str]) -> None:
    out, stdout = shanghai_run
    summary = json.loads((out / "summary.json").read_text("utf-8"))
    assert summary.keys() >= SUMMARY_KEYS
    assert summary["segments_placed"] + summary["segments_unplaced"] == summary["segments_in"]
    assert summary["zones"] == 2 and summary["status"] in ("OPTIMAL", "FEASIBLE")
    assert summary["gap"] >= 0 and summary["best_bound"] <= summary["objective"]
    assert summary["patrols_planned"] <= summary["patrols_required"]
    for name in ("overview.html", "roster.csv", "ownership.csv", "unplaced.geojson"):
        assert (out / name).stat().st_size > 0
    assert len(list((out / "chiefs").glob("*.html"))) == summary["chief_maps"] > 0
    assert f"落入责任区 {summary['segments_placed']}" in stdout  # Chinese by default
    parts = summary["parts"].values()
    assert summary["gap_worst_part"] == max(p["gap"] for p in parts)
    assert 0 <= summary["gap_weighted"] <= summary["gap_worst_part"]
    assert summary["gap_weighted_by"] == "patrols_required"
    assert summary["inputs"]["parallel"] is None and summary["inputs"]["scheduler"] is None
    assert "按要求巡查次数加权" in stdout
    assert "结论： 可用；" in " ".join(stdout.split())
    assert summary["patrols_rows"] == summary["patrols_planned"] + summary["patrols_extra"]
    assert summary["km_walked"] >= summary["km_segments"] > 0


@pytest.mark.slow
def test_chinese_names_survive_to_the_roster_and_maps(shanghai_run: tuple[Path, str]) -> None:
    out, _ = shanghai_run
    raw = (out / "roster.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads UTF-8
    rows = list(csv.DictReader(raw.decode("utf-8-sig").splitlines()))
    names = {r["road_name"] for r in rows}
    assert {"淮海中路", "南北高架路"} & names
    assert all("\ufffd" not in r["chief_name"] for r in rows)
    owners = {r["chief_id"]: r["chief_name"] for r in rows}
    chief_id, chief_name = next(iter(owners.items()))
    page = (out / "chiefs" / f"{chief_id}.html").read_text("utf-8")
    assert chief_name in page


def test_bad_input_is_one_clear_message_and_exit_1(tmp_path: Path) -> None:
    zones = write(tmp_path / "zones.geojson", {"zone_id": ["A"]}, [None], crs=None)
    roads = write(tmp_path / "roads.geojson", {"id": ["r1"]}, [line((0, 0), (10, 0))], crs=None)
    chiefs = tmp_path / "chiefs.csv"
    chiefs.write_text("chief_id,name\n", encoding="utf-8")
    result = run_cli(
        "plan", "--zones", zones, "--roads", roads, "--chiefs", chiefs, "--out", tmp_path / "o"
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "error:" in result.stderr and "zones.geojson" in result.stderr
    assert "--crs" in result.stderr  # the fix is named
    assert not (tmp_path / "o").exists()


def test_chiefs_file_naming_an_unknown_zone_fails_clearly(tmp_path: Path) -> None:
    zones = two_zones(tmp_path)
    roads = write(tmp_path / "roads.geojson", {"id": ["r1"]}, [line((100, 500), (900, 500))])
    chiefs = tmp_path / "chiefs.csv"
    chiefs.write_text(
        "chief_id,name,zone_id,level,max_patrols_per_week,unavailable\nC1,王伟,Q,segment,,\n",
        encoding="utf-8",
    )
    result = run_cli(
        "plan", "--zones", zones, "--roads", roads, "--chiefs", chiefs, "--out", tmp_path / "o"
    )
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "row 2" in result.stderr and "'Q'" in result.stderr


def test_missing_file_and_bad_week_are_clear(tmp_path: Path) -> None:
    result = run_cli(
        "plan", "--zones", tmp_path / "none.geojson", "--roads", tmp_path / "none.osm",
        "--chiefs", tmp_path / "none.csv", "--week", "2026-W49",
    )  # fmt: skip
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "none.geojson" in result.stderr
    bad_week = run_cli("plan", "--zones", "z", "--roads", "r", "--chiefs", "c", "--week", "49")
    assert bad_week.returncode == 2 and "ISO week" in bad_week.stderr
