"""Each role's main flow in real Chromium at a phone viewport (390 x 844, scale 3, touch),
against a real server: a chief logs in by link, sees their page, records a patrol from
the phone's location and adds a photo (its GPS position stripped); a supervisor sees
their area and no one else's; a planner imports files, plans a week and downloads it; a
citizen reports with a photo and the phone's location and follows it by the receipt, the
unit marks it handled with a photo and the supervisor closes it after the recheck."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from test_browser import LAUNCH_FLAGS, SHOTS, chromium_path, unavailable
from web_server import PASSWORD, WEEK, Site, build_site, chief_points, serving

from roadchief.app.reports import follow
from roadchief.store.db import make_engine, read_session
from roadchief.store.models_web import Photo

PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 3,
    "is_mobile": True,
    "has_touch": True,
    "locale": "zh-CN",
}
WAIT_MS = 120_000


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("the playwright package is not installed (pip install -e '.[test]')")
    exe = chromium_path()
    if exe is None:
        unavailable("no Chromium found (/usr/bin/chromium or ROADCHIEF_CHROMIUM)")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=exe, args=LAUNCH_FLAGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    folder = tmp_path_factory.mktemp("web_browser")
    built = build_site(f"sqlite:///{folder / 'roadchief.db'}", folder)
    with serving(built):
        yield built


def phone(browser: Any, site: Site, **extra: Any) -> Any:
    """A phone's browser context that records requests leaving the site."""
    context = browser.new_context(**PHONE, **extra)
    context.outside = []  # type: ignore[attr-defined]
    context.on(
        "request",
        lambda r: (
            None
            if r.url.startswith((site.url, "data:", "blob:", "about:"))
            else context.outside.append(r.url)
        ),
    )
    return context


def log_in(page: Any, site: Site, name: str) -> None:
    page.goto(f"{site.url}/login")
    page.fill("input[name=name]", name)
    page.fill("input[name=password]", PASSWORD)
    page.click("form.card button")
    page.wait_for_load_state()


def gps_jpeg(path: Path) -> Path:
    """A photo as a phone writes it: EXIF with the camera and a GPS position."""
    image = Image.new("RGB", (1200, 900), (90, 140, 200))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif[0x8825] = {1: "N", 2: (31.0, 13.0, 30.0), 3: "E", 4: (121.0, 28.0, 15.0)}
    image.save(path, "JPEG", exif=exif.tobytes())
    with Image.open(path) as saved:
        assert saved.getexif().get_ifd(0x8825), "the test photo must carry GPS"
    return path


def test_a_chief_logs_in_by_link_patrols_and_adds_a_photo(
    browser: Any, site: Site, tmp_path: Path
) -> None:
    context = phone(browser, site, geolocation={"latitude": 31.2300, "longitude": 121.4700},
                    permissions=["geolocation"], accept_downloads=True)  # fmt: skip
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(site.link("a1"))
    page.click("#use-link")
    page.wait_for_url(re.compile(r"/people/A1$"))
    assert page.locator("h1").inner_text().startswith("甲一")
    frame = page.frame_locator("#map-frame")
    frame.locator(".leaflet-container").wait_for(timeout=WAIT_MS)
    assert frame.locator("path.leaflet-interactive").count() > 0
    assert_map_file_opens_alone(browser, page, tmp_path)
    page.click("#patrol-start button")
    page.wait_for_selector("#patrol[data-track]")
    for k in range(6):  # the chief walks: each new position is a fix of watchPosition
        context.set_geolocation({"latitude": 31.2300 + 0.0002 * k, "longitude": 121.4700})
        page.wait_for_timeout(300)
    page.wait_for_function("Number(document.getElementById('patrol-count').textContent) >= 2")
    page.click("#patrol-finish button")
    page.wait_for_url(re.compile(r"/patrols/\d+$"))
    text = page.locator("main").inner_text()
    points = int(re.search(r"(?:位置点|Points)[:：]\s*(\d+)", text).group(1))  # type: ignore[union-attr]
    assert points >= 2
    assert page.locator("#track-map path.leaflet-interactive").count() == 3  # line, start, end
    page.set_input_files("input[name=photo]", str(gps_jpeg(tmp_path / "photo.jpg")))
    page.click("form[enctype] button")
    page.wait_for_selector(".photos img")
    loaded = page.eval_on_selector(".photos img", "img => img.complete && img.naturalWidth")
    assert loaded > 0
    page.screenshot(path=str(SHOTS / "web_chief_patrol.png"), full_page=True)
    assert context.outside == [] and errors == []
    engine = make_engine(site.settings.db_url)
    try:
        with read_session(engine) as session:
            stored = session.query(Photo).order_by(Photo.id.desc()).first()
            assert stored is not None
            image = Image.open(io.BytesIO(stored.content))
            assert image.format == "JPEG" and max(image.size) <= site.settings.limits.photo_px
            assert not image.getexif() and "exif" not in image.info
    finally:
        engine.dispose()
    context.close()


