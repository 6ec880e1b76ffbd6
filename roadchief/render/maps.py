"""Draw the planners' overview map and one phone map per chief with folium.

The maps only show results: ownership, the roster and the unplaced segments are decided
elsewhere. Every group of features is one ``GeoJson`` layer (not one folium object per
segment) so that a city of 26,000 segments stays light; tooltips and popups are built in
the browser by a small script (``RC``) from compact feature properties and one lookup table
of names, and every text from the input is HTML-escaped there.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
import json
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import folium
import geopandas as gpd
import numpy as np
import shapely
from branca.element import Element, Figure, MacroElement
from folium.template import Template
from folium.utilities import JsCode

from roadchief.crossings import segment_ends
from roadchief.domain import (
    Assignment,
    Chief,
    ChiefLevel,
    Ownership,
    PatrolInstance,
    Roster,
)
from roadchief.errors import RoadchiefError
from roadchief.geo.china import wgs84_to_gcj02_xy
from roadchief.geo.city import PreparedCity
from roadchief.render.assets import inline_assets, use_offline_assets
from roadchief.render.tiles import BaseMap, add_base_map, base_map
from roadchief.solve.roster.walk import TourWalk, measure_roster

COORD_DECIMALS = 5
"""Decimals kept in map coordinates: 5 is about 1 m, what a street map needs."""

XY = Callable[[np.ndarray], np.ndarray]
"""A function from an (n, 2) array of [lon, lat] to the coordinates drawn on the map."""

OWNER_PALETTE: tuple[str, ...] = (
    "#1f77b4",
    "#ff7f0e",
    "#2ca02c",
    "#9467bd",
    "#17becf",
    "#e377c2",
    "#8c564b",
    "#bcbd22",
    "#393b79",
    "#637939",
    "#7b4173",
    "#3182bd",
)
"""Distinct line colours for chiefs; red is kept for unplaced segments."""

UNPLACED_COLOUR = "#d62728"
DAY_PALETTE: tuple[str, ...] = (
    "#1f77b4",
    "#2ca02c",
    "#ff7f0e",
    "#9467bd",
    "#17becf",
    "#8c564b",
    "#e377c2",
)
"""Tour colour by weekday on a chief's map (Monday first)."""

LEVEL_NAMES: Mapping[ChiefLevel, str] = {
    ChiefLevel.GENERAL: "总路长",
    ChiefLevel.L1: "一级路长",
    ChiefLevel.L2: "二级路长",
    ChiefLevel.SEGMENT: "路段长",
    ChiefLevel.PATROLLER: "巡查员",
}
WEEKDAY_NAMES = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")

_SAFE_ID = re.compile(r"[\w.-]+")

_CSS = """
<style>
  .leaflet-container { background: #f4f4f0; }
  .rc-box { position: fixed; z-index: 1000; background: rgba(255,255,255,0.93);
    border-radius: 6px; box-shadow: 0 1px 5px rgba(0,0,0,0.4); padding: 6px 9px;
    font: 13px/1.4 "Helvetica Neue", Arial, "PingFang SC", "Microsoft YaHei",
    "Noto Sans CJK SC", sans-serif; }
  .rc-legend { left: 10px; bottom: 56px; max-width: min(300px, 70vw); }
  .rc-legend .rc-list { max-height: 40vh; overflow: auto; }
  .rc-title { left: 54px; top: 10px; max-width: calc(100vw - 120px); }
  .rc-title ol { margin: 4px 0; padding-left: 18px; }
  .rc-swatch { display: inline-block; width: 22px; height: 0; margin-right: 6px;
    vertical-align: middle; border-top: 4px solid; }
  .rc-swatch.rc-dashed { border-top-style: dashed; }
  .rc-swatch.rc-area { height: 10px; border: 2px solid #555; background: rgba(136,136,136,.15); }
  .rc-zone-name { font-weight: bold; margin-top: 4px; }
  .rc-num { background: none; border: none; }
  .rc-num span { display: block; width: 22px; height: 22px; border-radius: 11px;
    color: #fff; font: bold 12px/22px Arial, sans-serif; text-align: center;
    border: 2px solid #fff; box-shadow: 0 0 3px rgba(0,0,0,0.6); box-sizing: border-box; }
  .rc-ctl { background: rgba(255,255,255,0.93); border-radius: 6px; padding: 6px 8px;
    box-shadow: 0 1px 5px rgba(0,0,0,0.4); font: 12px/1.5 "Helvetica Neue", Arial,
    "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", sans-serif; max-width: 60vw; }
  .rc-ctl label { display: block; white-space: nowrap; }
  .rc-ctl select { max-width: 150px; font-size: 12px; }
  .rc-tours { right: 10px; bottom: 22px; max-width: 45vw; font-size: 12px; }
  .rc-pop table { border-collapse: collapse; }
  .rc-pop td { padding: 1px 6px 1px 0; white-space: nowrap; }
</style>
"""

