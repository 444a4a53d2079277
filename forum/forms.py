"""The public's forms (commenting, reporting, subscribing, an author's edit), the field checks
and fields several forms share, and EmptyForm. Every POST, buttons included, goes through
Flask-WTF.

The moderators' forms are in forum/moderation/forms.py, the accounts' in forum/accounts/forms.py.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from email_validator import EmailNotValidError, validate_email
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    Field,
    HiddenField,
    RadioField,
    SelectChoice,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
    URLField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    Optional,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget

from forum.experiences import CONDITIONS, HELPED, ONSETS, ROUTES, SIDE_EFFECTS, TREATMENTS
from forum.models import AuthorRole
from forum.sanitize import normalize_text, plain_name

BODY_MAX = 5000
URL_MAX = 500  # the longest web address a comment or a moderator's note keeps
# The comment form's trap for bots: hidden from people, rendered by templates/articles/show.html
# (as the Jinja global `honeypot_field`), checked by the screening rules.
HONEYPOT_FIELD = "homepage"
NAME_MAX = 80


def clean(value: str | None) -> str:
    return normalize_text(value).strip()


def clean_line(value: str | None) -> str:
    """A one-line field: whitespace runs (newlines included) become single spaces."""
    return " ".join(normalize_text(value).split())


def email_address(form: FlaskForm, field: EmailField) -> None:
    try:
        # No DNS look-up (it would leak the address and slow posting); .test domains
        # are allowed so that staging sites and checks can use them.
        validate_email(field.data, check_deliverability=False, test_environment=True)
    except EmailNotValidError as error:
        raise ValidationError(
            "Please enter a valid email address, such as name@example.org."
        ) from error


def _name_as_text(form: FlaskForm, field: StringField) -> None:
    # Markup is stripped from names when a comment is saved: one made of nothing else is empty.
    if field.data and not plain_name(field.data):
        raise ValidationError("Please enter your name as plain text, without HTML tags.")


NOT_A_WEB_ADDRESS = "Please enter a web address starting with http:// or https://."


def web_address(form: FlaskForm, field: URLField) -> None:
    if not field.data:
        return
    try:
        parts = urlsplit(field.data)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:  # unbalanced [ ] in the host, a port that is not a number
        raise ValidationError(NOT_A_WEB_ADDRESS) from None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise ValidationError(NOT_A_WEB_ADDRESS)
    if parts.username or parts.password or " " in field.data:
        raise ValidationError("Please enter a plain web address, such as https://example.org.")


def email_field(required: str) -> EmailField:
    """An e-mail address, as the public's forms take one."""
    return EmailField(
        "Email",
        filters=[clean_line],
        validators=[
            DataRequired(required),
            Length(max=254, message="This email address is too long."),
            email_address,
        ],
    )


def web_address_field(label: str) -> URLField:
    """An optional http(s) address, as a comment's website or a moderator's note links one."""
    return URLField(
        label,
        filters=[clean_line],
        validators=[
            Optional(),
            Length(max=URL_MAX, message="This web address is too long."),
            web_address,
        ],
    )


def comment_text_field(
    label: str, required: str = "Please write your comment.", what: str = "your comment"
) -> TextAreaField:
    """A comment's text, as its author writes or edits it (and a moderator edits it)."""
    return _required_text(TextAreaField, label, clean, required, BODY_MAX, what)


def required_line_field(label: str, required: str, limit: int, what: str) -> StringField:
    """A required one-line text of at most `limit` characters, such as a moderator's reason."""
    return _required_text(StringField, label, clean_line, required, limit, what)


def _required_text(
    kind: type[Field], label: str, cleaner: Callable, required: str, limit: int, what: str
) -> Field:
    return kind(
        label,
        filters=[cleaner],
        validators=[
            DataRequired(required),
            Length(max=limit, message=f"Please keep {what} under {limit:,} characters."),
        ],
    )


ROLE_LABELS = {
    AuthorRole.PATIENT.value: "Patient",
    AuthorRole.CAREGIVER.value: "Caregiver or family",
    AuthorRole.PROFESSIONAL.value: "Healthcare professional",
    AuthorRole.OTHER.value: "Other",
}


def _choices(labels: dict[str, str]) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in labels.items()]


class MultiCheckboxField(SelectMultipleField):
    """Several choices as a list of checkboxes, which work without JavaScript."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class CommentForm(FlaskForm):
    class Meta:
        csrf = False  # a public form: forum.forgery checks its article-bound token first

    author_name = StringField(
        "Name",
        filters=[clean_line],
        validators=[
            DataRequired("Please enter your name."),
            _name_as_text,
            Length(max=NAME_MAX, message=f"Please keep your name under {NAME_MAX} characters."),
        ],
    )
    author_email = email_field("Please enter your email address. It will not be published.")
    website = web_address_field("Website")
    body = comment_text_field("Comment")
    parent_id = HiddenField()
    # When the form was first served, signed: see forum.moderation.rules.form_timing.
    form_started = HiddenField()
    author_role = RadioField(
        "I am a…", choices=_choices(ROLE_LABELS), validators=[Optional()], validate_choice=True
    )
    # "Share your IVIG experience": every question is optional.
    treatment = RadioField(
        "Have you had IVIG?", choices=_choices(TREATMENTS), validators=[Optional()]
    )
    conditions = MultiCheckboxField("What for?", choices=_choices(CONDITIONS))
    route = RadioField("How was it given?", choices=_choices(ROUTES), validators=[Optional()])
    side_effects = MultiCheckboxField("Side effects", choices=_choices(SIDE_EFFECTS))
    helped = RadioField("How much did it help?", choices=_choices(HELPED), validators=[Optional()])
    onset = RadioField("How soon did it work?", choices=_choices(ONSETS), validators=[Optional()])
    notify_on_publish = BooleanField("Email me when my comment is published")
    notify_on_reply = BooleanField("Email me when someone replies")
    remember_me = BooleanField("Save my name and email in this browser for the next time I comment")
    submit = SubmitField("Post comment")
    # Sent by the "Post anyway" button after the forum asked the person to check their text.
    post_anyway = SubmitField("Post anyway")

    def has_experience(self) -> bool:
        return any(
            (
                self.treatment.data,
                self.conditions.data,
                self.route.data,
                self.side_effects.data,
                self.helped.data,
                self.onset.data,
            )
        )

    def validate_side_effects(self, field: MultiCheckboxField) -> None:
        if "none" in (field.data or []) and len(field.data) > 1:
            raise ValidationError("Choose “None” or the side effects you had, not both.")


class EmailForm(FlaskForm):
    """Just an e-mail address: subscribing, or asking for the "manage my comments" link."""

    email = email_field("Please enter your email address.")


class AuthorEditForm(FlaskForm):
    body = comment_text_field("Your comment")
    post_anyway = SubmitField("Save anyway")


class EmptyForm(FlaskForm):
    """A form with nothing but its CSRF token: for buttons that change something."""

    next = HiddenField()


REPORT_REASONS = {
    "misinformation": "Medical misinformation",
    "spam": "Spam",
    "abusive": "Abusive",
    "private-information": "Private information",
    "other": "Other",
}


class ReportForm(FlaskForm):
    class Meta:
        csrf = False  # a public form: forum.forgery checks its article-bound token first

    reason = RadioField(
        "Why are you reporting this comment?",
        choices=_choices(REPORT_REASONS),
        validators=[InputRequired("Choose a reason.")],
    )
    note = TextAreaField(
        "Anything the moderators should know? (optional)",
        filters=[clean],
        validators=[Length(max=1000, message="Please keep the note under 1,000 characters.")],
    )
    submit = SubmitField("Send report")
