"""Article pages and posting comments."""

from __future__ import annotations

import csv
import io

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from forum.comment_text import URGENT_MESSAGE, describes_emergency
from forum.conditional import article_stamp, conditional_response, keep_private
from forum.discussion import (
    comments_with_experience,
    featured_comments,
    published_articles,
    thread_page,
    thread_page_number,
)
from forum.discussion_view import SORTS, DiscussionView
from forum.errors import error_response, refused_form_page
from forum.experiences import (
    EXPERIENCE_CSV_COLUMNS,
    ExperienceAnswers,
    experience_row,
    published_experiences,
    summarize,
)
from forum.extensions import db, limiter
from forum.forgery import CROSS_SITE, CrossSiteRequest, period_start
from forum.forms import HONEYPOT_FIELD, CommentForm, EmptyForm, ReportForm
from forum.mail import send_soon
from forum.models import Article, AuthorRole, Comment, CommentStatus
from forum.moderation.posting import submit_comment
from forum.moderation.rules import Refused
from forum.moderation.submission import Submission
from forum.paging import page_number
from forum.reactions import ip_key, mark_helpful, report_comment, visitor_key
from forum.sanitize import render_comment
from forum.security import whole_number
from forum.settings import current_settings
from forum.time_trap import form_age, sign_form_start, start_age

bp = Blueprint("articles", __name__)

OWN_COMMENTS_KEY = "own_comments"
OWN_COMMENTS_KEPT = 50
REPORTED_KEY = "reported"
REMEMBER_KEY = "commenter"  # name and e-mail, only if the person ticked "Save my name…"
CLOSED = "Comments on this article are closed. Your text was not posted; it is kept below."
CSRF_FAILED = (
    "Your form could not be verified (it may have been open too long, or in another "
    "window). Your comment is kept below; please send it again."
)


@bp.get("/")
def index() -> str:
    articles = db.session.scalars(published_articles()).all()
    return render_template("articles/index.html", articles=articles)


def _article_or_404(slug: str) -> Article:
    # A form posted here: the forgery check has looked its article up already.
    article = g.get("posted_article") or db.session.scalar(
        select(Article).where(Article.slug == slug)
    )
    # An article kept from the public (an imported draft, say) is there for moderators only.
    if article is None or not (article.is_public or current_user.is_authenticated):
        abort(404)
    return article


def _own_comment_ids() -> list[int]:
    """The comments this browser posted, from the signed session cookie."""
    ids = session.get(OWN_COMMENTS_KEY, [])
    return [i for i in ids if isinstance(i, int)] if isinstance(ids, list) else []


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
    article: Article,
    form: CommentForm,
    status: int = 200,
    refusal: str | None = None,
    question: str | None = None,
    preview: str | None = None,
    shared: bool = False,
) -> tuple[str, int]:
    page = page_number() if request.method == "GET" else 1
    view = DiscussionView.from_request()
    per_page = current_app.config["FORUM_THREADS_PER_PAGE"]
    threads = filtered = None
    if view.filtered:
        filtered = comments_with_experience(
            article, view.condition, view.side_effect, page, per_page
        )
    else:
        threads = thread_page(article, page, per_page, _own_comment_ids(), view.sort)
    # A form sent back keeps its first start time, so that fixing a mistake is not "too fast":
    # the one it came with, or else its form token's (see _form_age). A shared page has
    # none of its own: its script asks for one when the reader starts on the form.
    if shared or (request.method == "POST" and form_age(form.form_started.data) is None):
        form.form_started.data = ""
    elif form_age(form.form_started.data) is None:
        form.form_started.data = sign_form_start()
    parent_id = whole_number(form.parent_id.data)
    reply_to = db.session.get(Comment, parent_id) if parent_id else None
    if reply_to and (reply_to.article_id != article.id or not reply_to.is_public):
        reply_to = form.parent_id.data = None
    own_ids = set(_own_comment_ids())
    # Whatever else happens to a comment that describes an emergency, say so first.
    urgent = request.method == "POST" and describes_emergency(form.body.data or "")
    html = render_template(
        "articles/show.html",
        article=article,
        threads=threads,
        filtered=filtered,
        view=view,
        sorts=SORTS,
        summary=summarize(article),
        featured=featured_comments(article) if not view.filtered else [],
        form=form,
        reply_to=reply_to,
        refusal=refusal,
        question=question,
        preview=preview,
        urgent=urgent,
        own_ids=own_ids,
        # Only a reader's own waiting comments mention the settings (the review time).
        settings=current_settings() if own_ids else None,
        shared=shared,
    )
    return html, status


