"""Posting comments and replies through the form, as the contract describes."""

from __future__ import annotations

from sqlalchemy import select

from forum.extensions import db
from forum.models import Comment, CommentStatus
from tests.helpers import comment_form, comment_id, moderate, post_comment


def test_article_page_shows_the_article_and_the_form(client):
    html = client.get("/articles/ivig-for-lupus").get_data(as_text=True)
    assert "Intravenous Immunoglobulin: IVIG for Systemic Lupus Erythematosus" in html
    assert "Your email address will not be published. Required fields are marked" in html
    for name in ("author_name", "author_email", "website", "body", "parent_id", "csrf_token"):
        assert f'name="{name}"' in html


def test_new_comment_waits_for_moderation_and_only_its_author_sees_it(app, client):
    response = post_comment(client, body="My first infusion went fine.")
    cid = comment_id(response)
    assert response.headers["Location"].endswith(f"/articles/ivig-for-lupus#comment-{cid}")
    with app.app_context():
        stored = db.session.get(Comment, cid)
        assert (stored.status, stored.root_id) == (CommentStatus.PENDING, cid)
    own = client.get("/articles/ivig-for-lupus").get_data(as_text=True)
    assert f'id="comment-{cid}"' in own
    assert "awaiting moderation" in own
    stranger = app.test_client().get("/articles/ivig-for-lupus").get_data(as_text=True)
    assert "My first infusion went fine." not in stranger
    assert f'id="comment-{cid}"' not in stranger


def test_approved_comment_is_public(client, mod_client, app):
    cid = comment_id(post_comment(client, body="Approved words."))
    assert moderate(mod_client, cid, "approve").status_code == 302
    html = app.test_client().get("/articles/ivig-for-lupus").get_data(as_text=True)
    assert "Approved words." in html
    assert f'id="comment-{cid}"' in html
    assert "2 comments" in html


def test_reply_nests_under_its_parent(client, mod_client, app):
    parent = comment_id(post_comment(client, body="Parent text"))
    moderate(mod_client, parent, "approve")
    form = comment_form(client, reply_to=parent)
    assert form["parent_id"] == str(parent)
    reply = comment_id(post_comment(client, reply_to=parent, body="Reply text"))
    moderate(mod_client, reply, "approve")
    with app.app_context():
        stored = db.session.get(Comment, reply)
        assert (stored.parent_id, stored.depth, stored.root_id) == (parent, 2, parent)


def test_nothing_is_stored_from_invalid_input_and_the_text_is_kept(client, app):
    with app.app_context():
        before = db.session.scalar(select(db.func.count(Comment.id)))
    response = post_comment(
        client, author_name="   ", author_email="not-an-address", body="Kept <text> & more"
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Please enter your name." in html
    assert "Please enter a valid email address" in html
    assert "Kept &lt;text&gt; &amp; more" in html
    assert 'value="not-an-address"' in html
    with app.app_context():
        assert db.session.scalar(select(db.func.count(Comment.id))) == before
