"""The shared responses kept in memory (forum.conditional.SharedResponses): a page answered
from them skips Flask and its hooks, yet it is logged (one JSON line, its own request id)
and counted in the metrics like any other request; and when a change makes a kept page
out of date, the stamp read to find that out serves the rebuild too."""

from __future__ import annotations

import json

from prometheus_client import REGISTRY
from sqlalchemy import event, select, update

from forum.extensions import db
from forum.models import Article, utcnow
from tests.helpers import ARTICLE
from tests.test_operations import json_log  # noqa: F401 - the fixture: JSON logs captured

PAGE = f"/articles/{ARTICLE}"
SHOW = {"endpoint": "articles.show", "method": "GET", "status": "200"}


def _count(name: str, labels: dict[str, str]) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def test_a_page_from_the_shared_cache_is_logged_and_counted(json_log):  # noqa: F811
    app, buffer = json_log
    through_flask = []
    app.before_request(lambda: through_flask.append(1))
    requests_before = _count("forum_http_requests_total", SHOW)
    latency_before = _count(
        "forum_http_request_duration_seconds_count", {"endpoint": SHOW["endpoint"]}
    )

    reader = app.test_client()
    first = reader.get(PAGE)
    second = reader.get(PAGE, headers={"X-Request-ID": "from-nginx-42"})
    third = reader.get(PAGE)

    assert first.status_code == second.status_code == third.status_code == 200
    assert first.data == second.data == third.data
    assert len(through_flask) == 1, "the second and third answers came from the shared cache"
    lines = [json.loads(line) for line in buffer.getvalue().splitlines()]
    shown = [
        line
        for line in lines
        if line["logger"] == "forum.access" and line["endpoint"] == "articles.show"
    ]
    assert len(shown) == 3
    for line in shown:
        assert line["method"] == "GET" and line["status"] == 200
        assert line["route"] == "/articles/<slug:slug>"
        assert line["duration_ms"] is not None and line["duration_ms"] >= 0
    ids = [line["request_id"] for line in shown]
    assert ids[1] == "from-nginx-42"
    assert len(set(ids)) == 3, "each answer from the cache has its own request id"
    assert [r.headers["X-Request-ID"] for r in (first, second, third)] == ids
    assert _count("forum_http_requests_total", SHOW) == requests_before + 3
    latency_after = _count(
        "forum_http_request_duration_seconds_count", {"endpoint": SHOW["endpoint"]}
    )
    assert latency_after == latency_before + 3


def test_after_a_change_the_rebuilt_page_reads_the_stamp_once(app):
    stamp_reads = []

    def count(conn, cursor, statement, parameters, context, executemany) -> None:
        if "article.comments_changed_at" in statement and "WHERE article.slug" in statement:
            stamp_reads.append(statement)

    reader = app.test_client()
    before = reader.get(PAGE).data
    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", count)
        article_id = db.session.scalar(select(Article.id).where(Article.slug == ARTICLE))
        # What a moderator's action does to the page's stamp, committed in this process.
        db.session.execute(
            update(Article).where(Article.id == article_id).values(comments_changed_at=utcnow())
        )
        db.session.commit()
    try:
        stamp_reads.clear()
        after = reader.get(PAGE)
        assert after.status_code == 200
        assert len(stamp_reads) == 1, "SharedResponses' read of the stamp served the view too"
        assert after.headers["ETag"] and after.data != b""
        assert reader.get(PAGE).data == after.data
        assert before  # the first answer was built and kept
    finally:
        with app.app_context():
            event.remove(db.engine, "before_cursor_execute", count)
