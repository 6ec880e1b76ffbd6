"""Cases in and out: CSV, GeoJSON points and Open311 GeoReport v2 JSON (``service_requests``).

Reading checks every row and raises one InputError naming each bad one (file, row, column,
fix); a good file gives every row as a ``Case``, none dropped. The reporter is private:
exports leave it out unless asked.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from roadchief.calendar import local_moment
from roadchief.errors import InputError, ProblemLog
from roadchief.loop.cases import URGENCIES, Case, CaseRecord, CaseSource
from roadchief.loop.categories import Taxonomy
from roadchief.loop.states import DONE_STATES

COLUMNS = (
    "case_id", "source", "reported_at", "category", "description", "lon", "lat",
    "address", "photos", "reporter", "urgency", "area_class",
)  # fmt: skip
REQUIRED = ("case_id", "reported_at", "category")


class CaseReader:
    """Reads case files of one city: its taxonomy and time zone."""

    def __init__(self, taxonomy: Taxonomy, time_zone: str) -> None:
        self.taxonomy = taxonomy
        self.time_zone = time_zone

    def read(self, path: Path, source: CaseSource | None = None) -> list[Case]:
        """Cases from a .csv, .geojson/.json (GeoJSON or Open311) file."""
        return [case for _, case in self.read_located(path, source)]

    def read_located(self, path: Path, source: CaseSource | None = None) -> list[tuple[str, Case]]:
        """Each case with where it is in the file (``row 2``, ``feature 1``, ``request 1``)."""
        src = str(path)
        try:
            raw = Path(path).read_bytes()
        except OSError as exc:
            raise InputError(
                f"{src}: cannot read the cases file ({exc.strerror}); check the path"
            ) from exc
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count(b"\n") + 1
            raise InputError(f"{src}: line {line} is not UTF-8; save the file as UTF-8") from exc
        if Path(path).suffix.lower() == ".csv":
            return self._located(_csv_rows(text, src), src, source)
        try:
            doc = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputError(f"{src}: line {exc.lineno} is not valid JSON ({exc.msg})") from exc
        if isinstance(doc, dict) and doc.get("type") == "FeatureCollection":
            return self._located(_geojson_rows(doc, src), src, source)
        if isinstance(doc, dict) and "service_requests" in doc:
            doc = doc["service_requests"]
        if isinstance(doc, list):
            return self._located(_open311_rows(doc), src, source or CaseSource.APP)
        raise InputError(
            f"{src}: is neither a GeoJSON FeatureCollection nor Open311 service_requests; "
            "give a .csv, a GeoJSON file of points or a GeoReport v2 JSON list"
        )

    def from_rows(
        self,
        rows: Iterable[tuple[str, Mapping[str, Any]]],
        src: str,
        source: CaseSource | None = None,
    ) -> list[Case]:
        """Cases from (where, fields) pairs; every problem in one InputError."""
        return [case for _, case in self._located(rows, src, source)]

    def _located(
        self,
        rows: Iterable[tuple[str, Mapping[str, Any]]],
        src: str,
        source: CaseSource | None = None,
    ) -> list[tuple[str, Case]]:
        log = ProblemLog()
        cases: list[tuple[str, Case]] = []
        seen: dict[str, str] = {}
        for where, row in rows:
            case = self._case(row, where, src, source, log)
            if case is None:
                continue
            if case.case_id in seen:
                log.error(src, where, f"column case_id: {case.case_id!r} is already used at "
                          f"{seen[case.case_id]}; give each case its own id")  # fmt: skip
                continue
            seen[case.case_id] = where
            cases.append((where, case))
        if not cases and not log.errors:
            log.error(src, "", "holds no cases; add one row or feature per case")
        log.raise_if_errors()
        return cases

    def _case(
        self,
        row: Mapping[str, Any],
        where: str,
        src: str,
        source: CaseSource | None,
        log: ProblemLog,
    ) -> Case | None:
        before = len(log.errors)

        def bad(column: str, message: str) -> None:
            log.error(src, where, f"column {column}: {message}")

        def text(column: str) -> str:
            value = row.get(column)
            return "" if value is None else str(value).strip()

        for column in REQUIRED:
            if not text(column):
                bad(column, "is empty; every case needs it")
        kind = source
        if text("source"):
            try:
                kind = CaseSource(text("source").lower())
            except ValueError:
                names = ", ".join(s.value for s in CaseSource)
                bad("source", f"{text('source')!r} is not a source; use one of {names}")
        reported = _moment(text("reported_at"), self.time_zone)
        if text("reported_at") and reported is None:
            bad("reported_at", f"{text('reported_at')!r} is not a time; write 2026-10-12T09:30")
        category = self.taxonomy.find(text("category")) if text("category") else None
        if text("category") and category is None:
            bad("category", f"{text('category')!r} is not in {self.taxonomy.source}; "
                "give a sub class code or name, such as E0101 or 暴露垃圾")  # fmt: skip
        lon, lat = _coordinate(row.get("lon")), _coordinate(row.get("lat"))
        if (lon is None) != (lat is None) or (
            lon is not None and lat is not None and not (-180 <= lon <= 180 and -90 <= lat <= 90)
        ):
            bad("lon/lat", f"({row.get('lon')!r}, {row.get('lat')!r}) is not a WGS-84 position; "
                "give both as decimal degrees, or leave both empty")  # fmt: skip
        urgency = text("urgency").upper() or "B"
        if urgency not in URGENCIES:
            bad("urgency", f"{urgency!r} is not an urgency; use A (紧急), B (一般) or C (缓办)")
        if len(log.errors) > before or reported is None or category is None:
            return None
        photos = tuple(p.strip() for p in text("photos").split(";") if p.strip())
        return Case(
            text("case_id"),
            kind or CaseSource.PATROL,
            reported,
            category.code,
            text("description"),
            lon,
            lat,
            text("address"),
            photos,
            text("reporter"),
            urgency,
            text("area_class"),
        )


def _csv_rows(text: str, src: str) -> list[tuple[str, dict[str, Any]]]:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [(h or "").strip() for h in reader.fieldnames or []]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise InputError(
            f"{src}: missing column(s) {', '.join(missing)}; the file has {', '.join(header) or 'no header'}"
        )
    return [
        (f"row {n}", {(k or "").strip(): v for k, v in row.items() if k is not None})
        for n, row in enumerate(reader, start=2)
    ]


def _geojson_rows(doc: Mapping[str, Any], src: str) -> list[tuple[str, dict[str, Any]]]:
    crs = str(doc.get("crs", {}).get("properties", {}).get("name", "CRS84"))
    if not crs.upper().endswith(("CRS84", "4326")):
        raise InputError(
            f"{src}: CRS {crs} is not WGS-84; GeoJSON cases must be in longitude/latitude"
        )
    rows = []
    for n, feature in enumerate(doc.get("features") or [], start=1):
        props = dict(feature.get("properties") or {})
        geom = feature.get("geometry") or {}
        where = f"feature {n}"
        if geom.get("type") == "Point" and len(geom.get("coordinates") or []) >= 2:
            props["lon"], props["lat"] = geom["coordinates"][:2]
        elif geom:
            props["lon"], props["lat"] = f"a {geom.get('type')}", None
        rows.append((where, props))
    return rows


def _open311_rows(requests: list[Any]) -> list[tuple[str, dict[str, Any]]]:
    rows = []
    for n, req in enumerate(requests, start=1):
        req = req if isinstance(req, dict) else {}
        media = req.get("media_url") or ""
        rows.append(
            (
                f"request {n}",
                {
                    "case_id": req.get("service_request_id"),
                    "reported_at": req.get("requested_datetime"),
                    "category": req.get("service_code") or req.get("service_name"),
                    "description": req.get("description") or req.get("service_name") or "",
                    "lon": req.get("long"),
                    "lat": req.get("lat"),
                    "address": req.get("address") or "",
                    "photos": media,
                },
            )
        )
    return rows


def _moment(text: str, time_zone: str) -> dt.datetime | None:
    try:
        return local_moment(dt.datetime.fromisoformat(text), time_zone)
    except ValueError:
        return None


def _coordinate(value: Any) -> float | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return float("nan")


def case_row(case: Case, *, private: bool = False) -> dict[str, str]:
    """A case as the CSV columns (the reporter only when ``private``)."""
    return {
        "case_id": case.case_id,
        "source": case.source.value,
        "reported_at": case.reported_at.isoformat(timespec="minutes"),
        "category": case.category,
        "description": case.description,
        "lon": "" if case.lon is None else f"{case.lon:.6f}",
        "lat": "" if case.lat is None else f"{case.lat:.6f}",
        "address": case.address,
        "photos": ";".join(case.photos),
        "reporter": case.reporter if private else "",
        "urgency": case.urgency,
        "area_class": case.area_class,
    }


def write_cases_csv(cases: Iterable[Case], path: Path, *, private: bool = False) -> None:
    """UTF-8 with BOM, so that Excel shows the Chinese text."""
    with Path(path).open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(case_row(c, private=private) for c in cases)


def write_cases_geojson(cases: Iterable[Case], path: Path, *, private: bool = False) -> None:
    features = []
    for case in cases:
        props: dict[str, Any] = case_row(case, private=private)
        del props["lon"], props["lat"]
        geometry = (
            None if case.lon is None else {"type": "Point", "coordinates": [case.lon, case.lat]}
        )
        features.append({"type": "Feature", "geometry": geometry, "properties": props})
    doc = {"type": "FeatureCollection", "features": features}
    Path(path).write_text(json.dumps(doc, ensure_ascii=False, indent=1), "utf-8")


def write_open311(
    records: Iterable[CaseRecord], taxonomy: Taxonomy, time_zone: str, path: Path
) -> None:
    """GeoReport v2 ``service_requests``: status closed when done, open otherwise."""
    from zoneinfo import ZoneInfo

    tz = ZoneInfo(time_zone)
    out = []
    for rec in records:
        case = rec.case
        out.append(
            {
                "service_request_id": case.case_id,
                "status": "closed" if rec.state in DONE_STATES else "open",
                "status_notes": rec.last.note,
                "service_name": taxonomy.categories[case.category].name,
                "service_code": case.category,
                "description": case.description,
                "agency_responsible": next((t.unit for t in reversed(rec.history) if t.unit), ""),
                "requested_datetime": case.reported_at.replace(tzinfo=tz).isoformat(),
                "updated_datetime": rec.last.at.replace(tzinfo=tz).isoformat(),
                "address": case.address,
                "lat": case.lat,
                "long": case.lon,
                "media_url": case.photos[0] if case.photos else "",
            }
        )
    Path(path).write_text(json.dumps(out, ensure_ascii=False, indent=1), "utf-8")
