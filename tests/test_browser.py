"""The maps in a real headless Chromium with the network off, as a chief opens them.

Chromium is Debian's (``/usr/bin/chromium``, or ``ROADCHIEF_CHROMIUM``) driven by PyPI
Playwright; no ``playwright install``. In CI (``CI=true``) a missing browser fails the run;
elsewhere these tests are skipped with the reason. Screenshots go to
``tests/output/browser/`` (not committed).
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from conftest import DATA, run_cli
from roadchief.config import load_rules
from roadchief.domain import Week
from roadchief.geo.prepare import prepare_city
from roadchief.instance import build_instance
from roadchief.io.chiefs import read_chiefs
from roadchief.render import RunResults, results_figures, write_outputs
from roadchief.render.ledger import html_page, html_table
from roadchief.render.shared_assets import single_file_page
from roadchief.solve import assign_owners, greedy_roster
from roadchief.solve.roster.roster_walks import measure_roster
from test_render_city import tiny_city, tiny_instance, tiny_ownership, tiny_roster, tiny_walks

SHOTS = Path(__file__).resolve().parent / "output" / "browser"
LAUNCH_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1200, "height": 800}


def chromium_path() -> str | None:
    """The Chromium executable, or None."""
    given = os.environ.get("ROADCHIEF_CHROMIUM")
    if given:
        return given if Path(given).exists() else None
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return None


def unavailable(reason: str) -> None:
    """Fail in CI (the browser must be installed there), skip elsewhere."""
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"browser tests cannot run in CI: {reason}; `make test` installs them")
    pytest.skip(f"{reason}; install with `apt-get install chromium fonts-noto-cjk`")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("the playwright package is not installed (pip install -e '.[test]')")
    exe = chromium_path()
    if exe is None:
        unavailable("no Chromium found (/usr/bin/chromium or ROADCHIEF_CHROMIUM)")
    with sync_playwright() as pw:  # Playwright starts Chromium with a fresh profile
        browser = pw.chromium.launch(executable_path=exe, args=LAUNCH_FLAGS)
        yield browser
        browser.close()


@dataclass
class Opened:
    """A page opened offline, with what it logged and asked for."""

    page: Any
    errors: list[str] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)


@pytest.fixture
def open_offline(browser: Any) -> Iterator[Any]:
    contexts: list[Any] = []

    def open_(path: Path, viewport: dict[str, int], *, today: str | None = None) -> Opened:
        phone = viewport["width"] < 600
        context = browser.new_context(
            viewport=viewport,
            offline=True,
            device_scale_factor=3 if phone else 1,
            is_mobile=phone,
            has_touch=phone,
        )
        contexts.append(context)
        page = context.new_page()
        if today is not None:  # the browser's clock: the page picks the next tour by it
            page.clock.set_fixed_time(dt.datetime.fromisoformat(today))
        opened = Opened(page)
        page.on("console", lambda m: opened.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: opened.errors.append(str(e)))

        def route(r: Any) -> None:
            url = r.request.url
            if url.startswith(("file:", "data:")):
                r.continue_()
            else:
                opened.outside.append(url)
                r.abort()

        page.route("**/*", route)
        page.goto(path.as_uri())
        if "RC_DATA" in path.read_text("utf-8") or "L.map(" in path.read_text("utf-8"):
            page.wait_for_function(  # drawn, or Leaflet missing (a page sent alone)
                "document.querySelectorAll('.leaflet-pane').length > 0 || !window.L"
            )
        page.wait_for_timeout(300)
        return opened

    yield open_
    for context in contexts:
        context.close()


def click_path(page: Any, selector: str, index: int = 0) -> None:
    """Click the middle of a drawn line (not the middle of its bounding box)."""
    xy = page.evaluate(
        """([sel, i]) => {
            const el = document.querySelectorAll(sel)[i];
            const pt = el.getPointAtLength(el.getTotalLength() / 2);
            const m = el.getScreenCTM();
            return [pt.x * m.a + pt.y * m.c + m.e, pt.x * m.b + pt.y * m.d + m.f];
        }""",
        [selector, index],
    )
    page.mouse.click(xy[0], xy[1])


def shot(page: Any, name: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.wait_for_timeout(400)  # let a popup finish fading in
    path = SHOTS / name
    page.screenshot(path=str(path))
    return path


def tooltips_shown(page: Any) -> int:
    """Tooltips on screen (a closing one fades out at opacity 0 for a moment)."""
    page.wait_for_timeout(400)
    shown: int = page.eval_on_selector_all(
        ".leaflet-tooltip", "els => els.filter(e => getComputedStyle(e).opacity > 0).length"
    )
    return shown


def fits_width(page: Any) -> bool:
    """True if the page does not scroll sideways."""
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def contrast(page: Any, selector: str) -> float:
    """WCAG contrast of an element's text colour on its background colour."""
    ratio: float = page.evaluate(
        """(sel) => {
            const st = getComputedStyle(document.querySelector(sel));
            const lum = (c) => {
                const v = c.match(/[\\d.]+/g).slice(0, 3).map(Number).map((x) => {
                    x /= 255;
                    return x <= 0.03928 ? x / 12.92 : Math.pow((x + 0.055) / 1.055, 2.4);
                });
                return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2];
            };
            const a = lum(st.color), b = lum(st.backgroundColor);
            return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
        }""",
        selector,
    )
    return ratio


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("browser")
    city = tiny_city()
    instance = tiny_instance(city)
    results = RunResults(city, instance, tiny_ownership(), tiny_roster(), tiny_walks(instance))
    write_outputs(results, out, time_zone="Asia/Shanghai")
    return out


