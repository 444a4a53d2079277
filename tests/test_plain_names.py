"""Commenters' names are plain text everywhere: markup is stripped when a comment is
submitted (as WordPress does), so no page, feed, API response or e-mail carries it."""

from __future__ import annotations

import feedparser
import pytest

from forum.extensions import db
from forum.mail import send_due
from forum.models import Comment
from forum.sanitize import plain_name
from tests.helpers import ARTICLE, approved, comment_id, moderate, post_comment

HOSTILE = [
    ("<b onmouseover=alert(1)>Ann</b>", "Ann"),
    ("<svg/onload=alert(1)>Bo", "Bo"),
    ("Cy<<b>script>alert(1)<</b>/script>", "Cyalert(1)"),
    ("Di <img src=x onerror=alert(1)", "Di"),
]


@pytest.mark.parametrize(
    ("typed", "kept"),
    [*HOSTILE, ("Ann <3", "Ann <3"), ("A < B > C", "A < B > C"), ("Zoë O'Neil", "Zoë O'Neil")],
)
def test_plain_name_removes_tags_and_keeps_text(typed, kept):
    assert plain_name(typed) == kept


def test_a_name_of_nothing_but_markup_is_refused_as_empty(client):
    refused = post_comment(client, author_name="<svg/onload=alert(1)>")
    assert refused.status_code == 422 and "without HTML tags" in refused.text
    assert 'value="&lt;svg/onload=alert(1)&gt;"' in refused.text  # kept as typed


@pytest.fixture
def app_config(mail_config):
    return mail_config


def test_every_public_output_carries_names_as_plain_text(app, client, mod_client, smtp):
    parent = comment_id(
        post_comment(
            client,
            author_name="Parent",
            author_email="parent@example.org",
            body="Parent",
            notify_on_reply="y",
            notify_on_publish="y",
        )
    )
    moderate(mod_client, parent, "approve")
    ids = [
        approved(client, mod_client, reply_to=parent, author_name=typed, body=f"Hello {n}")
        for n, (typed, _) in enumerate(HOSTILE)
    ]
    with app.app_context():
        stored = [db.session.get(Comment, i).author_name for i in ids]
        send_due()
    assert stored == [kept for _, kept in HOSTILE]

    outputs = {
        "page": client.get(f"/articles/{ARTICLE}").text,
        "api": client.get(f"/api/articles/{ARTICLE}/comments").text,
    }
    for feed in ("/comments.rss", f"/articles/{ARTICLE}/comments.rss"):
        parsed = feedparser.parse(client.get(feed).data)
        assert not parsed.bozo
        decoded = [(e.title, e.get("author", "")) for e in parsed.entries]
        outputs[feed] = repr(decoded)
        assert {"Comment on" in t for t, _ in decoded} == {True}
    outputs["mail"] = "\n".join(
        f"{m['Subject']}\n{m.get_content()}" for m in smtp.to("parent@example.org")
    )
    for where, text in outputs.items():
        # The page has scripts and images of its own: there, no handler is enough.
        tags = () if where == "page" else ("<script", "<svg", "<img", "<b ")
        for attack in ("onmouseover", "onload", "onerror", *tags):
            assert attack not in text, (where, attack)
    assert "Ann replied" in outputs["mail"]


def test_the_discussions_feed_strips_names_stored_before_the_rule(app, client, mod_client):
    cid = approved(client, mod_client, author_name="Old")
    with app.app_context():
        db.session.get(Comment, cid).author_name = "<b onmouseover=alert(1)>Old</b>"
        db.session.commit()
    parsed = feedparser.parse(client.get("/feed.rss").data)
    (entry,) = [e for e in parsed.entries if e.title.endswith("by Old")]
    assert "onmouseover" not in repr(entry)
