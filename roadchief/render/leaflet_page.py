"""A map page without folium: Leaflet (linked or inlined), the page's CSS and script, its data.

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
from roadchief.render.shared_assets import leaflet_link, missing_note
from roadchief.render.tiles import BaseMap


def leaflet_page(
    title: str, data: Any, *, script: str, css: str, tr: Translator, shared: str | None = None
) -> str:
    """A whole page: ``data`` as ``RC_DATA`` for the asset ``script``, styled by ``css``.

    ``shared``: the path from the page to the run folder's ``assets/`` (``../assets/``),
    whose Leaflet file the page links (``shared_assets``); None inlines Leaflet (a single
    file). The page's own script and style (a few KB) are always inlined.
    """
    head, tail = map_parts(data, script=script, tr=tr, shared=shared)
    return (
        f"<!DOCTYPE html><html lang='{tr.html_lang}'><head><meta charset='UTF-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1, "
        "maximum-scale=5'>"
        f"<title>{html.escape(title)}</title>{head}<style>{read_asset(css)}</style></head>"
        f"<body><div id='map'></div>{tail}</body></html>"
    )


def map_parts(data: Any, *, script: str, tr: Translator, shared: str | None) -> tuple[str, str]:
    """A map's markup for the page head (Leaflet, linked or inlined) and for the end of the
    body (``data`` as ``RC_DATA``, then the asset ``script`` that draws it into ``#map``)."""
    head = leaflet_head() if shared is None else leaflet_link(shared)
    tail = f"<script>var RC_DATA = {script_json(data)};</script>"
    if shared is None:
        return head, tail + f"<script>{read_asset(script)}</script>"
    # opened without assets/: say so instead of failing
    tail += missing_note(tr("This map needs the assets folder of its run: open it inside "
                            "the run folder, or ask for the single-file page."))  # fmt: skip
    return head, tail + f"<script>if (window.L) {{\n{read_asset(script)}\n}}</script>"


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
