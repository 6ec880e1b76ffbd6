"""The database: migrations, transactional and idempotent imports, stable segment ids,
plan / export from the database equal to plan on files, history, two planners at once.

Every test runs on SQLite and on PostgreSQL + PostGIS (see store_db)."""

from __future__ import annotations

import filecmp
import json
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection, Engine, select, text
from sqlalchemy.orm import Session
from store_db import BACKENDS, fresh_database, table_counts

from conftest import run_cli
from geo_builders import small_city_files
from roadchief.app import on_database
from roadchief.app.imports import ImportItem, import_files
from roadchief.app.settings import PlanSettings
from roadchief.app.summary import RunSummary
from roadchief.domain import Roster, SolveStats, Unavailability, Week
from roadchief.errors import InputError
from roadchief.solve.settings import SolverSettings
from roadchief.store.db import make_engine
from roadchief.store.migrate import SchemaError, current_revision, head_revision, upgrade
from roadchief.store.models import Base, ChiefRow, PlanWeek, Run, RunAssignment, RunPart
from roadchief.store.rows import chiefs_from_rows, roster_from_rows, roster_to_rows
from roadchief.store.runs import PlanConflictError

WEEK = "2026-W49"
BYTE_EQUAL = (
    "roster.csv",
    "ownership.csv",
    "ownership_chiefs.csv",
    "roads.csv",
    "unplaced.geojson",
)
"""Files of a run folder that are equal byte for byte between runs of the same plan."""
TIMING = {"wall_s", "stages_s", "outputs_s"}


def export_equals(
    db_url: str, on_files: Path, from_db: Path, tmp_path: Path
) -> tuple[list[Path], list[dict[str, Any]]]:
    """Export the week stored in ``db_url`` and check that the run on files, the run from the
    database and the export have byte-equal BYTE_EQUAL files; the three folders and their
    summaries."""
    export = run_cli("export", "--db", db_url, "--week", WEEK, "--out", tmp_path / "export")
    assert export.returncode == 0, export.stderr
    runs = [on_files, from_db, tmp_path / "export"]
    for name in BYTE_EQUAL:
        assert filecmp.cmp(runs[0] / name, runs[1] / name, shallow=False), name
        assert filecmp.cmp(runs[1] / name, runs[2] / name, shallow=False), name
    return runs, [json.loads((r / "summary.json").read_text("utf-8")) for r in runs]


def plan_db(engine: Engine, week: str, out: Path, **solver: Any) -> RunSummary:
    """Plan ``week`` from the database with the given solver settings."""
    settings = PlanSettings(SolverSettings(**solver))
    return on_database.plan_db(engine, Week.parse(week), out, settings)


_ENGINES: list[Engine] = []


def open_engine(url: str) -> Engine:
    """An engine disposed of after the test (open connections would warn)."""
    _ENGINES.append(make_engine(url))
    return _ENGINES[-1]


