"""The house's rules, read from the code's own imports: which layer may import which.

Every ``import`` and ``from ... import`` of every module under ``roadchief/`` is read with
``ast`` (function-level imports included), so a forbidden import fails here however it
is hidden.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import ROOT

PACKAGE = ROOT / "roadchief"


def modules(folder: str) -> list[Path]:
    return sorted(p for p in (PACKAGE / folder).rglob("*.py") if "migrations" not in p.parts)


def imported(path: Path) -> Iterator[str]:
    """Every module name ``path`` imports, at any depth of the file."""
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module


def breaches(folder: str, forbidden: tuple[str, ...]) -> list[str]:
    return [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in modules(folder)
        for name in imported(path)
        if any(name == f or name.startswith(f + ".") for f in forbidden)
    ]


APP_AND_FACES = ("roadchief.app", "roadchief.cli", "roadchief.web")
GIS_AND_FILES = ("geopandas", "pyogrio", "pyproj", "folium", "roadchief.geo", "roadchief.io")


@pytest.mark.parametrize(
    ("folder", "forbidden"),
    [
        ("store", (*APP_AND_FACES, "roadchief.solve", "roadchief.render", "roadchief.io")),
        ("solve", (*APP_AND_FACES, *GIS_AND_FILES, "sqlalchemy", "roadchief.store",
                   "roadchief.render")),
        ("render", (*APP_AND_FACES, "roadchief.store", "ortools", "sqlalchemy")),
        ("loop", (*APP_AND_FACES, *GIS_AND_FILES, "sqlalchemy", "ortools", "roadchief.store",
                  "roadchief.render", "shapely")),
        ("geo", (*APP_AND_FACES, "roadchief.store", "roadchief.render", "ortools")),
        ("io", (*APP_AND_FACES, "roadchief.store", "roadchief.render", "ortools")),
    ],
)  # fmt: skip
def test_a_layer_imports_nothing_above_it(folder: str, forbidden: tuple[str, ...]) -> None:
    assert breaches(folder, forbidden) == []


@pytest.mark.parametrize(
    "name",
    ["domain/__init__.py", "domain/city.py", "domain/plans.py", "config.py", "calendar.py",
     "errors.py", "patrol_week.py"],
)  # fmt: skip
def test_the_domain_is_pure(name: str) -> None:
    heavy = ("geopandas", "shapely", "ortools", "folium", "sqlalchemy", "roadchief.app",
             "roadchief.solve", "roadchief.store", "roadchief.render", "roadchief.geo")  # fmt: skip
    found = [n for n in imported(PACKAGE / name) if n.split(".")[0] in heavy or n in heavy]
    found += [n for n in imported(PACKAGE / name) if any(n.startswith(h + ".") for h in heavy)]
    assert found == []


def test_no_module_is_over_450_lines() -> None:
    long = {
        str(p.relative_to(ROOT)): n
        for p in PACKAGE.rglob("*.py")
        if "migrations" not in p.parts and (n := len(p.read_text("utf-8").splitlines())) > 450
    }
    assert long == {}
