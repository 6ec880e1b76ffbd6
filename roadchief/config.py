"""Load the rules file (TOML) over the sourced defaults and validate it once."""

from __future__ import annotations

import datetime as dt
import os
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from roadchief.calendar import CalendarSettings, WorkingCalendar, calendar_settings
from roadchief.campaigns import Campaign, campaigns_of
from roadchief.domain import (
    ChiefLevel,
    PatrolLimits,
    PlanContext,
    RosterWeights,
    Slot,
    SlotWindow,
    Week,
)
from roadchief.errors import ConfigError
from roadchief.i18n import language_of_rules
from roadchief.loop.settings import LoopSettings, loop_settings
from roadchief.patrol_week import HolidayRule, PatrolWeek, holiday_rule, patrol_week

DEFAULT_RULES_NAME = "default_rules.toml"


@dataclass(frozen=True)
class ClassifyRule:
    """Give road class ``road_class`` to features whose ``field`` holds one of ``values``."""

    field: str
    values: frozenset[str]
    road_class: str


@dataclass(frozen=True)
class LevelRule:
    """Duties and limits of one chief level."""

    limits: PatrolLimits
    max_patrols_per_week: int


@dataclass(frozen=True)
class MapSettings:
    """Map settings: the background street map and the Tianditu key."""

    tiles: str = "none"
    """none, osm, tianditu or amap (see roadchief.render.tiles)."""
    tianditu_key: str = ""


TIANDITU_KEY_ENV = "ROADCHIEF_TIANDITU_KEY"
"""Environment variable read for the Tianditu key when the rules file sets none."""


@dataclass(frozen=True)
class Rules:
    """Every number a city sets by local rule, validated."""

    source: str
    time_zone: str
    holidays: frozenset[dt.date]
    min_rest_hours: float
    slots: tuple[Slot, ...]
    road_classes: dict[str, int]
    classify_rules: tuple[ClassifyRule, ...]
    default_class: str
    osm_highway: frozenset[str]
    max_segment_length_m: float
    min_segment_length_m: float
    min_share_in_zone: float
    zone_edge_tolerance_m: float
    levels: dict[ChiefLevel, LevelRule]
    incident_snap_m: float
    incidents_per_extra_patrol: int
    incident_max_extra: int
    stacked_point_threshold: int
    place_snap_m: float
    place_extra_default: int
    place_extra: dict[str, int]
    fields: dict[str, str]
    weights: RosterWeights
    helpers_per_segment: int
    cross_zone_helpers: int = 0
    """People of other zones who may help a zone left short (0: off)."""
    map: MapSettings = MapSettings()
    workdays: frozenset[dt.date] = frozenset()
    """Make-up working days (调休): weekend dates that count as ordinary days."""
    windows: tuple[SlotWindow, ...] = ()
    accountability_patrols: int = 0
    spread: bool = False
    unsocial_slots: frozenset[str] = frozenset()
    walk_allowance_m: float = 0.0
    walk_detour_factor: float = 1.3
    min_tour_m: float = 0.0
    walk_cell_segments: int = 0
    priority: dict[str, int] = field(default_factory=dict)
    per_day: dict[str, int] = field(default_factory=dict)
    """``[per_day]``: ``default``, ``class:<c>``, ``place:<t>`` -> patrols a day."""
    """``[priority]``: ``class:<c>``, ``place:<t>``, ``open_cases`` -> factor (``rules/demand.py``)."""
    language: str = "zh"
    """Language of the outputs: zh or en (``[output] language``; ``--lang`` overrides)."""
    calendar: CalendarSettings = field(default_factory=CalendarSettings)
    """Working days and hours for deadlines ([calendar], holidays, workdays)."""
    loop: LoopSettings = field(default_factory=LoopSettings)
    """The closed loop's taxonomy, deadlines, supervision and assessment ([loop])."""
    holiday_patrols: HolidayRule = field(default_factory=HolidayRule)
    """Patrols on holidays by road class ([holiday_patrols], 节假日加强巡查)."""
    campaigns: tuple[Campaign, ...] = ()
    """Special campaigns (专项整治, [[campaigns]])."""

    def working_calendar(self) -> WorkingCalendar:
        """The city's working calendar: the package's holidays with this file's own days.
        One object per rules: the roster's week and the loop's deadlines share it."""
        cal = self.__dict__.get("_working_calendar")
        if cal is None:
            cal = WorkingCalendar(self.calendar)
            object.__setattr__(self, "_working_calendar", cal)
        return cal

    def patrol_week(self, week: Week) -> PatrolWeek:
        """The week's days on the working calendar, with the holiday rule over them."""
        return patrol_week(week, self.working_calendar(), self.holiday_patrols, self.road_classes)

    def plan_context(self, week: PatrolWeek, *, strict: bool = False) -> PlanContext:
        """The roster rules of this file for a week's patrol days."""
        return PlanContext(
            windows=self.windows,
            accountability_patrols=self.accountability_patrols,
            spread=self.spread,
            unsocial_slots=self.unsocial_slots,
            weekend=week.off_days,
            strict=strict,
            walk_allowance_m=self.walk_allowance_m,
            walk_detour_factor=self.walk_detour_factor,
            min_tour_m=self.min_tour_m,
            walk_cell_segments=self.walk_cell_segments,
            priority=dict(self.priority),
            per_day=dict(self.per_day),
        )

    def classify(self, attributes: dict[str, Any]) -> str:
        """The road class of a feature, from its attributes (first matching rule wins)."""
        lowered = {k.lower(): v for k, v in attributes.items()}
        for rule in self.classify_rules:
            value = lowered.get(rule.field.lower())
            if value is not None and normalise_value(value) in rule.values:
                return rule.road_class
        return self.default_class


