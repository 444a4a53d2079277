"""Forgery protection: Fetch Metadata on every unsafe request, article-bound form tokens.

Two layers (README, "Security"):

1. Every POST (any unsafe method) from a browser says where it comes from. A request
   whose `Sec-Fetch-Site` is `cross-site` or `same-site`, or, from a browser too old to
   send that, whose `Origin` names another host, is refused with 403: the rule of Go
   1.25's `http.CrossOriginProtection`. A request with neither header is not a browser's
   (nor can it carry a visitor's cookies by surprise), so it passes.
2. The public forms (comment, reply, "This helped me", report, subscribe) carry a signed
   form token that names their article and when it was issued, and is the same for
   every reader of a shared page. It is required (400 without it, or with one for another
   article), but it is not a secret per visitor: the origin check stops forgery. The
   moderators' and "manage my comments" forms keep Flask-WTF's session-bound tokens.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import Flask, current_app, g, request
from flask_wtf.csrf import CSRFError
from itsdangerous import BadData, URLSafeSerializer
from sqlalchemy import bindparam, select
from werkzeug.exceptions import Forbidden, NotFound

from forum.extensions import csrf, db
from forum.models import Article, Comment

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
# The public forms, by endpoint: where the article they belong to is found.
BY_SLUG = {"articles.post_comment", "account.subscribe"}
BY_COMMENT = {"articles.helpful", "articles.report"}
CROSS_SITE = (
    "This form was sent from another website, so it was not accepted. If you meant to "
    "send it, please send it again from this page."
)


def now() -> float:
    """The time, in one place so that tests can move it on."""
    return time.time()


class CrossSiteRequest(Forbidden):
    """A browser sent an unsafe request from another site (or a sibling subdomain)."""

    description = CROSS_SITE


@dataclass(frozen=True)
class FormToken:
    """What a public form's token says: its article, when it was issued, and whether it
    came from a page shared by every reader (then `issued` is a period's start)."""

    article_id: int
    issued: int
    shared: bool

    @property
    def age(self) -> float:
        return now() - self.issued


def _serializer() -> URLSafeSerializer:
    # Not timed: a shared page's token must be the same bytes for every reader and every
    # worker, so the issue time is chosen (a period's start), signed inside the payload.
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="public-form")


def period_start(at: float | None = None) -> int:
    """The start of the current shared-page period: its form token is renewed this often."""
    period = max(1, int(current_app.config["FORUM_FORM_STAMP_SECONDS"]))
    return int(now() if at is None else at) // period * period


def make_form_token(article_id: int, issued: int, shared: bool) -> str:
    return _serializer().dumps([article_id, issued, int(shared)])


def read_form_token(raw: str | None) -> FormToken | None:
    """The token's claims if it is ours, unaltered and not expired; else None."""
    if not raw or len(raw) > 200:
        return None
    try:
        article_id, issued, shared = _serializer().loads(raw)
    except (BadData, TypeError, ValueError):
        return None
    if not all(isinstance(v, int) for v in (article_id, issued, shared)):
        return None
    token = FormToken(article_id, issued, bool(shared))
    if not -60 <= token.age <= current_app.config["FORUM_FORM_MAX_AGE"]:
        return None
    return token


def form_token(article_id: int) -> str:
    """The token for a public form of this article on the page being built.

    A form sent back (a mistake to correct) keeps the token it came with, so that its
    issue time, the no-script start of the form, stays the first one."""
    posted: FormToken | None = g.get("public_form")
    if posted is not None and posted.article_id == article_id:
        return request.form["csrf_token"]
    if g.get("building_shared_page"):
        return make_form_token(article_id, period_start(), shared=True)
    return make_form_token(article_id, int(now()), shared=False)


def cross_site() -> bool:
    """True if a browser says this request comes from another site (Go's algorithm)."""
    site = request.headers.get("Sec-Fetch-Site")
    if site in ("same-origin", "none"):  # "none": typed in the address bar, a bookmark
        return False
    if site:  # "cross-site", "same-site": a sibling subdomain is another origin too
        return True
    origin = request.headers.get("Origin")
    if not origin:
        return False  # not a browser, or one that sends neither: no ambient credentials
    if urlsplit(origin).netloc == request.host:
        return False
    base = current_app.config.get("FORUM_BASE_URL")
    return not (base and origin == _origin_of(base))


def _origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


# Built once: building a statement costs about as much as running it on SQLite.
_ARTICLE_BY_SLUG = select(Article).where(Article.slug == bindparam("slug"))
_ARTICLE_OF_COMMENT = select(Comment.article_id).where(Comment.id == bindparam("comment_id"))


def _article_of_public_form() -> int:
    """The article that the public form being posted belongs to; 404 if there is none."""
    args = request.view_args or {}
    if request.endpoint in BY_SLUG:  # public or not: the view says who may post there
        article = db.session.scalar(_ARTICLE_BY_SLUG, {"slug": args.get("slug", "")})
        g.posted_article = article  # the view's article: not asked for twice
        article_id = article.id if article else None
    else:
        article_id = db.session.scalar(_ARTICLE_OF_COMMENT, {"comment_id": args.get("comment_id")})
    if article_id is None:
        raise NotFound()
    return article_id


def _protect() -> None:
    if request.method in SAFE_METHODS:
        return
    if cross_site():
        raise CrossSiteRequest()
    if request.endpoint not in BY_SLUG | BY_COMMENT:
        return  # Flask-WTF checks the session-bound token next
    article_id = _article_of_public_form()
    token = read_form_token(request.form.get("csrf_token"))
    if token is None or token.article_id != article_id:
        raise CSRFError("The form token is missing, altered, expired or for another article.")
    g.public_form = token
    g.csrf_valid = True  # Flask-WTF's forms then skip their own (session-bound) check


def init_app(app: Flask) -> None:
    """Before Flask-WTF's check, so that a cross-site POST gets 403 rather than 400."""
    app.before_request_funcs.setdefault(None, []).insert(0, _protect)
    for endpoint in BY_SLUG | BY_COMMENT:
        view = app.view_functions[endpoint]
        csrf.exempt(f"{view.__module__}.{view.__name__}")
    app.jinja_env.globals["form_token"] = form_token
