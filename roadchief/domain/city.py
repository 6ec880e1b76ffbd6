"""Pure data of the city and its week: zones, segments, chiefs, slots, weeks, rules.

Nothing here imports geopandas, ortools, folium or sqlalchemy; every length is in metres
in a local metric CRS, already computed by the GIS stage.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum


class ChiefLevel(StrEnum):
    """Levels of the road chief system (see docs: 总路长, 一级/二级路长, 路段长, 巡查员)."""

    GENERAL = "general"
    L1 = "l1"
    L2 = "l2"
    SEGMENT = "segment"
    PATROLLER = "patroller"


@dataclass(frozen=True)
class Zone:
    """A responsibility zone (责任区 / 网格)."""

    zone_id: str
    name: str


@dataclass(frozen=True)
class Segment:
    """A road section between two crossings (路段), measured in a local metric CRS."""

    segment_id: str
    source_id: str
    """Id of the input feature the segment was cut from."""
    zone_id: str
    road_name: str
    road_class: str
    length_m: float
    x_m: float
    """Midpoint easting in the local metric CRS."""
    y_m: float
    """Midpoint northing in the local metric CRS."""
    from_node: int
    to_node: int
    patrols_per_week: int
    """Required patrols per week: road class base plus priority places and incidents."""
    place_types: tuple[str, ...] = ()
    """Types (lower case) of the priority places near the segment, for slot windows."""


@dataclass(frozen=True)
class Slot:
    """A time slot of a day in which one tour can be walked."""

    slot_id: str
    start: dt.time
    end: dt.time
    label: str = ""
    """Name shown to people, for example 早巡; the id when empty."""

    @property
    def is_morning(self) -> bool:
        """True for slots that start before noon (``mon-am`` in the chiefs file)."""
        return self.start < dt.time(12, 0)

    @property
    def minutes(self) -> int:
        return (self.end.hour * 60 + self.end.minute) - (self.start.hour * 60 + self.start.minute)


WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class Unavailability:
    """When a person cannot patrol: dates, weekdays and half-days (``mon-am``)."""

    dates: frozenset[dt.date] = frozenset()
    weekdays: frozenset[int] = frozenset()
    """ISO weekday numbers minus one: 0 is Monday."""
    half_days: frozenset[tuple[int, bool]] = frozenset()
    """(weekday, is_morning) pairs."""
    makeup_days: frozenset[dt.date] = frozenset()
    """Make-up working days (调休): weekday and half-day leave does not apply, dated does."""

    def blocks(self, day: dt.date, slot: Slot) -> bool:
        """True if the person cannot patrol in this slot of this day."""
        wd = day.weekday()
        weekly = wd in self.weekdays or (wd, slot.is_morning) in self.half_days
        return day in self.dates or (weekly and day not in self.makeup_days)


@dataclass(frozen=True)
class Absence:
    """A person called away from ``first`` to ``last`` (inclusive): a re-plan's reason."""

    chief_id: str
    first: dt.date
    last: dt.date

    def days(self) -> frozenset[dt.date]:
        n = (self.last - self.first).days
        return frozenset(self.first + dt.timedelta(days=i) for i in range(n + 1))


@dataclass(frozen=True)
class Chief:
    """A person in the system: a chief of some level or a patroller."""

    chief_id: str
    name: str
    zone_id: str | None
    """The zone they serve; None for a city-level chief."""
    level: ChiefLevel
    max_patrols_per_week: int
    unavailable: Unavailability = field(default_factory=Unavailability)
    phone: str = ""
    supervisor_id: str = ""
    avoid: Unavailability = field(default_factory=Unavailability)
    """When the person would rather not patrol (a soft preference, not leave)."""

    def available(self, day: dt.date, slot: Slot) -> bool:
        return not self.unavailable.blocks(day, slot)


