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
import time
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from flask import Flask, Response, abort, current_app, g, request
from flask.sessions import SecureCookieSessionInterface, SessionMixin
from sqlalchemy import Engine, bindparam, event, func, select
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.http import is_resource_modified

from forum.extensions import cache, db
from forum.models import Article, comments_open, utcnow

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

_STAMP = "forum.stamp"  # environ: the stamp this request read, and how to read it again
_FRESH = "forum.fresh"  # environ: a stamp SharedResponses just read again, for the view
SHARED = "forum.shared"  # environ: set when the answer is the one every cookie-less reader gets
# A request with any of these may be answered for its sender alone.
_PERSONAL = frozenset(
    {"HTTP_COOKIE", "HTTP_AUTHORIZATION", "HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE"}
)
# What tells two shared answers apart: links are absolute, so the host and scheme count.
_KEY = ("wsgi.url_scheme", "HTTP_HOST", "SCRIPT_NAME", "PATH_INFO", "QUERY_STRING")


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


@dataclass(frozen=True)
class Check:
    """Reads again what a response depends on. Two checks asking the same are equal, so
    that a stamp SharedResponses read for a request serves that request's view too."""

    read: Callable[..., Hashable]
    args: tuple

    def __call__(self) -> Hashable:
        return self.read(*self.args)


def _read_article(engine: Engine, slug: str) -> ArticleStamp | None:
    with engine.connect() as connection:
        row = connection.execute(_ARTICLE_STAMP, {"slug": slug}).one_or_none()
    if row is None:
        return None
    article_id, changed_at, *closing = row
    return ArticleStamp(article_id, changed_at, comments_open(*closing))


def _read_site(engine: Engine) -> datetime:
    with engine.connect() as connection:
        return connection.execute(_SITE_STAMP).scalar() or utcnow()


def _read_once(check: Check) -> Hashable:
    """The stamp `check` reads: SharedResponses' if it just read it for this request (a kept
    answer found out of date), else one query; noted for SharedResponses either way."""
    fresh = request.environ.pop(_FRESH, None)
    value = fresh[1] if fresh is not None and fresh[0] == check else check()
    request.environ[_STAMP] = (check, value)
    return value


def article_stamp(slug: str) -> ArticleStamp:
    """The public article's stamp, or 404: one small query outside the ORM session (hot path)."""
    stamp = _read_once(Check(_read_article, (db.engine, slug)))
    if stamp is None:
        abort(404)
    return stamp  # type: ignore[return-value]


def site_stamp() -> datetime:
    """When anything public on the site last changed."""
    return _read_once(Check(_read_site, (db.engine,)))  # type: ignore[return-value]


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
    _may_keep(period)
    return revalidate(response, etag, last_modified)


def _may_keep(period: int | None) -> None:
    """Let SharedResponses keep this answer while what it depends on stays the same (and,
    for the article page, its form token's period)."""
    check, value = request.environ.get(_STAMP, (None, None))
    if check is None:
        return
    seconds = None
    if period is not None:
        seconds = max(1, int(current_app.config["FORUM_FORM_STAMP_SECONDS"]))
    route = request.url_rule.rule if request.url_rule else None
    request.environ[SHARED] = (check, value, seconds, period, route, request.endpoint)


@dataclass(frozen=True)
class Served:
    """A request that SharedResponses answered from memory, past Flask and its hooks: what
    the request log and the metrics need to know of it."""

    environ: WSGIEnvironment
    method: str
    route: str | None  # the view's rule, as Flask matched it for the kept answer
    endpoint: str | None
    status: int
    seconds: float  # from the request's arrival to its answer


# Called for every answer from memory; returns headers to set on it (such as its own id).
Listener = Callable[[Served], Iterable[tuple[str, str]]]


def on_served(app: Flask, listener: Listener) -> None:
    """Have `listener` see every request that SharedResponses answers from memory."""
    app.extensions.setdefault("forum_served_listeners", []).append(listener)


@dataclass
class _Kept:
    check: Check
    value: Hashable
    period_seconds: int | None  # the answer also changes with this period…
    period: int | None  # …and was built in this one
    route: str | None
    endpoint: str | None
    status: str
    headers: list[tuple[str, str]]
    body: bytes
    checked: float = 0.0  # time.monotonic() of the last check that found it current
    commits: int = -1  # this process's commit count then


