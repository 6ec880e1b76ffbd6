"""``roadchief case export``: the cases ``case list`` shows, in the formats ``case import``
reads (CSV, GeoJSON, Open311 GeoReport v2), round-tripped through a second database.
SQLite and PostgreSQL + PostGIS (see store_db)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from pyproj import Transformer
from sqlalchemy import Engine
from store_db import BACKENDS, fresh_database

from conftest import run_cli
from geo_builders import CRS_M, X0, Y0, small_city_files
from roadchief.app.cases import Change, export_cases, import_cases, list_cases, update_cases
from roadchief.app.imports import ImportItem, import_files
from roadchief.errors import InputError
from roadchief.store.db import make_engine
from roadchief.store.migrate import upgrade

TO_WGS84 = Transformer.from_crs(CRS_M, 4326, always_xy=True)
AT = "2026-11-04T12:00"


def city(url: str, tmp_path: Path) -> Engine:
    engine = make_engine(url)
    upgrade(engine)
    files = small_city_files(tmp_path / "city")
    import_files(engine, [ImportItem(kind, path) for kind, path in files.items()])
    return engine


@pytest.fixture(params=BACKENDS)
def two(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Engine, Engine, str]]:
    """Two fresh databases on one backend, the small city in each; the first one's URL."""
    for url in fresh_database(request.param, tmp_path / "one"):
        for url2 in fresh_database(request.param, tmp_path / "two"):
            (tmp_path / "one").mkdir(exist_ok=True)
            (tmp_path / "two").mkdir(exist_ok=True)
            a, b = city(url, tmp_path / "one"), city(url2, tmp_path / "two")
            yield a, b, url
            a.dispose()
            b.dispose()


def cases_csv(tmp_path: Path) -> Path:
    lon, lat = TO_WGS84.transform(X0 + 200, Y0 + 105)
    lon2, lat2 = TO_WGS84.transform(X0 + 105, Y0 + 480)
    path = tmp_path / "cases.csv"
    path.write_text(
        "case_id,source,reported_at,category,description,lon,lat,address,photos,reporter,"
        "urgency,area_class\n"
        f"K1,app,2026-11-02T09:30,E0101,路口垃圾堆放,{lon:.6f},{lat:.6f},东0路1号,a.jpg;b.jpg,"
        "13800000000,A,1\n"
        f"K2,hotline,2026-11-02T10:00,占道经营,水果摊占道,{lon2:.6f},{lat2:.6f},,,,C,\n"
        "K3,patrol,2026-11-03T08:00,E0101,无位置,,,南0街,,,B,\n",
        encoding="utf-8",
    )
    return path


def test_exported_cases_import_again_as_they_were(
    two: tuple[Engine, Engine, str], tmp_path: Path
) -> None:
    one, other, url = two
    import_cases(one, cases_csv(tmp_path))
    update_cases(one, [Change("K2", "rejected", "坐席", "2026-11-02T11:00", "不属实")])
    out = tmp_path / "out"
    out.mkdir()
    done = run_cli("case", "export", out / "all.csv", "--at", AT, "--db", url)
    assert done.returncode == 0, done.stderr
    assert "3 cases to" in done.stdout and "(CSV)" in done.stdout
    text = (out / "all.csv").read_text("utf-8-sig")
    assert "13800000000" not in text  # the reporter is private
    assert "路口垃圾堆放" in text and "a.jpg;b.jpg" in text
    assert export_cases(one, out / "open.geojson", AT, status="open") == 2
    assert export_cases(one, out / "all.json", AT) == 3
    assert export_cases(one, out / "private.csv", AT, private=True) == 3
    assert "13800000000" in (out / "private.csv").read_text("utf-8-sig")

    import_cases(other, out / "private.csv")
    back = tmp_path / "back"
    back.mkdir()
    export_cases(other, back / "private.csv", AT, private=True)
    export_cases(other, back / "all.geojson", AT)
    assert (back / "private.csv").read_bytes() == (out / "private.csv").read_bytes()
    export_cases(one, out / "all.geojson", AT)
    assert (back / "all.geojson").read_bytes() == (out / "all.geojson").read_bytes()
    assert "K2" not in (out / "open.geojson").read_text("utf-8")  # rejected: not open
    rows = {r.case_id: (r.segment_id, r.zone_id, r.reason) for r in list_cases(other, AT)}
    assert rows == {r.case_id: (r.segment_id, r.zone_id, r.reason) for r in list_cases(one, AT)}

    requests = {r["service_request_id"]: r for r in json.loads((out / "all.json").read_text())}
    assert requests["K2"]["status"] == "closed" and requests["K1"]["status"] == "open"
    assert requests["K1"]["service_name"] == "暴露垃圾"
    assert requests["K1"]["requested_datetime"].startswith("2026-11-02T09:30:00")
    with pytest.raises(InputError, match="K1"):
        import_cases(other, out / "all.json")  # already stored: refused, named
    with pytest.raises(InputError, match=r"end it in \.csv"):
        export_cases(one, out / "cases.xlsx", AT)
