"""Allow ``python -m roadchief``."""

from roadchief.cli import app

app(prog_name="roadchief")