def assert_map_file_opens_alone(browser: Any, page: Any, tmp_path: Path) -> None:
    """The page's shared Leaflet file comes with a long cache; the download is one file
    that draws the map offline, with nothing left to fetch."""
    shared = re.search(r"\.\./assets/([\w.-]+\.js)", page.frame_locator("#map-frame")
                       .locator("html").inner_html())  # fmt: skip
    assert shared is not None
    url = page.url.rsplit("/", 1)[0] + f"/assets/{shared.group(1)}"
    answer = page.request.get(url)
    assert answer.status == 200 and "immutable" in answer.headers["cache-control"]
    assert page.request.get(url.replace(".js", "x.js")).status == 404
    with page.expect_download() as download:
        page.click("#map-file")
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.name.startswith("甲一") and "../assets/" not in saved.read_text("utf-8")
    alone = browser.new_context(offline=True, viewport=PHONE["viewport"])
    try:
        shown = alone.new_page()
        shown.goto(saved.as_uri())
        shown.wait_for_function("document.querySelectorAll('path.rc-tour').length > 0")
    finally:
        alone.close()


def test_a_supervisor_sees_their_area_and_no_one_elses(browser: Any, site: Site) -> None:
    context = phone(browser, site)
    page = context.new_page()
    log_in(page, site, "sup_a")
    page.wait_for_url(re.compile(r"/area$"))
    people = page.locator("table.list").first.inner_text()
    assert "甲一" in people and "甲二" in people and "乙一" not in people
    page.click("text=甲一")
    page.wait_for_url(re.compile(r"/people/A1$"))
    page.frame_locator("#map-frame").locator(".leaflet-container").wait_for(timeout=WAIT_MS)
    assert page.locator("#patrol-start").count() == 0  # only the chief records their patrol
    page.goto(f"{site.url}/area/page")  # the run's supervision page of the zone, its map drawn
    page.wait_for_function("document.querySelectorAll('path.leaflet-interactive').length > 0",
                           timeout=WAIT_MS)  # fmt: skip
    response = page.goto(f"{site.url}/people/B1")
    assert response is not None and response.status == 404
    assert "乙一" not in page.content()
    page.screenshot(path=str(SHOTS / "web_supervisor_area.png"), full_page=True)
    assert context.outside == []
    context.close()


