"""A forgotten password: a single-use link by e-mail, valid one hour."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from forum.accounts import service
from forum.accounts.forms import ForgotPasswordForm, NewPasswordForm
from forum.accounts.sessions import password_form_limit
from forum.accounts.views import bp, new_password_ok, open_link, spend_link
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
    payload, account = open_link("reset", token, service.account_for_reset)
    form = NewPasswordForm()
    if form.validate_on_submit() and new_password_ok(form, account):
        spend_link(payload)
        service.set_new_password(account, form.password.data, reset=True)
        db.session.commit()
        send_soon(current_app._get_current_object())
        flash("Your password is changed. Sign in with it now.", "success")
        return redirect(url_for("auth.login"))
    status = 422 if request.method == "POST" else 200
    return render_template("accounts/reset.html", form=form, token=token), status
