"""Import input files into the database: checked as ``plan`` checks them, all in one
transaction, idempotent, with the segments added, changed and removed.

Zones and roads make a city (ingest places the roads in the zones); places, incidents and
rules refine it; chiefs are checked against the city's zones. Any kind may come first: a
city is prepared as soon as zones and roads are both present, each time from the current
file of every kind (re-importing zones re-places every road). Zones and chiefs that change
together go in one command so that they are checked together. If any step fails, nothing
of the command is stored.
"""

from __future__ import annotations

import functools
import io
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from roadchief.config import Rules, load_rules, parse_rules
from roadchief.errors import InputError, Problem
from roadchief.geo.city import PreparedCity
from roadchief.geo.prepare import prepare_city
from roadchief.io.chiefs import read_chiefs
from roadchief.store.imports import (
    GEO_KINDS,
    KINDS,
    ImportTransaction,
    Progress,
    SegmentChanges,
    StoredFile,
    importing,
)

BeforeCommit = Callable[[Progress], Any]
"""Called with the transaction open and everything written, just before it commits."""


@dataclass(frozen=True)
class ImportItem:
    """One file to import as one kind, with how to read it."""

    kind: str
    path: Path
    crs: str | None = None
    layer: str | None = None

    @property
    def options(self) -> dict[str, Any]:
        return {"crs": self.crs, "layer": self.layer}


@dataclass
class FileOutcome:
    kind: str
    name: str
    version: int
    status: str
    """``new`` or ``unchanged`` (same bytes and options as the current version)."""


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


def file_bytes(path: Path) -> bytes:
    """The bytes to store for a file; a Shapefile is stored as a zip of its sidecar files."""
    path = Path(path)
    if path.suffix.lower() == ".shp":
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
            for part in sorted(path.parent.glob(path.stem + ".*")):
                zf.write(part, part.name)
        return buf.getvalue()
    return path.read_bytes()


def import_files(
    engine: Engine,
    items: list[ImportItem],
    on_progress: Progress | None = None,
    *,
    before_commit: BeforeCommit | None = None,
) -> ImportResult:
    """Store the files and what they make, in one transaction; raise and store nothing on
    any problem. Files equal to the current version of their kind are not stored again."""
    progress = on_progress or (lambda *_: None)
    _check_items(items)
    contents = {it.kind: file_bytes(it.path) for it in items}
    with importing(engine) as tx, _stored_as_files() as stored:
        progress("checking the files", 0, 0)
        outcomes: list[FileOutcome] = []
        given: dict[str, Path] = {}
        for it in items:
            same = tx.is_current(it.kind, contents[it.kind], it.options)
            if same is not None:
                outcomes.append(FileOutcome(it.kind, same.name, same.version, "unchanged"))
                continue
            version = tx.add_file(it.kind, str(it.path), contents[it.kind], it.options)
            given[it.kind] = Path(it.path)
            outcomes.append(FileOutcome(it.kind, str(it.path), version, "new"))
        if all(o.status == "unchanged" for o in outcomes):
            return ImportResult(outcomes, None, pending=tx.pending())
        try:
            result = _derive(tx, given, stored, progress)
        except InputError as exc:
            raise stored.unmap_error(exc) from None
        result.files = outcomes
        if before_commit is not None:
            before_commit(progress)
        progress("committing", 0, 0)
    return result


def _check_items(items: list[ImportItem]) -> None:
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


def stored_rules(stored: StoredFile | None) -> Rules:
    """The rules of a stored rules file (the defaults without one), named as imported."""
    return _parsed_rules(None, "") if stored is None else _parsed_rules(stored.content, stored.name)


@functools.lru_cache(maxsize=16)
def _parsed_rules(content: bytes | None, name: str) -> Rules:
    """Parsed once per process and file: a stored file never changes, and parsing the TOML
    and the taxonomy costs ~50 ms, which every web request of the loop paid."""
    if content is None:
        return load_rules(None)
    return parse_rules(content.decode("utf-8"), name)


def _derive(
    tx: ImportTransaction, given: dict[str, Path], stored: _StoredFiles, progress: Progress
) -> ImportResult:
    """Prepare the city and read the chiefs from the current files; add the snapshot."""
    rules = stored_rules(tx.current("rules"))
    result = ImportResult([], None, pending=tx.pending())
    city_id = tx.city_before
    if tx.current("zones") is not None and tx.current("roads") is not None:
        city_id = tx.find_city()
        if city_id is None:
            city = _prepare(tx, given, stored, rules, progress)
            city_id = tx.save_city(city, progress)
            result.segments_placed = len(city.segments_gdf)
            result.segments_unplaced = len(city.unplaced_gdf)
            result.warnings = [str(w) for w in city.report.warnings]
    chief_set_id: int | None = None
    chiefs_file = tx.current("chiefs")
    if chiefs_file is not None:
        if city_id is None:
            raise InputError([Problem(chiefs_file.name, "", "chiefs are checked against the "
                                      "zones; import zones and roads first (or in the same "
                                      "command)")])  # fmt: skip
        found = tx.find_chief_set()
        if found is None:
            progress("reading the chiefs", 0, 0)
            path = stored.path_of(chiefs_file, given.get("chiefs"))
            chiefs = read_chiefs(path, rules, tx.zone_ids(city_id))
            found = (tx.save_chief_set(chiefs), len(chiefs))
        chief_set_id, result.chiefs = found
    assert city_id is not None or chief_set_id is None
    result.changes = tx.segment_changes(city_id) if city_id is not None else None
    note = ", ".join(f"{k} {Path(p).name}" for k, p in given.items())
    result.snapshot_id = tx.add_snapshot(note, city_id, chief_set_id, result.changes)
    return result


def _prepare(
    tx: ImportTransaction,
    given: dict[str, Path],
    stored: _StoredFiles,
    rules: Rules,
    progress: Progress,
) -> PreparedCity:
    """Prepare the city of the current geo files, named in messages as imported."""
    paths: dict[str, Path] = {}
    options: dict[str, Any] = {}
    for kind in GEO_KINDS:
        row = tx.current(kind)
        if row is not None:
            paths[kind] = stored.path_of(row, given.get(kind))
            options[kind] = row.options
    crs = next((o["crs"] for o in options.values() if o.get("crs")), None)
    progress("preparing the city (ingest)", 0, 0)
    city = prepare_city(
        paths["zones"], paths["roads"], rules,
        places=paths.get("places"), incidents=paths.get("incidents"), crs=crs,
        zones_layer=options["zones"].get("layer"), roads_layer=options["roads"].get("layer"),
        places_layer=options.get("places", {}).get("layer"),
        incidents_layer=options.get("incidents", {}).get("layer"),
    )  # fmt: skip
    city.report.warnings = [
        replace(w, source=stored.unmap(w.source), message=stored.unmap(w.message))
        for w in city.report.warnings
    ]
    return city


class _StoredFiles:
    """Stored input files as paths for the GIS and CSV readers: the given path for a file
    imported now, a copy in a temporary folder for an earlier one; messages name them as
    they were imported."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.names: dict[str, str] = {}

    def path_of(self, stored: StoredFile, given: Path | None) -> Path:
        if given is not None:
            return given
        name = Path(stored.name).name
        if Path(stored.name).suffix.lower() == ".shp":
            name = Path(stored.name).stem + ".zip"
        path = self.folder / stored.kind / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(stored.content)
        self.names[str(path)] = stored.name
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
def _stored_as_files() -> Iterator[_StoredFiles]:
    with tempfile.TemporaryDirectory(prefix="roadchief-") as folder:
        yield _StoredFiles(Path(folder))
