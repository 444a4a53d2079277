"""Settings that moderators change in the moderation area, with defaults from the config."""

from __future__ import annotations

import json
from dataclasses import dataclass, fields, replace
from typing import Any

from flask import current_app, g
from sqlalchemy import select

from forum.extensions import db
from forum.models import Setting

DEFAULT_HOLD_WORDS = ("miracle cure", "guaranteed cure", "buy now", "discount code", "whatsapp")
DEFAULT_SPAM_WORDS = ("viagra", "cialis", "casino", "payday loan", "forex signals")


@dataclass(frozen=True)
class ForumSettings:
    flood_seconds: int
    min_form_seconds: int
    hold_words: tuple[str, ...]
    spam_words: tuple[str, ...]
    approve_returning_authors: bool
    review_time: str  # told to people whose comment waits, e.g. "within 2 days"
    moderator_digest: bool  # one e-mail a day to moderators instead of one per held comment
    two_factor_required: bool  # accounts without two-factor enrol before seeing the queue


def _defaults() -> ForumSettings:
    config = current_app.config
    return ForumSettings(
        flood_seconds=config["FORUM_FLOOD_SECONDS"],
        min_form_seconds=config["FORUM_MIN_FORM_SECONDS"],
        hold_words=DEFAULT_HOLD_WORDS,
        spam_words=DEFAULT_SPAM_WORDS,
        approve_returning_authors=True,
        review_time=config["FORUM_REVIEW_TIME"],
        moderator_digest=False,
        two_factor_required=config["FORUM_TWO_FACTOR_REQUIRED"],
    )


def _decode(name: str, raw: str) -> Any:
    value = json.loads(raw)
    return tuple(value) if name.endswith("_words") else value


# Plain rows on the session's connection: every request that posts reads them, and the
# ORM's objects would cost several times the query.
_STORED = select(Setting.__table__.c.key, Setting.__table__.c.value)


def current_settings() -> ForumSettings:
    """The settings in force, read once per request."""
    if "forum_settings" not in g:
        stored = {key: value for key, value in db.session.connection().execute(_STORED)}
        known = {f.name for f in fields(ForumSettings)}
        changes = {k: _decode(k, v) for k, v in stored.items() if k in known}
        g.forum_settings = replace(_defaults(), **changes)
    return g.forum_settings


def save_settings(**changes: Any) -> None:
    """Store changed settings (the caller commits)."""
    for key, value in changes.items():
        encoded = json.dumps(list(value) if isinstance(value, tuple) else value)
        row = db.session.get(Setting, key)
        if row is None:
            db.session.add(Setting(key=key, value=encoded))
        else:
            row.value = encoded
    g.pop("forum_settings", None)
