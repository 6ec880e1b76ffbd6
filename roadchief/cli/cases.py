"""The case commands: import, list, export, update, place, apply and flag (案件)."""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from roadchief.cli.console import out, progress_bars, reported
from roadchief.cli.database import DbOption, engine_of

case_app = typer.Typer(
    help="Cases (案件): import, list, export, record changes.", no_args_is_help=True
)

LIST_COLUMNS = (
    "case_id", "state", "state_zh", "category", "segment_id", "zone_id", "chief_id", "unit",
    "deadline", "overdue", "overdue_minutes", "flagged", "reason",
)  # fmt: skip


@case_app.command("import")
def import_(
    file: Annotated[Path, typer.Argument(help="Cases: .csv, GeoJSON points or Open311 JSON.")],
    source: Annotated[
        str | None,
        typer.Option(
            help="Source of rows that name none: patrol, app, hotline, supervisor, "
            "media, video [default: patrol; Open311: app]."
        ),
    ] = None,
    db: DbOption = None,
) -> None:
    """Import cases: placed on the segments, routed to units, all or nothing."""
    from roadchief.app.cases import import_cases
    from roadchief.loop.cases import CaseSource

    try:
        kind = CaseSource(source.lower()) if source else None
    except ValueError:
        names = ", ".join(s.value for s in CaseSource)
        raise typer.BadParameter(f"{source!r} is not a source; use one of {names}") from None
    with reported(), progress_bars() as update:
        r = import_cases(engine_of(db), file, kind, on_progress=update)
    if r.status == "unchanged":
        out.print(f"[bold]roadchief case import[/]: {escape(r.file)} was imported before; "
                  "nothing changed")  # fmt: skip
        return
    out.print(f"[bold]roadchief case import[/]: {escape(r.file)}: {r.cases} cases, "
              f"{r.placed} placed, {r.unplaced} unplaced")  # fmt: skip
    if r.unrouted:
        out.print(f"  [yellow]{r.unrouted} placed cases have no unit[/]: import units "
                  "(roadchief import units FILE) or extend the units file")  # fmt: skip
    if r.owners_week:
        out.print(f"  chiefs from the owners of {r.owners_week}")
    else:
        out.print("  no week planned yet: cases have no chief until one is")


