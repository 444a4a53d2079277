"""The shared page cache: public pages built once per change, never stale, tokens per reader."""

from __future__ import annotations

from datetime import timedelta

import pytest
import redis
from flask import Flask

from forum.extensions import db
from forum.housekeeping import purge
from forum.mail import wait_for_sender
from forum.models import Comment, utcnow
from forum.moderation.rules import form_age
from tests.conftest import make_app
from tests.helpers import (
    ARTICLE,
    add_moderator,
    approved,
    comment_form,
    comment_id,
    counted_queries,
    moderate,
    post_as_newcomer,
    sign_in,
)

ARTICLE_PATH = f"/articles/{ARTICLE}"
CACHED_PATHS = [
    ARTICLE_PATH,
    f"{ARTICLE_PATH}?sort=newest",
    f"/api/articles/{ARTICLE}/comments",
    "/feed.rss",
    "/comments.rss",
    f"{ARTICLE_PATH}/comments.rss",
]


def public_views(app: Flask) -> dict[str, str]:
    """What a new reader (no cookie) gets from every cached address."""
    reader = app.test_client()
    return {path: reader.get(path).get_data(as_text=True) for path in CACHED_PATHS}


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_new_reader_of_a_warm_page_costs_one_query(app):
    for path in CACHED_PATHS:
        app.test_client().get(path)  # the first reader after a change builds the page
        with counted_queries(app) as queries:
            response = app.test_client().get(path)
        assert response.status_code == 200, path
        # The article (or the site's change stamp) is read; nothing else.
        assert queries["n"] == 1, (path, queries["n"])


def test_every_reader_gets_working_tokens_of_their_own(app):
    ann, bob = app.test_client(), app.test_client()
    ann_form, bob_form = comment_form(ann), comment_form(bob)
    assert ann_form["csrf_token"] != bob_form["csrf_token"]
    assert "\x00" not in ann.get(ARTICLE_PATH).text  # no slot left unfilled
    with app.app_context():
        age = form_age(ann_form["form_started"])
    assert age is not None and age < timedelta(minutes=1)
    stolen = {**bob_form, "csrf_token": ann_form["csrf_token"]}
    stolen.update(author_name="Bob", author_email="bob@patients.test", body="Borrowed token")
    assert bob.post(f"{ARTICLE_PATH}/comments", data=stolen).status_code == 400
    for client, form, name in [(ann, ann_form, "Ann"), (bob, bob_form, "Bob")]:
        form.update(author_name=name, author_email=f"{name}@patients.test", body=f"I am {name}")
        comment_id(client.post(f"{ARTICLE_PATH}/comments", data=form))


def test_an_approval_and_a_rejection_show_at_once_everywhere(app, client, mod_client):
    body = "Cached pages must never hide this approval"
    public_views(app)  # every cache is warm
    cid = comment_id(post_as_newcomer(client, body=body))
    assert not any(body in text for text in public_views(app).values())
    assert moderate(mod_client, cid, "approve").status_code == 302
    shown = public_views(app)
    missing = [path for path, text in shown.items() if body not in text and "comments" in path]
    assert missing == [], missing
    assert f'id="comment-{cid}"' in shown[ARTICLE_PATH]
    assert moderate(mod_client, cid, "reject").status_code == 302
    still = [path for path, text in public_views(app).items() if body in text]
    assert still == [], still


