"""Moderators signing in and out, and the guard on everything only they may do."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import ParamSpec, TypeVar

from flask import (
    Blueprint,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_user, logout_user
from sqlalchemy import select
from werkzeug.security import check_password_hash
from werkzeug.wrappers import Response

from forum.extensions import db, limiter, login_manager
from forum.forms import EmptyForm, LoginForm
from forum.models import Moderator, utcnow
from forum.security import is_safe_local_path, whole_number

bp = Blueprint("auth", __name__)

P = ParamSpec("P")
R = TypeVar("R")

# Checked when no account matches, so that a wrong e-mail takes as long as a wrong password.
_DUMMY_HASH = (
    "scrypt:32768:8:1$mpfJnZv1HQeOwAuv$ad938489817fcd45b672cad3c63351c6c5b48553662d2721a02f6664"
    "f4b6ea3a5a7dee84062afec961391a119c099b1c3b6b6895e645fb9c2c2eb04bae06a0c9"
)


@login_manager.user_loader
def load_moderator(user_id: str) -> Moderator | None:
    number = whole_number(user_id)
    return db.session.get(Moderator, number) if number is not None else None


@login_manager.unauthorized_handler
def unauthorized() -> Response:
    """A visitor who is not signed in is sent to sign in for a page, and refused for an action."""
    if request.method != "GET":
        abort(403)
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def moderator_required(view: Callable[P, R]) -> Callable[P, R | Response]:
    @wraps(view)
    def guarded(*args: P.args, **kwargs: P.kwargs) -> R | Response:
        if not current_user.is_authenticated:
            return unauthorized()
        return view(*args, **kwargs)

    return guarded


LOCK_AFTER_FAILURES = 10
FAILURE_WINDOW = timedelta(minutes=15)
LOCK_FOR = timedelta(minutes=15)


def _authenticate(email: str, password: str) -> Moderator | None:
    """The moderator these credentials belong to, or None, taking the same time either way.

    Ten failures on one account within 15 minutes lock it for 15 minutes; a locked
    account answers exactly as a wrong password does, so nothing tells them apart.
    """
    moderator = db.session.scalar(select(Moderator).where(Moderator.email == email.lower()))
    if moderator is None:
        check_password_hash(_DUMMY_HASH, password)
        return None
    now = utcnow()
    password_ok = moderator.check_password(password)
    locked = moderator.locked_until is not None and moderator.locked_until > now
    if password_ok and not locked and moderator.is_active:
        moderator.failed_logins, moderator.failed_logins_since = 0, None
        moderator.locked_until = None
        db.session.commit()
        return moderator
    if not password_ok and not locked:
        since = moderator.failed_logins_since
        if since is None or now - since > FAILURE_WINDOW:
            moderator.failed_logins, moderator.failed_logins_since = 0, now
        moderator.failed_logins += 1
        if moderator.failed_logins >= LOCK_AFTER_FAILURES:
            moderator.locked_until = now + LOCK_FOR
            moderator.failed_logins, moderator.failed_logins_since = 0, None
        db.session.commit()
    return None


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["FORUM_LOGIN_LIMIT"], methods=["POST"])
def login() -> Response | tuple[str, int] | str:
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    if form.validate_on_submit():
        moderator = _authenticate(form.email.data, form.password.data)
        if moderator is not None:
            session.clear()  # a new session on sign-in: nothing from before carries over
            login_user(moderator)
            target = form.next.data
            return redirect(target if is_safe_local_path(target) else url_for("queue.index"))
        form.password.errors.append("That e-mail and password do not match a moderator account.")
        return render_template("auth/login.html", form=form), 401
    status = 422 if request.method == "POST" else 200
    return render_template("auth/login.html", form=form), status


@bp.post("/logout")
def logout() -> Response:
    if EmptyForm().validate_on_submit() and current_user.is_authenticated:
        logout_user()
        session.clear()
    return redirect(url_for("articles.index"))
