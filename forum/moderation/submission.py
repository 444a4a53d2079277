"""A new comment as it arrives: what was typed, and what the request tells of its sender.

The screening rules (forum.moderation.rules) and the resend check (forum.moderation.posting)
read it; what they ask of it more than once (its HTML, its digest, the same text said
before) is worked out once.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cached_property

from sqlalchemy import Row, bindparam, or_, select

from forum.experiences import ExperienceAnswers
from forum.extensions import db
from forum.models import Article, AuthorRole, Comment, utcnow
from forum.sanitize import render_comment


def body_digest(text: str) -> str:
    """The same text whatever its case and spacing."""
    return hashlib.sha256(" ".join(text.casefold().split()).encode()).hexdigest()


# Built once, on the tables (plain rows, no ORM objects): posting is the forum's hottest
# write, and these reads cost more in the ORM than on SQLite.
_COMMENT = Comment.__table__.c
_SAID_BEFORE = (
    select(Comment.__table__)
    .where(
        _COMMENT.article_id == bindparam("article_id"),
        _COMMENT.body_digest == bindparam("digest"),
        or_(
            _COMMENT.author_email == bindparam("email"),
            _COMMENT.author_name == bindparam("name"),
        ),
    )
    .order_by(_COMMENT.id.desc())
    .limit(1)
)


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
    form_age: timedelta | None  # since the form was first served; None: token missing or bad
    honeypot: str = ""
    author_role: AuthorRole | None = None
    experience: ExperienceAnswers | None = None
    confirmed: bool = False  # the person chose "Post anyway" after being asked to check
    notify_on_publish: bool = False
    notify_on_reply: bool = False
    now: datetime = field(default_factory=utcnow)

    @cached_property
    def body_html(self) -> str:
        return str(render_comment(self.body))

    @cached_property
    def body_digest(self) -> str:
        return body_digest(self.body)

    @cached_property
    def said_before(self) -> Row | None:
        """This person's latest comment with the same text on this article, if any, as a
        row: asked once, by the resend check and by the rule `duplicate`."""
        values = {"article_id": self.article.id, "digest": self.body_digest}
        values.update(email=self.author_email, name=self.author_name)
        return db.session.connection().execute(_SAID_BEFORE, values).first()
