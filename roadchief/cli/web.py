"""The web commands: serve the app, add accounts, print a chief's login link."""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from roadchief.cli.console import console, fail, out, reported
from roadchief.cli.database import DbOption, engine_of

user_app = typer.Typer(help="Accounts of the web app.", no_args_is_help=True)
BaseUrl = Annotated[
    str | None,
    typer.Option(
        "--base-url",
        help="How users reach the server, for the links printed "
        "[default: $ROADCHIEF_BASE_URL, else http://127.0.0.1:8000].",
    ),
]
DataDir = Annotated[
    Path | None,
    typer.Option(
        "--data",
        help="The web app's folder (run folders, jobs, secret key) "
        "[default: $ROADCHIEF_WEB_DATA, else ./roadchief-web].",
    ),
]


def _env(db: str | None, data: Path | None, base_url: str | None) -> None:
    """Put the options where every worker process reads its settings."""
    from roadchief.store.db import resolve_url
    from roadchief.web.settings import BASE_URL_ENV, DATA_ENV

    os.environ["ROADCHIEF_DB"] = resolve_url(db)
    if data is not None:
        os.environ[DATA_ENV] = str(data.resolve())
    if base_url is not None:
        os.environ[BASE_URL_ENV] = base_url


def serve(
    db: DbOption = None,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port.")] = 8000,
    workers: Annotated[
        int | None,
        typer.Option(
            min=1,
            help="Server processes [default: one per core on PostgreSQL, "
            "1 on SQLite (one writer at a time)].",
        ),
    ] = None,
    data: DataDir = None,
    base_url: BaseUrl = None,
) -> None:
    """Serve the web app (chiefs' phone pages, supervisors' area, planners' weeks)."""
    import uvicorn

    from roadchief.store.migrate import require_current
    from roadchief.web.settings import WebSettings

    _env(db, data, base_url or os.environ.get("ROADCHIEF_BASE_URL") or f"http://{host}:{port}")
    with reported():
        settings = WebSettings.from_env()
        engine = engine_of(settings.db_url)
        require_current(engine)
        sqlite = engine.dialect.name == "sqlite"
        engine.dispose()
        settings.secret()
    count = workers or (1 if sqlite else (os.cpu_count() or 1))
    console.print(
        f"roadchief serve: {settings.base_url} ({count} worker{'s' if count > 1 else ''}, "
        f"data {settings.data_dir})"
    )
    uvicorn.run(
        "roadchief.web.app:from_env", factory=True, host=host, port=port, workers=count,
        proxy_headers=False, server_header=False, log_level="warning",
        timeout_keep_alive=KEEP_ALIVE_S,
    )  # fmt: skip


KEEP_ALIVE_S = 75
"""How long an idle connection stays open (nginx's default; uvicorn's own is 5 s): a phone
that sends its next request as the server closes the idle connection gets an error (7 of
457 citizens' reports in the load test, at 5 s)."""


def _link(base_url: str, token: str) -> str:
    return f"{base_url.rstrip('/')}/link/{token}"


def _issue_link(engine: object, user_id: int, base_url: str, days: float) -> tuple[str, int]:
    from roadchief.store.accounts import add_login_link
    from roadchief.web.security import new_token, token_hash

    token = new_token()
    expires = dt.datetime.now(dt.UTC) + dt.timedelta(days=days)
    revoked = add_login_link(engine, user_id, token_hash(token), expires, actor="cli")  # type: ignore[arg-type]
    return _link(base_url, token), revoked