_SCRIPT = """
var RC = (function () {
  var T = %s;
  function esc(s) {
    return String(s === null || s === undefined ? '' : s).replace(/[&<>"']/g, function (c) {
      return {'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;'}[c];
    });
  }
  function chief(id) { return T.chiefs[id] || id || '—'; }
  function zone(id) { return T.zones[id] || id || '—'; }
  function road(p) { return p.road ? esc(p.road) : '（无名道路）'; }
  function span(p) {
    var e = (p.ends || []).filter(function (x) { return x; });
    return e.length ? '<br>' + T.words.span + ' ' + esc(e.join(' — ')) : '';
  }
  function segmentTip(p) {
    return '<b>' + road(p) + '</b> ' + esc(p.id) + span(p) + '<br>' + esc(zone(p.zone)) +
      ' · ' + T.words.owner + ' ' + esc(chief(p.owner)) + '<br>' + T.words.patrols + ' ' +
      esc(p.plan) + ' / ' + esc(p.req);
  }
  function segmentPopup(p) {
    var rows = (p.patrols || []).map(function (r) {
      return '<tr><td>' + esc(T.days[r[0]] || r[0]) + '</td><td>' + esc(T.slots[r[1]] || r[1]) +
        '</td><td>' + esc(chief(r[2])) + '</td></tr>';
    });
    return '<div class="rc-pop"><b>' + road(p) + '</b> ' + esc(p.id) + '<br>' +
      T.words.patrols + ' ' + esc(p.plan) + ' / ' + esc(p.req) +
      (rows.length ? '<table>' + rows.join('') + '</table>' : '<br>' + T.words.none) + '</div>';
  }
  function unplacedTip(p) {
    return '<b>' + T.words.unplaced + '</b> ' + esc(p.id) + '<br>' + road(p) + '<br>' +
      esc(p.reason);
  }
  function stopTip(p) {
    return '<b>' + esc(p.order) + '. ' + road(p) + '</b> ' + esc(p.id) + '<br>' +
      esc(p.when) + (p.helper ? '<br>' + T.words.helper + ' ' + esc(chief(p.owner)) : '');
  }
  function ownTip(p) {
    return '<b>' + road(p) + '</b> ' + esc(p.id) + '<br>' + T.words.patrols + ' ' +
      esc(p.plan) + ' / ' + esc(p.req);
  }
  function placeTip(p) {
    return '<b>' + esc(p.name || p.id) + '</b><br>' + T.words.place + ' · ' + esc(p.type);
  }
  function bind(tip, popup) {
    return function (feature, layer) {
      layer.bindTooltip(function () { return tip(feature.properties); }, {sticky: true});
      if (popup) {
        layer.bindPopup(function () { return popup(feature.properties); }, {maxWidth: 300});
      }
    };
  }
  var segments = [];
  var bindSegmentFeature = bind(segmentTip, segmentPopup);
  var COUNT_COLOURS = ['#d62728', '#c6dbef', '#9ecae1', '#6baed6', '#3182bd', '#08519c'];
  function countColour(n) {
    return COUNT_COLOURS[n <= 0 ? 0 : n <= 2 ? n : n <= 4 ? 3 : n <= 6 ? 4 : 5];
  }
  function option(value, label) {
    return '<option value="' + esc(value) + '">' + esc(label) + '</option>';
  }
  // Colour by owner or by patrol count; show one day's or one chief's segments only.
  function overviewControl(map, o) {
    var control = L.control({position: 'topright'});
    control.onAdd = function () {
      var div = L.DomUtil.create('div', 'leaflet-control rc-ctl');
      var chiefs = o.owners.map(function (g) {
        return '<optgroup label="' + esc(g[0]) + '">' + g[1].map(function (c) {
          return option(c[0], c[1]);
        }).join('') + '</optgroup>';
      }).join('');
      var swatches = ['0', '1', '2', '3–4', '5–6', '7+'].map(function (label, i) {
        return '<span class="rc-swatch" style="border-color:' + COUNT_COLOURS[i] + '"></span>' +
          label;
      }).join(' ');
      div.innerHTML =
        '<label>' + T.words.colour + ' <select name="mode">' + option('owner', T.words.byOwner) +
        option('count', T.words.byCount) + '</select></label>' +
        '<label>' + T.words.day + ' <select name="day">' + option('', T.words.all) +
        o.days.map(function (d) { return option(d[0], d[1]); }).join('') + '</select></label>' +
        '<label>' + T.words.chief + ' <select name="chief">' + option('', T.words.all) + chiefs +
        '</select></label><div class="rc-counts" hidden>' + swatches + '</div>';
      L.DomEvent.disableClickPropagation(div);
      L.DomEvent.disableScrollPropagation(div);
      var get = function (name) { return div.querySelector('[name="' + name + '"]').value; };
      div.addEventListener('change', function () {
        var mode = get('mode'), day = get('day'), chief = get('chief');
        div.querySelector('.rc-counts').hidden = mode !== 'count';
        segments.forEach(function (layer) {
          var p = layer.feature.properties;
          var shown = (!chief || p.owner === chief) && (!day || (p.patrols || []).some(
            function (r) { return r[0] === day; }));
          layer.setStyle({
            color: mode === 'count' ? countColour(p.plan) : p.style.color,
            opacity: shown ? p.style.opacity : 0.08
          });
        });
      });
      return div;
    };
    control.addTo(map);
    return control;
  }
  return {
    esc: esc,
    segmentTip: segmentTip,
    segmentPopup: segmentPopup,
    countColour: countColour,
    overviewControl: overviewControl,
    bindSegment: function (feature, layer) {
      segments.push(layer);
      bindSegmentFeature(feature, layer);
    },
    bindPlace: bind(placeTip, placeTip),
    placeMarker: function (feature, latlng) {
      return L.circleMarker(latlng, {radius: 6, color: '#333', weight: 1, fillColor: '#ffcc00',
        fillOpacity: 0.95, className: 'rc-place'});
    },
    bindZone: bind(function (p) { return '<b>' + esc(p.name) + '</b> ' + esc(p.zone_id); }),
    bindUnplaced: bind(unplacedTip, unplacedTip),
    bindOwn: bind(ownTip, segmentPopup),
    bindStop: bind(stopTip, stopTip),
    numberMarker: function (feature, latlng) {
      var p = feature.properties;
      return L.marker(latlng, {icon: L.divIcon({
        className: 'rc-num', iconSize: [22, 22], iconAnchor: [11, 11],
        html: '<span style="background:' + esc(p.colour) + '">' + esc(p.order) + '</span>'
      })});
    }
  };
})();
"""

