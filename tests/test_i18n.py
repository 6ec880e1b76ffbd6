"""Chinese throughout: every message of the code has a Chinese translation; names, dates,
levels, classes, slots and reasons in both languages; zones in natural order; the language
from the rules file."""

from __future__ import annotations

import ast
import datetime as dt
import re
from pathlib import Path

import pytest

from roadchief.config import load_rules
from roadchief.domain import ChiefLevel, Slot
from roadchief.errors import ConfigError
from roadchief.i18n import (
    LEVEL_MESSAGES,
    STATUS_MESSAGES,
    Translator,
    _catalog,
    clean_text,
    natural_key,
    parse_language,
    sort_zones,
)
from roadchief.render.colours import COVERAGE_COLOURS
from roadchief.render.labels import WORD_MESSAGES
from roadchief.render.xlsx import COLUMN_MESSAGES

ROOT = Path(__file__).resolve().parents[1] / "roadchief"


def code_messages() -> set[str]:
    """Every string literal passed first to ``tr(...)`` (or ``self(...)`` in i18n), every
    stage name (``stages.stage(...)``, the terminal shows it) in the package, and the
    message tables."""
    found: set[str] = set()
    for path in ROOT.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            name = node.func.id if isinstance(node.func, ast.Name) else ""
            if isinstance(node.func, ast.Attribute):  # stages.stage("roster"), self.tr(...)
                name = node.func.attr
            first = node.args[0]
            if name in ("tr", "self", "stage") and isinstance(first, ast.Constant):
                found.add(str(first.value))
    found |= set(WORD_MESSAGES.values()) | set(COLUMN_MESSAGES.values())
    found |= (
        set(LEVEL_MESSAGES.values())
        | set(STATUS_MESSAGES.values())
        | {m for m, _ in COVERAGE_COLOURS}
    )
    from roadchief.cli.summary import STATUS_NOTES
    from roadchief.reasons import MESSAGES, OTHER
    from roadchief.solve.roster.rules import SOFT_RULES

    found |= {m for code, m in MESSAGES.items() if code != OTHER} | {r.name for r in SOFT_RULES}
    found |= set(STATUS_NOTES.values())
    from roadchief.render.explain import REASON_MESSAGES

    found |= set(REASON_MESSAGES.values())
    return found | web_messages()


TEMPLATE_TR = re.compile(r"""\btr\(\s*(["'])(.+?)\1""")


def web_messages() -> set[str]:
    """The web app's catalog messages: ``tr("...")`` in its templates and its tables."""
    from roadchief.web.routes_cases import MOVE_MESSAGES, SECTION_MESSAGES
    from roadchief.web.routes_report import PROBLEM_MESSAGES

    found = {
        m.group(2)
        for path in (ROOT / "web" / "templates").glob("*.html")
        for m in TEMPLATE_TR.finditer(path.read_text("utf-8"))
    }
    tables = (MOVE_MESSAGES, SECTION_MESSAGES, PROBLEM_MESSAGES)
    return found | {m for table in tables for m in table.values()}


def test_the_web_templates_messages_are_found() -> None:
    """The scan of templates can fail: it finds the report page's title."""
    assert "Report a problem" in web_messages()


def test_every_message_has_a_chinese_translation() -> None:
    missing = sorted(code_messages() - set(_catalog("zh")))
    assert missing == []


def test_translations_keep_their_fields() -> None:
    import re

    field = re.compile(r"\{(\w+)[^}]*\}")
    for message, text in _catalog("zh").items():
        assert set(field.findall(message)) == set(field.findall(text)), message


def test_names_dates_levels_classes_slots_in_both_languages() -> None:
    zh, en = Translator("zh"), Translator("en")
    monday = dt.date(2026, 12, 7)
    assert zh.day(monday) == "12月7日 周一" and en.day(monday) == "Mon 7 Dec"
    assert zh.weekday(monday) == "周一" and en.weekday(monday) == "Mon"
    assert zh.level(ChiefLevel.L2) == "二级路长" and en.level("l2") == "second-level chief"
    assert zh.level(ChiefLevel.PATROLLER) == "巡查员"
    assert zh.road_class("arterial") == "主干道" and en.road_class("arterial") == "arterial"
    assert zh.road_class("ring_road") == "ring_road"  # a city's own class stays as named
    early = Slot("early", dt.time(6, 30), dt.time(8, 30), "早巡")
    assert zh.slot_time(early) == "早巡 06:30–08:30" and en.slot(early) == "early"
    reason = (
        "outside every zone: nearest zone '7' is 120 m away; extend a zone over it or leave "
        "it out of the roads file"
    )
    assert zh.reason(reason) == "不在任何责任区内；最近的责任区 7 相距 120 m"
    assert en.reason("something else") == "something else"
    assert zh("{n} segments · {km} walked", n=3, km="1.2 km") == "3 段 · 步行 1.2 km"


def test_zones_in_natural_order() -> None:
    names = {"z1": "1", "z10": "10", "z2": "2", "z11": "11", "a": "东区"}
    assert sort_zones(list(names), names) == ["z1", "z2", "z10", "z11", "a"]
    assert natural_key("区2") < natural_key("区10")


def test_names_are_cleaned_for_every_format() -> None:
    assert clean_text("张\n伟\r\t ") == "张 伟"
    assert clean_text("a\x00b\u2028c") == "a b c"
    assert clean_text(float("nan")) == "" and clean_text(None) == ""


def test_language_from_the_rules_and_the_option(tmp_path: Path) -> None:
    assert load_rules().language == "zh"
    rules = tmp_path / "rules.toml"
    rules.write_text('[output]\nlanguage = "en"\n', encoding="utf-8")
    assert load_rules(rules).language == "en"
    rules.write_text('[output]\nlanguage = "fr"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"output.language.*zh.*en"):
        load_rules(rules)
    assert parse_language("zh-CN") == "zh" and parse_language("EN") == "en"
    with pytest.raises(ConfigError, match="--lang"):
        parse_language("de")
