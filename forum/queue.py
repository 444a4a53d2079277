"""The moderation area: the queue of comments, blocks and the screening settings."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response

from forum.auth import moderator_required
from forum.extensions import db
from forum.forms import ActionForm, BlockForm, BulkModerationForm, SettingsForm
from forum.models import Block, BlockKind, Comment, CommentStatus, ModerationEvent, utcnow
from forum.moderation import MODERATOR_ACTIONS, REJECT_REASONS, block_author, lift_block, moderate
from forum.security import is_safe_local_path, whole_number
from forum.settings import current_settings, save_settings

bp = Blueprint("queue", __name__, url_prefix="/moderation")

TABS = [
    CommentStatus.PENDING,
    CommentStatus.APPROVED,
    CommentStatus.SPAM,
    CommentStatus.REJECTED,
    CommentStatus.DELETED,
]
PER_PAGE = 50
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


def _rejection_counts() -> list[tuple[str, int]]:
    rows = db.session.execute(
        select(ModerationEvent.reason_code, func.count())
        .where(ModerationEvent.action == "reject", ModerationEvent.reason_code.is_not(None))
        .group_by(ModerationEvent.reason_code)
    )
    counts = dict(rows.all())
    return [(label, counts[code]) for code, label in REJECT_REASONS.items() if counts.get(code)]


def _page_number() -> int:
    page = whole_number(request.args.get("page"))
    return page if page and page < 10**6 else 1


@bp.get("/")
@moderator_required
def index() -> str:
    try:
        status = CommentStatus(request.args.get("status", CommentStatus.PENDING))
    except ValueError:
        abort(404)
    page = _page_number()
    # Pending comments oldest first (first come, first served); the other tabs newest first.
    pending = status is CommentStatus.PENDING
    order = Comment.created_at.asc() if pending else Comment.created_at.desc()
    comments = db.session.scalars(
        select(Comment)
        .where(Comment.status == status)
        .options(selectinload(Comment.article), selectinload(Comment.parent))
        .order_by(order, Comment.id)
        .limit(PER_PAGE + 1)
        .offset((page - 1) * PER_PAGE)
    ).all()
    return render_template(
        "queue/index.html",
        status=status,
        tabs=TABS,
        counts=_status_counts(),
        rejections=_rejection_counts(),
        comments=comments[:PER_PAGE],
        page=page,
        has_next=len(comments) > PER_PAGE,
        action_form=ActionForm(),
        bulk_form=BulkModerationForm(),
        block_form=BlockForm(),
        actions=MODERATOR_ACTIONS,
    )


def _back(target: str | None) -> Response:
    return redirect(target if is_safe_local_path(target) else url_for("queue.index"))


def _comment_or_404(comment_id: int) -> Comment:
    comment = db.session.get(Comment, comment_id)
    if comment is None:
        abort(404)
    return comment


@bp.post("/comments/<int:comment_id>/<any(approve, reject, spam, delete):action>")
@moderator_required
def act(comment_id: int, action: str) -> Response:
    form = ActionForm()
    form.validate()  # CSRF was checked before the view; an unknown reason becomes "other"
    comment = _comment_or_404(comment_id)
    moderate(comment, action, current_user, reason_code=form.reason.data)
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
    ids = [i for i in map(whole_number, request.form.getlist("ids")) if i is not None]
    if not ids:
        flash("Select at least one comment first.", "error")
        return _back(form.next.data)
    comments = db.session.scalars(select(Comment).where(Comment.id.in_(ids))).all()
    for comment in comments:
        moderate(comment, form.action.data, current_user, reason_code=form.reason.data)
    db.session.commit()
    flash(f"{len(comments)} comment(s) {DONE[form.action.data]}.", "success")
    return _back(form.next.data)


@bp.post("/comments/<int:comment_id>/block")
@moderator_required
def block(comment_id: int) -> Response:
    form = BlockForm()
    comment = _comment_or_404(comment_id)
    if not form.validate_on_submit():
        flash("Choose what to block.", "error")
        return _back(form.next.data)
    days = int(form.duration.data) if form.duration.data else None
    expires_at = utcnow() + timedelta(days=days) if days else None
    created = block_author(comment, BlockKind(form.kind.data), current_user, expires_at)
    db.session.commit()
    if created is None:
        flash("This comment has nothing to block by that.", "error")
    else:
        until = f" for {days} day(s)" if days else " until lifted"
        flash(f"Blocked {created.kind.value} {created.value}{until}.", "success")
    return _back(form.next.data)


@bp.route("/settings", methods=["GET", "POST"])
@moderator_required
def settings() -> Response | tuple[str, int]:
    current = current_settings()
    form = SettingsForm(
        data={
            "hold_words": "\n".join(current.hold_words),
            "spam_words": "\n".join(current.spam_words),
            "approve_returning_authors": current.approve_returning_authors,
            "flood_seconds": current.flood_seconds,
            "min_form_seconds": current.min_form_seconds,
        }
        if request.method == "GET"
        else None
    )
    if form.validate_on_submit():
        save_settings(
            hold_words=tuple(form.hold_words.data.splitlines()),
            spam_words=tuple(form.spam_words.data.splitlines()),
            approve_returning_authors=form.approve_returning_authors.data,
            flood_seconds=form.flood_seconds.data,
            min_form_seconds=form.min_form_seconds.data,
        )
        db.session.add(ModerationEvent(moderator_id=current_user.id, action="settings"))
        db.session.commit()
        flash("Settings saved.", "success")
        return redirect(url_for("queue.settings"))
    blocks = db.session.scalars(
        select(Block)
        .where(or_(Block.expires_at.is_(None), Block.expires_at > utcnow()))
        .options(selectinload(Block.moderator))
        .order_by(Block.created_at.desc())
    ).all()
    status = 422 if form.errors else 200
    return render_template(
        "queue/settings.html", form=form, blocks=blocks, lift_form=ActionForm()
    ), status


@bp.post("/blocks/<int:block_id>/lift")
@moderator_required
def lift(block_id: int) -> Response:
    found = db.session.get(Block, block_id)
    if found is None:
        abort(404)
    lift_block(found, current_user)
    db.session.commit()
    flash(f"Lifted the block on {found.kind.value} {found.value}.", "success")
    return redirect(url_for("queue.settings"))
