"""Background street maps a page may show: none (the default), OSM, Tianditu or Amap.

A map is drawn without tiles unless asked for: then it needs no network and never shows a
national inset or a country border. OpenStreetMap is for development; Tianditu (天地图, the
national platform, WGS-84 / CGCS2000) needs a key (``tk``) from the rules file or the
``ROADCHIEF_TIANDITU_KEY`` environment variable; Amap (高德) tiles are in GCJ-02, so the
overlays are converted when it is chosen. Each layer carries its provider's attribution.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import folium

from roadchief.errors import ConfigError

BASE_MAP_NAMES = ("none", "osm", "tianditu", "amap")
"""What ``--tiles`` and ``[map] tiles`` accept."""

_TIANDITU = (
    "https://t{s}.tianditu.gov.cn/{layer}_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0"
    "&LAYER={layer}&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles"
    "&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk={key}"
)
_TIANDITU_ATTR = '&copy; <a href="https://www.tianditu.gov.cn/">天地图</a> 国家地理信息公共服务平台'


@dataclass(frozen=True)
class TileSpec:
    """One tile layer: URL template, attribution and how it is listed."""

    url: str
    attribution: str
    label: str
    subdomains: str = "abc"
    max_zoom: int = 19
    overlay: bool = False
    """True for a label layer drawn over the base (Tianditu's annotation)."""


@dataclass(frozen=True)
class BaseMap:
    """A background street map and the datum its tiles are drawn in."""

    name: str
    layers: tuple[TileSpec, ...]
    datum: Literal["wgs84", "gcj02"] = "wgs84"

    @property
    def needs_gcj02(self) -> bool:
        """True if overlays must be converted to GCJ-02 to sit on these tiles."""
        return self.datum == "gcj02"


def base_map(name: str | None, *, tianditu_key: str = "") -> BaseMap | None:
    """The base map called ``name`` (``none``/None for no tiles).

    Raises
    ------
    ConfigError
        For an unknown name, or Tianditu without a key.
    """
    key = (name or "none").strip().lower()
    if key in ("none", ""):
        return None
    if key in ("osm", "openstreetmap"):
        return BaseMap(
            "osm",
            (
                TileSpec(
                    "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
                    '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>'
                    " contributors",
                    "OpenStreetMap",
                ),
            ),
        )
    if key == "tianditu":
        if not tianditu_key.strip():
            raise ConfigError(
                "the Tianditu base map needs a key (tk); set map.tianditu_key in the rules "
                "file or the ROADCHIEF_TIANDITU_KEY environment variable, or use --tiles none"
            )
        tk = tianditu_key.strip()
        return BaseMap(
            "tianditu",
            (
                TileSpec(
                    _TIANDITU.format(layer="vec", key=tk, s="{s}", z="{z}", x="{x}", y="{y}"),
                    _TIANDITU_ATTR,
                    "天地图 矢量",
                    subdomains="01234567",
                    max_zoom=18,
                ),
                TileSpec(
                    _TIANDITU.format(layer="cva", key=tk, s="{s}", z="{z}", x="{x}", y="{y}"),
                    _TIANDITU_ATTR,
                    "天地图 注记",
                    subdomains="01234567",
                    max_zoom=18,
                    overlay=True,
                ),
            ),
        )
    if key == "amap":
        return BaseMap(
            "amap",
            (
                TileSpec(
                    "https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1"
                    "&style=8&x={x}&y={y}&z={z}",
                    '&copy; <a href="https://www.amap.com/">高德地图</a>',
                    "高德地图",
                    subdomains="1234",
                    max_zoom=18,
                ),
            ),
            datum="gcj02",
        )
    raise ConfigError(
        f"unknown base map {name!r}; use one of {', '.join(BASE_MAP_NAMES)} (--tiles or "
        "map.tiles in the rules file)"
    )


def add_base_map(m: folium.Map, base: BaseMap | None) -> None:
    """Add the base map's tile layers to ``m``; nothing for None."""
    if base is None:
        return
    for spec in base.layers:
        folium.TileLayer(
            tiles=spec.url,
            attr=spec.attribution,
            name=spec.label,
            subdomains=spec.subdomains,
            max_zoom=spec.max_zoom,
            overlay=spec.overlay,
        ).add_to(m)
