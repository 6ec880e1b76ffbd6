"""Why a segment is unplaced, as a code and values: every language renders it from them.

``geo/zones.py`` builds a ``Reason``; its English ``text()`` is the ``reason`` column that
the database, ``unplaced.geojson`` and ``summary.json`` keep (unchanged for their readers),
and ``parse_reason`` reads that text back into the same code and values (a city loaded from
the database has only the text). The values are what the text shows (whole metres and
percents), so text and values always agree.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

OUTSIDE_ZONES = "outside_zones"
"""No part of the segment lies in (or within the tolerance of) a zone."""
PARTLY_IN_ZONE = "partly_in_zone"
"""Some of it does, less than the rules' minimum share."""
OTHER = "other"
"""A reason this version does not know (an older or newer text): shown as given."""

MESSAGES = {
    OUTSIDE_ZONES: "outside every zone; the nearest zone, {zone}, is {m} m away",
    PARTLY_IN_ZONE: (
        "only {share} of its {length} m lies in a zone ({need} needed); extend zone {zone} over it"
    ),
    OTHER: "{text}",
}
"""The message of each code (translated by the catalog); fields from ``Reason.fields``."""

_TEXTS = {
    OUTSIDE_ZONES: (
        "outside every zone: nearest zone '{zone_id}' is {distance_m} m away; extend a zone "
        "over it or leave it out of the roads file"
    ),
    PARTLY_IN_ZONE: (
        "only {share_pct}% of its {length_m} m lies within {tolerance_m:g} m of a zone "
        "({min_share_pct}% needed); extend zone '{zone_id}' over it or leave it out"
    ),
}
_PATTERNS = {
    OUTSIDE_ZONES: re.compile(
        r"outside every zone: nearest zone '(?P<zone_id>.*)' is (?P<distance_m>\d+) m away; .*"
    ),
    PARTLY_IN_ZONE: re.compile(
        r"only (?P<share_pct>\d+)% of its (?P<length_m>\d+) m lies within "
        r"(?P<tolerance_m>[\d.]+) m of a zone \((?P<min_share_pct>\d+)% needed\); "
        r"extend zone '(?P<zone_id>.*)' over it or leave it out"
    ),
}


@dataclass(frozen=True)
class Reason:
    """Why a segment is unplaced: a code (``OUTSIDE_ZONES``, ``PARTLY_IN_ZONE``, ``OTHER``)
    and the values its message shows."""

    code: str
    values: Mapping[str, Any] = field(default_factory=dict)

    def text(self) -> str:
        """The English sentence kept in the ``reason`` column (with the fix to make)."""
        if self.code == OTHER:
            return str(self.values.get("text", ""))
        return _TEXTS[self.code].format(**self.values)

    def fields(self, zone_names: Mapping[str, str] | None = None) -> dict[str, str]:
        """The fields of ``MESSAGES[code]``; a zone by its name when ``zone_names`` has it."""
        v = self.values
        if self.code == OTHER:
            return {"text": str(v.get("text", ""))}
        zone = str(v["zone_id"])
        zone = (zone_names or {}).get(zone) or zone
        if self.code == OUTSIDE_ZONES:
            return {"zone": zone, "m": str(v["distance_m"])}
        return {
            "zone": zone,
            "share": f"{v['share_pct']}%",
            "length": str(v["length_m"]),
            "need": f"{v['min_share_pct']}%",
        }

    def to_json(self) -> dict[str, Any]:
        """``reason_code`` and ``reason_values``, beside the text in the outputs."""
        return {"reason_code": self.code, "reason_values": dict(self.values)}


def outside_zones(zone_id: str, distance_m: float) -> Reason:
    """Outside every zone, ``distance_m`` from the nearest, ``zone_id``."""
    return Reason(OUTSIDE_ZONES, {"zone_id": zone_id, "distance_m": round(distance_m)})


def partly_in_zone(
    zone_id: str, share: float, length_m: float, tolerance_m: float, min_share: float
) -> Reason:
    """Only ``share`` of its ``length_m`` lies within ``tolerance_m`` of a zone."""
    return Reason(
        PARTLY_IN_ZONE,
        {
            "zone_id": zone_id,
            "share_pct": round(100 * share),
            "length_m": round(length_m),
            "tolerance_m": tolerance_m,
            "min_share_pct": round(100 * min_share),
        },
    )


def parse_reason(text: str) -> Reason:
    """The code and values of a ``reason`` text (``OTHER`` with the text if unknown)."""
    for code, pattern in _PATTERNS.items():
        found = pattern.fullmatch(text)
        if found:
            values: dict[str, Any] = {
                k: (v if k == "zone_id" else float(v) if k == "tolerance_m" else int(v))
                for k, v in found.groupdict().items()
            }
            return Reason(code, values)
    return Reason(OTHER, {"text": text})
