"""The forum's data, by domain: the discussion, the moderators, e-mail.

Import models from here (`from forum.models import Comment`): every model is
registered once this package is imported, which relationships and Alembic need.
"""

from forum.models.base import Base, UTCDateTime, enum_column, utcnow
from forum.models.discussion import (
    MAX_DEPTH,
    Article,
    AuthorRole,
    Comment,
    CommentStatus,
    Experience,
    ExperienceCondition,
    ExperienceSideEffect,
    HelpfulVote,
    Report,
    comments_open,
)
from forum.models.mail import HeldNotice, MailOptOut, OutboxMessage, Subscription, UsedToken
from forum.models.moderation import (
    Block,
    BlockKind,
    ModerationAction,
    ModerationEvent,
    Moderator,
    ModeratorRole,
    Setting,
)

__all__ = [
    "MAX_DEPTH",
    "Article",
    "AuthorRole",
    "Base",
    "Block",
    "BlockKind",
    "Comment",
    "CommentStatus",
    "Experience",
    "ExperienceCondition",
    "ExperienceSideEffect",
    "HeldNotice",
    "HelpfulVote",
    "MailOptOut",
    "ModerationAction",
    "ModerationEvent",
    "Moderator",
    "ModeratorRole",
    "OutboxMessage",
    "Report",
    "Setting",
    "Subscription",
    "UTCDateTime",
    "UsedToken",
    "comments_open",
    "enum_column",
    "utcnow",
]
