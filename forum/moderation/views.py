"""The moderation area: the queue of comments, the tools on each, blocks and the settings."""

from __future__ import annotations

from dataclasses import fields
from datetime import timedelta
from typing import TypeVar

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from forum.accounts.roles import admin_required, moderator_required
from forum.extensions import db
from forum.forms import ROLE_LABELS, URL_MAX
from forum.models import (
    AuthorRole,
    Block,
    BlockKind,
    Comment,
    CommentStatus,
    ModerationAction,
    utcnow,
)
from forum.moderation import bp, queries
from forum.moderation.actions import (
    MODERATOR_ACTIONS,
    block_author,
    dismiss_reports,
    edit_comment,
    lift_block,
    log_event,
    moderate,
    set_featured,
    set_moderator_note,
    set_role_verified,
    split_edit_reason,
)
from forum.moderation.display import highlighted_body, matched_labels, report_summaries
from forum.moderation.forms import (
    NOTE_MAX,
    ActionForm,
    BlockForm,
    BulkModerationForm,
    EditCommentForm,
    NoteForm,
    SettingsForm,
)
from forum.paging import page_number, paginate
from forum.security import is_safe_local_path, whole_number
from forum.settings import ForumSettings, current_settings, save_settings

bp.add_app_template_filter(highlighted_body)
bp.add_app_template_filter(matched_labels)
Row = TypeVar("Row")

DONE = {
    "approve": "approved",
    "reject": "rejected",
    "spam": "marked as spam",
    "delete": "deleted",
}


def _item_context() -> dict[str, object]:
    """What templates/moderation/_item.html needs besides the comment."""
    return {
        "action_form": ActionForm(),
        "block_form": BlockForm(),
        "actions": MODERATOR_ACTIONS,
        "role_labels": ROLE_LABELS,
        "professional": AuthorRole.PROFESSIONAL,
        "note_max": NOTE_MAX,
        "url_max": URL_MAX,
    }


@bp.get("/")
@moderator_required
def index() -> str:
    tab = request.args.get("status", "pending")
    if tab not in queries.TABS:
        abort(404)
    page = paginate(queries.queue(tab), page_number(), current_app.config["FORUM_QUEUE_PER_PAGE"])
    shown = page.items
    return render_template(
        "moderation/index.html",
        tab=tab,
        tabs=queries.TABS,
        counts=queries.tab_counts(),
        rejections=queries.rejection_counts(),
        comments=shown,
        reports=report_summaries([c.id for c in shown]),
        page=page.number,
        has_next=page.has_next,
        bulk_form=BulkModerationForm(),
        **_item_context(),
    )


def _back(default: str | None = None) -> Response:
    """To the page the moderator acted from (the form's `next`), if it is one of ours."""
    target = request.form.get("next")
    return redirect(
        target if is_safe_local_path(target) else default or url_for("moderation.index")
    )


def _done(message: str) -> Response:
    """Store what an action on the queue did, say so, and go back."""
    db.session.commit()
    flash(message, "success")
    return _back()


def _refused(message: str) -> Response:
    """Say why an action on the queue was not done, and go back."""
    flash(message, "error")
    return _back()


def row_or_404(model: type[Row], row_id: int) -> Row:
    """The row with this id from a URL, or 404."""
    # No row has an id past 64 bits, and SQLite cannot even compare such a number.
    found = db.session.get(model, row_id) if row_id < 2**63 else None
    if found is None:
        abort(404)
    return found


def _comment_or_404(comment_id: int) -> Comment:
    return row_or_404(Comment, comment_id)


def _render_item(found: Comment, status: int = 200, **extra: object) -> tuple[str, int]:
    html = render_template(
        "moderation/item.html",
        c=found,
        events=queries.comment_history(found),
        reports=report_summaries([found.id]),
        split_edit_reason=split_edit_reason,
        **_item_context(),
        **extra,
    )
    return html, status


@bp.get("/comments/<id:comment_id>")
@moderator_required
def item(comment_id: int) -> tuple[str, int]:
    """One comment as in the queue, with everything moderators did to it."""
    return _render_item(_comment_or_404(comment_id))


@bp.post("/comments/<id:comment_id>/<any(approve, reject, spam, delete):action>")
@moderator_required
def act(comment_id: int, action: str) -> Response:
    form = ActionForm()
    form.validate()  # CSRF was checked before the view; an unknown reason becomes "other"
    comment = _comment_or_404(comment_id)
    moderate(comment, action, current_user, reason_code=form.reason.data)
    return _done(f"Comment by {comment.author_name} {DONE[action]}.")


@bp.post("/bulk")
@moderator_required
def bulk() -> Response:
    form = BulkModerationForm()
    if not form.validate_on_submit():
        return _refused("Choose an action for the selected comments.")
    ids = [i for i in map(whole_number, request.form.getlist("ids")) if i is not None]
    if not ids:
        return _refused("Select at least one comment first.")
    comments = queries.comments_by_id(ids)
    for comment in comments:
        moderate(comment, form.action.data, current_user, reason_code=form.reason.data)
    return _done(f"{len(comments)} comment(s) {DONE[form.action.data]}.")


