"""What the moderation area reads: the queue's tabs and counts, a comment's history, the
blocks in force and the moderators' log.

Like forum/discussion.py for the public, these only build queries and read; the views
page them (forum.paging) and render, and nothing here commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import ColumnElement, ScalarSelect, Select, func, or_, select
from sqlalchemy.orm import selectinload

from forum.extensions import db
from forum.models import (
    Article,
    Block,
    Comment,
    CommentStatus,
    ModerationAction,
    ModerationEvent,
    Moderator,
    Report,
    utcnow,
)
from forum.moderation.actions import REJECT_REASONS

# Tab keys as in ?status=…: the statuses, plus urgent (pending, urgent) and reported.
TABS = {
    "pending": "Pending",
    "urgent": "Urgent",
    "reported": "Reported",
    "approved": "Approved",
    "spam": "Spam",
    "rejected": "Rejected",
    "deleted": "Deleted",
}


def _open_reports() -> Select[tuple[int]]:
    return select(Report.comment_id).where(Report.resolved_at.is_(None))


def tab_counts() -> dict[str, int]:
    """Every tab's count in one query that never reads the whole table: each status from its
    own range of the queue index, and the approved ones (most of the table) from the
    articles' maintained counters."""

    def count_of(*where: ColumnElement[bool]) -> ScalarSelect[int]:
        return select(func.count()).where(*where).scalar_subquery()

    pending = Comment.status == CommentStatus.PENDING
    counts = {
        "pending": count_of(pending),
        "urgent": count_of(pending, Comment.urgent),
        "reported": select(func.count(func.distinct(Report.comment_id)))
        .where(Report.resolved_at.is_(None))
        .scalar_subquery(),
        "approved": select(func.sum(Article.approved_comment_count)).scalar_subquery(),
        **{
            status.value: count_of(Comment.status == status)
            for status in (CommentStatus.SPAM, CommentStatus.REJECTED, CommentStatus.DELETED)
        },
    }
    row = db.session.execute(select(*(q.label(tab) for tab, q in counts.items()))).one()
    return {tab: row._mapping[tab] or 0 for tab in TABS}


def queue(tab: str) -> Select[tuple[Comment]]:
    """The comments of one tab of the queue (a key of TABS), in the order moderators work."""
    query = select(Comment).options(selectinload(Comment.article), selectinload(Comment.parent))
    if tab == "pending":
        # Urgent symptoms first; then first come, first served.
        pending = Comment.status == CommentStatus.PENDING
        return query.where(pending).order_by(
            Comment.urgent.desc(), Comment.created_at.asc(), Comment.id
        )
    if tab == "urgent":
        urgent = (Comment.status == CommentStatus.PENDING) & Comment.urgent
        return query.where(urgent).order_by(Comment.created_at.desc(), Comment.id.desc())
    if tab == "reported":
        return query.where(Comment.id.in_(_open_reports())).order_by(
            Comment.open_report_count.desc(), Comment.created_at.desc(), Comment.id
        )
    return query.where(Comment.status == CommentStatus(tab)).order_by(
        Comment.created_at.desc(), Comment.id
    )


def rejection_counts() -> list[tuple[str, int]]:
    """How often each reason was given for a rejection, as (label, count), in the list's order."""
    rows = db.session.execute(
        select(ModerationEvent.reason_code, func.count())
        .where(
            ModerationEvent.action == ModerationAction.REJECT,
            ModerationEvent.reason_code.is_not(None),
        )
        .group_by(ModerationEvent.reason_code)
    )
    counts = dict(rows.all())
    return [(label, counts[code]) for code, label in REJECT_REASONS.items() if counts.get(code)]


def comments_by_id(ids: list[int]) -> list[Comment]:
    """The comments of a bulk action that still exist."""
    return list(db.session.scalars(select(Comment).where(Comment.id.in_(ids))))


def comment_history(comment: Comment) -> list[ModerationEvent]:
    """Everything done to a comment, newest first."""
    return list(
        db.session.scalars(
            select(ModerationEvent)
            .where(ModerationEvent.comment_id == comment.id)
            .options(selectinload(ModerationEvent.moderator))
            .order_by(ModerationEvent.created_at.desc(), ModerationEvent.id.desc())
        )
    )


def blocks_in_force() -> list[Block]:
    """Blocks not lifted and not expired, newest first."""
    return list(
        db.session.scalars(
            select(Block)
            .where(or_(Block.expires_at.is_(None), Block.expires_at > utcnow()))
            .options(selectinload(Block.moderator))
            .order_by(Block.created_at.desc())
        )
    )


def all_articles() -> list[Article]:
    """Every article, the public's and those kept unpublished, newest first."""
    return list(
        db.session.scalars(select(Article).order_by(Article.published_at.desc(), Article.id.desc()))
    )


def articles_by_id(ids: set[int]) -> dict[int, Article]:
    if not ids:
        return {}
    return {a.id: a for a in db.session.scalars(select(Article).where(Article.id.in_(ids)))}


def moderators() -> list[Moderator]:
    return list(db.session.scalars(select(Moderator).order_by(Moderator.email)))


def logged_actions() -> list[ModerationAction]:
    """The actions the log holds at least once, for its filter."""
    return list(
        db.session.scalars(
            select(ModerationEvent.action).distinct().order_by(ModerationEvent.action)
        )
    )


@dataclass(frozen=True)
class LogFilter:
    """Which events the log shows; every part left None applies no filter."""

    moderator_id: int | None = None
    by_forum: bool = False  # only what the forum did by itself (screening, imports)
    action: str | None = None
    start: date | None = None
    end: date | None = None  # inclusive


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def log_events(chosen: LogFilter) -> Select[tuple[ModerationEvent]]:
    """The moderators' record, newest first, filtered."""
    query = select(ModerationEvent)
    if chosen.by_forum:
        query = query.where(ModerationEvent.moderator_id.is_(None))
    elif chosen.moderator_id is not None:
        query = query.where(ModerationEvent.moderator_id == chosen.moderator_id)
    if chosen.action:
        query = query.where(ModerationEvent.action == chosen.action)
    if chosen.start:
        query = query.where(ModerationEvent.created_at >= _start_of(chosen.start))
    if chosen.end:
        query = query.where(ModerationEvent.created_at < _start_of(chosen.end + timedelta(days=1)))
    return query.options(
        selectinload(ModerationEvent.moderator),
        selectinload(ModerationEvent.target_moderator),
        selectinload(ModerationEvent.comment).selectinload(Comment.article),
    ).order_by(ModerationEvent.created_at.desc(), ModerationEvent.id.desc())
