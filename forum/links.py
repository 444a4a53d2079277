"""Absolute links for feeds and e-mails: from FORUM_BASE_URL when set, else from the request."""

from __future__ import annotations

from typing import Any

from flask import current_app, url_for


def absolute_url(endpoint: str, **values: Any) -> str:
    base = current_app.config.get("FORUM_BASE_URL")
    if base:
        return base + url_for(endpoint, **values)
    return url_for(endpoint, _external=True, **values)


def comment_url(comment: Any) -> str:
    return absolute_url("articles.show", slug=comment.article.slug, _anchor=f"comment-{comment.id}")
