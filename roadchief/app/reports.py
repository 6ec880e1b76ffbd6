"""Cases reported on the web: a citizen's report (with a receipt code to follow it) or a
chief's on the spot, placed on the nearest segment, routed, stored with its photo and its
audit entry in one transaction. Unplaced reports are kept, with the reason."""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import secrets
import threading
from collections.abc import Collection
from dataclasses import dataclass, field

import geopandas as gpd
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from roadchief.app.cases import route_of
from roadchief.app.loop_inputs import LoopInputs, loop_inputs, moment
from roadchief.errors import InputError
from roadchief.geo.snap import NO_LOCATION, Placement, place_cases
from roadchief.loop.cases import Case, CaseSource, open_case
from roadchief.loop.states import Transition
from roadchief.store.accounts import audit
from roadchief.store.db import is_sqlite, read_session, write_session
from roadchief.store.models import Snapshot
from roadchief.store.recorded import save_photo
from roadchief.store.reports import case_of_receipt, nearest_segment_pg, save_web_case
from roadchief.store.rows_loop import StoredCase
from roadchief.store.snapshots import load_snapshot

RECEIPT_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
"""No 0/O, 1/I/L: a code read out over the phone is typed right."""
RECEIPT_LENGTH = 12
"""31**12 is about 2**59 codes: not guessed at the public rate limit."""
MAX_TEXT = 500


@dataclass(frozen=True)
class Report:
    """What a reporter sends: one sentence, a category, a place (or none) and who."""

    description: str
    category: str
    lon: float | None
    lat: float | None
    source: CaseSource
    by: str
    """Who reports, as the audit log names them (``anonymous`` for a citizen)."""
    chief_id: str = ""
    """A chief reporting on their own segments: placed on the nearest of those first."""


@dataclass(frozen=True)
class Reported:
    case_id: str
    placement: Placement
    receipt: str | None
    """The code a citizen follows the case with (shown once, stored only as its hash)."""


@dataclass
class Placer:
    """Places a point on the nearest segment of the latest city: PostGIS on PostgreSQL,
    the loop's snapping (``place_cases``) on SQLite, with the segments kept per city."""

    engine: Engine
    _segments: dict[int, gpd.GeoDataFrame] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def place(
        self, session: Session, case: Case, inputs: LoopInputs, only: Collection[str] | None
    ) -> Placement:
        snap_m = inputs.rules.loop.snap_m
        city_id = session.scalar(select(Snapshot.city_id).order_by(Snapshot.id.desc()).limit(1))
        if case.lon is None or case.lat is None or city_id is None:
            return Placement(case.case_id, reason=NO_LOCATION)
        if is_sqlite(self.engine):
            segments = self._city_segments(session, city_id)
            if only is not None:
                segments = segments[segments["segment_id"].isin(list(only))]
            if len(segments) == 0:
                return Placement(case.case_id, reason=f"no segment within {snap_m:g} m")
            return place_cases([case], segments, inputs.owners, snap_m)[0]
        near = nearest_segment_pg(session, city_id, case.lon, case.lat, snap_m, only)
        if near is None:
            return Placement(
                case.case_id,
                reason=f"farther than loop.snap_m ({snap_m:g} m) from every segment",
            )
        chief = inputs.owners.get(near.segment_id, "")
        return Placement(
            case.case_id, near.segment_id, near.zone_id, chief, near.road_class, near.distance_m
        )

    def _city_segments(self, session: Session, city_id: int) -> gpd.GeoDataFrame:
        if city_id not in self._segments:
            snap = session.scalar(select(Snapshot.id).where(Snapshot.city_id == city_id).limit(1))
            assert snap is not None
            segments = load_snapshot(session, snap).city.segments_gdf
            with self._lock:
                self._segments = {city_id: segments}
        return self._segments[city_id]


def receipt_hash(code: str) -> str:
    """What is stored of a receipt code (spaces, dashes and case do not matter)."""
    clean = "".join(ch for ch in code.upper() if ch.isalnum())
    return hashlib.sha256(clean.encode("ascii", "ignore")).hexdigest()


