"""Everything that changes a comment's status, and the moderators' record of it.

A new comment comes in through forum.moderation.posting, which asks
forum.moderation.rules for its first status. Moderators' actions go through
`change_status`, the only function that writes `Comment.status`, and each leaves a
ModerationEvent. The moderators'
other tools (readers' reports, edits, picks, notes, badges, closing an article)
are here too, and leave one as well. Services here never commit: the caller
does, once, so nothing is stored half-way.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update

from forum import metrics, notifications
from forum.comment_text import TextSource, set_comment_text
from forum.extensions import db
from forum.models import (
    Article,
    AuthorRole,
    Block,
    BlockKind,
    Comment,
    CommentStatus,
    ModerationAction,
    ModerationEvent,
    Moderator,
    Report,
    utcnow,
)

REJECT_REASONS = {
    "spam": "Spam",
    "off-topic": "Off-topic",
    "abusive": "Abusive",
    "misinformation": "Medical misinformation",
    "harmful-advice": "Advice that could harm",
    "private-information": "Private information",
    "other": "Other",
}


# What a status change is called when nothing more particular happened.
STATUS_ACTIONS = {
    CommentStatus.APPROVED: ModerationAction.APPROVE,
    CommentStatus.REJECTED: ModerationAction.REJECT,
    CommentStatus.SPAM: ModerationAction.SPAM,
    CommentStatus.DELETED: ModerationAction.DELETE,
    CommentStatus.PENDING: ModerationAction.PENDING,
}


def change_status(
    comment: Comment,
    status: CommentStatus,
    *,
    moderator: Moderator | None = None,
    action: ModerationAction | None = None,
    reason: str = "",
    reason_code: str | None = None,
) -> ModerationEvent | None:
    """Move a comment to a new status, keep the article's counters true, and log it."""
    old = comment.status
    if old == status:
        return None
    comment.status = status
    now = utcnow()
    first_approval = status is CommentStatus.APPROVED and comment.approved_at is None
    if first_approval:
        comment.approved_at = now
    if status is CommentStatus.APPROVED:
        metrics.comment_approved()
    comment.decided_at = None if status is CommentStatus.PENDING else now
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
        action=action or STATUS_ACTIONS[status],
        from_status=old,
        to_status=status,
        reason=reason,
        reason_code=reason_code,
        created_at=now,
    )
    db.session.add(event)
    notifications.on_status_change(comment, old, reason_code, first_approval)
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
    """A moderator's action ("approve", "reject", "spam" or "delete") on one comment.

    Deciding on a comment also settles the readers' reports of it.
    """
    if comment.open_report_count:
        resolve_reports(comment, moderator)
    if action != "reject":
        reason_code = None
    elif reason_code not in REJECT_REASONS:
        reason_code = "other"
    return change_status(
        comment,
        MODERATOR_ACTIONS[action],
        moderator=moderator,
        action=ModerationAction(action),
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
    log_event(moderator, _BLOCKED[kind], comment=comment, reason=value)
    return block


def lift_block(block: Block, moderator: Moderator) -> None:
    comment = db.session.get(Comment, block.comment_id) if block.comment_id else None
    log_event(moderator, _LIFTED[block.kind], comment=comment, reason=block.value)
    db.session.delete(block)


_BLOCKED = {
    BlockKind.EMAIL: ModerationAction.BLOCK_EMAIL,
    BlockKind.DOMAIN: ModerationAction.BLOCK_DOMAIN,
    BlockKind.IP: ModerationAction.BLOCK_IP,
}
_LIFTED = {
    BlockKind.EMAIL: ModerationAction.UNBLOCK_EMAIL,
    BlockKind.DOMAIN: ModerationAction.UNBLOCK_DOMAIN,
    BlockKind.IP: ModerationAction.UNBLOCK_IP,
}


# --- Moderators' tools beyond status: reports, edits, picks, notes, badges, closing ---------


def log_event(
    moderator: Moderator | None,
    action: ModerationAction,
    *,
    comment: Comment | None = None,
    article: Article | None = None,
    target: Moderator | None = None,
    reason: str = "",
) -> ModerationEvent:
    """The one way to write to the moderators' record (status changes add their own)."""
    event = ModerationEvent(
        comment_id=comment.id if comment else None,
        article_id=article.id if article else None,
        moderator_id=moderator.id if moderator else None,
        target_moderator_id=target.id if target else None,
        action=action,
        reason=reason,
        created_at=utcnow(),
    )
    db.session.add(event)
    return event


def _public_change(article_id: int) -> None:
    """Something the public sees changed: pages, feeds and the API get new ETags."""
    db.session.execute(
        update(Article).where(Article.id == article_id).values(comments_changed_at=utcnow())
    )


def resolve_reports(comment: Comment, moderator: Moderator) -> int:
    """Close every open report of this comment; the number closed."""
    resolved = db.session.execute(
        update(Report)
        .where(Report.comment_id == comment.id, Report.resolved_at.is_(None))
        .values(resolved_at=utcnow(), resolved_by_id=moderator.id)
        .execution_options(synchronize_session=False)
    ).rowcount
    comment.open_report_count = 0
    return resolved


def hidden_by_reports(comment: Comment) -> bool:
    """True when the comment waits only because readers' reports took it off the page."""
    if comment.status is not CommentStatus.PENDING:
        return False
    latest = db.session.scalar(
        select(ModerationEvent.action)
        .where(
            ModerationEvent.comment_id == comment.id,
            ModerationEvent.to_status.is_not(None),
        )
        .order_by(ModerationEvent.created_at.desc(), ModerationEvent.id.desc())
        .limit(1)
    )
    return latest == ModerationAction.HIDDEN_BY_REPORTS


def dismiss_reports(comment: Comment, moderator: Moderator) -> ModerationEvent | None:
    """Readers' reports were unfounded: close them, and put back a comment they hid.

    None when there was nothing to dismiss.
    """
    people = comment.open_report_count
    restore = hidden_by_reports(comment)
    if not resolve_reports(comment, moderator) and not restore:
        return None
    reason = f"Dismissed reports from {people} {'person' if people == 1 else 'people'}"
    if restore:
        event = change_status(
            comment,
            CommentStatus.APPROVED,
            moderator=moderator,
            action=ModerationAction.DISMISS_REPORTS,
            reason=reason + "; published again",
        )
        if event is not None:
            return event
    return log_event(moderator, ModerationAction.DISMISS_REPORTS, comment=comment, reason=reason)


EDIT_PREVIOUS = "\n\nPrevious text:\n"


def _shown_change(
    comment: Comment, moderator: Moderator, action: ModerationAction, reason: str = ""
) -> ModerationEvent:
    """A change to what is shown with a comment: its page is rebuilt if public, and logged."""
    if comment.is_public:
        _public_change(comment.article_id)
    return log_event(moderator, action, comment=comment, reason=reason)


def edit_comment(comment: Comment, body: str, reason: str, moderator: Moderator) -> ModerationEvent:
    """Replace a comment's text; the event keeps the reason and the text it replaced."""
    previous = comment.body
    set_comment_text(comment, body, TextSource.MODERATOR)
    comment.edited_by_moderator_at = utcnow()
    return _shown_change(
        comment, moderator, ModerationAction.EDIT, reason + EDIT_PREVIOUS + previous
    )


def split_edit_reason(reason: str) -> tuple[str, str | None]:
    """An "edit" event's reason as (the moderator's reason, the text it replaced)."""
    said, found, previous = reason.partition(EDIT_PREVIOUS)
    return said, previous if found else None


def set_featured(comment: Comment, featured: bool, moderator: Moderator) -> ModerationEvent | None:
    """Make a comment a "Moderator's pick", or no longer; None when nothing changed."""
    if featured == (comment.featured_at is not None):
        return None
    comment.featured_at = utcnow() if featured else None
    action = ModerationAction.FEATURE if featured else ModerationAction.UNFEATURE
    return _shown_change(comment, moderator, action)


def set_moderator_note(
    comment: Comment, note: str, url: str | None, moderator: Moderator
) -> ModerationEvent | None:
    """Attach a short note (and link) shown under the comment; an empty note clears it."""
    url = (url or None) if note else None
    if (note, url) == (comment.moderator_note, comment.moderator_note_url):
        return None
    comment.moderator_note, comment.moderator_note_url = note, url
    if not note:
        return _shown_change(comment, moderator, ModerationAction.CLEAR_NOTE)
    return _shown_change(
        comment, moderator, ModerationAction.NOTE, note + (f"\n{url}" if url else "")
    )


def set_role_verified(
    comment: Comment, verified: bool, moderator: Moderator
) -> ModerationEvent | None:
    """Verify a healthcare professional's badge, or take the verification back."""
    if comment.author_role is not AuthorRole.PROFESSIONAL:
        raise ValueError("only a healthcare professional's badge can be verified")
    if comment.role_verified == verified:
        return None
    comment.role_verified = verified
    action = ModerationAction.VERIFY_ROLE if verified else ModerationAction.UNVERIFY_ROLE
    return _shown_change(comment, moderator, action)


def set_comment_closing(
    article: Article, closed: bool, after_days: int | None, moderator: Moderator
) -> ModerationEvent | None:
    """Close an article's comments now, or after some days from publication, or open them."""
    if (closed, after_days) == (article.comments_closed, article.close_comments_after_days):
        return None
    article.comments_closed = closed
    article.close_comments_after_days = after_days
    _public_change(article.id)  # the form gives way to a notice, or comes back
    state = "closed" if closed else "open"
    after = f"; closing {after_days} day(s) after publication" if after_days else ""
    return log_event(
        moderator,
        ModerationAction.COMMENTS_CLOSING,
        article=article,
        reason=f"Comments {state}{after}",
    )
