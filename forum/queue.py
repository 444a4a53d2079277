"""The moderation queue: moderators read held comments and approve, reject, spam or delete them."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response

from forum.auth import moderator_required
from forum.extensions import db
from forum.forms import BulkModerationForm, EmptyForm
from forum.models import Comment, CommentStatus
from forum.moderation import MODERATOR_ACTIONS, moderate
from forum.security import is_safe_local_path

bp = Blueprint("queue", __name__, url_prefix="/moderation")

TABS = [
    CommentStatus.PENDING,
    CommentStatus.APPROVED,
    CommentStatus.SPAM,
    CommentStatus.REJECTED,
    CommentStatus.DELETED,
]
DONE = {
    "approve": "approved",
    "reject": "rejected",
    "spam": "marked as spam",
    "delete": "deleted",
}


def _status_counts() -> dict[CommentStatus, int]:
    rows = db.session.execute(select(Comment.status, func.count()).group_by(Comment.status))
    counts = dict.fromkeys(TABS, 0)
    counts.update({status: count for status, count in rows})
    return counts


@bp.get("/")
@moderator_required
def index() -> str:
    try:
        status = CommentStatus(request.args.get("status", CommentStatus.PENDING))
    except ValueError:
        abort(404)
    raw_page = request.args.get("page", "1")
    page = int(raw_page) if raw_page.isdigit() and len(raw_page) < 9 else 1
    per_page = 50
    # Pending comments oldest first (first come, first served); the other tabs newest first.
    pending = status is CommentStatus.PENDING
    order = Comment.created_at.asc() if pending else Comment.created_at.desc()
    comments = db.session.scalars(
        select(Comment)
        .where(Comment.status == status)
        .options(selectinload(Comment.article), selectinload(Comment.parent))
        .order_by(order, Comment.id)
        .limit(per_page + 1)
        .offset((page - 1) * per_page)
    ).all()
    return render_template(
        "queue/index.html",
        status=status,
        tabs=TABS,
        counts=_status_counts(),
        comments=comments[:per_page],
        page=page,
        has_next=len(comments) > per_page,
        action_form=EmptyForm(),
        bulk_form=BulkModerationForm(),
        actions=MODERATOR_ACTIONS,
    )


def _back(target: str | None) -> Response:
    return redirect(target if is_safe_local_path(target) else url_for("queue.index"))


@bp.post("/comments/<int:comment_id>/<any(approve, reject, spam, delete):action>")
@moderator_required
def act(comment_id: int, action: str) -> Response:
    form = EmptyForm()
    form.validate_on_submit()  # CSRF is checked for every POST before this view runs
    comment = db.session.get(Comment, comment_id)
    if comment is None:
        abort(404)
    moderate(comment, action, current_user)
    db.session.commit()
    flash(f"Comment by {comment.author_name} {DONE[action]}.", "success")
    return _back(form.next.data)


@bp.post("/bulk")
@moderator_required
def bulk() -> Response:
    form = BulkModerationForm()
    if not form.validate_on_submit():
        flash("Choose an action for the selected comments.", "error")
        return _back(form.next.data)
    ids = [int(i) for i in request.form.getlist("ids") if i.isdigit() and len(i) < 18]
    if not ids:
        flash("Select at least one comment first.", "error")
        return _back(form.next.data)
    comments = db.session.scalars(select(Comment).where(Comment.id.in_(ids))).all()
    for comment in comments:
        moderate(comment, form.action.data, current_user)
    db.session.commit()
    flash(f"{len(comments)} comment(s) {DONE[form.action.data]}.", "success")
    return _back(form.next.data)
