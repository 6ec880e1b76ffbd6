"""The hot issues (热点) citizens may see: the segments where cases recur, ranked by the
roster's own weight of recurring problems (``hotspot_weights``), with counts by main class.
Counts only: no reporter, text, photo or point leaves this module.

Pure: ledger rows and reported times in, domain values out."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from roadchief.loop.categories import Taxonomy
from roadchief.loop.feedback import counted_cases, hotspot_weights
from roadchief.loop.ledger import LedgerRow
from roadchief.loop.settings import HotspotSettings


@dataclass(frozen=True)
class HotSegment:
    segment_id: str
    weight: float
    """The decay-weighted count the roster's extra patrols come from."""
    cases: int
    """Cases of the window, not rejected."""
    open: int
    """Of them, not yet closed or fixed on the spot."""
    by_main: tuple[tuple[str, int], ...]
    """(main class code, cases), most first."""


def hot_segments(
    rows: Iterable[LedgerRow],
    reported: Mapping[str, dt.datetime],
    at: dt.datetime,
    settings: HotspotSettings,
    taxonomy: Taxonomy,
    main: str = "",
) -> list[HotSegment]:
    """The ``settings.public_top`` segments with the most weight from the cases reported in
    the ``settings.public_days`` before ``at`` (of main class ``main`` when given), heaviest
    first (ties by segment id)."""
    since = at - dt.timedelta(days=settings.public_days)
    kept = [
        r
        for r in rows
        if since <= reported[r.case_id] <= at
        and (not main or taxonomy.categories[r.category].main.code == main)
    ]
    weights = hotspot_weights(counted_cases(kept, reported), at, settings)
    by_segment: dict[str, list[LedgerRow]] = {}
    for r in kept:
        if r.segment_id in weights:
            by_segment.setdefault(r.segment_id, []).append(r)
    out = []
    for segment_id, its in by_segment.items():
        mains = Counter(taxonomy.categories[r.category].main.code for r in its)
        out.append(
            HotSegment(
                segment_id,
                weights[segment_id],
                len(its),
                sum("open" in r.status for r in its),
                tuple(sorted(mains.items(), key=lambda kv: (-kv[1], kv[0]))),
            )
        )
    out.sort(key=lambda h: (-h.weight, h.segment_id))
    return out[: settings.public_top]
