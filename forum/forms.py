"""The forum's forms: every POST, buttons included, goes through Flask-WTF and its CSRF check."""

from __future__ import annotations

from urllib.parse import urlsplit

from email_validator import EmailNotValidError, validate_email
from flask_wtf import FlaskForm
from wtforms import (
    EmailField,
    HiddenField,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
    URLField,
)
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from forum.sanitize import normalize_text

BODY_MAX = 5000
NAME_MAX = 80


def _clean(value: str | None) -> str:
    return normalize_text(value).strip()


def _clean_line(value: str | None) -> str:
    """A one-line field: whitespace runs (newlines included) become single spaces."""
    return " ".join(normalize_text(value).split())


def _email_address(form: FlaskForm, field: EmailField) -> None:
    try:
        # No DNS look-up (it would leak the address and slow posting); .test domains
        # are allowed so that staging sites and checks can use them.
        validate_email(field.data, check_deliverability=False, test_environment=True)
    except EmailNotValidError as error:
        raise ValidationError(
            "Please enter a valid email address, such as name@example.org."
        ) from error


def _web_address(form: FlaskForm, field: URLField) -> None:
    if not field.data:
        return
    parts = urlsplit(field.data)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise ValidationError("Please enter a web address starting with http:// or https://.")
    if parts.username or parts.password or " " in field.data:
        raise ValidationError("Please enter a plain web address, such as https://example.org.")


class CommentForm(FlaskForm):
    author_name = StringField(
        "Name",
        filters=[_clean_line],
        validators=[
            DataRequired("Please enter your name."),
            Length(max=NAME_MAX, message=f"Please keep your name under {NAME_MAX} characters."),
        ],
    )
    author_email = EmailField(
        "Email",
        filters=[_clean_line],
        validators=[
            DataRequired("Please enter your email address. It will not be published."),
            Length(max=254, message="This email address is too long."),
            _email_address,
        ],
    )
    website = URLField(
        "Website",
        filters=[_clean_line],
        validators=[
            Optional(),
            Length(max=500, message="This web address is too long."),
            _web_address,
        ],
    )
    body = TextAreaField(
        "Comment",
        filters=[_clean],
        validators=[
            DataRequired("Please write your comment."),
            Length(
                max=BODY_MAX,
                message=f"Please keep your comment under {BODY_MAX:,} characters.",
            ),
        ],
    )
    parent_id = HiddenField()
    # When the form was first served, signed: see forum.moderation.form_timing.
    form_started = HiddenField()
    submit = SubmitField("Post comment")


class LoginForm(FlaskForm):
    email = EmailField(
        "Email", filters=[_clean_line], validators=[DataRequired("Enter your email.")]
    )
    password = PasswordField("Password", validators=[DataRequired("Enter your password.")])
    next = HiddenField()
    submit = SubmitField("Sign in")


class EmptyForm(FlaskForm):
    """A form with nothing but its CSRF token: for buttons that change something."""

    next = HiddenField()


BULK_ACTIONS = [
    SelectChoice("approve", "Approve"),
    SelectChoice("reject", "Reject"),
    SelectChoice("spam", "Mark as spam"),
    SelectChoice("delete", "Delete"),
]


class BulkModerationForm(FlaskForm):
    action = SelectField("With the selected comments", choices=BULK_ACTIONS)
    next = HiddenField()
    submit = SubmitField("Apply")