@case_app.command("list")
def list_(
    status: Annotated[
        str | None, typer.Option(help="open, overdue, flagged, closed or unplaced.")
    ] = None,
    zone: Annotated[str | None, typer.Option(help="Only this zone.")] = None,
    chief: Annotated[str | None, typer.Option(help="Only this chief's segments.")] = None,
    at: Annotated[
        str | None,
        typer.Option(help="As it stood at this time (a date: the end of that day) [default: now]."),
    ] = None,
    fmt: Annotated[str, typer.Option("--format", help="csv or json.")] = "csv",
    db: DbOption = None,
) -> None:
    """List cases with their state, place, unit, deadline and whether overdue."""
    from roadchief.app.cases import list_cases

    if fmt not in ("csv", "json"):
        raise typer.BadParameter(f"{fmt!r}: use csv or json", param_hint="--format")
    with reported():
        rows = list_cases(engine_of(db), at, status=status, zone=zone, chief=chief)
    records = [
        {
            "case_id": r.case_id,
            "state": r.state.value,
            "state_zh": r.state_zh,
            "category": r.category,
            "segment_id": r.segment_id,
            "zone_id": r.zone_id,
            "chief_id": r.chief_id,
            "unit": r.unit,
            "deadline": r.deadline.due.isoformat(timespec="minutes") if r.deadline else "",
            "overdue": "yes" if r.overdue else "no",
            "overdue_minutes": round(r.overdue_minutes),
            "flagged": "yes" if r.flagged else "no",
            "reason": r.reason,
        }
        for r in rows
    ]
    if fmt == "json":
        sys.stdout.write(json.dumps(records, ensure_ascii=False, indent=1) + "\n")
        return
    writer = csv.DictWriter(sys.stdout, fieldnames=LIST_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(records)


@case_app.command("export")
def export(
    file: Annotated[
        Path, typer.Argument(help="Where to write: .csv, .geojson or .json (Open311 GeoReport v2).")
    ],
    status: Annotated[
        str | None, typer.Option(help="open, overdue, flagged, closed or unplaced.")
    ] = None,
    zone: Annotated[str | None, typer.Option(help="Only this zone.")] = None,
    chief: Annotated[str | None, typer.Option(help="Only this chief's segments.")] = None,
    at: Annotated[
        str | None,
        typer.Option(help="As it stood at this time (a date: the end of that day) [default: now]."),
    ] = None,
    private: Annotated[
        bool, typer.Option("--private", help="Include the reporter (private; CSV and GeoJSON).")
    ] = False,
    db: DbOption = None,
) -> None:
    """Export the cases case list shows, in the formats case import reads."""
    from roadchief.app.cases import EXPORT_FORMATS, export_cases

    with reported():
        n = export_cases(engine_of(db), file, at, status=status, zone=zone, chief=chief,
                         private=private)  # fmt: skip
    kind = EXPORT_FORMATS[file.suffix.lower()]
    out.print(f"[bold]roadchief case export[/]: {n} cases to {escape(str(file))} ({kind})")


@case_app.command("update")
def update(
    case_id: Annotated[str, typer.Argument(help="The case id.")],
    to: Annotated[str, typer.Option("--to", help="The new state, e.g. filed, dispatched.")],
    by: Annotated[str, typer.Option("--by", help="Who makes the change.")],
    at: Annotated[str | None, typer.Option(help="When [default: now].")] = None,
    note: Annotated[str, typer.Option(help="A note kept with the change.")] = "",
    unit: Annotated[
        str, typer.Option(help="For dispatched: the unit [default: the routed one].")
    ] = "",
    deadline: Annotated[str | None, typer.Option(help="For extended: the new deadline.")] = None,
    db: DbOption = None,
) -> None:
    """Record one change of a case's state (an illegal change is refused; nothing changes)."""
    from roadchief.app.cases import Change, update_cases

    with reported():
        (done,) = update_cases(
            engine_of(db),
            [Change(case_id, to, by, at or None, note, unit, deadline)],
        )
    from roadchief.calendar import moment_text
    from roadchief.loop.states import STATE_ZH

    prev = done.from_state
    assert prev is not None
    out.print(f"case {escape(done.case_id)}: {prev.value} ({STATE_ZH[prev]}) -> "
              f"{done.to_state.value} ({STATE_ZH[done.to_state]}) by {escape(done.by)} at "
              f"{moment_text(done.at)}")  # fmt: skip


@case_app.command("place")
def place(
    case_id: Annotated[str, typer.Argument(help="The case id.")],
    by: Annotated[str, typer.Option("--by", help="Who places the case.")],
    segment: Annotated[
        str, typer.Option("--segment", help="The segment id (from a map or roster.csv).")
    ] = "",
    lon: Annotated[float | None, typer.Option(help="Or a point: its longitude (WGS-84).")] = None,
    lat: Annotated[float | None, typer.Option(help="... and its latitude.")] = None,
    db: DbOption = None,
) -> None:
    """Place a case by hand (an unplaced one, or one snapped wrong) and route it to its unit."""
    from roadchief.app.case_work import place_by_hand

    with reported():
        done = place_by_hand(engine_of(db), case_id, by, segment_id=segment, lon=lon, lat=lat)
    out.print(f"case {escape(case_id)}: placed on {escape(done.segment_id)} (zone "
              f"{escape(done.zone_id)}, chief {escape(done.chief_id or '-')}) by {escape(by)}")  # fmt: skip


@case_app.command("apply")
def apply(
    file: Annotated[
        Path, typer.Argument(help="CSV of changes: case_id, to, by, at, note, unit, deadline.")
    ],
    db: DbOption = None,
) -> None:
    """Record a file of changes in order, all or nothing (every illegal row named)."""
    from roadchief.app.cases import read_changes, update_cases

    with reported(), progress_bars() as bar:
        bar("recording the changes", 0, 0)
        done = update_cases(engine_of(db), read_changes(file))
    out.print(f"[bold]roadchief case apply[/]: {escape(str(file))}: {len(done)} changes recorded")


@case_app.command("flag")
def flag(
    case_id: Annotated[str, typer.Argument(help="The case id.")],
    level: Annotated[str, typer.Option("--level", help="The flag level, e.g. district, city.")],
    deadline: Annotated[
        str, typer.Option("--deadline", help="限期整改: rectify by (a date: the end of that day).")
    ],
    by: Annotated[str, typer.Option("--by", help="Who flags the case.")],
    at: Annotated[str | None, typer.Option(help="When [default: now].")] = None,
    note: Annotated[str, typer.Option(help="A note kept with the flag.")] = "",
    db: DbOption = None,
) -> None:
    """Flag an open case for supervision (挂牌督办) with a rectification deadline."""
    from roadchief.app.cases import flag_case
    from roadchief.calendar import moment_text

    with reported():
        done = flag_case(engine_of(db), case_id, level, deadline, by, at, note)
    out.print(f"case {escape(done.case_id)}: flagged {escape(done.level)} (挂牌督办) by "
              f"{escape(done.by)} at {moment_text(done.at)}, rectify by "
              f"{moment_text(done.rectify_by)}")  # fmt: skip
