"""The closed loop (闭环): cases, their states and deadlines, supervision and assessment.

A pure domain: no GIS, no solver, no SQL. Places come in from ``roadchief.geo``, files from
``roadchief.io``; the working calendar is ``roadchief.calendar``.
"""
