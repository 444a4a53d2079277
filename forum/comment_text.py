"""Setting a comment's text: the one path for new comments, edits and imports.

Whichever way a text arrives (a new comment, its author's edit, a moderator's edit,
an import), it is rendered and run through the screening's text rules here, so the
urgent flag, the highlights, the moderator's reasons and what the writer is told
are the same for the same text. Nothing here commits.
"""

from __future__ import annotations

import json
from enum import StrEnum

from forum.models import Comment
from forum.moderation.rules import Decision, ask_first, check_text
from forum.moderation.submission import Submission, body_digest
from forum.safety import find_urgent_symptoms
from forum.sanitize import render_comment

URGENT_MESSAGE = (
    "Your comment describes symptoms that need medical attention now. Please call your "
    "local emergency number or go to the nearest emergency department. A comment section "
    "cannot help in an emergency."
)


def describes_emergency(body: str) -> bool:
    """Whether the writer must be told at once to get help: shown on every page that sends
    a text back to its writer (a question, a mistake), before anything is stored."""
    return bool(find_urgent_symptoms(body))


def _about(comment: Comment, body: str) -> Submission:
    """New text for a comment already stored, with what is known of its sender."""
    return Submission(
        article=comment.article,
        parent=None,
        author_name=comment.author_name,
        author_email=comment.author_email or "",
        website=comment.website,
        body=body,
        ip=comment.ip,
        user_agent=comment.user_agent,
        form_age=None,
        author_role=comment.author_role,
    )


class TextSource(StrEnum):
    NEW = "new"  # screened with the rest of the submission by forum.moderation.rules.screen
    AUTHOR = "author"  # asked first about private details, as on a new comment
    MODERATOR = "moderator"  # flagged, never asked
    IMPORT = "import"  # history: flagged, never asked, never held for it


def set_comment_text(
    comment: Comment,
    body: str,
    source: TextSource,
    *,
    confirmed: bool = False,
    decisions: list[Decision] | None = None,
    body_html: str | None = None,
) -> list[Decision]:
    """Put `body` into `comment`, rendered and flagged as the text rules say.

    Returns the rules' decisions. An author who has not yet said "post anyway" is
    asked about private details or advice first: Refused is raised and nothing changes.
    `decisions` (and `body_html`) are passed in only for a new comment, screened (and
    rendered) already with its sender.
    """
    if decisions is None:
        decisions = check_text(_about(comment, body))
    if source is TextSource.AUTHOR:
        ask_first(decisions, confirmed)
    if source is not TextSource.NEW:
        comment.screening_reasons = _reasons_with_new_text(comment, decisions)
    comment.body = body
    comment.body_html = body_html if body_html is not None else str(render_comment(body))
    comment.body_digest = body_digest(body)
    comment.urgent = any(d.urgent for d in decisions)
    highlights = [h for d in decisions for h in d.highlights]
    comment.highlights = json.dumps(highlights) if highlights else ""
    return decisions


def _reasons_with_new_text(comment: Comment, decisions: list[Decision]) -> str:
    """The comment's reasons, with what the rules said of its old text replaced."""
    if comment.body is None:  # a new comment: nothing said of an old text
        return "\n".join(d.reason for d in decisions)
    old_text = {d.reason for d in check_text(_about(comment, comment.body))}
    kept = [r for r in (comment.screening_reasons or "").splitlines() if r and r not in old_text]
    return "\n".join(dict.fromkeys([*kept, *(d.reason for d in decisions)]))
