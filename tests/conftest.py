"""Fixtures: each test gets its own migrated database, on SQLite and on PostgreSQL."""

from __future__ import annotations

import itertools
import os
import shutil
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import flask_migrate
import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from jinja2 import BytecodeCache
from jinja2.bccache import Bucket
from playwright.sync_api import Browser

from forum import create_app
from forum.content import bundled_article_files, import_article
from forum.extensions import db
from forum.mail import wait_for_sender
from tests.helpers import add_moderator, sign_in
from tests.live import chromium, live_server
from tests.services import postgres_server, redis_server

TEST_CONFIG = {
    "TESTING": True,
    "SECRET_KEY": "tests-only-secret-key",
    "FORUM_MIN_FORM_SECONDS": 0,
    "FORUM_FLOOD_SECONDS": 0,
    "RATELIMIT_ENABLED": False,
    # The shared article page's bytes change with its form-token period (15 s by default);
    # an hour keeps tests that compare two answers off a period's edge. The time trap's
    # tests set the default.
    "FORUM_FORM_STAMP_SECONDS": 3600,
    # Argon2id at its least cost: tests hash many passwords and guard no real ones.
    "FORUM_PASSWORD_HASH": {"time_cost": 1, "memory_cost": 8, "parallelism": 1},
}
BACKENDS = os.environ.get("FORUM_TEST_BACKENDS", "sqlite,postgresql").split(",")
_database_numbers = itertools.count()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Whatever opens the browser is in the browser tier, marked or not."""
    for item in items:
        if "browser" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)


class _SharedTemplates(BytecodeCache):
    """Compiled templates kept in memory for the whole run, shared by every test's app.

    Each test builds its own app, and each app its own Jinja environment, which would
    compile every template it renders again: that was about a third of a typical test's
    time. Keyed as Jinja's own file cache is, by template name and source checksum (an
    edited template is compiled afresh); every test app comes from create_app, so they
    share one Jinja configuration."""

    def __init__(self) -> None:
        self.compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        if (code := self.compiled.get(bucket.key)) is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.compiled[bucket.key] = bucket.bytecode_to_string()


_shared_templates = _SharedTemplates()


def make_app(url: str, **config: object) -> Flask:
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": url, **config})
    app.jinja_env.bytecode_cache = _shared_templates
    return app


def _migrate_and_seed(url: str) -> None:
    """Build a database the way `make run` does: migrations, then the bundled content."""
    app = make_app(url)
    with app.app_context():
        flask_migrate.upgrade()
        for path in bundled_article_files():
            import_article(path)
        db.session.commit()
        db.engine.dispose()


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    """A redis-server on loopback for the whole run, started on first use."""
    with redis_server() as url:
        yield url


@pytest.fixture(scope="session")
def postgres_admin_url() -> Iterator[str]:
    with postgres_server() as url:
        yield url


def _admin_engine(base_url: str) -> sa.Engine:
    return sa.create_engine(f"{base_url}/postgres", isolation_level="AUTOCOMMIT")


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "forum.db"
    _migrate_and_seed(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def postgres_template(postgres_admin_url: str) -> str:
    engine = _admin_engine(postgres_admin_url)
    with engine.connect() as conn:
        conn.execute(sa.text("DROP DATABASE IF EXISTS forum_template"))
        conn.execute(sa.text("CREATE DATABASE forum_template"))
    engine.dispose()
    _migrate_and_seed(f"{postgres_admin_url}/forum_template")
    return "forum_template"


class _PostgresCopies:
    """Copies of the template database, each made one test ahead and dropped after its
    test, by one background thread: PostgreSQL copies and drops while the test before
    runs, instead of in between. Every test still gets a database of its own."""

    def __init__(self, admin_url: str, template: str) -> None:
        self.admin_url, self.template = admin_url, template
        self.engine = _admin_engine(admin_url)
        self.worker = ThreadPoolExecutor(1, thread_name_prefix="postgres-copies")
        self.spare: Future[str] = self.worker.submit(self._create)

    def _create(self) -> str:
        name = f"forum_test_{os.getpid()}_{next(_database_numbers)}"
        with self.engine.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}" TEMPLATE {self.template}'))
        return name

    def _drop(self, name: str) -> None:
        with self.engine.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    def take(self) -> str:
        """A fresh copy's URL; the next one is started at once."""
        name = self.spare.result()
        self.spare = self.worker.submit(self._create)
        return f"{self.admin_url}/{name}"

    def give_back(self, url: str) -> None:
        self.worker.submit(self._drop, url.rsplit("/", 1)[1])

    def close(self) -> None:
        self.worker.submit(self._drop, self.spare.result())
        self.worker.shutdown(wait=True)
        self.engine.dispose()


@pytest.fixture(scope="session")
def postgres_copies(postgres_admin_url: str, postgres_template: str) -> Iterator[_PostgresCopies]:
    copies = _PostgresCopies(postgres_admin_url, postgres_template)
    yield copies
    copies.close()


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh database, migrated and holding the bundled article, for one test."""
    if request.param == "sqlite":
        path = tmp_path / "forum.db"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite:///{path}"
        return
    copies: _PostgresCopies = request.getfixturevalue("postgres_copies")
    url = copies.take()
    yield url
    copies.give_back(url)


@pytest.fixture
def app_config() -> dict:
    """Override in a test module to change the configuration of `app`."""
    return {}


@pytest.fixture
def app(database_url: str, app_config: dict) -> Iterator[Flask]:
    app = make_app(database_url, **app_config)
    yield app
    assert wait_for_sender(app), "the background mail sender did not finish"
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def moderator(app: Flask) -> int:
    return add_moderator(app)


@pytest.fixture
def mod_client(app: Flask, moderator: int) -> FlaskClient:
    """A second browser, signed in as a moderator."""
    client = app.test_client()
    response = sign_in(client)
    assert response.status_code == 302
    return client


class SmtpSink:
    """A real SMTP server (aiosmtpd) on 127.0.0.1 that keeps what it receives."""

    def __init__(self) -> None:
        self.messages: list = []

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd's hook name
        import email
        from email import policy

        message = email.message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append((envelope.rcpt_tos, message))
        return "250 OK"

    def to(self, address: str) -> list:
        return [m for rcpt, m in self.messages if address in rcpt]


@pytest.fixture(scope="session")
def smtp_server():
    from aiosmtpd.controller import Controller

    from tests.services import free_port

    sink = SmtpSink()
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield sink, controller.port
    controller.stop()


@pytest.fixture
def smtp(smtp_server):
    """The SMTP sink, emptied for this test."""
    sink, _ = smtp_server
    sink.messages.clear()
    return sink


@pytest.fixture
def mail_config(smtp_server) -> dict:
    _, port = smtp_server
    return {
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": port,
        "MAIL_DEFAULT_SENDER": "forum@forum.test",
        "MAIL_SUPPRESS_SEND": False,  # Flask-Mail would not send under TESTING
        "FORUM_SEND_MAIL_AFTER_REQUEST": False,  # tests send the outbox when they choose
    }


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """One headless Chromium for a test module (Debian's, through Playwright)."""
    with chromium() as browser:
        yield browser


@pytest.fixture
def live_url(app: Flask) -> Iterator[str]:
    """`app` served on 127.0.0.1 for the browser, for one test."""
    with live_server(app) as url:
        yield url
