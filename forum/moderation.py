"""Everything that changes a comment's status, and the moderators' record of it.

A new comment goes through `submit_comment`, which asks forum.screening for its
first status. Moderators' actions go through `change_status`, the only function
that writes `Comment.status`, and each leaves a ModerationEvent. Services here
never commit: the caller does, once, so nothing is stored half-way.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update

from forum.extensions import db
from forum.models import (
    MAX_DEPTH,
    Article,
    Block,
    BlockKind,
    Comment,
    CommentStatus,
    ModerationEvent,
    Moderator,
    utcnow,
)
from forum.screening import Submission, screen

REJECT_REASONS = {
    "spam": "Spam",
    "off-topic": "Off-topic",
    "abusive": "Abusive",
    "misinformation": "Medical misinformation",
    "harmful-advice": "Advice that could harm",
    "private-information": "Private information",
    "other": "Other",
}


def submit_comment(sub: Submission) -> Comment:
    """Screen a new comment and add it to the session; raises Refused instead of storing it."""
    status, reasons = screen(sub)
    parent = sub.parent
    comment = Comment(
        article=sub.article,
        parent_id=parent.id if parent else None,
        depth=min(parent.depth + 1, MAX_DEPTH) if parent else 1,
        author_name=sub.author_name,
        author_email=sub.author_email,
        website=sub.website or None,
        body=sub.body,
        body_html=sub.body_html,
        body_digest=sub.body_digest,
        status=CommentStatus.PENDING,
        screening_reasons="\n".join(reasons),
        ip=sub.ip,
        user_agent=(sub.user_agent or "")[:400] or None,
        created_at=sub.now,
    )
    db.session.add(comment)
    db.session.flush()  # the id is needed for root_id
    comment.root_id = parent.root_id if parent else comment.id
    if status is not CommentStatus.PENDING:
        change_status(comment, status, action="screened", reason="; ".join(reasons))
    return comment


def change_status(
    comment: Comment,
    status: CommentStatus,
    *,
    moderator: Moderator | None = None,
    action: str | None = None,
    reason: str = "",
    reason_code: str | None = None,
) -> ModerationEvent | None:
    """Move a comment to a new status, keep the article's counters true, and log it."""
    old = comment.status
    if old == status:
        return None
    comment.status = status
    now = utcnow()
    if status is CommentStatus.APPROVED and comment.approved_at is None:
        comment.approved_at = now
    delta = (status is CommentStatus.APPROVED) - (old is CommentStatus.APPROVED)
    db.session.execute(
        update(Article)
        .where(Article.id == comment.article_id)
        .values(
            approved_comment_count=Article.approved_comment_count + delta,
            comments_changed_at=now,
        )
    )
    event = ModerationEvent(
        comment_id=comment.id,
        moderator_id=moderator.id if moderator else None,
        action=action or status.value,
        from_status=old,
        to_status=status,
        reason=reason,
        reason_code=reason_code,
        created_at=now,
    )
    db.session.add(event)
    return event


MODERATOR_ACTIONS = {
    "approve": CommentStatus.APPROVED,
    "reject": CommentStatus.REJECTED,
    "spam": CommentStatus.SPAM,
    "delete": CommentStatus.DELETED,
}


def moderate(
    comment: Comment, action: str, moderator: Moderator, reason_code: str | None = None
) -> ModerationEvent | None:
    """A moderator's action ("approve", "reject", "spam" or "delete") on one comment."""
    if action != "reject":
        reason_code = None
    elif reason_code not in REJECT_REASONS:
        reason_code = "other"
    return change_status(
        comment,
        MODERATOR_ACTIONS[action],
        moderator=moderator,
        action=action,
        reason=REJECT_REASONS.get(reason_code or "", ""),
        reason_code=reason_code,
    )


def block_author(
    comment: Comment,
    kind: BlockKind,
    moderator: Moderator,
    expires_at: datetime | None = None,
) -> Block | None:
    """Send this comment author's later comments to spam, by e-mail, e-mail domain or IP."""
    email = (comment.author_email or "").lower()
    value = {
        BlockKind.EMAIL: email,
        BlockKind.DOMAIN: email.rpartition("@")[2],
        BlockKind.IP: comment.ip or "",
    }[kind]
    if not value:
        return None
    block = Block(
        kind=kind,
        value=value,
        expires_at=expires_at,
        moderator_id=moderator.id,
        comment_id=comment.id,
        reason=f"Blocked from comment {comment.id}",
    )
    db.session.add(block)
    db.session.add(
        ModerationEvent(
            comment_id=comment.id,
            moderator_id=moderator.id,
            action=f"block-{kind.value}",
            reason=value,
        )
    )
    return block


def lift_block(block: Block, moderator: Moderator) -> None:
    db.session.add(
        ModerationEvent(
            comment_id=block.comment_id,
            moderator_id=moderator.id,
            action=f"unblock-{block.kind.value}",
            reason=block.value,
        )
    )
    db.session.delete(block)
