"""The web app: each chief's phone page, supervisors' area, planners' week, with real logins.

``roadchief.web.app.create_app`` builds the ASGI app; ``roadchief serve`` runs it. This
package imports nothing heavy itself: the store reads its plain objects (``objects``).
"""
