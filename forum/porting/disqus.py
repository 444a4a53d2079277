"""Disqus exports (Admin → Community → Export): threads become articles, posts comments."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from forum.models import CommentStatus
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
    one_line,
    slug_from_url,
)
from forum.porting.markup import html_to_markdown
from forum.porting.writer import CommentWriter
from forum.porting.xmlstream import split_tag, xml_events

NAMESPACE = "http://disqus.com"
INTERNALS = "{http://disqus.com/disqus-internals}id"


@dataclass(frozen=True)
class _Thread:
    key: str
    link: str
    title: str
    created_at: datetime | None


def _text(element: ET.Element, name: str) -> str:
    found = element.find(f"{{{NAMESPACE}}}{name}")
    return (found.text or "").strip() if found is not None else ""


def _reference(element: ET.Element, name: str) -> str:
    """The Disqus id a <thread> or <parent> child points to (attribute, or text in old files)."""
    found = element.find(f"{{{NAMESPACE}}}{name}")
    if found is None:
        return ""
    return (found.get(INTERNALS) or found.text or "").strip()


def _true(element: ET.Element, name: str) -> bool:
    return _text(element, name).lower() == "true"


class _Reader:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.threads: dict[str, _Thread] = {}  # by Disqus id, and by the site's own id
        self.announced: set[str] = set()
        self.checking = False

    def error(self, line: int | None, message: str) -> PortingError:
        return file_error(self.path, line, message)

    def _date(self, value: str, line: int, what: str) -> datetime | None:
        if not value:
            return None
        try:
            date = datetime.fromisoformat(value)
        except ValueError:
            raise self.error(line, f"{what}: {value!r} is not an ISO 8601 date") from None
        return date.replace(tzinfo=UTC) if date.tzinfo is None else date.astimezone(UTC)

    def records(self, checking: bool = False) -> Iterator[Record]:
        """The file's records; `checking` reads and checks it all but converts no text."""
        self.checking = checking
        self.announced.clear()
        root: ET.Element | None = None
        depth = 0
        start_line = 0
        for event, element, line in xml_events(self.path):
            if event == "start":
                depth += 1
                if depth == 1:
                    namespace, name = split_tag(element.tag)
                    if (namespace, name) != (NAMESPACE, "disqus"):
                        raise self.error(line, f"not a Disqus export: it is <{name}>, not <disqus>")
                    root = element
                elif depth == 2:
                    start_line = line
                continue
            depth -= 1
            if depth != 1 or root is None:
                continue
            name = split_tag(element.tag)[1]
            if name == "thread":
                self._thread(element, start_line)
            elif name == "post":
                yield from self._post(element, start_line)
            root.remove(element)  # what is done with goes: memory stays flat

    def _thread(self, element: ET.Element, line: int) -> None:
        key = element.get(INTERNALS) or _text(element, "id")
        if not key:
            raise self.error(line, "a <thread> without an id")
        thread = _Thread(
            key=key,
            link=_text(element, "link"),
            title=one_line(_text(element, "title")),
            created_at=self._date(_text(element, "createdAt"), line, f"thread {key}: createdAt"),
        )
        self.threads[key] = thread
        if site_id := _text(element, "id"):
            self.threads.setdefault(site_id, thread)

    def _post(self, element: ET.Element, line: int) -> Iterator[Record]:
        key = element.get(INTERNALS) or _text(element, "id")
        if not key:
            raise self.error(line, "a <post> without an id")
        what = f"post {key}"
        created_at = self._date(_text(element, "createdAt"), line, f"{what}: createdAt")
        if created_at is None:
            raise self.error(line, f"{what} has no <createdAt>")
        thread = self.threads.get(_reference(element, "thread"))
        if thread is None:  # a thread listed after its posts is found on the second pass
            yield Skip("posts whose thread is not in the file")
            return
        if thread.key not in self.announced:
            self.announced.add(thread.key)
            slug = slug_from_url(thread.link, f"disqus-{thread.key}")
            yield ArticleRecord(
                key=thread.key,
                slug=slug,
                title=thread.title or slug,
                published_at=thread.created_at,
                source=thread.link[:500],
            )
        if _true(element, "isSpam"):
            status = CommentStatus.SPAM
        elif _true(element, "isDeleted"):
            status = CommentStatus.DELETED
        elif _text(element, "isApproved").lower() == "false":
            status = CommentStatus.PENDING
        else:
            status = CommentStatus.APPROVED
        author = element.find(f"{{{NAMESPACE}}}author")
        name = email = ""
        if author is not None:
            name = _text(author, "name") or _text(author, "username")
            email = _text(author, "email")
        parent = _reference(element, "parent")
        message = "" if self.checking else _text(element, "message")
        yield CommentRecord(
            article_key=thread.key,
            external_id=f"disqus:{key}",
            parent_external_id=f"disqus:{parent}" if parent else None,
            status=status,
            created_at=created_at,
            author_name=clean_name(name),
            author_email=clean_email(email),
            website=None,  # Disqus exports carry none
            ip=clean_ip(_text(element, "ipAddress")),
            body=clean_body(html_to_markdown(message, newline_breaks=False)),
        )


def import_disqus(
    path: Path, *, batch_size: int = BATCH_SIZE, progress: Progress | None = None
) -> Summary:
    """Import a Disqus export; a thread's comments go to the article its address names."""
    reader = _Reader(path)
    writer = CommentWriter(f"{path.name} (Disqus)", batch_size=batch_size, progress=progress)
    # The first pass also learns every thread, as one may come after its posts.
    return writer.write_checked(path, reader.records(checking=True), reader.records())
