"""Retention: what the forum forgets, and when (see the privacy page)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, or_, update

from forum.extensions import db
from forum.models import Article, Comment, CommentStatus, OutboxMessage, UsedToken, utcnow


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
    # Replies keep their place: a deleted parent's children lose only the link to it.
    deleted = db.session.execute(
        delete(Comment).where(
            Comment.status.in_([CommentStatus.SPAM, CommentStatus.REJECTED]),
            Comment.decided_at.is_not(None),
            Comment.decided_at < spam_cutoff,
        )
    ).rowcount
    if deleted:  # a purged comment may have been the placeholder above a published reply
        db.session.execute(update(Article).values(comments_changed_at=now))
    messages = db.session.execute(
        delete(OutboxMessage).where(
            OutboxMessage.sent_at.is_not(None), OutboxMessage.sent_at < spam_cutoff
        )
    ).rowcount
    tokens = db.session.execute(
        delete(UsedToken).where(UsedToken.used_at < now - timedelta(days=8))
    ).rowcount
    return PurgeCounts(erased, deleted, messages, tokens)
