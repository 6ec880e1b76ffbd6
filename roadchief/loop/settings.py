"""The ``[loop]`` tables of the rules: taxonomy, snapping, deadlines, supervision, assessment."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from roadchief.calendar import TimeUnit, parse_amount
from roadchief.errors import ConfigError
from roadchief.loop.cases import URGENCIES
from roadchief.loop.categories import Taxonomy, load_taxonomy

ESCALATION_LEVELS = ("l2", "l1", "general")
"""Levels an overdue item climbs past the segment chief (二级, 一级, 总路长)."""


@dataclass(frozen=True)
class DeadlineOverride:
    """A published time limit for a category (``*``, a main or a sub class) x area x urgency."""

    category: str
    area_class: str
    urgency: str
    amount: float
    unit: TimeUnit

    @property
    def specificity(self) -> int:
        return sum(v != "*" for v in (self.category, self.area_class, self.urgency))


@dataclass(frozen=True)
class TrackSettings:
    tolerance_m: float = 25.0
    min_share: float = 0.6
    slot_grace_min: float = 30.0
    max_gap_s: float = 300.0
    split_after_min: float = 60.0


@dataclass(frozen=True)
class ScoreSettings:
    start: float = 100.0
    missed_patrol: float = 2.0
    overdue_case: float = 1.0
    rework: float = 1.0
    unknown_is_missed: bool = False
    recurrence_days: int = 30
    ranking_size: int = 5


@dataclass(frozen=True)
class HotspotSettings:
    """Extra patrols next week for a segment's recurring problems (``loop/feedback.py``)."""

    half_life_days: float = 14.0
    cases_per_extra_patrol: float = 2.0
    max_extra: int = 2
    public_days: int = 30
    """The citizens' map of hot issues (热点) counts the cases of these last days."""
    public_top: int = 20
    """... and shows at most this many segments."""


@dataclass(frozen=True)
class LoopSettings:
    taxonomy: Taxonomy = field(default_factory=load_taxonomy)
    snap_m: float = 40.0
    area_class: Mapping[str, str] = field(default_factory=dict)
    default_area_class: str = "2"
    area_factor: Mapping[str, float] = field(default_factory=dict)
    urgency_factor: Mapping[str, float] = field(default_factory=dict)
    deadlines: tuple[DeadlineOverride, ...] = ()
    steps: Mapping[str, tuple[float, TimeUnit]] = field(
        default_factory=lambda: {
            "filing": (2.0, TimeUnit.HOURS),
            "dispatch": (1.0, TimeUnit.HOURS),
            "recheck": (1.0, TimeUnit.DAYS),
        }
    )
    escalate_after: Mapping[str, tuple[float, TimeUnit]] = field(default_factory=dict)
    flag_levels: tuple[str, ...] = ("district", "city")
    tracks: TrackSettings = TrackSettings()
    score: ScoreSettings = ScoreSettings()
    hotspots: HotspotSettings = HotspotSettings()


STEPS = ("filing", "dispatch", "recheck")


