"""Shared paths and helpers for the tests."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parent / "data"
DEMO = ROOT / "geodata" / "cambridge_ma"


def run_cli(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run the installed ``roadchief`` console script, the way a user does."""
    exe = Path(sys.executable).parent / "roadchief"
    return subprocess.run(
        [str(exe), *map(str, args)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=cwd,
        timeout=600,
        check=False,
    )


@pytest.fixture(scope="session")
def demo_dir() -> Path:
    return DEMO
