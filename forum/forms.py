"""The forum's forms: every POST, buttons included, goes through Flask-WTF and its CSRF check."""

from __future__ import annotations

from urllib.parse import urlsplit

from email_validator import EmailNotValidError, validate_email
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    IntegerField,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
    URLField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from forum.moderation import REJECT_REASONS
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


REJECT_CHOICES = [SelectChoice(code, label) for code, label in REJECT_REASONS.items()]


class ActionForm(FlaskForm):
    """A moderator's button on one comment; the reason is used when rejecting."""

    reason = SelectField("Reason", choices=REJECT_CHOICES, default="other")
    next = HiddenField()


BULK_ACTIONS = [
    SelectChoice("approve", "Approve"),
    SelectChoice("reject", "Reject"),
    SelectChoice("spam", "Mark as spam"),
    SelectChoice("delete", "Delete"),
]


class BulkModerationForm(FlaskForm):
    action = SelectField("With the selected comments", choices=BULK_ACTIONS)
    reason = SelectField("Reason for rejecting", choices=REJECT_CHOICES, default="other")
    next = HiddenField()


BLOCK_DURATIONS = [
    SelectChoice("", "Until lifted"),
    SelectChoice("1", "For 1 day"),
    SelectChoice("7", "For 7 days"),
    SelectChoice("30", "For 30 days"),
]


class BlockForm(FlaskForm):
    kind = SelectField(
        "Block",
        choices=[
            SelectChoice("email", "This e-mail address"),
            SelectChoice("domain", "This e-mail's domain"),
            SelectChoice("ip", "This IP address"),
        ],
    )
    duration = SelectField("How long", choices=BLOCK_DURATIONS, default="")
    next = HiddenField()


def _lines(value: str | None) -> str:
    return "\n".join(line.strip() for line in normalize_text(value).splitlines() if line.strip())


class SettingsForm(FlaskForm):
    hold_words = TextAreaField(
        "Hold for review when a comment contains",
        filters=[_lines],
        validators=[Length(max=20_000)],
    )
    spam_words = TextAreaField(
        "Mark as spam when a comment contains",
        filters=[_lines],
        validators=[Length(max=20_000)],
    )
    approve_returning_authors = BooleanField(
        "Publish at once a comment whose e-mail already has an approved comment"
    )
    flood_seconds = IntegerField(
        "Least seconds between two comments from one IP or e-mail (0: no limit)",
        validators=[InputRequired("Enter a number of seconds."), NumberRange(0, 3600)],
    )
    min_form_seconds = IntegerField(
        "Comments sent sooner than this many seconds after the form was served are spam (0: off)",
        validators=[InputRequired("Enter a number of seconds."), NumberRange(0, 120)],
    )
    submit = SubmitField("Save settings")
