"""Write the coverage and fairness report (report.html): tables and bar charts, no scripts.

Required against planned patrols by zone and by road class, the load of every person
(tours, patrols, km, evening and weekend tours) and the evening / weekend share: evening
tours are those in the rules' unsocial slots, weekend days those of the instance's context
(Saturdays and Sundays less make-up working days), as the checker counts them. The page
is self-contained (inline CSS and SVG charts): it opens offline and prints.
"""

from __future__ import annotations

import datetime as dt
import html
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from roadchief.domain import Ownership, PatrolInstance, Roster


@dataclass
class Coverage:
    """Patrols required and planned for a group of segments."""

    segments: int = 0
    required: int = 0
    planned: int = 0
    met: int = 0
    """Planned patrols that count toward the requirement (at most the required per segment)."""

    @property
    def share(self) -> float:
        return self.met / self.required if self.required else 1.0


@dataclass
class Load:
    """What one person walks in the week."""

    chief_id: str
    name: str
    zone_id: str
    level: str
    owned: int = 0
    tours: int = 0
    patrols: int = 0
    km: float = 0.0
    evening: int = 0
    weekend: int = 0
    days: set[dt.date] = field(default_factory=set)


@dataclass
class ReportData:
    """The numbers of the report."""

    by_zone: dict[str, Coverage]
    by_class: dict[str, Coverage]
    loads: list[Load]
    tours: int
    evening_tours: int
    weekend_tours: int


def report_data(roster: Roster, instance: PatrolInstance, ownership: Ownership) -> ReportData:
    """Count coverage by zone and class and the load of every person who patrols or owns."""
    planned = roster.patrols_of_segment()
    by_zone: dict[str, Coverage] = {z.zone_id: Coverage() for z in instance.zones}
    by_class: dict[str, Coverage] = defaultdict(Coverage)
    for seg in instance.segments:
        n = planned.get(seg.segment_id, 0)
        for cov in (by_zone.setdefault(seg.zone_id, Coverage()), by_class[seg.road_class]):
            cov.segments += 1
            cov.required += seg.patrols_per_week
            cov.planned += n
            cov.met += min(n, seg.patrols_per_week)
    loads = {
        c.chief_id: Load(c.chief_id, c.name, c.zone_id or "", c.level.value)
        for c in instance.chiefs
    }
    for chief_id in ownership.owner_of.values():
        loads[chief_id].owned += 1
    ctx = instance.context
    tours = roster.tours()
    evening = weekend = 0
    for tour in tours.values():
        first = tour[0]
        load = loads[first.chief_id]
        load.tours += 1
        load.patrols += len(tour)
        load.km += sum(instance.segment(a.segment_id).length_m for a in tour) / 1000
        load.days.add(first.day)
        if first.slot_id in ctx.unsocial_slots:
            load.evening += 1
            evening += 1
        if first.day in ctx.weekend:
            load.weekend += 1
            weekend += 1
    active = [ld for ld in loads.values() if ld.tours or ld.owned]
    return ReportData(by_zone, dict(by_class), active, len(tours), evening, weekend)


def write_report(
    roster: Roster, instance: PatrolInstance, ownership: Ownership, path: Path
) -> ReportData:
    """Write ``report.html`` and return the numbers it shows."""
    data = report_data(roster, instance, ownership)
    zone_names = {z.zone_id: z.name for z in instance.zones}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(_page(data, instance, zone_names), encoding="utf-8")
    return data


# --- page -------------------------------------------------------------------------------

_CSS = """
body { font: 14px/1.45 "Helvetica Neue", Arial, "PingFang SC", "Microsoft YaHei",
  "Noto Sans CJK SC", sans-serif; margin: 16px; color: #222; max-width: 1100px; }
table { border-collapse: collapse; margin: 8px 0 20px; }
th, td { border-bottom: 1px solid #ddd; padding: 3px 10px 3px 0; text-align: right; }
th:first-child, td:first-child, td.t { text-align: left; }
.low { color: #c00; font-weight: bold; }
svg text { font: 11px "Noto Sans CJK SC", "Microsoft YaHei", Arial, sans-serif; }
.kpi span { display: inline-block; margin-right: 24px; }
"""


