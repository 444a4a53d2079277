"""Absolute links for feeds and e-mails: from FORUM_BASE_URL when set, else from the request."""

from __future__ import annotations

from typing import Any

from flask import current_app, url_for

from forum.models import Comment


def absolute_url(endpoint: str, **values: Any) -> str:
    base = current_app.config.get("FORUM_BASE_URL")
    if base:
        return base + url_for(endpoint, **values)
    return url_for(endpoint, _external=True, **values)


def comment_url(comment: Comment) -> str:
    """Where the comment is shown, at no cost: the article itself while it has one page of
    threads, else a permalink that finds the comment's page when someone follows it."""
    anchor = f"comment-{comment.id}"
    if comment.article.approved_comment_count <= current_app.config["FORUM_THREADS_PER_PAGE"]:
        return absolute_url("articles.show", slug=comment.article.slug, _anchor=anchor)
    return absolute_url(
        "articles.permalink", slug=comment.article.slug, comment_id=comment.id, _anchor=anchor
    )


def comment_guid(comment: Comment) -> str:
    """A comment's lasting id in feeds: unlike its link, it stays when its thread changes page."""
    return absolute_url("articles.show", slug=comment.article.slug, _anchor=f"comment-{comment.id}")
