"""Write one iCalendar file per person: one event per patrol tour, in the city's time zone.

A chief imports ``chiefs/<chief_id>.ics`` into a phone calendar: each event is one tour
(one slot of one day) with the segments to walk, in order, in its description.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from icalendar import Calendar, Event, Timezone

from roadchief.crossings import describe_span, segment_ends
from roadchief.domain import Ownership, PatrolInstance
from roadchief.errors import ConfigError
from roadchief.figures import RunFigures, TourFigures
from roadchief.i18n import Translator, clean_text
from roadchief.render.labels import safe_file_id

PRODID = "-//roadchief//路长制巡查排班//ZH"


def write_chief_calendars(
    figures: RunFigures,
    instance: PatrolInstance,
    ownership: Ownership,
    folder: Path,
    *,
    time_zone: str,
    tr: Translator,
    stamp: dt.datetime | None = None,
) -> list[Path]:
    """Write ``folder/chiefs/<chief_id>.ics`` for every person with at least one tour.

    Parameters
    ----------
    figures
        The run's figures: each tour's segments in walking order and its km walked.
    instance, ownership
        The results; the slot times of the instance are local times in ``time_zone``.
    folder
        The run folder.
    time_zone
        IANA name such as ``Asia/Shanghai`` (the rules' ``time_zone``).
    tr
        The language of the text.
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
    ends = segment_ends(instance.segments)
    streets = _streets(instance, ends)
    out_dir = folder / "chiefs"
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for chief in instance.chiefs:
        tours = figures.tours_of(chief.chief_id)
        if not tours:
            continue
        cal = Calendar()
        cal.add("prodid", PRODID)
        cal.add("version", "2.0")
        cal.add("calscale", "GREGORIAN")
        cal.add(
            "x-wr-calname",
            tr("{name} patrols {week}", name=clean_text(chief.name), week=instance.week),
        )
        cal.add("x-wr-timezone", tz.key)
        cal.add_component(_vtimezone(tz.key, instance.week.monday.year))
        for tour in tours:
            cal.add_component(
                _tour_event(tour, instance, ownership, streets, tr=tr, tz=tz, stamp=stamp)
            )
        path = out_dir / f"{safe_file_id(chief.chief_id)}.ics"
        path.write_bytes(cal.to_ical())
        written.append(path)
    return written


@functools.cache
def _vtimezone(key: str, year: int) -> Timezone:
    """The VTIMEZONE of ``key`` with the transitions of ``year`` and the next (small)."""
    return Timezone.from_tzinfo(
        ZoneInfo(key), first_date=dt.date(year, 1, 1), last_date=dt.date(year + 2, 1, 1)
    )


def _streets(
    instance: PatrolInstance, ends: Mapping[str, tuple[str, str]]
) -> dict[str, tuple[str, str]]:
    """Each segment's road name and its span (``road（A—B）``), cleaned once."""
    out = {}
    for seg in instance.segments:
        road = clean_text(seg.road_name)
        first, last = ends[seg.segment_id]
        out[seg.segment_id] = (road, describe_span(road, (clean_text(first), clean_text(last))))
    return out


def _tour_event(
    tour: TourFigures,
    instance: PatrolInstance,
    ownership: Ownership,
    streets: Mapping[str, tuple[str, str]],
    *,
    tr: Translator,
    tz: ZoneInfo,
    stamp: dt.datetime,
) -> Event:
    """One tour as an event: when, how far, and the streets in walking order (no ids)."""
    slot = instance.slot(tour.slot_id)
    unnamed = tr("unnamed road")
    lines = []
    for k, sid in enumerate(tour.segment_ids, start=1):
        road, span = streets[sid]
        owner = ownership.owner_of.get(sid, "")
        helper = ""
        if owner and owner != tour.chief_id:
            helper = " " + tr("(helping {name})", name=clean_text(instance.chief(owner).name))
        length = instance.segment(sid).length_m
        lines.append(f"{k}. {span if road else unnamed} {length:.0f} m{helper}")
    roads = list(dict.fromkeys(streets[s][0] for s in tour.segment_ids))
    event = Event()
    event.add("uid", f"{tour.tour_id}@roadchief")
    event.add("dtstamp", stamp)
    event.add("dtstart", dt.datetime.combine(tour.day, slot.start, tzinfo=tz))
    event.add("dtend", dt.datetime.combine(tour.day, slot.end, tzinfo=tz))
    summary = tr(
        "{slot} patrol · {n} segments · {km} walked",
        slot=tr.slot(slot),
        n=tour.patrols,
        km=tr.km(tour.km_walked),
    )
    event.add("summary", summary)
    event.add("location", "、".join(r for r in roads if r)[:200])
    head = tr(
        "{km} walked: {segments} of segments and {between} between them. In this order:",
        km=tr.km(tour.km_walked),
        segments=tr.km(tour.km_segments),
        between=tr.km(tour.km_between),
    )
    event.add("description", head + "\n" + "\n".join(lines))
    event.add("categories", [tr("road patrol")])
    return event
