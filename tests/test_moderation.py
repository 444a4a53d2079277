"""The moderation queue: who may see it, what it shows, and what each action does."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from forum.extensions import db
from forum.models import Article, Comment, CommentStatus, ModerationEvent
from tests.helpers import comment_id, csrf_token, form_fields, moderate, post_comment

ACTIONS = {
    "approve": CommentStatus.APPROVED,
    "reject": CommentStatus.REJECTED,
    "spam": CommentStatus.SPAM,
    "delete": CommentStatus.DELETED,
}


def _count(app) -> int:
    with app.app_context():
        return db.session.scalar(
            select(Article.approved_comment_count).where(Article.slug == "ivig-for-lupus")
        )


def test_queue_is_closed_to_visitors(client):
    response = client.get("/moderation/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=/moderation/")


def test_actions_are_refused_to_visitors_with_403(client, app):
    cid = comment_id(post_comment(client))
    # A visitor's own session-bound token (the article's forms carry public form tokens).
    token = csrf_token(client, "/login")
    for action in ACTIONS:
        response = client.post(f"/moderation/comments/{cid}/{action}", data={"csrf_token": token})
        assert response.status_code == 403, action
    response = client.post("/moderation/bulk", data={"csrf_token": token, "ids": str(cid)})
    assert response.status_code == 403
    with app.app_context():
        assert db.session.get(Comment, cid).status is CommentStatus.PENDING


def test_queue_shows_pending_first_with_what_moderators_need(client, mod_client, app):
    parent = comment_id(post_comment(client, body="The parent comment."))
    moderate(mod_client, parent, "approve")
    reply = comment_id(
        client.post(
            "/articles/ivig-for-lupus/comments",
            data={
                **form_fields(
                    client.get(f"/articles/ivig-for-lupus?replytocom={parent}").text,
                    "/ivig-for-lupus/comments",
                ),
                "author_name": "Bea",
                "author_email": "bea@example.org",
                "body": "A held reply.",
            },
            environ_base={"REMOTE_ADDR": "198.51.100.23"},
        )
    )
    html = mod_client.get("/moderation/").get_data(as_text=True)
    assert f'id="comment-{reply}"' in html
    assert "bea@example.org" in html
    assert "198.51.100.23" in html
    assert "In reply to" in html and "The parent comment." in html
    assert "IVIG for Systemic Lupus Erythematosus" in html
    assert 'Pending <span class="count">(1)</span>' in html
    assert "<title>(1) Moderation" in html


@pytest.mark.parametrize("action", ACTIONS)
def test_each_action_changes_status_counts_and_logs(action, client, mod_client, app, moderator):
    cid = comment_id(post_comment(client, body=f"Comment to {action}."))
    before = _count(app)
    response = moderate(mod_client, cid, action)
    assert response.status_code == 302
    with app.app_context():
        comment = db.session.get(Comment, cid)
        assert comment.status is ACTIONS[action]
        event = db.session.scalars(
            select(ModerationEvent).where(ModerationEvent.comment_id == cid)
        ).one()
        assert (event.moderator_id, event.action) == (moderator, action)
        assert (event.from_status, event.to_status) == (CommentStatus.PENDING, ACTIONS[action])
    assert _count(app) == before + (action == "approve")
    public = app.test_client().get("/articles/ivig-for-lupus").get_data(as_text=True)
    assert (f"Comment to {action}." in public) == (action == "approve")


def test_unpublishing_an_approved_comment_hides_it_and_fixes_the_count(client, mod_client, app):
    cid = comment_id(post_comment(client, body="Soon gone."))
    moderate(mod_client, cid, "approve")
    assert _count(app) == 2
    moderate(mod_client, cid, "reject")
    assert _count(app) == 1
    assert "Soon gone." not in app.test_client().get("/articles/ivig-for-lupus").text
    assert "1 comment<" in app.test_client().get("/").text


def test_bulk_action(client, mod_client, app):
    ids = [comment_id(post_comment(client, body=f"Bulk {n}")) for n in range(3)]
    token = csrf_token(mod_client, "/moderation/")
    response = mod_client.post(
        "/moderation/bulk",
        data={"csrf_token": token, "action": "spam", "ids": [str(i) for i in ids[:2]]},
    )
    assert response.status_code == 302
    with app.app_context():
        statuses = [db.session.get(Comment, i).status for i in ids]
    assert statuses == [CommentStatus.SPAM, CommentStatus.SPAM, CommentStatus.PENDING]
    spam_tab = mod_client.get("/moderation/?status=spam").text
    assert "Bulk 0" in spam_tab and "Bulk 2" not in spam_tab


def test_bulk_with_nothing_selected_or_bad_action_changes_nothing(client, mod_client, app):
    cid = comment_id(post_comment(client))
    token = csrf_token(mod_client, "/moderation/")
    mod_client.post("/moderation/bulk", data={"csrf_token": token, "action": "approve"})
    mod_client.post(
        "/moderation/bulk", data={"csrf_token": token, "action": "explode", "ids": str(cid)}
    )
    with app.app_context():
        assert db.session.get(Comment, cid).status is CommentStatus.PENDING


def test_moderation_post_without_csrf_is_refused(client, mod_client, app):
    cid = comment_id(post_comment(client))
    assert mod_client.post(f"/moderation/comments/{cid}/approve").status_code == 400
    with app.app_context():
        assert db.session.get(Comment, cid).status is CommentStatus.PENDING


def test_unknown_comment_or_status_is_404(mod_client):
    token = csrf_token(mod_client, "/moderation/")
    assert (
        mod_client.post("/moderation/comments/999999/approve", data={"csrf_token": token})
    ).status_code == 404
    assert mod_client.get("/moderation/?status=bogus").status_code == 404
    assert mod_client.get("/moderation/?page=abc").status_code == 404  # one answer everywhere


def test_action_returns_to_the_tab_it_came_from_but_never_off_site(client, mod_client):
    cid = comment_id(post_comment(client))
    token = csrf_token(mod_client, "/moderation/")
    response = mod_client.post(
        f"/moderation/comments/{cid}/spam",
        data={"csrf_token": token, "next": "/moderation/?status=spam"},
    )
    assert response.headers["Location"] == "/moderation/?status=spam"
    cid = comment_id(post_comment(client, body="another"))
    response = mod_client.post(
        f"/moderation/comments/{cid}/spam",
        data={"csrf_token": token, "next": "//evil.example/"},
    )
    assert response.headers["Location"] == "/moderation/"
