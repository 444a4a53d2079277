"""Template filters shared by every page."""

from __future__ import annotations

import hashlib
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from flask import Flask, current_app
from markupsafe import Markup

from forum.avatars import identicon
from forum.comment_text import URGENT_MESSAGE
from forum.config import SITE_NAME
from forum.experiences import CONDITIONS, SIDE_EFFECTS, describe
from forum.forms import HONEYPOT_FIELD, ROLE_LABELS
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


@lru_cache(maxsize=256)
def _file_hash(path: str, mtime_ns: int) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:12]


def static_version(endpoint: str, values: dict[str, Any]) -> None:
    """Give every url_for('static', …) a `?v=` of the file's content, so that nginx can let
    browsers keep static files for a year: a changed file gets a new address."""
    if endpoint != "static" or "v" in values or not values.get("filename"):
        return
    folder = current_app.static_folder
    path = Path(folder, values["filename"]) if folder else None
    try:
        # The modification time in the key: an edited file (make run) gets a new hash.
        values["v"] = _file_hash(str(path), path.stat().st_mtime_ns) if path else None
    except OSError:
        return  # no such file: the address 404s as it would without the version


# Constants the templates use, each defined once in Python and taken from here.
TEMPLATE_CONSTANTS = {
    "role_labels": ROLE_LABELS,
    "conditions": CONDITIONS,
    "side_effects": SIDE_EFFECTS,
    "urgent_message": URGENT_MESSAGE,
    "honeypot_field": HONEYPOT_FIELD,
    "site_name": SITE_NAME,
}


def init_app(app: Flask) -> None:
    app.url_defaults(static_version)
    app.add_template_filter(human_date)
    app.add_template_filter(html_datetime)
    app.add_template_filter(stored_html, "safe_comment")
    app.add_template_filter(stored_html, "safe_article")
    app.add_template_filter(plain_excerpt)
    app.add_template_filter(describe, "describe_experience")
    app.add_template_filter(identicon, "avatar")
    app.jinja_env.globals.update(TEMPLATE_CONSTANTS)
