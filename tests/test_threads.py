"""Threads: nesting, the deepest level, pagination, removed comments and reply checks."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from forum.extensions import db
from forum.models import Article, Comment, CommentStatus, utcnow
from forum.moderation.actions import change_status
from tests.helpers import comment_form, comment_id, moderate, post_comment

START = utcnow() - timedelta(days=10)
_clock = iter(range(1, 1_000_000))


def add(app, parent: int | None = None, status=CommentStatus.APPROVED, body="text") -> int:
    """A comment stored as posting would store it, one second after the previous one."""
    with app.app_context():
        article = db.session.scalar(select(Article).where(Article.slug == "ivig-for-lupus"))
        parent_row = db.session.get(Comment, parent) if parent else None
        comment = Comment(
            article_id=article.id,
            parent_id=parent,
            depth=min(parent_row.depth + 1, 5) if parent_row else 1,
            author_name=f"Author of {body}",
            author_email="someone@example.org",
            body=body,
            body_html=f"<p>{body}</p>",
            created_at=START + timedelta(seconds=next(_clock)),
        )
        db.session.add(comment)
        db.session.flush()
        comment.root_id = parent_row.root_id if parent_row else comment.id
        change_status(comment, status)
        db.session.commit()
        return comment.id


def levels(html: str) -> dict[int, int]:
    """comment id -> the nesting level the page shows it at."""
    found = re.findall(r'<li class="thread-item level-(\d)">\s*<article id="comment-(\d+)"', html)
    return {int(cid): int(level) for level, cid in found}


def test_replies_nest_five_levels_and_deeper_replies_stay_at_five(app, client):
    chain = [add(app, body="level1")]
    for n in range(2, 8):
        chain.append(add(app, parent=chain[-1], body=f"level{n}"))
    shown = levels(client.get("/articles/ivig-for-lupus").text)
    assert [shown[c] for c in chain] == [1, 2, 3, 4, 5, 5, 5]
    html = client.get("/articles/ivig-for-lupus").text
    assert "in reply to Author of level5" in html
    with app.app_context():
        assert db.session.get(Comment, chain[-1]).depth == 5


def test_reply_to_a_level_five_comment_is_accepted_over_http(app, client, mod_client):
    chain = [add(app, body="l1")]
    for n in range(2, 6):
        chain.append(add(app, parent=chain[-1], body=f"l{n}"))
    response = post_comment(client, reply_to=chain[-1], body="Sixth level reply")
    cid = comment_id(response)
    moderate(mod_client, cid, "approve")
    with app.app_context():
        stored = db.session.get(Comment, cid)
        assert (stored.parent_id, stored.depth) == (chain[-1], 5)
    assert levels(app.test_client().get("/articles/ivig-for-lupus").text)[cid] == 5


def test_threads_are_paginated_fifty_with_replies_kept_whole(app, client):
    roots = [add(app, body=f"root{n}") for n in range(60)]
    late_reply = add(app, parent=roots[49], body="late reply")
    first = client.get("/articles/ivig-for-lupus").text
    second = client.get("/articles/ivig-for-lupus?page=2").text
    on_first, on_second = levels(first), levels(second)
    # Ours are ten days old; the seed comment was imported just now, so it comes last.
    assert [c for c, lvl in on_first.items() if lvl == 1] == roots[:50]
    assert roots[49] in on_first and roots[50] in on_second
    assert late_reply in on_first  # a reply travels with its thread, however new
    assert 'rel="next"' in first and 'rel="prev"' in second
    assert client.get("/articles/ivig-for-lupus?page=3").status_code == 404
    for bad in ("0", "abc", "-1", "99999999999999999999"):
        assert client.get(f"/articles/ivig-for-lupus?page={bad}").status_code == 404


def test_threads_are_oldest_first(app, client):
    first, second = add(app, body="older"), add(app, body="newer")
    html = client.get("/articles/ivig-for-lupus").text
    assert html.index(f'id="comment-{first}"') < html.index(f'id="comment-{second}"')


def test_removed_parent_leaves_a_placeholder_without_its_content(app, client, mod_client):
    parent = add(app, body="secret parent words")
    child = add(app, parent=parent, body="visible child")
    moderate(mod_client, parent, "reject")
    html = app.test_client().get("/articles/ivig-for-lupus").text
    assert "visible child" in html
    assert "This comment was removed." in html
    assert "secret parent words" not in html
    assert "Author of secret parent words" not in html
    assert f'id="comment-{parent}"' not in html
    assert levels(html)[child] == 2


def test_removed_comment_without_published_replies_leaves_no_trace(app, client, mod_client):
    lonely = add(app, body="lonely")
    add(app, parent=lonely, status=CommentStatus.PENDING, body="pending child")
    moderate(mod_client, lonely, "delete")
    html = app.test_client().get("/articles/ivig-for-lupus").text
    assert "This comment was removed." not in html
    assert "pending child" not in html


@pytest.mark.parametrize(
    "parent",
    ["abc", "-1", "1.5", "99999", "1 OR 1=1", "0x10", "99999999999999999999999"],
)
def test_reply_to_an_invalid_parent_is_refused_with_400(app, client, parent):
    with app.app_context():
        before = db.session.query(Comment).count()
    response = post_comment(client, parent_id=parent)
    assert response.status_code == 400
    with app.app_context():
        assert db.session.query(Comment).count() == before


def test_reply_to_unpublished_or_foreign_parent_is_refused(app, client):
    pending = add(app, status=CommentStatus.PENDING, body="pending parent")
    spam = add(app, status=CommentStatus.SPAM, body="spam parent")
    with app.app_context():
        other = Article(
            slug="other",
            title="Other",
            short_title="Other",
            body_markdown="x",
            body_html="<p>x</p>",
        )
        db.session.add(other)
        db.session.commit()
    foreign = add(app, body="on the IVIG article")
    for parent in (pending, spam):
        assert post_comment(client, parent_id=str(parent)).status_code == 400
    data = comment_form(client, slug="other")
    data.update(author_name="A", author_email="a@example.org", body="x", parent_id=str(foreign))
    assert client.post("/articles/other/comments", data=data).status_code == 400
    assert client.get(f"/articles/ivig-for-lupus?replytocom={pending}").status_code == 400
