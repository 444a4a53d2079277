"""WordPress exports (WXR 1.0–1.2, Tools → Export): posts and pages with their comments.

Published posts and pages become articles, matched by slug. Their HTML is turned into
Markdown and rendered like our own articles (forum.sanitize.render_article, raw HTML
off), rather than kept as HTML: the article page then shows it through the one safe
path every article takes, and the Markdown stays editable. Scripts, embeds and
styles go; images become links to the picture (our pages load no remote images).
An article that is here already but did not come from this post keeps its text.

Comments are WordPress's HTML-ish text: converted to our Markdown subset, then
rendered and sanitized exactly as a new comment is. Pingbacks and trackbacks are
counted and skipped, as are comments on drafts, attachments and the like.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path

from sqlalchemy import select

from forum.extensions import db
from forum.models import Article, CommentStatus
from forum.porting.common import (
    BATCH_SIZE,
    ArticleRecord,
    CommentRecord,
    CommentWriter,
    PortingError,
    Progress,
    Record,
    Skip,
    Summary,
    file_error,
)
from forum.porting.fields import (
    clean_body,
    clean_email,
    clean_ip,
    clean_name,
    clean_website,
    one_line,
    slugify,
)
from forum.porting.markup import html_to_markdown
from forum.porting.xmlstream import children_text, split_tag, xml_events
from forum.sanitize import plain_excerpt

WP_NAMESPACE = "http://wordpress.org/export/"  # then "1.2/", or "1.2/excerpt/"
NAMESPACES = {
    "http://purl.org/rss/1.0/modules/content/": "content:",
    "http://purl.org/dc/elements/1.1/": "dc:",
}
STATUSES = {
    "1": CommentStatus.APPROVED,
    "0": CommentStatus.PENDING,
    "spam": CommentStatus.SPAM,
    "trash": CommentStatus.DELETED,
    "post-trashed": CommentStatus.DELETED,  # the comments of a post in the trash
}
ARTICLE_TYPES = ("post", "page")


@lru_cache(maxsize=256)
def _name(tag: str) -> str:
    """The tag as "wp:comment", "content:encoded", "excerpt:encoded", "title", any WXR version."""
    namespace, name = split_tag(tag)
    if namespace.startswith(WP_NAMESPACE):
        return ("excerpt:" if namespace.rstrip("/").endswith("excerpt") else "wp:") + name
    return NAMESPACES.get(namespace, namespace and f"{{{namespace}}}") + name


def _date(value: str | None, path: Path, line: int, what: str) -> datetime | None:
    value = (value or "").strip()
    if not value or value.startswith("0000-00-00"):  # WordPress's "no date"
        return None
    try:
        if len(value) != 19:
            raise ValueError(value)
        return datetime.fromisoformat(value).replace(tzinfo=UTC)
    except ValueError:
        raise file_error(
            path, line, f"{what} {value!r} is not a date (YYYY-MM-DD HH:MM:SS)"
        ) from None


@dataclass
class _Item:
    line: int
    fields: dict[str, str] = field(default_factory=dict)
    key: str = ""
    published_at: datetime | None = None
    article: ArticleRecord | None = None
    skipped: str | None = None  # why its comments are not imported
    comment_line: int = 0


class _Reader:
    def __init__(self, path: Path, comments_only: bool) -> None:
        self.path = path
        self.comments_only = comments_only
        self.slugs: dict[str, str] = {}
        self.authors: dict[str, str] = {}
        self.checking = False

    def error(self, line: int | None, message: str) -> PortingError:
        return file_error(self.path, line, message)

    def records(self, checking: bool = False) -> Iterator[Record]:
        """The file's records; `checking` reads and checks it all but converts no text."""
        self.checking = checking
        self.slugs.clear()
        stack: list = []
        version: str | None = None
        item: _Item | None = None
        for event, element, line in xml_events(self.path):
            if event == "start":
                stack.append(element)
                depth, name = len(stack), _name(element.tag)
                if depth == 1 and element.tag != "rss":
                    found = split_tag(element.tag)[1]
                    raise self.error(line, f"not a WordPress export: it is <{found}>, not <rss>")
                if depth == 2 and element.tag != "channel":
                    found = split_tag(element.tag)[1]
                    raise self.error(line, f"expected <channel> in <rss>, found <{found}>")
                if depth == 3 and name == "item":
                    if version is None:
                        raise self.error(
                            line,
                            "not a WordPress export: no <wp:wxr_version> before the first "
                            "<item> (a blog's RSS feed is not an export)",
                        )
                    item = _Item(line)
                elif depth == 4 and item is not None and name == "wp:comment":
                    item.comment_line = line
                    if not item.key:
                        yield from self._article(item)
                continue
            depth, name = len(stack), _name(element.tag)
            stack.pop()
            if depth == 3:
                if name == "wp:wxr_version":
                    version = (element.text or "").strip()
                elif name == "wp:author":
                    author = children_text(element)
                    login = author.get("author_login", "")
                    self.authors[login] = one_line(author.get("author_display_name")) or login
                elif name == "item" and item is not None:
                    if not item.key:
                        yield from self._article(item)
                    item = None
                stack[-1].remove(element)  # what is done with goes: memory stays flat
            elif depth == 4 and item is not None:
                if name == "wp:comment":
                    yield self._comment(children_text(element), item)
                else:
                    item.fields.setdefault(name, element.text or "")
                stack[-1].remove(element)
        if version is None:
            raise self.error(None, "not a WordPress export: there is no <wp:wxr_version>")

    def _article(self, item: _Item) -> Iterator[Record]:
        """The item's article, from the fields before its comments (WordPress writes them so)."""
        fields = item.fields
        key = fields.get("wp:post_id", "").strip()
        if not key.isdigit():
            raise self.error(item.line, "an <item> without a numeric <wp:post_id>")
        item.key = key
        item.published_at = _date(
            fields.get("wp:post_date_gmt"), self.path, item.line, "wp:post_date_gmt"
        ) or _date(fields.get("wp:post_date"), self.path, item.line, "wp:post_date")
        kind = fields.get("wp:post_type", "").strip() or "post"
        status = fields.get("wp:status", "").strip() or "publish"
        if self.comments_only:  # the writer puts the comments on the article named
            item.article = ArticleRecord(key=key, slug="", title="")
        elif kind not in ARTICLE_TYPES:
            item.skipped = f"items of type {kind}"
        elif status != "publish":
            item.skipped = f"{kind}s that are not published ({status})"
        else:
            title = one_line(fields.get("title"))
            slug = slugify(fields.get("wp:post_name") or title, f"{kind}-{key}")
            # Pages under different parents may share a name; our addresses are flat.
            if self.slugs.setdefault(slug, key) != key:
                slug = f"{slug[:100]}-{key}"
            creator = one_line(fields.get("dc:creator"))
            item.article = ArticleRecord(
                key=key,
                slug=slug,
                title=title or slug,
                body_markdown=""
                if self.checking
                else html_to_markdown(fields.get("content:encoded", ""), article=True),
                published_at=item.published_at,
                author=self.authors.get(creator, creator),
                summary=""
                if self.checking
                else plain_excerpt(fields.get("excerpt:encoded", ""), 1000),
                source=one_line(fields.get("link"))[:500],
            )
        fields.clear()
        if item.article is not None:
            yield item.article
        else:
            yield Skip(item.skipped or "", article=True)

    def _comment(self, fields: dict[str, str], item: _Item) -> Record:
        line = item.comment_line
        comment_id = fields.get("comment_id", "").strip()
        if not comment_id.isdigit():
            raise self.error(line, "a <wp:comment> without a numeric <wp:comment_id>")
        what = f"comment {comment_id}"
        parent = fields.get("comment_parent", "").strip() or "0"
        if not parent.isdigit():
            raise self.error(line, f"{what}: <wp:comment_parent> {parent!r} is not a number")
        approved = fields.get("comment_approved", "").strip().lower()
        status = STATUSES.get(approved)
        if status is None:
            raise self.error(
                line,
                f"{what}: <wp:comment_approved> is {approved!r}; "
                "expected 1, 0, spam, trash or post-trashed",
            )
        created_at = (
            _date(fields.get("comment_date_gmt"), self.path, line, f"{what}: comment_date_gmt")
            or _date(fields.get("comment_date"), self.path, line, f"{what}: comment_date")
            or item.published_at
        )
        if created_at is None:
            raise self.error(line, f"{what} has no date, nor has its post")
        if item.skipped is not None:
            return Skip(f"comments on {item.skipped}")
        kind = fields.get("comment_type", "").strip().lower()
        if kind in ("pingback", "trackback"):
            return Skip(f"{kind}s")
        if kind not in ("", "comment"):
            return Skip(f"comments of type {kind}")
        record = CommentRecord(
            article_key=item.key,
            external_id=f"wp:{comment_id}",
            parent_external_id=f"wp:{parent}" if parent != "0" else None,
            status=status,
            created_at=created_at,
            author_name="",
            author_email=None,
            website=None,
            ip=None,
            body="",
        )
        if self.checking:  # nothing in the text can be wrong: converting it can wait
            return record
        return replace(
            record,
            author_name=clean_name(fields.get("comment_author")),
            author_email=clean_email(fields.get("comment_author_email")),
            website=clean_website(fields.get("comment_author_url")),
            ip=clean_ip(fields.get("comment_author_IP")),
            body=clean_body(html_to_markdown(fields.get("comment_content", ""))),
        )


