"""The forms of moderators' accounts: signing in, the team, invitations, passwords, two-factor."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    EmailField,
    HiddenField,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.validators import DataRequired, Length

from forum.forms import clean_line, email_address
from forum.models import ModeratorRole
from forum.sanitize import plain_name

ROLE_CHOICES = [
    SelectChoice(ModeratorRole.MODERATOR.value, "Moderator: the queue and its actions"),
    SelectChoice(ModeratorRole.ADMIN.value, "Admin: also the team, settings, blocks and articles"),
]


def _password(label: str, message: str, id: str | None = None) -> PasswordField:
    # No filters: every printable character counts, spaces included (NIST SP 800-63B).
    # `id`: forms that share a page need their own ids.
    return PasswordField(label, validators=[DataRequired(message), Length(max=1000)], id=id)


def _email(message: str) -> EmailField:
    """An address that must be one: whom to invite, whose password to reset."""
    return EmailField(
        "Email", filters=[clean_line], validators=[DataRequired(message), email_address]
    )


class LoginForm(FlaskForm):
    email = EmailField(
        "Email", filters=[clean_line], validators=[DataRequired("Enter your email.")]
    )
    password = PasswordField("Password", validators=[DataRequired("Enter your password.")])
    next = HiddenField()
    submit = SubmitField("Sign in")


class InviteForm(FlaskForm):
    email = _email("Enter the e-mail address to invite.")
    role = SelectField("Role", choices=ROLE_CHOICES, default=ModeratorRole.MODERATOR.value)


class RoleForm(FlaskForm):
    role = SelectField("Role", choices=ROLE_CHOICES)


class NewPasswordForm(FlaskForm):
    """A new password, typed twice: a reset from an e-mailed link, and the base of the others."""

    password = _password("New password", "Choose a new password.")
    confirm = _password("The same password again", "Type the password again.")


class JoinForm(NewPasswordForm):
    name = StringField(
        "Your name, as other moderators see it",
        filters=[clean_line, plain_name],  # it goes into e-mails, as commenters' names do
        validators=[DataRequired("Enter your name."), Length(max=80)],
    )
    password = _password("Choose a password", "Choose a password.")


class ForgotPasswordForm(FlaskForm):
    email = _email("Enter your e-mail address.")


class ChangePasswordForm(NewPasswordForm):
    current = _password("Current password", "Enter your current password.")


class CurrentPasswordForm(FlaskForm):
    """Changes to two-factor ask for the password again."""

    current = _password("Current password", "Enter your current password.", id="codes-current")


class TwoFactorSetupForm(FlaskForm):
    secret = HiddenField()
    current = _password("Current password", "Enter your current password.")
    code = StringField(
        "The 6-digit code your app shows now",
        filters=[clean_line],
        validators=[DataRequired("Enter the code from your app."), Length(max=20)],
    )


class TwoFactorRemoveForm(FlaskForm):
    current = _password("Current password", "Enter your current password.", id="remove-current")
    code = StringField(
        "A code from your app, or a recovery code",
        id="remove-code",
        filters=[clean_line],
        validators=[DataRequired("Enter a code."), Length(max=40)],
    )


class CodeForm(FlaskForm):
    code = StringField(
        "Code from your authenticator app, or a recovery code",
        filters=[clean_line],
        validators=[DataRequired("Enter the code from your app."), Length(max=40)],
    )
