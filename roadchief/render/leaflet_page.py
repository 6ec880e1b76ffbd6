"""A map page without folium: inlined Leaflet, the page's CSS and script, its data as JSON.

Used for the pages written once per person (thousands in a large city): one string
template instead of a folium object tree per page. The page loads nothing from the network
unless the data names tiles.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from roadchief.i18n import Translator
from roadchief.render.assets import leaflet_head, read_asset
from roadchief.render.page import script_json
from roadchief.render.tiles import BaseMap


def leaflet_page(title: str, data: Any, *, script: str, css: str, tr: Translator) -> str:
    """A whole page: ``data`` as ``RC_DATA`` for the asset ``script``, styled by ``css``."""
    return (
        f"<!DOCTYPE html><html lang='{tr.html_lang}'><head><meta charset='UTF-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1, "
        "maximum-scale=5'>"
        f"<title>{html.escape(title)}</title>{leaflet_head()}"
        f"<style>{read_asset(css)}</style></head><body><div id='map'></div>"
        f"<script>var RC_DATA = {script_json(data)};</script>"
        f"<script>{read_asset(script)}</script></body></html>"
    )


def write_page(path: Path, text: str) -> None:
    """Write a page as UTF-8, creating its folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def tile_layers(base: BaseMap | None) -> list[dict[str, Any]]:
    """The base map's tile layers for the page script (none: an offline page)."""
    if base is None:
        return []
    return [
        {
            "url": t.url,
            "attribution": t.attribution,
            "subdomains": t.subdomains,
            "maxZoom": t.max_zoom,
            "overlay": t.overlay,
        }
        for t in base.layers
    ]