@pytest.mark.slow
def test_a_planner_imports_plans_a_week_and_downloads_it(
    browser: Any, tmp_path_factory: pytest.TempPathFactory
) -> None:
    folder = tmp_path_factory.mktemp("web_planner")
    empty = build_site(f"sqlite:///{folder / 'roadchief.db'}", folder, plan=False, imported=False)
    files = folder / "city"
    with serving(empty):
        context = phone(browser, empty, accept_downloads=True)
        page = context.new_page()
        log_in(page, empty, "planner")
        page.wait_for_url(re.compile(r"/plan$"))
        for kind in ("zones", "roads", "chiefs"):
            page.set_input_files(
                f"#import-form input[name={kind}]", str(next(files.glob(f"{kind}.*")))
            )
        page.click("#import-form button")
        page.wait_for_selector("#job-state[data-state=done]", timeout=WAIT_MS)
        assert re.search(r"chiefs\s+6", page.locator("#job-result").inner_text())
        page.goto(f"{empty.url}/plan")
        page.fill("#plan-form input[name=week]", WEEK)
        page.fill("#plan-form input[name=time_limit]", "5")
        page.click("#plan-form button")
        page.wait_for_selector("#job-state[data-state=done]", timeout=WAIT_MS)
        page.click(f"a[href='/weeks/{WEEK}/files']")
        page.wait_for_selector("ul.files a")
        names = page.locator("ul.files a").all_inner_texts()
        assert {"roster.csv", "summary.json", "chiefs/A1.html"} <= set(names)
        with page.expect_download() as download:
            page.click("ul.files a:text-is('roster.csv')")
        saved = download.value.path()
        assert saved is not None and Path(saved).read_text("utf-8-sig").startswith("date,")
        page.goto(f"{empty.url}/plan")
        assert WEEK in page.locator("#history").inner_text()
        page.screenshot(path=str(SHOTS / "web_planner.png"), full_page=True)
        assert context.outside == []
        context.close()


@pytest.mark.slow
def test_a_citizen_reports_a_unit_fixes_and_a_supervisor_closes_after_the_recheck(
    browser: Any, site: Site, tmp_path: Path
) -> None:
    lat, lon = chief_points(site.settings.db_url or "")["A1"]
    citizen = phone(browser, site, geolocation={"latitude": lat, "longitude": lon},
                    permissions=["geolocation"])  # fmt: skip
    page = citizen.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{site.url}/report")
    page.select_option("select[name=category]", "E0103")
    page.fill("textarea[name=description]", "人行道上有一堆垃圾")
    page.set_input_files("input[name=photo]", str(gps_jpeg(tmp_path / "report.jpg")))
    page.click("#locate")
    page.wait_for_function("document.getElementById('lat').value !== ''")
    assert abs(float(page.input_value("#lat")) - lat) < 1e-5
    assert page.locator("#place-map .leaflet-marker-icon").count() == 1
    page.click("#report-send")
    code = page.locator("#receipt").inner_text()
    page.click("#follow-link")
    assert "上报" in page.locator("#followed").inner_text()
    assert "人行道上有一堆垃圾" not in page.content()
    page.screenshot(path=str(SHOTS / "web_citizen_follow.png"), full_page=True)
    page.click("a[href='/hot']")  # the hot issues: the reported street drawn, nothing personal
    page.wait_for_function("document.getElementById('hot-map').dataset.lines > 0")
    assert page.locator("#hot-map path.leaflet-interactive").count() >= 1
    assert "人行道上有一堆垃圾" not in page.content()
    page.screenshot(path=str(SHOTS / "web_citizen_hot.png"), full_page=True)
    assert citizen.outside == [] and errors == []
    citizen.close()
    engine = make_engine(site.settings.db_url)
    try:
        found = follow(engine, code)
    finally:
        engine.dispose()
    assert found is not None
    case = f"{site.url}/cases/{found.case_id}"

    def act(name: str, move: str, photo: Path | None = None) -> str:
        context = phone(browser, site)
        acting = context.new_page()
        log_in(acting, site, name)
        acting.goto(case)
        form = acting.locator(f"form[data-move={move}]")
        if photo is not None:
            form.locator("input[name=photo]").set_input_files(str(photo))
        form.locator("input[name=note]").fill(f"{name} {move}")
        form.locator("button").click()
        acting.wait_for_url(case)
        state = acting.locator("#case-state").inner_text()
        acting.screenshot(path=str(SHOTS / f"web_case_{move}.png"), full_page=True)
        assert context.outside == []
        context.close()
        return state

    assert act("sup_a", "filed") == "立案"
    assert act("sup_a", "dispatched") == "派遣"  # to the unit it was routed to: HW
    assert act("unit", "handled", gps_jpeg(tmp_path / "fixed.jpg")) == "处置完成"
    assert act("sup_a", "closed") == "核查结案"