def _page(data: ReportData, instance: PatrolInstance, zone_names: dict[str, str]) -> str:
    total = Coverage()
    for cov in data.by_zone.values():
        total.segments += cov.segments
        total.required += cov.required
        total.planned += cov.planned
        total.met += cov.met
    tours = max(data.tours, 1)
    zones = sorted(data.by_zone, key=lambda z: zone_names.get(z, z))
    e = html.escape
    parts = [
        "<!DOCTYPE html><html lang='zh-CN'><head><meta charset='UTF-8'>",
        "<meta name='viewport' content='width=device-width, initial-scale=1'>",
        f"<title>{e(str(instance.week))} 巡查覆盖与公平报告</title><style>{_CSS}</style></head>",
        f"<body><h1>{e(str(instance.week))} 巡查覆盖与公平报告</h1>",
        "<p class='kpi'>",
        f"<span>要求巡查 <b>{total.required}</b> 次</span>",
        f"<span>计划 <b>{total.planned}</b> 次</span>",
        f"<span>覆盖率 <b>{total.share:.1%}</b></span>",
        f"<span>巡查 {data.tours} 趟</span>",
        f"<span>晚间 {data.evening_tours / tours:.1%}</span>",
        f"<span>周末 {data.weekend_tours / tours:.1%}</span></p>",
        "<h2>按责任区：要求与计划</h2>",
        _bars(
            [
                (zone_names.get(z, z), [data.by_zone[z].required, data.by_zone[z].met])
                for z in zones
            ],
            ["要求", "计划（计入要求）"],
        ),
        _coverage_table("责任区", [(zone_names.get(z, z), data.by_zone[z]) for z in zones]),
        "<h2>按道路等级</h2>",
        _coverage_table("等级", sorted(data.by_class.items())),
        "<h2>每人负担</h2>",
        _bars(
            [(f"{ld.name} {ld.chief_id}", [ld.tours]) for ld in _by_zone_then_name(data.loads)],
            ["本周巡查趟数"],
        ),
        _load_table(_by_zone_then_name(data.loads), zone_names),
        "</body></html>",
    ]
    return "\n".join(parts)


def _by_zone_then_name(loads: Sequence[Load]) -> list[Load]:
    return sorted(loads, key=lambda ld: (ld.zone_id, ld.chief_id))


def _coverage_table(title: str, rows: Sequence[tuple[str, Coverage]]) -> str:
    body = "".join(
        f"<tr><td>{html.escape(name)}</td><td>{c.segments}</td><td>{c.required}</td>"
        f"<td>{c.planned}</td><td>{c.met}</td>"
        f"<td{' class=low' if c.share < 0.95 else ''}>{c.share:.1%}</td></tr>"
        for name, c in rows
    )
    return (
        f"<table><tr><th>{html.escape(title)}</th><th>路段</th><th>要求</th><th>计划</th>"
        f"<th>计入要求</th><th>覆盖率</th></tr>{body}</table>"
    )


def _load_table(loads: Sequence[Load], zone_names: dict[str, str]) -> str:
    body = "".join(
        f"<tr><td>{html.escape(ld.name)} {html.escape(ld.chief_id)}</td>"
        f"<td class=t>{html.escape(zone_names.get(ld.zone_id, ld.zone_id))}</td>"
        f"<td class=t>{html.escape(ld.level)}</td><td>{ld.owned}</td><td>{ld.tours}</td>"
        f"<td>{ld.patrols}</td><td>{ld.km:.1f}</td><td>{len(ld.days)}</td>"
        f"<td>{ld.evening}</td><td>{ld.weekend}</td></tr>"
        for ld in loads
    )
    return (
        "<table><tr><th>人员</th><th>责任区</th><th>级别</th><th>负责路段</th><th>趟数</th>"
        "<th>巡查路段次</th><th>km</th><th>天数</th><th>晚间</th><th>周末</th></tr>"
        f"{body}</table>"
    )


_SERIES_COLOURS = ("#9ecae1", "#3182bd", "#ff7f0e")


def _bars(rows: Sequence[tuple[str, Sequence[float]]], series: Sequence[str]) -> str:
    """A horizontal bar chart as inline SVG: one group of bars per row."""
    if not rows:
        return "<p>（无数据）</p>"
    label_w, bar_h, gap, width = 190, 9, 6, 760
    top = max(max(values, default=0) for _, values in rows) or 1
    group_h = bar_h * len(series) + gap
    height = 22 + group_h * len(rows)
    scale = (width - label_w - 50) / top
    out = [f'<svg width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img">']
    x = label_w
    for i, name in enumerate(series):
        out.append(
            f'<rect x="{x}" y="4" width="10" height="10" fill="{_SERIES_COLOURS[i]}"/>'
            f'<text x="{x + 14}" y="13">{html.escape(name)}</text>'
        )
        x += 20 + 13 * len(name)
    for r, (label, values) in enumerate(rows):
        y = 22 + r * group_h
        out.append(
            f'<text x="{label_w - 6}" y="{y + bar_h * len(series) / 2 + 4}" '
            f'text-anchor="end">{html.escape(label[:24])}</text>'
        )
        for i, value in enumerate(values):
            w = value * scale
            out.append(
                f'<rect x="{label_w}" y="{y + i * bar_h}" width="{w:.1f}" height="{bar_h - 1}" '
                f'fill="{_SERIES_COLOURS[i]}"/><text x="{label_w + w + 3:.1f}" '
                f'y="{y + i * bar_h + bar_h - 1}">{value:g}</text>'
            )
    out.append("</svg>")
    return "".join(out)
