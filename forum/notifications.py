"""Every e-mail the forum sends, and what triggers it.

- held for review: to each moderator when new comments wait, one message for all that came
  since the mail sender's last round (or one daily digest);
- your comment is published: to its author, if they ticked it, when it is approved;
- about your comment: to its author, if they ticked any e-mail, when it is rejected;
- new reply: to the parent's author, if they ticked it, when a reply is published;
- new comment: to confirmed subscribers of the article, when a comment is published;
- confirm your subscription: to whoever subscribed (double opt-in);
- your comments: the "manage my comments" link, to whoever asked for it.

Messages to commenters never name another commenter's e-mail address; each carries
a one-click unsubscribe link (RFC 8058) that needs no sign-in.
"""

from __future__ import annotations

from datetime import timedelta
from typing import NamedTuple

from flask import current_app
from sqlalchemy import ColumnElement, bindparam, delete, func, insert, select
from sqlalchemy.orm import lazyload

from forum.config import SITE_NAME
from forum.extensions import db
from forum.links import absolute_url, comment_url
from forum.mail import add_to_outbox, compose_each_round, make_token, queue_message
from forum.models import (
    Comment,
    CommentStatus,
    HeldNotice,
    MailOptOut,
    Moderator,
    Subscription,
)
from forum.sanitize import one_line
from forum.settings import current_settings

DECISION_LINK_AGE = timedelta(days=7)
MAX_LISTED = 25  # comments one message to a moderator sums up; the rest wait in the queue

REJECTION_WORDS = {
    "spam": "it looked like advertising",
    "off-topic": "it was not about IVIG or this article",
    "abusive": "it was not kind to other readers",
    "misinformation": "it included medical claims we could not let stand",
    "harmful-advice": "it gave advice that could harm someone whose treatment is different",
    "private-information": "it included private details that should not be public",
    "other": "it did not fit our community guidelines",
}


