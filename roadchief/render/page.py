"""Build a map page with folium: one titled, offline page, its script, layers, boxes and view."""

from __future__ import annotations

import html
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import folium
import geopandas as gpd
import orjson
from branca.element import Element, Figure, MacroElement
from folium.template import Template
from folium.utilities import JsCode

from roadchief.render.assets import inline_assets, read_asset, use_offline_assets
from roadchief.render.draw import Draw, bounds
from roadchief.render.labels import Tables
from roadchief.render.tiles import BaseMap, add_base_map, base_map

TABLES_PLACEHOLDER = "/*RC_TABLES*/null"
"""Stands in ``map.js`` for the lookup tables of the page."""


def resolve_tiles(tiles: BaseMap | str | None) -> BaseMap | None:
    """The base map asked for: a ``BaseMap``, the name of one without a key, or None."""
    return tiles if isinstance(tiles, BaseMap) or tiles is None else base_map(tiles)


def new_map(title: str, *, base: BaseMap | None, prefer_canvas: bool) -> folium.Map:
    """A folium map in its own titled page that loads nothing from the network.

    Leaflet is inlined when the page is saved; tiles are added only if a base map is given.
    """
    figure = Figure(title=html.escape(title))
    m = folium.Map(
        tiles=None, control_scale=False, prefer_canvas=prefer_canvas, zoom_snap=0.25, zoom_delta=0.5
    )
    figure.add_child(m)
    use_offline_assets(m)
    css = "<style>\n" + read_asset("map.css") + "</style>"
    figure.header.add_child(raw(css), name="rc_css")
    m.add_child(_PlainAttributionPrefix())
    add_base_map(m, base)
    return m


class _PlainAttributionPrefix(MacroElement):
    """Credit Leaflet by name only: its default prefix carries a national flag, and a
    city street map shows no national symbols."""

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "{{ this._parent.get_name() }}.attributionControl.setPrefix('Leaflet');"
        "{% endmacro %}"
    )

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]


def raw(markup: str) -> Element:
    """An element that outputs ``markup`` as is (not parsed as a Jinja template)."""
    element = Element("{{ this.markup }}")
    element.markup = markup  # type: ignore[attr-defined]
    return element


def add_html(m: folium.Map, markup: str) -> None:
    """Add an HTML block (a legend, a title box) over the map."""
    m.get_root().html.add_child(raw(markup))  # type: ignore[attr-defined]


def add_script(m: folium.Map, tables: Tables) -> None:
    """Put the ``RC`` helper script (``map.js``) and the lookup tables in the page head."""
    data = {
        "chiefs": tables.chiefs,
        "zones": tables.zones,
        "slots": tables.slots,
        "days": tables.days,
        "words": tables.words,
    }
    code = read_asset("map.js").replace(TABLES_PLACEHOLDER, script_json(data), 1)
    script = "<script>\n" + code + "</script>"
    m.get_root().header.add_child(raw(script), name="rc_script")  # type: ignore[attr-defined]


def script_json(data: Any) -> str:
    """Compact JSON that is safe inside a ``<script>`` element; Chinese is kept as is
    (orjson: a city's thousand person pages encode ten times faster than with json)."""
    text = orjson.dumps(data).decode("utf-8")
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def add_geojson(
    m: folium.Map,
    features: list[dict[str, Any]],
    name: str,
    *,
    on_each_feature: str,
    show: bool = True,
    **options: Any,
) -> None:
    """Add one layer of features; each feature's ``properties.style`` styles it."""
    folium.GeoJson(
        {"type": "FeatureCollection", "features": features},
        name=html.escape(name),
        on_each_feature=JsCode(on_each_feature),
        show=show,
        **options,
    ).add_to(m)


class _MapCall(MacroElement):
    """A script line ``fn(<the map>, args)`` run after the map and its layers exist."""

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "{{ this.function }}({{ this._parent.get_name() }}, {{ this.args }});"
        "{% endmacro %}"
    )

    def __init__(self, function: str, args: Any) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "MapCall"
        self.function = function
        self.args = script_json(args)


def add_call(m: folium.Map, function: str, args: Any) -> None:
    """Call ``function(map, args)`` in the page once the map's layers are added."""
    _MapCall(function, args).add_to(m)


def fit(m: folium.Map, frames: Iterable[gpd.GeoDataFrame], draw: Draw) -> None:
    """Fit the view to the frames' data; leave the default view if they are all empty."""
    box = bounds(frames, draw)
    if box is not None:
        m.fit_bounds(box, padding=(16, 16))


def save(m: folium.Map, path: Path) -> None:
    """Write the page as one UTF-8 file with its scripts inlined, creating the folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    page = m.get_root().render()
    path.write_text(inline_assets(page), encoding="utf-8")
