"""The batch writer every import shares: records in, articles and threaded comments out."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import ColumnElement, and_, or_, select, update
from sqlalchemy.orm import lazyload

from forum.comment_text import TextSource, set_comment_text
from forum.extensions import db
from forum.models import (
    MAX_DEPTH,
    Article,
    Comment,
    CommentStatus,
    ModerationAction,
    ModerationEvent,
    utcnow,
)
from forum.moderation.actions import change_status
from forum.porting.articles import find_article, new_article, update_article
from forum.porting.common import (
    BATCH_SIZE,
    ArticleRecord,
    CommentRecord,
    Progress,
    Record,
    Skip,
    Summary,
    count_records,
)

NOTE_DEEP = "replies nested deeper than 5 levels, shown at level 5"
NOTE_NO_PARENT = "replies to a comment that is not in the file, shown as top-level comments"
NOTE_KEPT_STATUS = "comments whose status a moderator changed here, kept as they are"
NOTE_KEPT_EDIT = "comments a moderator edited here, text kept as it is"
NOTE_TWICE = "comments listed twice in the file, the second skipped"
NOTE_KEPT_ARTICLE = "articles already here from elsewhere: comments added, text kept"
NOTE_UNPUBLISHED = "articles kept unpublished, for moderators only"
SKIP_ADDRESS_TAKEN = "comments on unpublished posts whose address a public article here has"
GROUP_SIZE = 100  # comments written together within a batch's transaction


@dataclass(frozen=True, slots=True)
class _Place:
    """A comment's place in its thread."""

    id: int
    depth: int
    root_id: int


_WRITING = _Place(0, 0, 0)  # written in this group: its place is known once it has an id


def _among(keys: dict[int, set[str]]) -> ColumnElement[bool]:
    """Comments whose (article id, external id) is among these."""
    return or_(
        *(
            and_(Comment.article_id == article_id, Comment.external_id.in_(sorted(ids)))
            for article_id, ids in keys.items()
        )
    )


