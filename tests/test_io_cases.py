"""Reading and writing case files: CSV, GeoJSON, Open311; every bad row named."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from roadchief.config import load_rules
from roadchief.errors import InputError
from roadchief.io.cases import CaseReader, write_cases_csv, write_cases_geojson, write_open311
from roadchief.loop.cases import CaseSource, open_case


@pytest.fixture(scope="module")
def reader() -> CaseReader:
    return CaseReader(load_rules().loop.taxonomy, "Asia/Shanghai")


GOOD_CSV = """case_id,source,reported_at,category,description,lon,lat,address,photos,reporter,urgency
K1,app,2026-10-12T09:30,E0101,路口垃圾堆放,121.4737,31.2304,南京东路1号,a.jpg;b.jpg,13800000000,A
K2,patrol,2026-10-12 10:00,占道经营,水果摊占道,121.4740,31.2310,,,,
K3,hotline,2026-10-12T02:00:00+00:00,Flooded road,积水,,,人民广场,,,C
"""


def test_csv_with_chinese_names_and_offsets(tmp_path: Path, reader: CaseReader) -> None:
    path = tmp_path / "cases.csv"
    path.write_text(GOOD_CSV, "utf-8-sig")
    cases = reader.read(path)
    assert [c.case_id for c in cases] == ["K1", "K2", "K3"]
    k1, k2, k3 = cases
    assert (k1.category, k1.photos, k1.urgency, k1.reporter) == (
        "E0101",
        ("a.jpg", "b.jpg"),
        "A",
        "13800000000",
    )
    assert k2.category == "E0501" and k2.source is CaseSource.PATROL and k2.urgency == "B"
    assert k3.category == "E0401" and k3.lon is None
    assert k3.reported_at == dt.datetime(2026, 10, 12, 10, 0)


def test_a_bad_csv_lists_every_bad_row(tmp_path: Path, reader: CaseReader) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(
        "case_id,source,reported_at,category,lon,lat,urgency\n"
        "K1,app,yesterday,E0101,121.4,31.2,B\n"
        "K2,fax,2026-10-12T09:00,E0101,121.4,,B\n"
        "K3,app,2026-10-12T09:00,垃圾山,121.4,31.2,Z\n"
        "K4,app,2026-10-12T09:00,E0101,200,31.2,B\n"
        "K4,app,2026-10-12T09:00,E0101,121.4,31.2,B\n"
        "K4,app,2026-10-12T09:00,E0101,121.4,31.2,B\n"
        ",app,,E0101,,,\n",
        "utf-8",
    )
    with pytest.raises(InputError) as err:
        reader.read(path)
    text = str(err.value)
    for expected in (
        "row 2: column reported_at: 'yesterday' is not a time",
        "row 3: column source: 'fax' is not a source",
        "row 3: column lon/lat",
        "row 4: column category: '垃圾山'",
        "row 4: column urgency",
        "row 5: column lon/lat",
        "row 7: column case_id: 'K4' is already used at row 6",
        "row 8: column case_id: is empty",
        "row 8: column reported_at: is empty",
    ):
        assert f"{path} {expected}" in text, expected
    assert len(err.value.problems) == 9


def test_missing_columns_and_empty_files(tmp_path: Path, reader: CaseReader) -> None:
    path = tmp_path / "cases.csv"
    path.write_text("id,when\n1,2\n", "utf-8")
    with pytest.raises(InputError, match="missing column"):
        reader.read(path)
    path.write_text("case_id,reported_at,category\n", "utf-8")
    with pytest.raises(InputError, match="holds no cases"):
        reader.read(path)
    path.write_bytes(b"case_id,reported_at,category\n\xff\xfe,1,2\n")
    with pytest.raises(InputError, match="line 2 is not UTF-8"):
        reader.read(path)
    with pytest.raises(InputError, match="cannot read"):
        reader.read(tmp_path / "nothing.csv")


def test_geojson_round_trip_leaves_the_reporter_out(tmp_path: Path, reader: CaseReader) -> None:
    src = tmp_path / "cases.csv"
    src.write_text(GOOD_CSV, "utf-8")
    cases = reader.read(src)
    out = tmp_path / "cases.geojson"
    write_cases_geojson(cases, out)
    back = reader.read(out)
    assert [(c.case_id, c.category, c.lon, c.reported_at) for c in back] == [
        (c.case_id, c.category, None if c.lon is None else round(c.lon, 6), c.reported_at)
        for c in cases
    ]
    assert all(c.reporter == "" for c in back)
    assert "13800000000" not in out.read_text("utf-8")
    csv_out = tmp_path / "again.csv"
    write_cases_csv(cases, csv_out, private=True)
    assert reader.read(csv_out)[0].reporter == "13800000000"
    assert csv_out.read_bytes().startswith(b"\xef\xbb\xbf")


def test_geojson_refuses_lines_and_other_crs(tmp_path: Path, reader: CaseReader) -> None:
    doc = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "LineString", "coordinates": [[0, 0], [1, 1]]},
                "properties": {
                    "case_id": "L1",
                    "reported_at": "2026-10-12T09:00",
                    "category": "E0101",
                },
            }
        ],
    }
    path = tmp_path / "lines.geojson"
    path.write_text(json.dumps(doc), "utf-8")
    with pytest.raises(InputError, match="feature 1: column lon/lat: \\('a LineString'"):
        reader.read(path)
    doc["crs"] = {"type": "name", "properties": {"name": "EPSG:3857"}}
    path.write_text(json.dumps(doc), "utf-8")
    with pytest.raises(InputError, match="not WGS-84"):
        reader.read(path)


def test_open311_in_and_out(tmp_path: Path, reader: CaseReader) -> None:
    requests = [
        {
            "service_request_id": "638344",
            "status": "open",
            "service_name": "Exposed garbage",
            "service_code": "E0101",
            "description": "Bags on the corner",
            "requested_datetime": "2026-10-12T09:15:00-04:00",
            "address": "8 Main St",
            "lat": 42.3626,
            "long": -71.0843,
            "media_url": "https://example.org/p.jpg",
        },
        {"service_request_id": "638345", "service_name": "Pothole", "requested_datetime": "x"},
    ]
    path = tmp_path / "requests.json"
    path.write_text(json.dumps({"service_requests": requests[:1]}), "utf-8")
    (case,) = reader.read(path)
    assert case.source is CaseSource.APP and case.photos == ("https://example.org/p.jpg",)
    assert case.reported_at == dt.datetime(2026, 10, 12, 21, 15)
    path.write_text(json.dumps(requests), "utf-8")
    with pytest.raises(InputError) as err:
        reader.read(path)
    assert "request 2: column reported_at" in str(err.value)
    assert "request 2: column category: 'Pothole'" in str(err.value)
    rec = open_case(case, "市民").advance("rejected", "坐席", case.reported_at)
    out = tmp_path / "out.json"
    tax = load_rules().loop.taxonomy
    write_open311([rec], tax, "Asia/Shanghai", out)
    (back,) = json.loads(out.read_text("utf-8"))
    assert back["status"] == "closed" and back["service_name"] == "暴露垃圾"
    assert back["requested_datetime"] == "2026-10-12T21:15:00+08:00"
    assert reader.read(out)[0].reported_at == case.reported_at