_WORDS = {
    "owner": "路段长",
    "span": "起止",
    "patrols": "本周巡查（计划/要求）",
    "none": "本周无巡查安排",
    "unplaced": "未落区路段",
    "helper": "协助巡查，路段长",
    "place": "重点点位",
    "colour": "颜色",
    "byOwner": "按路段长",
    "byCount": "按本周巡查次数",
    "day": "日期",
    "chief": "路段长",
    "all": "全部",
}


@dataclasses.dataclass(frozen=True)
class _Tables:
    """Names the browser script looks ids up in."""

    chiefs: dict[str, str]
    zones: dict[str, str]
    slots: dict[str, str]
    days: dict[str, str]


def render_overview(
    city: PreparedCity,
    ownership: Ownership,
    roster: Roster,
    instance: PatrolInstance,
    path: Path,
    *,
    tiles: BaseMap | str | None = None,
    prefer_canvas: bool = False,
    coord_decimals: int = COORD_DECIMALS,
) -> None:
    """Write the planners' map: zones, segments coloured by owner, unplaced segments.

    Parameters
    ----------
    city
        The prepared city; its GeoDataFrames are in EPSG:4326.
    ownership, roster, instance
        The results to show; nothing is decided here.
    path
        The HTML file to write.
    tiles
        None for no background tiles (offline, tests, the default); a ``BaseMap`` or the
        name of one without a key (``"osm"``) for a street map behind the data. Over a
        GCJ-02 base map (Amap) every overlay is converted to GCJ-02.
    prefer_canvas
        Draw on a canvas instead of SVG: faster for tens of thousands of segments.
    coord_decimals
        Decimals kept in coordinates; lines are simplified within the same tolerance.
    """
    base = _resolve_tiles(tiles)
    draw = _Draw(coord_decimals, wgs84_to_gcj02_xy if base and base.needs_gcj02 else None)
    colours = colour_chiefs(instance, ownership)
    zone_names = _zone_names(instance, city.zones_gdf)
    m = _new_map(f"{instance.week} 路长制巡查总图", base=base, prefer_canvas=prefer_canvas)
    tables = _tables(instance, zone_names)
    _add_script(m, tables)

    _add_zones(m, city.zones_gdf, draw)
    features = _segment_features(city.segments_gdf, ownership, roster, instance, colours, draw)
    by_zone: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for feature in features:
        by_zone[feature["properties"]["zone"]].append(feature)
    for zone_id in sorted(by_zone, key=lambda z: (zone_names.get(z, z), z)):
        name = f"路段 · {zone_names.get(zone_id, zone_id)} ({len(by_zone[zone_id])})"
        _add_geojson(m, by_zone[zone_id], name, on_each_feature="RC.bindSegment")
    unplaced = _unplaced_features(city.unplaced_gdf, draw)
    if unplaced:
        _add_geojson(
            m, unplaced, f"未落区路段 ({len(unplaced)})", on_each_feature="RC.bindUnplaced"
        )
    _add_places(m, city.places_gdf, draw)

    _add_html(m, _overview_legend(instance, ownership, colours, zone_names, len(unplaced)))
    folium.LayerControl(collapsed=True).add_to(m)
    _add_call(m, "RC.overviewControl", _filter_options(instance, ownership, tables, zone_names))
    _fit(m, [city.zones_gdf, city.segments_gdf, city.unplaced_gdf], draw)
    _save(m, path)


