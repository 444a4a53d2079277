"""Retention: what the forum forgets, and when (see the privacy page)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import aliased

from forum.extensions import db
from forum.models import Comment, CommentStatus, Experience, OutboxMessage, UsedToken, utcnow


@dataclass
class PurgeCounts:
    addresses_erased: int
    comments_deleted: int
    messages_deleted: int
    tokens_deleted: int


def purge(now: datetime | None = None) -> PurgeCounts:
    """Erase IPs and user agents, and delete spam and rejected comments, after their time."""
    now = now or utcnow()
    config = current_app.config
    ip_cutoff = now - timedelta(days=config["FORUM_IP_RETENTION_DAYS"])
    spam_cutoff = now - timedelta(days=config["FORUM_SPAM_RETENTION_DAYS"])
    erased = db.session.execute(
        update(Comment)
        .where(
            Comment.decided_at.is_not(None),
            Comment.decided_at < ip_cutoff,
            or_(Comment.ip.is_not(None), Comment.user_agent.is_not(None)),
        )
        .values(ip=None, user_agent=None)
    ).rowcount
    # A comment that was replied to keeps its row, emptied, as the "removed" placeholder its
    # thread hangs from: deleting it would orphan the published replies below it.
    reply = aliased(Comment)
    replied_to = (
        select(reply.id)
        .where(
            reply.id != Comment.id,  # a thread's first comment is its own root
            or_(reply.parent_id == Comment.id, reply.root_id == Comment.id),
        )
        .exists()
    )
    expired = (
        Comment.status.in_([CommentStatus.SPAM, CommentStatus.REJECTED]),
        Comment.decided_at.is_not(None),
        Comment.decided_at < spam_cutoff,
    )
    emptied = select(Comment.id).where(*expired, replied_to, Comment.author_email.is_not(None))
    db.session.execute(delete(Experience).where(Experience.comment_id.in_(emptied)))
    deleted = db.session.execute(
        update(Comment)
        .where(Comment.id.in_(emptied))
        .values(
            author_name="",
            author_email=None,
            website=None,
            body="",
            body_html="",
            body_digest=None,
            highlights="",
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    deleted += db.session.execute(delete(Comment).where(*expired, ~replied_to)).rowcount
    messages = db.session.execute(
        delete(OutboxMessage).where(
            OutboxMessage.sent_at.is_not(None), OutboxMessage.sent_at < spam_cutoff
        )
    ).rowcount
    tokens = db.session.execute(
        delete(UsedToken).where(UsedToken.used_at < now - timedelta(days=8))
    ).rowcount
    return PurgeCounts(erased, deleted, messages, tokens)
