"""The moderators' record and per-article settings: the event log, and closing comments."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response

from forum.accounts.roles import admin_required, moderator_required
from forum.extensions import db
from forum.forms import ArticleCommentsForm, LogFilterForm, parse_iso_date
from forum.models import Article, Comment, ModerationEvent, Moderator
from forum.moderation import set_comment_closing, split_edit_reason
from forum.paging import page_number, paginate
from forum.queue import row_or_404

bp = Blueprint("moderation_log", __name__, url_prefix="/moderation")

FORUM = "forum"  # the moderator filter's value for what the forum did by itself


def _filter_form() -> LogFilterForm:
    form = LogFilterForm(formdata=request.args)
    moderators = db.session.scalars(select(Moderator).order_by(Moderator.email)).all()
    form.moderator.choices = [
        ("", "Anyone"),
        (FORUM, "The forum"),
        *((str(m.id), m.display_name) for m in moderators),
    ]
    actions = db.session.scalars(
        select(ModerationEvent.action).distinct().order_by(ModerationEvent.action)
    ).all()
    form.action.choices = [("", "Any action"), *((a.value, a.label) for a in actions)]
    return form


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


@bp.get("/log")
@moderator_required
def log() -> tuple[str, int]:
    form = _filter_form()
    valid = form.validate()
    # A filter typed wrong is said next to its field and left out; the others still apply.
    query = select(ModerationEvent)
    chosen = form.moderator.data if not form.moderator.errors else ""
    if chosen == FORUM:
        query = query.where(ModerationEvent.moderator_id.is_(None))
    elif chosen:
        query = query.where(ModerationEvent.moderator_id == int(chosen))
    if form.action.data and not form.action.errors:
        query = query.where(ModerationEvent.action == form.action.data)
    start, end = parse_iso_date(form.date_from.data), parse_iso_date(form.date_to.data)
    if start and not form.date_from.errors:
        query = query.where(ModerationEvent.created_at >= _start_of(start))
    if end and not form.date_to.errors:
        query = query.where(ModerationEvent.created_at < _start_of(end + timedelta(days=1)))

    page = paginate(
        query.options(
            selectinload(ModerationEvent.moderator),
            selectinload(ModerationEvent.target_moderator),
            selectinload(ModerationEvent.comment).selectinload(Comment.article),
        ).order_by(ModerationEvent.created_at.desc(), ModerationEvent.id.desc()),
        page_number(),
        current_app.config["FORUM_LOG_PER_PAGE"],
    )
    events = page.items
    article_ids = {e.article_id for e in events if e.article_id is not None}
    articles = (
        {a.id: a for a in db.session.scalars(select(Article).where(Article.id.in_(article_ids)))}
        if article_ids
        else {}
    )
    filters = {k: v for k, v in request.args.items() if k != "page" and v}
    html = render_template(
        "queue/log.html",
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
    articles = db.session.scalars(
        select(Article).order_by(Article.published_at.desc(), Article.id.desc())
    ).all()
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
    return list(articles), forms


@bp.get("/articles")
@admin_required
def articles() -> str:
    found, forms = _article_forms()
    return render_template("queue/articles.html", articles=found, forms=forms)


@bp.post("/articles/<id:article_id>")
@admin_required
def save_article(article_id: int) -> Response | tuple[str, int]:
    article = row_or_404(Article, article_id)
    form = ArticleCommentsForm()
    if not form.validate_on_submit():
        found, forms = _article_forms()
        forms[article.id] = form  # what was typed, with why it was refused
        return render_template("queue/articles.html", articles=found, forms=forms), 422
    event = set_comment_closing(
        article, form.comments_closed.data, form.close_comments_after_days.data, current_user
    )
    db.session.commit()
    if event is not None:
        flash(f"Saved: {event.reason} on “{article.short_title}”.", "success")
    return redirect(url_for("moderation_log.articles"))