def normalise_value(value: Any) -> str:
    """Text form of an attribute for matching: ``1.0`` and ``1`` are both ``"1"``."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def load_rules(path: Path | None = None) -> Rules:
    """The default rules, overridden key by key by the city's rules file if given."""
    if path is None:
        return _validate(_defaults(), "default rules")
    try:
        text = Path(path).read_text("utf-8")
    except FileNotFoundError as exc:
        raise ConfigError(f"rules file {path} does not exist; check the --rules path") from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(f"rules file {path} is not UTF-8 text; save it as UTF-8") from exc
    return parse_rules(text, str(path))


def parse_rules(text: str, source: str) -> Rules:
    """The default rules, overridden key by key by a rules file's text; ``source`` names
    the file in messages and in ``Rules.source``."""
    try:
        city = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"rules file {source} is not valid TOML: {exc}") from exc
    raw = _defaults()
    _check_known_keys(city, raw, source, "")
    return _validate(_merge(raw, city), source)


def _defaults() -> dict[str, Any]:
    return tomllib.loads(
        resources.files("roadchief").joinpath(DEFAULT_RULES_NAME).read_text("utf-8")
    )


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    """Deep-merge tables; arrays and values in ``over`` replace those in ``base``."""
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            out[key] = _merge(base[key], value)
        else:
            out[key] = value
    return out


_OPEN_TABLES = {
    "road_classes", "places.extra", "levels", "loop.area_class", "loop.area_factor",
    "holiday_patrols.factor", "priority.road_classes", "priority.places",
    "per_day.road_classes", "per_day.places",
}  # fmt: skip


def _check_known_keys(city: dict[str, Any], base: dict[str, Any], src: str, prefix: str) -> None:
    """Refuse keys the defaults do not have: a typo must not be silently ignored."""
    for key, value in city.items():
        name = f"{prefix}{key}"
        if prefix.rstrip(".") in _OPEN_TABLES or name in _OPEN_TABLES:
            continue
        if key not in base:
            known = ", ".join(sorted(base)) or "(none)"
            raise ConfigError(f"{src}: unknown key '{name}'; known keys here: {known}")
        if isinstance(value, dict) and isinstance(base[key], dict):
            _check_known_keys(value, base[key], src, name + ".")


