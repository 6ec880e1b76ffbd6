"""How one deployment of the web app runs: where its data lives, its secret, its limits.

Every value has a default and an environment variable (``roadchief serve`` sets the ones
given on its command line), so that each worker process of one server reads the same.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from roadchief.errors import ConfigError

DATA_ENV = "ROADCHIEF_WEB_DATA"
BASE_URL_ENV = "ROADCHIEF_BASE_URL"
DEFAULT_DATA = "roadchief-web"
DEFAULT_BASE_URL = "http://127.0.0.1:8000"


@dataclass(frozen=True)
class Limits:
    """Sizes, lifetimes and rates; each one ``ROADCHIEF_WEB_<NAME>`` in the environment."""

    session_days: float = 14.0
    """A login lasts this long on a device (a chief's phone stays logged in for a fortnight)."""
    link_days: float = 7.0
    """A one-time login link is good for this long."""
    input_file_mb: float = 200.0
    """The largest input file a planner may upload (the 10x city's roads are ~60 MB)."""
    photo_mb: float = 10.0
    """The largest photo accepted (a phone's camera writes 2-8 MB)."""
    photo_px: int = 1600
    """Photos are scaled down to at most this many pixels on their long side."""
    track_points_per_post: int = 500
    public_per_minute: int = 20
    """Requests a minute one address may make to a public route that writes (login, links)."""


@dataclass(frozen=True)
class WebSettings:
    db_url: str | None
    data_dir: Path
    """Run folders of stored weeks, job folders and logs, the secret key."""
    base_url: str = DEFAULT_BASE_URL
    """How users reach the server: login links are printed with it."""
    limits: Limits = Limits()

    @property
    def secure_cookies(self) -> bool:
        return self.base_url.startswith("https://")

    def secret(self) -> bytes:
        """The server's secret (CSRF tokens): ``data_dir/secret.key``, made on first use."""
        path = self.data_dir / "secret.key"
        if not path.exists():
            self.data_dir.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as f:
                f.write(secrets.token_hex(32))
        return bytes.fromhex(path.read_text().strip())

    @classmethod
    def from_env(cls, db_url: str | None = None) -> WebSettings:
        """The settings from the environment (``roadchief serve`` and its workers)."""
        data = Path(os.environ.get(DATA_ENV) or DEFAULT_DATA).resolve()
        base = (os.environ.get(BASE_URL_ENV) or DEFAULT_BASE_URL).rstrip("/")
        return cls(db_url or os.environ.get("ROADCHIEF_DB"), data, base, _limits_from_env())


def _limits_from_env() -> Limits:
    values: dict[str, float | int] = {}
    for name, default in vars(Limits()).items():
        text = os.environ.get(f"ROADCHIEF_WEB_{name.upper()}")
        if text is None:
            continue
        try:
            value = type(default)(text)
        except ValueError:
            raise ConfigError(
                f"ROADCHIEF_WEB_{name.upper()}={text!r} is not a number; unset it for the "
                f"default {default}"
            ) from None
        if value <= 0:
            raise ConfigError(f"ROADCHIEF_WEB_{name.upper()} must be more than 0")
        values[name] = value
    return Limits(**values)  # type: ignore[arg-type]
