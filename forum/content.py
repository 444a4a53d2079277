"""Articles as Markdown files with a small front matter, imported into the database by slug."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import select

from forum.comment_text import TextSource, set_comment_text
from forum.extensions import db
from forum.models import Article, Comment, CommentStatus, ModerationAction, utcnow
from forum.moderation.actions import change_status
from forum.sanitize import render_article

CONTENT_DIR = Path(__file__).resolve().parent / "content"
REQUIRED_KEYS = ("slug", "title")
OPTIONAL_KEYS = ("short_title", "subtitle", "author", "source", "summary")


class ContentError(ValueError):
    """A content file that cannot be imported; the message says where and why."""


@dataclass
class ImportResult:
    article: Article
    created: bool
    changed: bool
    comments_added: int


def parse_article_file(path: Path) -> tuple[dict[str, str], str]:
    """The front matter (`key: value` lines between `---` lines) and the Markdown body."""
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    if not lines or lines[0].strip() != "---":
        raise ContentError(f"{path}: line 1: expected '---' to open the front matter")
    meta: dict[str, str] = {}
    for number, line in enumerate(lines[1:], start=2):
        if line.strip() == "---":
            body = "\n".join(lines[number:]).strip() + "\n"
            break
        key, sep, value = line.partition(":")
        if not sep:
            raise ContentError(f"{path}: line {number}: expected 'key: value'")
        meta[key.strip()] = value.strip()
    else:
        raise ContentError(f"{path}: the front matter is never closed with '---'")
    missing = [key for key in REQUIRED_KEYS if not meta.get(key)]
    if missing:
        raise ContentError(f"{path}: front matter lacks {', '.join(missing)}")
    return meta, body


def import_article(path: Path) -> ImportResult:
    """Create or update the article in `path`, and add its bundled comments once (no commit)."""
    meta, body = parse_article_file(path)
    article = db.session.scalar(select(Article).where(Article.slug == meta["slug"]))
    created = article is None
    if article is None:
        article = Article(slug=meta["slug"], published_at=utcnow())
        db.session.add(article)
    values = {
        "title": meta["title"],
        "short_title": meta.get("short_title") or meta["title"],
        **{key: meta.get(key, "") for key in OPTIONAL_KEYS if key != "short_title"},
        "body_markdown": body,
        "body_html": str(render_article(body)),
    }
    changed = created or any(getattr(article, k) != v for k, v in values.items())
    if changed:
        for key, value in values.items():
            setattr(article, key, value)
        article.comments_changed_at = utcnow()  # titles appear in feeds
    db.session.flush()
    added = _import_bundled_comments(article, path.with_suffix(".comments.json"))
    return ImportResult(article, created, changed, added)


def _import_bundled_comments(article: Article, path: Path) -> int:
    """Comments that came with the article's original page, published, each added only once."""
    if not path.exists():
        return 0
    try:
        entries = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise ContentError(f"{path}: line {error.lineno}: {error.msg}") from error
    added = 0
    for entry in entries:
        external_id = str(entry["external_id"])
        exists = db.session.scalar(
            select(Comment.id).where(
                Comment.article_id == article.id, Comment.external_id == external_id
            )
        )
        if exists:
            continue
        created_at = (
            datetime.fromisoformat(entry["created_at"]) if entry.get("created_at") else utcnow()
        )
        comment = Comment(
            article_id=article.id,
            depth=1,
            author_name=entry.get("author_name") or "A reader",
            author_email=None,
            status=CommentStatus.PENDING,
            external_id=external_id,
            created_at=created_at,
        )
        set_comment_text(comment, entry["body"], TextSource.IMPORT)
        db.session.add(comment)
        db.session.flush()
        comment.root_id = comment.id
        change_status(
            comment,
            CommentStatus.APPROVED,
            action=ModerationAction.IMPORTED,
            reason=f"Bundled with {path.name}",
        )
        added += 1
    return added


def bundled_article_files() -> list[Path]:
    return sorted(CONTENT_DIR.glob("*.md"))
