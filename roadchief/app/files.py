"""Files as a source: read a city's input files, last week's run folder and pins into the
week's inputs; read a run folder back for a re-plan."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from roadchief.app.inputs import (
    LastWeek,
    Owners,
    ReplanBasis,
    WeekInputs,
    absences_from_json,
)
from roadchief.config import Rules, load_rules
from roadchief.domain import Absence, Week
from roadchief.errors import InputError, Problem
from roadchief.geo.city import PreparedCity
from roadchief.geo.prepare import prepare_city
from roadchief.io.chiefs import read_chiefs
from roadchief.io.ownership import read_owner_file
from roadchief.io.roster import read_roster_csv, read_run_roster, read_run_summary


@dataclass(frozen=True)
class CityFiles:
    """A city's input files and how to read them."""

    zones: Path
    roads: Path
    chiefs: Path
    places: Path | None = None
    incidents: Path | None = None
    rules: Path | None = None
    crs: str | None = None
    zones_layer: str | None = None
    roads_layer: str | None = None

    def record(self) -> dict[str, Any]:
        """As summary.json ``inputs`` records them (paths as text)."""
        return {
            f.name: str(v) if isinstance(v := getattr(self, f.name), Path) else v
            for f in fields(self)
        }

    @classmethod
    def from_record(cls, data: Mapping[str, Any]) -> CityFiles:
        """The files a run recorded; InputError when the record is not a plan's."""
        if not all(data.get(k) for k in ("zones", "roads", "chiefs")):
            raise InputError("the run's recorded inputs lack its zones, roads or chiefs file; "
                             "re-plan needs a run planned from files")  # fmt: skip

        def path(key: str) -> Path | None:
            return Path(data[key]) if data.get(key) else None

        return cls(
            Path(data["zones"]), Path(data["roads"]), Path(data["chiefs"]),
            path("places"), path("incidents"), path("rules"),
            data.get("crs"), data.get("zones_layer"), data.get("roads_layer"),
        )  # fmt: skip


@dataclass(frozen=True)
class WeekFiles:
    """What a week adds to the city: last week's run folder, earlier owners, pins."""

    previous_run: Path | None = None
    """Last week's run folder (plan --previous): its roster and, as earlier owners, its
    ownership.csv."""
    previous_owners: Path | None = None
    """An earlier ownership.csv (assign --previous); default: the run folder's."""
    owner_pins: Path | None = None
    roster_pins: Path | None = None

    @property
    def owners_file(self) -> Path | None:
        """The earlier owners to keep: given, or last week's run folder's ownership.csv."""
        if self.previous_owners is not None or self.previous_run is None:
            return self.previous_owners
        owners = Path(self.previous_run) / "ownership.csv"
        return owners if owners.exists() else None


def check_files_exist(city: CityFiles, week: WeekFiles) -> None:
    """Name every input file that is missing, all at once, before any work starts."""
    given = [
        ("zones", "--zones", city.zones), ("roads", "--roads", city.roads),
        ("chiefs", "--chiefs", city.chiefs), ("places", "--places", city.places),
        ("incidents", "--incidents", city.incidents), ("rules", "--rules", city.rules),
        ("previous owners", "--previous", week.previous_owners),
        ("ownership pins", "--pin-owners (assign: --pin)", week.owner_pins),
        ("roster pins", "--pin", week.roster_pins),
    ]  # fmt: skip
    problems = [
        Problem(str(path), "", f"the {role} file does not exist; check the {flag} path")
        for role, flag, path in given
        if path is not None and not Path(path).exists()
    ]
    run = week.previous_run
    if run is not None and not (Path(run) / "roster.csv").is_file():
        problems.append(
            Problem(str(run), "", "--previous takes last week's run folder (the --out of its "
                    "plan, holding roster.csv and ownership.csv); this is not one")
        )  # fmt: skip
    if problems:
        raise InputError(problems)


def read_city(files: CityFiles, rules: Rules) -> tuple[PreparedCity, list[Any]]:
    """Read and measure the city's files: the prepared city and its people."""
    city = prepare_city(
        files.zones, files.roads, rules, places=files.places, incidents=files.incidents,
        crs=files.crs, zones_layer=files.zones_layer, roads_layer=files.roads_layer,
    )  # fmt: skip
    chiefs = read_chiefs(files.chiefs, rules, set(city.zones_gdf["zone_id"].astype(str)))
    return city, chiefs


def read_week_inputs(files: CityFiles, extra: WeekFiles, week: Week) -> WeekInputs:
    """The week's inputs from files (every missing file named first)."""
    check_files_exist(files, extra)
    rules = load_rules(files.rules)
    city, chiefs = read_city(files, rules)
    owners = extra.owners_file
    last = None
    if extra.previous_run is not None:
        roster = read_roster_csv(Path(extra.previous_run) / "roster.csv")
        last = LastWeek(tuple(roster), str(extra.previous_run))
    return WeekInputs(
        week=week,
        rules=rules,
        city=city,
        chiefs=tuple(chiefs),
        previous_owners=Owners(read_owner_file(owners, "previous"), str(owners))
        if owners
        else None,
        owner_pins=(
            Owners(read_owner_file(extra.owner_pins, "pin"), str(extra.owner_pins))
            if extra.owner_pins is not None
            else None
        ),
        last_week=last,
        roster_pins=tuple(read_roster_csv(extra.roster_pins)) if extra.roster_pins else (),
        roster_pins_source=str(extra.roster_pins) if extra.roster_pins else None,
        files=files.record(),
    )


@dataclass(frozen=True)
class RunFolder:
    """A run folder read back for a re-plan: its recorded inputs and settings."""

    path: Path
    recorded: Mapping[str, Any]
    """summary.json ``inputs``."""

    @classmethod
    def read(cls, run: Path, out: Path) -> RunFolder:
        recorded = read_run_summary(run).get("inputs")
        if not isinstance(recorded, dict):
            raise InputError(
                [Problem(str(Path(run) / "summary.json"), "inputs", "missing: re-plan needs a "
                         "run folder written by roadchief plan or roadchief replan")]
            )  # fmt: skip
        if Path(out).resolve() == Path(run).resolve():
            raise InputError(
                [Problem(str(out), "", "is the run being re-planned; give another --out folder")]
            )
        return cls(Path(run), recorded)

    @property
    def week(self) -> Week:
        return Week.parse(str(self.recorded["week"]))

    def replan_inputs(self, absences: Sequence[Absence], start: dt.date) -> WeekInputs:
        """The run's inputs re-planned from ``start`` with ``absences`` (and the absences of
        its own re-plans): its files read again, its owners kept and pinned."""
        files = CityFiles.from_record(self.recorded)
        previous_run = self.recorded.get("previous_run")
        extra = WeekFiles(
            previous_run=Path(previous_run) if previous_run else None,
            roster_pins=Path(self.recorded["roster_pins"])
            if self.recorded.get("roster_pins") else None,
        )  # fmt: skip
        inputs = read_week_inputs(files, extra, self.week)
        earlier = absences_from_json(self.recorded.get("replan") or {})
        basis = ReplanBasis(
            read_run_roster(self.path, self.week), start, (*earlier, *absences), str(self.path)
        )
        owners_csv = self.path / "ownership.csv"
        owners = Owners(read_owner_file(owners_csv, "previous"), str(owners_csv))
        return inputs.with_replan(basis, owners)
