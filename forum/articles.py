"""Article pages and posting comments."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_wtf.csrf import CSRFError
from sqlalchemy import select
from werkzeug.wrappers import Response

from forum.discussion import published_articles, thread_page
from forum.errors import error_response
from forum.extensions import db, limiter
from forum.forms import CommentForm
from forum.models import Article, Comment, CommentStatus
from forum.moderation import submit_comment
from forum.screening import Refused, Submission, form_age, sign_form_start
from forum.security import whole_number

bp = Blueprint("articles", __name__)

HONEYPOT_FIELD = "homepage"  # hidden from people; see templates/articles/show.html
OWN_COMMENTS_KEY = "own_comments"
OWN_COMMENTS_KEPT = 50
CSRF_FAILED = (
    "Your form could not be verified (it may have been open too long, or in another "
    "window). Your comment is kept below; please send it again."
)


@bp.get("/")
def index() -> str:
    articles = db.session.scalars(published_articles()).all()
    return render_template("articles/index.html", articles=articles)


def _article_or_404(slug: str) -> Article:
    article = db.session.scalar(select(Article).where(Article.slug == slug))
    if article is None:
        abort(404)
    return article


def _own_comment_ids() -> list[int]:
    """The comments this browser posted, from the signed session cookie."""
    ids = session.get(OWN_COMMENTS_KEY, [])
    return [i for i in ids if isinstance(i, int)] if isinstance(ids, list) else []


def _page_argument() -> int:
    page = whole_number(request.args.get("page", "1"))
    if page is None:
        abort(400, "The page number is not valid.")
    return page


def _reply_target(article: Article, raw: str | None) -> Comment | None:
    """The published comment of this article that a reply answers; 400 for anything else."""
    if not raw:
        return None
    parent_id = whole_number(raw)
    if parent_id is None:
        abort(400, "The comment you are replying to is not valid.")
    parent = db.session.get(Comment, parent_id)
    if parent is None or parent.article_id != article.id or parent.status != CommentStatus.APPROVED:
        abort(400, "The comment you are replying to does not exist or is not published.")
    return parent


def _render_article(
    article: Article, form: CommentForm, status: int = 200, refusal: str | None = None
) -> tuple[str, int]:
    page = _page_argument() if request.method == "GET" else 1
    threads = thread_page(
        article, page, current_app.config["FORUM_THREADS_PER_PAGE"], _own_comment_ids()
    )
    if threads is None:
        abort(404)
    # A form sent back keeps its first start time, so that fixing a mistake is not "too fast".
    if form_age(form.form_started.data) is None:
        form.form_started.data = sign_form_start()
    parent_id = whole_number(form.parent_id.data)
    reply_to = db.session.get(Comment, parent_id) if parent_id else None
    if reply_to and (reply_to.article_id != article.id or not reply_to.is_public):
        reply_to = form.parent_id.data = None
    html = render_template(
        "articles/show.html",
        article=article,
        threads=threads,
        form=form,
        reply_to=reply_to,
        refusal=refusal,
    )
    return html, status


@bp.get("/articles/<slug>")
def show(slug: str) -> tuple[str, int]:
    article = _article_or_404(slug)
    form = CommentForm()
    if reply_to := request.args.get("replytocom"):
        form.parent_id.data = str(_reply_target(article, reply_to).id)
    return _render_article(article, form)


@bp.post("/articles/<slug>/comments")
@limiter.limit(lambda: current_app.config["FORUM_POST_LIMIT"])
def post_comment(slug: str) -> Response | tuple[str, int]:
    article = _article_or_404(slug)
    form = CommentForm()
    parent = _reply_target(article, form.parent_id.data)
    if not form.validate_on_submit():
        return _render_article(article, form, 422)
    submission = Submission(
        article=article,
        parent=parent,
        author_name=form.author_name.data,
        author_email=form.author_email.data.lower(),
        website=form.website.data or None,
        body=form.body.data,
        ip=request.remote_addr,
        user_agent=request.user_agent.string,
        form_age=form_age(form.form_started.data),
        honeypot=request.form.get(HONEYPOT_FIELD, ""),
    )
    try:
        comment = submit_comment(submission)
    except Refused as refusal:
        db.session.rollback()
        decision = refusal.decision
        if decision.restart_form:
            form.form_started.data = None
        return _render_article(article, form, decision.http_status, decision.message)
    db.session.commit()
    session[OWN_COMMENTS_KEY] = [*_own_comment_ids(), comment.id][-OWN_COMMENTS_KEPT:]
    if comment.status is CommentStatus.APPROVED:
        flash("Thank you. Your comment is published.", "success")
    else:
        flash("Thank you. Your comment is awaiting moderation.", "success")
    return redirect(url_for("articles.show", slug=article.slug, _anchor=f"comment-{comment.id}"))


@bp.app_errorhandler(CSRFError)
def csrf_failed(error: CSRFError) -> tuple:
    """Refused with 400 and nothing stored; a comment form comes back with its text kept."""
    if request.endpoint != "articles.post_comment":
        return error_response(400, "This form could not be verified. Please reload the page.")
    article = _article_or_404((request.view_args or {}).get("slug", ""))
    form = CommentForm(meta={"csrf": False})
    if whole_number(form.parent_id.data) is None:
        form.parent_id.data = None
    return _render_article(article, form, 400, CSRF_FAILED)
