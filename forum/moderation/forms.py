"""The moderators' forms: actions on comments, blocks, settings, edits, notes, the log's filters."""

from __future__ import annotations

import re
from datetime import date

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
    URLField,
)
from wtforms.validators import (
    InputRequired,
    Length,
    NumberRange,
    Optional,
    StopValidation,
    ValidationError,
)

from forum.forms import (
    clean,
    clean_line,
    comment_text_field,
    required_line_field,
    web_address_field,
)
from forum.moderation.actions import REJECT_REASONS
from forum.sanitize import normalize_text

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


class BulkModerationForm(ActionForm):
    """The queue's form for the ticked comments: the action, as the one-comment buttons say it."""

    action = SelectField("With the selected comments", choices=BULK_ACTIONS)


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
    review_time = required_line_field(
        "What people are told about when to expect a decision",
        "Say when people can expect a decision.",
        200,
        "it",
    )
    moderator_digest = BooleanField(
        "Send moderators one e-mail a day listing waiting comments, instead of as they come"
    )
    two_factor_required = BooleanField("Two-factor required for everyone")
    submit = SubmitField("Save settings")


NOTE_MAX = 500
CLOSE_AFTER_MAX_DAYS = 3650


class EditCommentForm(FlaskForm):
    body = comment_text_field(
        "Comment", "The comment cannot be empty; reject or delete it instead.", "the text"
    )
    reason = required_line_field(
        "Reason for the edit",
        "Say why you edited it, for the moderators' record.",
        300,
        "the reason",
    )
    next = HiddenField()
    submit = SubmitField("Save the edit")


class NoteForm(FlaskForm):
    note = TextAreaField(
        "Moderator's note, shown under the comment (empty: no note)",
        filters=[clean],
        validators=[
            Length(max=NOTE_MAX, message=f"Please keep the note under {NOTE_MAX} characters.")
        ],
    )
    note_url = web_address_field("Link for more (optional)")
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
    date_from = StringField("From", name="from", filters=[clean_line], validators=[_iso_date])
    date_to = StringField("To", name="to", filters=[clean_line], validators=[_iso_date])

    def validate_date_to(self, field: StringField) -> None:
        start, end = parse_iso_date(self.date_from.data), parse_iso_date(field.data)
        if start and end and end < start:
            raise ValidationError("The end date is before the start date.")