def render_chief_maps(
    city: PreparedCity,
    ownership: Ownership,
    roster: Roster,
    instance: PatrolInstance,
    folder: Path,
    *,
    tiles: BaseMap | str | None = None,
    coord_decimals: int = COORD_DECIMALS,
    walks: Mapping[str, TourWalk] | None = None,
) -> list[Path]:
    """Write ``folder/chiefs/<chief_id>.html`` for every person with segments or tours.

    Each map shows only that person's own segments and the tours they walk this week
    (helper patrols included), one layer per tour with the walking order numbered.
    Returns the written paths in the instance's order of chiefs. ``tiles`` and
    ``coord_decimals`` as for ``render_overview``; ``walks``: every tour as walked (the
    checker's ``CheckReport.walks``), measured here when not given.
    """
    base = _resolve_tiles(tiles)
    draw = _Draw(coord_decimals, wgs84_to_gcj02_xy if base and base.needs_gcj02 else None)
    out_dir = folder / "chiefs"
    out_dir.mkdir(parents=True, exist_ok=True)
    city_data = _CityData(
        geometry=_geometry_by_segment(city.segments_gdf, draw),
        attrs=_segment_attrs(city.segments_gdf),
        patrols=_patrols_by_segment(roster, instance),
        tables=_tables(instance, _zone_names(instance, city.zones_gdf)),
        walks=measure_roster(instance, roster) if walks is None else walks,
    )
    tours_by_chief: dict[str, list[list[Assignment]]] = defaultdict(list)
    for tour in roster.tours().values():
        tours_by_chief[tour[0].chief_id].append(tour)

    written: list[Path] = []
    for chief in instance.chiefs:
        own = ownership.segments_of(chief.chief_id)
        tours = sorted(
            tours_by_chief.get(chief.chief_id, []),
            key=lambda t: (t[0].day, instance.slot(t[0].slot_id).start),
        )
        if not own and not tours:
            continue
        path = out_dir / f"{safe_file_id(chief.chief_id)}.html"
        m = _chief_map(chief, own, tours, city_data, ownership, instance, base=base)
        ids = set(own) | {a.segment_id for t in tours for a in t}
        _fit(m, [city.segments_gdf[city.segments_gdf["segment_id"].isin(ids)]], draw)
        _save(m, path)
        written.append(path)
    return written


@dataclasses.dataclass(frozen=True)
class _CityData:
    """What every chief map looks segments up in."""

    geometry: Mapping[str, Any]
    """segment_id -> (rounded GeoJSON geometry, midpoint [lon, lat])."""
    attrs: Mapping[str, Mapping[str, Any]]
    patrols: Mapping[str, list[list[str]]]
    tables: _Tables
    walks: Mapping[str, TourWalk] = dataclasses.field(default_factory=dict)
    """tour_id -> the tour as walked: segments plus the walk between them."""


def _chief_map(
    chief: Chief,
    own: Sequence[str],
    tours: Sequence[Sequence[Assignment]],
    data: _CityData,
    ownership: Ownership,
    instance: PatrolInstance,
    *,
    base: BaseMap | None,
) -> folium.Map:
    """One person's map: own segments, one layer per tour, and a title box."""
    m = _new_map(f"{chief.name} · {instance.week} 巡查图", base=base, prefer_canvas=False)
    ids = set(own) | {a.segment_id for t in tours for a in t}
    names = {chief.chief_id} | {ownership.owner_of.get(sid, "") for sid in ids}
    names |= {p[2] for sid in own for p in data.patrols.get(sid, [])}
    chiefs = {c: n for c, n in data.tables.chiefs.items() if c in names}
    _add_script(m, dataclasses.replace(data.tables, chiefs=chiefs))
    own_features = [_own_feature(sid, data) for sid in own]
    if own_features:
        _add_geojson(m, own_features, f"我的路段 ({len(own)})", on_each_feature="RC.bindOwn")
    for i, tour in enumerate(tours):
        _add_tour(m, tour, instance, ownership, data, show=i == 0)
    _add_html(m, _chief_title(chief, instance, data.tables, tours, data.walks))
    _add_html(m, _tour_legend(tours))
    folium.LayerControl(collapsed=True).add_to(m)
    return m


def colour_chiefs(
    instance: PatrolInstance,
    ownership: Ownership,
    palette: Sequence[str] = OWNER_PALETTE,
) -> dict[str, str]:
    """Give every owner a colour unlike those of the owners whose segments touch theirs.

    A greedy graph colouring (most neighbours first, ties by chief id), so the same
    ownership always gets the same colours. Chiefs touch when their segments share a node.
    """
    neighbours = _chief_adjacency(instance, ownership)
    order = sorted(neighbours, key=lambda c: (-len(neighbours[c]), c))
    colour_of: dict[str, int] = {}
    for chief_id in order:
        taken = [colour_of[n] for n in neighbours[chief_id] if n in colour_of]
        free = [i for i in range(len(palette)) if i not in taken]
        colour_of[chief_id] = free[0] if free else min(range(len(palette)), key=taken.count)
    return {c: palette[i] for c, i in colour_of.items()}


def _chief_adjacency(instance: PatrolInstance, ownership: Ownership) -> dict[str, set[str]]:
    """Map each owner to the owners whose segments share a node with theirs."""
    neighbours: dict[str, set[str]] = {c: set() for c in ownership.owner_of.values()}
    owners_at: dict[int, set[str]] = defaultdict(set)
    for seg in instance.segments:
        owner = ownership.owner_of.get(seg.segment_id)
        if owner is not None:
            owners_at[seg.from_node].add(owner)
            owners_at[seg.to_node].add(owner)
    for owners in owners_at.values():
        for a in owners:
            neighbours[a] |= owners - {a}
    return neighbours


