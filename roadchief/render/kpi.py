"""Write the assessment (考核) of a period: patrols.csv (every planned patrol, walked yes, no
or unknown), compliance.csv (per patrol, tour, person, zone and week), scores.csv,
kpi.xlsx and kpi.html (scores by chief, zone, unit and category, rankings best and
worst). Renders an Assessment and compliance counts; computes nothing."""

from __future__ import annotations

import csv
import html
from collections.abc import Hashable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from roadchief.loop.patrols import WALKED_ZH
from roadchief.render.ledger import html_page, html_table, write_sheets

if TYPE_CHECKING:
    from roadchief.loop.assessment import Assessment, Counters
    from roadchief.loop.patrols import Compliance, PatrolRecord
    from roadchief.loop.settings import ScoreSettings

PATROL_COLUMNS = ("date", "slot", "chief_id", "segment_id", "walked")
GROUP_ZH = {"chief": "路段长", "zone": "责任区", "unit": "责任单位", "category": "案件类别"}
SCORE_COLUMNS = (
    ("reported", "上报"), ("closed", "结案"), ("closed_on_time", "按期结案"),
    ("on_time_rate", "按期结案率"), ("overdue", "超期"), ("rework", "返工"),
    ("rework_rate", "返工率"), ("recurrent", "重复发生"), ("patrols", "计划巡查"),
    ("walked", "已巡"), ("missed", "未巡"), ("unknown", "无轨迹"), ("compliance", "巡查率"),
    ("score", "得分"), ("rank", "排名"),
)  # fmt: skip
RATES = ("on_time_rate", "rework_rate", "compliance")


def write_patrols_csv(patrols: Sequence[PatrolRecord], path: Path) -> None:
    """One row per planned patrol (UTF-8 with BOM, for Excel)."""
    with Path(path).open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(PATROL_COLUMNS)
        for r in patrols:
            p = r.patrol
            w.writerow([p.day.isoformat(), p.slot_id, p.chief_id, p.segment_id, r.walked.value])


COMPLIANCE_COLUMNS = (
    "level", "date", "slot", "chief_id", "segment_id", "zone_id", "week", "planned", "walked",
    "missed", "unknown", "compliance",
)  # fmt: skip
_KEY_COLUMNS = {
    "patrol": ("date", "slot", "chief_id", "segment_id"),
    "tour": ("date", "slot", "chief_id"),
    "person": ("chief_id",),
    "zone": ("zone_id",),
    "week": ("week",),
}
"""Which columns each level's key fills (loop.patrols.KEYS)."""


def write_compliance_csv(
    by_level: Mapping[str, Mapping[Hashable, Compliance]], unknown_is_missed: bool, path: Path
) -> None:
    """compliance.csv: per patrol, tour, person, zone and week the planned patrols, walked,
    missed, unknown and compliance (walked over known; empty: nothing known)."""
    with Path(path).open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=COMPLIANCE_COLUMNS, restval="")
        w.writeheader()
        for level, groups in by_level.items():
            for key, c in groups.items():
                parts = key if isinstance(key, tuple) else (key,)
                ids = {
                    col: v.isoformat() if hasattr(v, "isoformat") else v
                    for col, v in zip(_KEY_COLUMNS[level], parts, strict=True)
                }
                rate = c.rate(unknown_is_missed)
                w.writerow({
                    "level": level, **ids, "planned": c.planned, "walked": c.walked,
                    "missed": c.missed, "unknown": c.unknown,
                    "compliance": "" if rate is None else round(rate, 4),
                })  # fmt: skip


def score_rows(found: Assessment, settings: ScoreSettings) -> list[dict[str, Any]]:
    """Every member of every group with its counters, rates, score and rank."""
    out = []
    for group, members in found.groups.items():
        rank = {k: i for i, (k, _) in enumerate(found.ranking(group, settings), start=1)}
        for member, c in members.items():
            out.append(
                {
                    "group": group,
                    "id": member,
                    **_figures(c, settings),
                    "rank": rank.get(member, ""),
                }
            )
    return out


