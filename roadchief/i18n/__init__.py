"""What people read, in their language: message catalogs (gettext ``.po``, read with Babel),
dates, levels, road classes, slots, reasons, and zones in natural order.

Chinese (``zh``) is the default; English (``en``) is an option, chosen by the rules key
``[output] language`` or ``--lang``. Messages are written in English in the code and
translated by ``locale/<locale>/LC_MESSAGES/roadchief.po``; a message the catalog lacks is
shown in English (``tests/test_i18n.py`` checks that the Chinese catalog has every one).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Any

from babel import Locale
from babel.dates import format_date
from babel.messages.pofile import read_po

from roadchief.domain import ChiefLevel, Slot
from roadchief.errors import ConfigError
from roadchief.reasons import MESSAGES, OTHER, Reason, parse_reason

LANGUAGES = ("zh", "en")
DEFAULT_LANGUAGE = "zh"
LOCALES = {"zh": "zh_CN", "en": "en"}
"""Babel locale of each language."""
HTML_LANG = {"zh": "zh-CN", "en": "en"}
DOMAIN = "roadchief"

_ALIASES = {"zh": "zh", "zh-cn": "zh", "zh_cn": "zh", "zh-hans": "zh", "cn": "zh", "en": "en"}
_ALIASES |= {"en-us": "en", "en_us": "en", "en-gb": "en", "en_gb": "en"}
_DATE = {"zh": "M月d日 EEE", "en": "EEE d MMM"}
_DATE_LONG = {"zh": "yyyy年M月d日 EEE", "en": "EEE d MMM yyyy"}

LEVEL_MESSAGES = {
    ChiefLevel.GENERAL: "general chief",
    ChiefLevel.L1: "first-level chief",
    ChiefLevel.L2: "second-level chief",
    ChiefLevel.SEGMENT: "segment chief",
    ChiefLevel.PATROLLER: "patroller",
}
"""The message of each level (总路长, 一级路长, 二级路长, 路段长, 巡查员 in Chinese)."""

STATUS_MESSAGES = {
    "OPTIMAL": "proven optimal",
    "FEASIBLE": "feasible",
    "GREEDY": "greedy start",
    "KEPT": "kept",
    "INFEASIBLE": "infeasible",
    "UNKNOWN": "unknown",
}
"""The message of each solver status of a zone or the city (已证明最优, 可行解 … in Chinese)."""


def parse_language(value: Any, source: str = "--lang") -> str:
    """``zh`` or ``en`` from what a user wrote (``zh-CN``, ``zh_CN``, ``EN`` …).

    Raises
    ------
    ConfigError
        Naming ``source`` (the option or rules key) and the languages known.
    """
    key = str(value or "").strip().lower()
    if key not in _ALIASES:
        raise ConfigError(
            f"{source}: language {value!r} is not known; use zh (Chinese, the default) or en"
        )
    return _ALIASES[key]


def language_of_rules(raw: dict[str, Any], source: str) -> str:
    """The language a rules file's ``[output] language`` key sets (``zh`` when absent)."""
    output = raw.get("output", {})
    if not isinstance(output, dict):
        raise ConfigError(f"{source}: 'output' must be a table such as [output]")
    return parse_language(output.get("language", DEFAULT_LANGUAGE), f"{source}: 'output.language'")


@functools.cache
def _catalog(lang: str) -> dict[str, str]:
    """msgid -> translation of ``lang``'s catalog; empty for English (the source language)."""
    if lang == "en":
        return {}
    path = resources.files("roadchief.i18n").joinpath(
        "locale", LOCALES[lang], "LC_MESSAGES", f"{DOMAIN}.po"
    )
    with path.open("rb") as f:
        catalog = read_po(f, locale=LOCALES[lang], domain=DOMAIN)
    return {str(m.id): str(m.string) for m in catalog if m.id and m.string}