class CommentWriter:
    """Writes records in batches, keeping article counters, threads and the log true.

    Comments are created pending and moved to their status by forum.moderation's
    change_status, so that approved counts, ETags and the event log stay right. A reply
    whose parent has not been written yet (it comes later in the file, or never) is
    first written as a top-level comment and attached in a last pass.
    """

    def __init__(
        self,
        source: str,
        *,
        target: Article | None = None,
        batch_size: int = BATCH_SIZE,
        progress: Progress | None = None,
    ) -> None:
        self.source = source
        self.summary = Summary(source)
        self.target_id = target.id if target else None
        self.batch_size = batch_size
        self.progress = progress or Progress()
        self.article_ids: dict[str, int | None] = {}  # None: its comments are skipped
        self.counted_slugs: set[str] = set()
        self.batch: list[tuple[int, CommentRecord]] = []
        self.deferred: list[tuple[int, int, str]] = []  # comment id, article id, parent's id
        self.touched: set[int] = set()

    def write_checked(
        self, path: Path, first_pass: Iterable[Record], records: Iterable[Record]
    ) -> Summary:
        """Read a file whole first (a bad one raises before anything is written) and count
        its comments, then write `records`, the same file again, against that count."""
        self.progress.checking(path)
        total = count_records(first_pass)
        self.progress.start(total)
        try:
            return self.write(records)
        finally:
            self.progress.finish()

    def write(self, records: Iterable[Record]) -> Summary:
        for record in records:
            if isinstance(record, ArticleRecord):
                self._article(record)
            elif isinstance(record, Skip) and record.article:
                self.summary.articles_skipped[record.reason] += 1
                self.summary.name(record.reason, record.what)
            elif isinstance(record, Skip):
                self.summary.skip(record.reason, record.what)
                self.progress.advance(self.summary)
            elif (article_id := self.article_ids[record.article_key]) is None:
                self.summary.skip(SKIP_ADDRESS_TAKEN, record.external_id)
                self.progress.advance(self.summary)
            else:
                for repair in record.repairs:
                    self.summary.repair(repair, record.external_id)
                self.batch.append((article_id, record))
                if len(self.batch) >= self.batch_size:
                    self._write_batch()
                self.progress.advance(self.summary)
        self._write_batch()
        self._attach_deferred()
        db.session.commit()
        return self.summary

    # --- articles --------------------------------------------------------------------

    def _article(self, record: ArticleRecord) -> None:
        if self.target_id is not None:
            self.article_ids[record.key] = self.target_id
            return
        found = find_article(record)
        if found is None:
            self.article_ids[record.key] = None
            return
        record, article = found
        first_time = record.slug not in self.counted_slugs
        for repair in record.repairs if first_time else ():
            self.summary.repair(repair, f"post {record.key}")
        self.counted_slugs.add(record.slug)
        if article is None:
            article = new_article(record)
            db.session.add(article)
            db.session.flush()
            self.summary.articles["created"] += 1
            if record.unpublished:
                self.summary.notes[NOTE_UNPUBLISHED] += 1
                self.summary.name(NOTE_UNPUBLISHED, f"{record.slug} ({record.unpublished})")
        elif record.body_markdown is not None and record.source == article.source != "":
            changed = update_article(article, record)
            if first_time:
                self.summary.articles["updated" if changed else "unchanged"] += 1
        elif record.body_markdown is not None:
            # Same slug, but not imported from this post (the bundled article, say): its
            # comments join it, its text stays; `import-article` would only put it back.
            if first_time:
                self.summary.articles["unchanged"] += 1
                self.summary.notes[NOTE_KEPT_ARTICLE] += 1
        elif first_time:
            self.summary.articles["unchanged"] += 1
        self.article_ids[record.key] = article.id

    # --- comments ----------------------------------------------------------------------

    def _existing(self, keys: dict[int, set[str]]) -> dict[tuple[int, str], Comment]:
        """The comments already stored among these (article id, external id) pairs."""
        query = select(Comment).where(_among(keys)).options(lazyload(Comment.experience))
        return {(c.article_id, c.external_id or ""): c for c in db.session.scalars(query)}

    def _places(self, keys: dict[int, set[str]]) -> dict[tuple[int, str], _Place]:
        """Where these comments sit in their threads, for replies to find their parents."""
        query = select(
            Comment.article_id, Comment.external_id, Comment.id, Comment.depth, Comment.root_id
        ).where(_among(keys))
        return {(a, e): _Place(i, d, r) for a, e, i, d, r in db.session.execute(query)}

    def _write_batch(self) -> None:
        """Write what is waiting, a group at a time, in one transaction."""
        batch, self.batch = self.batch, []
        for start in range(0, len(batch), GROUP_SIZE):
            self._write_group(batch[start : start + GROUP_SIZE])
        self._bump_touched()
        db.session.commit()

    def _write_group(self, group: list[tuple[int, CommentRecord]]) -> None:
        # A small group keeps the session small: change_status's UPDATE of the article
        # looks through every object the session holds.
        own: dict[int, set[str]] = defaultdict(set)
        parents: dict[int, set[str]] = defaultdict(set)
        for article_id, record in group:
            own[article_id].add(record.external_id)
            if record.parent_external_id:
                parents[article_id].add(record.parent_external_id)
        existing = self._existing(own)
        places = self._places(parents) if parents else {}
        new: list[tuple[Comment, CommentRecord, tuple[int, str]]] = []
        with db.session.no_autoflush:
            for article_id, record in group:
                key = (article_id, record.external_id)
                parent_key = (article_id, record.parent_external_id or "")
                if key in existing:
                    self._update(existing[key], record, places.get(parent_key))
                elif key in places and places[key] is _WRITING:
                    self.summary.notes[NOTE_TWICE] += 1
                else:
                    places[key] = _WRITING
                    new.append((self._new(article_id, record), record, parent_key))
        db.session.flush()  # ids, in one statement where the database allows
        with db.session.no_autoflush:
            for comment, record, parent_key in new:
                parent = places.get(parent_key) if record.parent_external_id else None
                if parent is None or parent is _WRITING:  # it comes later in the file, or never
                    comment.root_id = comment.id
                    if record.parent_external_id:
                        self.deferred.append(
                            (comment.id, comment.article_id, record.parent_external_id)
                        )
                else:
                    self._attach(comment, parent)
                places[comment.article_id, record.external_id] = _Place(
                    comment.id, comment.depth, comment.root_id or comment.id
                )
                if record.status is not CommentStatus.PENDING:
                    if record.status is CommentStatus.APPROVED:
                        # Published long ago, as far as we know. Set before change_status,
                        # this is no first approval: history is not e-mailed to anyone.
                        comment.approved_at = comment.created_at
                    change_status(
                        comment,
                        record.status,
                        action=ModerationAction.IMPORTED,
                        reason=self._reason,
                    )
                self.summary.comments["imported"] += 1
        db.session.flush()
        db.session.expunge_all()  # memory stays flat however long the file

    @property
    def _reason(self) -> str:
        return f"Imported from {self.source}"

    def _new(self, article_id: int, record: CommentRecord) -> Comment:
        comment = Comment(
            article_id=article_id,
            depth=1,
            author_name=record.author_name,
            author_email=record.author_email,
            website=record.website,
            ip=record.ip,
            status=CommentStatus.PENDING,
            external_id=record.external_id,
            created_at=record.created_at or utcnow(),
        )
        set_comment_text(comment, record.body, TextSource.IMPORT)
        db.session.add(comment)
        return comment

    def _update(self, comment: Comment, record: CommentRecord, parent: _Place | None) -> None:
        """Bring a comment imported before in line with the file; moderators' work is kept."""
        changed = False
        for name in ("author_name", "author_email", "website", "ip", "created_at"):
            value = getattr(record, name)
            if value is None and name == "created_at":
                continue  # no date in the file: the one given the first time stays
            if getattr(comment, name) != value:
                setattr(comment, name, value)
                changed = True
        if comment.body != record.body:
            if comment.edited_by_moderator_at is None:
                set_comment_text(comment, record.body, TextSource.IMPORT)
                changed = True
            else:
                self.summary.notes[NOTE_KEPT_EDIT] += 1
        if parent is not None and parent is not _WRITING and comment.parent_id != parent.id:
            self.deferred.append((comment.id, comment.article_id, record.parent_external_id or ""))
        if comment.status != record.status:
            if self._import_owns_status(comment):
                if record.status is CommentStatus.APPROVED and comment.approved_at is None:
                    comment.approved_at = comment.created_at  # no e-mail, as above
                change_status(
                    comment, record.status, action=ModerationAction.IMPORTED, reason=self._reason
                )
                changed = True
            else:
                self.summary.notes[NOTE_KEPT_STATUS] += 1
        if changed:
            self.touched.add(comment.article_id)
        self.summary.comments["updated" if changed else "unchanged"] += 1

    @staticmethod
    def _import_owns_status(comment: Comment) -> bool:
        """True unless someone here (a moderator, readers' reports) changed it since."""
        latest = db.session.scalar(
            select(ModerationEvent.action)
            .where(ModerationEvent.comment_id == comment.id, ModerationEvent.to_status.is_not(None))
            .order_by(ModerationEvent.created_at.desc(), ModerationEvent.id.desc())
            .limit(1)
        )
        return latest is None or latest == ModerationAction.IMPORTED

    def _attach(self, comment: Comment, parent: Comment | _Place) -> None:
        comment.parent_id = parent.id
        comment.depth = min(parent.depth + 1, MAX_DEPTH)
        comment.root_id = parent.root_id
        if parent.depth >= MAX_DEPTH:
            self.summary.notes[NOTE_DEEP] += 1

    def _bump_touched(self) -> None:
        """Pages and feeds of articles whose comments changed get new ETags."""
        if self.touched:
            db.session.execute(
                update(Article)
                .where(Article.id.in_(sorted(self.touched)))
                .values(comments_changed_at=utcnow())
            )
            self.touched.clear()

    # --- replies whose parent came later -------------------------------------------------

    def _attach_deferred(self) -> None:
        for number, (comment_id, article_id, parent_id) in enumerate(self.deferred, start=1):
            comment = db.session.get(Comment, comment_id)
            parent = db.session.scalar(
                select(Comment).where(
                    Comment.article_id == article_id, Comment.external_id == parent_id
                )
            )
            if comment is None:
                continue
            if parent is None or parent.id == comment.id or self._descends_from(parent, comment):
                self.summary.notes[NOTE_NO_PARENT] += 1
                continue
            self._attach(comment, parent)
            self._renumber_replies(comment)
            self.touched.add(article_id)
            if number % self.batch_size == 0:
                self._bump_touched()
                db.session.commit()
        self.deferred.clear()
        self._bump_touched()

    @staticmethod
    def _descends_from(parent: Comment, comment: Comment) -> bool:
        """Would attaching `comment` under `parent` make a loop?"""
        node: Comment | None = parent
        seen: set[int] = set()
        while node is not None and node.parent_id is not None and node.id not in seen:
            if node.parent_id == comment.id:
                return True
            seen.add(node.id)
            node = db.session.get(Comment, node.parent_id)
        return False

    @staticmethod
    def _renumber_replies(comment: Comment) -> None:
        """Depth and root of every reply under a comment that moved."""
        level = {comment.id: comment}
        seen = {comment.id}
        while level:
            ids = list(level)
            children: list[Comment] = []
            for start in range(0, len(ids), 500):
                children += db.session.scalars(
                    select(Comment).where(Comment.parent_id.in_(ids[start : start + 500]))
                )
            next_level: dict[int, Comment] = {}
            for child in children:
                if child.id in seen:
                    continue
                parent = level[child.parent_id or 0]
                child.depth = min(parent.depth + 1, MAX_DEPTH)
                child.root_id = parent.root_id
                seen.add(child.id)
                next_level[child.id] = child
            level = next_level
