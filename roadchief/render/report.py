"""Write the coverage and fairness report (report.html): key figures, charts and tables.

Every number comes from ``roadchief.figures`` (the run's one definition of each); the page
only lays them out. Self-contained (inline CSS and SVG, no script): it opens offline,
prints, and fits a phone (charts shrink, wide tables scroll inside their box).
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from pathlib import Path

from roadchief.domain import PatrolInstance
from roadchief.figures import Coverage, PersonFigures, RunFigures
from roadchief.i18n import Translator, natural_key, sort_zones
from roadchief.render.charts import BAR, MARK, TRACK, Bar, bar_chart
from roadchief.render.html_page import Cell, kpis, page, table

LOW_SHARE = 0.95
"""A coverage below this share is shown in the warning colour."""


def write_report(
    figures: RunFigures, instance: PatrolInstance, path: Path, *, tr: Translator
) -> None:
    """Write ``report.html`` from the run's figures, in ``tr``'s language."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(report_html(figures, instance, tr=tr), encoding="utf-8")


def report_html(figures: RunFigures, instance: PatrolInstance, *, tr: Translator) -> str:
    """The report page."""
    f = figures
    names = {z: zf.name for z, zf in f.by_zone.items()}
    zones = sort_zones(list(f.by_zone), names)
    title = tr("{week} patrol coverage and fairness", week=f.week)
    body = [
        f"<h1>{html.escape(title)}</h1>",
        kpis(headline(f, tr)),
        _unplaced_note(f, tr),
        f"<h2>{html.escape(tr('Coverage by zone'))}</h2>",
        f"<p class=note>{html.escape(tr('Planned patrols that count toward the requirement, over the required patrols.'))}</p>",
        bar_chart(
            [
                Bar(
                    names[z] or z,
                    100 * f.by_zone[z].coverage.share,
                    100.0,
                    tr.percent(f.by_zone[z].coverage.share),
                    low=f.by_zone[z].coverage.share < LOW_SHARE,
                )
                for z in zones
            ],
            top=100.0,
        ),
        f"<h2>{html.escape(tr('Load against capacity by zone'))}</h2>",
        f"<p class=note>{html.escape(tr('Tours the people of a zone walk this week, against the tours they may walk (their tours a week on the days open to them).'))}</p>",
        bar_chart(
            [
                Bar(
                    names[z] or z,
                    f.by_zone[z].home_tours,
                    f.by_zone[z].capacity,
                    f"{f.by_zone[z].home_tours} / {f.by_zone[z].capacity}",
                )
                for z in zones
            ],
            legend=[(BAR, tr("tours")), (TRACK, tr("capacity"))],
        ),
        f"<h2>{html.escape(tr('Evening and weekend tours by zone'))}</h2>",
        _unsocial_chart(f, zones, names, tr),
        f"<h2>{html.escape(tr('By zone'))}</h2>",
        _coverage_table(tr("zone"), [(names[z] or z, f.by_zone[z].coverage) for z in zones], tr),
        f"<h2>{html.escape(tr('By road class'))}</h2>",
        _coverage_table(
            tr("road class"),
            [(tr.road_class(c), cov) for c, cov in sorted(f.by_class.items())],
            tr,
        ),
        f"<h2>{html.escape(tr('Everyone with a role'))}</h2>",
        _people_table(f, names, tr),
    ]
    return page(title, "".join(body), tr=tr)


def headline(f: RunFigures, tr: Translator) -> list[tuple[str, str]]:
    """The key figures (label, value) shown atop the report and the overview."""
    return [
        (tr("coverage"), tr.percent(f.coverage.share)),
        (tr("patrols required"), f"{f.patrols_required:,}"),
        (tr("planned toward it"), f"{f.patrols_toward:,}"),
        (tr("extra patrols"), f"{f.patrols_extra:,}"),
        (tr("segments without a chief"), f"{f.segments_unplaced:,} ({tr.km(f.km_unplaced)})"),
        (tr("tours"), f"{len(f.tours):,}"),
        (tr("km walked"), tr.km(f.km_walked)),
        (tr("evening tours"), tr.percent(f.share(f.evening_tours))),
        (tr("weekend tours"), tr.percent(f.share(f.weekend_tours))),
    ]


def _unplaced_note(f: RunFigures, tr: Translator) -> str:
    note = tr(
        "All {planned:,} patrols of roster.csv: {toward:,} toward the requirement and {extra:,} "
        "beyond it.",
        planned=f.patrols_planned,
        toward=f.patrols_toward,
        extra=f.patrols_extra,
    )
    out = f"<p class=note>{html.escape(note)}"
    if f.unplaced:
        msg = tr(
            "{n} segments ({km}) lie in no zone: they have no chief and no patrols. See "
            "unplaced.geojson.",
            n=f.segments_unplaced,
            km=tr.km(f.km_unplaced),
        )
        out += f" <b class=low>{html.escape(msg)}</b>"
    return out + "</p>"


def _unsocial_chart(
    f: RunFigures, zones: Sequence[str], names: dict[str, str], tr: Translator
) -> str:
    bars = []
    for z in zones:
        zf = f.by_zone[z]
        share = zf.evening / zf.tours if zf.tours else 0.0
        weekend = zf.weekend / zf.tours if zf.tours else 0.0
        bars.append(
            Bar(
                names[z] or z,
                100 * share,
                100 * (share + weekend),
                f"{tr('evening')} {tr.percent(share)} · {tr('weekend')} {tr.percent(weekend)}",
            )
        )
    city = 100 * f.share(f.evening_tours)
    return bar_chart(
        bars,
        mark=city,
        mark_label=tr("city: evening {share}", share=tr.percent(f.share(f.evening_tours))),
        legend=[(BAR, tr("evening")), (TRACK, tr("evening + weekend")), (MARK, tr("city"))],
    )


def _coverage_table(title: str, rows: Sequence[tuple[str, Coverage]], tr: Translator) -> str:
    head = [title, tr("segments"), tr("km"), tr("required"), tr("toward"), tr("extra"),
            tr("coverage"), tr("uncovered km")]  # fmt: skip
    body: list[list[Cell]] = [
        [
            name,
            f"{c.segments:,}",
            f"{c.length_m / 1000:.1f}",
            f"{c.required:,}",
            f"{c.toward:,}",
            f"{c.extra:,}",
            (tr.percent(c.share), "low" if c.share < LOW_SHARE else ""),
            f"{c.uncovered_m / 1000:.1f}",
        ]
        for name, c in rows
    ]
    return table(head, body)


def _people_table(f: RunFigures, names: dict[str, str], tr: Translator) -> str:
    people = sorted(
        f.people.values(),
        key=lambda p: (natural_key(names.get(p.zone_id, p.zone_id) or "~"), p.level, p.name),
    )
    head = [tr("person"), tr("zone"), tr("level"), tr("own segments"), tr("tours"),
            tr("capacity"), tr("patrols"), tr("km walked"), tr("km of segments"),
            tr("evening"), tr("weekend")]  # fmt: skip
    return table(head, [_person_row(p, names, tr) for p in people])


def _person_row(p: PersonFigures, names: dict[str, str], tr: Translator) -> list[Cell]:
    return [
        p.name,
        names.get(p.zone_id, p.zone_id) or tr("whole city"),
        tr.level(p.level),
        f"{p.owned}",
        (f"{p.tours}", "low" if p.capacity and not p.tours else ""),
        f"{p.capacity}",
        f"{p.patrols}",
        f"{p.km_walked:.1f}",
        f"{p.km_segments:.1f}",
        f"{p.evening}",
        f"{p.weekend}",
    ]
