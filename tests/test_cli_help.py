"""The command line's help is in the reader's language: Chinese by default, English with
``--lang en`` or ``$ROADCHIEF_LANG``; every help text has its Chinese translation."""

from __future__ import annotations

import os
import subprocess
import sys

import typer

from roadchief.cli import app
from roadchief.cli.help import help_key, help_language, help_texts
from roadchief.i18n import _catalog


def test_every_help_text_has_a_chinese_translation() -> None:
    keys = {help_key(t) for t in help_texts(typer.main.get_command(app))}
    assert len(keys) > 50
    missing = sorted(keys - set(_catalog("zh")))
    assert not missing, f"add to roadchief/i18n/locale/zh_CN/LC_MESSAGES/roadchief.po: {missing}"


def test_help_key_survives_rewrapping() -> None:
    assert help_key("One two\n   three.\n\n  Four\nfive. ") == "One two three.\n\nFour five."


def test_language_from_the_option_then_the_environment() -> None:
    assert help_language(["plan", "--help"], {}) == "zh"
    assert help_language(["plan", "--lang", "en", "--help"], {}) == "en"
    assert help_language(["plan", "--lang=EN"], {"ROADCHIEF_LANG": "zh"}) == "en"
    assert help_language(["--help"], {"ROADCHIEF_LANG": "en-GB"}) == "en"
    assert help_language(["--help"], {"ROADCHIEF_LANG": "fr"}) == "zh"


def _help(*args: str, lang: str | None = None) -> str:
    env = {k: v for k, v in os.environ.items() if k != "ROADCHIEF_LANG"}
    if lang:
        env["ROADCHIEF_LANG"] = lang
    done = subprocess.run(
        [sys.executable, "-m", "roadchief", *args],
        capture_output=True,
        text=True,
        env=env | {"COLUMNS": "100"},
        check=True,
    )
    return done.stdout


def test_plan_help_is_chinese_by_default_and_english_on_request() -> None:
    zh = _help("plan", "--help")
    assert "排一周的班" in zh and "求解器随机种子" in zh and "[default: 60.0]" in zh
    en = _help("plan", "--lang", "en", "--help")
    assert "Plan a week" in en and "Solver random seed." in en
    assert "案件：导入" in _help("case", "--help")
    assert "Cases (案件): import" in _help("case", "--help", lang="en")
