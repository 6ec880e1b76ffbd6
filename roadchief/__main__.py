"""Allow ``python -m roadchief``."""

from roadchief.cli import run

run()