@dataclass(frozen=True)
class Week:
    """An ISO week, for example 2026-W49."""

    year: int
    week: int

    @classmethod
    def parse(cls, text: str) -> Week:
        """Parse ``2026-W49``; raise ValueError with the expected form otherwise."""
        try:
            year_s, week_s = text.strip().upper().split("-W")
            week = cls(int(year_s), int(week_s))
            week.monday  # noqa: B018  (validates the week number)
        except ValueError as exc:
            raise ValueError(f"week {text!r} is not an ISO week such as 2026-W49") from exc
        return week

    @classmethod
    def containing(cls, day: dt.date) -> Week:
        iso = day.isocalendar()
        return cls(iso.year, iso.week)

    @property
    def monday(self) -> dt.date:
        return dt.date.fromisocalendar(self.year, self.week, 1)

    @property
    def days(self) -> list[dt.date]:
        return [self.monday + dt.timedelta(days=i) for i in range(7)]

    def next(self) -> Week:
        return Week.containing(self.monday + dt.timedelta(days=7))

    def __str__(self) -> str:
        return f"{self.year}-W{self.week:02d}"


@dataclass(frozen=True)
class PatrolLimits:
    """What one person of a level can do: km per tour and which duties they carry."""

    max_km_per_tour: float
    owns_segments: bool
    patrols: bool
    """True if people of this level walk patrol tours in the weekly roster."""
    owns_roads: bool = False
    """True if people of this level are responsible for whole roads of their zone (L2)."""


@dataclass(frozen=True, init=False)
class RosterWeights:
    """Weights of the soft rules in the roster objective, by the ``[objective]`` key each
    rule reads (``roadchief.solve.roster.rules``; the unit is in the key: ``_per_10m`` of a
    segment, ``_per_tour``, ``_per_patrol``). A key not given weighs 0."""

    values: Mapping[str, int]

    def __init__(self, values: Mapping[str, int] | None = None, /, **weights: int) -> None:
        object.__setattr__(self, "values", {**(values or {}), **weights})

    def __getitem__(self, key: str) -> int:
        return self.values.get(key, 0)

    def replace(self, **weights: int) -> RosterWeights:
        """These weights with ``weights`` changed."""
        return RosterWeights(self.values, **weights)


@dataclass(frozen=True)
class SlotWindow:
    """Some of a segment's weekly patrols must fall in given slots (markets in the morning)."""

    applies_to: str
    """``class:<road class>`` or ``place:<place type>``."""
    slots: frozenset[str]
    patrols: int
    """Patrols a week that must fall in one of ``slots`` (at most the segment's demand)."""

    def matches(self, segment: Segment) -> bool:
        kind, _, value = self.applies_to.partition(":")
        if kind == "class":
            return segment.road_class == value
        return kind == "place" and value in segment.place_types


@dataclass(frozen=True)
class Recheck:
    """A case waiting for its recheck (复检, state ``handled``): its segment needs a visit
    by ``due``, the last day the recheck deadline allows."""

    case_id: str
    segment_id: str
    due: dt.date


@dataclass(frozen=True, order=True)
class Assignment:
    """One person patrols one segment in one slot of one day, as part of a tour."""

    day: dt.date
    slot_id: str
    chief_id: str
    segment_id: str
    tour_id: str
    """One tour is one person in one slot of one day."""
    order: int = 0
    """Position of the segment in the tour's walking order, from 1."""


