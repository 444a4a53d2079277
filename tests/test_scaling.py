"""Pages whose cost does not grow with the discussion: SQL queries counted per request."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import insert, select, update

from forum.extensions import db
from forum.models import Article, Comment, CommentStatus, utcnow
from tests.helpers import counted_queries

PAGES = [
    "/articles/ivig-for-lupus",
    "/articles/ivig-for-lupus?sort=newest",
    "/api/articles/ivig-for-lupus/comments",
    "/feed.rss",
    "/comments.rss",
    "/articles/ivig-for-lupus/comments.rss",
    "/",
]
MAX_QUERIES = 8


def add_published_threads(app, threads: int, replies_each: int) -> None:
    """Published comments written straight to the database, as a big discussion would be."""
    with app.app_context():
        article = db.session.scalar(select(Article))
        start = utcnow() - timedelta(days=30)
        rows = []
        for n in range(threads):
            rows.append(
                {
                    "article_id": article.id,
                    "depth": 1,
                    "author_name": f"Reader {n}",
                    "author_email": f"reader{n}@example.org",
                    "body": f"Thread {n}",
                    "body_html": f"<p>Thread {n}</p>",
                    "status": CommentStatus.APPROVED,
                    "created_at": start + timedelta(seconds=n),
                    "approved_at": start + timedelta(seconds=n),
                }
            )
        db.session.execute(insert(Comment), rows)
        roots = db.session.scalars(select(Comment.id).where(Comment.depth == 1)).all()
        db.session.execute(update(Comment).where(Comment.depth == 1).values(root_id=Comment.id))
        replies = [
            {
                "article_id": article.id,
                "parent_id": root,
                "root_id": root,
                "depth": 2,
                "author_name": "Replier",
                "author_email": "replier@example.org",
                "body": "A reply",
                "body_html": "<p>A reply</p>",
                "status": CommentStatus.APPROVED,
                "created_at": start + timedelta(days=1, seconds=i),
            }
            for i, root in enumerate(roots)
            for _ in range(replies_each)
        ]
        if replies:
            db.session.execute(insert(Comment), replies)
        total = db.session.scalar(
            select(db.func.count(Comment.id)).where(Comment.status == CommentStatus.APPROVED)
        )
        article.approved_comment_count = total
        article.comments_changed_at = utcnow()
        db.session.commit()


@pytest.mark.parametrize("threads", [10, 2000])
def test_every_public_page_makes_a_small_constant_number_of_queries(app, threads):
    add_published_threads(app, threads, replies_each=1)
    reader = app.test_client()
    last_page = f"/articles/ivig-for-lupus?page={threads // 50 + 1}"  # the seed adds one thread
    for path in [*PAGES, last_page]:
        # The first visit after a change builds the page; later ones are served from the cache.
        with counted_queries(app) as building:
            first = reader.get(path)
        with counted_queries(app) as cached:
            second = app.test_client().get(path)
        assert first.status_code == second.status_code == 200, path
        assert building["n"] <= MAX_QUERIES, (path, building["n"])
        assert cached["n"] <= 1, (path, cached["n"])


def test_query_counts_are_the_same_at_10_and_2000_comments(app, tmp_path):
    reader = app.test_client()
    for path in PAGES:  # a kept answer that each seeding makes stale, in both measurements
        reader.get(path)
    add_published_threads(app, 10, replies_each=1)
    small = {}
    for path in PAGES:
        with counted_queries(app) as queries:
            reader.get(path)  # built: each seeding moves the change stamp on
        small[path] = queries["n"]
    add_published_threads(app, 1990, replies_each=1)
    large = {}
    for path in PAGES:
        with counted_queries(app) as queries:
            reader.get(path)
        large[path] = queries["n"]
    assert large == small


def test_queue_counts_are_right_and_cost_the_same_at_10_and_2000(app, mod_client):
    costs = []
    for threads in (10, 1990):
        add_published_threads(app, threads, replies_each=1)
        with counted_queries(app) as queries:
            page = mod_client.get("/moderation/")
        costs.append(queries["n"])
        with app.app_context():
            approved = db.session.scalar(
                select(db.func.count(Comment.id)).where(Comment.status == CommentStatus.APPROVED)
            )
        # The Approved tab counts from the articles' counters, not by reading every comment.
        assert f'Approved <span class="count">({approved})</span>' in page.text
    assert costs[0] == costs[1] <= MAX_QUERIES, costs
