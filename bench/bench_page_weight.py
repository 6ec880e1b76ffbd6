"""Weigh a chief's page and time its opening on a slow mobile network, linked or single-file.

Run ``.venv/bin/python bench/bench_page_weight.py [--sizes 1 10]``. Writes the outputs of
the demo city tiled ``size`` times (greedy roster, as bench_maps), then prints:

- bytes of the person pages as written (linking Leaflet and their script from the run
  folder's ``assets/``), of ``assets/``, and of the single-file page (everything inlined,
  what ``single_file_page`` gives one person), raw and gzipped;
- seconds until the median-sized page has drawn its tour in headless Chromium at a phone
  viewport, served from 127.0.0.1 (gzip, ``assets/`` cached as immutable, as the web app
  should serve them) through Chrome DevTools' network emulation of "Fast 3G" and "Slow 3G":
  the single-file page, the linked page with an empty cache (the first page a phone opens)
  and with ``assets/`` cached (every later page or day).

Bound (issue #14): a page that stays light on a slow mobile network; the linked page with a
warm cache must open faster than the single-file page on both profiles.
"""

from __future__ import annotations

import argparse
import gzip
import http.server
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

from bench_maps import write_city

from roadchief.render.shared_assets import ASSETS_FOLDER, single_file_page

PROFILES = {
    # Chrome DevTools presets: latency ms, download and upload bytes/s
    "Fast 3G": (562.5, 1.6e6 * 0.9 / 8, 0.75e6 * 0.9 / 8),
    "Slow 3G": (2000.0, 0.5e6 * 0.8 / 8, 0.5e6 * 0.8 / 8),
}


class _Handler(http.server.BaseHTTPRequestHandler):
    root: Path

    def do_GET(self) -> None:
        path = (self.root / self.path.lstrip("/").split("?")[0]).resolve()
        if not path.is_relative_to(self.root) or not path.is_file():
            self.send_error(404)
            return
        body = path.read_bytes()
        self.send_response(200)
        kind = {".html": "text/html", ".js": "text/javascript", ".css": "text/css"}
        self.send_header("Content-Type", kind.get(path.suffix, "application/octet-stream"))
        if "gzip" in self.headers.get("Accept-Encoding", ""):
            body = gzip.compress(body, mtime=0)
            self.send_header("Content-Encoding", "gzip")
        cache = "no-cache"
        if path.parent.name == ASSETS_FOLDER:
            cache = "public, max-age=31536000, immutable"
        self.send_header("Cache-Control", cache)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@contextmanager
def serve(root: Path) -> Iterator[str]:
    handler = type("Handler", (_Handler,), {"root": root.resolve()})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()


def open_s(browser: Any, urls: list[str], profile: tuple[float, float, float]) -> float:
    """Seconds until the last of ``urls`` (opened in turn, one cache) has drawn its tour."""
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, device_scale_factor=3, is_mobile=True,
        has_touch=True,
    )  # fmt: skip
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    latency, down, up = profile
    cdp.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": latency, "downloadThroughput": down,
         "uploadThroughput": up},
    )  # fmt: skip
    seconds = 0.0
    for url in urls:
        start = time.perf_counter()
        page.goto(url, timeout=180_000)
        page.wait_for_function(
            "document.querySelectorAll('path.leaflet-interactive').length > 0",
            timeout=180_000, polling=50,
        )  # fmt: skip
        seconds = time.perf_counter() - start
    context.close()
    return seconds


def weigh(paths: list[Path]) -> tuple[float, float, float]:
    """Median raw KB, median gzip KB, total raw MB."""
    raw = [p.stat().st_size for p in paths]
    packed = [len(gzip.compress(p.read_bytes(), mtime=0)) for p in paths]
    return statistics.median(raw) / 1e3, statistics.median(packed) / 1e3, sum(raw) / 1e6


def run(times: int, out: Path) -> None:
    label, _, _ = write_city(times, out)
    maps = sorted(
        (p for p in (out / "chiefs").glob("*.html") if "RC_DATA" in p.read_text("utf-8")),
        key=lambda p: p.stat().st_size,
    )
    median, other = maps[len(maps) // 2], maps[len(maps) // 2 + 1]
    single = out / "single"
    single.mkdir()
    for page in (median, other):
        (single / page.name).write_text(single_file_page(page), encoding="utf-8")
    singles = [len(single_file_page(page).encode("utf-8")) for page in maps]
    assets = [p for p in (out / ASSETS_FOLDER).iterdir() if p.suffix == ".js"]
    print(f"\n{label}: {len(maps)} map pages")
    print(f"{'what':<40}{'median KB':>11}{'gzip KB':>10}{'all MB':>9}")
    for name, paths in (("person page (linked)", maps), ("assets/ (once per run)", assets)):
        kb, gz, mb = weigh(paths)
        print(f"{name:<40}{kb:>11.0f}{gz:>10.0f}{mb:>9.1f}")
    kb, gz, _ = weigh([single / median.name])
    print(f"{'single-file page (median page)':<40}{kb:>11.0f}{gz:>10.0f}{sum(singles) / 1e6:>9.1f}")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        print("playwright missing: no opening times")
        return
    with serve(out) as base, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        print(f"{'opening the median page (s)':<40}" + "".join(f"{p:>11}" for p in PROFILES))
        cases = {
            "single-file": [f"{base}/single/{median.name}"],
            "linked, empty cache": [f"{base}/chiefs/{median.name}"],
            "linked, assets cached": [
                f"{base}/chiefs/{other.name}",
                f"{base}/chiefs/{median.name}",
            ],
        }
        for case, urls in cases.items():
            cells = "".join(f"{open_s(browser, urls, p):>11.2f}" for p in PROFILES.values())
            print(f"{case:<40}{cells}")
        browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1])
    args = parser.parse_args()
    for times in args.sizes:
        with tempfile.TemporaryDirectory() as tmp:
            run(times, Path(tmp))


if __name__ == "__main__":
    main()
