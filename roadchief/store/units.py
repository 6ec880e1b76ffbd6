"""Store and find units (责任单位) and their frontage: one set per imported units file,
the newest set being the current one."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from roadchief.loop.units import Unit
from roadchief.store.cases import now
from roadchief.store.models_loop import FrontageRow, UnitRow, UnitSet
from roadchief.store.rows_loop import units_from_rows, units_to_rows


def save_unit_set(session: Session, units: Sequence[Unit], file_id: int, city_id: int) -> int:
    """Store the units of one file as the current set; its id."""
    row = UnitSet(file_id=file_id, city_id=city_id, created_at=now())
    session.add(row)
    session.flush()
    session.add_all(units_to_rows(units, row.id))
    session.flush()
    return row.id


def current_units(session: Session) -> list[Unit]:
    """The units of the newest set (none before a units file is imported)."""
    found = session.scalar(select(UnitSet.id).order_by(UnitSet.id.desc()).limit(1))
    if found is None:
        return []
    units = session.scalars(select(UnitRow).where(UnitRow.unit_set_id == found))
    frontage = session.scalars(select(FrontageRow).where(FrontageRow.unit_set_id == found))
    return units_from_rows(units, frontage)
