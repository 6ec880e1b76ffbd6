"""The application layer: plan, assign, re-plan and export over in-memory inputs.

Files (``files.py``, ``on_files.py``) and the database (``on_database.py``, ``imports.py``)
are two sources of the same ``WeekInputs`` and two sinks of the same results; the command
line and, later, the web app are thin faces over these functions.
"""
