"""Horizontal bar charts as inline SVG that scale to the page width (a phone's included)."""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass

BAR = "#3182bd"
TRACK = "#deebf7"
MARK = "#d94801"
LOW = "#c0392b"


@dataclass(frozen=True)
class Bar:
    """One row: a value drawn against a scale, with an optional track (a capacity) and text."""

    label: str
    value: float
    track: float | None = None
    """Drawn light behind the bar: the most the value could be (a capacity)."""
    text: str = ""
    """Shown at the bar's end; the value when empty."""
    low: bool = False
    """Drawn in the warning colour."""


def bar_chart(
    bars: Sequence[Bar],
    *,
    top: float | None = None,
    mark: float | None = None,
    mark_label: str = "",
    legend: Sequence[tuple[str, str]] = (),
    empty: str = "—",
) -> str:
    """An SVG of one bar per row, scaled to ``top`` (the largest value or track when None).

    ``mark`` draws a vertical line at that value (a target, a mean) labelled ``mark_label``;
    ``legend`` is (colour, text) pairs shown above. The SVG has a viewBox and width 100%, so
    it shrinks to a phone's width instead of making the page scroll sideways.
    """
    if not bars:
        return f"<p>{html.escape(empty)}</p>"
    label_w, bar_h, gap, width, right = 92, 14, 6, 360, 96
    most = max([b.value for b in bars] + [b.track or 0 for b in bars] + [mark or 0]) or 1
    scale_top = top if top is not None else most
    plot = width - label_w - right
    head = 22 if legend or mark is not None else 4
    height = head + (bar_h + gap) * len(bars) + 4
    out = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'preserveAspectRatio="xMinYMin meet">'
    ]
    x = label_w
    for colour, text in legend:
        out.append(
            f'<rect x="{x}" y="4" width="10" height="10" fill="{colour}"/>'
            f'<text x="{x + 14}" y="13">{html.escape(text)}</text>'
        )
        x += 20 + 7 * sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)
    for i, b in enumerate(bars):
        y = head + i * (bar_h + gap)
        out.append(
            f'<text x="{label_w - 6}" y="{y + bar_h - 3}" text-anchor="end">'
            f"{html.escape(_short(b.label))}</text>"
        )
        if b.track is not None:
            out.append(
                f'<rect x="{label_w}" y="{y}" width="{_w(b.track, scale_top, plot):.1f}" '
                f'height="{bar_h}" fill="{TRACK}"/>'
            )
        w = _w(b.value, scale_top, plot)
        out.append(
            f'<rect x="{label_w}" y="{y + 2}" width="{w:.1f}" height="{bar_h - 4}" '
            f'fill="{LOW if b.low else BAR}"/>'
        )
        end = max(w, _w(b.track or 0, scale_top, plot))
        out.append(
            f'<text x="{label_w + end + 4:.1f}" y="{y + bar_h - 3}">'
            f"{html.escape(b.text or f'{b.value:g}')}</text>"
        )
    if mark is not None:
        mx = label_w + _w(mark, scale_top, plot)
        out.append(
            f'<line x1="{mx:.1f}" y1="{head - 4}" x2="{mx:.1f}" y2="{height}" stroke="{MARK}" '
            f'stroke-width="2" stroke-dasharray="4 3"><title>{html.escape(mark_label)}</title>'
            "</line>"
        )
    out.append("</svg>")
    return "".join(out)


def _w(value: float, top: float, plot: float) -> float:
    return max(0.0, min(value, top)) / top * plot if top else 0.0


def _short(label: str, most: int = 7) -> str:
    """At most ``most`` characters (a Chinese name fits; a long one is cut with …)."""
    return label if len(label) <= most else label[: most - 1] + "…"