def import_wordpress(
    path: Path,
    *,
    comments_only: str | None = None,
    batch_size: int = BATCH_SIZE,
    progress: Progress | None = None,
) -> Summary:
    """Import a WXR file: its published posts and pages, and their comments.

    With `comments_only` (an article's slug), the comments of the file's one post go onto
    that article and no article is created or changed.
    """
    progress = progress or Progress()
    target = None
    if comments_only is not None:
        target = db.session.scalar(select(Article).where(Article.slug == comments_only))
        if target is None:
            raise PortingError(f"There is no article with the slug {comments_only!r}.")
    reader = _Reader(path, comments_only=target is not None)
    progress.checking(path)
    total, posts = 0, set()
    for record in reader.records(checking=True):  # the first pass: a bad file writes nothing
        if isinstance(record, CommentRecord):
            posts.add(record.article_key)
        total += not (isinstance(record, ArticleRecord) or getattr(record, "article", False))
    if target is not None and len(posts) > 1:
        raise file_error(
            path,
            None,
            f"--comments-only takes the export of one post, and this file has comments on "
            f"{len(posts)} posts (ids {', '.join(sorted(posts, key=int))})",
        )
    writer = CommentWriter(
        f"{path.name} (WordPress)", target=target, batch_size=batch_size, progress=progress
    )
    progress.start(total)
    try:
        return writer.write(reader.records())
    finally:
        progress.finish()
