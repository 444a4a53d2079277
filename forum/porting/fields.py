"""What other systems stored, cleaned to fit our columns and our addresses."""

from __future__ import annotations

import ipaddress
import re
from datetime import UTC, datetime
from urllib.parse import unquote, urlsplit

from forum.sanitize import normalize_text, plain_name


def clip(value: str, length: int) -> str:
    return value if len(value) <= length else value[: length - 1].rstrip() + "…"


def one_line(value: str | None) -> str:
    return " ".join(normalize_text(value).split())


def clean_name(value: str | None) -> str:
    return clip(plain_name(one_line(value)), 80) or "Anonymous"


def clean_email(value: str | None) -> str | None:
    email = one_line(value)
    return email if "@" in email and len(email) <= 254 else None


def clean_website(value: str | None) -> str | None:
    url = one_line(value)
    parts = urlsplit(url)
    if parts.scheme.lower() in ("http", "https") and parts.netloc and len(url) <= 500:
        return url
    return None


def clean_ip(value: str | None) -> str | None:
    try:
        return str(ipaddress.ip_address((value or "").strip()))
    except ValueError:
        return None


def clean_body(markdown: str) -> str:
    return normalize_text(markdown).strip()


def slugify(value: str, fallback: str) -> str:
    """A slug for our addresses; non-Latin letters are kept, as WordPress keeps them."""
    slug = re.sub(r"[^\w-]+", "-", unquote(value).strip().lower())
    slug = re.sub(r"-{2,}", "-", slug).strip("-_")
    return slug[:120].rstrip("-") or fallback


def slug_from_url(url: str, fallback: str) -> str:
    """The last segment of an address's path ("/2019/05/ivig-for-lupus/" → "ivig-for-lupus")."""
    parts = urlsplit(url.strip())
    segments = [s for s in parts.path.split("/") if s]
    last = re.sub(r"\.(?:html?|php|aspx?)$", "", segments[-1], flags=re.I) if segments else ""
    return slugify(last or parts.query, fallback)


def from_timestamp(value: float) -> datetime:
    return datetime.fromtimestamp(value, UTC)