def _validate(raw: dict[str, Any], src: str) -> Rules:
    def need(cond: bool, key: str, msg: str) -> None:
        if not cond:
            raise ConfigError(f"{src}: '{key}' {msg}")

    def positive(value: Any, key: str) -> float:
        need(
            isinstance(value, int | float) and value > 0,
            key,
            f"must be a number > 0, not {value!r}",
        )
        return float(value)

    def whole(value: Any, key: str, least: int = 0) -> int:
        need(
            isinstance(value, int) and value >= least,
            key,
            f"must be a whole number >= {least}, not {value!r}",
        )
        return int(value)

    slots = []
    for i, s in enumerate(raw.get("slots", [])):
        key = f"slots[{i}]"
        try:
            start, end = dt.time.fromisoformat(s["start"]), dt.time.fromisoformat(s["end"])
            slot_id = str(s["id"])
        except (KeyError, ValueError, TypeError) as exc:
            raise ConfigError(f"{src}: '{key}' needs id, start and end as HH:MM ({exc})") from exc
        need(
            start < end,
            key,
            f"starts at {start} but ends at {end}; a slot must end after it starts",
        )
        slots.append(Slot(slot_id, start, end, str(s.get("label", ""))))
    need(bool(slots), "slots", "must list at least one slot")
    need(len({s.slot_id for s in slots}) == len(slots), "slots", "has two slots with one id")
    slots.sort(key=lambda s: s.start)

    classes = {str(k): whole(v, f"road_classes.{k}") for k, v in raw["road_classes"].items()}
    need(bool(classes), "road_classes", "must name at least one class")
    cl = raw["classify"]
    default_class = str(cl.get("default", ""))
    need(default_class in classes, "classify.default", f"must be one of {sorted(classes)}")
    rules = []
    for i, r in enumerate(cl.get("rules", [])):
        key = f"classify.rules[{i}]"
        need({"field", "values", "class"} <= set(r), key, "needs field, values and class")
        need(r["class"] in classes, key + ".class", f"must be one of {sorted(classes)}")
        rules.append(
            ClassifyRule(
                str(r["field"]), frozenset(normalise_value(v) for v in r["values"]), r["class"]
            )
        )

    levels: dict[ChiefLevel, LevelRule] = {}
    for level in ChiefLevel:
        lv = raw["levels"].get(level.value)
        need(isinstance(lv, dict), f"levels.{level.value}", "is missing")
        key = f"levels.{level.value}"
        levels[level] = LevelRule(
            limits=PatrolLimits(
                max_km_per_tour=positive(lv["max_km_per_tour"], key + ".max_km_per_tour"),
                owns_segments=bool(lv["owns_segments"]),
                owns_roads=bool(lv.get("owns_roads", False)),
                patrols=bool(lv["patrols"]),
            ),
            max_patrols_per_week=whole(lv["max_patrols_per_week"], key + ".max_patrols_per_week"),
        )

    try:
        holidays = frozenset(dt.date.fromisoformat(str(d)) for d in raw.get("holidays", []))
        workdays = frozenset(dt.date.fromisoformat(str(d)) for d in raw.get("workdays", []))
    except ValueError as exc:
        raise ConfigError(
            f"{src}: 'holidays' and 'workdays' must list ISO dates such as 2026-10-01 ({exc})"
        ) from exc
    slot_ids = {s.slot_id for s in slots}
    windows = []
    for i, w in enumerate(raw.get("windows", [])):
        key = f"windows[{i}]"
        need({"applies_to", "slots", "patrols"} <= set(w), key, "needs applies_to, slots, patrols")
        kind, _, value = str(w["applies_to"]).partition(":")
        need(
            kind in ("class", "place") and bool(value),
            key + ".applies_to",
            f"must be class:<road class> or place:<place type>, not {w['applies_to']!r}",
        )
        need(
            kind != "class" or value in classes,
            key + ".applies_to",
            f"names road class {value!r}; known classes: {sorted(classes)}",
        )
        bad = sorted(set(map(str, w["slots"])) - slot_ids)
        need(not bad and bool(w["slots"]), key + ".slots", f"must name slots of {sorted(slot_ids)}")
        applies = f"{kind}:{value.lower() if kind == 'place' else value}"
        windows.append(
            SlotWindow(applies, frozenset(map(str, w["slots"])), whole(w["patrols"], key, 1))
        )
    ro = raw["roster"]
    unsocial = frozenset(map(str, ro.get("unsocial_slots", [])))
    need(unsocial <= slot_ids, "roster.unsocial_slots", f"must name slots of {sorted(slot_ids)}")

    seg, inc, pl, obj = raw["segments"], raw["incidents"], raw["places"], raw["objective"]
    share = seg["min_share_in_zone"]
    need(
        isinstance(share, int | float) and 0 < share <= 1,
        "segments.min_share_in_zone",
        "must be in (0, 1]",
    )
    return Rules(
        source=src,
        time_zone=str(raw["time_zone"]),
        holidays=holidays,
        min_rest_hours=float(raw["min_rest_hours"]),
        slots=tuple(slots),
        road_classes=classes,
        classify_rules=tuple(rules),
        default_class=default_class,
        osm_highway=frozenset(str(h) for h in raw["osm"]["highway"]),
        max_segment_length_m=positive(seg["max_length_m"], "segments.max_length_m"),
        min_segment_length_m=float(seg["min_length_m"]),
        min_share_in_zone=float(share),
        zone_edge_tolerance_m=float(seg["zone_edge_tolerance_m"]),
        levels=levels,
        incident_snap_m=positive(inc["snap_m"], "incidents.snap_m"),
        incidents_per_extra_patrol=whole(inc["per_extra_patrol"], "incidents.per_extra_patrol", 1),
        incident_max_extra=whole(inc["max_extra"], "incidents.max_extra"),
        stacked_point_threshold=whole(
            inc["stacked_point_threshold"], "incidents.stacked_point_threshold", 2
        ),
        place_snap_m=positive(pl["snap_m"], "places.snap_m"),
        place_extra_default=whole(pl["extra_default"], "places.extra_default"),
        place_extra={str(k).lower(): whole(v, f"places.extra.{k}") for k, v in pl["extra"].items()},
        fields={str(k): str(v) for k, v in raw["fields"].items()},
        weights=RosterWeights({str(k): whole(v, f"objective.{k}") for k, v in obj.items()}),
        helpers_per_segment=whole(
            raw["roster"]["helpers_per_segment"], "roster.helpers_per_segment"
        ),
        cross_zone_helpers=whole(ro["cross_zone_helpers"], "roster.cross_zone_helpers"),
        map=_map_settings(raw.get("map", {}), src),
        workdays=workdays,
        windows=tuple(windows),
        accountability_patrols=whole(ro["accountability_patrols"], "roster.accountability_patrols"),
        spread=bool(ro["spread"]),
        unsocial_slots=unsocial,
        walk_allowance_m=_at_least(ro["walk_allowance_m"], 0.0, "roster.walk_allowance_m", src),
        walk_detour_factor=_at_least(
            ro["walk_detour_factor"], 1.0, "roster.walk_detour_factor", src
        ),
        min_tour_m=_at_least(ro["min_tour_m"], 0.0, "roster.min_tour_m", src),
        walk_cell_segments=whole(ro["walk_cell_segments"], "roster.walk_cell_segments"),
        priority=_priority(raw["priority"], whole),
        per_day=_per_day(raw["per_day"], whole),
        language=language_of_rules(raw, src),
        calendar=calendar_settings(
            raw.get("calendar", {}),
            src,
            days_off=holidays,
            workdays=workdays,
            time_zone=str(raw["time_zone"]),
        ),
        loop=loop_settings(raw["loop"], src),
        holiday_patrols=holiday_rule(raw.get("holiday_patrols", {}), classes, src),
        campaigns=campaigns_of(raw.get("campaigns", []), src),
    )


