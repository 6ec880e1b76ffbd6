"""Plain HTML pages without a map (report, supervision, no-tour pages): frame, figures, tables.

Text is escaped here; callers pass plain strings. The CSS is ``assets/page.css``, inlined:
each page is one file that opens offline and fits a phone.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from roadchief.i18n import Translator
from roadchief.render.assets import read_asset

Cell = str | tuple[str, str]
"""A table cell: text, or (text, CSS class)."""


def page(title: str, body: str, *, tr: Translator, head: str = "") -> str:
    """A whole page: UTF-8, phone viewport, the shared CSS, ``head`` and ``body`` as given
    (markup)."""
    return (
        f"<!DOCTYPE html><html lang='{tr.html_lang}'><head><meta charset='UTF-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{html.escape(title)}</title><style>{read_asset('page.css')}</style>{head}</head>"
        f"<body>{body}</body></html>"
    )


def kpis(pairs: Sequence[tuple[str, str]]) -> str:
    """Key figures as a wrapping row of boxes: value large, label under it."""
    boxes = "".join(
        f"<div><b>{html.escape(value)}</b><span>{html.escape(label)}</span></div>"
        for label, value in pairs
    )
    return f"<div class='kpi'>{boxes}</div>"


def table(head: Sequence[str], rows: Sequence[Sequence[Cell]], *, empty: str = "—") -> str:
    """A table in a box that scrolls sideways on its own when wider than the screen.

    The first column is text (left-aligned), the others numbers (right-aligned) unless a
    cell's class says otherwise.
    """
    if not rows:
        return f"<p>{html.escape(empty)}</p>"
    th = "".join(f"<th>{html.escape(h)}</th>" for h in head)
    body = []
    for row in rows:
        cells = []
        for cell in row:
            text, cls = (cell, "") if isinstance(cell, str) else cell
            attr = f" class='{cls}'" if cls else ""
            cells.append(f"<td{attr}>{html.escape(text)}</td>")
        body.append(f"<tr>{''.join(cells)}</tr>")
    return f"<div class='scroll'><table><tr>{th}</tr>{''.join(body)}</table></div>"


def link(href: str, text: str) -> str:
    """An escaped link."""
    return f"<a href='{html.escape(href)}'>{html.escape(text)}</a>"
