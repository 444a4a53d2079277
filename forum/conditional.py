"""Public responses built once per change: conditional GETs and a shared body cache.

Every public view of a discussion depends on one change stamp
(`Article.comments_changed_at`, bumped by every change of a comment's status, text,
reports or votes). A response is keyed by that stamp: a client that has it gets 304,
and every other client gets bytes built once and kept in the cache (Flask-Caching:
in-process by default, Redis when configured) until the stamp moves on.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from flask import Response, abort, request
from sqlalchemy import bindparam, func, select
from werkzeug.http import is_resource_modified

from forum.extensions import cache, db
from forum.models import Article, comments_open, utcnow


@dataclass(frozen=True)
class ArticleStamp:
    """What decides whether a cached view of an article is current."""

    id: int
    changed_at: datetime
    accepts_comments: bool  # comments close by date too, with no stamp moving


_ARTICLE_STAMP = select(
    Article.id,
    Article.comments_changed_at,
    Article.comments_closed,
    Article.close_comments_after_days,
    Article.published_at,
).where(Article.slug == bindparam("slug"), Article.unpublished_reason.is_(None))
_SITE_STAMP = select(func.max(Article.comments_changed_at))


def article_stamp(slug: str) -> ArticleStamp:
    """The public article's stamp, or 404: one small query outside the ORM session (hot path)."""
    with db.engine.connect() as connection:
        row = connection.execute(_ARTICLE_STAMP, {"slug": slug}).one_or_none()
    if row is None:
        abort(404)
    article_id, changed_at, *closing = row
    return ArticleStamp(article_id, changed_at, comments_open(*closing))


def site_stamp() -> datetime:
    """When anything public on the site last changed."""
    with db.engine.connect() as connection:
        return connection.execute(_SITE_STAMP).scalar() or utcnow()


def change_key(key: str, changed_at: datetime) -> str:
    """A key for what `key` shows at `changed_at`; links are absolute, so the host counts."""
    origin = f"{request.scheme}://{request.host}{request.root_path}"
    return f"{key}|{origin}|{changed_at.isoformat()}"


def etag_for(state: str) -> str:
    """A short ETag naming `state` (what a response shows), without revealing it."""
    return hashlib.sha256(state.encode()).hexdigest()[:32]


def not_modified(etag: str, last_modified: datetime | None = None) -> Response | None:
    """A 304 if the client's copy is current, else None."""
    if is_resource_modified(request.environ, etag=etag, last_modified=last_modified):
        return None
    return Response(status=304)


def revalidate(response: Response, etag: str, last_modified: datetime | None = None) -> Response:
    """Validators on `response`; clients must check back each time, so approvals show at once."""
    response.set_etag(etag)
    if last_modified is not None:
        response.last_modified = last_modified
    response.cache_control.no_cache = True
    return response


def conditional_response(key: str, changed_at: datetime, build: Callable[[], Response]) -> Response:
    """304 for a current client; otherwise the body of `build()`, built once per change."""
    stamp = change_key(key, changed_at)
    etag = etag_for(stamp)
    last_modified = changed_at.replace(microsecond=0)
    response = not_modified(etag, last_modified)
    if response is None:
        cached = cache.get(f"body|{stamp}")
        if cached is None:
            built = build()
            if built.status_code != 200:
                return built
            cached = (built.get_data(), built.content_type)
            cache.set(f"body|{stamp}", cached)
        response = Response(cached[0], content_type=cached[1])
    return revalidate(response, etag, last_modified)