def _unsubscribe_headers(email: str) -> tuple[dict[str, str], str]:
    url = absolute_url("account.unsubscribe", token=make_token("unsubscribe", email=email))
    headers = {
        "List-Unsubscribe": f"<{url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    return headers, url


def _to_commenter(email: str | None, subject: str, text: str, kind: str) -> None:
    if not email:
        return
    headers, unsubscribe = _unsubscribe_headers(email)
    body = f"{text}\n\n--\nStop all e-mail from the {SITE_NAME}: {unsubscribe}\n"
    queue_message(email, subject, body, kind, headers)


def _quote(comment: Comment) -> str:
    # The text as typed, not its HTML made plain again: the same words (a link's address
    # shows), in a plain-text message, without running an HTML parser for each comment.
    return "> " + one_line(comment.body, 600)


def comment_published(comment: Comment) -> None:
    if not comment.notify_on_publish:
        return
    _to_commenter(
        comment.author_email,
        f"Your comment on {comment.article.short_title} is published",
        f"Hello {comment.author_name},\n\nYour comment is now published:\n\n{_quote(comment)}\n\n"
        f"Read it in the discussion: {comment_url(comment)}",
        "published",
    )


def comment_rejected(comment: Comment, reason_code: str | None) -> None:
    if not (comment.notify_on_publish or comment.notify_on_reply):
        return
    why = REJECTION_WORDS.get(reason_code or "other", REJECTION_WORDS["other"])
    _to_commenter(
        comment.author_email,
        f"About your comment on {comment.article.short_title}",
        f"Hello {comment.author_name},\n\nThank you for taking the time to write. A moderator "
        f"decided not to publish your comment, because {why}. We know that sharing your "
        "experience takes effort, and you are welcome to write again.\n\n"
        f"Your comment was:\n\n{_quote(comment)}",
        "rejected",
    )


def reply_published(reply: Comment) -> None:
    parent = reply.parent
    if parent is None or not parent.notify_on_reply or not parent.author_email:
        return
    if parent.author_email == reply.author_email:
        return
    _to_commenter(
        parent.author_email,
        f"{reply.author_name} replied to your comment on {reply.article.short_title}",
        f"Hello {parent.author_name},\n\n{reply.author_name} replied to your comment:\n\n"
        f"{_quote(reply)}\n\nRead the conversation: {comment_url(reply)}",
        "reply",
    )


def new_comment_for_subscribers(comment: Comment) -> None:
    subscribers = db.session.scalars(
        select(Subscription.email).where(
            Subscription.article_id == comment.article_id,
            Subscription.confirmed_at.is_not(None),
        )
    ).all()
    for email in subscribers:
        if email == comment.author_email:
            continue
        _to_commenter(
            email,
            f"New comment on {comment.article.short_title}",
            f"{comment.author_name} wrote:\n\n{_quote(comment)}\n\nRead it: {comment_url(comment)}",
            "subscription",
        )


def on_status_change(
    comment: Comment, old: CommentStatus, reason_code: str | None, first_approval: bool
) -> None:
    """Called by forum.moderation whenever a comment changes status."""
    # On an article kept from the public, approval publishes nothing: no one is told.
    if first_approval and comment.article.is_public:
        comment_published(comment)
        reply_published(comment)
        new_comment_for_subscribers(comment)
    elif comment.status is CommentStatus.REJECTED and old is CommentStatus.PENDING:
        comment_rejected(comment, reason_code)


def _decision_links(comment: Comment, moderator: _Recipient) -> str:
    lines = []
    for action, label in (("approve", "Approve"), ("reject", "Reject")):
        token = make_token("decide", comment=comment.id, action=action, moderator=moderator.id)
        lines.append(f"{label}: {absolute_url('moderation.decide', token=token)}")
    return "\n".join(lines)


def _held_summary(comment: Comment, quote: str, moderator: _Recipient) -> str:
    reasons = comment.screening_reasons.replace("\n", "; ") or "every comment waits for review"
    urgent = "URGENT: describes symptoms that need help now.\n" if comment.urgent else ""
    return (
        f"{urgent}{comment.author_name} on {comment.article.short_title}:\n\n{quote}\n\n"
        f"Held because: {reasons}\n\n{_decision_links(comment, moderator)}\n"
        f"(Each link opens a page with one button; links work once, for 7 days.)"
    )


class _Recipient(NamedTuple):
    """A moderator to mail, read as a plain row: every held comment asks for them."""

    id: int
    email: str
    name: str

    display_name = property(Moderator.display_name.fget)  # the same greeting as the model's


# The moderators to tell of held comments: active, and not opted out of e-mail, in one
# query (an opt-out is stored in lower case, as forum.mail.opted_out looks it up).
_MODERATOR = Moderator.__table__.c
_MODERATORS_TO_MAIL = (
    select(_MODERATOR.id, _MODERATOR.email, _MODERATOR.name)
    .outerjoin(MailOptOut, MailOptOut.email == func.lower(_MODERATOR.email))
    .where(_MODERATOR.active.is_(True), MailOptOut.email.is_(None))
)


def _moderators_to_mail() -> list[_Recipient]:
    return [_Recipient(*row) for row in db.session.connection().execute(_MODERATORS_TO_MAIL)]


_HELD = HeldNotice.__table__
_NOTE_HELD = insert(_HELD)
_NOTED = select(_HELD.c.comment_id).order_by(_HELD.c.comment_id).limit(500)  # a round's most
_TAKE_HELD = (
    delete(_HELD)
    .where(_HELD.c.comment_id.in_(bindparam("noted", expanding=True)))
    .returning(_HELD.c.comment_id)
)


def held_for_review(comment: Comment) -> None:
    """Note a held comment for the moderators' next notice, unless they chose a daily digest.
    The note is all that a post pays for: composing and sending waits for the mail sender."""
    if not current_settings().moderator_digest:
        db.session.connection().execute(_NOTE_HELD, {"comment_id": comment.id})


@compose_each_round
def announce_held() -> int:
    """Tell each moderator, in one message, of the comments held since the last round that
    still wait (the usual notice for one, a list for a burst); returns messages queued.

    The messages are written before the notes are taken, so that the write (which on SQLite
    locks out every other writer, a post in another worker included) is short. Taking them
    is one DELETE … RETURNING: where another sender took some first, ours tell of the rest.
    """
    noted = db.session.connection().execute(_NOTED).scalars().all()
    if not noted:
        return 0
    messages = _held_messages(noted)
    taken = db.session.connection().execute(_TAKE_HELD, {"noted": noted}).scalars().all()
    if len(taken) != len(noted):
        messages = _held_messages(taken)
    for message in messages:
        add_to_outbox(*message)
    return len(messages)


def waiting_comments(*where: ColumnElement[bool]) -> tuple[list[Comment], int]:
    """The pending comments that meet `where`: the first MAX_LISTED a message lists (urgent
    first, oldest first), loaded, and how many there are in all, counted."""
    waiting = (Comment.status == CommentStatus.PENDING, *where)
    listed = db.session.scalars(
        select(Comment)
        .where(*waiting)
        .order_by(Comment.urgent.desc(), Comment.id)
        .limit(MAX_LISTED)
        .options(lazyload(Comment.experience))  # a notice does not show it
    ).all()
    total = len(listed)
    if total == MAX_LISTED:
        total = db.session.scalar(select(func.count()).select_from(Comment).where(*waiting))
    return list(listed), total


def _held_messages(comment_ids: list[int]) -> list[Message]:
    listed, total = waiting_comments(Comment.id.in_(comment_ids))
    if not listed:
        return []
    urgent = "[URGENT] " if listed[0].urgent else ""
    if total == 1:
        comment = listed[0]
        subject = f"Comment waiting: {comment.author_name} on {comment.article.short_title}"
        opening = "A comment waits for review.\n\n"
    else:
        subject, opening = f"{total} comments waiting for review", ""
    return _to_moderators(listed, urgent + subject, opening, "held", total)


def moderator_digest(pending: list[Comment], total: int | None = None) -> int:
    """One message per moderator listing the comments that wait (`total` of them, if only
    the first are given); returns messages queued."""
    subject = f"{total or len(pending)} comment(s) waiting for review"
    messages = _to_moderators(pending, subject, "", "digest", total)
    for message in messages:
        add_to_outbox(*message)
    return len(messages)


class Message(NamedTuple):
    recipient: str
    subject: str
    body: str
    kind: str


def _to_moderators(
    comments: list[Comment], subject: str, opening: str, kind: str, total: int | None = None
) -> list[Message]:
    """One message to each moderator who takes e-mail, listing the first of `comments` and
    counting the rest (of `total` if only the first were loaded)."""
    if not comments:
        return []
    quoted = [(comment, _quote(comment)) for comment in comments[:MAX_LISTED]]
    more = (total or len(comments)) - len(quoted)
    rest = f"\n\n----\n\n…and {more} more in the queue." if more else ""
    queue = absolute_url("moderation.index")
    return [
        Message(
            moderator.email,
            subject,
            f"Hello {moderator.display_name},\n\n{opening}"
            + "\n\n----\n\n".join(_held_summary(c, quote, moderator) for c, quote in quoted)
            + f"{rest}\n\nThe queue: {queue}",
            kind,
        )
        for moderator in _moderators_to_mail()
    ]


def subscription_confirmation(subscription: Subscription) -> None:
    token = make_token("subscribe", subscription=subscription.id, email=subscription.email)
    queue_message(
        subscription.email,
        f"Please confirm: new comments on {subscription.article.short_title}",
        "Someone (we hope you) asked for an e-mail about each new comment on "
        f"“{subscription.article.title}”.\n\nTo confirm, open: "
        f"{absolute_url('account.confirm_subscription', token=token)}\n\n"
        "If it was not you, ignore this message: nothing more will be sent.",
        "subscribe",
        requested=True,
    )


def manage_link(email: str) -> None:
    token = make_token("manage", email=email)
    minutes = int(current_app.config["FORUM_MANAGE_LINK_AGE"].total_seconds() // 60)
    queue_message(
        email,
        f"Your comments on the {SITE_NAME}",
        "Here is your link to see, edit, delete or download the comments you posted with "
        f"this address, and to stop all e-mail:\n\n{absolute_url('account.manage', token=token)}"
        f"\n\nThe link works once, for {minutes} minutes. If you did not ask for it, ignore "
        "this message.",
        "manage",
        requested=True,
    )