@user_app.command("add")
def user_add(
    name: Annotated[str, typer.Argument(help="The account's name (what a user logs in with).")],
    role: Annotated[str, typer.Option(help="planner, supervisor, chief or unit.")],
    chief: Annotated[
        str | None, typer.Option("--chief", help="The person's chief_id (chief, supervisor).")
    ] = None,
    unit: Annotated[
        str | None, typer.Option(help="The unit's unit_id in the units file (unit).")
    ] = None,
    db: DbOption = None,
    data: DataDir = None,
    base_url: BaseUrl = None,
) -> None:
    """Add an account. A chief gets a one-time login link; anyone else types a password on
    standard input (at least 8 characters)."""
    from roadchief.store.accounts import add_user
    from roadchief.web.security import MIN_PASSWORD, hash_password
    from roadchief.web.settings import WebSettings
    from roadchief.web_records import Role

    try:
        the_role = Role(role.strip().lower())
    except ValueError:
        raise typer.BadParameter(
            "use planner, supervisor, chief or unit", param_hint="--role"
        ) from None
    name = name.strip()
    if not name or len(name) > 64 or any(ch.isspace() or not ch.isprintable() for ch in name):
        raise typer.BadParameter("1 to 64 characters, no spaces", param_hint="NAME")
    _env(db, data, base_url)
    settings = WebSettings.from_env()
    with reported():
        engine = engine_of(settings.db_url)
        chief_id = _check_person(engine, the_role, chief, unit)
        password = None
        if the_role != Role.CHIEF:
            password = sys.stdin.readline().rstrip("\r\n")
            if len(password) < MIN_PASSWORD:
                fail(f"give a password of at least {MIN_PASSWORD} characters on standard input")
        user = add_user(
            engine, name, the_role, chief_id=chief_id, unit=unit.strip() if unit else None,
            password_hash=hash_password(password) if password else None, actor="cli",
        )  # fmt: skip
        out.print(f"account {user.name} ({user.role}) added")
        if password is None:
            link, _ = _issue_link(engine, user.id, settings.base_url, settings.limits.link_days)
            out.print(f"one-time login link (valid {settings.limits.link_days:g} days):")
            typer.echo(link)


def _check_person(engine: object, role: object, chief: str | None, unit: str | None) -> str | None:
    """The chief id, checked against the people of the latest import."""
    from roadchief.domain import ChiefLevel
    from roadchief.store.db import read_session
    from roadchief.store.migrate import require_current
    from roadchief.store.people import chiefs_of_set, latest_chief_set
    from roadchief.web_records import Role

    require_current(engine)  # type: ignore[arg-type]
    if role == Role.UNIT and not (unit or "").strip():
        fail("a unit account needs --unit UNIT_ID (of the units file)")
    if role == Role.UNIT:
        from roadchief.store.units import current_units

        with read_session(engine) as session:  # type: ignore[arg-type]
            known = [u.unit_id for u in current_units(session)]
        if known and (unit or "").strip() not in known:
            fail(f"no unit {unit!r} in the imported units file; use one of {', '.join(known)}")
    if role in (Role.PLANNER, Role.UNIT):
        if chief:
            fail(f"a {role} account is not tied to a chief; leave out --chief")
        return None
    if not chief:
        fail(f"a {role} account needs --chief CHIEF_ID")
    with read_session(engine) as session:  # type: ignore[arg-type]
        set_id = latest_chief_set(session)
        people = chiefs_of_set(session, set_id) if set_id is not None else ()
    found = next((c for c in people if c.chief_id == chief), None)
    if found is None:
        fail(f"no chief {chief!r} in the imported chiefs file; check the id (roadchief import)")
    if role == Role.SUPERVISOR and found.level not in (
        ChiefLevel.GENERAL, ChiefLevel.L1, ChiefLevel.L2,
    ):  # fmt: skip
        fail(f"{chief} is a {found.level} chief; a supervisor is a general, l1 or l2 chief")
    return found.chief_id


@user_app.command("link")
def user_link(
    chief_id: Annotated[str, typer.Argument(help="The chief whose link to renew.")],
    db: DbOption = None,
    data: DataDir = None,
    base_url: BaseUrl = None,
) -> None:
    """Print a new one-time login link for a chief's account; earlier unused links stop
    working."""
    from roadchief.store.accounts import users_of_chief
    from roadchief.store.db import read_session
    from roadchief.store.migrate import require_current
    from roadchief.web.settings import WebSettings
    from roadchief.web_records import Role

    _env(db, data, base_url)
    settings = WebSettings.from_env()
    with reported():
        engine = engine_of(settings.db_url)
        require_current(engine)
        with read_session(engine) as session:
            users = [u for u in users_of_chief(session, chief_id) if u.role == Role.CHIEF]
        if not users:
            fail(f"no chief account for {chief_id!r}; add one: roadchief user add NAME "
                 f"--role chief --chief {chief_id}")  # fmt: skip
        link, revoked = _issue_link(engine, users[0].id, settings.base_url,
                                    settings.limits.link_days)  # fmt: skip
    out.print(f"{users[0].name}: new link, {revoked} earlier link(s) revoked")
    typer.echo(link)
