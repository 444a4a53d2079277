"""Template filters shared by every page."""

from __future__ import annotations

from datetime import datetime

from flask import Flask
from markupsafe import Markup

from forum.avatars import identicon
from forum.comment_text import URGENT_MESSAGE
from forum.experiences import CONDITIONS, SIDE_EFFECTS, describe
from forum.forms import ROLE_LABELS
from forum.sanitize import plain_excerpt


def human_date(value: datetime) -> str:
    """'28 November 2026 at 16:05 UTC': unambiguous wherever the reader lives."""
    return f"{value.day} {value:%B %Y} at {value:%H:%M} UTC"


def html_datetime(value: datetime) -> str:
    """A machine-readable time that HTML's <time datetime> accepts: seconds, and Z for UTC."""
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


def stored_html(value: str) -> Markup:
    """HTML the forum rendered and sanitized itself when the text was saved (forum.sanitize)."""
    return Markup(value)  # noqa: S704 - produced by forum.sanitize, never raw input


def init_app(app: Flask) -> None:
    app.add_template_filter(human_date)
    app.add_template_filter(html_datetime)
    app.add_template_filter(stored_html, "safe_comment")
    app.add_template_filter(stored_html, "safe_article")
    app.add_template_filter(plain_excerpt)
    app.add_template_filter(describe, "describe_experience")
    app.add_template_filter(identicon, "avatar")
    app.jinja_env.globals.update(
        role_labels=ROLE_LABELS,
        conditions=CONDITIONS,
        side_effects=SIDE_EFFECTS,
        urgent_message=URGENT_MESSAGE,
    )
