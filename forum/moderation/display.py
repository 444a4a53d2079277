"""What the queue shows beside a comment: the safety rules' matches and readers' reports."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass

from markupsafe import Markup, escape
from sqlalchemy import select

from forum.extensions import db
from forum.forms import REPORT_REASONS
from forum.models import Comment, Report


@dataclass
class ReportSummary:
    """What readers said about one comment, in the reports still open."""

    people: int
    reasons: list[tuple[str, int]]
    notes: list[str]


def report_summaries(comment_ids: list[int]) -> dict[int, ReportSummary]:
    reports = db.session.scalars(
        select(Report)
        .where(Report.comment_id.in_(comment_ids), Report.resolved_at.is_(None))
        .order_by(Report.created_at, Report.id)
    ).all()
    by_comment: dict[int, list[Report]] = {}
    for report in reports:
        by_comment.setdefault(report.comment_id, []).append(report)
    return {
        cid: ReportSummary(
            people=len({r.reporter_key for r in found}),
            reasons=[
                (REPORT_REASONS.get(reason, reason), n)
                for reason, n in Counter(r.reason for r in found).most_common()
            ],
            notes=[r.note for r in found if r.note],
        )
        for cid, found in by_comment.items()
    }


def _highlight_ranges(comment: Comment) -> list[tuple[int, int, str]]:
    """The safety rules' [start, end, label] ranges, checked, in order; [] if none or unreadable."""
    try:
        items = json.loads(comment.highlights or "[]")
    except ValueError:
        return []
    ranges = []
    for item in items if isinstance(items, list) else []:
        if not (isinstance(item, list) and len(item) == 3):
            continue
        start, end, label = item
        if type(start) is int and type(end) is int and isinstance(label, str):
            start, end = max(start, 0), min(end, len(comment.body))
            if start < end:
                ranges.append((start, end, label))
    return sorted(ranges)


def highlighted_body(comment: Comment) -> Markup:
    """The comment's text as typed, escaped, with what the safety rules matched in <mark>."""
    body, parts, done = comment.body, [], 0
    for start, end, label in _highlight_ranges(comment):
        start = max(start, done)  # overlapping ranges: mark each character once
        if start >= end:
            continue
        parts.append(escape(body[done:start]))
        parts.append(Markup('<mark title="{}">{}</mark>').format(label, body[start:end]))
        done = end
    parts.append(escape(body[done:]))
    return Markup("").join(parts)


def matched_labels(comment: Comment) -> list[str]:
    return list(dict.fromkeys(label for _, _, label in _highlight_ranges(comment)))
