"""A forgotten password: a single-use link by e-mail, valid one hour."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from forum.accounts import service
from forum.accounts.forms import ForgotPasswordForm, ResetPasswordForm
from forum.accounts.sessions import password_form_limit
from forum.accounts.views import bp, open_link, password_rule_problem, spend_link
from forum.errors import invalid_link
from forum.extensions import db
from forum.mail import send_soon


@bp.route("/forgot-password", methods=["GET", "POST"])
@password_form_limit
def forgot_password() -> tuple[str, int]:
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        service.request_reset(form.email.data)
        db.session.commit()
        send_soon(current_app._get_current_object())
        # The same page for every address, so that it tells no one who has an account.
        return render_template("accounts/forgot_sent.html", email=form.email.data), 200
    status = 422 if request.method == "POST" else 200
    return render_template("accounts/forgot.html", form=form), status


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
@password_form_limit
def reset_password(token: str) -> Response | tuple[str, int]:
    payload = open_link("reset", token, current_app.config["FORUM_RESET_LINK_AGE"])
    account = service.account_for_reset(payload)
    if account is None:
        return invalid_link()
    form = ResetPasswordForm()
    if form.validate_on_submit():
        problem = password_rule_problem(account, form.password.data, form.confirm.data)
        if problem is None:
            spend_link(payload)
            service.set_new_password(account, form.password.data, reset=True)
            db.session.commit()
            send_soon(current_app._get_current_object())
            flash("Your password is changed. Sign in with it now.", "success")
            return redirect(url_for("auth.login"))
        form.password.errors.append(problem)
    status = 422 if request.method == "POST" else 200
    return render_template("accounts/reset.html", form=form, token=token), status
