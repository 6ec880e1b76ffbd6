"""The run folder of each stored run: written by the web's plan jobs, or exported from the
database on first use; the pages and downloads are served from it, by name, safely.

``<data>/runs/<run_id>/`` holds what ``roadchief plan`` writes (maps, exports, pages).
A file is served only if it is one of the folder's own files (the list is made by walking
the folder, never by joining a path the request sent).
"""

from __future__ import annotations

import functools
import gzip
import mimetypes
import os
import tempfile
from pathlib import Path

from fastapi import Request
from fastapi.responses import FileResponse, Response

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


def gzip_copy(data_dir: Path, run_id: int, path: Path) -> Path:
    """A gzip copy of a run file (made once: run folders never change once in place)."""
    folder = run_folder(data_dir, run_id).resolve()
    target = data_dir / "gzip" / str(int(run_id)) / (path.relative_to(folder).as_posix() + ".gz")
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
        with os.fdopen(fd, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as gz:
            gz.write(path.read_bytes())
        os.replace(tmp, target)
    return target


def serve_run_file(
    request: Request, data_dir: Path, run_id: int, path: Path, headers: dict[str, str]
) -> Response:
    """A run file, gzipped when the browser takes it; ``304`` when it has it already (the
    ETag names the run and the file: a run's files never change)."""
    etag = f'"r{int(run_id)}-{path.stat().st_size}-{int(path.stat().st_mtime)}"'
    common = {**headers, "ETag": etag, "Vary": "Accept-Encoding"}
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=common)
    media = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    if media.startswith("text/") or media.endswith(("json", "xml")):
        media += "; charset=utf-8"
    if "gzip" in request.headers.get("accept-encoding", "") and path.stat().st_size > 1024:
        packed = gzip_copy(data_dir, run_id, path)
        return FileResponse(packed, media_type=media,
                            headers={**common, "Content-Encoding": "gzip"})  # fmt: skip
    return FileResponse(path, media_type=media, headers=common)
