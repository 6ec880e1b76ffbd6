"""Boxes drawn over the maps: the overview's legend, a chief's title box and tour colours."""

from __future__ import annotations

import html
import re
from collections import defaultdict
from collections.abc import Mapping, Sequence

from roadchief.domain import Assignment, Chief, Ownership, PatrolInstance
from roadchief.render.colours import DAY_PALETTE, UNPLACED_COLOUR
from roadchief.render.labels import LEVEL_NAMES, Tables, day_label
from roadchief.solve.roster.walk import TourWalk


def overview_legend(
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


def chief_title(
    chief: Chief,
    instance: PatrolInstance,
    tables: Tables,
    tours: Sequence[Sequence[Assignment]],
    walks: Mapping[str, TourWalk],
) -> str:
    """The title box of a chief's map: who, where, and the week's tours with the km walked
    (segments plus the walk between them)."""
    zone = tables.zones.get(chief.zone_id or "", chief.zone_id or "全市")
    supervisor = supervisor_line(chief, instance)
    items = []
    for tour in tours:
        first = tour[0]
        walk = walks[first.tour_id]
        items.append(
            f"<li>{html.escape(day_label(first.day))} "
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


def supervisor_line(chief: Chief, instance: PatrolInstance) -> str:
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


def tour_legend(tours: Sequence[Sequence[Assignment]]) -> str:
    """A small key of the tour colours by weekday, for the days that have tours."""
    days = sorted({t[0].day for t in tours})
    if not days:
        return ""
    rows = "".join(
        f'<div><span class="rc-swatch" style="border-color:{DAY_PALETTE[d.weekday()]}">'
        f"</span>{html.escape(day_label(d))}</div>"
        for d in days
    )
    return (
        '<div class="rc-box rc-tours"><details><summary>颜色</summary>'
        f'{rows}<div><span class="rc-swatch rc-dashed" style="border-color:#555"></span>'
        "协助他人路段</div></details></div>"
    )
