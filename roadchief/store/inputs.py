"""Import input files into the database: one transaction, idempotent, with a segment diff.

Order of dependencies: zones and roads make a city (ingest places the roads in the zones);
places, incidents and rules refine it; chiefs are checked against the city's zones. Any
kind may come first: a city is prepared as soon as zones and roads are both present, and
every import re-prepares it from the current file of each kind (re-importing zones
re-places every road). Chiefs need a city; zones and chiefs that change together go in
one command (``roadchief import zones Z.geojson chiefs C.csv``) so that they are checked
together. If any step fails, nothing of the command is stored.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from roadchief.config import Rules, load_rules
from roadchief.errors import InputError, Problem
from roadchief.geo.city import PreparedCity
from roadchief.geo.prepare import prepare_city
from roadchief.io.chiefs import read_chiefs
from roadchief.store.db import write_session
from roadchief.store.migrate import require_current
from roadchief.store.models import (
    ChiefRow,
    ChiefSet,
    City,
    InputFile,
    SegmentRow,
    Snapshot,
    ZoneRow,
)
from roadchief.store.rows import chiefs_to_rows, city_to_rows, report_to_json

KINDS = ("zones", "roads", "places", "incidents", "chiefs", "rules")
GEO_KINDS = ("zones", "roads", "places", "incidents")
HOLD_ENV = "ROADCHIEF_TEST_HOLD_IMPORT_S"
"""Seconds to hold an import's transaction open before commit (tests kill it there)."""

Progress = Callable[[str, int, int], Any]
"""on_progress(stage, done, total); total 0 for a stage of unknown length."""


@dataclass(frozen=True)
class ImportItem:
    """One file to import as one kind, with how to read it."""

    kind: str
    path: Path
    crs: str | None = None
    layer: str | None = None


@dataclass
class FileOutcome:
    kind: str
    name: str
    version: int
    status: str
    """``new`` or ``unchanged`` (same bytes and options as the current version)."""


@dataclass
class SegmentChanges:
    """Segments of the new city against the previous one, by segment id."""

    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0

    def to_json(self) -> dict[str, Any]:
        return {
            "added": self.added,
            "changed": self.changed,
            "removed": self.removed,
            "unchanged": self.unchanged,
        }


@dataclass
class ImportResult:
    files: list[FileOutcome]
    snapshot_id: int | None
    """None when every file was unchanged (nothing stored)."""
    segments_placed: int | None = None
    segments_unplaced: int | None = None
    chiefs: int | None = None
    changes: SegmentChanges | None = None
    warnings: list[str] = field(default_factory=list)
    pending: list[str] = field(default_factory=list)
    """What is still missing before a week can be planned."""


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def read_input(item: ImportItem) -> bytes:
    """The bytes to store for a file; a Shapefile is stored as a zip of its sidecar files."""
    path = Path(item.path)
    if path.suffix.lower() == ".shp":
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
            for part in sorted(path.parent.glob(path.stem + ".*")):
                zf.write(part, part.name)
        return buf.getvalue()
    return path.read_bytes()


def _options(item: ImportItem) -> str:
    return json.dumps({"crs": item.crs, "layer": item.layer}, sort_keys=True)


def current_snapshot(session: Session) -> Snapshot | None:
    return session.scalars(select(Snapshot).order_by(Snapshot.id.desc()).limit(1)).first()


def snapshot_files(snapshot: Snapshot | None) -> dict[str, int | None]:
    return {k: getattr(snapshot, f"{k}_file_id") if snapshot else None for k in KINDS}


