"""The discussion: articles, comments, the experiences they share, reports and votes."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.models.base import Base, enum_column, utcnow

MAX_DEPTH = 5  # replies nest at most this many levels; deeper replies attach at this level


class AuthorRole(StrEnum):
    PATIENT = "patient"
    CAREGIVER = "caregiver"
    PROFESSIONAL = "professional"
    OTHER = "other"


class CommentStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    SPAM = "spam"
    DELETED = "deleted"


def comments_open(closed: bool, close_after_days: int | None, published_at: datetime) -> bool:
    """Whether an article takes comments: not closed by hand, nor by its age."""
    if closed:
        return False
    if close_after_days is None:
        return True
    return utcnow() < published_at + timedelta(days=close_after_days)


class Article(Base):
    __tablename__ = "article"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    short_title: Mapped[str] = mapped_column(String(200))
    subtitle: Mapped[str] = mapped_column(String(300), default="")
    author: Mapped[str] = mapped_column(String(200), default="")
    source: Mapped[str] = mapped_column(String(500), default="")
    summary: Mapped[str] = mapped_column(Text, default="")
    body_markdown: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    published_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    # Kept up to date by forum.moderation, so listing pages never count rows.
    approved_comment_count: Mapped[int] = mapped_column(default=0)
    # Bumped whenever a comment of this article changes; feeds and pages derive ETags from it.
    comments_changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Moderators close new comments by hand, or after a number of days from publication.
    comments_closed: Mapped[bool] = mapped_column(default=False, server_default=text("false"))
    close_comments_after_days: Mapped[int | None] = mapped_column()
    # Why no one but moderators may see it ("password-protected on WordPress", say): an
    # import keeps such a post and its comments without publishing them. None: public.
    unpublished_reason: Mapped[str | None] = mapped_column(String(200))

    @property
    def is_public(self) -> bool:
        return self.unpublished_reason is None

    @property
    def accepts_comments(self) -> bool:
        closed, after_days = self.comments_closed, self.close_comments_after_days
        return comments_open(closed, after_days, self.published_at)

    comments: Mapped[list[Comment]] = relationship(back_populates="article", lazy="write_only")


class Comment(Base):
    __tablename__ = "comment"
    __table_args__ = (
        # The public thread: an article's approved top-level comments, oldest first.
        Index("ix_comment_thread", "article_id", "status", "depth", "created_at"),
        # All replies of a page of threads in one query.
        Index("ix_comment_root", "root_id", "created_at"),
        # The queue, each tab newest first.
        Index("ix_comment_queue", "status", "created_at"),
        Index("ix_comment_author_email", "author_email", "created_at"),
        # A returning author, found at once however many comments of theirs wait or are spam.
        Index("ix_comment_author_status", "author_email", "status"),
        Index("ix_comment_ip", "ip", "created_at"),
        Index("uq_comment_external", "article_id", "external_id", unique=True),
        Index("ix_comment_digest", "article_id", "body_digest"),
        Index("ix_comment_urgent", "status", "urgent", "created_at"),
        Index("ix_comment_featured", "article_id", "featured_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("article.id", ondelete="CASCADE"))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("comment.id", ondelete="SET NULL"))
    # The top-level comment of the thread (itself for a top-level comment).
    root_id: Mapped[int | None] = mapped_column()
    depth: Mapped[int] = mapped_column(default=1)  # 1 for a top-level comment, at most MAX_DEPTH

    author_name: Mapped[str] = mapped_column(String(80))
    author_email: Mapped[str | None] = mapped_column(String(254))  # never published
    website: Mapped[str | None] = mapped_column(String(500))
    body: Mapped[str] = mapped_column(Text)  # as typed
    body_html: Mapped[str] = mapped_column(Text)  # rendered by forum.sanitize when saved
    # A hash of the text with case and spacing folded, to find repeats without scanning.
    body_digest: Mapped[str | None] = mapped_column(String(64))

    status: Mapped[CommentStatus] = mapped_column(
        enum_column(CommentStatus), default=CommentStatus.PENDING
    )
    # Why the screening rules held or refused it, for moderators only; one reason per line.
    screening_reasons: Mapped[str] = mapped_column(Text, default="")

    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    approved_at: Mapped[datetime | None] = mapped_column()

    # For moderators only: never in a public response.
    ip: Mapped[str | None] = mapped_column(String(45))
    user_agent: Mapped[str | None] = mapped_column(String(400))

    # The id a comment had in the system it was imported from (WordPress, Isso, the seed file).
    external_id: Mapped[str | None] = mapped_column(String(100))

    # "I am a…": self-declared, shown as a badge; moderators may verify a professional.
    author_role: Mapped[AuthorRole | None] = mapped_column(enum_column(AuthorRole))
    role_verified: Mapped[bool] = mapped_column(default=False, server_default=text("false"))
    # Describes urgent symptoms happening now: shown first in the queue's Urgent tab.
    urgent: Mapped[bool] = mapped_column(default=False, server_default=text("false"))
    # What the safety rules matched, as JSON [[start, end, label], ...] into `body`.
    highlights: Mapped[str] = mapped_column(Text, default="", server_default="")
    featured_at: Mapped[datetime | None] = mapped_column()  # a moderator's pick
    moderator_note: Mapped[str] = mapped_column(Text, default="", server_default="")
    moderator_note_url: Mapped[str | None] = mapped_column(String(500))
    edited_by_moderator_at: Mapped[datetime | None] = mapped_column()
    helpful_count: Mapped[int] = mapped_column(default=0, server_default=text("0"))
    open_report_count: Mapped[int] = mapped_column(default=0, server_default=text("0"))
    # The author's own choices of e-mail, off unless ticked.
    notify_on_publish: Mapped[bool] = mapped_column(default=False, server_default=text("false"))
    notify_on_reply: Mapped[bool] = mapped_column(default=False, server_default=text("false"))
    # When a moderator (or the forum) last took it out of the queue; IPs are erased
    # a set time after it.
    decided_at: Mapped[datetime | None] = mapped_column(index=True)
    removed_by_author_at: Mapped[datetime | None] = mapped_column()

    article: Mapped[Article] = relationship(back_populates="comments")
    parent: Mapped[Comment | None] = relationship(remote_side=[id])
    experience: Mapped[Experience | None] = relationship(
        back_populates="comment", cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def is_public(self) -> bool:
        return self.status == CommentStatus.APPROVED


class Experience(Base):
    """A patient's structured account of their IVIG treatment, attached to their comment."""

    __tablename__ = "experience"

    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(
        ForeignKey("comment.id", ondelete="CASCADE"), unique=True
    )
    treatment: Mapped[str | None] = mapped_column(String(20))  # receiving, past, considering…
    route: Mapped[str | None] = mapped_column(String(20))  # clinic, home, subcutaneous
    helped: Mapped[str | None] = mapped_column(String(10))  # "1".."5" or "early"
    onset: Mapped[str | None] = mapped_column(String(10))  # days, weeks, months, never

    comment: Mapped[Comment] = relationship(back_populates="experience")
    conditions: Mapped[list[ExperienceCondition]] = relationship(
        cascade="all, delete-orphan", lazy="joined", order_by="ExperienceCondition.code"
    )
    side_effects: Mapped[list[ExperienceSideEffect]] = relationship(
        cascade="all, delete-orphan", lazy="joined", order_by="ExperienceSideEffect.code"
    )


