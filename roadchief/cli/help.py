"""The command line's help in the reader's language: every command's and option's help
text through the message catalogs, Chinese by default.

The language is ``--lang`` when the command line has it, else ``$ROADCHIEF_LANG``, else
Chinese. Help texts are written in English in the code; their catalog key is the text with
each paragraph's whitespace collapsed, so rewrapping a docstring keeps its translation.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import typer

from roadchief.errors import ConfigError
from roadchief.i18n import DEFAULT_LANGUAGE, Translator, parse_language

LANG_ENV = "ROADCHIEF_LANG"


def help_language(argv: Sequence[str], environ: Mapping[str, str]) -> str:
    """``--lang X`` (or ``--lang=X``) from the command line, else ``$ROADCHIEF_LANG``, else
    zh; a value not known falls back to zh here (the command itself then reports it)."""
    value = environ.get(LANG_ENV, DEFAULT_LANGUAGE)
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv):
            value = argv[i + 1]
        elif arg.startswith("--lang="):
            value = arg.removeprefix("--lang=")
    try:
        return parse_language(value)
    except ConfigError:
        return DEFAULT_LANGUAGE


def help_key(text: str) -> str:
    """The catalog key of a help text: paragraphs kept, whitespace within them collapsed."""
    paragraphs = re.split(r"\n\s*\n", text.strip())
    return "\n\n".join(" ".join(p.split()) for p in paragraphs)


def help_texts(command: Any) -> Iterator[str]:
    """Every help text of a command tree (commands and options), as the code wrote it."""
    for part in _parts(command):
        if part.help:
            yield part.help


def translate_help(command: Any, tr: Translator) -> None:
    """Put the help texts of ``command`` and all below it into ``tr``'s language."""
    if tr.lang == "en":
        return
    for part in _parts(command):
        if part.help:
            key = help_key(part.help)
            text = tr(key)
            if text != key:
                part.help = text
                if getattr(part, "short_help", None):
                    part.short_help = None  # made again from the translated help


def translated_command(app: Any, argv: Sequence[str] | None = None) -> Any:
    """The Click command of a Typer ``app`` with its help in the reader's language."""
    command = typer.main.get_command(app)
    args = sys.argv[1:] if argv is None else argv
    translate_help(command, Translator(help_language(args, os.environ)))
    return command


def _parts(command: Any) -> Iterator[Any]:
    """A command, its options and, for a group, every command below it."""
    yield command
    for param in command.params:
        if getattr(param, "param_type_name", "") == "option":
            yield param
    for sub in getattr(command, "commands", {}).values():
        yield from _parts(sub)
