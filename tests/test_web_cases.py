"""The closed loop on the web, against a real server on SQLite and PostgreSQL + PostGIS: a
citizen's report (placed, routed, with a receipt, followed without personal data; an
unplaced one kept), a chief's report on their segment, and one case through file,
dispatch, the unit's fix, a failed and a passed recheck, each move by the role the table
allows, with who and when in the audit log."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest
from PIL import Image
from store_db import BACKENDS, fresh_database, table_counts
from web_server import Site, build_site, chief_points, client, serving, token_for

from roadchief.loop.states import TRANSITIONS, CaseState
from roadchief.store.accounts import audit_log
from roadchief.store.db import make_engine, read_session
from roadchief.store.snapshots import latest_snapshot_id, load_snapshot
from roadchief.web.access import MOVES


@dataclass
class World:
    site: Site
    points: dict[str, tuple[float, float]]
    """Chief id -> (lat, lon) of the middle of one of their segments."""
    far: tuple[float, float]
    """A point far from every street."""


@pytest.fixture(scope="module", params=BACKENDS)
def world(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    folder = tmp_path_factory.mktemp("web_cases")
    for url in fresh_database(request.param, folder):
        site = build_site(url, folder)
        points = chief_points(url)
        engine = make_engine(url)
        try:
            with read_session(engine) as session:
                city = load_snapshot(session, latest_snapshot_id(session)).city
        finally:
            engine.dispose()
        corner = city.zones_gdf.to_crs(4326).total_bounds
        with serving(site):
            yield World(site, points, (corner[1] - 0.05, corner[0] - 0.05))


def jpeg_with_gps() -> bytes:
    """A JPEG whose EXIF holds a GPS position (what phones write)."""
    image = Image.new("RGB", (40, 30), "red")
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (31.0, 14.0, 0.0), 3: "E", 4: (121.0, 28.0, 0.0)}
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def report(c: httpx.Client, at: tuple[float, float] | None, path: str = "/report",
           photo: bool = True, **fields: str) -> httpx.Response:  # fmt: skip
    form_page = "/report" if path == "/report" else "/cases/new"
    data = {"csrf": token_for(c, form_page), "category": "E0103", "description": "路面一堆垃圾",
            "lat": "" if at is None else f"{at[0]:.7f}", "lon": "" if at is None else f"{at[1]:.7f}",
            **fields}  # fmt: skip
    files = {"photo": ("p.jpg", jpeg_with_gps(), "image/jpeg")} if photo else None
    return c.post(path, data=data, files=files)


def receipt_of(page: str) -> str:
    found = re.search(r'id="receipt">([A-Z0-9-]+)<', page)
    assert found, page
    return found.group(1)


def move(c: httpx.Client, case_id: str, expected: str, to: str, **extra: str) -> httpx.Response:
    token = token_for(c, f"/cases/{case_id}")
    data = {"csrf": token, "expected": expected, "to": to, **extra}
    return c.post(f"/cases/{case_id}/move", data=data)


def test_every_move_of_the_table_is_a_transition_of_the_loop() -> None:
    for role, pairs in MOVES.items():
        for before, after in pairs:
            assert after in TRANSITIONS[before], (role, before, after)
    assert all(to != CaseState.CLOSED or before is CaseState.HANDLED
               for pairs in MOVES.values() for before, to in pairs)  # fmt: skip


def test_a_citizen_report_is_placed_routed_and_followed_by_its_receipt(world: World) -> None:
    site = world.site
    with client(site, None) as c:
        done = report(c, world.points["A1"])
        assert done.status_code == 200, done.text
        code = receipt_of(done.text)
        assert len(code.replace("-", "")) == 12
        followed = c.get("/follow", params={"code": code.lower()})
        assert followed.status_code == 200
        assert "上报" in followed.text and "道路不洁" in followed.text  # the category's name
        assert "路面一堆垃圾" not in followed.text  # not the description, nor names or places
        assert "甲一" not in followed.text and f"{world.points['A1'][0]:.4f}" not in followed.text
        assert c.get("/follow", params={"code": "AAAA-AAAA-AAAA"}).status_code == 404
    with client(site, "planner") as c:
        listed = c.get("/cases").text
        case_id = re.findall(r'href="/cases/(W[^"]+)"', listed)[0]
        page = c.get(f"/cases/{case_id}").text
        assert "HW" in page  # routed to the sanitation unit (环卫所) of the city
        photo = re.search(r'src="/photos/(\d+)"', page)
        assert photo, "the report's photo is on the case page"
        shown = c.get(f"/photos/{photo.group(1)}")
        assert shown.status_code == 200
        assert not Image.open(io.BytesIO(shown.content)).getexif()  # no GPS, no EXIF at all


def test_the_hot_issues_show_streets_and_counts_and_nothing_personal(world: World) -> None:
    with client(world.site, None) as c:
        assert report(c, world.points["A1"], photo=False).status_code == 200
        page = c.get("/hot")
        assert page.status_code == 200
        listed = page.text.split('id="hot-list"')[1].split("</table>")[0]
        assert "市容环境 " in listed  # the main class of 道路不洁, with its count
        assert "路面一堆垃圾" not in page.text and "甲一" not in page.text
        data = re.search(r'id="hot-data">([^<]*)</script>', page.text)
        assert data and '"cases": ' in data.group(1) and '"line": [[[' in data.group(1)
        other = c.get("/hot", params={"main": "C04"})  # no report of that class
        assert other.status_code == 200 and 'id="hot-none"' in other.text
        assert c.get("/hot", params={"main": "<script>"}).status_code == 404


def test_an_unplaced_report_is_kept_and_listed_as_unplaced(world: World) -> None:
    with client(world.site, None) as c:
        far = report(c, world.far, photo=False)
        nowhere = report(c, None, photo=False)
        assert far.status_code == 200 and nowhere.status_code == 200
    with client(world.site, "planner") as c:
        section = c.get("/cases").text.split('id="section-unplaced"')[1].split("</section>")[0]
        assert len(re.findall(r'href="/cases/W', section)) >= 2
    with client(world.site, "sup_a") as c:  # no zone: only the city-wide roles see it
        section = c.get("/cases").text.split('id="section-unplaced"')[1].split("</section>")[0]
        assert "/cases/W" not in section


def test_an_unplaced_report_is_placed_by_hand_by_the_planner(world: World) -> None:
    with client(world.site, None) as c:
        assert report(c, None, photo=False, description="某小区门口无位置").status_code == 200
    with client(world.site, "planner") as c:
        listed = c.get("/cases").text
        section = listed.split('id="section-unplaced"')[1].split("</section>")[0]
        case_id = re.findall(r'href="/cases/(W[^"]+)"', section)[-1]
        page = c.get(f"/cases/{case_id}").text
        assert 'id="place-form"' in page and "某小区门口无位置" in page
        token = token_for(c, f"/cases/{case_id}")
        lat, lon = world.points["A1"]
        done = c.post(f"/cases/{case_id}/place", data={"csrf": token, "segment": "",
                      "lat": f"{lat:.7f}", "lon": f"{lon:.7f}"})  # fmt: skip
        assert done.status_code == 303, done.text
        page = c.get(f"/cases/{case_id}").text
        assert '<span id="case-chief">A1</span>' in page and "HW" in page  # routed to 环卫所
        far = c.post(f"/cases/{case_id}/place", data={"csrf": token, "lat": f"{world.far[0]}",
                     "lon": f"{world.far[1]}"})  # fmt: skip
        assert far.status_code == 400 and "snap_m" in far.text
    with client(world.site, "sup_a") as c:  # sees A1's case, but not the whole city
        page = c.get(f"/cases/{case_id}").text
        assert 'id="place-form"' not in page
        token = token_for(c, f"/cases/{case_id}")
        refused = c.post(f"/cases/{case_id}/place", data={"csrf": token, "segment": "x"})
        assert refused.status_code == 404
        assert f"/cases/{case_id}" in c.get("/cases").text  # their ledger, read by zone
    with client(world.site, "sup_b") as c:
        assert f"/cases/{case_id}" not in c.get("/cases").text


def test_a_bad_report_is_refused_and_changes_nothing(world: World) -> None:
    url = world.site.settings.db_url or ""
    before = table_counts(url)
    with client(world.site, None) as c:
        bad = report(c, (91.0, 500.0), description=" ", category="NOPE")
        assert bad.status_code == 400
        assert "请用一句话说明问题" in bad.text and "请选择问题类别" in bad.text
        assert "有效的纬度和经度" in bad.text
        notimage = c.post("/report", data={"csrf": token_for(c, "/report"), "category": "E0101",
                          "description": "x"}, files={"photo": ("a.jpg", b"not", "image/jpeg")})  # fmt: skip
        assert notimage.status_code == 400
    assert table_counts(url) == before


def test_one_case_through_the_loop_each_move_by_its_role(world: World) -> None:
    site = world.site
    with client(site, "a1") as chief:
        done = report(chief, world.points["A1"], path="/cases")
        assert done.status_code == 303, done.text
        case_id = done.headers["location"].rsplit("/", 1)[1]
        page = chief.get(f"/cases/{case_id}").text
        assert '<span id="case-chief">A1</span>' in page  # on the chief's own segment
        assert move(chief, case_id, "reported", "filed").status_code == 403  # not a chief's move
    with client(site, "sup_b") as other:
        assert other.get(f"/cases/{case_id}").status_code == 404
        assert move(other, case_id, "reported", "filed").status_code == 404
    with client(site, "sup_a") as sup:
        assert move(sup, case_id, "reported", "filed", note="属实").status_code == 303
        assert move(sup, case_id, "filed", "dispatched", unit="HW").status_code == 303
        assert move(sup, case_id, "filed", "dispatched", unit="HW").status_code == 403  # stale
        assert move(sup, case_id, "dispatched", "closed").status_code == 403  # no recheck yet
    with client(site, "unit_b") as wrong_unit:
        assert case_id not in wrong_unit.get("/cases").text
        assert wrong_unit.get(f"/cases/{case_id}").status_code == 404
    with client(site, "unit") as unit:
        assert case_id in unit.get("/cases").text
        files = {"photo": ("fix.jpg", jpeg_with_gps(), "image/jpeg")}
        token = token_for(unit, f"/cases/{case_id}")
        fixed = unit.post(f"/cases/{case_id}/move", files=files,
                          data={"csrf": token, "expected": "dispatched", "to": "handled",
                                "note": "已清运"})  # fmt: skip
        assert fixed.status_code == 303
    with client(site, "a1") as chief:
        assert move(chief, case_id, "handled", "rework", note="仍有垃圾").status_code == 303
    with client(site, "unit") as unit:
        assert move(unit, case_id, "rework", "handled", note="再次清运").status_code == 303
    with client(site, "sup_a") as sup:
        token = token_for(sup, f"/cases/{case_id}")
        flagged = sup.post(f"/cases/{case_id}/flag", data={"csrf": token, "level": "district",
                           "deadline": "2099-01-01T12:00"})  # fmt: skip
        assert flagged.status_code == 303
        assert move(sup, case_id, "handled", "closed", note="复检通过").status_code == 303
        page = sup.get(f"/cases/{case_id}").text
        assert "核查结案" in page and "返工" in page
        ledger = sup.get("/cases").text  # closed this week, as the ledger files count it
        closed = ledger.split('id="section-closed_this_week"')[1].split("</section>")[0]
        assert f"/cases/{case_id}" in closed and "本周结案" in ledger
    engine = make_engine(site.settings.db_url)
    try:
        with read_session(engine) as session:
            entries = [e for e in audit_log(session, 500) if e.target == f"case:{case_id}"]
    finally:
        engine.dispose()
    made = [(e.actor, e.action) for e in reversed(entries)]
    assert made == [
        ("user:a1", "case.report"), ("user:sup_a", "case.filed"),
        ("user:sup_a", "case.dispatched"), ("user:unit", "case.handled"),
        ("user:a1", "case.rework"), ("user:unit", "case.handled"),
        ("user:sup_a", "case.flag"), ("user:sup_a", "case.closed"),
    ]  # fmt: skip
    assert all(e.at is not None for e in entries)


def test_a_chiefs_page_links_to_reporting_and_their_cases(world: World) -> None:
    with client(world.site, "a1") as c:
        page = c.get("/people/A1").text
        assert 'href="/cases/new"' in page and 'href="/cases"' in page
        mine = c.get("/cases").text
        assert "section-closed_this_week" not in mine and "section-open" in mine
