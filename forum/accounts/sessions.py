"""Moderators' sessions: who is signed in, for how long, and signing out everywhere.

Each session records the account's session version when it began, when it began and
when it was last used. A request whose session is older than FORUM_SESSION_MAX_AGE, idle
longer than FORUM_SESSION_IDLE, or whose version is behind the account's, is signed out.
"""

from __future__ import annotations

from datetime import timedelta

from flask import abort, current_app, redirect, request, session, url_for
from flask_login import login_user
from werkzeug.wrappers import Response

from forum.extensions import db, limiter, login_manager
from forum.models import Moderator, utcnow
from forum.security import whole_number

VERSION, STARTED, SEEN = "sv", "started", "seen"
PENDING = "pending_sign_in"  # the password step passed; the code step has not
PENDING_FOR = timedelta(minutes=5)
SEEN_EVERY = 60  # seconds: note the last use at most this often, not on every request

LOCK_AFTER_FAILURES = 10
FAILURE_WINDOW = timedelta(minutes=15)
LOCK_FOR = timedelta(minutes=15)

# Per IP, on each form that takes a password or a code: signing in, its code step, asking
# for a reset link, resetting and joining the team. Each view counts on its own.
password_form_limit = limiter.limit(
    lambda: current_app.config["FORUM_LOGIN_LIMIT"], methods=["POST"]
)


def _now() -> float:
    return utcnow().timestamp()


@login_manager.user_loader
def load_moderator(user_id: str) -> Moderator | None:
    number = whole_number(user_id)
    moderator = db.session.get(Moderator, number) if number is not None else None
    if moderator is None or not session_is_current(moderator):
        for key in ("_user_id", "_fresh", "_id", VERSION, STARTED, SEEN):
            session.pop(key, None)
        return None
    return moderator


def session_is_current(moderator: Moderator) -> bool:
    now = _now()
    started, seen = session.get(STARTED, 0), session.get(SEEN, 0)
    config = current_app.config
    if session.get(VERSION) != moderator.session_version or not moderator.active:
        return False
    if now - started > config["FORUM_SESSION_MAX_AGE"].total_seconds():
        return False
    if now - seen > config["FORUM_SESSION_IDLE"].total_seconds():
        return False
    if now - seen > SEEN_EVERY:
        session[SEEN] = now
    return True


@login_manager.unauthorized_handler
def unauthorized() -> Response:
    """A visitor who is not signed in is sent to sign in for a page, and refused for an action."""
    if request.method != "GET":
        abort(403)
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def begin_session(moderator: Moderator) -> None:
    """Sign in: a new session, so that nothing from before carries over."""
    session.clear()
    login_user(moderator)
    now = _now()
    session.update({VERSION: moderator.session_version, STARTED: now, SEEN: now})
    moderator.last_sign_in_at = utcnow()


def end_sessions_elsewhere(moderator: Moderator, keep_this_one: bool) -> None:
    """Sign the account out of every session (but this one, if asked); the caller commits."""
    moderator.session_version += 1
    if keep_this_one:
        session[VERSION] = moderator.session_version


# --- Failed attempts: passwords and codes count alike ------------------------------------


def is_locked(moderator: Moderator) -> bool:
    return moderator.locked_until is not None and moderator.locked_until > utcnow()


def count_failure(moderator: Moderator) -> None:
    """Ten failures within 15 minutes lock the account for 15 minutes (the caller commits)."""
    now = utcnow()
    since = moderator.failed_logins_since
    if since is None or now - since > FAILURE_WINDOW:
        moderator.failed_logins, moderator.failed_logins_since = 0, now
    moderator.failed_logins += 1
    if moderator.failed_logins >= LOCK_AFTER_FAILURES:
        moderator.locked_until = now + LOCK_FOR
        moderator.failed_logins, moderator.failed_logins_since = 0, None


def clear_failures(moderator: Moderator) -> None:
    moderator.failed_logins, moderator.failed_logins_since = 0, None
    moderator.locked_until = None


# --- Between the password step and the code step -----------------------------------------


def start_pending(moderator: Moderator, next_path: str) -> None:
    session.clear()
    session[PENDING] = {"id": moderator.id, "at": _now(), "next": next_path}


def pending_moderator() -> tuple[Moderator, str] | None:
    """The account whose password was just given, and where to go after; None if expired."""
    pending = session.get(PENDING)
    if not isinstance(pending, dict) or _now() - pending.get("at", 0) > PENDING_FOR.seconds:
        return None
    moderator = db.session.get(Moderator, pending.get("id", 0))
    if moderator is None or not moderator.active:
        return None
    return moderator, str(pending.get("next", ""))
