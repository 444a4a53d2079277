"""Each moderator's own account page (password, two-factor, recovery codes, sessions), and
what the other account pages share: the password rule and the e-mailed single-use links."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    url_for,
)
from flask_login import current_user
from werkzeug.wrappers import Response

from forum.accounts import service, twofactor
from forum.accounts.forms import (
    ChangePasswordForm,
    CurrentPasswordForm,
    NewPasswordForm,
    TwoFactorRemoveForm,
    TwoFactorSetupForm,
)
from forum.accounts.passwords import MIN_WITHOUT_TWO_FACTOR, password_problem, verify_password
from forum.accounts.roles import signed_in_required
from forum.accounts.sessions import count_failure
from forum.errors import invalid_link
from forum.extensions import db
from forum.forms import EmptyForm
from forum.mail import read_token, token_used, use_token
from forum.models import Moderator
from forum.moderation import bp as moderation_bp
from forum.settings import current_settings

bp = Blueprint("accounts", __name__)
T = TypeVar("T")

WRONG_PASSWORD = "That is not your current password."  # noqa: S105 - a message


def new_password_ok(
    form: NewPasswordForm, account: Moderator | None, email: str = "", name: str = ""
) -> bool:
    """Whether the form's new password may be used; if not, why is put on its field. The
    shorter minimum applies with two-factor on (or about to be, when it is required for
    everyone). `email` and `name`: of an account not made yet."""
    if form.password.data != form.confirm.data:
        form.password.errors.append("The two passwords differ. Type the same password twice.")
        return False
    two_factor = current_settings().two_factor_required or bool(
        account and account.two_factor_enabled
    )
    if account is not None:
        email, name = account.email, account.name
    personal = (email, email.split("@")[0], name)
    problem = password_problem(form.password.data, two_factor, personal)
    if problem is not None:
        form.password.errors.append(problem)
    return problem is None


# Each kind of e-mailed link, and the setting that says how long it works.
LINK_AGES = {"reset": "FORUM_RESET_LINK_AGE", "invite": "FORUM_INVITATION_AGE"}


def open_link(
    purpose: str, token: str, read: Callable[[dict[str, Any]], T | None]
) -> tuple[dict[str, Any], T]:
    """An e-mailed single-use link's payload, and what `read` makes of it (the account, the
    invitation). A link that is unknown, expired, spent, or that `read` refuses ends the
    request here with the page that says so."""
    payload = read_token(purpose, token, current_app.config[LINK_AGES[purpose]])
    if payload and token_used(payload):
        abort(make_response(invalid_link(used=True)))
    if payload is None or (found := read(payload)) is None:
        abort(make_response(invalid_link()))
    return payload, found


def spend_link(payload: dict[str, Any]) -> None:
    """Mark the link used (no commit); one spent meanwhile, by a request racing this one,
    ends the request with the "already used" page and nothing stored."""
    if not use_token(payload):
        db.session.rollback()
        abort(make_response(invalid_link(used=True)))


def current_password_ok(form: ChangePasswordForm | CurrentPasswordForm) -> bool:
    """Re-asked before any change of password or two-factor; a wrong one counts towards
    the lockout, as at sign-in."""
    if verify_password(current_user.password_hash, form.current.data):
        return True
    count_failure(current_user)
    db.session.commit()
    form.current.errors.append(WRONG_PASSWORD)
    return False


@moderation_bp.get("/account")
@signed_in_required
def account(status: int = 200, **forms: object) -> tuple[str, int]:
    """Also shown again by the forms on it, with what was typed and why it was refused."""
    shown = {
        "password_form": ChangePasswordForm(formdata=None),
        "remove_form": TwoFactorRemoveForm(formdata=None),
        "codes_form": CurrentPasswordForm(formdata=None),
        "empty_form": EmptyForm(),
        **forms,
    }
    html = render_template(
        "accounts/account.html",
        codes_left=twofactor.recovery_codes_left(current_user),
        **shown,
    )
    return html, status


@moderation_bp.post("/account/password")
@signed_in_required
def change_password() -> Response | tuple[str, int]:
    form = ChangePasswordForm()
    if (
        form.validate_on_submit()
        and current_password_ok(form)
        and new_password_ok(form, current_user)
    ):
        service.set_new_password(current_user, form.password.data, reset=False)
        db.session.commit()
        flash("Your password is changed. Every other session is signed out.", "success")
        return redirect(url_for("moderation.account"))
    return account(422, password_form=form)


@moderation_bp.route("/account/two-factor", methods=["GET", "POST"])
@signed_in_required
def two_factor() -> Response | tuple[str, int]:
    """Set-up: the secret as a QR code and as text, confirmed by a code from the app."""
    if current_user.two_factor_enabled:
        return redirect(url_for("moderation.account"))
    form = TwoFactorSetupForm()
    # The secret travels in the form while it is being set up, and is re-shown on a mistake.
    secret = form.secret.data if form.is_submitted() else None
    if not twofactor.is_secret(secret):
        secret = twofactor.new_secret()
    form.secret.data = secret
    if form.validate_on_submit() and current_password_ok(form):
        codes = service.enable_two_factor(current_user, secret, form.code.data)
        if codes is not None:
            db.session.commit()
            return _show_codes(codes, first=True)
        form.code.errors.append("That code does not match. Check your app's clock and try again.")
    uri = twofactor.provisioning_uri(secret, current_user.email)
    html = render_template(
        "accounts/two_factor.html",
        form=form,
        secret=secret,
        qr=twofactor.qr_svg(uri),
        required=current_settings().two_factor_required,
    )
    return html, 422 if form.errors else 200


def _show_codes(codes: list[str], first: bool) -> Response:
    response = make_response(render_template("accounts/codes.html", codes=codes, first=first))
    response.headers["Cache-Control"] = "no-store"  # shown once, kept nowhere
    return response


@moderation_bp.post("/account/two-factor/remove")
@signed_in_required
def remove_two_factor() -> Response | tuple[str, int]:
    form = TwoFactorRemoveForm()
    if current_settings().two_factor_required:
        flash("Two-factor sign-in is required for everyone here: it cannot be removed.", "error")
        return redirect(url_for("moderation.account"))
    if form.validate_on_submit() and current_password_ok(form):
        if len(form.current.data) < MIN_WITHOUT_TWO_FACTOR:
            form.current.errors.append(
                f"Without two-factor, a password needs at least {MIN_WITHOUT_TWO_FACTOR} "
                "characters: change your password first."
            )
        elif service.disable_two_factor(current_user, form.code.data):
            db.session.commit()
            flash("Two-factor sign-in is off.", "success")
            return redirect(url_for("moderation.account"))
        else:
            count_failure(current_user)  # a wrong code counts, as at sign-in
            db.session.commit()
            form.code.errors.append("That code does not match.")
    return account(422, remove_form=form)


@moderation_bp.post("/account/recovery-codes")
@signed_in_required
def recovery_codes() -> Response | tuple[str, int]:
    form = CurrentPasswordForm()
    if not current_user.two_factor_enabled:
        return redirect(url_for("moderation.account"))
    if form.validate_on_submit() and current_password_ok(form):
        codes = service.new_recovery_codes(current_user)
        db.session.commit()
        return _show_codes(codes, first=False)
    return account(422, codes_form=form)


@moderation_bp.post("/account/sign-out-everywhere")
@signed_in_required
def sign_out_everywhere() -> Response:
    EmptyForm().validate_on_submit()  # CSRF was checked before the view
    service.sign_out_everywhere(current_user, current_user, keep_this_one=True)
    db.session.commit()
    flash("Every other session of your account is signed out.", "success")
    return redirect(url_for("moderation.account"))
