"""The maps in a real headless Chromium with the network off, as a chief opens them.

Chromium is Debian's (``/usr/bin/chromium``, or ``ROADCHIEF_CHROMIUM``) driven by PyPI
Playwright; no ``playwright install``. In CI (``CI=true``) a missing browser fails the run;
elsewhere these tests are skipped with the reason. Screenshots go to
``tests/output/browser/`` (not committed).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from conftest import DATA
from roadchief.config import load_rules
from roadchief.domain import Week
from roadchief.geo.prepare import prepare_city
from roadchief.instance import build_instance
from roadchief.io.chiefs import read_chiefs
from roadchief.render import render_chief_maps, render_overview
from roadchief.solve import assign_owners, greedy_roster
from roadchief.solve.roster.walk import measure_roster
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
PHONE = {"width": 375, "height": 740}
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

    def open_(path: Path, viewport: dict[str, int]) -> Opened:
        context = browser.new_context(viewport=viewport, offline=True, device_scale_factor=1)
        contexts.append(context)
        page = context.new_page()
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
        page.wait_for_function("document.querySelectorAll('.leaflet-pane').length > 0")
        page.wait_for_timeout(200)
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


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("browser")
    city = tiny_city()
    instance = tiny_instance(city)
    render_overview(city, tiny_ownership(), tiny_roster(), instance, out / "overview.html")
    render_chief_maps(
        city, tiny_ownership(), tiny_roster(), instance, out, walks=tiny_walks(instance)
    )
    return out


def test_overview_draws_every_segment_offline(open_offline: Any, tiny_run: Path) -> None:
    opened = open_offline(tiny_run / "overview.html", DESKTOP)
    page = opened.page
    assert page.locator("path.rc-seg").count() == len(tiny_instance(tiny_city()).segments)
    assert page.locator("path.rc-unplaced").count() == 1
    assert page.locator("path.rc-zone").count() == 2
    click_path(page, "path.rc-seg", 0)
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for(state="visible", timeout=3000)
    assert "本周巡查" in popup.inner_text()
    shot(page, "overview_tiny.png")
    assert opened.errors == [] and opened.outside == []


def test_overview_filters_by_day_and_colours_by_count(open_offline: Any, tiny_run: Path) -> None:
    opened = open_offline(tiny_run / "overview.html", DESKTOP)
    page = opened.page
    page.select_option(".rc-ctl select[name=day]", "2026-12-09")  # only c3's Wednesday tour
    faded = page.eval_on_selector_all(
        "path.rc-seg", "els => els.filter(e => e.getAttribute('stroke-opacity') < 0.5).length"
    )
    assert faded == 3  # s1, s2, s3 are not patrolled that day
    page.select_option(".rc-ctl select[name=mode]", "count")
    assert page.locator(".rc-counts").is_visible()
    assert opened.errors == [] and opened.outside == []


def test_chief_map_on_a_phone(open_offline: Any, tiny_run: Path) -> None:
    opened = open_offline(tiny_run / "chiefs" / "c3.html", PHONE)
    page = opened.page
    assert page.locator("path.rc-own").count() == 3
    title = page.locator(".rc-title")
    box = title.bounding_box()
    assert box is not None and box["x"] + box["width"] <= PHONE["width"]
    assert "王芳" in title.inner_text()
    assert page.locator(".rc-num").count() == 1  # the first tour's numbered stop is shown
    click_path(page, "path.rc-own", 1)
    page.locator(".leaflet-popup-content").wait_for(state="visible", timeout=3000)
    shot(page, "chief_c3_phone.png")
    assert opened.errors == [] and opened.outside == []


@pytest.fixture(scope="module")
def shanghai_maps(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int, int, str]:
    """Central Shanghai (OSM, Chinese names) with the greedy roster: overview and one chief."""
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
    render_overview(city, ownership, roster, instance, out / "overview.html")
    walks = measure_roster(instance, roster)
    paths = render_chief_maps(city, ownership, roster, instance, out, walks=walks)
    busiest = max(paths, key=lambda p: len(ownership.segments_of(p.stem)))
    return out, len(instance.segments), len(city.unplaced_gdf), busiest.stem


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


def test_shanghai_chief_map_on_a_phone(open_offline: Any, shanghai_maps: Any) -> None:
    out, _, _, chief_id = shanghai_maps
    opened = open_offline(out / "chiefs" / f"{chief_id}.html", PHONE)
    page = opened.page
    assert page.locator("path.rc-own").count() > 0
    box = page.locator(".rc-title").bounding_box()
    assert box is not None and box["x"] + box["width"] <= PHONE["width"]
    page.locator(".rc-title summary").click()  # open the week's plan
    assert "段" in page.locator(".rc-title").inner_text()
    shot(page, f"chief_{chief_id}_phone_shanghai.png")
    assert opened.errors == [] and opened.outside == []
