"""The moderators' record, per-article closing, and the one-button links from e-mail."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from forum.accounts.roles import admin_required, moderator_required, must_enrol
from forum.errors import invalid_link
from forum.extensions import db
from forum.mail import read_token, send_soon, token_used, use_token
from forum.models import Article, Comment, Moderator
from forum.moderation import bp, queries
from forum.moderation.actions import moderate, set_comment_closing, split_edit_reason
from forum.moderation.forms import ActionForm, ArticleCommentsForm, LogFilterForm, parse_iso_date
from forum.moderation.views import row_or_404
from forum.notifications import DECISION_LINK_AGE
from forum.paging import page_number, paginate
from forum.settings import current_settings

FORUM = "forum"  # the moderator filter's value for what the forum did by itself


def _filter_form() -> LogFilterForm:
    form = LogFilterForm(formdata=request.args)
    form.moderator.choices = [
        ("", "Anyone"),
        (FORUM, "The forum"),
        *((str(m.id), m.display_name) for m in queries.moderators()),
    ]
    actions = queries.logged_actions()
    form.action.choices = [("", "Any action"), *((a.value, a.label) for a in actions)]
    return form


def _chosen(form: LogFilterForm) -> queries.LogFilter:
    """The filters as typed; one typed wrong is said next to its field and left out."""
    moderator = form.moderator.data if not form.moderator.errors else ""
    return queries.LogFilter(
        moderator_id=int(moderator) if moderator and moderator != FORUM else None,
        by_forum=moderator == FORUM,
        action=(form.action.data or None) if not form.action.errors else None,
        start=None if form.date_from.errors else parse_iso_date(form.date_from.data),
        end=None if form.date_to.errors else parse_iso_date(form.date_to.data),
    )


@bp.get("/log")
@moderator_required
def log() -> tuple[str, int]:
    form = _filter_form()
    valid = form.validate()
    page = paginate(
        queries.log_events(_chosen(form)),
        page_number(),
        current_app.config["FORUM_LOG_PER_PAGE"],
    )
    events = page.items
    articles = queries.articles_by_id({e.article_id for e in events if e.article_id is not None})
    filters = {k: v for k, v in request.args.items() if k != "page" and v}
    html = render_template(
        "moderation/log.html",
        form=form,
        events=events,
        articles=articles,
        split_edit_reason=split_edit_reason,
        page=page.number,
        has_next=page.has_next,
        filters=filters,
    )
    return html, 200 if valid else 400


def _article_forms() -> tuple[list[Article], dict[int, ArticleCommentsForm]]:
    articles = queries.all_articles()
    forms = {
        a.id: ArticleCommentsForm(
            formdata=None,
            data={
                "comments_closed": a.comments_closed,
                "close_comments_after_days": a.close_comments_after_days,
            },
        )
        for a in articles
    }
    return articles, forms


@bp.get("/articles")
@admin_required
def articles() -> str:
    found, forms = _article_forms()
    return render_template("moderation/articles.html", articles=found, forms=forms)


@bp.post("/articles/<id:article_id>")
@admin_required
def save_article(article_id: int) -> Response | tuple[str, int]:
    article = row_or_404(Article, article_id)
    form = ArticleCommentsForm()
    if not form.validate_on_submit():
        found, forms = _article_forms()
        forms[article.id] = form  # what was typed, with why it was refused
        return render_template("moderation/articles.html", articles=found, forms=forms), 422
    event = set_comment_closing(
        article, form.comments_closed.data, form.close_comments_after_days.data, current_user
    )
    db.session.commit()
    if event is not None:
        flash(f"Saved: {event.reason} on “{article.short_title}”.", "success")
    return redirect(url_for("moderation.articles"))


# --- Moderators' one-button links from e-mail ---------------------------------------


@bp.route("/decide/<token>", methods=["GET", "POST"])
def decide(token: str) -> Response | tuple[str, int] | str:
    """A link from a moderator's e-mail: a GET shows one button, the POST acts, once."""
    payload = read_token("decide", token, DECISION_LINK_AGE)
    comment = db.session.get(Comment, payload.get("comment", 0)) if payload else None
    moderator = db.session.get(Moderator, payload.get("moderator", 0)) if payload else None
    action = payload.get("action") if payload else None
    if comment is None or moderator is None or not moderator.is_active:
        return invalid_link()
    if action not in ("approve", "reject"):
        return invalid_link()
    if token_used(payload):
        return invalid_link(used=True)
    # Where two-factor is required, a link from the mailbox is not enough on its own: the
    # moderator it was sent to signs in (with their code) first, then acts.
    signed_in_as_them = current_user.is_authenticated and current_user.id == moderator.id
    if current_settings().two_factor_required and not signed_in_as_them:
        return redirect(url_for("auth.login", next=request.path))
    if signed_in_as_them and must_enrol(current_user):
        return redirect(url_for("moderation.two_factor"))
    form = ActionForm()
    if request.method == "POST" and form.validate_on_submit():
        if not use_token(payload):
            db.session.rollback()
            return invalid_link(used=True)
        moderate(comment, action, moderator, reason_code=form.reason.data)
        db.session.commit()
        send_soon(current_app._get_current_object())
        return render_template("account/decided.html", comment=comment, action=action)
    return render_template("account/decide.html", comment=comment, action=action, form=form)
