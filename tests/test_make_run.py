"""The README's `make run`, as a newcomer types it: PORT and DATABASE_URL, then sign in."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from forum.extensions import db
from tests.conftest import make_app
from tests.helpers import sign_in
from tests.live import start_make

pytestmark = pytest.mark.system

STARTUP_SECONDS = 120


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_served(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"make run ended early:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - loopback
                if response.status == 200:
                    return
        except OSError:  # not listening yet, or its workers still starting
            time.sleep(0.5)
    raise AssertionError(f"make run did not serve {url}:\n{log.read_text()[-3000:]}")


@pytest.fixture
def empty_database_url(database_url: str) -> str:
    """The fixture's database emptied, as on a first `make run`."""
    if database_url.startswith("sqlite:///"):
        Path(database_url.removeprefix("sqlite:///")).unlink()
        return database_url
    engine = sa.create_engine(database_url)
    with engine.begin() as connection:
        connection.execute(sa.text("DROP SCHEMA public CASCADE"))
        connection.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()
    return database_url


@pytest.fixture
def made_run(empty_database_url: str, tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """`PORT=… DATABASE_URL=… make run` on an empty database; yields its URL and log."""
    port = free_port()
    log = tmp_path / "make-run.log"
    process = start_make("run", {"PORT": str(port), "DATABASE_URL": empty_database_url}, log)
    try:
        url = f"http://127.0.0.1:{port}"
        wait_until_served(f"{url}/", process, log)
        yield url, log
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def test_make_run_serves_the_article_on_the_given_port_and_database(empty_database_url, made_run):
    url, log = made_run
    with urllib.request.urlopen(f"{url}/articles/ivig-for-lupus", timeout=10) as page:  # noqa: S310
        html = page.read().decode()
    assert "Intravenous Immunoglobulin" in html
    output = log.read_text()
    assert f"127.0.0.1:{url.rsplit(':', 1)[1]}" in output
    email = re.search(r"e-mail:\s+(\S+)", output)
    password = re.search(r"password:\s+(\S+)", output)
    assert email and password, output[-2000:]
    # The printed account really signs in, on the very database make run set up.
    app = make_app(empty_database_url)
    try:
        assert sign_in(app.test_client(), email[1], password[1]).status_code == 302
    finally:
        with app.app_context():
            db.engine.dispose()
