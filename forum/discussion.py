"""What the public sees: the one definition of a published comment, and threads built from it.

The article page, the API and every feed read comments through this module, so
that a pending, rejected, spam or deleted comment cannot appear anywhere public.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import joinedload

from forum.extensions import db
from forum.models import (
    MAX_DEPTH,
    Article,
    Comment,
    CommentStatus,
    Experience,
    ExperienceCondition,
    ExperienceSideEffect,
)
from forum.paging import Page, paginate


def unpublished_article_ids() -> Select[tuple[int]]:
    """Articles kept for moderators only (an import's drafts and protected posts)."""
    return select(Article.id).where(Article.unpublished_reason.is_not(None))


def published_comments() -> Select[tuple[Comment]]:
    """Every comment the public may see: approved, on an article the public may see."""
    return select(Comment).where(
        Comment.status == CommentStatus.APPROVED,
        Comment.article_id.not_in(unpublished_article_ids()),
    )


def published_articles() -> Select[tuple[Article]]:
    return (
        select(Article)
        .where(Article.unpublished_reason.is_(None))
        .order_by(Article.published_at.desc(), Article.id.desc())
    )


@dataclass
class ThreadNode:
    """One place in a thread: a comment, or a removed comment that published replies hang from."""

    comment: Comment
    level: int
    shown: bool  # False: a placeholder, nothing of the comment may be rendered
    awaiting: bool = False  # the viewer's own comment, not yet published
    in_reply_to: str | None = None  # at the deepest level, whom a reply answers
    children: list[ThreadNode] = field(default_factory=list)

    @property
    def visible(self) -> bool:
        return self.shown or self.awaiting or any(c.visible for c in self.children)


@dataclass
class ThreadPage:
    threads: list[ThreadNode]
    paged: Page  # of the threads' top-level comments
    # The viewer's own unpublished comments that have no place on this page.
    awaiting_elsewhere: list[Comment]


def _thread_roots(article: Article) -> Select[tuple[Comment]]:
    """Top-level comments that are published, or whose threads hold published replies."""
    threads_with_published_replies = (
        select(Comment.root_id)
        .where(
            Comment.article_id == article.id,
            Comment.status == CommentStatus.APPROVED,
            Comment.depth > 1,
        )
        .scalar_subquery()
    )
    return select(Comment).where(
        Comment.article_id == article.id,
        Comment.depth == 1,
        or_(
            Comment.status == CommentStatus.APPROVED,
            Comment.id.in_(threads_with_published_replies),
        ),
    )


THREAD_ORDERS = {
    "oldest": (Comment.created_at.asc(), Comment.id.asc()),
    "newest": (Comment.created_at.desc(), Comment.id.desc()),
    "helpful": (Comment.helpful_count.desc(), Comment.created_at.asc(), Comment.id.asc()),
}


def thread_page(
    article: Article,
    page: int,
    per_page: int,
    own_ids: Collection[int] = (),
    order: str = "oldest",
) -> ThreadPage:
    """One page of an article's threads, replies whole; past the last page, 404 (forum.paging)."""
    paged = paginate(
        _thread_roots(article).order_by(*THREAD_ORDERS[order]), page, per_page, counted=True
    )
    roots = paged.items
    replies = (
        db.session.scalars(
            select(Comment)
            .options(joinedload(Comment.experience))  # in the same query: no LIMIT here
            .where(Comment.root_id.in_([r.id for r in roots]), Comment.depth > 1)
            .order_by(Comment.created_at, Comment.id)
        )
        .unique()
        .all()
        if roots
        else []
    )
    own = set(own_ids)
    nodes: dict[int, ThreadNode] = {}
    containers: dict[int, list[ThreadNode]] = {}
    threads: list[ThreadNode] = []

    def make_node(comment: Comment, level: int, parent: ThreadNode | None) -> ThreadNode:
        published = comment.status is CommentStatus.APPROVED
        awaiting = not published and comment.id in own and comment.status in _AWAITING
        in_reply_to = None
        if parent is not None and parent.level == MAX_DEPTH and parent.shown:
            in_reply_to = parent.comment.author_name
        return ThreadNode(comment, level, published, awaiting, in_reply_to)

    for root in roots:
        node = make_node(root, 1, None)
        nodes[root.id] = node
        containers[root.id] = node.children
        threads.append(node)
    for reply in replies:
        parent = nodes.get(reply.parent_id or reply.root_id or 0)
        if parent is None:
            continue  # its parent is not on this page's threads (it was removed)
        node = make_node(reply, min(parent.level + 1, MAX_DEPTH), parent)
        nodes[reply.id] = node
        # Below the deepest level, replies line up beside the comment they answer.
        container = parent.children if parent.level < MAX_DEPTH else containers[parent.comment.id]
        container.append(node)
        containers[reply.id] = node.children if node.level < MAX_DEPTH else container
    threads = _prune(threads)
    placed = {n for n, node in nodes.items() if node.awaiting}
    awaiting_elsewhere = own_awaiting(article, set(own) - placed) if own else []
    return ThreadPage(threads, paged, awaiting_elsewhere)


_AWAITING = (CommentStatus.PENDING, CommentStatus.SPAM)  # a bot is not told it was caught


def _prune(nodes: list[ThreadNode]) -> list[ThreadNode]:
    kept = []
    for node in nodes:
        node.children = _prune(node.children)
        if node.visible:
            kept.append(node)
    return kept


def own_awaiting(article: Article, ids: Collection[int]) -> list[Comment]:
    """The viewer's own comments on this article that still wait for a moderator."""
    if not ids:
        return []
    return list(
        db.session.scalars(
            select(Comment)
            .where(
                Comment.id.in_(list(ids)),
                Comment.article_id == article.id,
                Comment.status.in_(_AWAITING),
            )
            .order_by(Comment.created_at)
        )
    )


def thread_page_number(comment: Comment, per_page: int) -> int:
    """The page of its article that shows this comment's thread (threads go oldest first)."""
    # Every thread holds a published comment, so few published comments mean one page.
    if comment.article.approved_comment_count <= per_page:
        return 1
    root = db.session.get(Comment, comment.root_id or comment.id) or comment
    earlier = _thread_roots(comment.article).where(
        or_(
            Comment.created_at < root.created_at,
            and_(Comment.created_at == root.created_at, Comment.id < root.id),
        )
    )
    before = db.session.scalar(select(func.count()).select_from(earlier.subquery()))
    return before // per_page + 1


def featured_comments(article: Article) -> list[Comment]:
    """Moderators' picks, newest pick first."""
    return list(
        db.session.scalars(
            published_comments()
            .where(Comment.article_id == article.id, Comment.featured_at.is_not(None))
            .order_by(Comment.featured_at.desc())
            .limit(5)
        )
    )


def comments_with_experience(
    article: Article, condition: str | None, side_effect: str | None, page: int, per_page: int
) -> Page:
    """Published comments whose shared experience names a condition and/or a side effect,
    one page of them; past the last page, 404 (forum.paging)."""
    query = published_comments().join(Experience).where(Comment.article_id == article.id)
    if condition:
        query = query.where(
            Experience.id.in_(
                select(ExperienceCondition.experience_id).where(
                    ExperienceCondition.code == condition
                )
            )
        )
    if side_effect:
        query = query.where(
            Experience.id.in_(
                select(ExperienceSideEffect.experience_id).where(
                    ExperienceSideEffect.code == side_effect
                )
            )
        )
    return paginate(query.order_by(Comment.created_at, Comment.id), page, per_page, counted=True)
