"""Response headers that every page carries, and the checks shared by the views."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from flask import Flask, Response
from werkzeug.routing import BaseConverter, IntegerConverter, Map

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), "
    "interest-cohort=(), browsing-topics=()"
)


SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
    "Permissions-Policy": PERMISSIONS_POLICY,
    "Cross-Origin-Opener-Policy": "same-origin",
}


def _add_security_headers(response: Response) -> Response:
    """Each header unless the view set its own; one pass, as this runs on every response."""
    present = {name.lower() for name in response.headers.keys()}  # noqa: SIM118 - Headers
    response.headers.extend(
        (name, value) for name, value in SECURITY_HEADERS.items() if name.lower() not in present
    )
    return response


_WHOLE_NUMBER = re.compile(r"[0-9]{1,10}")
MAX_ID = 2**31 - 1  # ids are 32-bit integers in PostgreSQL


def whole_number(raw: str | None) -> int | None:
    """A request value as a whole number that fits an id, or None. Only ASCII digits:
    str.isdigit() also accepts characters such as "²" that int() refuses."""
    if not raw or not _WHOLE_NUMBER.fullmatch(raw):
        return None
    number = int(raw)
    return number if number <= MAX_ID else None


class IdConverter(IntegerConverter):
    """<id:…> in a route: a whole number that fits an id; anything else is a 404."""

    def __init__(self, url_map: Map) -> None:
        super().__init__(url_map, max=MAX_ID)


class SlugConverter(BaseConverter):
    """<slug:…>: any text without control characters (PostgreSQL refuses NUL)."""

    regex = r"[^/\x00-\x1f\x7f]{1,200}"


def is_safe_local_path(target: str | None) -> bool:
    """True for a path on this site, such as /moderation/?status=spam; false for any other URL."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return False
    if any(ch in target for ch in "\\\r\n\t") or any(ord(ch) < 32 for ch in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def init_app(app: Flask) -> None:
    app.after_request(_add_security_headers)
