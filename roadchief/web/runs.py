"""The run folder of each stored run: written by the web's plan jobs, or exported from the
database on first use; the pages and downloads are served from it, by name, safely.

``<data>/runs/<run_id>/`` holds what ``roadchief plan`` writes (maps, exports, pages).
A file is served only if it is one of the folder's own files (the list is made by walking
the folder, never by joining a path the request sent).
"""

from __future__ import annotations

import functools
from pathlib import Path

from roadchief.render.labels import safe_file_id


def runs_dir(data_dir: Path) -> Path:
    return data_dir / "runs"


def run_folder(data_dir: Path, run_id: int) -> Path:
    return runs_dir(data_dir) / str(int(run_id))


def is_ready(folder: Path) -> bool:
    """A whole run folder (plan and export write it beside and move it into place)."""
    return (folder / "summary.json").is_file()


@functools.lru_cache(maxsize=256)
def _listing(folder: Path, stamp: float) -> tuple[str, ...]:
    return tuple(
        sorted(
            p.relative_to(folder).as_posix()
            for p in folder.rglob("*")
            if p.is_file() and not p.is_symlink() and not p.name.startswith(".")
        )
    )


def files_of(folder: Path) -> tuple[str, ...]:
    """The folder's files as relative POSIX paths, sorted (cached until it changes)."""
    if not is_ready(folder):
        return ()
    return _listing(folder, folder.stat().st_mtime)


def safe_file(folder: Path, name: str) -> Path | None:
    """The file ``name`` of the folder if it is one of its files, else None."""
    if name not in files_of(folder):
        return None
    path = (folder / name).resolve()
    return path if path.is_relative_to(folder.resolve()) else None


def person_page(folder: Path, chief_id: str) -> Path | None:
    """The person's page of the run (``chiefs/<chief_id>.html``), if the run drew one."""
    try:
        name = f"chiefs/{safe_file_id(chief_id)}.html"
    except Exception:
        return None
    return safe_file(folder, name)


def area_page(folder: Path, zone_id: str | None) -> Path | None:
    """A supervision page of the run (``areas/<zone>.html``; ``city`` for the whole city),
    where the run's renderer writes them."""
    try:
        name = "city" if zone_id is None else safe_file_id(zone_id)
    except Exception:
        return None
    return safe_file(folder, f"areas/{name}.html")
