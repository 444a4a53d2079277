"""Everything that decides or changes a comment's status.

A new comment goes through `submit_comment`: the screening rules, tried in order
from SCREENING_RULES, decide whether it is refused, held, marked as spam or
published. Moderators' actions go through `change_status`, the only function
that writes `Comment.status`, and each leaves a ModerationEvent. Services here
never commit: the caller does, once, so nothing is stored half-way.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from flask import current_app
from itsdangerous import BadData, URLSafeTimedSerializer
from sqlalchemy import func, select, update

from forum.extensions import db
from forum.models import (
    MAX_DEPTH,
    Article,
    Comment,
    CommentStatus,
    ModerationEvent,
    Moderator,
    utcnow,
)
from forum.sanitize import render_comment


@dataclass(frozen=True)
class Submission:
    """A new comment as typed, with what the request tells about its sender."""

    article: Article
    parent: Comment | None
    author_name: str
    author_email: str
    website: str | None
    body: str
    ip: str | None
    user_agent: str | None
    form_age: timedelta | None  # time since the form was served, from its signed token
    now: datetime = field(default_factory=utcnow)


class Verdict(StrEnum):
    PUBLISH = "publish"
    HOLD = "hold"
    SPAM = "spam"
    REFUSE = "refuse"


@dataclass(frozen=True)
class Decision:
    verdict: Verdict
    reason: str
    message: str = ""  # for a refusal: what the person is told, their text kept
    http_status: int = 400
    restart_form: bool = False  # for a refusal: serve the form with a new start time


Rule = Callable[[Submission], Decision | None]


class Refused(Exception):
    """A comment that is not stored; the person is told why and keeps their text."""

    def __init__(self, decision: Decision) -> None:
        super().__init__(decision.message)
        self.decision = decision


def _form_signer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="comment-form-started")


def sign_form_start() -> str:
    """A token that says, signed, when the comment form was first served."""
    return _form_signer().dumps(1)


def form_age(token: str | None) -> timedelta | None:
    """How long ago the form was first served; None if the token is missing or altered."""
    if not token:
        return None
    try:
        _, signed_at = _form_signer().loads(token, return_timestamp=True)
    except BadData:
        return None
    return utcnow() - signed_at


def form_timing(sub: Submission) -> Decision | None:
    """People take a few seconds to write; bots send at once, or replay old forms."""
    if sub.form_age is None:
        return Decision(Verdict.HOLD, "The form's signed start time was missing or altered")
    seconds = sub.form_age.total_seconds()
    if seconds > current_app.config["FORUM_FORM_MAX_AGE"]:
        return Decision(
            Verdict.REFUSE,
            "The form had expired",
            "This form expired; your comment is kept below, please send it again.",
            restart_form=True,
        )
    min_seconds = current_app.config["FORUM_MIN_FORM_SECONDS"]
    if min_seconds and seconds < min_seconds:
        return Decision(
            Verdict.SPAM,
            f"Sent {seconds:.1f} s after the form was served "
            f"(people take at least {min_seconds} s)",
        )
    return None


def flood(sub: Submission) -> Decision | None:
    seconds = current_app.config["FORUM_FLOOD_SECONDS"]
    if not seconds:
        return None
    since = sub.now - timedelta(seconds=seconds)
    senders = [Comment.author_email == sub.author_email]
    if sub.ip:
        senders.append(Comment.ip == sub.ip)
    # One query per sender kind, so that each uses its own index.
    times = [db.session.scalar(select(func.max(Comment.created_at)).where(s)) for s in senders]
    last = max((t for t in times if t is not None), default=None)
    if last is None or last <= since:
        return None
    wait = max(1, int((last + timedelta(seconds=seconds) - sub.now).total_seconds() + 0.999))
    return Decision(
        Verdict.REFUSE,
        "Sent too soon after the previous comment",
        f"You are posting too quickly. Please wait {wait} second{'s' if wait != 1 else ''} "
        "and send your comment again; it is kept below.",
        http_status=429,
    )


# Tried in order; the first refusal stops the list, otherwise the strongest verdict wins.
SCREENING_RULES: list[Rule] = [form_timing, flood]

_STRENGTH = {Verdict.PUBLISH: 0, Verdict.HOLD: 1, Verdict.SPAM: 2}


def screen(sub: Submission) -> tuple[CommentStatus, list[str]]:
    """The status a new comment starts with, and the reasons the rules gave."""
    decisions: list[Decision] = []
    for rule in SCREENING_RULES:
        decision = rule(sub)
        if decision is None:
            continue
        if decision.verdict is Verdict.REFUSE:
            raise Refused(decision)
        decisions.append(decision)
    reasons = [d.reason for d in decisions]
    strongest = max((d.verdict for d in decisions), key=_STRENGTH.__getitem__, default=None)
    if strongest is Verdict.SPAM:
        return CommentStatus.SPAM, reasons
    if strongest is Verdict.PUBLISH and all(d.verdict is Verdict.PUBLISH for d in decisions):
        return CommentStatus.APPROVED, reasons
    # Every comment waits for a moderator unless a rule lets it through.
    return CommentStatus.PENDING, reasons


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
        body_html=str(render_comment(sub.body)),
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
    comment: Comment, action: str, moderator: Moderator, reason: str = ""
) -> ModerationEvent | None:
    """A moderator's action ("approve", "reject", "spam" or "delete") on one comment."""
    return change_status(
        comment, MODERATOR_ACTIONS[action], moderator=moderator, action=action, reason=reason
    )