def _impersonal() -> bool:
    """Nothing on this reader's page is their own: no comments awaiting, saved name or messages."""
    return not (
        "replytocom" in request.args
        or current_user.is_authenticated
        or _own_comment_ids()
        or REMEMBER_KEY in session
        or "_flashes" in session
    )


def _shared_page(slug: str) -> Response:
    """The page every reader without a session gets: the same bytes for all, built once per
    change (and form-token period), which nginx or a CDN may keep (forum.conditional)."""
    stamp = article_stamp(slug)
    page = page_number()
    view = DiscussionView.from_request()
    what = f"article-page|{stamp.id}|{page}|{view.args()}|{stamp.accepts_comments}"

    def build() -> Response:
        g.building_shared_page = True  # forum.forgery.form_token: the period's shared token
        article = db.session.get_one(Article, stamp.id)
        html, _ = _render_article(article, CommentForm(), shared=True)
        return Response(html, mimetype="text/html")

    return conditional_response(what, stamp.changed_at, build, period=period_start())


@bp.get("/articles/<slug:slug>")
def show(slug: str) -> Response | tuple[str, int]:
    if _impersonal():
        return _shared_page(slug)
    article = _article_or_404(slug)
    form = CommentForm()
    remembered = session.get(REMEMBER_KEY)
    if isinstance(remembered, dict):
        form.author_name.data = str(remembered.get("name", ""))[:80]
        form.author_email.data = str(remembered.get("email", ""))[:254]
        form.remember_me.data = True
    if reply_to := request.args.get("replytocom"):
        form.parent_id.data = str(_reply_target(article, reply_to).id)
    return _render_article(article, form)


@bp.get("/articles/<slug:slug>/form-start")
def form_start(slug: str) -> Response:
    """When this reader started on the comment form, signed: asked for by the shared page's
    script at the first touch of the form, as the page itself is the same for everyone."""
    article_stamp(slug)  # 404 for an article that does not exist
    response = jsonify(form_started=sign_form_start())
    response.cache_control.no_store = True
    return keep_private(response)


def _experience_answers(form: CommentForm) -> ExperienceAnswers | None:
    if not form.has_experience():
        return None
    return ExperienceAnswers(
        treatment=form.treatment.data or None,
        conditions=tuple(form.conditions.data or ()),
        route=form.route.data or None,
        side_effects=tuple(form.side_effects.data or ()),
        helped=form.helped.data or None,
        onset=form.onset.data or None,
    )


@bp.post("/articles/<slug:slug>/comments")
@limiter.limit(lambda: current_app.config["FORUM_POST_LIMIT"])
def post_comment(slug: str) -> Response | tuple[str, int]:
    article = _article_or_404(slug)
    form = CommentForm()
    if not article.accepts_comments:
        return _render_article(article, form, 403, CLOSED)
    parent = _reply_target(article, form.parent_id.data)
    if not form.validate_on_submit():
        return _render_article(article, form, 422)
    if request.form.get("preview"):
        return _render_article(article, form, preview=render_comment(form.body.data))
    submission = Submission(
        article=article,
        parent=parent,
        author_name=form.author_name.data,
        author_email=form.author_email.data.lower(),
        website=form.website.data or None,
        body=form.body.data,
        ip=request.remote_addr,
        user_agent=request.user_agent.string,
        form_age=start_age(form.form_started.data, g.public_form),
        honeypot=request.form.get(HONEYPOT_FIELD, ""),
        author_role=AuthorRole(form.author_role.data) if form.author_role.data else None,
        experience=_experience_answers(form),
        confirmed=bool(form.post_anyway.data),
        notify_on_publish=form.notify_on_publish.data,
        notify_on_reply=form.notify_on_reply.data,
    )
    try:
        comment = submit_comment(submission)
    except Refused as refusal:
        db.session.rollback()
        decision = refusal.decision
        if refusal.needs_confirmation:
            return _render_article(article, form, 422, question=decision.message)
        if decision.restart_form:
            form.form_started.data = sign_form_start()
        return _render_article(article, form, decision.http_status, decision.message)
    # The answer is written before the commit, which would expire (and reload) what it reads.
    location = url_for("articles.show", slug=article.slug, _anchor=f"comment-{comment.id}")
    session[OWN_COMMENTS_KEY] = [*_own_comment_ids(), comment.id][-OWN_COMMENTS_KEPT:]
    # Opt-in only: otherwise nothing about the person stays in the browser.
    if form.remember_me.data:
        session[REMEMBER_KEY] = {"name": comment.author_name, "email": comment.author_email}
    else:
        session.pop(REMEMBER_KEY, None)
    if comment.urgent:
        flash(URGENT_MESSAGE, "urgent")
    if comment.status is CommentStatus.APPROVED:
        flash("Thank you. Your comment is published.", "success")
    else:
        review = current_settings().review_time
        flash(f"Thank you. Your comment is awaiting moderation. {review}", "success")
    db.session.commit()
    send_soon(current_app._get_current_object())
    return redirect(location)


