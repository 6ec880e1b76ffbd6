"""The web app: each chief's phone page, supervisors' area, planners' week, with real logins.

``roadchief.web.app.create_app`` builds the ASGI app; ``roadchief serve`` runs it. Its
records (accounts, jobs, tracks, photos) are plain objects in ``roadchief.web_records``,
which the store saves and loads.
"""
