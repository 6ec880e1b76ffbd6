"""Write one iCalendar file per person: one event per patrol tour, in the city's time zone.

A chief imports ``chiefs/<chief_id>.ics`` into a phone calendar: each event is one tour
(one slot of one day) with the segments to walk, in order, in its description.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from icalendar import Calendar, Event, Timezone

from roadchief.domain import Assignment, Ownership, PatrolInstance, Roster
from roadchief.errors import ConfigError
from roadchief.render.labels import safe_file_id

PRODID = "-//roadchief//路长制巡查排班//ZH"


def write_chief_calendars(
    roster: Roster,
    instance: PatrolInstance,
    ownership: Ownership,
    folder: Path,
    *,
    time_zone: str,
    stamp: dt.datetime | None = None,
) -> list[Path]:
    """Write ``folder/chiefs/<chief_id>.ics`` for every person with at least one tour.

    Parameters
    ----------
    roster, instance, ownership
        The results; the slot times of the instance are local times in ``time_zone``.
    folder
        The run folder.
    time_zone
        IANA name such as ``Asia/Shanghai`` (the rules' ``time_zone``).
    stamp
        DTSTAMP of every event (UTC); now if not given.

    Returns the written paths in the instance's order of chiefs.
    """
    try:
        tz = ZoneInfo(time_zone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ConfigError(
            f"time_zone {time_zone!r} is not an IANA time zone; use one such as Asia/Shanghai"
        ) from exc
    stamp = stamp or dt.datetime.now(dt.UTC)
    tours_by_chief: dict[str, list[list[Assignment]]] = defaultdict(list)
    for tour in roster.tours().values():
        tours_by_chief[tour[0].chief_id].append(tour)
    out_dir = folder / "chiefs"
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for chief in instance.chiefs:
        tours = tours_by_chief.get(chief.chief_id)
        if not tours:
            continue
        cal = chief_calendar(chief.chief_id, tours, instance, ownership, tz=tz, stamp=stamp)
        path = out_dir / f"{safe_file_id(chief.chief_id)}.ics"
        path.write_bytes(cal.to_ical())
        written.append(path)
    return written


def chief_calendar(
    chief_id: str,
    tours: Sequence[Sequence[Assignment]],
    instance: PatrolInstance,
    ownership: Ownership,
    *,
    tz: ZoneInfo,
    stamp: dt.datetime,
) -> Calendar:
    """The calendar of one person's tours, with the time zone definition it uses."""
    chief = instance.chief(chief_id)
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", f"{chief.name} 巡查 {instance.week}")
    cal.add("x-wr-timezone", tz.key)
    cal.add_component(_vtimezone(tz.key, instance.week.monday.year))
    for tour in sorted(tours, key=lambda t: (t[0].day, instance.slot(t[0].slot_id).start)):
        cal.add_component(_tour_event(tour, instance, ownership, tz=tz, stamp=stamp))
    return cal


@functools.cache
def _vtimezone(key: str, year: int) -> Timezone:
    """The VTIMEZONE of ``key`` with the transitions of ``year`` and the next (small)."""
    return Timezone.from_tzinfo(
        ZoneInfo(key), first_date=dt.date(year, 1, 1), last_date=dt.date(year + 2, 1, 1)
    )


def _tour_event(
    tour: Sequence[Assignment],
    instance: PatrolInstance,
    ownership: Ownership,
    *,
    tz: ZoneInfo,
    stamp: dt.datetime,
) -> Event:
    """One tour as an event: when, how far, and the segments in walking order."""
    first = tour[0]
    slot = instance.slot(first.slot_id)
    ordered = sorted(tour, key=lambda a: a.order)
    km = sum(instance.segment(a.segment_id).length_m for a in ordered) / 1000
    lines = []
    for a in ordered:
        seg = instance.segment(a.segment_id)
        owner = ownership.owner_of.get(a.segment_id, "")
        helper = ""
        if owner and owner != a.chief_id:
            helper = f"（协助 {instance.chief(owner).name}）"
        road = seg.road_name or "无名道路"
        lines.append(f"{a.order}. {road} {a.segment_id} {seg.length_m:.0f} m{helper}")
    roads = list(dict.fromkeys(instance.segment(a.segment_id).road_name for a in ordered))
    event = Event()
    event.add("uid", f"{first.tour_id}@roadchief")
    event.add("dtstamp", stamp)
    event.add("dtstart", dt.datetime.combine(first.day, slot.start, tzinfo=tz))
    event.add("dtend", dt.datetime.combine(first.day, slot.end, tzinfo=tz))
    event.add("summary", f"路段巡查 · {len(ordered)} 段 {km:.1f} km")
    event.add("location", "、".join(r for r in roads if r)[:200])
    event.add("description", f"巡查顺序（{slot.slot_id}）：\n" + "\n".join(lines))
    event.add("categories", ["路长巡查"])
    return event