def _published_comment_or_404(comment_id: int) -> Comment:
    comment = db.session.get(Comment, comment_id)
    if comment is None or not comment.is_public:
        abort(404)
    return comment


def _back_to(comment: Comment) -> Response:
    page = thread_page_number(comment, current_app.config["FORUM_THREADS_PER_PAGE"])
    return redirect(
        url_for(
            "articles.show",
            slug=comment.article.slug,
            _anchor=f"comment-{comment.id}",
            **({"page": page} if page > 1 else {}),
        )
    )


@bp.get("/articles/<slug:slug>/comments/<id:comment_id>")
def permalink(slug: str, comment_id: int) -> Response:
    """A lasting address for a comment: sends the reader to the page that shows it."""
    comment = _published_comment_or_404(comment_id)
    if comment.article.slug != slug:
        abort(404)
    return _back_to(comment)


@bp.post("/comments/<id:comment_id>/helpful")
@limiter.limit("30 per hour")
def helpful(comment_id: int) -> Response:
    comment = _published_comment_or_404(comment_id)
    EmptyForm().validate_on_submit()  # CSRF was checked before the view
    if mark_helpful(comment, visitor_key()):
        db.session.commit()
        flash("Thank you. You marked this comment as helpful.", "success")
    else:
        flash("You already marked this comment as helpful.", "success")
    return _back_to(comment)


@bp.route("/comments/<id:comment_id>/report", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"])
def report(comment_id: int) -> Response | tuple[str, int]:
    comment = _published_comment_or_404(comment_id)
    form = ReportForm()
    if form.validate_on_submit():
        reported = session.get(REPORTED_KEY, [])
        reported = reported if isinstance(reported, list) else []
        filed = comment.id not in reported and report_comment(
            comment, form.reason.data, form.note.data, ip_key(request.remote_addr)
        )
        if filed:
            db.session.commit()
            session[REPORTED_KEY] = [*reported, comment.id][-200:]
        flash(
            "Thank you for your report. A moderator will look at this comment."
            if filed
            else "You have already reported this comment. A moderator will look at it.",
            "success",
        )
        return _back_to(comment)
    status = 422 if form.errors else 200
    return render_template("articles/report.html", comment=comment, form=form), status


@bp.get("/articles/<slug:slug>/experiences.csv")
def experiences_csv(slug: str) -> Response:
    """The shared experiences of published comments: no names, e-mails or addresses."""
    article = _article_or_404(slug)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(EXPERIENCE_CSV_COLUMNS)
    for comment in published_experiences(article):
        writer.writerow(experience_row(comment))
    response = Response(out.getvalue(), mimetype="text/csv")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{article.slug}-experiences.csv"'
    )
    return response


@refused_form_page("articles.post_comment")
def _refused_form(status: int, error: Exception) -> tuple:
    """A comment form refused before its view ran comes back with everything typed kept."""
    message = CROSS_SITE if isinstance(error, CrossSiteRequest) else CSRF_FAILED
    slug = (request.view_args or {}).get("slug", "")
    article = db.session.scalar(select(Article).where(Article.slug == slug))
    if article is None:
        return error_response(404)
    form = CommentForm()
    if whole_number(form.parent_id.data) is None:
        form.parent_id.data = None
    return _render_article(article, form, status, message)