def test_overview_draws_every_segment_offline(open_offline: Any, tiny_run: Path) -> None:
    opened = open_offline(tiny_run / "overview.html", DESKTOP)
    page = opened.page
    assert page.locator("path.rc-seg").count() == len(tiny_instance(tiny_city()).segments)
    assert page.locator("path.rc-unplaced").count() == 1
    assert page.locator("path.rc-zone").count() == 2
    assert page.locator(".rc-zlabel").count() == 2  # zone names with their coverage
    assert "58.3%" in page.locator(".rc-head").inner_text()
    click_path(page, "path.rc-seg", 0)
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for(state="visible", timeout=3000)
    assert "本周巡查" in popup.inner_text()
    assert tooltips_shown(page) == 0  # closed when the popup opens: one box a click
    scale = page.locator(".leaflet-control-scale").inner_text()
    assert "m" in scale and "mi" not in scale and "ft" not in scale
    shot(page, "overview_tiny.png")
    assert opened.errors == [] and opened.outside == []


def test_overview_filters_by_day_and_finds_a_person(open_offline: Any, tiny_run: Path) -> None:
    opened = open_offline(tiny_run / "overview.html", DESKTOP)
    page = opened.page
    page.locator(".rc-ctl summary").click()
    page.select_option(".rc-ctl select[name=day]", "2026-12-09")  # only c3's Wednesday tour
    faded = page.eval_on_selector_all(
        "path.rc-seg", "els => els.filter(e => e.getAttribute('stroke-opacity') < 0.5).length"
    )
    assert faded == 3  # s1, s2, s3 are not patrolled that day
    page.select_option(".rc-ctl select[name=day]", "")
    page.select_option(".rc-ctl select[name=mode]", "count")
    assert page.locator(".rc-counts").is_visible()
    zoom = page.evaluate("Object.values(window).find(v => v instanceof L.Map).getZoom()")
    page.fill(".rc-ctl input[name=who]", "李娜 · 路段长 · 黄浦区")
    page.wait_for_timeout(600)
    faded = page.eval_on_selector_all(
        "path.rc-seg", "els => els.filter(e => e.getAttribute('stroke-opacity') < 0.5).length"
    )
    assert faded == 5  # only s3, her segment, stays
    assert page.evaluate("Object.values(window).find(v => v instanceof L.Map).getZoom()") > zoom
    assert opened.errors == [] and opened.outside == []


