"""Liveness and readiness for load balancers and process managers, and the calm 503 that a
request gets while the database is away (a PostgreSQL restart) instead of a traceback."""

from __future__ import annotations

import logging

import redis
from flask import Blueprint, Flask, Response, current_app, jsonify, render_template, request
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from forum.extensions import csrf, db

bp = Blueprint("health", __name__)
log = logging.getLogger(__name__)
RETRY_AFTER_SECONDS = 5
_PROBE_TIMEOUT = 1.0  # seconds: a probe that waits longer than a balancer's check is useless


@bp.get("/healthz")
def healthz() -> Response:
    """200 while the process can answer at all; touches nothing outside it."""
    return jsonify(status="ok")


def redis_urls(app: Flask) -> list[str]:
    """The Redis servers this app was configured to use (rate limits, page cache)."""
    urls = [app.config.get("CACHE_REDIS_URL"), app.config.get("RATELIMIT_STORAGE_URI")]
    return sorted({u for u in urls if u and u.startswith(("redis://", "rediss://", "unix://"))})


def _redis_client(url: str) -> redis.Redis:
    # One client (and its connection pool) per URL and process, not one per probe.
    clients = current_app.extensions.setdefault("forum_health_redis", {})
    if url not in clients:
        clients[url] = redis.Redis.from_url(
            url, socket_connect_timeout=_PROBE_TIMEOUT, socket_timeout=_PROBE_TIMEOUT
        )
    return clients[url]


def _database_answers() -> bool:
    try:
        db.session.execute(text("SELECT 1"))
        return True
    except (DBAPIError, PoolTimeout) as error:
        log.warning("readyz: the database does not answer: %s", type(error).__name__)
        return False
    finally:
        db.session.rollback()


def _redis_answers(url: str) -> bool:
    try:
        return bool(_redis_client(url).ping())
    except redis.RedisError as error:
        log.warning("readyz: Redis does not answer: %s", type(error).__name__)
        return False


@bp.get("/readyz")
def readyz() -> tuple[Response, int]:
    """200 only when the database and every configured Redis answer; else 503 naming them."""
    checks = {"database": "ok" if _database_answers() else "unavailable"}
    if urls := redis_urls(current_app):  # rate limits and cache: usually one server
        checks["redis"] = "ok" if all(_redis_answers(url) for url in urls) else "unavailable"
    failed = sorted(name for name, state in checks.items() if state != "ok")
    body = {"status": "ok" if not failed else "unavailable", "failed": failed, **checks}
    response = jsonify(body)
    response.headers["Cache-Control"] = "no-store"
    return response, 200 if not failed else 503


def _database_unavailable(error: Exception) -> tuple[Response | str, int, dict[str, str]]:
    """The database went away (restart, failover): say so calmly and ask to retry soon.
    The pool pings connections before use, so the next request after it returns reconnects."""
    db.session.rollback()
    # One line, not a traceback per request while it lasts.
    cause = getattr(error, "orig", None) or error
    log.warning("database unavailable: %s", str(cause).splitlines()[0][:300])
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS), "Cache-Control": "no-store"}
    title, message = "Back in a moment", "The forum is restarting. Please try again in a moment."
    if request.path.startswith("/api/"):
        return jsonify(error=title, message=message), 503, headers
    # A page of its own that needs nothing from the database (base.html asks who is signed in).
    return render_template("errors/unavailable.html", title=title, message=message), 503, headers


def init_app(app: Flask) -> None:
    csrf.exempt(bp)
    app.register_blueprint(bp)
    # Not every DBAPIError: an IntegrityError is a bug, and stays a 500.
    for error in (OperationalError, InterfaceError, PoolTimeout):
        app.register_error_handler(error, _database_unavailable)
