"""The read-only JSON API: an article's published comments, page by page."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify

from forum.conditional import article_stamp, conditional_response
from forum.discussion import published_comments
from forum.experiences import experience_json
from forum.extensions import db
from forum.links import absolute_url
from forum.models import Article, Comment
from forum.paging import page_number, paginate

bp = Blueprint("api", __name__, url_prefix="/api")


def comment_json(comment: Comment) -> dict:
    """The public fields of a comment: never its e-mail, IP or user agent."""
    return {
        "id": comment.id,
        "parent_id": comment.parent_id,
        "depth": comment.depth,
        "author_name": comment.author_name,
        "website": comment.website,
        "created_at": comment.created_at.isoformat(),
        "body_html": comment.body_html,
        "author_role": comment.author_role.value if comment.author_role else None,
        "role_verified": comment.role_verified,
        "experience": experience_json(comment.experience),
        "helpful_count": comment.helpful_count,
    }


@bp.get("/articles/<slug:slug>/comments")
def article_comments(slug: str) -> Response:
    stamp = article_stamp(slug)
    page = page_number()
    per_page = current_app.config["FORUM_API_PER_PAGE"]

    def build() -> Response:
        article = db.session.get_one(Article, stamp.id)
        paged = paginate(
            published_comments()
            .where(Comment.article_id == article.id)
            .order_by(Comment.created_at, Comment.id),
            page,
            per_page,
            counted=True,
        )

        def page_url(number: int) -> str | None:
            if 1 <= number <= paged.pages:
                return absolute_url("api.article_comments", slug=slug, page=number)
            return None

        return jsonify(
            article={
                "slug": article.slug,
                "title": article.title,
                "url": absolute_url("articles.show", slug=article.slug),
            },
            page=page,
            per_page=per_page,
            pages=paged.pages,
            total=paged.total,
            next=page_url(page + 1),
            prev=page_url(page - 1),
            comments=[comment_json(c) for c in paged.items],
        )

    return conditional_response(f"api-{stamp.id}-{page}", stamp.changed_at, build)
