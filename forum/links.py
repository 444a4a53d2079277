"""Absolute links for feeds and e-mails: from FORUM_BASE_URL when set, else from the request."""

from __future__ import annotations

from typing import Any

from flask import current_app, url_for
from sqlalchemy import and_, func, or_, select

from forum.discussion import _thread_roots
from forum.extensions import db
from forum.models import Comment


def absolute_url(endpoint: str, **values: Any) -> str:
    base = current_app.config.get("FORUM_BASE_URL")
    if base:
        return base + url_for(endpoint, **values)
    return url_for(endpoint, _external=True, **values)


def thread_page_number(comment: Comment) -> int:
    """The page of the article that shows this comment's thread (threads go oldest first)."""
    root = db.session.get(Comment, comment.root_id or comment.id) or comment
    earlier = _thread_roots(comment.article).where(
        or_(
            Comment.created_at < root.created_at,
            and_(Comment.created_at == root.created_at, Comment.id < root.id),
        )
    )
    before = db.session.scalar(select(func.count()).select_from(earlier.subquery()))
    return before // current_app.config["FORUM_THREADS_PER_PAGE"] + 1


def comment_url(comment: Comment) -> str:
    """Where the comment is shown: its article, on the page that holds its thread."""
    page = thread_page_number(comment)
    return absolute_url(
        "articles.show",
        slug=comment.article.slug,
        _anchor=f"comment-{comment.id}",
        **({"page": page} if page > 1 else {}),
    )


def comment_guid(comment: Comment) -> str:
    """A comment's lasting id in feeds: unlike its link, it stays when its thread changes page."""
    return absolute_url("articles.show", slug=comment.article.slug, _anchor=f"comment-{comment.id}")
