"""WordPress exports (WXR 1.0–1.2, Tools → Export): posts and pages with their comments.

Published posts and pages become articles, matched by slug. Their HTML is turned into
Markdown and rendered like our own articles (forum.sanitize.render_article, raw HTML
off), rather than kept as HTML: the article page then shows it through the one safe
path every article takes, and the Markdown stays editable. Scripts, embeds and
styles go; images become links to the picture (our pages load no remote images).
An article that is here already but did not come from this post keeps its text.

Drafts, private and password-protected posts are kept as articles for moderators
only (Article.unpublished_reason), with their comments: nothing WordPress hides from
visitors becomes public here. Comments are WordPress's HTML-ish text: converted to our
Markdown subset, then rendered and sanitized exactly as a new comment is. Pingbacks
and trackbacks are counted and skipped, as are comments on attachments and the like.
A file is refused only when it is not XML or not WXR; a bad comment or item is
repaired or skipped, and the summary says which.
"""

from __future__ import annotations

import re
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
from forum.porting.writer import CommentWriter
from forum.porting.xmlstream import children_text, split_tag, xml_events
from forum.sanitize import plain_excerpt

# WordPress writes http://wordpress.org/export/1.0/ to 1.2/, WordPress.com https://…;
# either may be declared on any element. Matched by shape, as WordPress matches its prefix.
WP_NAMESPACE = re.compile(r"https?://(?:www\.)?wordpress\.org/export/1\.\d+/?(excerpt/?)?", re.I)
WXR_VERSION = re.compile(r"\d+\.\d+")  # what WordPress's parser requires
NAMESPACES = {
    "http://purl.org/rss/1.0/modules/content/": "content:",
    "http://purl.org/dc/elements/1.1/": "dc:",
}
STATUSES = {
    "1": CommentStatus.APPROVED,
    "approve": CommentStatus.APPROVED,
    "0": CommentStatus.PENDING,
    "hold": CommentStatus.PENDING,
    "spam": CommentStatus.SPAM,
    "trash": CommentStatus.DELETED,
    "post-trashed": CommentStatus.DELETED,  # the comments of a post in the trash
}
ARTICLE_TYPES = ("post", "page")
# Posts WordPress does not show to visitors: kept here, but for moderators only.
NOT_PUBLIC = {
    "private": "private on WordPress",
    "draft": "a draft on WordPress",
    "pending": "pending review on WordPress",
    "future": "scheduled on WordPress",
    "auto-draft": "a draft on WordPress",
}
HOW_TO_EXPORT = "export the site again with WordPress's Tools → Export, All content"
NO_POST_ID = "items without a usable <wp:post_id>"
NO_COMMENT_ID = "comments without a usable <wp:comment_id>"
NO_STATUS = "comments with no <wp:comment_approved>, held as pending"
ODD_STATUS = "comments with an unknown <wp:comment_approved>, held as pending"
ODD_PARENT = "comments whose <wp:comment_parent> is not a number, shown as top-level"
BAD_DATE = "comments whose date is not a date (YYYY-MM-DD HH:MM:SS), dated otherwise"
NO_DATE = "comments with no date, given their post's date"
NO_DATE_AT_ALL = "comments with no date, nor their post: given the date of the import"
BAD_POST_DATE = "posts whose date is not a date (YYYY-MM-DD HH:MM:SS), dated otherwise"


@lru_cache(maxsize=256)
def _name(tag: str) -> str:
    """The tag as "wp:comment", "content:encoded", "excerpt:encoded", "title", any WXR version."""
    namespace, name = split_tag(tag)
    if match := WP_NAMESPACE.fullmatch(namespace):
        return ("excerpt:" if match.group(1) else "wp:") + name
    return NAMESPACES.get(namespace, namespace and f"{{{namespace}}}") + name


def _date(value: str | None) -> datetime | None:
    """The date WordPress wrote, None for none; ValueError for something else."""
    value = (value or "").strip()
    if not value or value.startswith("0000-00-00"):  # WordPress's "no date"
        return None
    if len(value) != 19:
        raise ValueError(value)
    return datetime.fromisoformat(value).replace(tzinfo=UTC)


def _first_date(
    fields: dict[str, str], names: tuple[str, ...], repairs: list[str], bad: str
) -> datetime | None:
    """The first of these fields that holds a date; `bad` is noted for one that holds junk."""
    for name in names:
        try:
            if (date := _date(fields.get(name))) is not None:
                return date
        except ValueError:
            if bad not in repairs:
                repairs.append(bad)
    return None


def _unpublished(status: str, password: str) -> str | None:
    """Why WordPress does not show a post with this status to visitors; None if it does."""
    if status == "publish":
        return "password-protected on WordPress" if password else None
    if not status:
        return "no status on WordPress (a draft)"  # as WordPress takes it
    return NOT_PUBLIC.get(status, f"{status!r} on WordPress")