# --- features ---------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class _Draw:
    """How coordinates are drawn: decimals kept and the datum of the base map."""

    decimals: int
    to_map: XY | None = None
    """WGS-84 to the base map's datum (GCJ-02 over Amap); None keeps WGS-84."""

    def xy(self, xy: np.ndarray) -> np.ndarray:
        """Map coordinates of (n, 2) WGS-84 ``[lon, lat]``, rounded."""
        out = self.to_map(xy) if self.to_map is not None else xy
        return np.round(out, self.decimals)

    @property
    def tolerance(self) -> float:
        """Simplification tolerance in degrees: one unit of the last decimal kept."""
        return float(10.0**-self.decimals)


def _round_geoms(gdf: gpd.GeoDataFrame, draw: _Draw) -> list[dict[str, Any]]:
    """GeoJSON geometries of a frame in map coordinates, rounded and simplified.

    A vertex that moves the line by less than the rounding (≈1 m) cannot be seen on a
    street map and is dropped; topology (rings, crossings) is kept.
    """
    geoms = shapely.transform(np.asarray(_to_wgs84(gdf).geometry.values), draw.xy)
    geoms = shapely.simplify(geoms, draw.tolerance, preserve_topology=True)
    return [shapely.geometry.mapping(g) for g in geoms]


def _segment_features(
    segments_gdf: gpd.GeoDataFrame,
    ownership: Ownership,
    roster: Roster,
    instance: PatrolInstance,
    colours: Mapping[str, str],
    draw: _Draw,
) -> list[dict[str, Any]]:
    """One feature per placed segment with owner, demand and the week's patrols."""
    patrols = _patrols_by_segment(roster, instance)
    ends = segment_ends(instance.segments)
    features = []
    rows = zip(
        segments_gdf["segment_id"].tolist(),
        segments_gdf["zone_id"].tolist(),
        segments_gdf["road_name"].tolist(),
        segments_gdf["patrols_per_week"].tolist(),
        _round_geoms(segments_gdf, draw),
        strict=True,
    )
    for sid, zone_id, road, req, geom in rows:
        owner = ownership.owner_of.get(sid, "")
        seg_patrols = patrols.get(sid, [])
        props = {
            "id": sid,
            "road": _text(road),
            "ends": list(ends.get(sid, ("", ""))),
            "zone": zone_id,
            "owner": owner,
            "req": int(req),
            "plan": len(seg_patrols),
            "patrols": seg_patrols,
            "style": {
                "color": colours.get(owner, "#555555"),
                "weight": 4,
                "opacity": 0.9,
                "className": "rc-seg",
            },
        }
        features.append({"type": "Feature", "geometry": geom, "properties": props})
    return features


def _patrols_by_segment(roster: Roster, instance: PatrolInstance) -> dict[str, list[list[str]]]:
    """The week's patrols of each segment as ``[date, slot_id, chief_id]``, in time order."""
    start = {s.slot_id: s.start for s in instance.slots}
    out: dict[str, list[list[str]]] = defaultdict(list)
    for a in sorted(roster.assignments, key=lambda a: (a.day, start[a.slot_id], a.chief_id)):
        out[a.segment_id].append([a.day.isoformat(), a.slot_id, a.chief_id])
    return out


def _unplaced_features(unplaced_gdf: gpd.GeoDataFrame, draw: _Draw) -> list[dict[str, Any]]:
    """One red dashed feature per unplaced segment, with its reason."""
    rows = zip(
        unplaced_gdf["segment_id"].tolist(),
        unplaced_gdf["road_name"].tolist(),
        unplaced_gdf["reason"].tolist(),
        _round_geoms(unplaced_gdf, draw),
        strict=True,
    )
    style = {
        "color": UNPLACED_COLOUR,
        "weight": 5,
        "dashArray": "6 6",
        "opacity": 0.95,
        "className": "rc-unplaced",
    }
    return [
        {
            "type": "Feature",
            "geometry": geom,
            "properties": {"id": sid, "road": _text(road), "reason": _text(reason), "style": style},
        }
        for sid, road, reason, geom in rows
    ]


def _geometry_by_segment(segments_gdf: gpd.GeoDataFrame, draw: _Draw) -> dict[str, Any]:
    """Drawn GeoJSON geometry and the midpoint ``[lon, lat]`` of every placed segment."""
    geoms = _round_geoms(segments_gdf, draw)
    gdf = _to_wgs84(segments_gdf)
    mids = shapely.line_interpolate_point(np.asarray(gdf.geometry.values), 0.5, normalized=True)
    mid_xy = draw.xy(shapely.get_coordinates(mids)).tolist()
    return {
        sid: (geom, mid)
        for sid, geom, mid in zip(gdf["segment_id"].tolist(), geoms, mid_xy, strict=True)
    }


def _segment_attrs(segments_gdf: gpd.GeoDataFrame) -> dict[str, dict[str, Any]]:
    """Road name, zone, length and demand of every placed segment, by id."""
    cols = ["segment_id", "road_name", "zone_id", "length_m", "patrols_per_week"]
    return {
        r[0]: {"road": _text(r[1]), "zone": r[2], "length_m": float(r[3]), "req": int(r[4])}
        for r in segments_gdf[cols].itertuples(index=False, name=None)
    }


