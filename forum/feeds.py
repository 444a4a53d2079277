"""RSS 2.0 feeds of published comments, built with feedgen."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from feedgen.feed import FeedGenerator
from flask import Blueprint, Response, current_app, request
from sqlalchemy import ColumnElement, Select
from sqlalchemy.orm import selectinload

from forum.conditional import article_stamp, conditional_response, site_stamp
from forum.config import SITE_NAME
from forum.discussion import published_comments
from forum.extensions import db
from forum.links import absolute_url, comment_guid, comment_url
from forum.models import Article, Comment
from forum.sanitize import plain_excerpt, plain_name

bp = Blueprint("feeds", __name__)

RSS_TYPE = "application/rss+xml; charset=utf-8"


def _build_feed(
    title: str, description: str, site_link: str, comments: Sequence[Comment], updated: datetime
) -> Response:
    fg = FeedGenerator()
    fg.load_extension("dc")
    fg.title(title)
    fg.description(description)
    # feedgen takes the channel's <link> from the last link set: self first, then the site.
    fg.link(href=absolute_url(request.endpoint, **(request.view_args or {})), rel="self")
    fg.link(href=site_link, rel="alternate")
    fg.language("en")
    fg.lastBuildDate(updated)
    fg.generator(SITE_NAME)
    for comment in comments:
        entry = fg.add_entry(order="append")
        # The link finds the comment's page; the guid must not change when that page does.
        entry.guid(comment_guid(comment), permalink=False)
        entry.link(href=comment_url(comment))
        # Names are plain text from submission on; rows stored before are made so here too,
        # since many feed readers render titles as HTML.
        name = plain_name(comment.author_name)
        entry.title(f"Comment on {comment.article.short_title} by {name}")
        entry.description(comment.body_html)
        entry.pubDate(comment.created_at)
        entry.dc.dc_creator(name)
    return Response(fg.rss_str(pretty=False), mimetype=RSS_TYPE)


def _newest(query: Select[tuple[Comment]], limit: int) -> Sequence[Comment]:
    return db.session.scalars(
        query.options(selectinload(Comment.article))
        .order_by(Comment.created_at.desc(), Comment.id.desc())
        .limit(limit)
    ).all()


def _site_feed(name: str, title: str, description: str, *where: ColumnElement[bool]) -> Response:
    """A feed of the whole site's published comments (those matching `where`)."""
    limit = current_app.config["FORUM_FEED_ITEMS"]
    changed_at = site_stamp()
    return conditional_response(
        name,
        changed_at,
        lambda: _build_feed(
            f"{SITE_NAME}: {title}",
            description,
            absolute_url("articles.index"),
            _newest(published_comments().where(*where), limit),
            changed_at,
        ),
    )


@bp.get("/feed.rss")
def discussions() -> Response:
    """New discussions: published top-level comments."""
    return _site_feed(
        "feed.rss",
        "new discussions",
        "New discussions started under the forum's articles.",
        Comment.depth == 1,
    )


@bp.get("/comments.rss")
def all_comments() -> Response:
    return _site_feed("comments.rss", "all comments", "Every published comment and reply.")


@bp.get("/articles/<slug:slug>/comments.rss")
def article_comments(slug: str) -> Response:
    stamp = article_stamp(slug)
    limit = current_app.config["FORUM_FEED_ITEMS"]

    def build() -> Response:
        article = db.session.get_one(Article, stamp.id)
        return _build_feed(
            f"Comments on {article.short_title}",
            plain_excerpt(article.summary or article.title, 300),
            absolute_url("articles.show", slug=article.slug),
            _newest(published_comments().where(Comment.article_id == article.id), limit),
            stamp.changed_at,
        )

    return conditional_response(f"article-{stamp.id}.rss", stamp.changed_at, build)
