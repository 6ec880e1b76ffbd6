"""The map of a supervision page: the zone's segments coloured by coverage (planned /
required, as the overview), the short ones marked, who owns each, street names. The data
is built here; ``assets/area.js`` draws it in the page."""

from __future__ import annotations

from typing import Any

from roadchief.domain import Ownership, PatrolInstance
from roadchief.figures import RunFigures
from roadchief.i18n import Translator, clean_text
from roadchief.render.colours import COVERAGE_COLOURS, coverage_class
from roadchief.render.labels import loop_notes
from roadchief.render.page_city import LatLon, PageCity, line_bounds


def zone_map(
    zone_id: str,
    data: PageCity,
    figures: RunFigures,
    instance: PatrolInstance,
    ownership: Ownership,
    *,
    tr: Translator,
    tiles: list[dict[str, Any]],
) -> dict[str, Any]:
    """The ``RC_DATA`` of a zone's supervision map (``assets/area.js``)."""
    segs: list[dict[str, Any]] = []
    points: list[LatLon] = []
    short = 0
    notes = loop_notes(instance, tr)
    for sid in data.by_zone.get(zone_id, []):
        seg = instance.segment(sid)
        planned = figures.patrols_by_segment.get(sid, 0)
        owner = ownership.owner_of.get(sid)
        is_short = planned < seg.patrols_per_week
        short += is_short
        points += data.lines[sid]
        segs.append(
            {
                "line": data.lines[sid],
                "c": coverage_class(planned, seg.patrols_per_week),
                "short": is_short,
                "road": data.roads[sid] or tr("unnamed road"),
                "span": data.spans[sid],
                "owner": tr(
                    "accountable chief: {name}", name=clean_text(instance.chief(owner).name)
                )
                if owner
                else tr("no chief"),
                "plan": planned,
                "req": seg.patrols_per_week,
                **({"notes": notes[sid]} if sid in notes else {}),
            }
        )
    return {
        "words": {
            "legend": tr("coverage (planned / required)"),
            "short": tr("short: {n} segments with fewer patrols than required", n=short),
            "patrols": tr("patrols this week (planned / required)"),
        },
        "colours": [[tr(message), colour] for message, colour in COVERAGE_COLOURS],
        "segs": segs,
        "labels": data.labels.get(zone_id, []),
        "tiles": tiles,
        "bounds": line_bounds(points),
    }