class _Commits:
    """Commits made by this process: a kept answer is checked again after any of them,
    so a change made here shows at once here; other processes see it within a second."""

    count = 0

    @classmethod
    def seen(cls, *args: object) -> None:
        cls.count += 1


RECHECK_SECONDS = 1.0  # how long a kept answer is served without reading its stamp again


class SharedResponses:
    """WSGI: a cookie-less GET of a shared page, answered from memory while current.

    The answer every cookie-less reader gets is kept, whole (headers and bytes), as the
    view built it, and handed out without Flask's routing, sessions, sign-in and hooks,
    which cost more than the page. Its stamp (one small query) is read again before it is
    served if a second has passed or this process has committed anything since the last
    check: a change shows at once in the process that made it and within a second in the
    others (well inside what nginx or a CDN may keep). Each worker keeps its own few
    copies. Anything with a cookie, a conditional header or another method goes to the
    app as usual.
    """

    MAX_KEPT = 64  # pages × sorts × hosts; a flood of odd query strings only clears it

    def __init__(self, app: WSGIApplication, flask_app: Flask) -> None:
        self.app = app
        self.kept: dict[tuple, _Kept] = {}
        # The request log and the metrics: such answers skip the hooks that count them.
        self.listeners: list[Listener] = flask_app.extensions.setdefault(
            "forum_served_listeners", []
        )

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        if environ["REQUEST_METHOD"] != "GET" or not _PERSONAL.isdisjoint(environ):
            return self.app(environ, start_response)
        key = tuple(environ.get(name) for name in _KEY)
        kept = self.kept.get(key)
        if kept is not None:
            arrived = time.perf_counter()
            now, commits = time.monotonic(), _Commits.count
            current = kept.commits == commits and now - kept.checked < RECHECK_SECONDS
            if not current:
                try:
                    value = kept.check()
                except SQLAlchemyError:
                    value = None  # the app answers, and says what went wrong
                else:  # if out of date, the view need not read it once more
                    environ[_FRESH] = (kept.check, value)
                current = value is not None and value == kept.value
                kept.checked, kept.commits = now, commits
            if current and kept.period_seconds is not None:
                seconds = kept.period_seconds
                current = int(time.time()) // seconds * seconds == kept.period
            if current:
                start_response(kept.status, self._told(kept, environ, arrived))
                return [kept.body]
            self.kept.pop(key, None)
        answer: dict = {}

        def capture(status: str, headers: list, exc_info: object = None) -> object:
            answer.update(status=status, headers=headers)
            return start_response(status, headers, exc_info)

        started, commits = time.monotonic(), _Commits.count
        body = self.app(environ, capture)
        shared = environ.get(SHARED)
        headers = answer.get("headers", [])
        if (
            shared is None
            or not answer.get("status", "").startswith("200 ")
            or any(name.lower() == "set-cookie" for name, _ in headers)
        ):
            return body
        try:
            data = b"".join(body)
        finally:
            if hasattr(body, "close"):
                body.close()
        if len(self.kept) >= self.MAX_KEPT:
            self.kept.clear()
        # Current as of before the view read its stamp: a commit since means a re-check.
        self.kept[key] = _Kept(*shared, answer["status"], list(headers), data, started, commits)
        return [data]

    def _told(self, kept: _Kept, environ: WSGIEnvironment, arrived: float) -> list:
        """The kept headers, after every listener has seen the request (and replaced any
        header it answers for itself, such as X-Request-ID)."""
        if not self.listeners:
            return kept.headers
        served = Served(
            environ,
            environ["REQUEST_METHOD"],
            kept.route,
            kept.endpoint,
            int(kept.status.partition(" ")[0]),
            time.perf_counter() - arrived,
        )
        extra = [header for listener in self.listeners for header in listener(served)]
        if not extra:
            return kept.headers
        replaced = {name.lower() for name, _ in extra}
        return [h for h in kept.headers if h[0].lower() not in replaced] + extra


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
    if not event.contains(Engine, "commit", _Commits.seen):
        event.listen(Engine, "commit", _Commits.seen)
    app.after_request(_private_unless_said)
    app.session_interface = _SessionInterface()
