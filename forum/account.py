"""Commenters' control: subscriptions, unsubscribing, "manage my comments", privacy.

Commenters have no accounts. A signed link sent to their address proves it is
theirs: it works once and for a short time, then a signed session cookie keeps
them in for an hour.
"""

from __future__ import annotations

import json
from datetime import timedelta

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from sqlalchemy import delete, select, update

from forum.comment_text import URGENT_MESSAGE, TextSource, describes_emergency, set_comment_text
from forum.errors import invalid_link
from forum.experiences import experience_json
from forum.extensions import csrf, db, limiter
from forum.forms import AuthorEditForm, EmailForm, EmptyForm
from forum.mail import read_token, send_soon, use_token
from forum.models import (
    Article,
    Comment,
    CommentStatus,
    MailOptOut,
    ModerationAction,
    Subscription,
    utcnow,
)
from forum.moderation.actions import change_status
from forum.moderation.rules import Refused
from forum.notifications import manage_link, subscription_confirmation

bp = Blueprint("account", __name__)

MANAGE_KEY = "manage"  # {"email": ..., "until": iso time}
EDIT_WINDOW = timedelta(minutes=15)


@bp.get("/privacy")
def privacy() -> str:
    return render_template("account/privacy.html")


# --- Subscriptions ------------------------------------------------------------------


@bp.post("/articles/<slug:slug>/subscribe")
@limiter.limit("5 per hour")
def subscribe(slug: str) -> Response | tuple[str, int]:
    article = db.session.scalar(select(Article).where(Article.slug == slug))
    if article is None or not article.is_public:
        abort(404)
    form = EmailForm()
    if not form.validate_on_submit():
        return render_template("account/subscribe.html", article=article, form=form), 422
    email = form.email.data.lower()
    subscription = db.session.scalar(
        select(Subscription).where(
            Subscription.article_id == article.id, Subscription.email == email
        )
    )
    if subscription is None:
        subscription = Subscription(article_id=article.id, email=email)
        db.session.add(subscription)
        db.session.flush()
    if subscription.confirmed_at is None:
        subscription_confirmation(subscription)
    db.session.commit()
    send_soon(current_app._get_current_object())
    # The same answer whether or not the address was already subscribed.
    flash(
        "Thank you. Please check your e-mail and confirm: nothing is sent until you do.",
        "success",
    )
    return redirect(url_for("articles.show", slug=article.slug, _anchor="subscribe"))


@bp.route("/subscriptions/confirm/<token>", methods=["GET", "POST"])
def confirm_subscription(token: str) -> Response | tuple[str, int] | str:
    payload = read_token("subscribe", token, timedelta(days=7))
    subscription = db.session.get(Subscription, payload.get("subscription", 0)) if payload else None
    if subscription is None or subscription.email != payload.get("email"):
        return invalid_link()
    # A GET only shows the button: mail scanners open links, people press buttons.
    if request.method == "POST" and EmptyForm().validate_on_submit():
        subscription.confirmed_at = subscription.confirmed_at or utcnow()
        db.session.execute(delete(MailOptOut).where(MailOptOut.email == subscription.email))
        db.session.commit()
        flash("You will get an e-mail for each new comment on this article.", "success")
        return redirect(url_for("articles.show", slug=subscription.article.slug))
    return render_template("account/confirm_subscription.html", subscription=subscription)


def stop_all_mail(email: str) -> None:
    """No more e-mail of any kind to this address (no commit)."""
    email = email.lower()
    if db.session.get(MailOptOut, email) is None:
        db.session.add(MailOptOut(email=email))
    db.session.execute(delete(Subscription).where(Subscription.email == email))
    db.session.execute(
        update(Comment)
        .where(Comment.author_email == email)
        .values(notify_on_publish=False, notify_on_reply=False)
    )


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt  # RFC 8058 one-click: mail providers POST without our form; the token is the key
def unsubscribe(token: str) -> tuple[str, int] | str:
    payload = read_token("unsubscribe", token, None)
    if not payload or not payload.get("email"):
        return invalid_link()
    if request.method == "POST":
        stop_all_mail(payload["email"])
        db.session.commit()
        return render_template("account/unsubscribed.html")
    return render_template("account/unsubscribe.html", token=token)


# --- Manage my comments -------------------------------------------------------------


@bp.route("/manage", methods=["GET", "POST"])
@limiter.limit("5 per hour", methods=["POST"])
def request_manage_link() -> Response | tuple[str, int] | str:
    form = EmailForm()
    if form.validate_on_submit():
        email = form.email.data.lower()
        known = db.session.scalar(
            select(Comment.id).where(Comment.author_email == email).limit(1)
        ) or db.session.scalar(select(Subscription.id).where(Subscription.email == email).limit(1))
        if known:
            manage_link(email)
            db.session.commit()
            send_soon(current_app._get_current_object())
        # The same page either way, so that it reveals nothing about the address.
        return render_template("account/manage_sent.html")
    status = 422 if form.errors else 200
    return render_template("account/manage_request.html", form=form), status


@bp.get("/manage/<token>")
def manage(token: str) -> Response | tuple[str, int]:
    payload = read_token("manage", token, current_app.config["FORUM_MANAGE_LINK_AGE"])
    if not payload or not payload.get("email") or not use_token(payload):
        db.session.rollback()
        return invalid_link(manage=True)
    db.session.commit()
    until = utcnow() + current_app.config["FORUM_MANAGE_LINK_AGE"]
    session[MANAGE_KEY] = {"email": payload["email"], "until": until.isoformat()}
    # Off the address bar and the history: the token is spent anyway.
    return redirect(url_for("account.my_comments"))


