"""Names the map pages look ids up in, their words, and ids kept safe as file names."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping, Sequence
from typing import Any

import geopandas as gpd

from roadchief.domain import PatrolInstance
from roadchief.errors import RoadchiefError
from roadchief.i18n import Translator, clean_text

WORD_MESSAGES = {
    "owner": "segment chief",
    "span": "between",
    "patrols": "patrols this week (planned / required)",
    "none": "no patrols this week",
    "unplaced": "segment in no zone",
    "helper": "helper patrol; segment chief",
    "place": "priority place",
    "colour": "colour",
    "byCoverage": "by coverage",
    "byOwner": "by segment chief",
    "byCount": "by patrols this week",
    "day": "day",
    "chief": "person",
    "find": "find a person",
    "all": "all",
    "unnamed": "unnamed road",
    "cov0": "none planned",
    "covPart": "part planned",
    "covMet": "met",
    "covExtra": "more than required",
    "covNone": "none required",
}
"""Words the browser script puts in tooltips, popups and the overview control."""


def loop_notes(instance: PatrolInstance, tr: Translator) -> dict[str, list[str]]:
    """segment id -> what the closed loop says of it this week (from the plan's context): the
    cases waiting for their recheck (复检) there, the extra patrols for its recurring
    problems and those of special campaigns (专项整治)."""
    out: dict[str, list[str]] = {}
    for r in instance.context.rechecks:
        out.setdefault(r.segment_id, []).append(
            tr("case {case} to recheck by {day}", case=clean_text(r.case_id), day=tr.day(r.due))
        )
    for sid, n in sorted(instance.context.hotspots.items()):
        if n:
            out.setdefault(sid, []).append(
                tr("recurring problems: {n} extra patrols this week", n=n)
            )
    for sid, campaigns in sorted(instance.context.campaigns.items()):
        for name, n in sorted(campaigns.items()):
            out.setdefault(sid, []).append(
                tr("campaign {name}: {n} extra patrols this week", name=clean_text(name), n=n)
            )
    for sid, names in instance.context.frontage.items():
        out.setdefault(sid, []).append(frontage_note(names, tr))
    return out


def campaign_counts(instance: PatrolInstance) -> dict[str, tuple[int, int]]:
    """Special campaign -> (its segments, its extra patrols this week), for the legend."""
    out: dict[str, tuple[int, int]] = {}
    for campaigns in instance.context.campaigns.values():
        for name, n in campaigns.items():
            out[name] = (out.get(name, (0, n))[0] + 1, n)
    return out


def frontage_note(names: Sequence[str], tr: Translator) -> str:
    """The frontage duty holders (门前三包) lining a segment, as its chief reads them."""
    return tr("frontage duty holders: {names}", names=clean_text("; ".join(names)))


_SAFE_ID = re.compile(r"[\w.-]+")


@dataclasses.dataclass(frozen=True)
class Tables:
    """Names the browser script looks ids up in, and its words."""

    chiefs: dict[str, str]
    zones: dict[str, str]
    slots: dict[str, str]
    days: dict[str, str]
    words: dict[str, str]


def tables(instance: PatrolInstance, zone_names: Mapping[str, str], tr: Translator) -> Tables:
    """Names for the ids the features carry, in ``tr``'s language."""
    return Tables(
        chiefs={c.chief_id: clean_text(c.name) for c in instance.chiefs},
        zones=dict(zone_names),
        slots={s.slot_id: tr.slot_time(s) for s in instance.slots},
        days={d.isoformat(): tr.day(d) for d in instance.week.days},
        words={k: tr(m) for k, m in WORD_MESSAGES.items()},
    )


def zone_names(instance: PatrolInstance, zones_gdf: gpd.GeoDataFrame) -> dict[str, str]:
    """Zone names by id, from the instance and the zones frame."""
    names = dict(zip(zones_gdf["zone_id"].tolist(), map(text, zones_gdf["name"]), strict=True))
    names.update({z.zone_id: z.name for z in instance.zones})
    return {z: clean_text(n) for z, n in names.items()}


def text(value: Any) -> str:
    """A display string, cleaned for every format; missing values (None, NaN) become empty."""
    return clean_text(value)


def safe_file_id(chief_id: str) -> str:
    """The chief id as a file name, refused if it could leave the folder."""
    if not _SAFE_ID.fullmatch(chief_id) or chief_id.startswith("."):
        raise RoadchiefError(
            f"chief id {chief_id!r} cannot be a file name; use letters, digits, '_', '-' "
            "or '.' (not first) in the chiefs file"
        )
    return chief_id


def area_file(zone_id: str | None) -> str:
    """The file name of a zone's supervision page (``city.html`` for the whole city): the
    zone id where it is a safe file name, else a name made of its characters' code points
    (zone ids come from the zones file and may hold spaces or slashes)."""
    if zone_id is None:
        return "city.html"
    if _SAFE_ID.fullmatch(zone_id) and not zone_id.startswith(".") and zone_id != "city":
        return f"{zone_id}.html"
    return "zone-" + "-".join(f"{ord(ch):x}" for ch in zone_id) + ".html"
