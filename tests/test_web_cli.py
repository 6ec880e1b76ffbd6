"""The account commands and ``roadchief serve`` as a user runs them."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from web_server import PEOPLE, free_port

from conftest import run_cli
from geo_builders import small_city_files


def roadchief(
    *args: str | Path, stdin: str = "", env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    exe = Path(sys.executable).parent / "roadchief"
    return subprocess.run(
        [str(exe), *map(str, args)], input=stdin, capture_output=True, text=True,
        encoding="utf-8", timeout=120, check=False, env=env,
    )  # fmt: skip


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> str:
    folder = tmp_path_factory.mktemp("web_cli")
    files = small_city_files(folder / "city", chiefs=PEOPLE)
    url = f"sqlite:///{folder / 'rc.db'}"
    assert run_cli("init", "--db", url).returncode == 0
    pairs = [x for k, p in files.items() for x in (k, p)]
    done = run_cli("import", "--db", url, *pairs)
    assert done.returncode == 0, done.stderr
    return url


def test_accounts_are_added_with_a_password_or_a_link(db: str, tmp_path: Path) -> None:
    base = ["--db", db, "--data", tmp_path, "--base-url", "https://roads.example.cn"]
    r = roadchief("user", "add", "planner1", "--role", "planner", *base, stdin="long enough pw\n")
    assert r.returncode == 0, r.stderr
    assert "planner1" in r.stdout and "/link/" not in r.stdout
    r = roadchief("user", "add", "甲一", "--role", "chief", "--chief", "A1", *base)
    assert r.returncode == 0, r.stderr
    first = r.stdout.strip().splitlines()[-1]
    assert first.startswith("https://roads.example.cn/link/")
    r = roadchief("user", "link", "A1", *base)
    assert r.returncode == 0 and "1 earlier link(s) revoked" in r.stdout
    second = r.stdout.strip().splitlines()[-1]
    assert second != first and second.startswith("https://roads.example.cn/link/")


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["x1", "--role", "chief", "--chief", "NOPE"], "", "no chief 'NOPE'"),
        (["x2", "--role", "supervisor", "--chief", "A1"], "long enough pw\n", "a supervisor is"),
        (["x3", "--role", "planner"], "short\n", "at least 8 characters"),
        (["a b", "--role", "planner"], "long enough pw\n", "no spaces"),
    ],
)
def test_bad_accounts_are_refused_in_one_line(
    db: str, tmp_path: Path, args: list[str], stdin: str, message: str
) -> None:
    r = roadchief("user", "add", *args, "--db", db, "--data", tmp_path, stdin=stdin)
    assert r.returncode != 0
    assert message in r.stderr and "Traceback" not in r.stderr


def test_a_name_is_taken_once(db: str, tmp_path: Path) -> None:
    args = ["user", "add", "same", "--role", "planner", "--db", db, "--data", tmp_path]
    assert roadchief(*args, stdin="long enough pw\n").returncode == 0
    again = roadchief(*args, stdin="long enough pw\n")
    assert again.returncode == 1 and "exists already" in again.stderr


def test_a_link_for_a_chief_without_an_account_says_how(db: str, tmp_path: Path) -> None:
    r = roadchief("user", "link", "B1", "--db", db, "--data", tmp_path)
    assert r.returncode == 1 and "roadchief user add" in r.stderr


def test_serve_answers_and_refuses_an_old_database(db: str, tmp_path: Path) -> None:
    port = free_port()
    exe = Path(sys.executable).parent / "roadchief"
    server = subprocess.Popen(
        [str(exe), "serve", "--db", db, "--port", str(port), "--data", str(tmp_path)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                r = httpx.get(f"http://127.0.0.1:{port}/login", timeout=5)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.2)
        assert r.status_code == 200 and "登录" in r.text
    finally:
        server.terminate()
        server.communicate(timeout=30)
    empty = f"sqlite:///{tmp_path / 'empty.db'}"
    r = roadchief("serve", "--db", empty, "--port", str(free_port()), "--data", tmp_path)
    assert r.returncode == 1 and "roadchief init" in r.stderr