@dataclass
class _Item:
    line: int
    fields: dict[str, str] = field(default_factory=dict)
    key: str = ""
    started: bool = False  # its article record is out
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
        self.posts_with_comments: set[str] = set()  # for --comments-only, skipped ones too
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
                    raise self.error(
                        line,
                        f"not a WordPress export: it is <{found}>, not <rss>; {HOW_TO_EXPORT}",
                    )
                if depth == 2 and element.tag != "channel":
                    found = split_tag(element.tag)[1]
                    raise self.error(
                        line, f"expected <channel> in <rss>, found <{found}>; {HOW_TO_EXPORT}"
                    )
                if depth == 3 and name == "item":
                    if version is None:
                        raise self.error(
                            line,
                            "not a WordPress export: no <wp:wxr_version> before the first "
                            f"<item> (a blog's RSS feed is not an export); {HOW_TO_EXPORT}",
                        )
                    item = _Item(line)
                elif depth == 4 and item is not None and name == "wp:comment":
                    item.comment_line = line
                    if not item.started:
                        yield self._article(item)
                continue
            depth, name = len(stack), _name(element.tag)
            stack.pop()
            if depth == 3:
                if name == "wp:wxr_version":
                    version = (element.text or "").strip()
                    if not WXR_VERSION.fullmatch(version):
                        raise self.error(
                            line,
                            f"not a WordPress export: <wp:wxr_version> is {version!r}, not a "
                            f"version such as 1.2; {HOW_TO_EXPORT}",
                        )
                elif name == "wp:author":
                    author = children_text(element)
                    login = author.get("author_login", "")
                    self.authors[login] = one_line(author.get("author_display_name")) or login
                elif name == "item" and item is not None:
                    if not item.started:
                        yield self._article(item)
                    item = None
                stack[-1].remove(element)  # what is done with goes: memory stays flat
            elif depth == 4 and item is not None:
                if name == "wp:comment":
                    yield self._comment(children_text(element), item)
                else:
                    item.fields.setdefault(name, element.text or "")
                stack[-1].remove(element)
        if version is None:
            raise self.error(
                None, f"not a WordPress export: there is no <wp:wxr_version>; {HOW_TO_EXPORT}"
            )
        if self.comments_only and len(posts := self.posts_with_comments) > 1:
            raise self.error(
                None,
                f"--comments-only takes the export of one post, and this file has comments on "
                f"{len(posts)} posts (ids {', '.join(sorted(posts, key=int))})",
            )

    def _article(self, item: _Item) -> Record:
        """The item's article, from the fields before its comments (WordPress writes them so)."""
        item.started = True
        fields = item.fields
        key = fields.get("wp:post_id", "").strip()
        if not key.isdigit():
            item.skipped = NO_POST_ID
            return Skip(NO_POST_ID, article=True, what=f"the item at line {item.line}")
        item.key = key
        repairs: list[str] = []
        item.published_at = _first_date(
            fields, ("wp:post_date_gmt", "wp:post_date"), repairs, BAD_POST_DATE
        )
        kind = fields.get("wp:post_type", "").strip() or "post"  # WordPress's default
        status = fields.get("wp:status", "").strip()
        unpublished = _unpublished(status, fields.get("wp:post_password", "").strip())
        if kind not in ARTICLE_TYPES:
            item.skipped = f"items of type {kind}"
        elif status == "trash":
            item.skipped = f"{kind}s in the trash"
        elif self.comments_only and unpublished:  # the article named is public, or may be
            item.skipped = f"{kind}s that are not public ({unpublished})"
        elif self.comments_only:  # the writer puts the comments on the article named
            item.article = ArticleRecord(key=key, slug="", title="")
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
                unpublished=unpublished,
                repairs=tuple(repairs),
            )
        fields.clear()
        return item.article or Skip(item.skipped or "", article=True)

    def _comment(self, fields: dict[str, str], item: _Item) -> Record:
        comment_id = fields.get("comment_id", "").strip()
        if not comment_id.isdigit():
            return Skip(NO_COMMENT_ID, what=f"line {item.comment_line}")
        if item.key:
            self.posts_with_comments.add(item.key)
        if item.skipped is not None:
            return Skip(f"comments on {item.skipped}", what=f"wp:{comment_id}")
        kind = fields.get("comment_type", "").strip().lower()
        if kind in ("pingback", "trackback"):
            return Skip(f"{kind}s")
        if kind not in ("", "comment"):
            return Skip(f"comments of type {kind}")
        repairs: list[str] = []
        parent = fields.get("comment_parent", "").strip() or "0"
        if not parent.isdigit():
            parent = "0"
            repairs.append(ODD_PARENT)
        approved = fields.get("comment_approved", "").strip().lower()
        status = STATUSES.get(approved)
        if status is None:  # held for a moderator: never published on a guess
            status = CommentStatus.PENDING
            repairs.append(ODD_STATUS if approved else NO_STATUS)
        created_at = _first_date(fields, ("comment_date_gmt", "comment_date"), repairs, BAD_DATE)
        if created_at is None and BAD_DATE not in repairs:
            repairs.append(NO_DATE if item.published_at else NO_DATE_AT_ALL)
        record = CommentRecord(
            article_key=item.key,
            external_id=f"wp:{comment_id}",
            parent_external_id=f"wp:{parent}" if parent != "0" else None,
            status=status,
            created_at=created_at or item.published_at,
            author_name="",
            author_email=None,
            website=None,
            ip=None,
            body="",
            repairs=tuple(repairs),
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
    target = None
    if comments_only is not None:
        target = db.session.scalar(select(Article).where(Article.slug == comments_only))
        if target is None:
            raise PortingError(f"There is no article with the slug {comments_only!r}.")
    reader = _Reader(path, comments_only=target is not None)
    writer = CommentWriter(
        f"{path.name} (WordPress)", target=target, batch_size=batch_size, progress=progress
    )
    return writer.write_checked(path, reader.records(checking=True), reader.records())
