"""E-mail: the outbox, readers' subscriptions and opt-outs, single-use links."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.models.base import Base, utcnow
from forum.models.discussion import Article


class OutboxMessage(Base):
    """An e-mail waiting to be sent: posting never waits for SMTP, and failures are retried."""

    __tablename__ = "outbox_message"
    __table_args__ = (Index("ix_outbox_message_due", "sent_at", "send_after"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    headers: Mapped[str] = mapped_column(Text, default="{}")  # JSON
    kind: Mapped[str] = mapped_column(String(40))  # what triggered it, e.g. "reply"
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    send_after: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column()
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")


class HeldNotice(Base):
    """A held comment the moderators have not been told of yet. A post only adds this row;
    the mail sender's next round tells each moderator of all such comments in one message."""

    __tablename__ = "held_notice"

    comment_id: Mapped[int] = mapped_column(
        ForeignKey("comment.id", ondelete="CASCADE"), primary_key=True
    )


class Subscription(Base):
    """A reader who asked for e-mail about new comments on an article (double opt-in)."""

    __tablename__ = "subscription"
    __table_args__ = (Index("uq_subscription_article_email", "article_id", "email", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("article.id", ondelete="CASCADE"))
    email: Mapped[str] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column()

    article: Mapped[Article] = relationship()


class MailOptOut(Base):
    """An address that asked for no more e-mail from the forum."""

    __tablename__ = "mail_opt_out"

    email: Mapped[str] = mapped_column(String(254), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class UsedToken(Base):
    """Single-use links that were used: a signed token's id is refused once it is here."""

    __tablename__ = "used_token"

    token_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    used_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
