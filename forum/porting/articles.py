"""An import's articles: where a post's record goes, and the article made or updated from it."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import select

from forum.extensions import db
from forum.models import Article, utcnow
from forum.porting.common import ArticleRecord
from forum.porting.fields import clip
from forum.sanitize import render_article


def find_article(record: ArticleRecord) -> tuple[ArticleRecord, Article | None] | None:
    """The article a record goes to; None if an unpublished post has no safe place."""
    for slug in (record.slug, f"{record.slug[:100]}-{record.key}"):
        record = replace(record, slug=slug)
        article = db.session.scalar(select(Article).where(Article.slug == slug))
        # What is unpublished never joins an article the public sees, unless it is
        # the one this very post made (then its update unpublishes it).
        if (
            article is None
            or record.unpublished is None
            or not article.is_public
            or record.source == article.source != ""
        ):
            return record, article
    return None


def new_article(record: ArticleRecord) -> Article:
    """A new article from a record (not yet added to the session)."""
    body = record.body_markdown or ""
    title = record.title or record.slug
    return Article(
        slug=record.slug,
        title=clip(title, 300),
        short_title=clip(title, 200),
        author=clip(record.author, 200),
        summary=record.summary,
        source=record.source,
        body_markdown=body,
        body_html=str(render_article(body)),
        published_at=record.published_at or utcnow(),
        unpublished_reason=record.unpublished,
    )


def update_article(article: Article, record: ArticleRecord) -> bool:
    """Bring an article imported before from this post in line with it; True if it changed."""
    body = record.body_markdown or ""
    values: dict[str, object] = {
        "title": clip(record.title, 300),
        "body_markdown": body,
        "body_html": str(render_article(body)),
        "unpublished_reason": record.unpublished,
    }
    if article.short_title == clip(article.title, 200):  # not shortened by hand
        values["short_title"] = clip(record.title, 200)
    # What the file leaves empty keeps what the forum has.
    if record.published_at is not None:
        values["published_at"] = record.published_at
    for name, length in (("author", 200), ("summary", 0)):
        if value := getattr(record, name):
            values[name] = clip(value, length) if length else value
    changes = {k: v for k, v in values.items() if getattr(article, k) != v}
    for key, value in changes.items():
        setattr(article, key, value)
    if changes:
        article.comments_changed_at = utcnow()  # titles appear in feeds
    return bool(changes)