def test_chief_page_on_a_phone_shows_the_next_tour(open_offline: Any, tiny_run: Path) -> None:
    # Wednesday 9 December, 07:00: 王芳's next tour is Wednesday's (s4, s5, s6)
    opened = open_offline(tiny_run / "chiefs" / "c3.html", PHONE, today="2026-12-09T07:00:00")
    page = opened.page
    selected = page.locator(".rc-tabs button[aria-selected=true]")
    assert selected.count() == 1 and "12/9" in selected.inner_text()
    assert page.locator(".rc-tabs button[disabled]").count() == 5  # days without a tour
    assert page.locator("path.rc-tour").count() == 3
    assert page.locator("path.rc-path").count() >= 1  # the walk between the stops
    assert page.locator(".rc-start").count() == 1 and page.locator(".rc-finish").count() == 1
    stops = page.locator(".rc-stops li")
    assert stops.count() == 3 and "南京西路" in stops.nth(0).inner_text()
    assert "陕西北路" in stops.nth(2).inner_text()
    assert page.locator(".rc-label").count() >= 2  # street names drawn on the map
    assert contrast(page, ".rc-num span") >= 4.5
    assert contrast(page, ".rc-tabs [aria-selected=true]") >= 4.5
    box = page.locator(".rc-num").first.bounding_box()
    page.touchscreen.tap(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.locator(".leaflet-popup-content").wait_for(state="visible", timeout=3000)
    assert page.locator(".leaflet-popup").count() == 1 and tooltips_shown(page) == 0
    text = page.locator("body").inner_text()
    for internal in ("s4", "s5", "s6", "c3", "z2", "osm_"):
        assert internal not in text  # no internal ids for chiefs
    assert fits_width(page)
    shot(page, "chief_c3_phone.png")
    assert opened.errors == [] and opened.outside == []


def test_the_next_tour_is_by_the_city_clock(open_offline: Any, tiny_run: Path) -> None:
    # Monday 7 December 04:00 UTC is 12:00 in Shanghai: 王芳's Monday tour (08:00-10:00) is
    # over, so Wednesday's is the next one, whatever time zone the phone is set to
    opened = open_offline(tiny_run / "chiefs" / "c3.html", PHONE, today="2026-12-07T04:00:00Z")
    assert "12/9" in opened.page.locator(".rc-tabs button[aria-selected=true]").inner_text()
    # Monday 01:30 UTC is 09:30 there: the Monday tour is under way and stays shown
    opened = open_offline(tiny_run / "chiefs" / "c3.html", PHONE, today="2026-12-07T01:30:00Z")
    assert "12/7" in opened.page.locator(".rc-tabs button[aria-selected=true]").inner_text()
    assert opened.errors == []


def test_chief_page_marks_help_for_a_colleague(open_offline: Any, tiny_run: Path) -> None:
    opened = open_offline(tiny_run / "chiefs" / "c1.html", PHONE, today="2026-12-08T09:00:00")
    page = opened.page
    assert "12/8" in page.locator(".rc-tabs button[aria-selected=true]").inner_text()
    first = page.locator(".rc-stops li").nth(0).inner_text()
    assert "瑞金二路" in first and "协助 李娜" in first
    assert opened.errors == []


def test_chief_page_switches_tours_by_day(open_offline: Any, tiny_run: Path) -> None:
    opened = open_offline(tiny_run / "chiefs" / "c1.html", PHONE, today="2026-12-20T09:00:00")
    page = opened.page  # after the week: the last tour is shown
    assert "12/8" in page.locator(".rc-tabs button[aria-selected=true]").inner_text()
    page.locator(".rc-tabs button:not([disabled])").first.click()
    assert "12/7" in page.locator(".rc-tabs button[aria-selected=true]").inner_text()
    assert "淮海中路" in page.locator(".rc-stops").inner_text()
    assert opened.errors == []


def test_pages_without_tours_and_report_fit_a_phone(open_offline: Any, tiny_run: Path) -> None:
    for path in (tiny_run / "chiefs" / "c4.html", tiny_run / "report.html",
                 tiny_run / "areas" / "z1.html", tiny_run / "overview.html"):  # fmt: skip
        opened = open_offline(path, PHONE)
        assert fits_width(opened.page), path.name
        assert opened.errors == [] and opened.outside == []
    opened = open_offline(tiny_run / "chiefs" / "c4.html", PHONE)
    assert "本周没有给您安排巡查" in opened.page.locator("body").inner_text()
    shot(opened.page, "no_tours_phone.png")


def test_overview_zone_labels_never_pile_up(open_offline: Any, tiny_run: Path) -> None:
    opened = open_offline(tiny_run / "overview.html", PHONE)
    page = opened.page
    boxes = """() => Array.from(document.querySelectorAll('.rc-zlabel span'))
        .filter(e => getComputedStyle(e).visibility === 'visible')
        .map(e => { const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; })"""
    assert len(page.evaluate(boxes)) == 2  # two zones, room for both
    page.evaluate("""() => { const m = Object.values(window).find(v => v instanceof L.Map);
        m.setZoom(m.getMinZoom(), {animate: false}); }""")
    page.wait_for_timeout(400)
    shown = page.evaluate(boxes)
    assert len(shown) >= 1
    for k, a in enumerate(shown):
        for b in shown[k + 1 :]:
            assert not (a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]), (a, b)
    assert opened.errors == []


