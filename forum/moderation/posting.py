"""A new comment's way in: a form sent twice is recognised, then the comment is screened,
stored and, when held, announced to the moderators.

Like every service of forum.moderation it never commits: the view does, once.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from sqlalchemy import bindparam, insert, update
from sqlalchemy.orm import make_transient_to_detached

from forum import metrics, notifications
from forum.comment_text import TextSource, set_comment_text
from forum.extensions import db
from forum.models import MAX_DEPTH, Comment, CommentStatus, ModerationAction
from forum.moderation.actions import change_status
from forum.moderation.rules import flood, screen
from forum.moderation.submission import Submission
from forum.sanitize import plain_name

# How long after a comment the very same form, sent again, is taken as that comment.
RESEND_WINDOW = timedelta(minutes=2)


def submit_comment(sub: Submission) -> Comment:
    """Screen a new comment and add it to the session; raises Refused instead of storing it.

    The same form sent twice (a double click, or nginx handing a POST whose app server died
    after saving it to the next server) gets the comment already stored, not a second copy
    or a refusal: the person did post it, once. Within the flood time (if it is on) it gets
    the flood rule's 429 like anything else sent that soon, with the text kept.
    """
    # Names reach feeds and e-mails whose readers may render them as HTML: markup goes
    # here, once, as WordPress strips it on saving (the form still shows what was typed).
    sub = replace(sub, author_name=plain_name(sub.author_name))
    # The contract's 429 for anything sent within the flood time comes first, the same form
    # included; the rules ask for the flood again below only on such a rare resend.
    if (stored := _resent(sub)) is not None and flood(sub) is None:
        return stored
    screening = screen(sub)
    status, reasons = screening.status, screening.reasons
    parent = sub.parent
    comment = Comment(
        article_id=sub.article.id,
        parent_id=parent.id if parent else None,
        root_id=parent.root_id if parent else None,  # a top-level comment's is its own id
        depth=min(parent.depth + 1, MAX_DEPTH) if parent else 1,
        author_name=sub.author_name,
        author_email=sub.author_email,
        website=sub.website or None,
        status=CommentStatus.PENDING,
        screening_reasons="\n".join(reasons),
        author_role=sub.author_role,
        notify_on_publish=sub.notify_on_publish,
        notify_on_reply=sub.notify_on_reply,
        ip=sub.ip,
        user_agent=(sub.user_agent or "")[:400] or None,
        created_at=sub.now,
    )
    set_comment_text(
        comment,
        sub.body,
        TextSource.NEW,
        decisions=screening.text_decisions,
        body_html=sub.body_html,
    )
    _store(comment)
    if sub.experience:
        comment.experience = sub.experience.build()  # written by the commit's flush
    metrics.comment_posted(held=status is CommentStatus.PENDING)
    if status is CommentStatus.PENDING:
        notifications.held_for_review(comment)
    else:
        change_status(comment, status, action=ModerationAction.SCREENED, reason="; ".join(reasons))
    return comment


_TABLE = Comment.__table__
_INSERT = insert(_TABLE).returning(_TABLE.c.id)
_COLUMN_KEYS = frozenset(c.key for c in _TABLE.columns)
_SET_ROOT = update(_TABLE).where(_TABLE.c.id == bindparam("comment_id")).values(root_id=_TABLE.c.id)


def _store(comment: Comment) -> None:
    """Write a new comment as one INSERT (and, at the top of a thread, the root_id that is
    its own id), then attach it to the session as if loaded: posting is the forum's hottest
    write, and the ORM's unit of work cost more than the statements themselves."""
    typed = {c.key: comment.__dict__[c.key] for c in _TABLE.columns if c.key in comment.__dict__}
    result = db.session.connection().execute(_INSERT, typed)
    comment.id = result.scalar_one()
    written = result.last_inserted_params()  # with the columns' defaults filled in
    for key in _COLUMN_KEYS.difference(typed, ["id"]):
        setattr(comment, key, written.get(key))
    if comment.root_id is None:
        db.session.connection().execute(_SET_ROOT, {"comment_id": comment.id})
        comment.root_id = comment.id
    comment.experience = None  # known to be none yet: setting one later loads nothing
    make_transient_to_detached(comment)  # what is set counts as loaded, with no history
    db.session.add(comment)


def _resent(sub: Submission) -> Comment | None:
    """The comment this very form already made, if it came in moments ago."""
    earlier = sub.said_before  # the same text from this person, asked once for the rules too
    same_form = earlier is not None and (
        (earlier.body, earlier.author_email, earlier.author_name, earlier.parent_id)
        == (sub.body, sub.author_email, sub.author_name, sub.parent.id if sub.parent else None)
        and earlier.created_at >= sub.now - RESEND_WINDOW
    )
    return db.session.get(Comment, earlier.id) if same_form else None
