"""Configuration: safe defaults, overridden by the environment (see README)."""

import os
import secrets
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any

_TRUE = {"1", "true", "yes", "on"}
SITE_NAME = "IVIG patient forum"  # page titles, e-mails, feeds, the authenticator app
PER_PAGE = 50
# The page size of each listing, one setting each: the article's threads (and a
# filtered view's comments), the API, the moderation queue and its log.
PAGE_SIZES = (
    "FORUM_THREADS_PER_PAGE",
    "FORUM_API_PER_PAGE",
    "FORUM_QUEUE_PER_PAGE",
    "FORUM_LOG_PER_PAGE",
)


def _flag(value: str) -> bool:
    return value.strip().lower() in _TRUE


def _secret_key(instance_path: Path) -> str:
    """The signing key: from the environment, or generated once into the instance folder."""
    if key := os.environ.get("SECRET_KEY"):
        return key
    path = instance_path / "secret_key"
    if not path.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        # Created with 0600 so that only the app's user can read it.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_urlsafe(48))
    return path.read_text().strip()


def _database_url(instance_path: Path) -> str:
    url = os.environ.get("DATABASE_URL", "sqlite:///instance/forum.db")
    # A relative SQLite path means "inside the instance folder", wherever the app is started.
    if url.startswith("sqlite:///instance/"):
        instance_path.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{instance_path / url.removeprefix('sqlite:///instance/')}"
    elif url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return url


def from_environment(instance_path: Path, given: Mapping[str, Any]) -> dict[str, Any]:
    """Every setting the forum reads, with the environment applied.

    The key and the database are only looked for (and the key file only written)
    when `given` (a test's configuration) does not supply them.
    """
    env = os.environ.get
    base_url = env("FORUM_BASE_URL", "").rstrip("/") or None
    database_url = given.get("SQLALCHEMY_DATABASE_URI") or _database_url(instance_path)
    return {
        "SECRET_KEY": given.get("SECRET_KEY") or _secret_key(instance_path),
        "SQLALCHEMY_DATABASE_URI": database_url,
        # A server's connections can drop (restarts, idle timeouts); a file's cannot, and
        # the check would cost a round trip on every request.
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": not database_url.startswith("sqlite")},
        "MAX_CONTENT_LENGTH": 128 * 1024,
        "MAX_FORM_MEMORY_SIZE": 128 * 1024,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": bool(base_url and base_url.startswith("https://")),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        # The token lives as long as the session; the comment form's own signed start
        # time expires it after FORUM_FORM_MAX_AGE with a friendly message instead.
        "WTF_CSRF_TIME_LIMIT": None,
        "MAIL_SERVER": env("MAIL_SERVER") or None,
        "MAIL_PORT": int(env("MAIL_PORT", "25")),
        "MAIL_USERNAME": env("MAIL_USERNAME") or None,
        "MAIL_PASSWORD": env("MAIL_PASSWORD") or None,
        "MAIL_USE_TLS": _flag(env("MAIL_USE_TLS", "false")),
        "MAIL_DEFAULT_SENDER": env("MAIL_DEFAULT_SENDER", "forum@localhost"),
        "RATELIMIT_STORAGE_URI": env("RATELIMIT_STORAGE_URI", "memory://"),
        # Redis away: count in this process until it answers again, and never fail a request
        # for it; a short timeout, so that a hung Redis does not hang every request.
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        "RATELIMIT_SWALLOW_ERRORS": True,
        "RATELIMIT_STORAGE_OPTIONS": {"socket_timeout": 0.5, "socket_connect_timeout": 0.5},
        # Cached entries are keyed by the data's change stamp, so they are never stale;
        # Redis lets several app servers share them. Without Redis, a page is built instead.
        "CACHE_TYPE": (
            "forum.cache_backend.ResilientRedisCache" if env("CACHE_REDIS_URL") else "SimpleCache"
        ),
        "CACHE_REDIS_URL": env("CACHE_REDIS_URL") or None,
        "CACHE_OPTIONS": (
            {"socket_timeout": 0.5, "socket_connect_timeout": 0.5} if env("CACHE_REDIS_URL") else {}
        ),
        # "json": one JSON line per request and per log record (forum/request_log.py).
        "FORUM_LOG_FORMAT": env("FORUM_LOG_FORMAT", "text"),
        "CACHE_DEFAULT_TIMEOUT": 3600,
        "RATELIMIT_ENABLED": _flag(env("RATELIMIT_ENABLED", "true")),
        "RATELIMIT_HEADERS_ENABLED": True,
        "FORUM_FLOOD_SECONDS": int(env("FORUM_FLOOD_SECONDS", "15")),
        "FORUM_MIN_FORM_SECONDS": int(env("FORUM_MIN_FORM_SECONDS", "3")),
        "FORUM_BASE_URL": base_url,
        # How many reverse proxies in front of the app to believe X-Forwarded-* from.
        "FORUM_TRUSTED_PROXIES": int(env("FORUM_TRUSTED_PROXIES", "0")),
        "FORUM_FORM_MAX_AGE": 24 * 3600,
        # Pages every cookie-less reader shares: how long nginx or a CDN may keep them
        # (s-maxage), and serve them stale while one request fetches a new copy.
        "FORUM_SHARED_MAX_AGE": int(env("FORUM_SHARED_MAX_AGE", "5")),
        "FORUM_STALE_WHILE_REVALIDATE": int(env("FORUM_STALE_WHILE_REVALIDATE", "10")),
        # How often a shared page's form token (and so its bytes) is renewed: it is the
        # no-script start time of the comment form (README, "The time trap").
        "FORUM_FORM_STAMP_SECONDS": int(env("FORUM_FORM_STAMP_SECONDS", "15")),
        "FORUM_REVIEW_TIME": "Comments are usually reviewed within 2 days.",
        "FORUM_MANAGE_LINK_AGE": timedelta(hours=1),
        "FORUM_SEND_MAIL_AFTER_REQUEST": True,
        "FORUM_IP_RETENTION_DAYS": int(env("FORUM_IP_RETENTION_DAYS", "30")),
        "FORUM_SPAM_RETENTION_DAYS": int(env("FORUM_SPAM_RETENTION_DAYS", "30")),
        "FORUM_POST_LIMIT": "5 per minute;50 per day",
        "FORUM_LOGIN_LIMIT": "5 per minute",
        # One page of each listing (forum/paging.py); settings, not environment variables.
        **dict.fromkeys(PAGE_SIZES, PER_PAGE),
        "FORUM_FEED_ITEMS": 20,
        # Moderators' sessions: an absolute limit, and a limit on time without a request.
        "FORUM_SESSION_MAX_AGE": timedelta(hours=float(env("FORUM_SESSION_HOURS", "12"))),
        "FORUM_SESSION_IDLE": timedelta(minutes=float(env("FORUM_SESSION_IDLE_MINUTES", "30"))),
        "FORUM_INVITATION_AGE": timedelta(days=7),
        "FORUM_RESET_LINK_AGE": timedelta(hours=1),
        # The starting value of the admin setting "Two-factor required for everyone".
        "FORUM_TWO_FACTOR_REQUIRED": _flag(env("FORUM_TWO_FACTOR_REQUIRED", "false")),
        # Argon2id cost (OWASP's first choice: 19 MiB, 2 passes); tests lower it.
        "FORUM_PASSWORD_HASH": {"time_cost": 2, "memory_cost": 19 * 1024, "parallelism": 1},
    }