def _own_feature(segment_id: str, data: _CityData) -> dict[str, Any]:
    """A chief's own segment, drawn wide and pale under the tours, with its week's patrols."""
    geom, _ = _lookup(data.geometry, segment_id)
    a = data.attrs[segment_id]
    patrols = data.patrols.get(segment_id, [])
    props = {
        "id": segment_id,
        "road": a["road"],
        "req": a["req"],
        "plan": len(patrols),
        "patrols": patrols,
        "style": {"color": "#555555", "weight": 9, "opacity": 0.3, "className": "rc-own"},
    }
    return {"type": "Feature", "geometry": geom, "properties": props}


def _add_tour(
    m: folium.Map,
    tour: Sequence[Assignment],
    instance: PatrolInstance,
    ownership: Ownership,
    data: _CityData,
    *,
    show: bool,
) -> None:
    """Add one tour as a layer: its segments and a numbered marker at each midpoint."""
    first = tour[0]
    slot = instance.slot(first.slot_id)
    colour = DAY_PALETTE[first.day.weekday()]
    when = f"{_day_label(first.day)} {_slot_label(slot.slot_id, slot.start, slot.end)}"
    lines, stops = [], []
    for a in sorted(tour, key=lambda a: a.order):
        geom, mid = _lookup(data.geometry, a.segment_id)
        owner = ownership.owner_of.get(a.segment_id, "")
        props = {
            "id": a.segment_id,
            "road": data.attrs[a.segment_id]["road"],
            "order": a.order,
            "when": when,
            "owner": owner,
            "helper": owner != a.chief_id,
            "colour": colour,
        }
        style = {"color": colour, "weight": 5, "opacity": 0.9, "className": "rc-tour"}
        if props["helper"]:
            style["dashArray"] = "8 4"
        lines.append({"type": "Feature", "geometry": geom, "properties": {**props, "style": style}})
        point = {"type": "Point", "coordinates": mid}
        stops.append({"type": "Feature", "geometry": point, "properties": props})
    walk = data.walks.get(first.tour_id)
    name = f"{when} · {len(tour)} 段" + (f" · 步行 {walk.total_cm / 1e5:.1f} km" if walk else "")
    zone_id = instance.segment(first.segment_id).zone_id
    if zone_id != instance.chief(first.chief_id).zone_id:  # cross-zone help (外区支援)
        name = f"支援 {data.tables.zones.get(zone_id, zone_id)} · {name}"
    _add_geojson(
        m,
        lines + stops,
        name,
        on_each_feature="RC.bindStop",
        show=show,
        point_to_layer=JsCode("RC.numberMarker"),
    )


def _lookup(geometry: Mapping[str, Any], segment_id: str) -> Any:
    """The geometry of a placed segment, or an error naming the segment."""
    try:
        return geometry[segment_id]
    except KeyError:
        raise RoadchiefError(
            f"segment {segment_id!r} is in the ownership or roster but not among the "
            "placed segments of the city; render from the same run's results"
        ) from None


# --- map building -----------------------------------------------------------------------


def _resolve_tiles(tiles: BaseMap | str | None) -> BaseMap | None:
    """The base map asked for: a ``BaseMap``, the name of one without a key, or None."""
    return tiles if isinstance(tiles, BaseMap) or tiles is None else base_map(tiles)


def _new_map(title: str, *, base: BaseMap | None, prefer_canvas: bool) -> folium.Map:
    """A folium map in its own titled page that loads nothing from the network.

    Leaflet is inlined when the page is saved; tiles are added only if a base map is given.
    """
    figure = Figure(title=html.escape(title))
    m = folium.Map(tiles=None, control_scale=True, prefer_canvas=prefer_canvas)
    figure.add_child(m)
    use_offline_assets(m)
    figure.header.add_child(_raw(_CSS), name="rc_css")
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


def _raw(markup: str) -> Element:
    """An element that outputs ``markup`` as is (not parsed as a Jinja template)."""
    element = Element("{{ this.markup }}")
    element.markup = markup  # type: ignore[attr-defined]
    return element


def _add_html(m: folium.Map, markup: str) -> None:
    """Add an HTML block (a legend, a title box) over the map."""
    m.get_root().html.add_child(_raw(markup))  # type: ignore[attr-defined]


def _add_script(m: folium.Map, tables: _Tables) -> None:
    """Put the ``RC`` helper script and the lookup tables in the page head."""
    data = {
        "chiefs": tables.chiefs,
        "zones": tables.zones,
        "slots": tables.slots,
        "days": tables.days,
        "words": _WORDS,
    }
    script = "<script>" + _SCRIPT % _script_json(data) + "</script>"
    m.get_root().header.add_child(_raw(script), name="rc_script")  # type: ignore[attr-defined]