def _at_least(value: Any, least: float, key: str, src: str) -> float:
    """A number of at least ``least``, or a ConfigError naming the key."""
    if isinstance(value, bool) or not isinstance(value, int | float) or value < least:
        raise ConfigError(f"{src}: '{key}' must be a number >= {least:g}, not {value!r}")
    return float(value)


def _priority(raw: dict[str, Any], whole: Any) -> dict[str, int]:
    """``[priority]`` as ``class:<c>`` / ``place:<t>`` / ``open_cases`` -> factor (>= 1)."""
    out = {"open_cases": whole(raw["open_cases"], "priority.open_cases", 1)}
    for key, prefix in (("road_classes", "class"), ("places", "place")):
        for name, value in raw[key].items():
            out[f"{prefix}:{str(name).lower()}"] = whole(value, f"priority.{key}.{name}", 1)
    return out


def _per_day(raw: dict[str, Any], whole: Any) -> dict[str, int]:
    """``[per_day]`` as ``default`` / ``class:<c>`` / ``place:<t>`` -> patrols a day (>= 1)."""
    out = {"default": whole(raw["default"], "per_day.default", 1)}
    for key, prefix in (("road_classes", "class"), ("places", "place")):
        for name, value in raw[key].items():
            out[f"{prefix}:{str(name).lower()}"] = whole(value, f"per_day.{key}.{name}", 1)
    return out


def _map_settings(raw: dict[str, Any], src: str) -> MapSettings:
    """The [map] table; the Tianditu key falls back to ``ROADCHIEF_TIANDITU_KEY``."""
    tiles = str(raw.get("tiles", "none")).strip().lower()
    names = ("none", "osm", "tianditu", "amap")
    if tiles not in names:
        raise ConfigError(f"{src}: 'map.tiles' must be one of {', '.join(names)}, not {tiles!r}")
    key = str(raw.get("tianditu_key", "")).strip() or os.environ.get(TIANDITU_KEY_ENV, "").strip()
    return MapSettings(tiles=tiles, tianditu_key=key)
