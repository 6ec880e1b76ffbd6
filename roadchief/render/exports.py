"""Write a run's tables and files: roster and ownership CSV, unplaced GeoJSON, JSON.

CSV files are UTF-8 with a byte-order mark so that Excel shows Chinese names correctly;
JSON keeps Chinese as is. The writers only copy results; they decide nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from roadchief.domain import WEEKDAYS, Ownership, PatrolInstance, Roster
from roadchief.figures import RunFigures
from roadchief.geo.city import PreparedCity
from roadchief.i18n import clean_text
from roadchief.reasons import parse_reason

CSV_ENCODING = "utf-8-sig"
"""UTF-8 with BOM: Excel opens it with the right encoding."""

ROSTER_COLUMNS = (
    "date",
    "weekday",
    "slot",
    "start",
    "end",
    "chief_id",
    "chief_name",
    "segment_id",
    "road_name",
    "length_m",
    "zone_id",
    "tour_id",
    "order",
    "owner_id",
    "walk_to_m",
    "tour_km",
)
"""``walk_to_m``: the walk from the previous segment of the tour to this one (0 for the
first); ``tour_km``: the tour's segments plus the walk between them."""
OWNERSHIP_COLUMNS = ("segment_id", "chief_id", "road_name", "length_m", "zone_id")
UNPLACED_PROPERTIES = (
    "segment_id",
    "source_id",
    "road_name",
    "road_class",
    "length_m",
    "share_in_zones",
    "reason",
)


def write_roster_csv(
    roster: Roster,
    instance: PatrolInstance,
    ownership: Ownership,
    path: Path,
    *,
    figures: RunFigures,
) -> None:
    """Write one row per patrol of one segment, sorted by date, start, chief and order.

    ``owner_id`` is the segment's accountable chief: a row whose ``owner_id`` differs from
    ``chief_id`` is a helper patrol. ``figures`` as for ``roster_rows``.
    """
    _write_csv(path, ROSTER_COLUMNS, roster_rows(roster, instance, ownership, figures=figures))


def roster_rows(
    roster: Roster,
    instance: PatrolInstance,
    ownership: Ownership,
    *,
    figures: RunFigures,
) -> list[dict[str, Any]]:
    """The rows of ``roster.csv`` as dicts keyed by ``ROSTER_COLUMNS``; each tour's walk
    and km are those of ``figures`` (the checker's walks). Names are cleaned of line breaks
    and control characters."""
    slots = {s.slot_id: s for s in instance.slots}
    names = {c.chief_id: clean_text(c.name) for c in instance.chiefs}
    rows = []
    for a in roster.assignments:
        slot = slots[a.slot_id]
        seg = instance.segment(a.segment_id)
        tour = figures.tours[a.tour_id]
        rows.append(
            {
                "date": a.day.isoformat(),
                "weekday": WEEKDAYS[a.day.weekday()],
                "slot": a.slot_id,
                "start": _hhmm(slot.start),
                "end": _hhmm(slot.end),
                "chief_id": a.chief_id,
                "chief_name": names[a.chief_id],
                "segment_id": a.segment_id,
                "road_name": clean_text(seg.road_name),
                "length_m": f"{seg.length_m:.1f}",
                "zone_id": seg.zone_id,
                "tour_id": a.tour_id,
                "order": a.order,
                "owner_id": ownership.owner_of.get(a.segment_id, ""),
                "walk_to_m": f"{tour.walk_to_cm[tour.segment_ids.index(a.segment_id)] / 100:.0f}",
                "tour_km": f"{tour.km_walked:.3f}",
            }
        )
    rows.sort(key=lambda r: (r["date"], r["start"], r["chief_id"], r["order"]))
    return rows


def write_ownership_csv(ownership: Ownership, instance: PatrolInstance, path: Path) -> None:
    """Write the accountable chief of every placed segment, in the instance's order.

    A segment without an owner is written with an empty ``chief_id``, not left out.
    """
    rows = (
        {
            "segment_id": seg.segment_id,
            "chief_id": ownership.owner_of.get(seg.segment_id, ""),
            "road_name": clean_text(seg.road_name),
            "length_m": f"{seg.length_m:.1f}",
            "zone_id": seg.zone_id,
        }
        for seg in instance.segments
    )
    _write_csv(path, OWNERSHIP_COLUMNS, rows)


def write_unplaced_geojson(city: PreparedCity, path: Path) -> None:
    """Write the unplaced segments and their reasons as GeoJSON in EPSG:4326: the English
    ``reason`` and its ``reason_code`` and ``reason_values`` (``roadchief.reasons``).

    The file is written even when nothing is unplaced: an empty FeatureCollection.
    """
    gdf = city.unplaced_gdf
    if gdf.crs is not None and not gdf.crs.equals("EPSG:4326"):
        gdf = gdf.to_crs("EPSG:4326")
    columns = [c for c in UNPLACED_PROPERTIES if c in gdf.columns]
    collection = json.loads(gdf[[*columns, "geometry"]].to_json(na="null", drop_id=True))
    collection.pop("bbox", None)
    for feature in collection["features"]:  # the reason's code and values beside its text
        props = feature["properties"]
        props |= parse_reason(str(props.get("reason") or "")).to_json()
    write_json(collection, path)


def write_json(data: Mapping[str, Any], path: Path) -> None:
    """Write JSON as UTF-8 with Chinese kept as is, indented by 2.

    Dates and times become ISO strings, paths strings, sets sorted lists.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(data, ensure_ascii=False, indent=2, default=_json_default)
    path.write_text(text + "\n", encoding="utf-8")


def _json_default(value: Any) -> Any:
    """Turn the values results commonly hold into JSON types."""
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, set | frozenset):
        return sorted(value)
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def _write_csv(path: Path, columns: Sequence[str], rows: Iterable[Mapping[str, Any]]) -> None:
    """Write rows as CSV in UTF-8 with BOM, creating the folder if needed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding=CSV_ENCODING, newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(columns))
        writer.writeheader()
        writer.writerows(rows)


def _hhmm(t: dt.time) -> str:
    return f"{t:%H:%M}"