class Materialised:
    """The current input files as paths: the given path for a file imported now, a copy in
    a temporary folder for a stored one; maps copies back to their names in messages."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.paths: dict[str, Path] = {}
        self.names: dict[str, str] = {}

    def add(self, row: InputFile, given: Path | None) -> Path:
        if given is not None:
            path = given
        else:
            name = Path(row.name).name
            if Path(row.name).suffix.lower() == ".shp":
                name = Path(row.name).stem + ".zip"
            path = self.folder / row.kind / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(row.content)
            self.names[str(path)] = row.name
        self.paths[row.kind] = path
        return path

    def unmap(self, text: str) -> str:
        for tmp, name in self.names.items():
            text = text.replace(tmp, name)
        return text

    def unmap_error(self, exc: InputError) -> InputError:
        return InputError(
            [
                replace(p, source=self.unmap(p.source), message=self.unmap(p.message))
                for p in exc.problems
            ]
        )


@contextmanager
def materialised() -> Iterator[Materialised]:
    with tempfile.TemporaryDirectory(prefix="roadchief-") as folder:
        yield Materialised(Path(folder))


def rules_of(row: InputFile | None, mat: Materialised, given: Path | None = None) -> Rules:
    """The rules of a stored rules file (the defaults without one), named as imported."""
    if row is None:
        return load_rules(None)
    rules = load_rules(mat.add(row, given))
    return replace(rules, source=row.name)


def _key(*parts: object) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def import_files(
    engine: Engine, items: list[ImportItem], on_progress: Progress | None = None
) -> ImportResult:
    """Store the files and what they make, all in one transaction; raise and store nothing
    on any problem. Files equal to the current version of their kind are not stored again."""
    require_current(engine)
    progress = on_progress or (lambda *_: None)
    missing = [
        Problem(str(it.path), "", f"the {it.kind} file does not exist; check the path")
        for it in items
        if not Path(it.path).exists()
    ]
    unknown = [
        Problem(str(it.path), "", f"unknown kind {it.kind!r}; expected one of {', '.join(KINDS)}")
        for it in items
        if it.kind not in KINDS
    ]
    if missing or unknown:
        raise InputError([*unknown, *missing])
    kinds = [it.kind for it in items]
    if len(set(kinds)) != len(kinds):
        raise InputError("each kind may be imported once per command; import the others next")
    contents = {it.kind: read_input(it) for it in items}

    with write_session(engine) as session, materialised() as mat:
        progress("checking the files", 0, 0)
        before = current_snapshot(session)
        file_ids = snapshot_files(before)
        outcomes: list[FileOutcome] = []
        given: dict[str, Path] = {}
        for it in items:
            content, options = contents[it.kind], _options(it)
            sha = hashlib.sha256(content).hexdigest()
            current = session.get(InputFile, file_ids[it.kind]) if file_ids[it.kind] else None
            if current is not None and current.sha256 == sha and current.options == options:
                outcomes.append(FileOutcome(it.kind, current.name, current.version, "unchanged"))
                continue
            version = (
                session.scalar(select(func.max(InputFile.version)).where(InputFile.kind == it.kind))
                or 0
            ) + 1
            row = InputFile(
                kind=it.kind, version=version, name=str(it.path), sha256=sha,
                size_bytes=len(content), content=content, options=options, imported_at=_now(),
            )  # fmt: skip
            session.add(row)
            session.flush()
            file_ids[it.kind] = row.id
            given[it.kind] = Path(it.path)
            outcomes.append(FileOutcome(it.kind, row.name, version, "new"))
        if all(o.status == "unchanged" for o in outcomes):
            return ImportResult(outcomes, None, pending=_pending(file_ids))

        files = {k: session.get(InputFile, v) for k, v in file_ids.items() if v is not None}
        try:
            result = _derive(session, before, file_ids, files, given, mat, progress)
        except InputError as exc:
            raise mat.unmap_error(exc) from None
        result.files = outcomes
        _hold_for_tests(progress)
        progress("committing", 0, 0)
    return result


def _derive(
    session: Session,
    before: Snapshot | None,
    file_ids: dict[str, int | None],
    files: Mapping[str, InputFile | None],
    given: dict[str, Path],
    mat: Materialised,
    progress: Progress,
) -> ImportResult:
    """Prepare the city and read the chiefs from the current files; add the snapshot."""
    rules = rules_of(files.get("rules"), mat, given.get("rules"))
    result = ImportResult([], None, pending=_pending(file_ids))
    city_id = before.city_id if before else None
    zones, roads = files.get("zones"), files.get("roads")
    if zones is not None and roads is not None:
        city_id, city = _city(session, file_ids, files, given, mat, rules, progress)
        result.segments_placed = len(city.segments_gdf) if city is not None else None
        result.segments_unplaced = len(city.unplaced_gdf) if city is not None else None
        result.warnings = [mat.unmap(str(w)) for w in city.report.warnings] if city else []
    chief_set_id: int | None = None
    chiefs_file = files.get("chiefs")
    if chiefs_file is not None:
        if city_id is None:
            raise InputError(
                [
                    Problem(
                        chiefs_file.name,
                        "",
                        "chiefs are checked against the zones; import zones and roads first "
                        "(or in the same command)",
                    )
                ]
            )
        chief_set_id, n_chiefs = _chief_set(
            session, chiefs_file, city_id, file_ids, given, mat, rules, progress
        )
        result.chiefs = n_chiefs
    changes = None
    if before is not None and before.city_id is not None and city_id != before.city_id:
        assert city_id is not None
        changes = _segment_changes(session, before.city_id, city_id)
    result.changes = changes
    snap = Snapshot(
        created_at=_now(),
        note=", ".join(f"{k} {Path(p).name}" for k, p in given.items()),
        city_id=city_id,
        chief_set_id=chief_set_id,
        changes=json.dumps(changes.to_json() if changes else {}, ensure_ascii=False),
        **{f"{k}_file_id": v for k, v in file_ids.items()},
    )
    session.add(snap)
    session.flush()
    result.snapshot_id = snap.id
    return result


def _pending(file_ids: Mapping[str, int | None]) -> list[str]:
    return [k for k in ("zones", "roads", "chiefs") if file_ids.get(k) is None]


def _city(
    session: Session,
    file_ids: dict[str, int | None],
    files: Mapping[str, InputFile | None],
    given: dict[str, Path],
    mat: Materialised,
    rules: Rules,
    progress: Progress,
) -> tuple[int, PreparedCity | None]:
    """The city of the current geo files and rules: found by key, or prepared and stored."""
    key = _key("city", [file_ids[k] for k in (*GEO_KINDS, "rules")])
    found = session.scalar(select(City.id).where(City.key == key))
    if found is not None:
        return found, None
    paths: dict[str, Path] = {}
    options: dict[str, dict[str, Any]] = {}
    for kind in GEO_KINDS:
        row = files.get(kind)
        if row is not None:
            paths[kind] = mat.add(row, given.get(kind))
            options[kind] = json.loads(row.options)
    crs = next((o["crs"] for o in options.values() if o.get("crs")), None)
    progress("preparing the city (ingest)", 0, 0)
    city = prepare_city(
        paths["zones"],
        paths["roads"],
        rules,
        places=paths.get("places"),
        incidents=paths.get("incidents"),
        crs=crs,
        zones_layer=options["zones"].get("layer"),
        roads_layer=options["roads"].get("layer"),
        places_layer=options.get("places", {}).get("layer"),
        incidents_layer=options.get("incidents", {}).get("layer"),
    )
    city.report.warnings = [
        replace(w, source=mat.unmap(w.source), message=mat.unmap(w.message))
        for w in city.report.warnings
    ]
    city_row = City(
        key=key,
        zones_file_id=file_ids["zones"],
        roads_file_id=file_ids["roads"],
        places_file_id=file_ids["places"],
        incidents_file_id=file_ids["incidents"],
        rules_file_id=file_ids["rules"],
        metric_crs=city.report.metric_crs,
        report=report_to_json(city.report),
        created_at=_now(),
    )
    session.add(city_row)
    session.flush()
    rows = city_to_rows(city, city_row.id)
    step = 500
    for start in range(0, len(rows), step):
        session.add_all(rows[start : start + step])
        session.flush()
        progress("storing the city", min(start + step, len(rows)), len(rows))
    return city_row.id, city


def _chief_set(
    session: Session,
    chiefs_file: InputFile,
    city_id: int,
    file_ids: dict[str, int | None],
    given: dict[str, Path],
    mat: Materialised,
    rules: Rules,
    progress: Progress,
) -> tuple[int, int]:
    """The chiefs of the current chiefs file, checked against the city's zones and rules."""
    key = _key("chiefs", file_ids["chiefs"], file_ids["zones"], file_ids["rules"])
    found = session.scalar(select(ChiefSet.id).where(ChiefSet.key == key))
    if found is not None:
        n = session.scalar(select(func.count()).where(ChiefRow.chief_set_id == found)) or 0
        return found, n
    progress("reading the chiefs", 0, 0)
    zone_ids = set(session.scalars(select(ZoneRow.zone_id).where(ZoneRow.city_id == city_id)))
    chiefs = read_chiefs(mat.add(chiefs_file, given.get("chiefs")), rules, zone_ids)
    row = ChiefSet(key=key, chiefs_file_id=chiefs_file.id, created_at=_now())
    session.add(row)
    session.flush()
    session.add_all(chiefs_to_rows(chiefs, row.id))
    session.flush()
    return row.id, len(chiefs)


def _segment_changes(session: Session, old_city: int, new_city: int) -> SegmentChanges:
    def prints(city_id: int) -> dict[str, str]:
        q = select(SegmentRow.segment_id, SegmentRow.fingerprint).where(
            SegmentRow.city_id == city_id
        )
        return {s: f for s, f in session.execute(q)}

    old, new = prints(old_city), prints(new_city)
    out = SegmentChanges(
        added=sorted(set(new) - set(old)),
        removed=sorted(set(old) - set(new)),
        changed=sorted(s for s in set(old) & set(new) if old[s] != new[s]),
    )
    out.unchanged = len(set(old) & set(new)) - len(out.changed)
    return out


def _hold_for_tests(progress: Progress) -> None:
    """Keep the transaction open for ``ROADCHIEF_TEST_HOLD_IMPORT_S`` seconds (tests only)."""
    hold = float(os.environ.get(HOLD_ENV, "0") or 0)
    if hold > 0:
        progress("holding the transaction (test)", 0, 0)
        print("roadchief: import transaction open, holding", file=sys.stderr, flush=True)
        time.sleep(hold)


__all__ = ["KINDS", "ImportItem", "ImportResult", "import_files", "rules_of"]