def test_ledger_and_assessment_pages_fit_a_phone(open_offline: Any, tmp_path: Path) -> None:
    header = ["案件编号", "状态", "类别", "路段", "责任区", "路长", "单位", "期限", "超期"]
    rows = [[f"CAM{k:06d}", "派遣", "C0204", "Concord_Tpk_9", "11", "万力华", "城管执法中队",
             "2026-11-27T17:25", "是"] for k in range(30)]  # fmt: skip
    page = tmp_path / "ledger.html"
    page.write_text(html_page("案件清单台账", [html_table(header, rows)]), "utf-8")
    opened = open_offline(page, PHONE)
    assert opened.page.evaluate("window.innerWidth") == PHONE["width"]  # phone viewport
    assert fits_width(opened.page)  # the table scrolls in its box
    assert opened.page.evaluate("document.querySelector('.wide').scrollWidth") > PHONE["width"]
    assert opened.errors == [] and opened.outside == []


def test_supervision_page_maps_its_zone_on_a_phone(open_offline: Any, tiny_run: Path) -> None:
    instance = tiny_instance(tiny_city())
    figures = results_figures(
        RunResults(tiny_city(), instance, tiny_ownership(), tiny_roster(), tiny_walks(instance))
    )
    z1 = [s for s in instance.segments if s.zone_id == "z1"]
    short = [s for s in z1 if figures.patrols_by_segment.get(s.segment_id, 0) < s.patrols_per_week]
    opened = open_offline(tiny_run / "areas" / "z1.html", PHONE)
    page = opened.page
    assert page.locator("path.rc-aseg").count() == len(z1)
    assert page.locator("path.rc-short").count() == len(short) > 0
    assert f"{len(short)} 个路段" in page.locator(".rc-legend").inner_text()
    click_path(page, "path.rc-aseg", 0)
    page.locator(".leaflet-popup-content").wait_for(state="visible", timeout=3000)
    assert page.locator(".leaflet-popup").count() == 1 and tooltips_shown(page) == 0
    assert "z1" not in page.locator("#map").inner_text()
    assert fits_width(page)
    shot(page, "area_z1_phone.png")
    assert opened.errors == [] and opened.outside == []


