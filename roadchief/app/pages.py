"""A person's page of a run folder as one file to send (WeChat, a USB stick): Leaflet
inlined, so it opens alone and offline (``render/shared_assets.single_file_page``)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from roadchief.errors import RoadchiefError
from roadchief.render.labels import safe_file_id
from roadchief.render.shared_assets import single_file_page


def write_single_pages(run: Path, chief_ids: Sequence[str], out_dir: Path) -> list[Path]:
    """Write ``out_dir/<chief_id>.html`` for each person, from the run folder ``run``; the
    paths written. Every page is checked before the first is written.

    Raises
    ------
    RoadchiefError
        If ``run`` is no run folder or a person has no page in it.
    """
    if not (run / "chiefs").is_dir():
        raise RoadchiefError(f"{run}: not a run folder (no chiefs/); give the folder that "
                         "roadchief plan wrote")  # fmt: skip
    pages = []
    for chief_id in chief_ids:
        try:
            page = run / "chiefs" / f"{safe_file_id(chief_id)}.html"
        except RoadchiefError:
            page = None
        if page is None or not page.is_file():
            raise RoadchiefError(f"{run}: no page for person {chief_id!r} in chiefs/; use the "
                             "chief_id of the chiefs file")  # fmt: skip
        pages.append(page)
    texts = [single_file_page(p) for p in pages]
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for page, text in zip(pages, texts, strict=True):
        target = out_dir / page.name
        target.write_text(text, encoding="utf-8")
        written.append(target)
    return written
