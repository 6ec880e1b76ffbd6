"""The map writers: the planners' overview and a page for every person.

``overview.py`` (folium, ``assets/map.js``) and ``chief_pages.py`` (a light template,
``assets/chief.js``) draw them; ``area_pages.py`` writes the supervision pages.
"""

from roadchief.render.chief_pages import write_person_pages
from roadchief.render.colours import colour_chiefs
from roadchief.render.labels import safe_file_id
from roadchief.render.overview import render_overview

__all__ = ["colour_chiefs", "render_overview", "safe_file_id", "write_person_pages"]