class ExperienceCondition(Base):
    __tablename__ = "experience_condition"

    experience_id: Mapped[int] = mapped_column(
        ForeignKey("experience.id", ondelete="CASCADE"), primary_key=True
    )
    code: Mapped[str] = mapped_column(String(30), primary_key=True, index=True)


class ExperienceSideEffect(Base):
    __tablename__ = "experience_side_effect"

    experience_id: Mapped[int] = mapped_column(
        ForeignKey("experience.id", ondelete="CASCADE"), primary_key=True
    )
    code: Mapped[str] = mapped_column(String(30), primary_key=True, index=True)


class Report(Base):
    """A reader's report of a published comment."""

    __tablename__ = "report"
    __table_args__ = (Index("ix_report_comment_open", "comment_id", "resolved_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("comment.id", ondelete="CASCADE"))
    reason: Mapped[str] = mapped_column(String(30))
    note: Mapped[str] = mapped_column(Text, default="")
    # A keyed hash of the reporter's browser, so that one person counts once.
    reporter_key: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column()
    resolved_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("moderator.id", ondelete="SET NULL")
    )


class HelpfulVote(Base):
    """One browser's "This helped me" on one comment."""

    __tablename__ = "helpful_vote"

    comment_id: Mapped[int] = mapped_column(
        ForeignKey("comment.id", ondelete="CASCADE"), primary_key=True
    )
    voter_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