@bp.post("/comments/<id:comment_id>/dismiss-reports")
@moderator_required
def dismiss(comment_id: int) -> Response:
    comment = _comment_or_404(comment_id)
    event = dismiss_reports(comment, current_user)
    if event is None:
        return _done(f"The comment by {comment.author_name} has no open reports.")
    again = " and published it again" if event.to_status is CommentStatus.APPROVED else ""
    return _done(f"Dismissed the reports of the comment by {comment.author_name}{again}.")


@bp.route("/comments/<id:comment_id>/edit", methods=["GET", "POST"])
@moderator_required
def edit(comment_id: int) -> Response | tuple[str, int]:
    comment = _comment_or_404(comment_id)
    form = EditCommentForm(
        data={"body": comment.body, "next": request.args.get("next", "")}
        if request.method == "GET"
        else None
    )
    if form.validate_on_submit():
        if form.body.data != comment.body:
            edit_comment(comment, form.body.data, form.reason.data, current_user)
            db.session.commit()
            flash(f"Saved your edit of the comment by {comment.author_name}.", "success")
            return _back(url_for("moderation.item", comment_id=comment.id))
        form.body.errors.append("The text is unchanged: edit it, or go back to the queue.")
    status = 422 if form.errors else 200
    return render_template("moderation/edit.html", form=form, c=comment), status


TOGGLED = {
    "feature": "is now a moderator’s pick",
    "unfeature": "is no longer a moderator’s pick",
    "verify": "now has a verified professional badge",
    "unverify": "no longer has a verified professional badge",
}


@bp.post("/comments/<id:comment_id>/<any(feature, unfeature, verify, unverify):change>")
@moderator_required
def toggle(comment_id: int, change: str) -> Response:
    comment = _comment_or_404(comment_id)
    if change == "feature" and not comment.is_public:
        return _refused("Only a published comment can be a moderator’s pick. Approve it first.")
    if change in ("feature", "unfeature"):
        set_featured(comment, change == "feature", current_user)
    elif comment.author_role is AuthorRole.PROFESSIONAL:
        set_role_verified(comment, change == "verify", current_user)
    else:
        return _refused("Only a healthcare professional’s badge can be verified.")
    return _done(f"The comment by {comment.author_name} {TOGGLED[change]}.")


@bp.post("/comments/<id:comment_id>/note")
@moderator_required
def note(comment_id: int) -> Response | tuple[str, int]:
    form = NoteForm()
    comment = _comment_or_404(comment_id)
    if not form.validate_on_submit():
        # Shown again on the comment's own page, with what was typed and why it was refused.
        return _render_item(comment, 422, note_form=form)
    if set_moderator_note(comment, form.note.data, form.note_url.data, current_user) is None:
        return _back()  # the same note as before: nothing to say
    done = "Removed the note from" if not form.note.data else "Saved the note on"
    return _done(f"{done} the comment by {comment.author_name}.")


@bp.post("/comments/<id:comment_id>/block")
@admin_required
def block(comment_id: int) -> Response:
    form = BlockForm()
    comment = _comment_or_404(comment_id)
    if not form.validate_on_submit():
        return _refused("Choose what to block.")
    days = int(form.duration.data) if form.duration.data else None
    expires_at = utcnow() + timedelta(days=days) if days else None
    created = block_author(comment, BlockKind(form.kind.data), current_user, expires_at)
    if created is None:
        return _refused("This comment has nothing to block by that.")
    until = f" for {days} day(s)" if days else " until lifted"
    return _done(f"Blocked {created.kind.value} {created.value}{until}.")


@bp.route("/settings", methods=["GET", "POST"])
@admin_required
def settings() -> Response | tuple[str, int]:
    current = current_settings()
    names = [f.name for f in fields(ForumSettings)]
    shown = {n: getattr(current, n) for n in names}
    for words in ("hold_words", "spam_words"):
        shown[words] = "\n".join(shown[words])
    form = SettingsForm(data=shown if request.method == "GET" else None)
    if form.validate_on_submit():
        changes = {n: getattr(form, n).data for n in names}
        for words in ("hold_words", "spam_words"):
            changes[words] = tuple(changes[words].splitlines())
        save_settings(**changes)
        log_event(current_user, ModerationAction.SETTINGS)
        if changes["two_factor_required"] != current.two_factor_required:
            required = changes["two_factor_required"]
            log_event(
                current_user,
                ModerationAction.TWO_FACTOR_REQUIRED
                if required
                else ModerationAction.TWO_FACTOR_OPTIONAL,
            )
        db.session.commit()
        flash("Settings saved.", "success")
        return redirect(url_for("moderation.settings"))
    blocks = queries.blocks_in_force()
    status = 422 if form.errors else 200
    return render_template(
        "moderation/settings.html", form=form, blocks=blocks, lift_form=ActionForm()
    ), status


@bp.post("/blocks/<id:block_id>/lift")
@admin_required
def lift(block_id: int) -> Response:
    found = row_or_404(Block, block_id)
    lift_block(found, current_user)
    db.session.commit()
    flash(f"Lifted the block on {found.kind.value} {found.value}.", "success")
    return redirect(url_for("moderation.settings"))
