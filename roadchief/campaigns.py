"""Special campaigns (专项整治): for a date range, the segments of an area, of some priority
places or listed by id get extra patrols a week, planned like a priority place's.

The rules' ``[[campaigns]]`` are validated here; ``roadchief.geo.campaigns`` finds each
campaign's segments on the city; ``roadchief.instance`` adds the week's extra patrols to
their demand, scaled like the rest of the week's demand (``roadchief.patrol_week``).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from roadchief.domain import PatrolInstance
from roadchief.errors import ConfigError
from roadchief.patrol_week import PatrolWeek


@dataclass(frozen=True)
class Campaign:
    """One ``[[campaigns]]`` entry of the rules."""

    name: str
    first: dt.date
    last: dt.date
    extra: int
    """Extra patrols a week on each of its segments."""
    area: Path | None = None
    """A polygon file: segments that cross it (relative paths from the rules file)."""
    places: tuple[str, ...] = ()
    """Priority places by id: segments within ``places.snap_m`` of them."""
    segments: tuple[str, ...] = ()
    """Segments by segment id or by the id of the road feature they were cut from."""

    def days_in(self, week: PatrolWeek) -> int:
        """The week's patrol days inside the campaign's dates."""
        return sum(1 for d in week.patrol_days if self.first <= d <= self.last)

    def week_extra(self, week: PatrolWeek) -> int:
        """Extra patrols this week on each segment: ``extra`` for a whole week of patrol
        days, scaled to the patrol days inside the dates (rounded up), 0 outside them."""
        return math.ceil(self.extra * self.days_in(week) / 7.0 - 1e-9)


def campaigns_of(raw: Sequence[Mapping[str, Any]], src: str) -> tuple[Campaign, ...]:
    """Validate ``[[campaigns]]``; an area path is taken from the rules file's folder."""
    out = []
    base = Path(src).parent if Path(src).suffix else Path(".")
    for i, c in enumerate(raw):
        key = f"campaigns[{i}]"
        if not isinstance(c, Mapping):
            raise ConfigError(f"{src}: '{key}' must be a table ([[campaigns]])")
        unknown = sorted(set(c) - {"name", "first", "last", "extra", "area", "places", "segments"})
        if unknown:
            raise ConfigError(
                f"{src}: '{key}' has unknown keys {unknown}; known: name, first, last, extra, "
                "area, places, segments"
            )
        name = str(c.get("name", "")).strip()
        if not name:
            raise ConfigError(f"{src}: '{key}.name' is missing; give the campaign a name")
        try:
            first = dt.date.fromisoformat(str(c["first"]))
            last = dt.date.fromisoformat(str(c["last"]))
        except (KeyError, ValueError) as exc:
            raise ConfigError(
                f"{src}: '{key}' ({name}) needs first and last as ISO dates such as 2026-12-01"
            ) from exc
        if last < first:
            raise ConfigError(f"{src}: '{key}' ({name}) ends on {last} before it starts on {first}")
        extra = c.get("extra")
        if isinstance(extra, bool) or not isinstance(extra, int) or extra < 1:
            raise ConfigError(
                f"{src}: '{key}.extra' ({name}) must be a whole number of extra patrols a week "
                f">= 1, not {extra!r}"
            )
        area = str(c.get("area", "")).strip()
        places = tuple(str(p) for p in c.get("places", []))
        segments = tuple(str(s) for s in c.get("segments", []))
        if not (area or places or segments):
            raise ConfigError(
                f"{src}: '{key}' ({name}) names no streets; give area (a polygon file), "
                "places (priority place ids) or segments (segment or road ids)"
            )
        out.append(
            Campaign(name, first, last, extra, base / area if area else None, places, segments)
        )
    if len({c.name for c in out}) != len(out):
        raise ConfigError(f"{src}: two [[campaigns]] share a name; give each its own")
    return tuple(out)


def campaign_report(
    campaigns: Sequence[Campaign],
    week: PatrolWeek,
    instance: PatrolInstance,
    planned: Mapping[str, int],
) -> list[dict[str, Any]]:
    """summary.json ``campaigns``: each campaign of the week, its segments and km, its
    extra patrols this week, and the required and planned patrols of its segments
    (planned counted up to each segment's requirement, as ``patrols_planned`` is)."""
    out = []
    for c in campaigns:
        if c.week_extra(week) == 0:
            continue
        segs = [
            instance.segment(sid)
            for sid, names in sorted(instance.context.campaigns.items())
            if c.name in names
        ]
        out.append(
            {
                "name": c.name,
                "first": c.first.isoformat(),
                "last": c.last.isoformat(),
                "extra_per_week": c.extra,
                "extra_this_week": c.week_extra(week),
                "segments": len(segs),
                "km": round(sum(s.length_m for s in segs) / 1000, 3),
                "patrols_required": sum(s.patrols_per_week for s in segs),
                "patrols_planned": sum(
                    min(planned.get(s.segment_id, 0), s.patrols_per_week) for s in segs
                ),
            }
        )
    return out
