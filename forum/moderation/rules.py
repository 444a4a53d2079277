"""The screening rules that decide what happens to a new comment.

Each rule is a plain function that looks at a Submission and returns a Decision
(publish, hold for a moderator, mark as spam, or refuse with a message) or None
when it has nothing to say. `screen` tries SCREENING_RULES in order: the first
refusal stops it; otherwise spam beats hold, hold beats publish, and with no
decision a comment waits for a moderator. Every reason reaches the moderator.
Adding a rule is writing one function and listing it.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from flask import current_app
from sqlalchemy import Row, bindparam, func, or_, select

from forum import metrics, safety
from forum.extensions import db
from forum.models import Block, BlockKind, Comment, CommentStatus
from forum.moderation.submission import Submission
from forum.settings import current_settings

MAX_LINKS = 2


class Verdict(StrEnum):
    PUBLISH = "publish"
    HOLD = "hold"
    SPAM = "spam"
    CONFIRM = "confirm"  # ask the person to check their text; held if they post anyway
    REFUSE = "refuse"


Highlight = tuple[int, int, str]  # start and end offsets into the body, and a label


@dataclass(frozen=True)
class Decision:
    verdict: Verdict
    reason: str  # for the moderator
    message: str = ""  # for a refusal or a question: what the person is told, text kept
    http_status: int = 422
    restart_form: bool = False  # for a refusal: serve the form with a new start time
    urgent: bool = False  # the comment describes symptoms that need help now
    highlights: tuple[Highlight, ...] = ()


class Refused(Exception):
    """A comment that is not stored; the person is told why and keeps their text."""

    def __init__(self, decision: Decision, needs_confirmation: bool = False) -> None:
        super().__init__(decision.message)
        self.decision = decision
        self.needs_confirmation = needs_confirmation


@dataclass(frozen=True)
class Screening:
    """What the rules decided for a comment that is stored."""

    status: CommentStatus
    reasons: list[str]
    # What TEXT_RULES decided, for forum.comment_text to write with the text.
    text_decisions: list[Decision]


Rule = Callable[[Submission], Decision | None]


# --- The rules ----------------------------------------------------------------------


def form_timing(sub: Submission) -> Decision | None:
    """People take a few seconds to write; bots send at once, or replay old forms."""
    if sub.form_age is None:
        return Decision(
            Verdict.HOLD,
            "The form's start time could not be checked: missing or altered, or sent back "
            "without JavaScript too soon after a cached page was built to tell",
        )
    seconds = sub.form_age.total_seconds()
    if seconds > current_app.config["FORUM_FORM_MAX_AGE"]:
        return Decision(
            Verdict.REFUSE,
            "The form had expired",
            "This form expired; your comment is kept below, please send it again.",
            http_status=400,
            restart_form=True,
        )
    min_seconds = current_settings().min_form_seconds
    if min_seconds and seconds < min_seconds:
        return Decision(
            Verdict.SPAM,
            f"Sent {seconds:.1f} s after the form was served "
            f"(people take at least {min_seconds} s)",
        )
    return None


def honeypot(sub: Submission) -> Decision | None:
    """A field people never see; only bots fill it in."""
    if sub.honeypot.strip():
        return Decision(Verdict.SPAM, "Filled in the hidden field that only bots see")
    return None


# The rules' queries are built once, with parameters, on the tables (plain rows, no ORM
# objects): posting is the forum's hottest write, and the ORM would cost more than SQLite.
_BLOCK = Block.__table__.c
_BLOCKS = select(_BLOCK.kind, _BLOCK.value).where(
    or_(
        (_BLOCK.kind == BlockKind.EMAIL) & (_BLOCK.value == bindparam("email")),
        (_BLOCK.kind == BlockKind.DOMAIN) & (_BLOCK.value == bindparam("domain")),
        (_BLOCK.kind == BlockKind.IP) & (_BLOCK.value == bindparam("ip")),  # = NULL: no match
    ),
    or_(_BLOCK.expires_at.is_(None), _BLOCK.expires_at > bindparam("now")),
)


def active_blocks(sub: Submission) -> list[Row]:
    """The kind and value of each block in force that the sender falls under."""
    values = {"email": sub.author_email, "domain": sub.author_email.rpartition("@")[2]}
    values.update(ip=sub.ip or None, now=sub.now)
    return list(db.session.connection().execute(_BLOCKS, values))


def blocked_author(sub: Submission) -> Decision | None:
    blocks = active_blocks(sub)
    if not blocks:
        return None
    what = ", ".join(f"{b.kind.value} {b.value}" for b in blocks)
    return Decision(Verdict.SPAM, f"Blocked by a moderator ({what})")


def flood(sub: Submission) -> Decision | None:
    """One comment at a time from one IP or e-mail address."""
    seconds = current_settings().flood_seconds
    if not seconds:
        return None
    senders = [Comment.author_email == sub.author_email]
    if sub.ip:
        senders.append(Comment.ip == sub.ip)
    # One query per sender kind, so that each uses its own index.
    times = [db.session.scalar(select(func.max(Comment.created_at)).where(s)) for s in senders]
    last = max((t for t in times if t is not None), default=None)
    if last is None or last <= sub.now - timedelta(seconds=seconds):
        return None
    wait = max(1, int((last + timedelta(seconds=seconds) - sub.now).total_seconds() + 0.999))
    return Decision(
        Verdict.REFUSE,
        "Sent too soon after the previous comment",
        f"You are posting too quickly. Please wait {wait} second{'s' if wait != 1 else ''} "
        "and send your comment again; it is kept below.",
        http_status=429,
    )


def duplicate(sub: Submission) -> Decision | None:
    """The same person saying the same thing twice on one article."""
    if sub.said_before is None:
        return None
    return Decision(Verdict.REFUSE, "Duplicate", "You have already said that.")


_URL = re.compile(r"(?:\bhttps?://|\bwww\.)", re.IGNORECASE)


def many_links(sub: Submission) -> Decision | None:
    # Written addresses count too, whether or not they became links.
    links = max(sub.body_html.count("<a "), len(_URL.findall(sub.body)))
    if links > MAX_LINKS:
        return Decision(Verdict.HOLD, f"Contains {links} links (more than {MAX_LINKS})")
    return None


@functools.lru_cache(maxsize=256)  # the lists change rarely, and every post is checked
def _word_pattern(word: str) -> re.Pattern[str]:
    escaped = re.escape(word.strip())
    # Whole words for words; anywhere for fragments such as "buy-pills." or "203.0.113."
    if re.fullmatch(r"\w(.*\w)?", word.strip()):
        escaped = rf"(?<!\w){escaped}(?!\w)"
    return re.compile(escaped, re.IGNORECASE)


def _find_words(words: tuple[str, ...], sub: Submission) -> list[str]:
    haystack = "\n".join(
        [sub.author_name, sub.author_email, sub.website or "", sub.body, sub.ip or ""]
    )
    return [w for w in words if w.strip() and _word_pattern(w).search(haystack)]


def word_lists(sub: Submission) -> Decision | None:
    settings = current_settings()
    if found := _find_words(settings.spam_words, sub):
        return Decision(Verdict.SPAM, f"Contains spam words: {', '.join(found)}")
    if found := _find_words(settings.hold_words, sub):
        return Decision(Verdict.HOLD, f"Contains words held for review: {', '.join(found)}")
    return None


_COMMENTS = Comment.__table__.c
_APPROVED_BEFORE = (
    select(_COMMENTS.id)
    .where(_COMMENTS.author_email == bindparam("email"), _COMMENTS.status == CommentStatus.APPROVED)
    .limit(1)
)


def returning_author(sub: Submission) -> Decision | None:
    """Someone a moderator already trusted is published at once, unless another rule objects."""
    if not current_settings().approve_returning_authors:
        return None
    found = db.session.connection().execute(_APPROVED_BEFORE, {"email": sub.author_email})
    if found.first() is None:
        return None
    return Decision(Verdict.PUBLISH, "Returning author with an approved comment")


def _on_findings(
    findings: list[safety.Finding], verdict: Verdict, reason: str, message: str = "", **more: bool
) -> Decision | None:
    """A detector's decision, or None if it found nothing; `{what}` in the reason and the
    message becomes what it found ("chest pain, a seizure"), and each find is highlighted."""
    if not findings:
        return None
    what = ", ".join(dict.fromkeys(f.label for f in findings))
    return Decision(
        verdict,
        reason.format(what=what),
        message.format(what=what),
        highlights=tuple((f.start, f.end, f.label) for f in findings),
        **more,
    )


def urgent_symptoms(sub: Submission) -> Decision | None:
    """Symptoms the article says need medical attention at once, happening now."""
    return _on_findings(
        safety.find_urgent_symptoms(sub.body),
        Verdict.HOLD,
        "Urgent: describes {what} happening now",
        urgent=True,
    )


def private_details(sub: Submission) -> Decision | None:
    """Phone numbers, addresses and the like: public once posted."""
    return _on_findings(
        safety.find_private_details(sub.body),
        Verdict.CONFIRM,
        "Private details: {what} (the author chose to post anyway)",
        "Your comment seems to include {what}. Everything you post here is public.",
    )


def medical_advice(sub: Submission) -> Decision | None:
    """Telling others what to do with their treatment, rather than sharing one's own."""
    return _on_findings(
        safety.find_medical_advice(sub.body),
        Verdict.CONFIRM,
        "Tells others what to do with their treatment (the author chose to post anyway)",
        "Your comment seems to tell others what to do with their treatment. Every "
        "patient's treatment is different: could you put it as your own experience, "
        "such as “I stopped … after talking to my doctor”?",
    )


