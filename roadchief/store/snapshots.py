"""Load what a snapshot of imported files holds: the prepared city, the people and the rules."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from roadchief.config import Rules, load_rules, parse_rules
from roadchief.domain import Chief
from roadchief.errors import InputError
from roadchief.geo.city import PreparedCity
from roadchief.store.models import (
    ChiefRow,
    City,
    IncidentRow,
    InputFile,
    PlaceRow,
    SegmentRow,
    Snapshot,
    ZoneRow,
)
from roadchief.store.rows import chiefs_from_rows, city_from_rows

FILE_KINDS = ("zones", "roads", "places", "incidents", "chiefs", "rules")


@dataclass(frozen=True)
class StoredInputs:
    """A snapshot's city, people and rules, and the names its files were imported as."""

    snapshot_id: int
    city: PreparedCity
    chiefs: tuple[Chief, ...]
    rules: Rules
    names: dict[str, str]
    """kind -> the file's name as imported."""


def latest_snapshot_id(session: Session) -> int:
    """The snapshot of the latest import; InputError if nothing was imported yet."""
    found = session.scalar(select(Snapshot.id).order_by(Snapshot.id.desc()).limit(1))
    if found is None:
        raise InputError("the database is empty; import zones, roads and chiefs first")
    return found


def load_snapshot(session: Session, snapshot_id: int) -> StoredInputs:
    """The snapshot's inputs; InputError naming what is still to import."""
    snapshot = session.get_one(Snapshot, snapshot_id)
    if snapshot.city_id is None or snapshot.chief_set_id is None:
        missing = [
            k for k in ("zones", "roads", "chiefs") if getattr(snapshot, f"{k}_file_id") is None
        ]
        raise InputError(
            f"the database has no {', '.join(missing) or 'chiefs'} yet; import them first, "
            "for example: roadchief import zones Z.geojson roads R.geojson chiefs C.csv"
        )
    city_row = session.get_one(City, snapshot.city_id)
    cid = city_row.id

    def rows(model: Any) -> list[Any]:
        return list(session.scalars(select(model).where(model.city_id == cid)))

    city = city_from_rows(
        rows(ZoneRow),
        rows(SegmentRow),
        rows(PlaceRow) if city_row.places_file_id is not None else None,
        rows(IncidentRow) if city_row.incidents_file_id is not None else None,
        city_row.report,
    )
    chiefs = chiefs_from_rows(
        session.scalars(select(ChiefRow).where(ChiefRow.chief_set_id == snapshot.chief_set_id))
    )
    names: dict[str, str] = {}
    for kind in FILE_KINDS:
        fid = getattr(snapshot, f"{kind}_file_id")
        if fid is not None:
            names[kind] = session.get_one(InputFile, fid).name
    rules_file = session.get(InputFile, snapshot.rules_file_id) if snapshot.rules_file_id else None
    rules = (
        parse_rules(rules_file.content.decode("utf-8"), rules_file.name)
        if rules_file is not None
        else load_rules(None)
    )
    return StoredInputs(snapshot.id, city, tuple(chiefs), rules, names)