def _script_json(data: Any) -> str:
    """JSON that is safe inside a ``<script>`` element; Chinese is kept as is."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _add_geojson(
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


def _add_zones(m: folium.Map, zones_gdf: gpd.GeoDataFrame, draw: _Draw) -> None:
    """Add the zones layer: outline, light fill and the name as tooltip."""
    style = {
        "color": "#555555",
        "weight": 2,
        "fillColor": "#888888",
        "fillOpacity": 0.08,
        "className": "rc-zone",
    }
    features = [
        {
            "type": "Feature",
            "geometry": geom,
            "properties": {"zone_id": zid, "name": _text(name), "style": style},
        }
        for zid, name, geom in zip(
            zones_gdf["zone_id"].tolist(),
            zones_gdf["name"].tolist(),
            _round_geoms(zones_gdf, draw),
            strict=True,
        )
    ]
    if features:
        _add_geojson(m, features, f"责任区 ({len(features)})", on_each_feature="RC.bindZone")


def _add_places(m: folium.Map, places_gdf: gpd.GeoDataFrame | None, draw: _Draw) -> None:
    """Add priority places (重点点位) as yellow dots (a polygon at an inner point)."""
    if places_gdf is None or places_gdf.empty:
        return
    gdf = _to_wgs84(places_gdf)
    points = gpd.GeoDataFrame(geometry=gdf.geometry.representative_point(), crs="EPSG:4326")
    features = [
        {
            "type": "Feature",
            "geometry": geom,
            "properties": {"id": _text(pid), "type": _text(kind), "name": _text(name)},
        }
        for pid, kind, name, geom in zip(
            gdf["place_id"].tolist(),
            gdf["place_type"].tolist(),
            gdf["name"].tolist() if "name" in gdf.columns else [""] * len(gdf),
            _round_geoms(points, draw),
            strict=True,
        )
    ]
    _add_geojson(
        m,
        features,
        f"重点点位 ({len(features)})",
        on_each_feature="RC.bindPlace",
        point_to_layer=JsCode("RC.placeMarker"),
    )


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
        self.args = _script_json(args)


def _add_call(m: folium.Map, function: str, args: Any) -> None:
    """Call ``function(map, args)`` in the page once the map's layers are added."""
    _MapCall(function, args).add_to(m)


def _filter_options(
    instance: PatrolInstance,
    ownership: Ownership,
    tables: _Tables,
    zone_names: Mapping[str, str],
) -> dict[str, Any]:
    """The overview control's choices: the days of the week and the owners by zone."""
    owners = set(ownership.owner_of.values())
    by_zone: dict[str, list[list[str]]] = defaultdict(list)
    for chief in instance.chiefs:
        if chief.chief_id in owners:
            by_zone[chief.zone_id or ""].append([chief.chief_id, chief.name])
    return {
        "days": [[day, label] for day, label in tables.days.items()],
        "owners": [
            [zone_names.get(z, z) or "—", by_zone[z]]
            for z in sorted(by_zone, key=lambda z: (zone_names.get(z, z), z))
        ],
    }


def _fit(m: folium.Map, frames: Iterable[gpd.GeoDataFrame], draw: _Draw) -> None:
    """Fit the view to the frames' data; leave the default view if they are all empty."""
    bounds = [_to_wgs84(f).total_bounds for f in frames if not f.geometry.is_empty.all()]
    if not bounds:
        return
    arr = np.array(bounds)
    corners = draw.xy(
        np.array([[arr[:, 0].min(), arr[:, 1].min()], [arr[:, 2].max(), arr[:, 3].max()]])
    )
    (west, south), (east, north) = corners.tolist()
    m.fit_bounds([[float(south), float(west)], [float(north), float(east)]], padding=(16, 16))


