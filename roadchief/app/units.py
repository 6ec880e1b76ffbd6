"""Import the units file (责任单位, 门前三包) into the database: checked against the current
city, stored as the current set in one transaction, and every stored case routed again."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine

from roadchief.app.loop_inputs import loop_inputs
from roadchief.errors import InputError
from roadchief.io.units import read_units
from roadchief.loop.units import route
from roadchief.store.cases import file_with_bytes, save_file, set_routes, stored_places
from roadchief.store.db import write_session
from roadchief.store.migrate import require_current
from roadchief.store.units import save_unit_set


@dataclass(frozen=True)
class UnitImport:
    file: str
    status: str
    """``new``, or ``unchanged`` when these bytes were imported before (nothing stored)."""
    units: int = 0
    frontage: int = 0
    """Segments lined by some unit's frontage."""
    routed: int = 0
    """Placed cases with a unit after routing again."""
    unrouted: int = 0


def import_units(engine: Engine, path: Path) -> UnitImport:
    """Store the units of ``path`` as the current set; raise and store nothing on any bad row."""
    require_current(engine)
    if not Path(path).is_file():
        raise InputError(f"{path}: the units file does not exist; check the path")
    content = Path(path).read_bytes()
    with write_session(engine) as session:
        same = file_with_bytes(session, "units", content)
        if same is not None:
            return UnitImport(same.name, "unchanged")
        inputs = loop_inputs(session, with_city=True)
        assert inputs.city is not None and inputs.city_id is not None
        loop = inputs.rules.loop
        zone_ids = set(inputs.city.zones_gdf["zone_id"].astype(str))
        units = read_units(path, loop.taxonomy, inputs.city.segments_gdf, zone_ids, loop.snap_m)
        file_id = save_file(session, "units", str(path), content)
        save_unit_set(session, units, file_id, inputs.city_id)
        routes = {
            case_id: route(loop.taxonomy.categories[category], segment_id, zone_id, units)
            for case_id, category, segment_id, zone_id in stored_places(session)
        }
        set_routes(session, routes)
    return UnitImport(
        str(path), "new", len(units), len({s for u in units for s in u.frontage}),
        sum(bool(r.unit_id) for r in routes.values()),
        sum(not r.unit_id for r in routes.values()),
    )  # fmt: skip
