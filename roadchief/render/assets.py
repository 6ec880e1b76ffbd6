"""Inline the vendored Leaflet (and jQuery where a page needs it) so a map works offline.

folium links Leaflet, jQuery, Bootstrap and Font Awesome from CDNs: with no network (a
chief's phone in a basement, a city intranet) the page is blank. Each roadchief map sets
its own ``default_js`` / ``default_css`` to nothing (``add_js_link`` would change every
later map) and gets the files from ``assets/`` inlined into its head instead, so one HTML
file can be sent over WeChat and opened anywhere.
"""

from __future__ import annotations

import base64
import functools
import re
from importlib import resources
from importlib.resources.abc import Traversable

import folium
from branca.element import Element

ASSETS_PLACEHOLDER = "<!--roadchief:assets-->"
"""Stands in the page head for the inlined files until the page is written."""

LEAFLET_VERSION = "1.9.3"
JQUERY_VERSION = "3.7.1"

_USES_JQUERY = re.compile(r"(?<![\w$.])\$(?:\(|\.ajax)")
_ICON_FILES = {
    "iconUrl": "marker-icon.png",
    "iconRetinaUrl": "marker-icon-2x.png",
    "shadowUrl": "marker-shadow.png",
}


def assets_dir() -> Traversable:
    """The folder of vendored files (with their licences) inside the package."""
    return resources.files("roadchief.render").joinpath("assets")


def use_offline_assets(m: folium.Map) -> None:
    """Make ``m`` load nothing from the network: no CDN links, a placeholder in the head.

    ``inline_assets`` later puts the files in place of the placeholder.
    """
    m.default_js = []
    m.default_css = []
    holder = Element("{{ this.markup }}")
    holder.markup = ASSETS_PLACEHOLDER  # type: ignore[attr-defined]
    m.get_root().header.add_child(holder, name="roadchief_assets", index=0)  # type: ignore[attr-defined]


def inline_assets(page: str) -> str:
    """The page with Leaflet inlined in place of the placeholder, and jQuery if it uses ``$``.

    Raises
    ------
    ValueError
        If the page has no placeholder (it was not prepared by ``use_offline_assets``).
    """
    if ASSETS_PLACEHOLDER not in page:
        raise ValueError("the page has no assets placeholder; call use_offline_assets first")
    head = leaflet_head()
    if needs_jquery(page):
        head = _script(read_asset("jquery.min.js")) + head
    return page.replace(ASSETS_PLACEHOLDER, head, 1)


def needs_jquery(page: str) -> bool:
    """True if the page's own scripts call jQuery (``$(…)`` or ``$.ajax``)."""
    return _USES_JQUERY.search(page) is not None


@functools.cache
def leaflet_head() -> str:
    """Leaflet's CSS (images as data URIs), its script, and default icons that need no files."""
    return f"<style>{leaflet_css()}</style>" + _script(leaflet_script())


@functools.cache
def leaflet_css() -> str:
    """Leaflet's CSS with its images as data URIs (one file, no image folder)."""
    return re.sub(
        r"url\(images/([\w.-]+\.png)\)",
        lambda m: f"url({_data_uri(m.group(1))})",
        read_asset("leaflet.css"),
    )


@functools.cache
def leaflet_script() -> str:
    """Leaflet's script, then default marker icons as data URIs (no image files)."""
    icons = ",".join(f"{k}:'{_data_uri(v)}'" for k, v in _ICON_FILES.items())
    icon_js = f"L.Icon.Default.imagePath='';L.Icon.Default.mergeOptions({{{icons}}});"
    return read_asset("leaflet.js") + "\n" + icon_js


def _script(code: str) -> str:
    if "</script" in code.lower():
        raise ValueError("an inlined script must not contain '</script'")
    return f"<script>{code}</script>"


@functools.cache
def read_asset(name: str) -> str:
    """The text of a file in ``assets/`` (read once)."""
    return assets_dir().joinpath(name).read_text(encoding="utf-8")


@functools.cache
def _data_uri(image: str) -> str:
    data = assets_dir().joinpath("images", image).read_bytes()
    return "data:image/png;base64," + base64.b64encode(data).decode("ascii")
