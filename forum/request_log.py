"""Structured logs: one JSON line per request, and errors with their traceback, each with
the request id that nginx set (X-Request-ID), so that a line in nginx's log, the app's log
and a reader's report can be matched. FORUM_LOG_FORMAT=json turns it on (production);
`make run` keeps gunicorn's plain access log.

No line carries a commenter's e-mail address: every message is scrubbed, and a request
line names the route (`/articles/<slug:slug>`), not the query string.
"""

from __future__ import annotations

import json
import logging
import re
import secrets
import sys
import time
import traceback
from datetime import UTC, datetime
from typing import Any

from flask import Flask, Response, g, has_request_context, request

from forum.conditional import Served, on_served

EMAIL = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+")
_REQUEST_ID = re.compile(r"^[\w.:-]{1,128}$")
access_log = logging.getLogger("forum.access")


def scrub(text: str) -> str:
    """The text with every e-mail address replaced: logs are kept longer than comments."""
    return EMAIL.sub("[e-mail]", text)


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": scrub(record.getMessage()),
        }
        line.update(getattr(record, "fields", {}))
        if "request_id" not in line and has_request_context():
            line["request_id"] = g.get("request_id")
        if record.exc_info:
            line["traceback"] = scrub("".join(traceback.format_exception(*record.exc_info)))
        return json.dumps(line, ensure_ascii=False, default=str)


def request_id(given: str | None = None) -> str:
    """nginx's id for this request, or a new one when the app is reached directly."""
    if given is None:
        given = request.headers.get("X-Request-ID", "")
    return given if _REQUEST_ID.match(given) else secrets.token_hex(16)


def _begin() -> None:
    g.request_id = request_id()
    g.log_started = time.perf_counter()


def _log_request(
    request_id: str,
    method: str,
    route: str | None,
    endpoint: str | None,
    status: int,
    seconds: float | None,
) -> None:
    fields = {
        "request_id": request_id,
        "method": method,
        "route": route,
        "endpoint": endpoint,
        "status": status,
        "duration_ms": round(1000 * seconds, 2) if seconds is not None else None,
    }
    access_log.info("request", extra={"fields": fields})


def _finish(response: Response) -> Response:
    response.headers["X-Request-ID"] = g.get("request_id") or request_id()
    started = g.get("log_started")
    _log_request(
        response.headers["X-Request-ID"],
        request.method,
        request.url_rule.rule if request.url_rule else None,
        request.endpoint,
        response.status_code,
        time.perf_counter() - started if started else None,
    )
    return response


def _served(served: Served) -> list[tuple[str, str]]:
    """A request answered from the shared responses in memory gets its line (and its own id)."""
    given = request_id(served.environ.get("HTTP_X_REQUEST_ID", ""))
    _log_request(given, served.method, served.route, served.endpoint, served.status, served.seconds)
    return [("X-Request-ID", given)]


def configure_json_logging(app: Flask) -> None:
    """Every log record of the process (app, SQLAlchemy, Flask-Limiter) as JSON on stderr."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO)
    # Flask's own handler would write the same error a second time, unformatted.
    app.logger.handlers.clear()
    app.logger.propagate = True
    # First of all: a request refused by another hook (CSRF, rate limit) still gets its id.
    app.before_request_funcs.setdefault(None, []).insert(0, _begin)
    app.after_request(_finish)
    on_served(app, _served)


def init_app(app: Flask) -> None:
    if app.config.get("FORUM_LOG_FORMAT") == "json":
        configure_json_logging(app)