def test_the_article_page_answers_304_until_the_discussion_changes(app, client, mod_client):
    reader = app.test_client()
    first = reader.get(ARTICLE_PATH)
    etag = first.headers["ETag"]
    assert first.cache_control.private and first.cache_control.no_cache
    again = reader.get(ARTICLE_PATH, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    # Another reader's copy carries other tokens: the same ETag must not validate it.
    assert app.test_client().get(ARTICLE_PATH, headers={"If-None-Match": etag}).status_code == 200
    cid = comment_id(post_as_newcomer(client, body="A change of the discussion"))
    moderate(mod_client, cid, "approve")
    changed = reader.get(ARTICLE_PATH, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    assert f'id="comment-{cid}"' in changed.text


def test_personal_pages_are_never_shared(app, client, mod_client):
    cid = comment_id(post_as_newcomer(client, body="Only I can see this yet"))
    mine = client.get(ARTICLE_PATH).text
    moderators = mod_client.get(ARTICLE_PATH).text
    readers = app.test_client().get(ARTICLE_PATH).text
    assert f'id="comment-{cid}"' in mine and "awaiting moderation" in mine
    assert "Sign out" in moderators
    assert f'id="comment-{cid}"' not in readers and "Sign out" not in readers
    # …and the reader's shared page is not handed back to the author or the moderator.
    assert f'id="comment-{cid}"' in client.get(ARTICLE_PATH).text
    assert "Sign out" in mod_client.get(ARTICLE_PATH).text


def test_two_app_servers_share_one_redis_cache_and_neither_is_stale(database_url, redis_url):
    redis.Redis.from_url(redis_url).flushdb()
    config = {"CACHE_TYPE": "RedisCache", "CACHE_REDIS_URL": redis_url}
    one, two = make_app(database_url, **config), make_app(database_url, **config)
    try:
        add_moderator(one)
        moderator = one.test_client()
        assert sign_in(moderator).status_code == 302
        one.test_client().get(ARTICLE_PATH)  # built by the first server…
        with counted_queries(two) as queries:
            page = two.test_client().get(ARTICLE_PATH)
        assert queries["n"] == 1  # …served by the second from Redis
        assert page.status_code == 200
        body = "Seen at once through the other server"
        cid = comment_id(post_as_newcomer(two.test_client(), body=body))
        assert moderate(moderator, cid, "approve").status_code == 302
        assert f'id="comment-{cid}"' in two.test_client().get(ARTICLE_PATH).text
        assert body in two.test_client().get(f"/api/articles/{ARTICLE}/comments").text
        # A form from the shared page works on the server that handed it out.
        reader = two.test_client()
        form = comment_form(reader)
        form.update(author_name="Cy", author_email="cy@patients.test", body="Posting via two")
        comment_id(reader.post(f"{ARTICLE_PATH}/comments", data=form))
    finally:
        for app in (one, two):
            assert wait_for_sender(app), "the background mail sender did not finish"
            with app.app_context():
                db.session.remove()
                db.engine.dispose()


def test_the_purge_empties_a_removed_parent_that_holds_published_replies(app, client, mod_client):
    """Rejected comments are deleted after their time; one that was replied to is emptied
    instead: its placeholder holds the thread, and the published reply must not vanish."""
    parent = approved(client, mod_client, body="A parent that will be rejected")
    reply = approved(app.test_client(), mod_client, reply_to=parent, body="A reply that stays")
    alone = comment_id(post_as_newcomer(app.test_client(), body="Rejected, never answered"))
    assert moderate(mod_client, parent, "reject").status_code == 302
    assert moderate(mod_client, alone, "reject").status_code == 302
    reader = app.test_client()
    before = reader.get(ARTICLE_PATH)
    assert "This comment was removed." in before.text
    with app.app_context():
        for cid in (parent, alone):
            db.session.get(Comment, cid).decided_at = utcnow() - timedelta(days=31)
        db.session.commit()
        assert purge().comments_deleted == 2
        db.session.commit()
        assert db.session.get(Comment, alone) is None
        # The privacy page's promise holds: what the removed parent said is gone.
        kept = db.session.get(Comment, parent)
        assert (kept.body, kept.author_name, kept.author_email) == ("", "", None)
    # Nothing public changed, so the page a reader holds is still current.
    again = reader.get(ARTICLE_PATH, headers={"If-None-Match": before.headers["ETag"]})
    assert again.status_code == 304
    after = app.test_client().get(ARTICLE_PATH).text
    assert "This comment was removed." in after
    assert f'id="comment-{reply}"' in after
