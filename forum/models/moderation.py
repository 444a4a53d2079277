"""The moderators: their accounts, their record of actions, blocks and settings."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from flask_login import UserMixin
from sqlalchemy import ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.models.base import Base, enum_column, utcnow
from forum.models.discussion import Comment, CommentStatus


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


class ModeratorRole(StrEnum):
    ADMIN = "admin"  # everything, plus the team, the settings, blocks and closing articles
    MODERATOR = "moderator"  # the queue and its actions


class Moderator(UserMixin, Base):
    __tablename__ = "moderator"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(80), default="")
    password_hash: Mapped[str] = mapped_column(String(256))  # forum.accounts.passwords
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Failed sign-ins (passwords and two-factor codes) in the current window, and the lock.
    failed_logins: Mapped[int] = mapped_column(default=0, server_default=text("0"))
    failed_logins_since: Mapped[datetime | None] = mapped_column()
    locked_until: Mapped[datetime | None] = mapped_column()
    # Accounts made before roles existed could do everything: they stay admins.
    role: Mapped[ModeratorRole] = mapped_column(
        enum_column(ModeratorRole), default=ModeratorRole.ADMIN, server_default="admin"
    )
    last_sign_in_at: Mapped[datetime | None] = mapped_column()
    # Every session carries the version it began with; bumping it signs out everywhere.
    session_version: Mapped[int] = mapped_column(default=0, server_default=text("0"))
    # TOTP (RFC 6238): the base32 secret, and the last time step accepted (no replays).
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_last_step: Mapped[int | None] = mapped_column()
    # Unused recovery codes, each hashed, as a JSON list.
    recovery_codes: Mapped[str] = mapped_column(Text, default="", server_default="")

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
    action: Mapped[ModerationAction] = mapped_column(enum_column(ModerationAction, 40), index=True)
    from_status: Mapped[CommentStatus | None] = mapped_column(enum_column(CommentStatus))
    to_status: Mapped[CommentStatus | None] = mapped_column(enum_column(CommentStatus))
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
    kind: Mapped[BlockKind] = mapped_column(enum_column(BlockKind))
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
