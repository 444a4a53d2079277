"""The team page for admins, and joining it from an invitation."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from forum.accounts import service
from forum.accounts.forms import InviteForm, JoinForm, RoleForm
from forum.accounts.roles import admin_required
from forum.accounts.sessions import begin_session, password_form_limit
from forum.accounts.views import bp, new_password_ok, open_link, spend_link
from forum.extensions import db
from forum.forms import EmptyForm
from forum.mail import send_soon
from forum.models import Moderator, ModeratorRole
from forum.moderation import bp as moderation_bp
from forum.moderation.views import row_or_404


@moderation_bp.get("/team")
@admin_required
def team(status: int = 200, invite_form: InviteForm | None = None) -> tuple[str, int]:
    """Also shown again by the forms on it, with what was typed and why it was refused."""
    accounts = db.session.scalars(select(Moderator).order_by(Moderator.email)).all()
    role_forms = {m.id: RoleForm(formdata=None, role=m.role.value) for m in accounts}
    html = render_template(
        "accounts/team.html",
        accounts=accounts,
        invite_form=invite_form or InviteForm(formdata=None),
        role_forms=role_forms,
        empty_form=EmptyForm(),
    )
    return html, status


@moderation_bp.post("/team/invite")
@admin_required
def invite() -> Response | tuple[str, int]:
    form = InviteForm()
    if not form.validate_on_submit():
        return team(422, form)
    if service.find_account(form.email.data):
        form.email.errors.append("This address already has an account on the team.")
        return team(422, form)
    service.invite(current_user, form.email.data, ModeratorRole(form.role.data))
    db.session.commit()
    send_soon(current_app._get_current_object())
    flash(f"Invitation sent to {form.email.data.lower()}. The link works for 7 days.", "success")
    return redirect(url_for("moderation.team"))


LAST_ADMIN = "The forum needs at least one active admin: make another admin first."


@moderation_bp.post("/team/<id:account_id>/role")
@admin_required
def change_role(account_id: int) -> Response:
    target = row_or_404(Moderator, account_id)
    form = RoleForm()
    if not form.validate_on_submit():
        flash("Choose a role.", "error")
    elif service.change_role(current_user, target, ModeratorRole(form.role.data)):
        db.session.commit()
        flash(f"{target.display_name} is now {target.role.value}.", "success")
    elif target.role.value != form.role.data:
        flash(LAST_ADMIN, "error")
    return redirect(url_for("moderation.team"))


@moderation_bp.post("/team/<id:account_id>/<any(disable, enable):change>")
@admin_required
def set_active(account_id: int, change: str) -> Response:
    target = row_or_404(Moderator, account_id)
    EmptyForm().validate_on_submit()  # CSRF was checked before the view
    if service.set_active(current_user, target, change == "enable"):
        db.session.commit()
        flash(f"{target.display_name}'s account is {change}d.", "success")
    elif change == "disable" and target.active:
        flash(LAST_ADMIN, "error")
    return redirect(url_for("moderation.team"))


@moderation_bp.post("/team/<id:account_id>/sign-out")
@admin_required
def sign_out(account_id: int) -> Response:
    target = row_or_404(Moderator, account_id)
    EmptyForm().validate_on_submit()
    service.sign_out_everywhere(current_user, target, keep_this_one=True)
    db.session.commit()
    flash(f"{target.display_name} is signed out everywhere.", "success")
    return redirect(url_for("moderation.team"))


# --- Joining from an invitation ----------------------------------------------------------


@bp.route("/join/<token>", methods=["GET", "POST"])
@password_form_limit
def join(token: str) -> Response | tuple[str, int]:
    """A GET only shows the form, so a mail scanner that opens the link cannot spend it."""
    payload, _ = open_link("invite", token, service.read_invitation)
    form = JoinForm()
    if form.validate_on_submit() and new_password_ok(form, None, payload["email"], form.name.data):
        spend_link(payload)
        account = service.join(payload, form.name.data, form.password.data)
        begin_session(account)
        db.session.commit()
        flash("Welcome to the team.", "success")
        return redirect(url_for("moderation.index"))
    status = 422 if request.method == "POST" else 200
    html = render_template("accounts/join.html", form=form, email=payload["email"], token=token)
    return html, status
