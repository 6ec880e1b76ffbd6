"""The closed loop's commands on the database, through the installed ``roadchief`` entry
point: case import, list, update and apply; bad files change nothing and name every bad
row. Every test runs on SQLite and on PostgreSQL + PostGIS (see store_db)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from pyproj import Transformer
from store_db import BACKENDS, fresh_database, table_counts

from conftest import run_cli
from geo_builders import CRS_M, X0, Y0, small_city_files
from roadchief.store.accounts import audit_log
from roadchief.store.db import make_engine, read_session

pytestmark = pytest.mark.slow  # the closed loop's commands end to end on both databases

TO_WGS84 = Transformer.from_crs(CRS_M, 4326, always_xy=True)
HEADER = "case_id,source,reported_at,category,description,lon,lat,urgency\n"


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    yield from fresh_database(request.param, tmp_path)


def case_line(case_id: str, x: float, y: float, when: str = "2026-11-02T09:00",
              category: str = "E0101") -> str:  # fmt: skip
    lon, lat = TO_WGS84.transform(X0 + x, Y0 + y)
    return f"{case_id},patrol,{when},{category},生成的测试案件,{lon:.7f},{lat:.7f},B\n"


def city_db(db_url: str, tmp_path: Path) -> str:
    """The small city imported into a fresh database."""
    files = small_city_files(tmp_path / "city")
    assert run_cli("init", "--db", db_url).returncode == 0
    args = [x for kind, path in files.items() for x in (kind, path)]
    done = run_cli("import", "--db", db_url, *args)
    assert done.returncode == 0, done.stderr
    return db_url


def cases_file(tmp_path: Path, *lines: str, name: str = "cases.csv") -> Path:
    path = tmp_path / name
    path.write_text(HEADER + "".join(lines), encoding="utf-8")
    return path


def listed(db: str, *options: str) -> list[dict[str, str]]:
    done = run_cli("case", "list", "--db", db, *options)
    assert done.returncode == 0, done.stderr
    return list(csv.DictReader(io.StringIO(done.stdout)))


def test_cases_are_placed_listed_and_moved_through_their_states(
    db_url: str, tmp_path: Path
) -> None:
    db = city_db(db_url, tmp_path)
    good = cases_file(
        tmp_path,
        case_line("C1", 200, 105),  # 5 m off r0
        case_line("C2", 225, 475),  # 125 m from every street
        "C3,hotline,2026-11-02T10:00,暴露垃圾,无位置,,,A\n",
    )
    done = run_cli("case", "import", "--db", db, good)
    assert done.returncode == 0, done.stderr
    assert "3 cases, 1 placed, 2 unplaced" in done.stdout
    rows = {r["case_id"]: r for r in listed(db, "--at", "2026-11-02T12:00")}
    assert rows["C1"]["segment_id"] == "r0" and rows["C1"]["zone_id"] == "A"
    assert rows["C1"]["state"] == "reported" and rows["C1"]["state_zh"] == "上报"
    assert "farther than loop.snap_m" in rows["C2"]["reason"]
    assert rows["C3"]["reason"] == "no location given (lon/lat empty)"
    assert {r["case_id"] for r in listed(db, "--status", "unplaced")} == {"C2", "C3"}
    assert listed(db, "--at", "2026-11-01") == []  # reported later: not yet in the list
    # Deadlines: filing within 2 working hours (Monday 09:00 -> 11:00).
    assert rows["C1"]["deadline"] == "2026-11-02T11:00" and rows["C1"]["overdue"] == "yes"
    assert listed(db, "--at", "2026-11-02T10:00", "--status", "overdue") == []

    again = run_cli("case", "import", "--db", db, good)
    assert again.returncode == 0 and "nothing changed" in again.stdout

    up = run_cli("case", "update", "C1", "--db", db, "--to", "filed", "--by", "张三",
                 "--at", "2026-11-02T10:00")  # fmt: skip
    assert up.returncode == 0, up.stderr
    assert "reported (上报) -> filed (立案)" in up.stdout
    before = table_counts(db)
    bad = run_cli("case", "update", "C1", "--db", db, "--to", "closed", "--by", "张三",
                  "--at", "2026-11-02T11:00")  # fmt: skip
    assert bad.returncode == 1
    assert "cannot go from filed (立案) to closed (核查结案)" in bad.stderr
    assert table_counts(db) == before
    (c1,) = json.loads(
        run_cli("case", "list", "--db", db, "--format", "json", "--zone", "A").stdout
    )
    assert c1["state"] == "filed" and c1["deadline"] == "2026-11-02T11:00"


def test_an_unplaced_case_is_placed_by_hand_by_segment_or_point(
    db_url: str, tmp_path: Path
) -> None:
    db = city_db(db_url, tmp_path)
    far = case_line("C2", 225, 475)  # 125 m from every street
    run_cli(
        "case",
        "import",
        "--db",
        db,
        cases_file(tmp_path, far, "C3,hotline,2026-11-02T10:00,暴露垃圾,无位置,,,A\n"),
    )
    before = table_counts(db)
    for wrong, says in (
        (["--segment", "nope"], "no placed segment 'nope'"),
        (["--lon", "200", "--lat", "31"], "latitude and longitude"),
        (["--segment", "r0", "--lon", "121.4", "--lat", "31.2"], "one of them"),
        ([], "one of them"),
    ):
        bad = run_cli("case", "place", "C3", "--db", db, "--by", "李四", *wrong)
        assert bad.returncode == 1 and says in bad.stderr, (wrong, bad.stderr)
    far_point = [f"--{k}={v}" for k, v in zip(("lon", "lat"), far.split(",")[5:7], strict=True)]
    still = run_cli("case", "place", "C2", "--db", db, "--by", "李四", *far_point)
    assert still.returncode == 1 and "farther than loop.snap_m" in still.stderr
    assert table_counts(db) == before
    by_segment = run_cli("case", "place", "C3", "--db", db, "--by", "李四", "--segment", "r1")
    assert by_segment.returncode == 0, by_segment.stderr
    assert "placed on r1" in by_segment.stdout
    lon, lat = TO_WGS84.transform(X0 + 200, Y0 + 105)  # 5 m off r0
    by_point = run_cli("case", "place", "C2", "--db", db, "--by", "李四",
                       f"--lon={lon:.7f}", f"--lat={lat:.7f}")  # fmt: skip
    assert by_point.returncode == 0, by_point.stderr
    rows = {r["case_id"]: r for r in listed(db)}
    assert (rows["C2"]["segment_id"], rows["C2"]["zone_id"], rows["C2"]["reason"]) == (
        "r0",
        "A",
        "",
    )
    assert rows["C3"]["segment_id"] == "r1" and rows["C3"]["reason"] == ""
    assert listed(db, "--status", "unplaced") == []
    engine = make_engine(db)
    try:
        with read_session(engine) as session:
            placed = [e for e in audit_log(session) if e.action == "case.place"]
    finally:
        engine.dispose()
    assert {(e.actor, e.target) for e in placed} == {("李四", "case:C2"), ("李四", "case:C3")}
    assert all(e.details["from"].startswith("unplaced: ") for e in placed)


def test_a_bad_cases_file_changes_nothing_and_names_every_bad_row(
    db_url: str, tmp_path: Path
) -> None:
    db = city_db(db_url, tmp_path)
    run_cli("case", "import", "--db", db, cases_file(tmp_path, case_line("C1", 200, 105)))
    before = table_counts(db)
    bad = cases_file(
        tmp_path,
        case_line("C2", 200, 105),
        case_line("C3", 200, 105, category="X99"),
        case_line("C4", 200, 105, when="yesterday"),
        case_line("C1", 300, 105),
        name="bad.csv",
    )
    done = run_cli("case", "import", "--db", db, bad)
    assert done.returncode == 1
    assert "bad.csv row 3: column category: 'X99' is not in" in done.stderr
    assert "bad.csv row 4: column reported_at: 'yesterday' is not a time" in done.stderr
    assert table_counts(db) == before
    reused = cases_file(tmp_path, case_line("C5", 200, 105), case_line("C1", 300, 105),
                        name="reused.csv")  # fmt: skip
    done = run_cli("case", "import", "--db", db, reused)
    assert done.returncode == 1
    assert "reused.csv row 3: column case_id: 'C1' is already stored" in done.stderr
    assert table_counts(db) == before


def test_a_file_of_changes_is_recorded_all_or_nothing(db_url: str, tmp_path: Path) -> None:
    db = city_db(db_url, tmp_path)
    run_cli("case", "import", "--db", db,
            cases_file(tmp_path, case_line("C1", 200, 105), case_line("C2", 300, 105)))  # fmt: skip
    changes = tmp_path / "changes.csv"
    changes.write_text(
        "case_id,to,by,at,note,unit,deadline\n"
        "C1,filed,李四,2026-11-02T09:30,,,\n"
        "C1,dispatched,李四,2026-11-02T09:40,,环卫所,\n"
        "C2,handled,李四,2026-11-02T09:40,,,\n"
        "C9,filed,李四,2026-11-02T09:40,,,\n",
        encoding="utf-8",
    )
    before = table_counts(db)
    done = run_cli("case", "apply", "--db", db, changes)
    assert done.returncode == 1
    assert "changes.csv row 4: case C2: cannot go from reported" in done.stderr
    assert "changes.csv row 5: no case 'C9' is stored" in done.stderr
    assert table_counts(db) == before
    lines = changes.read_text("utf-8").splitlines()
    changes.write_text("\n".join(lines[:3]) + "\n", encoding="utf-8")
    done = run_cli("case", "apply", "--db", db, changes)
    assert done.returncode == 0, done.stderr
    assert "2 changes recorded" in done.stdout
    c1 = next(r for r in listed(db) if r["case_id"] == "C1")
    assert (c1["state"], c1["unit"]) == ("dispatched", "环卫所")


def test_units_route_the_cases_and_the_ledger_lists_them(db_url: str, tmp_path: Path) -> None:
    db = city_db(db_url, tmp_path)
    run_cli("case", "import", "--db", db, cases_file(tmp_path, case_line("C1", 200, 105)))
    bad = tmp_path / "bad_units.csv"
    bad.write_text("unit_id,name,kind,zones\nHW,环卫所,sanitation,Q\nX,某所,nothing,\n", "utf-8")
    before = table_counts(db)
    done = run_cli("import", "--db", db, "units", bad)
    assert done.returncode == 1
    assert "bad_units.csv row 2: column zones: zone 'Q' is not in the zones layer" in done.stderr
    assert "bad_units.csv row 3: column kind: 'nothing' is not one of" in done.stderr
    assert table_counts(db) == before
    units = tmp_path / "units.csv"
    units.write_text("unit_id,name,kind,categories,zones\nHW,环卫所,sanitation,E01,A\n", "utf-8")
    done = run_cli("import", "--db", db, "units", units)
    assert done.returncode == 0, done.stderr
    assert "cases routed again: 1 to a unit" in done.stdout
    assert listed(db)[0]["unit"] == "HW"
    done = run_cli("ledger", "--db", db, "--at", "2026-11-03", "--out", tmp_path / "ledger")
    assert done.returncode == 0, done.stderr
    assert "open 1, overdue 1" in done.stdout
    page = (tmp_path / "ledger" / "ledger.html").read_text("utf-8")
    assert "超期案件 (1)" in page and "C1" in page and "E0101 暴露垃圾" in page
    assert (tmp_path / "ledger" / "ledger.xlsx").stat().st_size > 0
    assert "C1" in (tmp_path / "ledger" / "digests" / "HW.html").read_text("utf-8")

    before = table_counts(db)
    for bad, says in (
        (["--level", "county"], "--level 'county': use one of district, city"),
        (["--level", "city", "--deadline", "2026-11-02T08:00"], "must come after the flag"),
        (["C9", "--level", "city"], "no case 'C9' is stored"),
    ):
        args = bad if bad[0] == "C9" else ["C1", *bad]
        args += [] if "--deadline" in args else ["--deadline", "2026-11-10"]
        done = run_cli("case", "flag", *args, "--by", "督查科", "--at", "2026-11-03T09:00",
                       "--db", db)  # fmt: skip
        assert done.returncode == 1 and says in done.stderr, done.stderr
    assert table_counts(db) == before
    done = run_cli("case", "flag", "C1", "--level", "city", "--deadline", "2026-11-10",
                   "--by", "督查科", "--at", "2026-11-03T09:00", "--db", db)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "flagged city (挂牌督办)" in done.stdout
    assert [r["case_id"] for r in listed(db, "--status", "flagged", "--at", "2026-11-04")] == ["C1"]
    assert listed(db, "--status", "flagged", "--at", "2026-11-02") == []