@dataclass(frozen=True)
class Translator:
    """Messages, names and dates in one language."""

    lang: str = DEFAULT_LANGUAGE

    def __post_init__(self) -> None:
        if self.lang not in LANGUAGES:
            raise ConfigError(f"language {self.lang!r} is not known; use zh or en")

    @property
    def html_lang(self) -> str:
        return HTML_LANG[self.lang]

    def __call__(self, message: str, **values: Any) -> str:
        """The message translated, with ``{name}`` fields filled from ``values``."""
        text = _catalog(self.lang).get(message, message)
        return text.format(**values) if values else text

    def messages(self, *ids: str) -> dict[str, str]:
        """Several messages by id, for a page's script."""
        return {m: self(m) for m in ids}

    def day(self, day: dt.date) -> str:
        """``12月7日 周一`` / ``Mon 7 Dec``."""
        return _format_date(day, _DATE[self.lang], self.lang)

    def date_long(self, day: dt.date) -> str:
        """``2026年12月7日 周一`` / ``Mon 7 Dec 2026``."""
        return _format_date(day, _DATE_LONG[self.lang], self.lang)

    def weekday(self, day: dt.date) -> str:
        """``周一`` / ``Mon``."""
        return _format_date(day, "EEE", self.lang)

    def level(self, level: ChiefLevel | str) -> str:
        """The level's name: 路段长 / segment chief."""
        try:
            return self(LEVEL_MESSAGES[ChiefLevel(level)])
        except ValueError:
            return str(level)

    def status(self, status: str) -> str:
        """A solver status in words (可行解 / feasible); one it does not know as given."""
        message = STATUS_MESSAGES.get(status)
        return status if message is None else self(message)

    def road_class(self, road_class: str) -> str:
        """A road class by its name here (干道 / arterial); a class the catalog does not
        know (a city's own) as the rules name it."""
        message = f"class:{road_class}"
        text = self(message)
        return road_class if text == message else text

    def slot(self, slot: Slot) -> str:
        """A slot's name: the rules' label in Chinese (早巡), its id in English (early)."""
        if self.lang == "zh":
            return slot.label or slot.slot_id
        return slot.slot_id

    def slot_time(self, slot: Slot) -> str:
        """``早巡 06:30–08:30``."""
        return f"{self.slot(slot)} {slot.start:%H:%M}–{slot.end:%H:%M}"

    def reason(self, reason: str | Reason, zone_names: Mapping[str, str] | None = None) -> str:
        """An unplaced segment's reason (a ``Reason`` or its text) in this language, a zone
        by its name when ``zone_names`` has it; a reason not recognised as given."""
        found = parse_reason(reason) if isinstance(reason, str) else reason
        if found.code == OTHER:
            return found.text()
        return self(MESSAGES[found.code], **found.fields(zone_names))

    def km(self, value: float) -> str:
        """``2.5 km``: one decimal, the same in every output."""
        return f"{value:.1f} km"

    def percent(self, share: float) -> str:
        return f"{100 * share:.1f}%"


@functools.lru_cache(maxsize=4096)
def _format_date(day: dt.date, pattern: str, lang: str) -> str:
    """A date by a Babel pattern (cached: Babel parses the locale on every call)."""
    return format_date(day, pattern, locale=_locale(lang))


@functools.cache
def _locale(lang: str) -> Locale:
    return Locale.parse(LOCALES[lang])


def natural_key(text: str) -> tuple[Any, ...]:
    """Sort key of natural order: ``2`` before ``10``, ``区2`` before ``区10``."""
    parts = re.split(r"(\d+)", text)
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in parts if p != "")


def sort_zones(zone_ids: list[str] | set[str] | Any, names: dict[str, str]) -> list[str]:
    """Zone ids in the natural order of their names (then ids)."""
    return sorted(zone_ids, key=lambda z: (natural_key(names.get(z, z) or z), natural_key(z)))


def clean_text(value: Any) -> str:
    """A name safe for every format: line breaks, tabs and control characters become one
    space, runs of spaces one space, the ends trimmed; None and NaN become empty."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    text = re.sub(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+", " ", str(value))
    return re.sub(r" {2,}", " ", text).strip()
