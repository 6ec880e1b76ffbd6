"""Boxes drawn over the overview map: the key figures atop it and the legend."""

from __future__ import annotations

import html
from collections.abc import Mapping

from roadchief.figures import RunFigures
from roadchief.i18n import Translator, clean_text
from roadchief.render.colours import COVERAGE_COLOURS, UNPLACED_COLOUR
from roadchief.render.report import headline


def overview_header(figures: RunFigures, tr: Translator) -> str:
    """The title and key figures of the week, folded on a phone."""
    title = tr("{week} road chief patrols", week=figures.week)
    items = "".join(
        f"<span><b>{html.escape(value)}</b> {html.escape(label)}</span>"
        for label, value in headline(figures, tr)
    )
    report = html.escape(tr("report"))
    return (
        f'<div class="rc-box rc-head"><details open><summary><b>{html.escape(title)}</b>'
        f"</summary><div class='rc-kpis'>{items}</div>"
        f"<a href='report.html'>{report}</a></details></div>"
    )


def overview_legend(
    n_unplaced: int, tr: Translator, campaigns: Mapping[str, tuple[int, int]] | None = None
) -> str:
    """The legend: coverage colours, zones, unplaced segments and the week's special
    campaigns (name -> segments, extra patrols; people are found with the search: a colour
    per owner identifies nobody among dozens)."""
    coverage = "".join(
        f'<div><span class="rc-swatch" style="border-color:{colour}"></span>'
        f"{html.escape(tr(message))}</div>"
        for message, colour in COVERAGE_COLOURS
    )
    unplaced = tr("segments in no zone ({n})", n=n_unplaced)
    return (
        f'<div class="rc-box rc-legend"><details><summary><b>{html.escape(tr("legend"))}</b>'
        f"</summary><div class='rc-cov'>{coverage}</div>"
        f'<div><span class="rc-swatch rc-area"></span>{html.escape(tr("zone"))}</div>'
        f'<div><span class="rc-swatch rc-dashed" style="border-color:{UNPLACED_COLOUR}">'
        f"</span>{html.escape(unplaced)}</div>"
        + "".join(
            f"<div>{html.escape(tr('campaign {name}: {n} segments, {k} extra patrols this week', name=clean_text(name), n=n, k=k))}</div>"
            for name, (n, k) in sorted((campaigns or {}).items())
        )
        + "</details></div>"
    )