def loop_settings(raw: Mapping[str, Any], src: str) -> LoopSettings:
    """Validate the ``[loop]`` table of a rules file (``src`` names it in errors)."""

    def number(table: Mapping[str, Any], key: str, where: str, least: float = 0.0) -> float:
        value = table[key]
        if isinstance(value, bool) or not isinstance(value, int | float) or value < least:
            raise ConfigError(
                f"{src}: '{where}.{key}' must be a number >= {least:g}, not {value!r}"
            )
        return float(value)

    categories = str(raw.get("categories", "")).strip()
    if categories:
        path = Path(categories)
        if not path.is_absolute() and Path(src).exists():
            path = Path(src).parent / path
        taxonomy = load_taxonomy(path)
    else:
        taxonomy = load_taxonomy()
    factors = {
        name: {str(k): number(raw[name], k, f"loop.{name}") for k in raw.get(name, {})}
        for name in ("area_factor", "urgency_factor")
    }
    bad = sorted(set(factors["urgency_factor"]) - set(URGENCIES))
    if bad:
        raise ConfigError(f"{src}: 'loop.urgency_factor' names {bad}; urgencies are A, B, C")
    overrides = []
    for i, d in enumerate(raw.get("deadlines", [])):
        where = f"{src}: 'loop.deadlines[{i}]'"
        if "limit" not in d:
            raise ConfigError(f"{where} needs a limit such as 4h")
        category = str(d.get("category", "*"))
        if (
            category != "*"
            and category not in taxonomy.categories
            and category not in taxonomy.mains
        ):
            raise ConfigError(f"{where}: category {category!r} is not a code of {taxonomy.source}")
        urgency = str(d.get("urgency", "*"))
        if urgency not in (*URGENCIES, "*"):
            raise ConfigError(f"{where}: urgency must be A, B, C or *, not {urgency!r}")
        amount, unit = parse_amount(str(d["limit"]), where)
        overrides.append(
            DeadlineOverride(category, str(d.get("area_class", "*")), urgency, amount, unit)
        )
    steps_raw = raw.get("steps", {})
    steps = {k: parse_amount(str(steps_raw[k]), f"{src}: 'loop.steps.{k}'") for k in steps_raw}
    missing = [s for s in STEPS if s not in steps]
    if missing:
        raise ConfigError(f"{src}: 'loop.steps' needs {', '.join(missing)}")
    esc_raw = raw.get("escalate_after", {})
    escalate = {
        k: parse_amount(str(v), f"{src}: 'loop.escalate_after.{k}'") for k, v in esc_raw.items()
    }
    if list(escalate) != [lv for lv in ESCALATION_LEVELS if lv in escalate]:
        raise ConfigError(
            f"{src}: 'loop.escalate_after' names {list(escalate)}; use l2, l1, general in that order"
        )
    tr, sc = raw.get("tracks", {}), raw.get("score", {})
    tracks = TrackSettings(
        number(tr, "tolerance_m", "loop.tracks", 1.0),
        number(tr, "min_share", "loop.tracks"),
        number(tr, "slot_grace_min", "loop.tracks"),
        number(tr, "max_gap_s", "loop.tracks", 1.0),
        number(tr, "split_after_min", "loop.tracks", 1.0),
    )
    if not 0 < tracks.min_share <= 1:
        raise ConfigError(f"{src}: 'loop.tracks.min_share' must be in (0, 1]")
    score = ScoreSettings(
        number(sc, "start", "loop.score"),
        number(sc, "missed_patrol", "loop.score"),
        number(sc, "overdue_case", "loop.score"),
        number(sc, "rework", "loop.score"),
        bool(sc["unknown_is_missed"]),
        int(number(sc, "recurrence_days", "loop.score", 1)),
        int(number(sc, "ranking_size", "loop.score", 1)),
    )
    hs = raw.get("hotspots", {})
    hotspots = HotspotSettings(
        number(hs, "half_life_days", "loop.hotspots", 0.1),
        number(hs, "cases_per_extra_patrol", "loop.hotspots", 0.1),
        int(number(hs, "max_extra", "loop.hotspots")),
        int(number(hs, "public_days", "loop.hotspots", 1)),
        int(number(hs, "public_top", "loop.hotspots", 1)),
    )
    return LoopSettings(
        taxonomy=taxonomy,
        snap_m=number(raw, "snap_m", "loop", 0.1),
        area_class={str(k): str(v) for k, v in raw.get("area_class", {}).items()},
        default_area_class=str(raw.get("default_area_class", "2")),
        area_factor=factors["area_factor"],
        urgency_factor=factors["urgency_factor"],
        deadlines=tuple(overrides),
        steps=steps,
        escalate_after=escalate,
        flag_levels=tuple(str(v) for v in raw.get("flag_levels", ["district", "city"])),
        tracks=tracks,
        score=score,
        hotspots=hotspots,
    )
