"""Prometheus metrics at /metrics: requests, latency, comments, queues and screening.

Under gunicorn every worker is its own process, so with PROMETHEUS_MULTIPROC_DIR set
(deploy/gunicorn.conf.py and `make cluster` set it) prometheus_client writes each
worker's counts to files there and /metrics adds up all of them. The queue sizes are
read from the database when /metrics is asked, so every worker answers the same.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator

from flask import Blueprint, Flask, Response, g, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import REGISTRY, Collector
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from forum.conditional import Served, on_served
from forum.extensions import csrf, db
from forum.models import Comment, CommentStatus, OutboxMessage, utcnow

bp = Blueprint("metrics", __name__)

REQUESTS = Counter(
    "forum_http_requests_total", "HTTP requests answered", ["endpoint", "method", "status"]
)
LATENCY = Histogram(
    "forum_http_request_duration_seconds",
    "Time to answer a request, by endpoint",
    ["endpoint"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
COMMENTS_POSTED = Counter("forum_comments_posted_total", "Comments stored from the form")
COMMENTS_HELD = Counter("forum_comments_held_total", "New comments held for a moderator")
COMMENTS_APPROVED = Counter(
    "forum_comments_approved_total", "Comments that became approved (by a rule or a moderator)"
)
SCREENING_DECISIONS = Counter(
    "forum_screening_decisions_total",
    "Decisions of the screening rules, by rule and verdict",
    ["rule", "verdict"],
)


def comment_posted(held: bool) -> None:
    COMMENTS_POSTED.inc()
    if held:
        COMMENTS_HELD.inc()


def comment_approved() -> None:
    COMMENTS_APPROVED.inc()


def screening_decision(rule: str, verdict: str) -> None:
    SCREENING_DECISIONS.labels(rule=rule, verdict=str(verdict)).inc()


class QueueCollector(Collector):
    """Queue sizes from the database at scrape time: shared state, not per-process counts."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        up = GaugeMetricFamily("forum_database_up", "1 if the database answered this scrape")
        try:
            pending = db.session.scalar(
                select(func.count(Comment.id)).where(Comment.status == CommentStatus.PENDING)
            )
            backlog, oldest = db.session.execute(
                select(func.count(OutboxMessage.id), func.min(OutboxMessage.created_at)).where(
                    OutboxMessage.sent_at.is_(None)
                )
            ).one()
        except SQLAlchemyError:
            db.session.rollback()
            up.add_metric([], 0)
            yield up
            return
        finally:
            db.session.rollback()  # read-only; ends the transaction either way
        up.add_metric([], 1)
        yield up
        yield GaugeMetricFamily(
            "forum_comments_pending", "Comments waiting for a moderator", value=pending or 0
        )
        yield GaugeMetricFamily(
            "forum_outbox_backlog", "E-mails in the outbox not yet sent", value=backlog or 0
        )
        age = (utcnow() - oldest).total_seconds() if oldest else 0.0
        yield GaugeMetricFamily(
            "forum_outbox_oldest_unsent_age_seconds",
            "Age of the oldest e-mail not yet sent (0 when none waits)",
            value=max(age, 0.0),
        )


@bp.get("/metrics")
def metrics() -> Response:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        counts = CollectorRegistry()
        MultiProcessCollector(counts)  # every worker's files, the dead ones' included
    else:
        counts = REGISTRY
    queues = CollectorRegistry()
    queues.register(QueueCollector())
    response = Response(
        generate_latest(counts) + generate_latest(queues), mimetype=CONTENT_TYPE_LATEST
    )
    response.headers["Cache-Control"] = "no-store"
    return response


def _start_timer() -> None:
    g.forum_started = time.perf_counter()


def _count_request(endpoint: str | None, method: str, status: int, seconds: float | None) -> None:
    # The route's endpoint, never the path: paths hold ids and slugs without bound.
    endpoint = endpoint or "unmatched"
    if endpoint in ("metrics.metrics", "static"):
        return
    REQUESTS.labels(endpoint, method, str(status)).inc()
    if seconds is not None:
        LATENCY.labels(endpoint).observe(seconds)


def _count(response: Response) -> Response:
    started = g.pop("forum_started", None)
    seconds = time.perf_counter() - started if started is not None else None
    _count_request(request.endpoint, request.method, response.status_code, seconds)
    return response


def _served(served: Served) -> tuple[()]:
    """A request answered from the shared responses in memory is counted as any other."""
    _count_request(served.endpoint, served.method, served.status, served.seconds)
    return ()


def init_app(app: Flask) -> None:
    csrf.exempt(bp)
    app.register_blueprint(bp)
    app.before_request(_start_timer)
    app.after_request(_count)
    on_served(app, _served)
