"""The map writers: the planners' overview and one phone map per chief.

``overview.py`` and ``chief_maps.py`` draw them; the pieces they share are ``page.py``
(folium plumbing), ``draw.py`` (coordinates), ``features.py``, ``labels.py``,
``legends.py``, ``colours.py``, and ``assets/map.js`` / ``map.css`` inlined in each page.
"""

from roadchief.render.chief_maps import render_chief_maps
from roadchief.render.colours import colour_chiefs
from roadchief.render.labels import safe_file_id
from roadchief.render.overview import render_overview

__all__ = ["colour_chiefs", "render_chief_maps", "render_overview", "safe_file_id"]
