"""Store and load accounts, login sessions, one-time login links and the audit log.

Tokens arrive hashed (the store never sees a session cookie or a link); every change is
written with its audit entry in one transaction.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from roadchief.errors import InputError
from roadchief.store.db import write_session
from roadchief.store.models_web import AuditEntry, LoginLink, WebSession, WebUser
from roadchief.web_records import AuditRecord, Role, User


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def aware(moment: dt.datetime) -> dt.datetime:
    """SQLite returns naive datetimes for timezone-aware columns; they were stored in UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


def _user(row: WebUser) -> User:
    return User(
        row.id, row.name, Role(row.role), row.chief_id, row.unit,
        has_password=row.password_hash is not None, disabled=row.disabled_at is not None,
    )  # fmt: skip


def audit(
    session: Session,
    actor: str,
    action: str,
    target: str,
    details: dict[str, Any] | None = None,
    ip: str | None = None,
) -> None:
    """Add one audit entry to the transaction of ``session``."""
    session.add(
        AuditEntry(
            at=now(), actor=actor, action=action, target=target,
            details=json.dumps(details or {}, ensure_ascii=False, default=str), ip=ip,
        )
    )  # fmt: skip


def record(engine: Engine, actor: str, action: str, target: str, **details: Any) -> None:
    """One audit entry in its own transaction."""
    ip = details.pop("ip", None)
    with write_session(engine) as session:
        audit(session, actor, action, target, details, ip)


def audit_log(session: Session, limit: int = 200) -> list[AuditRecord]:
    """The latest entries, newest first."""
    rows = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit))
    return [
        AuditRecord(aware(r.at), r.actor, r.action, r.target, json.loads(r.details), r.ip)
        for r in rows
    ]


def add_user(
    engine: Engine,
    name: str,
    role: Role,
    *,
    chief_id: str | None,
    unit: str | None,
    password_hash: str | None,
    actor: str,
) -> User:
    """Create an account; InputError if the name is taken."""
    with write_session(engine) as session:
        if session.scalar(select(WebUser.id).where(WebUser.name == name)) is not None:
            raise InputError(f"an account named {name!r} exists already; choose another name")
        row = WebUser(
            name=name, role=str(role), chief_id=chief_id, unit=unit,
            password_hash=password_hash, created_at=now(),
        )  # fmt: skip
        session.add(row)
        session.flush()
        details = {"role": str(role), "chief_id": chief_id, "unit": unit}
        audit(session, actor, "user.add", f"user:{name}", details)
        return _user(row)


def user_by_name(session: Session, name: str) -> tuple[User, str | None] | None:
    """The account and its password hash, or None."""
    row = session.scalar(select(WebUser).where(WebUser.name == name))
    return None if row is None else (_user(row), row.password_hash)


def users_of_chief(session: Session, chief_id: str) -> list[User]:
    rows = session.scalars(select(WebUser).where(WebUser.chief_id == chief_id).order_by(WebUser.id))
    return [_user(r) for r in rows]


def all_users(session: Session) -> list[User]:
    return [_user(r) for r in session.scalars(select(WebUser).order_by(WebUser.name))]


def add_login_link(
    engine: Engine, user_id: int, token_hash: str, expires_at: dt.datetime, *, actor: str
) -> int:
    """Store a new login link of the account and revoke its earlier unused ones; the number
    of links revoked."""
    at = now()
    with write_session(engine) as session:
        user = session.get_one(WebUser, user_id)
        revoked = session.execute(
            update(LoginLink)
            .where(
                LoginLink.user_id == user_id,
                LoginLink.used_at.is_(None),
                LoginLink.revoked_at.is_(None),
            )
            .values(revoked_at=at)
            .execution_options(synchronize_session=False)
        ).rowcount  # type: ignore[attr-defined]
        session.add(
            LoginLink(token_hash=token_hash, user_id=user_id, created_at=at, expires_at=expires_at)
        )
        details = {"expires_at": expires_at.isoformat(), "revoked": revoked}
        audit(session, actor, "link.issue", f"user:{user.name}", details)
        return int(revoked)


def link_user(session: Session, token_hash: str) -> User | None:
    """The account a link logs into if it is still good (not used, revoked or expired)."""
    row = session.scalar(select(LoginLink).where(LoginLink.token_hash == token_hash))
    if row is None or row.used_at or row.revoked_at or aware(row.expires_at) <= now():
        return None
    user = _user(session.get_one(WebUser, row.user_id))
    return None if user.disabled else user


def use_login_link(
    engine: Engine, token_hash: str, session_hash: str, session_expires: dt.datetime, ip: str | None
) -> User | None:
    """Spend a good link on a new login session, once: of two browsers using one link at
    the same moment, one logs in. None when the link is not good."""
    at = now()
    with write_session(engine) as session:
        user = link_user(session, token_hash)
        if user is None:
            return None
        spent = session.execute(
            update(LoginLink)
            .where(LoginLink.token_hash == token_hash, LoginLink.used_at.is_(None))
            .values(used_at=at)
            .execution_options(synchronize_session=False)
        ).rowcount  # type: ignore[attr-defined]
        if spent != 1:
            return None
        _add_session(session, user, session_hash, session_expires)
        audit(session, user.actor, "login.link", f"user:{user.name}", ip=ip)
        return user


def add_session(
    engine: Engine, user: User, token_hash: str, expires_at: dt.datetime, ip: str | None
) -> None:
    """A login with a password."""
    with write_session(engine) as session:
        _add_session(session, user, token_hash, expires_at)
        audit(session, user.actor, "login.password", f"user:{user.name}", ip=ip)


def _add_session(session: Session, user: User, token_hash: str, expires_at: dt.datetime) -> None:
    session.add(
        WebSession(token_hash=token_hash, user_id=user.id, created_at=now(), expires_at=expires_at)
    )


def session_user(session: Session, token_hash: str) -> User | None:
    """The account of a live login session, or None."""
    q = (
        select(
            WebSession.revoked_at, WebSession.expires_at, WebUser.id, WebUser.name,
            WebUser.role, WebUser.chief_id, WebUser.unit, WebUser.password_hash.is_not(None),
            WebUser.disabled_at,
        )
        .join(WebUser, WebUser.id == WebSession.user_id)
        .where(WebSession.token_hash == token_hash)
    )  # fmt: skip
    found = session.execute(q).first()  # columns, not ORM objects: every request asks this
    if found is None:
        return None
    revoked, expires, uid, name, role, chief_id, unit, has_password, disabled = found
    if revoked is not None or disabled is not None or aware(expires) <= now():
        return None
    return User(uid, name, Role(role), chief_id, unit, has_password=bool(has_password))


def end_session(engine: Engine, token_hash: str, ip: str | None) -> None:
    """Log out: the session's token stops working."""
    with write_session(engine) as session:
        row = session.scalar(select(WebSession).where(WebSession.token_hash == token_hash))
        if row is None or row.revoked_at is not None:
            return
        row.revoked_at = now()
        user = _user(session.get_one(WebUser, row.user_id))
        audit(session, user.actor, "logout", f"user:{user.name}", ip=ip)
