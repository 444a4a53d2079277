"""What every import shares: the records readers yield, the summary, and the errors.

A reader turns a file into a stream of ArticleRecord, CommentRecord and Skip. Every
import reads its file twice: the first pass only checks it (so that a bad file is
refused before anything is written, with the line where it went wrong, and so that
the progress bar knows its length), the second writes it through
forum.porting.writer.CommentWriter, one transaction per batch. A comment is matched on
(article, external id), so a second run of the same file changes nothing.

A file is refused only when it cannot be read as what it claims to be. A problem in
one comment or one post (no status, no date, no id) is repaired or skipped, and the
summary names the reason and the ids, so that nothing is dropped in silence.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from forum.models import CommentStatus

BATCH_SIZE = 500
IDS_SHOWN = 10  # ids listed per reason in the summary; the count says how many in all


class PortingError(Exception):
    """An import that cannot go ahead; the message says why, and nothing was written."""


class ImportFileError(PortingError):
    """A file that cannot be imported; the message says which file, where, and why."""


def file_error(path: Path | str, line: int | None, message: str) -> ImportFileError:
    where = f"line {line}: " if line else ""
    return ImportFileError(f"{path}: {where}{message}")


@dataclass(frozen=True, slots=True)
class ArticleRecord:
    key: str  # the article's id in the source, which its comments refer to
    slug: str
    title: str
    # None: the source has no text for it (Disqus, Isso): an article found by its slug is
    # left alone, a new one starts empty.
    body_markdown: str | None = None
    published_at: datetime | None = None
    author: str = ""
    summary: str = ""
    source: str = ""  # where it was published; an article it created is updated by it
    # Why it must not be public here (a draft, a private or password-protected post).
    unpublished: str | None = None
    repairs: tuple[str, ...] = ()  # what was wrong in the file and how it was taken


@dataclass(frozen=True, slots=True)
class CommentRecord:
    article_key: str
    external_id: str  # "wp:123": unique within the article
    parent_external_id: str | None
    status: CommentStatus
    created_at: datetime | None  # None: no date anywhere; a new comment gets the import's
    author_name: str
    author_email: str | None
    website: str | None
    ip: str | None
    body: str  # Markdown, as stored; rendered by forum.sanitize when written
    repairs: tuple[str, ...] = ()  # what was wrong in the file and how it was taken


@dataclass(frozen=True, slots=True)
class Skip:
    reason: str  # "pingbacks", "trackbacks", …
    article: bool = False  # an item that is not imported as an article (a draft, a menu…)
    what: str = ""  # which one ("comment 12", "item at line 80"), listed for a problem


Record = ArticleRecord | CommentRecord | Skip


def _with_ids(text: str, ids: list[str], count: int) -> str:
    if not ids:
        return text
    more = f" and {count - len(ids)} more" if count > len(ids) else ""
    return f"{text}: {', '.join(ids)}{more}"


@dataclass
class Summary:
    """What an import did, counted; problems also by id."""

    source: str
    articles: Counter[str] = field(default_factory=Counter)
    articles_skipped: Counter[str] = field(default_factory=Counter)
    comments: Counter[str] = field(default_factory=Counter)
    skipped: Counter[str] = field(default_factory=Counter)
    notes: Counter[str] = field(default_factory=Counter)
    repaired: Counter[str] = field(default_factory=Counter)
    ids: defaultdict[str, list[str]] = field(default_factory=lambda: defaultdict(list))

    def name(self, reason: str, what: str) -> None:
        """Remember which record a reason applies to (the first few of each reason)."""
        if what and len(self.ids[reason]) < IDS_SHOWN:
            self.ids[reason].append(what)

    def skip(self, reason: str, what: str = "") -> None:
        self.skipped[reason] += 1
        self.name(reason, what)

    def repair(self, reason: str, what: str) -> None:
        self.repaired[reason] += 1
        self.name(reason, what)

    def short(self) -> str:
        c = self.comments
        return (
            f"{c['imported']} imported, {c['updated']} updated, "
            f"{c['unchanged']} unchanged, {self.skipped.total()} skipped"
        )

    def lines(self) -> list[str]:
        a = self.articles
        lines = [
            f"Imported from {self.source}:",
            f"  articles: {a['created']} created, {a['updated']} updated, "
            f"{a['unchanged']} unchanged, {self.articles_skipped.total()} skipped",
        ]
        for reason, count in sorted(self.articles_skipped.items()):
            lines.append(_with_ids(f"    skipped {count}: {reason}", self.ids[reason], count))
        lines.append(f"  comments: {self.short()}")
        for reason, count in sorted(self.skipped.items()):
            lines.append(_with_ids(f"    skipped {count}: {reason}", self.ids[reason], count))
        for reason, count in sorted(self.repaired.items()):
            lines.append(_with_ids(f"  repaired, {count}: {reason}", self.ids[reason], count))
        for note, count in sorted(self.notes.items()):
            lines.append(_with_ids(f"  note, {count}: {note}", self.ids[note], count))
        return lines


class Progress:
    """Told how an import goes; this one tells no one (the command shows a bar)."""

    def checking(self, path: Path) -> None:
        """The first pass, which only reads, begins."""

    def start(self, total: int) -> None:
        """The second pass begins: `total` comments (skipped ones included) to go."""

    def advance(self, summary: Summary) -> None:
        """One more comment done."""

    def finish(self) -> None:
        """The import ended, well or not."""


def count_records(records: Iterable[Record]) -> int:
    """Read a whole file once (checking it as a reader does) and count its comments."""
    return sum(
        1
        for record in records
        if isinstance(record, CommentRecord) or (isinstance(record, Skip) and not record.article)
    )