# The rules about the text alone: they run again whenever a comment's text changes
# (an author's or a moderator's edit, an import), through forum.comment_text.
TEXT_RULES: list[Rule] = [
    many_links,
    word_lists,
    urgent_symptoms,
    private_details,
    medical_advice,
]
SCREENING_RULES: list[Rule] = [
    form_timing,
    honeypot,
    blocked_author,
    flood,
    duplicate,
    *TEXT_RULES,
    returning_author,
]

_STRENGTH = {Verdict.PUBLISH: 0, Verdict.HOLD: 1, Verdict.SPAM: 2}


def ask_first(decisions: list[Decision], confirmed: bool) -> None:
    """Raise Refused with the questions to the person, unless they already said "post anyway"."""
    questions = [d for d in decisions if d.verdict is Verdict.CONFIRM]
    if questions and not confirmed:
        message = " ".join(d.message for d in questions)
        raise Refused(Decision(Verdict.REFUSE, "", message), needs_confirmation=True)


def status_for(decisions: list[Decision]) -> CommentStatus:
    """Spam beats hold, hold (and a question answered "post anyway") beats publish."""
    verdicts = [Verdict.HOLD if d.verdict is Verdict.CONFIRM else d.verdict for d in decisions]
    strongest = max(verdicts, key=_STRENGTH.__getitem__, default=None)
    return {
        Verdict.SPAM: CommentStatus.SPAM,
        Verdict.PUBLISH: CommentStatus.APPROVED,
    }.get(strongest, CommentStatus.PENDING)


def check_text(sub: Submission) -> list[Decision]:
    """What TEXT_RULES say about the text; they never refuse."""
    return [d for rule in TEXT_RULES if (d := rule(sub)) is not None]


def screen(sub: Submission) -> Screening:
    """The status a new comment starts with, and why; raises Refused if it is not stored."""
    decisions: list[Decision] = []
    text_decisions: list[Decision] = []
    for rule in SCREENING_RULES:
        decision = rule(sub)
        if decision is None:
            continue
        metrics.screening_decision(rule.__name__, decision.verdict)
        if decision.verdict is Verdict.REFUSE:
            raise Refused(decision)
        decisions.append(decision)
        if rule in TEXT_RULES:
            text_decisions.append(decision)
    ask_first(decisions, sub.confirmed)
    return Screening(
        status=status_for(decisions),
        reasons=[d.reason for d in decisions],
        text_decisions=text_decisions,
    )
