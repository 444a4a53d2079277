"""Moderators signing in (a password, then a two-factor code when it is on) and out."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, session, url_for
from flask_login import current_user, logout_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from forum.accounts import service
from forum.accounts.forms import CodeForm, LoginForm
from forum.accounts.passwords import burn_time, hash_password, needs_rehash, verify_password
from forum.accounts.roles import admin_required, moderator_required
from forum.accounts.sessions import (
    begin_session,
    clear_failures,
    count_failure,
    is_locked,
    password_form_limit,
    pending_moderator,
    start_pending,
)
from forum.extensions import db
from forum.forms import EmptyForm
from forum.models import Moderator
from forum.security import is_safe_local_path

bp = Blueprint("auth", __name__)

__all__ = ["admin_required", "bp", "moderator_required"]  # the guards, for older imports


def _authenticate(email: str, password: str) -> Moderator | None:
    """The moderator these credentials belong to, or None, taking the same time either way.

    Ten failures (passwords or codes) on one account within 15 minutes lock it for 15
    minutes; a locked account answers exactly as a wrong password does.
    """
    moderator = db.session.scalar(select(Moderator).where(Moderator.email == email.lower()))
    if moderator is None:
        burn_time(password)
        return None
    password_ok = verify_password(moderator.password_hash, password)
    locked = is_locked(moderator)
    if password_ok and not locked and moderator.is_active:
        if needs_rehash(moderator.password_hash):
            moderator.password_hash = hash_password(password)  # older hashes become Argon2id
        if not moderator.two_factor_enabled:
            clear_failures(moderator)  # with two-factor, only the code step clears them
        db.session.commit()
        return moderator
    if not password_ok and not locked:
        count_failure(moderator)
        db.session.commit()
    return None


def _after_sign_in(target: str) -> Response:
    return redirect(target if is_safe_local_path(target) else url_for("moderation.index"))


@bp.route("/login", methods=["GET", "POST"])
@password_form_limit
def login() -> Response | tuple[str, int] | str:
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    if form.validate_on_submit():
        moderator = _authenticate(form.email.data, form.password.data)
        if moderator is not None and moderator.two_factor_enabled:
            start_pending(moderator, form.next.data)
            return redirect(url_for("auth.code"))
        if moderator is not None:
            begin_session(moderator)
            db.session.commit()
            return _after_sign_in(form.next.data)
        form.password.errors.append("That e-mail and password do not match a moderator account.")
        return render_template("auth/login.html", form=form), 401
    status = 422 if request.method == "POST" else 200
    return render_template("auth/login.html", form=form), status


@bp.route("/login/code", methods=["GET", "POST"])
@password_form_limit
def code() -> Response | tuple[str, int]:
    """The second step: a code from the app, or a recovery code."""
    pending = pending_moderator()
    if pending is None:
        return redirect(url_for("auth.login"))
    moderator, target = pending
    form = CodeForm()
    if form.validate_on_submit():
        if not is_locked(moderator) and service.check_second_factor(moderator, form.code.data):
            clear_failures(moderator)
            begin_session(moderator)
            db.session.commit()
            return _after_sign_in(target)
        if not is_locked(moderator):
            count_failure(moderator)
        db.session.commit()
        form.code.errors.append("That code does not match, or was already used.")
        return render_template("auth/code.html", form=form), 401
    status = 422 if request.method == "POST" else 200
    return render_template("auth/code.html", form=form), status


@bp.post("/logout")
def logout() -> Response:
    if EmptyForm().validate_on_submit() and current_user.is_authenticated:
        logout_user()
        session.clear()
    return redirect(url_for("articles.index"))