def _figures(c: Counters, s: ScoreSettings) -> dict[str, Any]:
    return {
        "reported": c.reported, "closed": c.closed, "closed_on_time": c.closed_on_time,
        "on_time_rate": c.on_time_rate, "overdue": c.overdue, "rework": c.rework,
        "rework_rate": c.rework_rate, "recurrent": c.recurrent, "patrols": c.patrols,
        "walked": c.walked, "missed": c.missed, "unknown": c.unknown,
        "compliance": c.compliance(s.unknown_is_missed), "score": c.score(s),
    }  # fmt: skip


def write_scores_csv(found: Assessment, settings: ScoreSettings, path: Path) -> None:
    """scores.csv: group, id, the counters, rates as fractions (empty: nothing to rate)."""
    names = ["group", "id", *(k for k, _ in SCORE_COLUMNS)]
    with Path(path).open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=names)
        w.writeheader()
        for row in score_rows(found, settings):
            w.writerow({k: _csv(k, v) for k, v in row.items()})


def _csv(key: str, value: Any) -> Any:
    if value is None:
        return ""
    return round(value, 4) if key in RATES or key == "score" else value


def _shown(key: str, value: Any) -> Any:
    """As a person reads it: rates in per cent, nothing to rate as a dash."""
    if value is None:
        return "—"
    return f"{value:.1%}" if key in RATES else value


def _group_table(
    rows: Sequence[Mapping[str, Any]], group: str, names: Mapping[str, str]
) -> tuple[list[str], list[list[Any]]]:
    header = [GROUP_ZH[group], *(zh for _, zh in SCORE_COLUMNS)]
    body = [
        [_member(group, r["id"], names), *(_shown(k, r[k]) for k, _ in SCORE_COLUMNS)]
        for r in rows
        if r["group"] == group
    ]
    return header, body


def _member(group: str, member: str, names: Mapping[str, str]) -> str:
    if not member:
        return "(未定)"
    return f"{member} {names.get(member, '')}".strip() if group == "category" else member


def write_kpi_xlsx(
    found: Assessment,
    settings: ScoreSettings,
    patrols: Sequence[PatrolRecord],
    names: Mapping[str, str],
    path: Path,
) -> None:
    rows = score_rows(found, settings)
    sheets: list[tuple[str, Sequence[str], Sequence[Sequence[Any]]]] = []
    for group, zh in GROUP_ZH.items():
        header, body = _group_table(rows, group, names)
        sheets.append((f"按{zh}", header, body))
    header = ["日期", "时段", "路段长", "路段", "是否巡查"]
    sheets.append(("巡查记录", header, [_patrol_cells(p) for p in patrols]))
    write_sheets(sheets, path)


def _patrol_cells(record: PatrolRecord) -> list[str]:
    p = record.patrol
    return [p.day.isoformat(), p.slot_id, p.chief_id, p.segment_id, WALKED_ZH[record.walked]]


def write_kpi_html(
    found: Assessment, settings: ScoreSettings, names: Mapping[str, str], path: Path
) -> None:
    rows = score_rows(found, settings)
    period = f"{found.first:%Y-%m-%d} 至 {found.last:%Y-%m-%d}"
    rule = (
        f"得分 = {settings.start:g} − 未巡 × {settings.missed_patrol:g} − 超期 × "
        f"{settings.overdue_case:g} − 返工 × {settings.rework:g}"
        + (";无轨迹按未巡计" if settings.unknown_is_missed else ";无轨迹不扣分")
    )
    parts = [f"<p>{html.escape(period)}。{html.escape(rule)}。</p>"]
    n = settings.ranking_size
    for group, zh in GROUP_ZH.items():
        ranked = found.ranking(group, settings)
        if ranked:
            best = [[i, _member(group, k, names), s] for i, (k, s) in enumerate(ranked, 1)]
            parts.append(f"<h2>{zh}排名:前 {min(n, len(best))} 名与后 {min(n, len(best))} 名</h2>")
            parts.append(html_table(["排名", zh, "得分"], best[:n]))
            parts.append(html_table(["排名", zh, "得分"], best[-n:][::-1]))
        header, body = _group_table(rows, group, names)
        parts.append(f"<h2>按{zh}</h2>")
        parts.append(html_table(header, body))
    path.write_text(html_page(f"考核 {period}", parts), "utf-8")
