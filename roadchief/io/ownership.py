"""Read and write ownership files: an earlier ``ownership.csv``, pins, per-chief and road tables.

Both input files are CSV (UTF-8, with or without BOM) with at least the columns
``segment_id`` and ``chief_id``; other columns (``road_name``, ``zone_id``...) are ignored,
so last term's ``ownership.csv`` is a valid ``--previous`` file and a valid pins file.
Every problem is collected and raised once.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from pathlib import Path

from roadchief.domain import Ownership, PatrolInstance
from roadchief.errors import InputError, ProblemLog
from roadchief.solve.ownership.graph import road_key
from roadchief.solve.ownership.owners import owners_by_zone
from roadchief.solve.ownership.report import OwnershipReport

COLUMNS = ("segment_id", "chief_id")
CHIEF_SUMMARY_COLUMNS = (
    "chief_id", "name", "zone_id", "level", "segments", "km", "workload", "pieces",
    "diameter_m", "hull_area_m2",
)  # fmt: skip
ROAD_COLUMNS = ("zone_id", "road_name", "chief_id", "segments", "km")


def read_owner_file(path: Path, role: str = "previous") -> dict[str, str]:
    """segment id -> chief id from a CSV file; ``role`` names the option in messages."""
    src = str(path)
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise InputError(
            f"{src}: cannot read the {role} file ({exc.strerror}); check the --{role} path"
        ) from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{src}: byte {exc.start} is not UTF-8 text; save the file as UTF-8 (Excel: "
            "'CSV UTF-8')"
        ) from exc
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [h.strip() for h in reader.fieldnames or []]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise InputError(
            f"{src}: missing column(s) {', '.join(missing)}; a {role} file needs segment_id "
            f"and chief_id (the file has {', '.join(header) or 'no header'})"
        )
    log = ProblemLog()
    out: dict[str, str] = {}
    for row_no, row in enumerate(reader, start=2):
        row = {(k or "").strip(): (v or "").strip() for k, v in row.items() if k is not None}
        seg_id, chief_id = row.get("segment_id", ""), row.get("chief_id", "")
        where = f"row {row_no}"
        if not seg_id:
            log.error(src, where, "segment_id is empty; fill it in or delete the row")
        elif not chief_id and role == "pin":
            log.error(src, where, f"chief_id is empty for segment {seg_id}; name the chief")
        elif seg_id in out and out[seg_id] != chief_id:
            log.error(
                src,
                where,
                f"segment {seg_id} is given to {out[seg_id]} and to {chief_id}; keep one row",
            )
        elif chief_id:
            out[seg_id] = chief_id
    log.raise_if_errors()
    return out


def check_pins(pins: Mapping[str, str], instance: PatrolInstance, source: str) -> None:
    """Raise one InputError naming every pin that cannot hold: an unknown or unplaced
    segment, an unknown chief, a chief of a level that owns no segments or of another zone."""
    log = ProblemLog()
    owners = owners_by_zone(instance)
    chief_ids = {c.chief_id for c in instance.chiefs}
    seg_zone = {s.segment_id: s.zone_id for s in instance.segments}
    for seg_id, chief_id in sorted(pins.items()):
        where = f"segment {seg_id}"
        zone_id = seg_zone.get(seg_id)
        if zone_id is None:
            log.error(
                source,
                where,
                "is not a placed segment of this run (see ownership.csv or unplaced.geojson "
                "of a run for the ids); fix or delete the pin",
            )
        elif chief_id not in chief_ids:
            log.error(source, where, f"chief {chief_id} is not in the chiefs file")
        elif chief_id not in {c.chief_id for c in owners.get(zone_id, [])}:
            chief = instance.chief(chief_id)
            log.error(
                source,
                where,
                f"chief {chief_id} ({chief.level.value}, zone {chief.zone_id or 'none'}) "
                f"cannot own a segment of zone {zone_id}; pin it to a chief of that zone "
                "whose level owns segments",
            )
    log.raise_if_errors()


def write_chief_summary_csv(report: OwnershipReport, instance: PatrolInstance, path: Path) -> None:
    """One row per owning chief: segments, km, weighted workload, pieces and spread."""
    rows = []
    for c in report.chiefs:
        chief = instance.chief(c.chief_id)
        rows.append(
            {
                "chief_id": c.chief_id,
                "name": chief.name,
                "zone_id": c.zone_id,
                "level": chief.level.value,
                "segments": c.segments,
                "km": f"{c.km:.3f}",
                "workload": f"{c.workload:.0f}",
                "pieces": c.pieces,
                "diameter_m": f"{c.diameter_m:.0f}",
                "hull_area_m2": f"{c.hull_area_m2:.0f}",
            }
        )
    _write_csv(path, CHIEF_SUMMARY_COLUMNS, rows)


def write_roads_csv(ownership: Ownership, instance: PatrolInstance, path: Path) -> None:
    """One row per road of a zone and its road-level chief (empty when the zone has none)."""
    stats: dict[tuple[str, str], list[float]] = {}
    names: dict[tuple[str, str], str] = {}
    for seg in instance.segments:
        key = (seg.zone_id, road_key(seg))
        names[key] = seg.road_name
        row = stats.setdefault(key, [0, 0.0])
        row[0] += 1
        row[1] += seg.length_m
    rows = (
        {
            "zone_id": key[0],
            "road_name": names[key] or key[1],
            "chief_id": ownership.road_owner_of.get(key, ""),
            "segments": int(n),
            "km": f"{metres / 1000:.3f}",
        }
        for key, (n, metres) in sorted(stats.items())
    )
    _write_csv(path, ROAD_COLUMNS, rows)


def _write_csv(path: Path, columns: Iterable[str], rows: Iterable[Mapping[str, object]]) -> None:
    """CSV with a BOM, so that Excel reads the Chinese names."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(columns))
        writer.writeheader()
        writer.writerows(rows)


def write_owner_file(owner_of: Mapping[str, str], path: Path) -> None:
    """The minimal owners file ``read_owner_file`` reads: segment_id, chief_id."""
    _write_csv(path, COLUMNS, ({"segment_id": s, "chief_id": c} for s, c in owner_of.items()))
