"""What readers do to published comments: "This helped me" and reports.

Readers have no accounts. A browser is known by a random id in its signed session
cookie; a reporter by a keyed hash of their IP address (never the address itself),
so that clearing cookies does not make one person count as several.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from flask import current_app, session
from sqlalchemy import func, select, update

from forum.extensions import db
from forum.models import (
    Article,
    Comment,
    CommentStatus,
    HelpfulVote,
    ModerationAction,
    Report,
    utcnow,
)
from forum.moderation.actions import change_status

HIDE_AFTER_REPORTS = 3  # from different people; the comment waits for a moderator
VISITOR_KEY = "visitor"


def _keyed(value: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()


def visitor_key() -> str:
    """This browser, as a keyed hash of a random id kept in its session cookie."""
    if not isinstance(session.get(VISITOR_KEY), str):
        session[VISITOR_KEY] = secrets.token_urlsafe(16)
    return _keyed("visitor:" + session[VISITOR_KEY])


def ip_key(ip: str | None) -> str:
    return _keyed("ip:" + (ip or "unknown"))


def mark_helpful(comment: Comment, voter: str) -> bool:
    """Count one "This helped me" from this browser; False if it already did."""
    exists = db.session.get(HelpfulVote, (comment.id, voter))
    if exists is not None:
        return False
    db.session.add(HelpfulVote(comment_id=comment.id, voter_key=voter))
    db.session.execute(
        update(Comment)
        .where(Comment.id == comment.id)
        .values(helpful_count=Comment.helpful_count + 1)
    )
    # The count is on the page: pages and caches keyed by the stamp must change.
    db.session.execute(
        update(Article).where(Article.id == comment.article_id).values(comments_changed_at=utcnow())
    )
    return True


def report_comment(comment: Comment, reason: str, note: str, reporter: str) -> bool:
    """File a reader's report; False if this reporter already reported the comment.

    `reporter` is ip_key(ip): people are told apart by address, so one person with
    several browsers counts once. After reports from HIDE_AFTER_REPORTS different
    people the comment leaves the page and waits in the queue for a moderator.
    """
    already = db.session.scalar(
        select(Report.id)
        .where(
            Report.comment_id == comment.id,
            Report.resolved_at.is_(None),
            Report.reporter_key == reporter,
        )
        .limit(1)
    )
    if already is not None:
        return False
    db.session.add(Report(comment_id=comment.id, reason=reason, note=note, reporter_key=reporter))
    db.session.flush()
    people = db.session.scalar(
        select(func.count(func.distinct(Report.reporter_key))).where(
            Report.comment_id == comment.id, Report.resolved_at.is_(None)
        )
    )
    comment.open_report_count = people
    if people >= HIDE_AFTER_REPORTS and comment.status is CommentStatus.APPROVED:
        change_status(
            comment,
            CommentStatus.PENDING,
            action=ModerationAction.HIDDEN_BY_REPORTS,
            reason=f"Hidden after reports from {people} people",
        )
    return True
