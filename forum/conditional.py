"""Public responses built once per change: conditional GETs, a shared body cache, and
the headers that let nginx or a CDN keep them.

Every public view of a discussion depends on one change stamp
(`Article.comments_changed_at`, bumped by every change of a comment's status, text,
reports or votes). A response is keyed by that stamp: a client that has it gets 304,
and every other client gets bytes built once and kept in the cache (Flask-Caching:
in-process by default, Redis when configured) until the stamp moves on. Those bytes are
the same for every reader without a session, so they say `Cache-Control: public`;
anything else the app answers is `private` unless its view said otherwise.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from flask import Flask, Response, abort, current_app, g, request
from flask.sessions import SecureCookieSessionInterface, SessionMixin
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
).where(Article.slug == bindparam("slug"))
_SITE_STAMP = select(func.max(Article.comments_changed_at))


def article_stamp(slug: str) -> ArticleStamp:
    """The article's stamp, or 404: one small query, outside the ORM session (the hot path)."""
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
    """Validators, and leave to share: browsers check back each time (max-age=0, so an
    approval shows at once), shared caches keep the bytes for FORUM_SHARED_MAX_AGE."""
    response.set_etag(etag)
    if last_modified is not None:
        response.last_modified = last_modified
    share(response)
    return response


def share(response: Response) -> Response:
    """Cache-Control for bytes that every cookie-less reader gets alike."""
    config = current_app.config
    control = response.cache_control
    control.public = True
    control.max_age = 0
    control.s_maxage = config["FORUM_SHARED_MAX_AGE"]
    # While one request rebuilds an expired copy, the others may still get the old one.
    control.stale_while_revalidate = config["FORUM_STALE_WHILE_REVALIDATE"]
    return response


def keep_private(response: Response) -> Response:
    """Built for one reader (a session, a form sent back): never kept by a shared cache."""
    response.cache_control.private = True
    response.cache_control.no_cache = True
    return response


def conditional_response(
    key: str, changed_at: datetime, build: Callable[[], Response], period: int | None = None
) -> Response:
    """304 for a current client; otherwise the body of `build()`, built once per change.

    `period` names a time period that the body also depends on (the article page's form
    token is renewed every FORUM_FORM_STAMP_SECONDS); the body then has no Last-Modified,
    which could not tell two periods apart."""
    stamp = change_key(key, changed_at) + ("" if period is None else f"|{period}")
    etag = etag_for(stamp)
    last_modified = changed_at.replace(microsecond=0) if period is None else None
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
    if period is None:
        g.same_for_every_cookie = True  # feeds and API: no Vary: Cookie
    return revalidate(response, etag, last_modified)


class _SessionInterface(SecureCookieSessionInterface):
    """Flask-Login reads the session after every request, which would add `Vary: Cookie`
    to feeds and API answers that no cookie changes (and split a shared cache's copies)."""

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        if g.get("same_for_every_cookie") and not session.modified:
            session.accessed = False
        super().save_session(app, session, response)


def _private_unless_said(response: Response) -> Response:
    # Whatever a view did not declare shareable may hold something of one reader's.
    if "Cache-Control" not in response.headers:
        keep_private(response)
    return response


def init_app(app: Flask) -> None:
    app.after_request(_private_unless_said)
    app.session_interface = _SessionInterface()
