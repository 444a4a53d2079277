"""Isso databases (its SQLite file): threads become articles, by the last part of their URI."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

from forum.models import CommentStatus
from forum.porting.common import (
    BATCH_SIZE,
    ArticleRecord,
    CommentRecord,
    ImportFileError,
    Progress,
    Record,
    Summary,
)
from forum.porting.fields import (
    clean_body,
    clean_email,
    clean_ip,
    clean_name,
    clean_website,
    from_timestamp,
    one_line,
    slug_from_url,
)
from forum.porting.markup import markdown_with_html
from forum.porting.writer import CommentWriter

MODES = {1: CommentStatus.APPROVED, 2: CommentStatus.PENDING, 4: CommentStatus.DELETED}
COLUMNS = {
    "threads": ("id", "uri", "title"),
    "comments": (
        "tid", "id", "parent", "created", "mode", "remote_addr", "text", "author", "email",
        "website",
    ),
}  # fmt: skip


class _Reader:
    def __init__(self, path: Path) -> None:
        self.path = path

    def error(self, message: str) -> ImportFileError:
        return ImportFileError(f"{self.path}: {message}")

    def _connect(self) -> sqlite3.Connection:
        # Read-only: the file is someone else's database, and it is never changed.
        connection = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            for table, wanted in COLUMNS.items():
                found = {row[1] for row in connection.execute(f"PRAGMA table_info({table})")}
                if not found:
                    raise self.error(f"not an Isso database: there is no {table!r} table")
                if missing := [c for c in wanted if c not in found]:
                    raise self.error(f"table {table!r} lacks the columns {', '.join(missing)}")
        except sqlite3.DatabaseError as error:
            connection.close()
            raise self.error(f"not an Isso database: {error}") from None
        except ImportFileError:
            connection.close()
            raise
        return connection

    def records(self) -> Iterator[Record]:
        with closing(self._connect()) as connection:
            try:
                yield from self._records(connection)
            except sqlite3.DatabaseError as error:
                raise self.error(f"the database cannot be read: {error}") from None

    def _records(self, connection: sqlite3.Connection) -> Iterator[Record]:
        threads = {
            row[0]: (str(row[1] or ""), one_line(row[2]))
            for row in connection.execute("SELECT id, uri, title FROM threads")
        }
        announced: set[int] = set()
        rows = connection.execute(
            "SELECT id, tid, parent, created, mode, remote_addr, text, author, email, website"
            " FROM comments ORDER BY id"
        )
        for cid, tid, parent, created, mode, ip, text, author, email, website in rows:
            what = f"comment {cid}"
            if not isinstance(cid, int):
                raise self.error(f"a comment whose id is {cid!r}, not a number")
            if tid not in threads:
                raise self.error(f"{what} belongs to thread {tid!r}, which is not in the file")
            if not isinstance(created, int | float):
                raise self.error(f"{what}: created is {created!r}, not a time")
            if mode not in MODES:
                raise self.error(f"{what}: mode is {mode!r}; expected 1, 2 or 4")
            if parent is not None and not isinstance(parent, int):
                raise self.error(f"{what}: parent is {parent!r}, not a comment id")
            uri, title = threads[tid]
            if tid not in announced:
                announced.add(tid)
                slug = slug_from_url(uri, f"isso-{tid}")
                yield ArticleRecord(
                    key=str(tid),
                    slug=slug,
                    title=title or slug,
                    published_at=from_timestamp(created),
                    source=uri[:500],
                )
            yield CommentRecord(
                article_key=str(tid),
                external_id=f"isso:{cid}",
                parent_external_id=f"isso:{parent}" if parent is not None else None,
                status=MODES[mode],
                created_at=from_timestamp(created),
                author_name=clean_name(author),
                author_email=clean_email(email),
                website=clean_website(website),
                ip=clean_ip(ip),
                # Isso keeps the Markdown as typed, which may hold a few HTML tags.
                body=clean_body(markdown_with_html(text or "")),
            )


def import_isso(
    path: Path, *, batch_size: int = BATCH_SIZE, progress: Progress | None = None
) -> Summary:
    """Import an Isso database; likes and votes are not carried over."""
    reader = _Reader(path)
    writer = CommentWriter(f"{path.name} (Isso)", batch_size=batch_size, progress=progress)
    return writer.write_checked(path, reader.records(), reader.records())