def test_a_page_sent_alone(open_offline: Any, tiny_run: Path, tmp_path: Path) -> None:
    # linked from the run folder, a page copied alone says what it needs
    alone = tmp_path / "linked" / "c3.html"
    alone.parent.mkdir()
    shutil.copy(tiny_run / "chiefs" / "c3.html", alone)
    opened = open_offline(alone, PHONE)
    assert opened.page.locator("#rc-missing").is_visible()
    assert "assets" in opened.page.locator("#rc-missing").inner_text()
    assert [e for e in opened.errors if "ERR_FILE_NOT_FOUND" not in e] == []
    # the single-file page (roadchief page RUN ID) opens alone, offline, and draws the tour
    done = run_cli("page", tiny_run, "c3", "c1", "--out", tmp_path / "single")
    assert done.returncode == 0, done.stderr
    single = tmp_path / "single" / "c3.html"
    assert single.read_text("utf-8") == single_file_page(tiny_run / "chiefs" / "c3.html")
    assert (tmp_path / "single" / "c1.html").is_file() and "c3.html" in done.stdout
    for bad in (("page", tiny_run, "nobody"), ("page", tmp_path, "c3"), ("page", tiny_run, "../x")):
        refused = run_cli(*bad, "--out", tmp_path / "refused")
        assert refused.returncode == 1 and "Traceback" not in refused.stderr, refused.stderr
        assert len(refused.stderr.strip().splitlines()) == 1, refused.stderr
    assert not (tmp_path / "refused").exists()  # nothing written when a person is unknown
    opened = open_offline(single, PHONE, today="2026-12-09T07:00:00")
    assert opened.page.locator("path.rc-tour").count() == 3
    assert not opened.page.locator("#rc-missing").is_visible()
    assert opened.errors == [] and opened.outside == []


@pytest.fixture(scope="module")
def shanghai_maps(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int, int, str]:
    """Central Shanghai (OSM, Chinese names) with the greedy roster: every page."""
    src = DATA / "shanghai"
    rules = load_rules()
    city = prepare_city(
        src / "cnmaps_districts_huangpu_jingan.geojson", src / "shanghai.osm", rules
    )
    chiefs = read_chiefs(src / "chiefs.csv", rules, set(city.zones_gdf["zone_id"].astype(str)))
    instance = build_instance(city, chiefs, rules, Week(2026, 49))
    ownership = assign_owners(instance)
    roster = greedy_roster(instance, ownership)
    out = tmp_path_factory.mktemp("shanghai")
    walks = measure_roster(instance, roster)
    written = write_outputs(
        RunResults(city, instance, ownership, roster, walks), out, time_zone="Asia/Shanghai"
    )
    busiest = max(written.figures.people.values(), key=lambda p: p.tours)
    return out, len(instance.segments), len(city.unplaced_gdf), busiest.chief_id


@pytest.mark.slow
def test_shanghai_overview_in_chinese(open_offline: Any, shanghai_maps: Any) -> None:
    out, placed, unplaced, _ = shanghai_maps
    opened = open_offline(out / "overview.html", DESKTOP)
    page = opened.page
    assert page.locator("path.rc-seg").count() == placed > 100
    assert page.locator("path.rc-unplaced").count() == unplaced
    click_path(page, "path.rc-seg", placed // 2)
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for(state="visible", timeout=3000)
    assert "本周巡查" in popup.inner_text()
    shot(page, "overview_shanghai.png")
    assert opened.errors == [] and opened.outside == []


@pytest.mark.slow
def test_shanghai_chief_page_on_a_phone(open_offline: Any, shanghai_maps: Any) -> None:
    out, _, _, chief_id = shanghai_maps
    opened = open_offline(out / "chiefs" / f"{chief_id}.html", PHONE, today="2026-12-02T06:00:00")
    page = opened.page
    assert "12/2" in page.locator(".rc-tabs button[aria-selected=true]").inner_text()
    assert page.locator("path.rc-tour").count() > 0 and page.locator(".rc-label").count() > 0
    assert "段 · 步行" in page.locator(".rc-panel summary").inner_text()
    assert fits_width(page)
    shot(page, f"chief_{chief_id}_phone_shanghai.png")
    assert opened.errors == [] and opened.outside == []
