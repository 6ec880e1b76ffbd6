"""The run folder's shared page file (``assets/``): Leaflet, written once and linked from
every person and area map page, and the single-file page that inlines it again for one
person on request.

A person page that inlines Leaflet weighs about 225 KB (65 KB gzipped), 172 KB of it the
same Leaflet in every page: 1,230 pages of the 10x demo city carried 229 MB. Linked, a page
is its data and a few lines (about 50 KB, 12 KB gzipped) and the phone fetches Leaflet once
(``bench/bench_page_weight.py`` measures both on a throttled connection). A file name
carries a hash of its content, so a server may cache it for good.
"""

from __future__ import annotations

import functools
import hashlib
import html
import json
import re
from pathlib import Path

from roadchief.errors import RoadchiefError
from roadchief.render.assets import LEAFLET_VERSION, leaflet_css, leaflet_script, read_asset

ASSETS_FOLDER = "assets"
"""The folder of shared files in a run folder."""

_LINKED = re.compile(r"<script src='(?P<js>\.\./assets/[\w.-]+\.js)'></script>")


@functools.cache
def leaflet_file() -> tuple[str, str]:
    """The shared Leaflet file: its name (with a hash of its content) and its script, which
    adds Leaflet's CSS to the page, then runs Leaflet and sets icons that need no files.

    One file, so that a phone with an empty cache makes one request beyond the page."""
    style = (
        "(function(){var s=document.createElement('style');s.textContent="
        + json.dumps(leaflet_css())
        + ";document.head.appendChild(s);})();\n"
    )
    text = style + leaflet_script()
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:10]
    return f"leaflet-{LEAFLET_VERSION}.{digest}.js", text


def leaflet_link(prefix: str) -> str:
    """The page head's link to the shared Leaflet file, ``prefix`` the path to ``assets/``."""
    return f"<script src='{prefix}{leaflet_file()[0]}'></script>"


def write_shared_assets(folder: Path) -> Path:
    """Write ``folder/assets/`` (every shared file and Leaflet's licence); its path."""
    target = folder / ASSETS_FOLDER
    target.mkdir(parents=True, exist_ok=True)
    name, text = leaflet_file()
    (target / name).write_text(text, encoding="utf-8")
    (target / "LICENSE-leaflet.txt").write_text(read_asset("LICENSE-leaflet.txt"), "utf-8")
    return target


def single_file_page(page: Path) -> str:
    """A run folder's page with its shared files inlined: one file that opens alone, offline
    (to send one person their page). The files are read from the run's ``assets/``.

    Raises
    ------
    RoadchiefError
        If a file the page links is missing from the run folder.
    """
    folder = page.parent.parent / ASSETS_FOLDER

    def inline(m: re.Match[str]) -> str:
        rel = m.group("js")
        path = folder / rel.removeprefix(f"../{ASSETS_FOLDER}/")
        if not path.is_file():
            raise RoadchiefError(
                f"{page}: the shared file {path.name} is missing from {folder}; "
                "write the run folder again (roadchief plan) to restore it"
            )
        text = path.read_text(encoding="utf-8")
        if "</script" in text.lower():
            raise RoadchiefError(f"{path}: a script must not contain '</script'")
        return f"<script>{text}</script>"

    return _LINKED.sub(inline, page.read_text(encoding="utf-8"))


def missing_note(text: str) -> str:
    """Markup shown instead of the map when the page was opened without its shared files."""
    return (
        f"<p id='rc-missing' hidden style='font:16px sans-serif;padding:1em'>"
        f"{html.escape(text)}</p>"
        "<script>if(!window.L)document.getElementById('rc-missing').hidden=false;</script>"
    )