def new_receipt() -> str:
    raw = "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(RECEIPT_LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, RECEIPT_LENGTH, 4))


PROBLEMS = {
    "description": "Say in one sentence what is wrong (at most 500 characters).",
    "category": "Choose what kind of problem it is.",
    "place": "Give both latitude and longitude of a place on Earth, or neither.",
}
"""Why a report is refused, by field: catalog messages (Chinese in the web page)."""


class BadReport(InputError):
    """A report the app cannot take; ``fields`` name what to fix (keys of PROBLEMS)."""

    def __init__(self, fields: list[str]) -> None:
        super().__init__("; ".join(f"{f}: {PROBLEMS[f]}" for f in fields))
        self.fields = fields


def check_report(report: Report, inputs: LoopInputs) -> None:
    """BadReport naming every field to fix."""
    bad = []
    if not report.description.strip() or len(report.description) > MAX_TEXT:
        bad.append("description")
    if report.category not in inputs.rules.loop.taxonomy.categories:
        bad.append("category")
    if not good_place(report.lon, report.lat):
        bad.append("place")
    if bad:
        raise BadReport(bad)


def good_place(lon: float | None, lat: float | None) -> bool:
    """Neither, or both as a place on Earth."""
    if lon is None or lat is None:
        return lon is None and lat is None
    return math.isfinite(lon) and math.isfinite(lat) and -180 <= lon <= 180 and -90 <= lat <= 90


def report_case(
    engine: Engine,
    placer: Placer,
    report: Report,
    photo: tuple[bytes, tuple[int, int]] | None,
    *,
    ip: str | None,
) -> Reported:
    """Store a reported case as ``reported`` (上报), placed and routed, with its photo, its
    receipt (for a citizen) and its audit entry, in one transaction. A chief's report goes
    to the nearest of their own segments (of the latest planned week) first."""
    with write_session(engine) as session:
        inputs = loop_inputs(session, with_city=False)
        check_report(report, inputs)
        owned = {s for s, c in inputs.owners.items() if c == report.chief_id and c}
        at = moment(None, inputs.rules)
        case = Case(
            f"W{at:%Y%m%d}-{secrets.token_hex(4).upper()}", report.source, at, report.category,
            report.description.strip(), report.lon, report.lat,
            reporter=report.chief_id,
        )  # fmt: skip
        place = placer.place(session, case, inputs, owned) if owned else None
        if place is None or not place.placed:
            place = placer.place(session, case, inputs, None)
        receipt = new_receipt() if report.source is CaseSource.APP else None
        stored = StoredCase(open_case(case, report.by), place, route_of(inputs, case, place))
        pk = save_web_case(session, stored, receipt_hash(receipt) if receipt else None)
        if photo is not None:
            save_photo(session, "case", pk, place.chief_id or None, photo[0], photo[1],
                       actor=report.by, ip=ip)  # fmt: skip
        details = {"source": report.source.value, "segment": place.segment_id,
                   "unplaced": place.reason}  # fmt: skip
        audit(session, report.by, "case.report", f"case:{case.case_id}", details, ip)
    return Reported(case.case_id, place, receipt)


@dataclass(frozen=True)
class Followed:
    """What anyone with the receipt code sees: the category and the dated states, no names,
    notes or places."""

    case_id: str
    category: str
    reported_at: dt.datetime
    states: tuple[tuple[str, dt.datetime], ...]


def follow(engine: Engine, code: str) -> Followed | None:
    """The case of a receipt code, or None (a wrong code and no case look the same)."""
    with read_session(engine) as session:
        stored = case_of_receipt(session, receipt_hash(code))
    if stored is None:
        return None
    record = stored.record
    history: tuple[Transition, ...] = record.history
    return Followed(
        record.case_id,
        record.case.category,
        record.case.reported_at,
        tuple((t.to_state.value, t.at) for t in history),
    )