@pytest.fixture(autouse=True)
def _dispose_engines() -> Iterator[None]:
    yield
    while _ENGINES:
        _ENGINES.pop().dispose()


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh database on SQLite and on PostgreSQL + PostGIS."""
    yield from fresh_database(request.param, tmp_path)


def without_timing(summary: dict[str, Any]) -> dict[str, Any]:
    """summary.json minus what measures time or names the output folder: the part of
    "equal" that two runs of one plan share."""
    out = {k: v for k, v in summary.items() if k not in TIMING}
    out["parts"] = {
        z: {k: v for k, v in p.items() if k != "wall_s"} for z, p in out["parts"].items()
    }
    out["ownership"] = {k: v for k, v in out["ownership"].items() if k != "wall_s"}
    out["inputs"] = {k: v for k, v in out["inputs"].items() if k not in ("out", "previous")}
    return out


def imported(url: str, files: dict[str, Path]) -> None:
    engine = open_engine(url)
    upgrade(engine)
    import_files(engine, [ImportItem(k, p) for k, p in files.items()])


def test_migrations_from_empty_reach_the_models(db_url: str) -> None:
    engine = open_engine(db_url)
    with pytest.raises(SchemaError, match="roadchief init"):
        on_database.history(engine)
    assert upgrade(engine) == (None, head_revision())
    if engine.dialect.name == "sqlite":  # PostGIS adds GiST indexes the models do not list
        with engine.connect() as conn:
            assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
    assert upgrade(engine) == (head_revision(), head_revision())


def test_a_parts_walk_repair_and_clock_are_stored_with_it() -> None:
    week = Week.parse("2026-W49")
    stats = SolveStats("FEASIBLE", 10.0, 8.0, 1.5, 3, True, 2, 3, 4, 5, "segments")
    rows = roster_to_rows(Roster(week, (), {"A": stats}), run_id=1)
    parts = [r for r in rows if isinstance(r, RunPart)]
    assert roster_from_rows(week, [], parts).parts == {"A": stats}


def insert_input_file(conn: Connection, kind: str, name: str) -> None:
    """A row of an imported file, written with SQL as an older schema holds it."""
    conn.execute(
        text(
            "INSERT INTO input_file (kind, version, name, sha256, size_bytes, content, "
            "options, imported_at) VALUES (:k, 1, :n, 'x', 1, :c, '{}', :t)"
        ),
        {"k": kind, "n": name, "c": b"#", "t": "2026-01-01T00:00:00+00:00"},
    )


def test_upgrade_from_the_previous_schema_keeps_the_data(db_url: str, tmp_path: Path) -> None:
    engine = open_engine(db_url)
    upgrade(engine, "0001")
    with engine.begin() as conn:
        insert_input_file(conn, "rules", "old.toml")
    with pytest.raises(SchemaError, match="roadchief db upgrade"):
        on_database.history(engine)
    result = run_cli("db", "upgrade", "--db", db_url)
    assert result.returncode == 0, result.stderr
    assert "from 0001 to" in result.stdout
    assert current_revision(engine) == head_revision()
    with engine.connect() as conn:
        names = conn.execute(text("SELECT kind, name FROM input_file ORDER BY id")).all()
        assert [tuple(n) for n in names] == [("rules", "old.toml"), ("web", "web reports")]
    assert on_database.history(engine) == []


def test_upgrade_adds_preferences_to_stored_chiefs(db_url: str) -> None:
    engine = open_engine(db_url)
    upgrade(engine, "0002")
    with engine.begin() as conn:
        insert_input_file(conn, "chiefs", "c.csv")
        conn.execute(
            text(
                "INSERT INTO chief_set (key, chiefs_file_id, created_at) "
                "VALUES ('k', (SELECT id FROM input_file), :t)"
            ),
            {"t": "2026-01-01T00:00:00+00:00"},
        )
        conn.execute(
            text(
                "INSERT INTO chief (chief_set_id, position, chief_id, name, zone_id, level, "
                "max_patrols_per_week, unavailable, phone, supervisor_id) VALUES ((SELECT id "
                "FROM chief_set), 0, 'C1', '王伟', 'A', 'segment', 5, :u, '', '')"
            ),
            {"u": '{"dates": [], "weekdays": [6], "half_days": []}'},
        )
    assert upgrade(engine) == ("0002", head_revision())
    with Session(engine) as session:
        (chief,) = chiefs_from_rows(session.scalars(select(ChiefRow)))
    assert chief.name == "王伟" and chief.unavailable.weekdays == {6}
    assert chief.avoid == Unavailability()


def test_reimporting_the_same_files_changes_nothing(db_url: str, tmp_path: Path) -> None:
    files = small_city_files(tmp_path)
    imported(db_url, files)
    before = table_counts(db_url)
    result = run_cli("import", "--db", db_url, *[str(x) for kv in files.items() for x in kv])
    assert result.returncode == 0, result.stderr
    assert "nothing changed" in result.stdout
    assert table_counts(db_url) == before


def test_a_failed_import_leaves_the_database_unchanged(db_url: str, tmp_path: Path) -> None:
    files = small_city_files(tmp_path / "good")
    imported(db_url, files)
    before = table_counts(db_url)
    bad_chiefs = tmp_path / "chiefs.csv"
    bad_chiefs.write_text(
        "chief_id,name,zone_id,level,max_patrols_per_week,unavailable\nX1,某,Q,segment,,\n",
        encoding="utf-8",
    )
    edited = small_city_files(tmp_path / "edited", edit=True)
    # a good roads file and a bad chiefs file in one command: neither is stored
    result = run_cli("import", "--db", db_url, "roads", edited["roads"], "chiefs", bad_chiefs)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "zone_id 'Q'" in result.stderr
    assert table_counts(db_url) == before
    with pytest.raises(InputError, match="chiefs are checked against the zones"):
        fresh = open_engine(f"sqlite:///{tmp_path / 'fresh.db'}")
        upgrade(fresh)
        import_files(fresh, [ImportItem("chiefs", files["chiefs"])])


def test_an_import_killed_midway_leaves_the_database_unchanged(db_url: str, tmp_path: Path) -> None:
    imported(db_url, small_city_files(tmp_path / "good"))
    before = table_counts(db_url)
    edited = small_city_files(tmp_path / "edited", edit=True)
    held = (
        "import sys, time\n"
        "from pathlib import Path\n"
        "from roadchief.app.imports import ImportItem, import_files\n"
        "from roadchief.store.db import make_engine\n"
        "def hold(progress):\n"
        "    print('transaction open, holding', file=sys.stderr, flush=True)\n"
        "    time.sleep(60)\n"
        "import_files(make_engine(sys.argv[1]), [ImportItem('roads', Path(sys.argv[2]))],\n"
        "             before_commit=hold)\n"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", held, db_url, str(edited["roads"])],
        stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True,
    )  # fmt: skip
    assert proc.stderr is not None
    for line in proc.stderr:  # the rows are written, the transaction is open
        if "holding" in line:
            break
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    proc.stderr.close()
    assert table_counts(db_url) == before
    result = run_cli("import", "--db", db_url, "roads", edited["roads"])
    assert result.returncode == 0, result.stderr


def test_an_edited_road_file_keeps_ids_and_reports_the_changes(db_url: str, tmp_path: Path) -> None:
    imported(db_url, small_city_files(tmp_path / "v1"))
    edited = small_city_files(tmp_path / "v2", edit=True)
    engine = open_engine(db_url)
    result = import_files(engine, [ImportItem("roads", edited["roads"])])
    changes = result.changes
    assert changes is not None
    assert (changes.added, changes.changed, changes.removed) == (["r99"], ["r0"], ["r1"])
    assert changes.unchanged == 25 - 2
    assert [f.version for f in result.files] == [2]
    out = run_cli("import", "--db", db_url, "roads", small_city_files(tmp_path / "v3")["roads"])
    assert "1 added, 1 changed, 1 removed, 23 unchanged" in out.stdout, out.stderr


@pytest.mark.slow
def test_plan_and_export_from_the_database_equal_plan_on_files(db_url: str, tmp_path: Path) -> None:
    files = small_city_files(tmp_path / "in")
    opts = ["--week", WEEK, "--time-limit", "10", "--workers", "1"]
    on_files = run_cli(
        "plan", "--zones", files["zones"], "--roads", files["roads"], "--chiefs",
        files["chiefs"], "--out", tmp_path / "files", *opts,
    )  # fmt: skip
    assert on_files.returncode == 0, on_files.stderr
    assert run_cli("init", "--db", db_url).returncode == 0
    args = [str(x) for kv in files.items() for x in kv]
    assert run_cli("import", "--db", db_url, *args).returncode == 0
    from_db = run_cli("plan", "--db", db_url, "--out", tmp_path / "db", *opts)
    assert from_db.returncode == 0, from_db.stderr
    runs, summaries = export_equals(db_url, tmp_path / "files", tmp_path / "db", tmp_path)
    assert without_timing(summaries[0]) == without_timing(summaries[1])
    assert summaries[1] == summaries[2]  # the export writes the stored summary
    for r in runs[1:]:
        names = sorted(str(p.relative_to(r)) for p in r.rglob("*"))
        assert names == sorted(str(p.relative_to(runs[0])) for p in runs[0].rglob("*"))
    history = run_cli("history", "--db", db_url, "--json", "--chief", "A1")
    rows = [json.loads(line) for line in history.stdout.splitlines() if line.strip()]
    assert history.returncode == 0 and len(rows) == 1
    assert rows[0]["week"] == WEEK and rows[0]["patrols"] > 0


def test_next_week_continues_from_last_weeks_owners(db_url: str, tmp_path: Path) -> None:
    imported(db_url, small_city_files(tmp_path / "in"))
    engine = open_engine(db_url)
    first = plan_db(engine, WEEK, tmp_path / "w49", time_limit_s=5, workers=1)
    second = plan_db(engine, "2026-W50", tmp_path / "w50", time_limit_s=5, workers=1)
    assert first.inputs["previous"] is None
    assert second.inputs["previous"].endswith(f"({WEEK})")
    owned = json.loads((tmp_path / "w50" / "ownership.json").read_text("utf-8"))
    assert owned["moved"] == 0
    assert [r["week"] for r in on_database.history(engine)] == [WEEK, "2026-W50"]


def test_two_planners_on_one_week_leave_one_whole_roster(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    imported(db_url, small_city_files(tmp_path / "in"))
    engine = open_engine(db_url)
    both_solved = threading.Barrier(2, timeout=120)
    store = on_database.save_run

    def store_after_both_solved(*args: Any, **kw: Any) -> int:
        both_solved.wait()  # both read the week before either stores: a real race
        return store(*args, **kw)

    monkeypatch.setattr(on_database, "save_run", store_after_both_solved)
    outcomes: dict[str, Any] = {}

    def plan(name: str, seed: int) -> None:
        try:
            outcomes[name] = plan_db(
                engine, WEEK, tmp_path / name, time_limit_s=5, workers=1, seed=seed
            )
        except PlanConflictError as exc:
            outcomes[name] = exc

    threads = [threading.Thread(target=plan, args=(n, s)) for n, s in (("p1", 1), ("p2", 2))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    errors = [k for k, v in outcomes.items() if isinstance(v, PlanConflictError)]
    assert len(errors) == 1, outcomes
    assert "planned and stored by someone else" in str(outcomes[errors[0]])
    winner = next(k for k in outcomes if k not in errors)
    assert not (tmp_path / errors[0]).exists()  # the loser leaves no run folder
    with engine.connect() as conn:
        runs = conn.execute(select(Run.id)).scalars().all()
        pw = conn.execute(select(PlanWeek)).one()
        planned = (
            conn.execute(select(RunAssignment.id).where(RunAssignment.run_id == pw.current_run_id))
            .scalars()
            .all()
        )
    assert runs == [pw.current_run_id]
    with (tmp_path / winner / "roster.csv").open(encoding="utf-8-sig") as fh:
        assert len(planned) == len(fh.readlines()) - 1  # the winner's roster, whole


@pytest.mark.slow
def test_replan_in_the_database_equals_replan_on_files(db_url: str, tmp_path: Path) -> None:
    files = small_city_files(tmp_path / "in")
    opts = ["--time-limit", "3", "--workers", "1", "--deterministic"]
    on_files = run_cli(
        "plan", *[str(x) for k, p in files.items() for x in (f"--{k}", p)], "--week", WEEK,
        "--out", tmp_path / "files", *opts,
    )  # fmt: skip
    assert on_files.returncode == 0, on_files.stderr
    args = [str(x) for kv in files.items() for x in kv]
    assert run_cli("init", "--db", db_url).returncode == 0
    assert run_cli("import", "--db", db_url, *args).returncode == 0
    planned = run_cli("plan", "--db", db_url, "--week", WEEK, "--out", tmp_path / "db", *opts)
    assert planned.returncode == 0, planned.stderr
    away = ["--absent", "A2", "--from", "2026-12-03"]
    re_files = run_cli(
        "replan", "--roster", tmp_path / "files", *away, "--out", tmp_path / "re_files", *opts
    )
    assert re_files.returncode == 0, re_files.stderr
    re_db = run_cli(
        "replan", "--db", db_url, "--week", WEEK, *away, "--out", tmp_path / "re_db", *opts
    )
    assert re_db.returncode == 0, re_db.stderr
    assert "自 2026-12-03 起重排" in re_db.stdout
    runs, summaries = export_equals(db_url, tmp_path / "re_files", tmp_path / "re_db", tmp_path)
    for name in ("explain.md", "report.html"):  # rebuilt with the re-plan's rules
        assert (runs[1] / name).read_bytes() == (runs[2] / name).read_bytes(), name
    changes = [s["replan"]["changes"] for s in summaries]
    assert changes[0] == changes[1] and changes[0]["before_start_changed"] == 0
    assert summaries[1]["replan"]["run"].startswith("database: run ")
    assert summaries[1] == summaries[2]
    history = run_cli("history", "--db", db_url, "--json")
    rows = [json.loads(line) for line in history.stdout.splitlines() if line.strip()]
    assert [r["week"] for r in rows] == [WEEK]


def test_next_week_from_the_database_continues_last_weeks_roster(
    db_url: str, tmp_path: Path
) -> None:
    imported(db_url, small_city_files(tmp_path / "in"))
    engine = open_engine(db_url)
    kw: dict[str, Any] = {"time_limit_s": 3, "workers": 1, "deterministic": True}
    plan_db(engine, WEEK, tmp_path / "w49", **kw)
    preview = run_cli("assign", "--db", db_url, "--week", "2026-W50", "--out", tmp_path / "owners")
    assert preview.returncode == 0, preview.stderr
    second = plan_db(engine, "2026-W50", tmp_path / "w50", **kw)
    assert second.inputs["previous_run"].endswith(f"({WEEK})")
    # assign --db shows the owners the plan then uses
    for name in ("ownership.csv", "ownership_chiefs.csv", "roads.csv"):
        assert filecmp.cmp(tmp_path / "owners" / name, tmp_path / "w50" / name, shallow=False)
    owned = json.loads((tmp_path / "owners" / "ownership.json").read_text("utf-8"))
    assert owned["previous"].endswith(f"({WEEK})") and owned["moved"] == 0
    export = on_database.export_db(engine, Week.parse("2026-W50"), tmp_path / "export")
    assert export.to_json() == json.loads((tmp_path / "w50" / "summary.json").read_text("utf-8"))
    for name in ("explain.md", *BYTE_EQUAL):  # continuity is scored the same on export
        assert filecmp.cmp(tmp_path / "w50" / name, tmp_path / "export" / name, shallow=False)
