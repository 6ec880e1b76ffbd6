"""One definition of every figure a run shows: patrols, km, coverage, evening and weekend shares.

Every renderer (report, maps, calendars, spreadsheets, GeoPackage), the run summary and the
terminal take their numbers from ``run_figures``; none counts again. Pure: plain results in
(the instance, the ownership, the roster, the checker's walks, the unplaced segments), plain
numbers out; no GIS, no solver.

Definitions
-----------
- A **patrol** is one segment walked once in one tour (one row of ``roster.csv``).
  ``patrols_toward`` counts, per segment, the planned patrols up to its requirement (what
  the checker calls ``patrols_planned``); ``patrols_extra`` the patrols beyond it;
  ``patrols_planned`` their sum, every row of the roster.
- **Coverage** is ``patrols_toward / patrols_required`` over the placed segments; the
  segments no zone holds (unplaced) have no chief and no requirement, and are counted
  beside it (``segments_unplaced``, ``km_unplaced``) so that no headline hides them.
- **km walked** of a tour is its segments plus the walk between them, as the checker
  measured it (``TourWalk.total_cm``); **km of segments** is the segments alone
  (``TourWalk.segments_cm``). Both are summed in whole centimetres and shown in km.
- An **evening** tour is one in the rules' unsocial slots; a **weekend** tour one on a day
  of ``context.weekend`` (days off on the working calendar: Saturdays and Sundays less
  make-up working days, and public holidays); an
  **unsocial** tour either, as the fairness rule counts them.
- A person's **capacity** is the tours they may walk this week: their tours a week, at most
  the patrol days open to them (not on leave in at least one slot); 0 for a level that
  does not patrol.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from roadchief.domain import Assignment, Ownership, PatrolInstance, Recheck, Roster, tour_id_for
from roadchief.i18n import clean_text
from roadchief.solve.roster.rules.rechecks import recheck_rows
from roadchief.solve.roster.walk import TourWalk


def km(cm: int) -> float:
    """Centimetres as km (the unit every output shows), to the metre: rounded once here, so a
    page showing a tenth of a km and summary.json cannot round a figure two ways."""
    return round(cm / 1e5, 3)


@dataclass(frozen=True)
class Unplaced:
    """A segment no zone holds: no chief, no requirement."""

    segment_id: str
    road_name: str
    road_class: str
    length_m: float
    reason: str


@dataclass
class Coverage:
    """Patrols required and planned over a group of placed segments."""

    segments: int = 0
    length_m: float = 0.0
    required: int = 0
    toward: int = 0
    """Planned patrols that count toward the requirement (at most the required per segment)."""
    extra: int = 0
    """Planned patrols beyond the requirement."""
    uncovered_m: float = 0.0
    """Length times missing patrols: the required walking not planned."""

    @property
    def planned(self) -> int:
        return self.toward + self.extra

    @property
    def share(self) -> float:
        """toward / required; 1.0 when nothing is required."""
        return self.toward / self.required if self.required else 1.0

    def add(self, length_m: float, required: int, planned: int) -> None:
        self.segments += 1
        self.length_m += length_m
        self.required += required
        self.toward += min(planned, required)
        self.extra += max(0, planned - required)
        self.uncovered_m += max(0, required - planned) * length_m


@dataclass(frozen=True)
class TourFigures:
    """One tour: who, when, the segments in walking order and its km."""

    tour_id: str
    chief_id: str
    zone_id: str
    """The zone its first segment lies in (another than the person's for cross-zone help)."""
    day: dt.date
    slot_id: str
    segment_ids: tuple[str, ...]
    """In walking order (the checker's walk)."""
    reverse: tuple[bool, ...]
    walk_to_cm: tuple[int, ...]
    segments_cm: int
    total_cm: int
    evening: bool
    weekend: bool

    @property
    def patrols(self) -> int:
        return len(self.segment_ids)

    @property
    def km_walked(self) -> float:
        return km(self.total_cm)

    @property
    def km_segments(self) -> float:
        return km(self.segments_cm)

    @property
    def km_between(self) -> float:
        return km(self.total_cm - self.segments_cm)


@dataclass
class PersonFigures:
    """What one person owns and walks this week."""

    chief_id: str
    name: str
    zone_id: str
    level: str
    capacity: int
    owned: int = 0
    owned_m: float = 0.0
    tours: int = 0
    patrols: int = 0
    walked_cm: int = 0
    segments_cm: int = 0
    evening: int = 0
    weekend: int = 0
    days: set[dt.date] = field(default_factory=set)

    @property
    def km_walked(self) -> float:
        return km(self.walked_cm)

    @property
    def km_segments(self) -> float:
        return km(self.segments_cm)


@dataclass
class ZoneFigures:
    """One zone: coverage of its segments, its people's tours against their capacity."""

    zone_id: str
    name: str
    coverage: Coverage = field(default_factory=Coverage)
    people: int = 0
    capacity: int = 0
    """Tours its people may walk this week."""
    tours: int = 0
    """Tours walked in the zone (by its people or by helpers of other zones)."""
    home_tours: int = 0
    """Tours its own people walk (at home or helping elsewhere): the load on its capacity."""
    walked_cm: int = 0
    segments_cm: int = 0
    evening: int = 0
    weekend: int = 0
    owners: int = 0

    @property
    def km_walked(self) -> float:
        return km(self.walked_cm)


@dataclass
class RunFigures:
    """Every figure of a run, each defined once (see the module docstring)."""

    week: str
    coverage: Coverage
    by_zone: dict[str, ZoneFigures]
    by_class: dict[str, Coverage]
    people: dict[str, PersonFigures]
    tours: dict[str, TourFigures]
    unplaced: list[Unplaced]
    patrols_by_segment: dict[str, int]
    rechecks: dict[str, list[Recheck]] = field(default_factory=dict)
    """tour id -> the rechecks (复检) its patrols serve, as the rechecks rule counts them;
    each ``due`` is the last patrol day the recheck deadline allows."""

    @property
    def patrols_required(self) -> int:
        return self.coverage.required

    @property
    def patrols_toward(self) -> int:
        return self.coverage.toward

    @property
    def patrols_extra(self) -> int:
        return self.coverage.extra

    @property
    def patrols_planned(self) -> int:
        return self.coverage.planned

    @property
    def segments_unplaced(self) -> int:
        return len(self.unplaced)

    @property
    def km_unplaced(self) -> float:
        return round(sum(u.length_m for u in self.unplaced) / 1000, 3)

    @property
    def km_walked(self) -> float:
        return km(sum(t.total_cm for t in self.tours.values()))

    @property
    def km_segments(self) -> float:
        return km(sum(t.segments_cm for t in self.tours.values()))

    @property
    def evening_tours(self) -> int:
        return sum(t.evening for t in self.tours.values())

    @property
    def weekend_tours(self) -> int:
        return sum(t.weekend for t in self.tours.values())

    @property
    def unsocial_tours(self) -> int:
        return sum(t.evening or t.weekend for t in self.tours.values())

    def share(self, count: int) -> float:
        """``count`` as a share of the tours (0 when there are none), to a tenth of a percent:
        the one rounding every output shows, so the JSON and the pages cannot differ by one."""
        return round(count / len(self.tours), 3) if self.tours else 0.0

    def tours_of(self, chief_id: str) -> list[TourFigures]:
        """A person's tours in time order."""
        index = self.__dict__.get("_by_person")
        if index is None:
            index = {}
            for t in sorted(self.tours.values(), key=lambda t: (t.day, t.tour_id)):
                index.setdefault(t.chief_id, []).append(t)
            self.__dict__["_by_person"] = index
        return list(index.get(chief_id, []))


def run_figures(
    instance: PatrolInstance,
    ownership: Ownership,
    roster: Roster,
    walks: Mapping[str, TourWalk],
    unplaced: Sequence[Unplaced] = (),
) -> RunFigures:
    """Every figure of the run, from the results and the checker's walks (``CheckReport.walks``).

    Raises
    ------
    KeyError
        If a tour of the roster has no walk: the walks are from another roster.
    """
    planned = roster.patrols_of_segment()
    zone_name = {z.zone_id: z.name for z in instance.zones}
    total = Coverage()
    by_zone = {z.zone_id: ZoneFigures(z.zone_id, z.name) for z in instance.zones}
    by_class: dict[str, Coverage] = {}
    for seg in instance.segments:
        n = planned.get(seg.segment_id, 0)
        zone = by_zone.setdefault(
            seg.zone_id, ZoneFigures(seg.zone_id, zone_name.get(seg.zone_id, ""))
        )
        for cov in (total, zone.coverage, by_class.setdefault(seg.road_class, Coverage())):
            cov.add(seg.length_m, seg.patrols_per_week, n)
    people = {c.chief_id: _person(instance, c.chief_id) for c in instance.chiefs}
    for seg in instance.segments:
        owner = ownership.owner_of.get(seg.segment_id)
        if owner in people:
            people[owner].owned += 1
            people[owner].owned_m += seg.length_m
    for person in people.values():
        home = by_zone.get(person.zone_id)
        if home is not None:
            home.people += 1
            home.capacity += person.capacity
            home.owners += int(person.owned > 0)
    tours = {
        tour_id: _tour(instance, items, walks[tour_id]) for tour_id, items in roster.tours().items()
    }
    for tour in tours.values():
        person = people[tour.chief_id]
        person.tours += 1
        person.patrols += tour.patrols
        person.walked_cm += tour.total_cm
        person.segments_cm += tour.segments_cm
        person.evening += tour.evening
        person.weekend += tour.weekend
        person.days.add(tour.day)
        zone = by_zone[tour.zone_id]
        zone.tours += 1
        zone.walked_cm += tour.total_cm
        zone.segments_cm += tour.segments_cm
        zone.evening += tour.evening
        zone.weekend += tour.weekend
        if person.zone_id in by_zone:
            by_zone[person.zone_id].home_tours += 1
    return RunFigures(
        week=str(instance.week),
        coverage=total,
        by_zone=by_zone,
        by_class=by_class,
        people=people,
        tours=tours,
        unplaced=list(unplaced),
        patrols_by_segment=planned,
        rechecks=_rechecks_by_tour(instance, roster),
    )


def _rechecks_by_tour(instance: PatrolInstance, roster: Roster) -> dict[str, list[Recheck]]:
    """The week's planned recheck visits by tour (``recheck_rows``: one visit a recheck)."""
    out: dict[str, list[Recheck]] = {}
    for r in recheck_rows(instance, roster) if instance.context.rechecks else ():
        if "day" in r:
            tour = tour_id_for(r["chief_id"], dt.date.fromisoformat(r["day"]), r["slot"])
            by = dt.date.fromisoformat(r["by"])
            out.setdefault(tour, []).append(Recheck(r["case_id"], r["segment_id"], by))
    return out


def _person(instance: PatrolInstance, chief_id: str) -> PersonFigures:
    chief = instance.chief(chief_id)
    limits = instance.limits.get(chief.level)
    capacity = 0
    if limits is not None and limits.patrols:
        open_days = sum(
            any(chief.available(day, slot) for slot in instance.slots) for day in instance.days
        )
        capacity = min(chief.max_patrols_per_week, open_days)
    name = clean_text(chief.name)
    return PersonFigures(chief_id, name, chief.zone_id or "", chief.level.value, capacity)


def _tour(instance: PatrolInstance, items: Sequence[Assignment], walk: TourWalk) -> TourFigures:
    first = items[0]
    ctx = instance.context
    return TourFigures(
        tour_id=first.tour_id,
        chief_id=first.chief_id,
        zone_id=instance.segment(walk.order[0] if walk.order else first.segment_id).zone_id,
        day=first.day,
        slot_id=first.slot_id,
        segment_ids=walk.order,
        reverse=walk.reverse,
        walk_to_cm=walk.walk_to_cm,
        segments_cm=walk.segments_cm,
        total_cm=walk.total_cm,
        evening=first.slot_id in ctx.unsocial_slots,
        weekend=first.day in ctx.weekend,
    )


def unplaced_from_rows(rows: Iterable[Mapping[str, object]]) -> list[Unplaced]:
    """Unplaced segments from plain rows (``segment_id``, ``road_name``, ``road_class``,
    ``length_m``, ``reason``), as the unplaced frame or ``unplaced.geojson`` hold them."""
    out = []
    for r in rows:
        length = r.get("length_m")
        out.append(
            Unplaced(
                segment_id=str(r.get("segment_id", "")),
                road_name=_str(r.get("road_name")),
                road_class=_str(r.get("road_class")),
                length_m=float(length) if isinstance(length, int | float) else 0.0,
                reason=_str(r.get("reason")),
            )
        )
    return out


def _str(value: object) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return str(value)