@dataclass(frozen=True)
class PlanContext:
    """What a week's roster takes besides the city: roster rules, last week, pins, re-plan."""

    windows: tuple[SlotWindow, ...] = ()
    accountability_patrols: int = 0
    """Personal patrols (路长巡查) an owner walks on each own segment a week."""
    spread: bool = False
    """Repeat patrols of a segment needed n times a week keep floor(7 / n) days apart."""
    unsocial_slots: frozenset[str] = frozenset()
    """Slots counted as unsocial (evening) by the fairness rule; weekend days count too."""
    weekend: frozenset[dt.date] = frozenset()
    """Days off (``patrol_week``): weekends less make-up working days (调休), holidays."""
    strict: bool = False
    """Coverage, slot windows and personal patrols are hard rules."""
    last_patrol: Mapping[str, dt.date] = field(default_factory=dict)
    """segment_id -> its last patrol date before this week (from last week's roster)."""
    previous_slot: Mapping[tuple[str, int], str] = field(default_factory=dict)
    """(chief_id, weekday) -> the slot of their tour that weekday last week."""
    pins: tuple[Assignment, ...] = ()
    """Patrols fixed by hand; the roster holds every one of them."""
    locked_before: dt.date | None = None
    """Re-plan: before this day, the roster is exactly the pins."""
    baseline: tuple[Assignment, ...] = ()
    """Re-plan: the roster being changed; each patrol added or dropped costs."""
    walk_allowance_m: float = 0.0
    """Walk the roster model reserves for each step from one segment of a tour to the next."""
    walk_detour_factor: float = 1.3
    """Walked over straight-line length between segments the road network does not join."""
    rechecks: tuple[Recheck, ...] = ()
    """Cases waiting for their recheck: each needs a patrol of its segment by its day."""
    hotspots: Mapping[str, int] = field(default_factory=dict)
    """segment_id -> extra patrols this week for recurring problems (already in its demand)."""
    campaigns: Mapping[str, Mapping[str, int]] = field(default_factory=dict)
    """segment_id -> special campaign (专项整治) -> its extra patrols this week (in demand)."""
    frontage: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """segment_id -> the frontage duty holders (门前三包) lining it, as its chief reads them
    (name and contact); shown on the maps and pages, not a rule of the model."""
    min_tour_m: float = 0.0
    """A tour whose segments add up to less costs (``rules/short_tours.py``); 0: no minimum."""
    walk_cell_segments: int = 0  # segments a walk cell holds (solve/roster/cells.py); 0: none
    per_day: Mapping[str, int] = field(default_factory=dict)
    priority: Mapping[str, int] = field(default_factory=dict)
    """``[per_day]`` (patrols a day) and ``[priority]`` (a missing patrol's cost factor)."""


@dataclass(frozen=True)
class PatrolInstance:
    """Everything the solvers need for one week, already measured: no GIS inside."""

    week: Week
    days: tuple[dt.date, ...]
    """The days patrols may be planned on (``roadchief.patrol_week``)."""
    slots: tuple[Slot, ...]
    zones: tuple[Zone, ...]
    segments: tuple[Segment, ...]
    chiefs: tuple[Chief, ...]
    limits: Mapping[ChiefLevel, PatrolLimits]
    weights: RosterWeights
    min_rest_hours: float
    """Least rest between the end of one tour and the start of the next day's tour."""
    helpers_per_segment: int | None = None
    """How many people besides its owner may patrol a segment: the nearest active patrollers
    of its zone (see roadchief.solve.roster.patrollers). None lets everyone of the zone help."""
    cross_zone_helpers: int = 0
    """How many people of other zones may help a zone left short (the nearest, see
    roadchief.solve.roster.outside); 0: zones are planned alone."""
    context: PlanContext = field(default_factory=PlanContext)
    """Roster rules beyond the basics, last week, pins and re-plan data."""

    def segments_by_zone(self) -> dict[str, list[Segment]]:
        out: dict[str, list[Segment]] = {z.zone_id: [] for z in self.zones}
        for s in self.segments:
            out.setdefault(s.zone_id, []).append(s)
        return out

    def chiefs_by_zone(self) -> dict[str, list[Chief]]:
        out: dict[str, list[Chief]] = {z.zone_id: [] for z in self.zones}
        for c in self.chiefs:
            if c.zone_id is not None:
                out.setdefault(c.zone_id, []).append(c)
        return out

    def segment(self, segment_id: str) -> Segment:
        return self._segment_index()[segment_id]

    def chief(self, chief_id: str) -> Chief:
        return self._chief_index()[chief_id]

    def slot(self, slot_id: str) -> Slot:
        return {s.slot_id: s for s in self.slots}[slot_id]

    def _segment_index(self) -> dict[str, Segment]:
        idx = self.__dict__.get("_seg_idx")
        if idx is None:
            idx = {s.segment_id: s for s in self.segments}
            object.__setattr__(self, "_seg_idx", idx)
        return idx

    def _chief_index(self) -> dict[str, Chief]:
        idx = self.__dict__.get("_chief_idx")
        if idx is None:
            idx = {c.chief_id: c for c in self.chiefs}
            object.__setattr__(self, "_chief_idx", idx)
        return idx
