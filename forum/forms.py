"""The forum's forms: every POST, buttons included, goes through Flask-WTF and its CSRF check."""

from __future__ import annotations

import re
from datetime import date
from urllib.parse import urlsplit

from email_validator import EmailNotValidError, validate_email
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    IntegerField,
    PasswordField,
    RadioField,
    SelectChoice,
    SelectField,
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
    NumberRange,
    Optional,
    StopValidation,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget

from forum.experiences import CONDITIONS, HELPED, ONSETS, ROUTES, SIDE_EFFECTS, TREATMENTS
from forum.models import AuthorRole
from forum.moderation.actions import REJECT_REASONS
from forum.sanitize import normalize_text, plain_name

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


def _name_as_text(form: FlaskForm, field: StringField) -> None:
    # Markup is stripped from names when a comment is saved: one made of nothing else is empty.
    if field.data and not plain_name(field.data):
        raise ValidationError("Please enter your name as plain text, without HTML tags.")


NOT_A_WEB_ADDRESS = "Please enter a web address starting with http:// or https://."


def _web_address(form: FlaskForm, field: URLField) -> None:
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
        filters=[_clean_line],
        validators=[
            DataRequired("Please enter your name."),
            _name_as_text,
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

    email = EmailField(
        "Email",
        filters=[_clean_line],
        validators=[
            DataRequired("Please enter your email address."),
            Length(max=254, message="This email address is too long."),
            _email_address,
        ],
    )


class AuthorEditForm(FlaskForm):
    body = TextAreaField(
        "Your comment",
        filters=[_clean],
        validators=[
            DataRequired("Please write your comment."),
            Length(
                max=BODY_MAX, message=f"Please keep your comment under {BODY_MAX:,} characters."
            ),
        ],
    )
    post_anyway = SubmitField("Save anyway")


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
    review_time = StringField(
        "What people are told about when to expect a decision",
        filters=[_clean_line],
        validators=[
            DataRequired("Say when people can expect a decision."),
            Length(max=200, message="Please keep it under 200 characters."),
        ],
    )
    moderator_digest = BooleanField(
        "Send moderators one e-mail a day listing waiting comments, instead of one each"
    )
    two_factor_required = BooleanField("Two-factor required for everyone")
    submit = SubmitField("Save settings")


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
        filters=[_clean],
        validators=[Length(max=1000, message="Please keep the note under 1,000 characters.")],
    )
    submit = SubmitField("Send report")


# --- The moderators' tools ----------------------------------------------------------------

NOTE_MAX = 500
CLOSE_AFTER_MAX_DAYS = 3650


class EditCommentForm(FlaskForm):
    body = TextAreaField(
        "Comment",
        filters=[_clean],
        validators=[
            DataRequired("The comment cannot be empty; reject or delete it instead."),
            Length(max=BODY_MAX, message=f"Please keep the text under {BODY_MAX:,} characters."),
        ],
    )
    reason = StringField(
        "Reason for the edit",
        filters=[_clean_line],
        validators=[
            DataRequired("Say why you edited it, for the moderators' record."),
            Length(max=300, message="Please keep the reason under 300 characters."),
        ],
    )
    next = HiddenField()
    submit = SubmitField("Save the edit")


class NoteForm(FlaskForm):
    note = TextAreaField(
        "Moderator's note, shown under the comment (empty: no note)",
        filters=[_clean],
        validators=[
            Length(max=NOTE_MAX, message=f"Please keep the note under {NOTE_MAX} characters.")
        ],
    )
    note_url = URLField(
        "Link for more (optional)",
        filters=[_clean_line],
        validators=[
            Optional(),
            Length(max=500, message="This web address is too long."),
            _web_address,
        ],
    )
    next = HiddenField()

    def validate_note_url(self, field: URLField) -> None:
        if field.data and not self.note.data:
            raise ValidationError("Write the note that the link belongs to.")


class WholeNumberField(IntegerField):
    """A whole number in ASCII digits (int() would also read "١٢"), with one clear message."""

    def process_formdata(self, valuelist: list[str]) -> None:
        raw = valuelist[0].strip() if valuelist else ""
        self.data = None
        if not raw:
            return
        if not (raw.isascii() and raw.isdigit()) or len(raw) > 9:
            raise ValueError(self.gettext("Enter a whole number."))
        self.data = int(raw)

    def pre_validate(self, form: FlaskForm) -> None:
        if self.process_errors:  # already said; the range check would only repeat it
            raise StopValidation()


class ArticleCommentsForm(FlaskForm):
    comments_closed = BooleanField("Close new comments")
    close_comments_after_days = WholeNumberField(
        "Close automatically this many days after publication (empty: never)",
        validators=[
            Optional(),
            NumberRange(
                1,
                CLOSE_AFTER_MAX_DAYS,
                message=f"Enter a number of days from 1 to {CLOSE_AFTER_MAX_DAYS:,}, or nothing.",
            ),
        ],
    )
    submit = SubmitField("Save")


_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def parse_iso_date(value: str | None) -> date | None:
    """A YYYY-MM-DD date, or None for anything else (empty, another format, no such day)."""
    if not value or not _ISO_DATE.fullmatch(value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def _iso_date(form: FlaskForm, field: StringField) -> None:
    if field.data and parse_iso_date(field.data) is None:
        raise ValidationError("Enter a date as YYYY-MM-DD, such as 2026-03-31.")


class LogFilterForm(FlaskForm):
    """The event log's filters: a plain GET form, so no CSRF token."""

    class Meta:
        csrf = False

    moderator = SelectField("Moderator", choices=[], default="")
    action = SelectField("Action", choices=[], default="")
    date_from = StringField("From", name="from", filters=[_clean_line], validators=[_iso_date])
    date_to = StringField("To", name="to", filters=[_clean_line], validators=[_iso_date])

    def validate_date_to(self, field: StringField) -> None:
        start, end = parse_iso_date(self.date_from.data), parse_iso_date(field.data)
        if start and end and end < start:
            raise ValidationError("The end date is before the start date.")