def _to_wgs84(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The frame in EPSG:4326 (the city's frames already are; others are converted)."""
    if gdf.crs is not None and not gdf.crs.equals("EPSG:4326"):
        return gdf.to_crs("EPSG:4326")
    return gdf


def _save(m: folium.Map, path: Path) -> None:
    """Write the page as one UTF-8 file with its scripts inlined, creating the folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    page = m.get_root().render()
    path.write_text(inline_assets(page), encoding="utf-8")


# --- labels and boxes -------------------------------------------------------------------


def _tables(instance: PatrolInstance, zone_names: Mapping[str, str]) -> _Tables:
    """Names for the ids the features carry."""
    return _Tables(
        chiefs={c.chief_id: c.name for c in instance.chiefs},
        zones=dict(zone_names),
        slots={s.slot_id: _slot_label(s.slot_id, s.start, s.end) for s in instance.slots},
        days={d.isoformat(): _day_label(d) for d in instance.week.days},
    )


def _zone_names(instance: PatrolInstance, zones_gdf: gpd.GeoDataFrame) -> dict[str, str]:
    """Zone names by id, from the instance and the zones frame."""
    names = dict(zip(zones_gdf["zone_id"].tolist(), map(_text, zones_gdf["name"]), strict=True))
    names.update({z.zone_id: z.name for z in instance.zones})
    return names


def _day_label(day: dt.date) -> str:
    """``12月7日 周一``."""
    return f"{day.month}月{day.day}日 {WEEKDAY_NAMES[day.weekday()]}"


def _slot_label(slot_id: str, start: dt.time, end: dt.time) -> str:
    """``am 08:00–10:00``."""
    return f"{slot_id} {start:%H:%M}–{end:%H:%M}"


def _text(value: Any) -> str:
    """A display string; missing values (None, NaN) become empty."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return str(value)


def safe_file_id(chief_id: str) -> str:
    """The chief id as a file name, refused if it could leave the folder."""
    if not _SAFE_ID.fullmatch(chief_id) or chief_id.startswith("."):
        raise RoadchiefError(
            f"chief id {chief_id!r} cannot be a file name; use letters, digits, '_', '-' "
            "or '.' (not first) in the chiefs file"
        )
    return chief_id


def _overview_legend(
    instance: PatrolInstance,
    ownership: Ownership,
    colours: Mapping[str, str],
    zone_names: Mapping[str, str],
    n_unplaced: int,
) -> str:
    """The legend: zones, unplaced segments and each owner's colour, grouped by zone."""
    counts: dict[str, int] = defaultdict(int)
    for owner in ownership.owner_of.values():
        counts[owner] += 1
    by_zone: dict[str, list[Chief]] = defaultdict(list)
    for chief in instance.chiefs:
        if counts.get(chief.chief_id):
            by_zone[chief.zone_id or ""].append(chief)
    parts = []
    for zone_id in sorted(by_zone, key=lambda z: (zone_names.get(z, z), z)):
        parts.append(
            f'<div class="rc-zone-name">{html.escape(zone_names.get(zone_id, zone_id))}</div>'
        )
        for chief in by_zone[zone_id]:
            colour = colours.get(chief.chief_id, "#555555")
            parts.append(
                f'<div><span class="rc-swatch" style="border-color:{colour}"></span>'
                f"{html.escape(chief.name)} ({counts[chief.chief_id]} 段)</div>"
            )
    is_open = " open" if len(counts) <= 30 else ""
    return (
        f'<div class="rc-box rc-legend"><details{is_open}><summary><b>图例</b> '
        f"{html.escape(str(instance.week))}</summary>"
        '<div><span class="rc-swatch rc-area"></span>责任区</div>'
        f'<div><span class="rc-swatch rc-dashed" style="border-color:{UNPLACED_COLOUR}">'
        f"</span>未落区路段 ({n_unplaced})</div>"
        f'<div class="rc-list">{"".join(parts)}</div></details></div>'
    )


def _chief_title(
    chief: Chief,
    instance: PatrolInstance,
    tables: _Tables,
    tours: Sequence[Sequence[Assignment]],
    walks: Mapping[str, TourWalk],
) -> str:
    """The title box of a chief's map: who, where, and the week's tours with the km walked
    (segments plus the walk between them)."""
    zone = tables.zones.get(chief.zone_id or "", chief.zone_id or "全市")
    supervisor = _supervisor_line(chief, instance)
    items = []
    for tour in tours:
        first = tour[0]
        walk = walks[first.tour_id]
        items.append(
            f"<li>{html.escape(_day_label(first.day))} "
            f"{html.escape(tables.slots.get(first.slot_id, first.slot_id))} · "
            f"{len(tour)} 段 步行 {walk.total_cm / 1e5:.1f} km"
            f"（路段间 {walk.walk_cm / 1e5:.1f} km）</li>"
        )
    plan = f"<ol>{''.join(items)}</ol>" if items else "<div>本周无巡查安排</div>"
    return (
        f'<div class="rc-box rc-title"><b>{html.escape(chief.name)}</b> '
        f"{html.escape(LEVEL_NAMES.get(chief.level, str(chief.level)))} · "
        f"{html.escape(zone)}<br>{html.escape(str(instance.week))} · 本周巡查 {len(tours)} 次"
        f"{supervisor}<details><summary>巡查安排</summary>{plan}</details></div>"
    )


def _supervisor_line(chief: Chief, instance: PatrolInstance) -> str:
    """``<br>上级：name level, phone`` (the phone as a link a phone can call), or nothing."""
    if not chief.supervisor_id:
        return ""
    try:
        boss = instance.chief(chief.supervisor_id)
    except KeyError:
        return f"<br>上级：{html.escape(chief.supervisor_id)}"
    level = LEVEL_NAMES.get(boss.level, str(boss.level))
    phone = ""
    if boss.phone:
        tel = re.sub(r"[^\d+]", "", boss.phone)
        phone = f' <a href="tel:{html.escape(tel)}">{html.escape(boss.phone)}</a>'
    return f"<br>上级：{html.escape(boss.name)} {html.escape(level)}{phone}"


def _tour_legend(tours: Sequence[Sequence[Assignment]]) -> str:
    """A small key of the tour colours by weekday, for the days that have tours."""
    days = sorted({t[0].day for t in tours})
    if not days:
        return ""
    rows = "".join(
        f'<div><span class="rc-swatch" style="border-color:{DAY_PALETTE[d.weekday()]}">'
        f"</span>{html.escape(_day_label(d))}</div>"
        for d in days
    )
    return (
        '<div class="rc-box rc-tours"><details><summary>颜色</summary>'
        f'{rows}<div><span class="rc-swatch rc-dashed" style="border-color:#555"></span>'
        "协助他人路段</div></details></div>"
    )
