"""The demo city through the database: the city and instance rebuilt from the database
equal those ingested from the files, on SQLite and on PostgreSQL + PostGIS."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from geopandas.testing import assert_geodataframe_equal
from store_db import BACKENDS, fresh_database

from conftest import DEMO
from roadchief.app.files import CityFiles, WeekFiles, read_week_inputs
from roadchief.app.imports import ImportItem, import_files
from roadchief.app.inputs import WeekInputs
from roadchief.domain import Week
from roadchief.store.db import make_engine, read_session
from roadchief.store.migrate import upgrade
from roadchief.store.snapshots import latest_snapshot_id, load_snapshot

pytestmark = pytest.mark.slow  # the demo city through both databases

WEEK = Week.parse("2026-W49")


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    yield from fresh_database(request.param, tmp_path)


def test_the_demo_city_from_the_database_equals_the_files(db_url: str, tmp_path: Path) -> None:
    files = {
        "zones": DEMO / "zones_cdd_neighborhoods.geojson",
        "roads": DEMO / "streets_centerlines.geojson",
        "chiefs": DEMO / "chiefs.csv",
        "rules": DEMO / "rules.toml",
    }
    inputs = read_week_inputs(CityFiles(**files), WeekFiles(), WEEK)
    city, instance = inputs.city, inputs.instance()
    engine = make_engine(db_url)
    try:
        upgrade(engine)
        import_files(engine, [ImportItem(k, p) for k, p in files.items()])
        with read_session(engine) as session:
            stored = load_snapshot(session, latest_snapshot_id(session))
    finally:
        engine.dispose()
    assert WeekInputs(WEEK, stored.rules, stored.city, stored.chiefs).instance() == instance
    for name in ("zones_gdf", "segments_gdf", "unplaced_gdf"):
        assert_geodataframe_equal(
            getattr(stored.city, name), getattr(city, name), check_less_precise=False
        )
    assert stored.city.report == city.report
    assert stored.rules.source == str(files["rules"])
