"""Absolute links for feeds and e-mails: from FORUM_BASE_URL when set, else from the request."""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, url_for
from flask.ctx import RequestContext

from forum.models import Comment


def absolute_url(endpoint: str, **values: Any) -> str:
    base = current_app.config.get("FORUM_BASE_URL")
    if base:
        return base + url_for(endpoint, **values)
    return url_for(endpoint, _external=True, **values)


def link_context(app: Flask, base_url: str | None = None) -> RequestContext:
    """Where absolute_url works outside a request (a command, the mail sender): from
    FORUM_BASE_URL, else from `base_url` (the host a request came to), else the local one."""
    base = app.config.get("FORUM_BASE_URL") or base_url or "http://127.0.0.1:5000"
    return app.test_request_context(base_url=base)


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
