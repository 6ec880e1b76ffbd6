"""The case taxonomy (案件分类): main and sub classes with Chinese names, handler and time limit.

The default table is ``categories.toml`` beside this module (GB/T 30428.2 style, every
number with its source); a city points ``[loop] categories`` in its rules at its own file.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from roadchief.calendar import TimeUnit, parse_amount
from roadchief.errors import ConfigError

HANDLER_KINDS: Mapping[str, str] = {
    "enforcement": "城管执法",
    "sanitation": "环卫",
    "municipal": "市政",
    "traffic_police": "交警",
    "greening": "园林",
    "environment": "生态环境",
    "frontage": "门前三包责任人",
}
"""Kinds of unit that fix problems (责任单位), with their Chinese names."""

KINDS = {"event": "事件", "component": "部件"}


@dataclass(frozen=True)
class MainClass:
    code: str
    kind: str
    """``event`` (事件) or ``component`` (部件)."""
    name: str
    en: str
    source: str


@dataclass(frozen=True)
class Category:
    """A sub class (小类): what a case is filed under."""

    code: str
    name: str
    en: str
    main: MainClass
    handler: str
    """The kind of unit that fixes it by default (HANDLER_KINDS)."""
    limit: float
    limit_unit: TimeUnit
    """处置时限: working time from dispatch to handled."""
    limit_source: str


@dataclass(frozen=True)
class Taxonomy:
    source: str
    mains: Mapping[str, MainClass]
    categories: Mapping[str, Category]

    def find(self, text: str) -> Category | None:
        """The sub class with this code or Chinese or English name (case-insensitive)."""
        key = text.strip()
        if key in self.categories:
            return self.categories[key]
        low = key.lower()
        for cat in self.categories.values():
            if low in (cat.code.lower(), cat.name.lower(), cat.en.lower()):
                return cat
        return None

    def matches(self, code: str, pattern: str) -> bool:
        """True if ``pattern`` (``*``, a main class or a sub class code) covers sub class ``code``."""
        return pattern == "*" or pattern == code or pattern == self.categories[code].main.code


def load_taxonomy(path: Path | None = None) -> Taxonomy:
    """The bundled taxonomy, or a city's own file of the same form."""
    if path is None:
        src = "roadchief/loop/categories.toml"
        text = resources.files("roadchief.loop").joinpath("categories.toml").read_text("utf-8")
    else:
        src = str(path)
        try:
            text = Path(path).read_text("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(
                f"categories file {src} cannot be read as UTF-8 text ({exc}); check the path"
            ) from exc
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"categories file {src} is not valid TOML: {exc}") from exc
    return _taxonomy(raw, src)


def _taxonomy(raw: Mapping[str, Any], src: str) -> Taxonomy:
    mains: dict[str, MainClass] = {}
    for i, m in enumerate(raw.get("main", [])):
        where = f"{src}: main[{i}]"
        _need(m, ("code", "kind", "name"), where)
        if m["kind"] not in KINDS:
            raise ConfigError(f"{where}: kind must be event or component, not {m['kind']!r}")
        if m["code"] in mains:
            raise ConfigError(f"{where}: code {m['code']!r} is used twice")
        mains[m["code"]] = MainClass(
            str(m["code"]),
            m["kind"],
            str(m["name"]),
            str(m.get("en", "")),
            str(m.get("source", "")),
        )
    categories: dict[str, Category] = {}
    for i, s in enumerate(raw.get("sub", [])):
        where = f"{src}: sub[{i}]"
        _need(s, ("code", "name", "handler", "limit"), where)
        code = str(s["code"])
        main = mains.get(code[:3])
        if main is None:
            raise ConfigError(
                f"{where}: code {code!r} starts with no main class; known: {sorted(mains)}"
            )
        if code in categories:
            raise ConfigError(f"{where}: code {code!r} is used twice")
        if s["handler"] not in HANDLER_KINDS:
            raise ConfigError(
                f"{where}: handler {s['handler']!r} is not one of {', '.join(HANDLER_KINDS)}"
            )
        amount, unit = parse_amount(str(s["limit"]), f"{where}.limit")
        categories[code] = Category(
            code,
            str(s["name"]),
            str(s.get("en", "")),
            main,
            str(s["handler"]),
            amount,
            unit,
            str(s.get("limit_source", "")),
        )
    if not categories:
        raise ConfigError(f"{src}: lists no sub classes ([[sub]] tables)")
    return Taxonomy(src, mains, categories)


def _need(table: Mapping[str, Any], keys: tuple[str, ...], where: str) -> None:
    missing = [k for k in keys if k not in table]
    if missing:
        raise ConfigError(f"{where} needs {', '.join(missing)}")
