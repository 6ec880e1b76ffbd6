"""Names people read on the maps: levels, days, slots, zones, and ids kept safe as file names."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

import geopandas as gpd

from roadchief.domain import ChiefLevel, PatrolInstance
from roadchief.errors import RoadchiefError

LEVEL_NAMES: Mapping[ChiefLevel, str] = {
    ChiefLevel.GENERAL: "总路长",
    ChiefLevel.L1: "一级路长",
    ChiefLevel.L2: "二级路长",
    ChiefLevel.SEGMENT: "路段长",
    ChiefLevel.PATROLLER: "巡查员",
}
WEEKDAY_NAMES = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")

WORDS = {
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
"""Words the browser script puts in tooltips, popups and the overview control."""

_SAFE_ID = re.compile(r"[\w.-]+")


@dataclasses.dataclass(frozen=True)
class Tables:
    """Names the browser script looks ids up in."""

    chiefs: dict[str, str]
    zones: dict[str, str]
    slots: dict[str, str]
    days: dict[str, str]


def tables(instance: PatrolInstance, zone_names: Mapping[str, str]) -> Tables:
    """Names for the ids the features carry."""
    return Tables(
        chiefs={c.chief_id: c.name for c in instance.chiefs},
        zones=dict(zone_names),
        slots={s.slot_id: slot_label(s.slot_id, s.start, s.end) for s in instance.slots},
        days={d.isoformat(): day_label(d) for d in instance.week.days},
    )


def zone_names(instance: PatrolInstance, zones_gdf: gpd.GeoDataFrame) -> dict[str, str]:
    """Zone names by id, from the instance and the zones frame."""
    names = dict(zip(zones_gdf["zone_id"].tolist(), map(text, zones_gdf["name"]), strict=True))
    names.update({z.zone_id: z.name for z in instance.zones})
    return names


def day_label(day: dt.date) -> str:
    """``12月7日 周一``."""
    return f"{day.month}月{day.day}日 {WEEKDAY_NAMES[day.weekday()]}"


def slot_label(slot_id: str, start: dt.time, end: dt.time) -> str:
    """``am 08:00–10:00``."""
    return f"{slot_id} {start:%H:%M}–{end:%H:%M}"


def text(value: Any) -> str:
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
