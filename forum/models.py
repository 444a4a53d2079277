"""The forum's data: articles, comments, moderators and the moderation log."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from enum import StrEnum

from flask_login import UserMixin
from sqlalchemy import DateTime, Enum, ForeignKey, Index, MetaData, String, Text, text
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, registry, relationship
from sqlalchemy.types import TypeDecorator

MAX_DEPTH = 5  # replies nest at most this many levels; deeper replies attach at this level


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Stored as naive UTC (SQLite keeps no zone), always read back as aware UTC."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return value.replace(tzinfo=UTC) if value is not None else None


class Base(DeclarativeBase):
    registry = registry(
        type_annotation_map={datetime: UTCDateTime},
        metadata=MetaData(
            naming_convention={
                "ix": "ix_%(column_0_label)s",
                "uq": "uq_%(table_name)s_%(column_0_name)s",
                "ck": "ck_%(table_name)s_%(constraint_name)s",
                "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
                "pk": "pk_%(table_name)s",
            }
        ),
    )


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


class ModerationAction(StrEnum):
    """What a moderation event records, stored as its value; `label` is what the log shows."""

    label: str

    def __new__(cls, value: str, label: str) -> ModerationAction:
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member

    APPROVE = "approve", "Approved"
    REJECT = "reject", "Rejected"
    SPAM = "spam", "Marked as spam"
    DELETE = "delete", "Deleted"
    PENDING = "pending", "Sent back to the queue"
    SCREENED = "screened", "Screened on arrival"
    IMPORTED = "imported", "Imported"
    HIDDEN_BY_REPORTS = "hidden-by-reports", "Hidden after reports"
    DISMISS_REPORTS = "dismiss-reports", "Dismissed reports"
    AUTHOR_EDIT = "author-edit", "Edited by its author"
    AUTHOR_DELETE = "author-delete", "Deleted by its author"
    EDIT = "edit", "Edited the text"
    FEATURE = "feature", "Made a moderator’s pick"
    UNFEATURE = "unfeature", "No longer a moderator’s pick"
    NOTE = "note", "Added a moderator’s note"
    CLEAR_NOTE = "clear-note", "Removed the moderator’s note"
    VERIFY_ROLE = "verify-role", "Verified a professional’s badge"
    UNVERIFY_ROLE = "unverify-role", "Took back a badge’s verification"
    COMMENTS_CLOSING = "comments-closing", "Changed when comments close"
    SETTINGS = "settings", "Changed the screening settings"
    BLOCK_EMAIL = "block-email", "Blocked an e-mail address"
    BLOCK_DOMAIN = "block-domain", "Blocked an e-mail domain"
    BLOCK_IP = "block-ip", "Blocked an IP address"
    UNBLOCK_EMAIL = "unblock-email", "Lifted an e-mail block"
    UNBLOCK_DOMAIN = "unblock-domain", "Lifted a domain block"
    UNBLOCK_IP = "unblock-ip", "Lifted an IP block"
    TWO_FACTOR_REQUIRED = "two-factor-required", "Made two-factor required for everyone"
    TWO_FACTOR_OPTIONAL = "two-factor-optional", "Made two-factor optional"
    INVITE = "invite", "Invited to the team"
    JOIN = "join", "Joined the team"
    ROLE = "role", "Changed a role"
    DISABLE = "disable", "Disabled an account"
    ENABLE = "enable", "Enabled an account"
    PASSWORD_CHANGE = "password-change", "Changed their password"
    PASSWORD_RESET_REQUEST = "password-reset-request", "Asked for a password reset link"
    PASSWORD_RESET = "password-reset", "Reset their password"
    TWO_FACTOR_ON = "two-factor-on", "Turned two-factor sign-in on"
    TWO_FACTOR_OFF = "two-factor-off", "Turned two-factor sign-in off"
    RECOVERY_CODES = "recovery-codes", "Made new recovery codes"
    RECOVERY_CODE_USED = "recovery-code-used", "Signed in with a recovery code"
    SIGN_OUT_EVERYWHERE = "sign-out-everywhere", "Signed out everywhere"


def _enum(enum_class: type[StrEnum], length: int = 16) -> Enum:
    # Stored as plain strings so that adding a value never needs an ALTER TYPE.
    return Enum(
        enum_class,
        native_enum=False,
        length=length,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )


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
        _enum(CommentStatus), default=CommentStatus.PENDING
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
    author_role: Mapped[AuthorRole | None] = mapped_column(_enum(AuthorRole))
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


class ModeratorRole(StrEnum):
    ADMIN = "admin"  # everything, plus the team, the settings, blocks and closing articles
    MODERATOR = "moderator"  # the queue and its actions


class Moderator(UserMixin, Base):
    __tablename__ = "moderator"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(80), default="")
    password_hash: Mapped[str] = mapped_column(String(256))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Failed sign-ins (passwords and two-factor codes) in the current window, and the lock.
    failed_logins: Mapped[int] = mapped_column(default=0, server_default=text("0"))
    failed_logins_since: Mapped[datetime | None] = mapped_column()
    locked_until: Mapped[datetime | None] = mapped_column()
    # Accounts made before roles existed could do everything: they stay admins.
    role: Mapped[ModeratorRole] = mapped_column(
        _enum(ModeratorRole), default=ModeratorRole.ADMIN, server_default="admin"
    )
    last_sign_in_at: Mapped[datetime | None] = mapped_column()
    # Every session carries the version it began with; bumping it signs out everywhere.
    session_version: Mapped[int] = mapped_column(default=0, server_default=text("0"))
    # TOTP (RFC 6238): the base32 secret, and the last time step accepted (no replays).
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_last_step: Mapped[int | None] = mapped_column()
    # Unused recovery codes, each hashed, as a JSON list.
    recovery_codes: Mapped[str] = mapped_column(Text, default="", server_default="")

    def set_password(self, password: str) -> None:
        from forum.accounts.passwords import hash_password

        self.password_hash = hash_password(password)

    def check_password(self, password: str) -> bool:
        from forum.accounts.passwords import verify_password

        return verify_password(self.password_hash, password)

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive accounts
        return self.active

    @property
    def is_admin(self) -> bool:
        return self.role is ModeratorRole.ADMIN

    @property
    def two_factor_enabled(self) -> bool:
        return self.totp_secret is not None

    @property
    def display_name(self) -> str:
        return self.name or self.email.split("@", 1)[0]


class ModerationEvent(Base):
    """Who did what to which comment, and when: the moderators' record."""

    __tablename__ = "moderation_event"
    __table_args__ = (Index("ix_moderation_event_created_at", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int | None] = mapped_column(
        ForeignKey("comment.id", ondelete="SET NULL"), index=True
    )
    article_id: Mapped[int | None] = mapped_column(
        ForeignKey("article.id", ondelete="SET NULL"), index=True
    )
    # None when the forum itself acted (screening rules, imports).
    moderator_id: Mapped[int | None] = mapped_column(
        ForeignKey("moderator.id", ondelete="SET NULL"), index=True
    )
    # The account acted upon (invitations, roles, passwords, two-factor), if any.
    target_moderator_id: Mapped[int | None] = mapped_column(
        ForeignKey("moderator.id", ondelete="SET NULL"), index=True
    )
    action: Mapped[ModerationAction] = mapped_column(_enum(ModerationAction, 40), index=True)
    from_status: Mapped[CommentStatus | None] = mapped_column(_enum(CommentStatus))
    to_status: Mapped[CommentStatus | None] = mapped_column(_enum(CommentStatus))
    # A reason picked from a list (rejections), so that the queue can count them.
    reason_code: Mapped[str | None] = mapped_column(String(40))
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    comment: Mapped[Comment | None] = relationship()
    moderator: Mapped[Moderator | None] = relationship(foreign_keys=[moderator_id])
    target_moderator: Mapped[Moderator | None] = relationship(foreign_keys=[target_moderator_id])


class BlockKind(StrEnum):
    EMAIL = "email"
    DOMAIN = "domain"
    IP = "ip"


class Block(Base):
    """An author whose new comments go straight to spam: by e-mail, e-mail domain or IP."""

    __tablename__ = "block"
    __table_args__ = (Index("ix_block_kind_value", "kind", "value"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[BlockKind] = mapped_column(_enum(BlockKind))
    value: Mapped[str] = mapped_column(String(254))  # lower-cased
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column()  # None: until lifted
    moderator_id: Mapped[int | None] = mapped_column(
        ForeignKey("moderator.id", ondelete="SET NULL")
    )
    comment_id: Mapped[int | None] = mapped_column(ForeignKey("comment.id", ondelete="SET NULL"))

    moderator: Mapped[Moderator | None] = relationship()


class Setting(Base):
    """A setting moderators changed in the moderation area; absent keys use the config."""

    __tablename__ = "setting"

    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[str] = mapped_column(Text)  # JSON
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


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
