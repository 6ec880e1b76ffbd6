"""Write the ledger (清单台账) as an Excel workbook and an HTML page, and a weekly digest
per unit; Chinese headings. Renders a LedgerView; computes nothing."""

from __future__ import annotations

import html
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import xlsxwriter

from roadchief.calendar import moment_text
from roadchief.render.xlsx import sheet_title

if TYPE_CHECKING:
    from roadchief.loop.ledger import LedgerRow, LedgerView

SECTION_ZH = {
    "open": "在办案件",
    "overdue": "超期案件",
    "flagged": "挂牌督办",
    "closed_this_week": "本周结案",
}
COLUMNS_ZH = (
    ("case_id", "案件编号"), ("state", "状态"), ("category", "类别"),
    ("segment_id", "路段"), ("zone_id", "责任区"), ("chief_id", "路段长"),
    ("unit", "责任单位"), ("deadline", "处置期限"), ("overdue_hours", "超期(工作小时)"),
    ("flagged", "挂牌"), ("reason", "未落位原因"),
)  # fmt: skip
TALLY_ZH = (("open", "在办"), ("overdue", "超期"), ("flagged", "挂牌"),
            ("closed_this_week", "本周结案"))  # fmt: skip


def cells(row: LedgerRow, names: Mapping[str, str]) -> dict[str, Any]:
    return {
        "case_id": row.case_id,
        "state": row.state_zh,
        "category": f"{row.category} {names.get(row.category, '')}".strip(),
        "segment_id": row.segment_id,
        "zone_id": row.zone_id,
        "chief_id": row.chief_id,
        "unit": row.unit,
        "deadline": moment_text(row.deadline.due) if row.deadline else "",
        "overdue_hours": round(row.overdue_minutes / 60, 1) if row.overdue else "",
        "flagged": "是" if row.flagged else "",
        "reason": row.reason,
    }


def write_ledger_xlsx(view: LedgerView, path: Path) -> None:
    header = [c for _, c in COLUMNS_ZH]
    sheets = []
    for key, zh in SECTION_ZH.items():
        rows = [cells(r, view.category_names) for r in view.sections[key]]
        sheets.append((zh, header, [[r[k] for k, _ in COLUMNS_ZH] for r in rows]))
    for zh, tally in (("按责任单位", view.by_unit), ("按责任区", view.by_zone)):
        sheets.append((zh, [zh[1:], *(c for _, c in TALLY_ZH)], _tally_rows(tally)))
    write_sheets(sheets, path)


def write_sheets(
    sheets: Sequence[tuple[str, Sequence[str], Sequence[Sequence[Any]]]], path: Path
) -> None:
    """A workbook of plain tables (name, header, rows): bold frozen header, filters."""
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_formulas": False})
    bold = wb.add_format({"bold": True})
    used: set[str] = set()
    for name, header, rows in sheets:
        title = sheet_title(name, used)
        used.add(title)
        ws = wb.add_worksheet(title)
        ws.freeze_panes(1, 0)
        ws.write_row(0, 0, list(header), bold)
        for i, row in enumerate(rows, start=1):
            ws.write_row(i, 0, list(row))
        ws.autofilter(0, 0, len(rows), max(len(header) - 1, 0))
    wb.close()


def _tally_rows(tally: Mapping[str, Counter[str]]) -> list[list[Any]]:
    return [
        [name or "(未定)", *(counts[k] for k, _ in TALLY_ZH)]
        for name, counts in sorted(tally.items())
    ]


def html_table(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    head = "".join(f"<th>{html.escape(str(h))}</th>" for h in header)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in row) + "</tr>" for row in rows
    )
    return (
        f"<div class='wide'><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody>"
        "</table></div>"
    )


def html_page(title: str, parts: Sequence[str]) -> str:
    """A ledger or assessment page that reads on a phone: a wide table scrolls in its box,
    the page does not."""
    style = (
        "body{font-family:'Noto Sans CJK SC','Microsoft YaHei',sans-serif;margin:2em}"
        "@media (max-width:600px){body{margin:0.8em}h1{font-size:1.3em}}"
        ".wide{overflow-x:auto;max-width:100%;margin-bottom:1.5em}"
        "table{border-collapse:collapse}"
        "th,td{border:1px solid #bbb;padding:2px 6px;font-size:13px}th{background:#eee}"
    )
    return (
        f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)}</title><style>{style}</style></head><body>"
        f"<h1>{html.escape(title)}</h1>{''.join(parts)}</body></html>\n"
    )


def _sections(view: LedgerView, rows_of: Mapping[str, Sequence[LedgerRow]]) -> list[str]:
    parts = []
    for key, zh in SECTION_ZH.items():
        rows = [cells(r, view.category_names) for r in rows_of[key]]
        parts.append(f"<h2>{zh} ({len(rows)})</h2>")
        if rows:
            parts.append(
                html_table(
                    [c for _, c in COLUMNS_ZH], [[r[k] for k, _ in COLUMNS_ZH] for r in rows]
                )
            )
    return parts


def write_ledger_html(view: LedgerView, path: Path) -> None:
    when = moment_text(view.at)
    parts = [f"<p>截至 {when};本周自 {view.week_start:%Y-%m-%d}。</p>"]
    for zh, tally in (("按责任单位", view.by_unit), ("按责任区", view.by_zone)):
        parts.append(f"<h2>{zh}</h2>")
        parts.append(html_table([zh[1:], *(c for _, c in TALLY_ZH)], _tally_rows(tally)))
    parts += _sections(view, view.sections)
    path.write_text(html_page(f"案件清单台账 {when}", parts), "utf-8")


def write_digests(view: LedgerView, folder: Path) -> list[Path]:
    """One weekly digest per unit (周报): its open, overdue, flagged and closed cases."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for unit in sorted({r.unit for r in view.rows if r.unit}):
        mine = {k: [r for r in rows if r.unit == unit] for k, rows in view.sections.items()}
        counts = view.by_unit.get(unit, Counter())
        summary = ",".join(f"{zh} {counts[k]}" for k, zh in TALLY_ZH)
        parts = [f"<p>{view.week_start:%Y-%m-%d} 至 {moment_text(view.at)}:{summary}。</p>"]
        path = folder / f"{sheet_title(unit)}.html"
        path.write_text(html_page(f"{unit} 周报", parts + _sections(view, mine)), "utf-8")
        written.append(path)
    return written
