"""Store an import in one transaction: input file versions, the city and the people made of
them, and the snapshot that names the current file of every kind.

The store only saves and finds: what a file makes (the prepared city, the chiefs) is
made by the application layer between these calls, inside the same transaction.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from roadchief.domain import Chief
from roadchief.geo.city import PreparedCity
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

Progress = Callable[[str, int, int], Any]
"""on_progress(stage, done, total); total 0 for a stage of unknown length."""


@dataclass(frozen=True)
class StoredFile:
    """One stored version of an input file."""

    id: int
    kind: str
    name: str
    """The path as it was given when imported (used in messages and summary.json)."""
    version: int
    content: bytes
    options: Mapping[str, Any]
    """How it is read: crs and layer."""


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


def content_key(*parts: object) -> str:
    """A stable hash of ids: finds a city or a set of people already made of the same files."""
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class ImportTransaction:
    """One import's write transaction: every call adds to it; nothing is kept unless the
    whole block of ``importing`` ends without error."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.before = session.scalars(
            select(Snapshot).order_by(Snapshot.id.desc()).limit(1)
        ).first()
        self.file_ids: dict[str, int | None] = {
            k: getattr(self.before, f"{k}_file_id") if self.before else None for k in KINDS
        }

    def current(self, kind: str) -> StoredFile | None:
        """The current stored file of ``kind`` (this import's new version once added)."""
        fid = self.file_ids.get(kind)
        return self.file(fid) if fid is not None else None

    def file(self, file_id: int) -> StoredFile:
        row = self.session.get_one(InputFile, file_id)
        return StoredFile(
            row.id, row.kind, row.name, row.version, row.content, json.loads(row.options)
        )

    def add_file(self, kind: str, name: str, content: bytes, options: Mapping[str, Any]) -> int:
        """Store a new version of a ``kind`` file and make it the current one; its version."""
        session = self.session
        version = (
            session.scalar(select(func.max(InputFile.version)).where(InputFile.kind == kind)) or 0
        ) + 1
        row = InputFile(
            kind=kind, version=version, name=name, sha256=hashlib.sha256(content).hexdigest(),
            size_bytes=len(content), content=content,
            options=json.dumps(dict(options), sort_keys=True), imported_at=_now(),
        )  # fmt: skip
        session.add(row)
        session.flush()
        self.file_ids[kind] = row.id
        return version

    def is_current(
        self, kind: str, content: bytes, options: Mapping[str, Any]
    ) -> StoredFile | None:
        """The current file of ``kind`` if it has these bytes and read options, else None."""
        found = self.current(kind)
        sha = hashlib.sha256(content).hexdigest()
        row = self.session.get(InputFile, found.id) if found else None
        if row is not None and row.sha256 == sha and json.loads(row.options) == dict(options):
            return found
        return None

    def city_key(self) -> str:
        return content_key("city", [self.file_ids[k] for k in (*GEO_KINDS, "rules")])

    def find_city(self) -> int | None:
        """The city already made of the current geo files and rules, if any."""
        return self.session.scalar(select(City.id).where(City.key == self.city_key()))

    def save_city(self, city: PreparedCity, progress: Progress) -> int:
        """Store a prepared city made of the current geo files and rules; its id."""
        ids = self.file_ids
        row = City(
            key=self.city_key(), zones_file_id=ids["zones"], roads_file_id=ids["roads"],
            places_file_id=ids["places"], incidents_file_id=ids["incidents"],
            rules_file_id=ids["rules"], metric_crs=city.report.metric_crs,
            report=report_to_json(city.report), created_at=_now(),
        )  # fmt: skip
        self.session.add(row)
        self.session.flush()
        rows = city_to_rows(city, row.id)
        step = 500
        for start in range(0, len(rows), step):
            self.session.add_all(rows[start : start + step])
            self.session.flush()
            progress("storing the city", min(start + step, len(rows)), len(rows))
        return row.id

    def zone_ids(self, city_id: int) -> set[str]:
        return set(self.session.scalars(select(ZoneRow.zone_id).where(ZoneRow.city_id == city_id)))

    def chiefs_key(self) -> str:
        return content_key("chiefs", self.file_ids["chiefs"], self.file_ids["zones"],
                           self.file_ids["rules"])  # fmt: skip

    def find_chief_set(self) -> tuple[int, int] | None:
        """The people already read from the current chiefs, zones and rules: id and count."""
        found = self.session.scalar(select(ChiefSet.id).where(ChiefSet.key == self.chiefs_key()))
        if found is None:
            return None
        q = select(func.count()).where(ChiefRow.chief_set_id == found)
        return found, self.session.scalar(q) or 0

    def save_chief_set(self, chiefs: Sequence[Chief]) -> int:
        chiefs_file = self.file_ids["chiefs"]
        assert chiefs_file is not None
        row = ChiefSet(key=self.chiefs_key(), chiefs_file_id=chiefs_file, created_at=_now())
        self.session.add(row)
        self.session.flush()
        self.session.add_all(chiefs_to_rows(chiefs, row.id))
        self.session.flush()
        return row.id

    def segment_changes(self, new_city: int) -> SegmentChanges | None:
        """Segments of ``new_city`` against the city of the snapshot before this import."""
        old_city = self.before.city_id if self.before else None
        if old_city is None or old_city == new_city:
            return None

        def prints(city_id: int) -> dict[str, str]:
            q = select(SegmentRow.segment_id, SegmentRow.fingerprint).where(
                SegmentRow.city_id == city_id
            )
            return {s: f for s, f in self.session.execute(q)}

        old, new = prints(old_city), prints(new_city)
        out = SegmentChanges(
            added=sorted(set(new) - set(old)),
            removed=sorted(set(old) - set(new)),
            changed=sorted(s for s in set(old) & set(new) if old[s] != new[s]),
        )
        out.unchanged = len(set(old) & set(new)) - len(out.changed)
        return out

    def add_snapshot(
        self, note: str, city_id: int | None, chief_set_id: int | None,
        changes: SegmentChanges | None,
    ) -> int:  # fmt: skip
        """The snapshot after this import: the current file of every kind."""
        snap = Snapshot(
            created_at=_now(), note=note, city_id=city_id, chief_set_id=chief_set_id,
            changes=json.dumps(changes.to_json() if changes else {}, ensure_ascii=False),
            **{f"{k}_file_id": v for k, v in self.file_ids.items()},
        )  # fmt: skip
        self.session.add(snap)
        self.session.flush()
        return snap.id

    @property
    def city_before(self) -> int | None:
        return self.before.city_id if self.before else None

    def pending(self) -> list[str]:
        """What is still missing before a week can be planned."""
        return [k for k in ("zones", "roads", "chiefs") if self.file_ids.get(k) is None]


@contextmanager
def importing(engine: Engine) -> Iterator[ImportTransaction]:
    """One import: committed when the block ends, rolled back on any error."""
    require_current(engine)
    with write_session(engine) as session:
        yield ImportTransaction(session)
