"""What an operator relies on, in-process: health and readiness, metrics, JSON logs without
e-mail addresses, a calm 503 while the database is away, Redis failures absorbed, hashed
static addresses, and nginx's body limit in step with the app's."""

from __future__ import annotations

import hashlib
import io
import json
import logging
import re
import subprocess
import time
from collections.abc import Iterator

import pytest
import redis
from flask import Flask

from deploy.nginx_site import render_nginx_site
from forum.cache_backend import ResilientRedisCache
from forum.extensions import db, limiter
from forum.mail import wait_for_sender
from tests.conftest import make_app
from tests.helpers import ARTICLE, add_moderator, comment_id, moderate, post_as_newcomer, sign_in
from tests.live import REPO_ROOT
from tests.services import free_port, wait_for_port

DEAD_REDIS = f"redis://127.0.0.1:{free_port()}"


def test_healthz_answers_while_the_process_runs(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_readyz_is_ready_with_the_database(client):
    response = client.get("/readyz")
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["database"] == "ok"
    assert "redis" not in response.get_json()  # none configured


def test_readyz_names_redis_when_it_does_not_answer(database_url):
    app = make_app(database_url, CACHE_REDIS_URL=f"{DEAD_REDIS}/1")
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.get_json() == {
        "status": "unavailable",
        "failed": ["redis"],
        "database": "ok",
        "redis": "unavailable",
    }
    with app.app_context():
        db.engine.dispose()


def test_readyz_and_pages_when_the_database_is_away():
    """A PostgreSQL that does not answer: /readyz names it, pages get a calm 503."""
    url = f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/forum"
    app = make_app(url)
    client = app.test_client()
    ready = client.get("/readyz")
    assert ready.status_code == 503
    assert ready.get_json()["failed"] == ["database"]
    assert client.get("/healthz").status_code == 200
    page = client.get(f"/articles/{ARTICLE}")
    assert page.status_code == 503
    assert page.headers["Retry-After"]
    assert "Back in a moment" in page.text
    assert "Traceback" not in page.text and "psycopg" not in page.text
    api = client.get(f"/api/articles/{ARTICLE}/comments")
    assert api.status_code == 503 and api.get_json()["error"] == "Back in a moment"
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def redis_away_app(database_url: str) -> Iterator[Flask]:
    """Rate limits and page cache configured on a Redis that is not running."""
    app = make_app(
        database_url,
        RATELIMIT_ENABLED=True,
        RATELIMIT_STORAGE_URI=f"{DEAD_REDIS}/0",
        CACHE_TYPE="forum.cache_backend.ResilientRedisCache",
        CACHE_REDIS_URL=f"{DEAD_REDIS}/1",
        CACHE_OPTIONS={"socket_timeout": 0.5, "socket_connect_timeout": 0.5},
    )
    yield app
    # The limiter is one object for every app of the process; its "storage is down" flag
    # would outlive this app (Flask-Limiter has no public way to reset it).
    limiter._storage_dead = False
    assert wait_for_sender(app)
    with app.app_context():
        db.engine.dispose()


def test_redis_away_pages_are_built_and_posts_accepted(redis_away_app):
    client = redis_away_app.test_client()
    for path in (f"/articles/{ARTICLE}", f"/api/articles/{ARTICLE}/comments", "/feed.rss", "/"):
        assert client.get(path).status_code == 200, path
    assert comment_id(post_as_newcomer(client)) > 0
    # The limits still hold, counted in this process meanwhile: the sixth post in a minute.
    statuses = [post_as_newcomer(client).status_code for _ in range(5)]
    assert statuses[-1] == 429, statuses


def test_metrics_count_requests_comments_and_screening(app, client, mod_client):
    cid = comment_id(post_as_newcomer(client))
    assert moderate(mod_client, cid, "approve").status_code == 302
    client.get("/no-such-page")
    text = client.get("/metrics").get_data(as_text=True)

    def value(name: str, labels: str = "") -> float:
        match = re.search(rf"^{re.escape(name + labels)} (\S+)$", text, re.MULTILINE)
        assert match, f"{name}{labels} not in /metrics:\n{text[:3000]}"
        return float(match.group(1))

    requests = "forum_http_requests_total"
    assert value(requests, '{endpoint="articles.show",method="GET",status="200"}')
    assert value(requests, '{endpoint="unmatched",method="GET",status="404"}')
    assert value("forum_http_request_duration_seconds_count", '{endpoint="articles.show"}')
    assert value("forum_comments_posted_total") >= 1
    assert value("forum_comments_held_total") >= 1
    assert value("forum_comments_approved_total") >= 1
    assert value("forum_database_up") == 1
    assert value("forum_comments_pending") == 0
    assert value("forum_outbox_backlog") >= 0
    assert "forum_outbox_oldest_unsent_age_seconds" in text
    assert "forum_screening_decisions_total{" in text


@pytest.fixture
def json_log(database_url: str) -> Iterator[tuple[Flask, io.StringIO]]:
    """An app with FORUM_LOG_FORMAT=json, its log lines captured; the logging set-up of the
    process is put back afterwards."""
    root = logging.getLogger()
    saved = (root.handlers[:], root.level)
    app = make_app(database_url, FORUM_LOG_FORMAT="json", PROPAGATE_EXCEPTIONS=False)
    buffer = io.StringIO()
    for handler in root.handlers:
        if isinstance(handler, logging.StreamHandler):
            handler.setStream(buffer)
    try:
        yield app, buffer
    finally:
        root.handlers[:], root.level = saved
        assert wait_for_sender(app)
        with app.app_context():
            db.engine.dispose()


def test_json_logs_a_line_per_request_tracebacks_and_no_email(json_log):
    app, buffer = json_log
    email = "private.person@patients.test"

    @app.get("/boom")
    def boom() -> str:
        raise RuntimeError(f"failed for {email}")

    add_moderator(app)
    client = app.test_client()
    assert sign_in(client).status_code == 302
    reader = app.test_client()
    response = post_as_newcomer(reader, author_email=email)
    assert response.status_code == 302
    assert reader.get("/boom", headers={"X-Request-ID": "req-123"}).status_code == 500
    lines = [json.loads(line) for line in buffer.getvalue().splitlines()]
    requests = [line for line in lines if line["logger"] == "forum.access"]
    posted = next(line for line in requests if line["endpoint"] == "articles.post_comment")
    assert posted["method"] == "POST" and posted["status"] == 302
    assert posted["route"] == "/articles/<slug:slug>/comments"
    assert posted["duration_ms"] > 0 and len(posted["request_id"]) == 32
    failed = [line for line in lines if "traceback" in line]
    assert failed and failed[0]["request_id"] == "req-123"
    assert "RuntimeError" in failed[0]["traceback"]
    assert any(line["request_id"] == "req-123" and line["status"] == 500 for line in requests)
    assert "@patients.test" not in buffer.getvalue()
    assert "[e-mail]" in buffer.getvalue()


def test_static_addresses_carry_a_hash_of_their_content(client):
    html = client.get(f"/articles/{ARTICLE}").get_data(as_text=True)
    expected = hashlib.sha256((REPO_ROOT / "static" / "style.css").read_bytes()).hexdigest()[:12]
    assert f"/static/style.css?v={expected}" in html
    assert re.search(r"/static/js/forum\.js\?v=[0-9a-f]{12}", html)


def test_nginx_refuses_the_same_body_size_as_the_app(app):
    site = render_nginx_site(
        listen="80",
        apps=["127.0.0.1:8001", "127.0.0.1:8002"],
        static_root=REPO_ROOT / "static",
        cache_dir=REPO_ROOT / "instance" / "cache",
        access_log="off",
    )
    assert f"client_max_body_size {app.config['MAX_CONTENT_LENGTH']};" in site
    assert "server 127.0.0.1:8002 max_fails=1" in site
    assert "@" not in re.sub(r"#.*", "", site)  # every placeholder filled in


def test_a_comment_sent_twice_is_stored_once(app, client):
    """nginx resends a comment POST whose app server died (deploy/nginx/forum.conf); that is
    safe because the same form sent again is answered with the comment already stored,
    whatever the first one became meanwhile."""
    from sqlalchemy import func, select

    from forum.models import Comment, CommentStatus
    from forum.moderation.actions import change_status
    from tests.helpers import comment_form

    form = comment_form(client)
    form.update(
        author_name="Sam Twice", author_email="sam@patients.test", body="Said once, sent twice."
    )
    first = client.post(f"/articles/{ARTICLE}/comments", data=form)
    assert first.status_code == 302
    with app.app_context():  # a moderator was quick
        latest = db.session.scalar(select(Comment).order_by(Comment.id.desc()))
        change_status(latest, CommentStatus.REJECTED)
        db.session.commit()
    again = client.post(f"/articles/{ARTICLE}/comments", data=form)
    assert again.status_code == 302 and again.location == first.location
    with app.app_context():
        stored = db.session.scalar(
            select(func.count(Comment.id)).where(Comment.body == "Said once, sent twice.")
        )
    assert stored == 1


def test_redis_back_is_picked_up_without_a_restart(database_url, tmp_path):
    """Rate limits and page cache on a Redis that stops and starts again on its port: the
    limits fall back to this process meanwhile and go back to Redis by themselves."""
    port = free_port()
    command = ["redis-server", "--bind", "127.0.0.1", "--port", str(port), "--save", ""]
    command += ["--appendonly", "no", "--dir", str(tmp_path)]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    wait_for_port(port)
    url = f"redis://127.0.0.1:{port}"
    app = make_app(
        database_url,
        RATELIMIT_ENABLED=True,
        RATELIMIT_STORAGE_URI=f"{url}/0",
        RATELIMIT_STORAGE_OPTIONS={"socket_timeout": 0.5, "socket_connect_timeout": 0.5},
        CACHE_TYPE="forum.cache_backend.ResilientRedisCache",
        CACHE_REDIS_URL=f"{url}/1",
        CACHE_OPTIONS={"socket_timeout": 0.5, "socket_connect_timeout": 0.5},
    )
    client = app.test_client()
    keys = redis.Redis.from_url(f"{url}/0")
    try:
        assert comment_id(post_as_newcomer(client, body="Redis drill comment number 1.")) > 0
        assert keys.dbsize() > 0  # the limit is counted in Redis
        server.terminate()
        server.wait(10)
        assert client.get(f"/articles/{ARTICLE}").status_code == 200
        assert (
            comment_id(post_as_newcomer(client, body="Redis drill comment number 2.")) > 0
        )  # counted in this process
        assert client.get("/readyz").status_code == 503
        server = subprocess.Popen(command, stdout=subprocess.DEVNULL)
        wait_for_port(port)
        assert keys.dbsize() == 0  # a new, empty Redis
        deadline = time.monotonic() + 40  # Flask-Limiter looks again after 1, 2, 4… s
        while limiter._storage_dead and time.monotonic() < deadline:
            assert client.get(f"/articles/{ARTICLE}").status_code == 200
            time.sleep(0.5)
        assert not limiter._storage_dead, "the limits did not go back to Redis"
        assert comment_id(post_as_newcomer(client, body="Redis drill comment number 3.")) > 0
        assert keys.dbsize() > 0
        assert client.get("/readyz").status_code == 200
    finally:
        keys.close()
        server.terminate()
        server.wait(10)
        limiter._storage_dead = False
        assert wait_for_sender(app)
        with app.app_context():
            db.engine.dispose()


def test_the_page_cache_misses_while_redis_is_away_and_warns_once(redis_url, caplog):
    live = ResilientRedisCache(redis.Redis.from_url(f"{redis_url}/2"), key_prefix="t:")
    assert live.set("a", "page A") and live.add("b", "page B") and not live.add("b", "x")
    assert live.set_many({"c": "page C"}) == ["c"]
    assert live.get_many("a", "b", "c") == ["page A", "page B", "page C"]
    assert live.has("a") and live.delete("a") and live.get("a") is None
    dead = ResilientRedisCache(
        redis.Redis.from_url(f"{DEAD_REDIS}/2", socket_connect_timeout=0.5), key_prefix="t:"
    )
    ResilientRedisCache._last_warning = 0.0
    with caplog.at_level(logging.WARNING, logger="forum.cache_backend"):
        assert dead.get("a") is None and dead.get_many("a", "b") == [None, None]
        assert dead.has("a") is False and dead.delete("a") is False
        assert dead.set("a", "x") is False and dead.add("a", "x") is False
        assert dead.set_many({"a": "x"}) == []
    # One line for the outage, not one a call; it names the cause.
    assert len(caplog.records) == 1, caplog.records
    assert caplog.records[0].message.startswith("page cache: Redis unavailable (")
    assert DEAD_REDIS.rsplit(":", 1)[1] in caplog.records[0].message
