"""Closed-loop domain objects to table rows and back, explicitly, field by field."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import shapely

from roadchief.geo.snap import Placement
from roadchief.loop.cases import Case, CaseRecord, CaseSource, Flag
from roadchief.loop.patrols import PatrolRecord, PlannedPatrol, Track, Walked
from roadchief.loop.states import CaseState, Transition
from roadchief.loop.units import Route, Unit
from roadchief.store.models_loop import (
    CaseRow,
    FlagRow,
    FrontageRow,
    PatrolRecordRow,
    TrackRow,
    TransitionRow,
    UnitRow,
)


@dataclass(frozen=True)
class StoredCase:
    """A case with its history and flags, where it was placed and whom it was routed to."""

    record: CaseRecord
    placement: Placement
    route: Route


def case_to_row(case: Case, placement: Placement, route: Route, file_id: int, row: str) -> CaseRow:
    return CaseRow(
        case_id=case.case_id, file_id=file_id, row=row, source=case.source.value,
        reported_at=case.reported_at, category=case.category, description=case.description,
        lon=case.lon, lat=case.lat, address=case.address, photos=";".join(case.photos),
        reporter=case.reporter, urgency=case.urgency, area_class=case.area_class,
        segment_id=placement.segment_id, zone_id=placement.zone_id,
        chief_id=placement.chief_id, road_class=placement.road_class,
        distance_m=placement.distance_m, unit_id=route.unit_id, route_reason=route.reason,
        reason=placement.reason,
    )  # fmt: skip


def case_from_row(row: CaseRow) -> Case:
    return Case(
        row.case_id, CaseSource(row.source), row.reported_at, row.category, row.description,
        row.lon, row.lat, row.address, tuple(p for p in row.photos.split(";") if p),
        row.reporter, row.urgency, row.area_class,
    )  # fmt: skip


def transition_to_row(
    change: Transition, case_pk: int, seq: int, recorded_at: dt.datetime
) -> TransitionRow:
    return TransitionRow(
        case_pk=case_pk, seq=seq,
        from_state=None if change.from_state is None else change.from_state.value,
        to_state=change.to_state.value, by=change.by, at=change.at, note=change.note,
        unit=change.unit, deadline=change.deadline, recorded_at=recorded_at,
    )  # fmt: skip


def transition_from_row(row: TransitionRow, case_id: str) -> Transition:
    return Transition(
        case_id, CaseState(row.to_state), row.by, row.at,
        None if row.from_state is None else CaseState(row.from_state),
        note=row.note, unit=row.unit, deadline=row.deadline,
    )  # fmt: skip


def flag_to_row(flag: Flag, case_pk: int) -> FlagRow:
    return FlagRow(
        case_pk=case_pk, level=flag.level, by=flag.by, at=flag.at,
        rectify_by=flag.rectify_by, note=flag.note,
    )  # fmt: skip


def flag_from_row(row: FlagRow, case_id: str) -> Flag:
    return Flag(case_id, row.level, row.by, row.at, row.rectify_by, row.note)


def stored_case_from_rows(
    row: CaseRow, transitions: Sequence[TransitionRow], flags: Sequence[FlagRow]
) -> StoredCase:
    """A case row with its transitions (any order) and flags."""
    history = tuple(
        transition_from_row(t, row.case_id) for t in sorted(transitions, key=lambda t: t.seq)
    )
    flagged = tuple(flag_from_row(f, row.case_id) for f in sorted(flags, key=lambda f: f.at))
    placement = Placement(
        row.case_id, row.segment_id, row.zone_id, row.chief_id, row.road_class,
        row.distance_m, row.reason,
    )  # fmt: skip
    return StoredCase(
        CaseRecord(case_from_row(row), history, flagged),
        placement,
        Route(row.unit_id, row.route_reason),
    )


def units_to_rows(units: Sequence[Unit], unit_set_id: int) -> list[UnitRow | FrontageRow]:
    rows: list[UnitRow | FrontageRow] = []
    for i, u in enumerate(units):
        rows.append(
            UnitRow(
                unit_set_id=unit_set_id,
                position=i,
                unit_id=u.unit_id,
                name=u.name,
                kind=u.kind,
                contact=u.contact,
                categories=";".join(sorted(u.categories)),
                zones=";".join(sorted(u.zones)),
            )
        )
        rows += [
            FrontageRow(unit_set_id=unit_set_id, unit_id=u.unit_id, segment_id=s)
            for s in sorted(u.frontage)
        ]
    return rows


def units_from_rows(units: Iterable[UnitRow], frontage: Iterable[FrontageRow]) -> list[Unit]:
    lines: dict[str, set[str]] = {}
    for f in frontage:
        lines.setdefault(f.unit_id, set()).add(f.segment_id)

    def listed(text: str) -> frozenset[str]:
        return frozenset(v for v in text.split(";") if v)

    return [
        Unit(
            u.unit_id,
            u.name,
            u.kind,
            u.contact,
            listed(u.categories),
            listed(u.zones),
            frozenset(lines.get(u.unit_id, ())),
        )
        for u in sorted(units, key=lambda u: u.position)
    ]


def track_to_row(track: Track, file_id: int) -> TrackRow:
    times = track.times.astype("datetime64[us]").astype("<i8")
    lon, lat = track.lon.astype("<f8"), track.lat.astype("<f8")
    coords = np.column_stack([lon, lat])
    geom = shapely.Point(coords[0]) if len(coords) == 1 else shapely.LineString(coords)
    return TrackRow(
        file_id=file_id, chief_id=track.chief_id, started_at=track.first, ended_at=track.last,
        points=len(times), times_us=times.tobytes(), lon=lon.tobytes(), lat=lat.tobytes(),
        geom=geom,
    )  # fmt: skip


def track_from_row(row: TrackRow, source: str = "") -> Track:
    times = np.frombuffer(row.times_us, dtype="<i8").astype("datetime64[us]")
    return Track(
        row.chief_id,
        times,
        np.frombuffer(row.lon, dtype="<f8").astype(float),
        np.frombuffer(row.lat, dtype="<f8").astype(float),
        source,
    )


def patrol_record_to_row(
    record: PatrolRecord, run_id: int, matched_at: dt.datetime
) -> PatrolRecordRow:
    p = record.patrol
    return PatrolRecordRow(
        run_id=run_id, day=p.day, slot_id=p.slot_id, chief_id=p.chief_id,
        segment_id=p.segment_id, zone_id=p.zone_id, walked=record.walked.value,
        share=record.share, matched_at=matched_at,
    )  # fmt: skip


def patrol_record_from_row(row: PatrolRecordRow) -> PatrolRecord:
    patrol = PlannedPatrol(row.day, row.slot_id, row.chief_id, row.segment_id, row.zone_id)
    return PatrolRecord(patrol, Walked(row.walked), row.share)