def _managed_email() -> str:
    data = session.get(MANAGE_KEY)
    try:
        email, until = data["email"], data["until"]
        valid = utcnow().isoformat() < until
    except (TypeError, KeyError):
        valid = False
    if not valid:
        session.pop(MANAGE_KEY, None)
        abort(403, "Your link has expired. Ask for a new one on the “Manage my comments” page.")
    return email


def _own_comment(comment_id: int) -> Comment:
    comment = db.session.get(Comment, comment_id)
    if comment is None or comment.author_email != _managed_email():
        abort(404)
    return comment


@bp.get("/manage/comments")
def my_comments() -> str:
    email = _managed_email()
    comments = db.session.scalars(
        select(Comment).where(Comment.author_email == email).order_by(Comment.created_at.desc())
    ).all()
    return render_template(
        "account/my_comments.html",
        email=email,
        comments=comments,
        form=EmptyForm(),
        editable=_editable,
    )


def _editable(comment: Comment) -> bool:
    return (
        comment.status in (CommentStatus.PENDING, CommentStatus.APPROVED)
        and utcnow() - comment.created_at <= EDIT_WINDOW
    )


@bp.route("/manage/comments/<id:comment_id>/edit", methods=["GET", "POST"])
def edit_my_comment(comment_id: int) -> Response | tuple[str, int]:
    comment = _own_comment(comment_id)
    if not _editable(comment):
        flash("A comment can be edited only in the first 15 minutes after posting.", "error")
        return redirect(url_for("account.my_comments"))
    form = AuthorEditForm(data={"body": comment.body} if request.method == "GET" else None)
    if not form.validate_on_submit():
        status = 422 if form.errors else 200
        return render_template("account/edit.html", comment=comment, form=form), status
    try:
        set_comment_text(
            comment, form.body.data, TextSource.AUTHOR, confirmed=bool(form.post_anyway.data)
        )
    except Refused as refusal:
        db.session.rollback()
        page = render_template(
            "account/edit.html",
            comment=comment,
            form=form,
            question=refusal.decision.message,
            urgent=describes_emergency(form.body.data),
        )
        return page, 422
    if comment.status is CommentStatus.APPROVED:
        change_status(comment, CommentStatus.PENDING, action=ModerationAction.AUTHOR_EDIT)
    if comment.urgent:
        flash(URGENT_MESSAGE, "urgent")
    db.session.commit()
    flash("Your comment is saved. A moderator will review it before it is shown.", "success")
    return redirect(url_for("account.my_comments"))


@bp.post("/manage/comments/<id:comment_id>/delete")
def delete_my_comment(comment_id: int) -> Response:
    comment = _own_comment(comment_id)
    EmptyForm().validate_on_submit()  # CSRF was checked before the view
    if comment.status is not CommentStatus.DELETED:
        comment.removed_by_author_at = utcnow()
        change_status(comment, CommentStatus.DELETED, action=ModerationAction.AUTHOR_DELETE)
        db.session.commit()
    flash("Your comment is deleted.", "success")
    return redirect(url_for("account.my_comments"))


@bp.get("/manage/export.json")
def export_my_data() -> Response:
    """Everything stored about this address."""
    email = _managed_email()
    comments = db.session.scalars(
        select(Comment).where(Comment.author_email == email).order_by(Comment.id)
    ).all()
    subscriptions = db.session.scalars(
        select(Subscription).where(Subscription.email == email)
    ).all()
    data = {
        "email": email,
        "exported_at": utcnow().isoformat(),
        "stopped_all_email": db.session.get(MailOptOut, email) is not None,
        "comments": [_comment_export(c) for c in comments],
        "subscriptions": [
            {
                "article": s.article.slug,
                "created_at": s.created_at.isoformat(),
                "confirmed_at": s.confirmed_at.isoformat() if s.confirmed_at else None,
            }
            for s in subscriptions
        ],
    }
    response = Response(json.dumps(data, indent=2, ensure_ascii=False), mimetype="application/json")
    response.headers["Content-Disposition"] = 'attachment; filename="my-ivig-forum-data.json"'
    response.headers["Cache-Control"] = "no-store"
    return response


def _comment_export(comment: Comment) -> dict:
    return {
        "id": comment.id,
        "article": comment.article.slug,
        "parent_id": comment.parent_id,
        "status": comment.status.value,
        "author_name": comment.author_name,
        "author_email": comment.author_email,
        "website": comment.website,
        "author_role": comment.author_role.value if comment.author_role else None,
        "body": comment.body,
        "created_at": comment.created_at.isoformat(),
        "ip": comment.ip,
        "user_agent": comment.user_agent,
        "notify_on_publish": comment.notify_on_publish,
        "notify_on_reply": comment.notify_on_reply,
        "experience": experience_json(comment.experience),
    }


@bp.post("/manage/stop-emails")
def stop_emails() -> Response:
    email = _managed_email()
    EmptyForm().validate_on_submit()
    stop_all_mail(email)
    db.session.commit()
    flash("Done: the forum will send no more e-mail to this address.", "success")
    return redirect(url_for("account.my_comments"))


@bp.post("/manage/sign-out")
def leave_manage() -> Response:
    session.pop(MANAGE_KEY, None)
    return redirect(url_for("articles.index"))
