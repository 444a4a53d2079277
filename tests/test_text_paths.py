"""One path for a comment's text: new, author edit, moderator edit and import flag alike."""

from __future__ import annotations

import json

import pytest
from flask import Flask
from sqlalchemy import select

from forum.extensions import db
from forum.mail import make_token
from forum.models import Comment, CommentStatus
from tests.helpers import (
    approved,
    comment_id,
    csrf_token,
    form_fields,
    post_as_newcomer,
)
from tests.live import watch

EMERGENCY = (
    "Update: my throat is closing up and I can't breathe properly right now. "
    "Please ring me on 07700 900123."
)
CALM = "IVIG at home has been easier than the clinic for me."


def flags(app: Flask, cid: int) -> tuple[bool, list, list[str]]:
    """What screening left on a comment: urgent, highlights, and the text rules' reasons."""
    with app.app_context():
        comment = db.session.get(Comment, cid)
        reasons = [
            r for r in comment.screening_reasons.splitlines() if r.startswith(("Urgent", "Private"))
        ]
        return comment.urgent, json.loads(comment.highlights or "[]"), reasons


def manage_session(app: Flask, email: str):
    """A browser holding the "manage my comments" session that the e-mailed link gives."""
    browser = app.test_client()
    with app.test_request_context():
        token = make_token("manage", email=email)
    assert browser.get(f"/manage/{token}").status_code == 302
    return browser


def author_edit(app: Flask, cid: int, email: str, body: str):
    browser = manage_session(app, email)
    edit = f"/manage/comments/{cid}/edit"
    first = browser.post(edit, data={"csrf_token": csrf_token(browser, edit), "body": body})
    return browser, edit, first


def test_new_comment_is_flagged_and_told(client, app):
    asked = post_as_newcomer(client, body=EMERGENCY)
    assert asked.status_code == 422
    assert "phone number" in asked.text and "emergency department" in asked.text
    posted = post_as_newcomer(client, body=EMERGENCY, post_anyway="Post anyway")
    cid = comment_id(posted)
    urgent, highlights, reasons = flags(app, cid)
    assert urgent and {h[2] for h in highlights} >= {"trouble breathing", "a phone number"}
    assert any(r.startswith("Urgent") for r in reasons)


def test_author_edit_runs_every_check_and_shows_the_emergency_message(app, client, mod_client):
    reference = comment_id(post_as_newcomer(client, body=EMERGENCY, post_anyway="Post anyway"))
    email = "editor@patients.test"
    cid = approved(client, mod_client, body=CALM, author_email=email)
    assert flags(app, cid) == (False, [], [])

    browser, edit, asked = author_edit(app, cid, email, EMERGENCY)
    # Asked first about the phone number, as on a new comment, and told it is an emergency.
    assert asked.status_code == 422
    assert "phone number" in asked.text and "Save anyway" in asked.text
    assert "emergency department" in asked.text
    assert "my throat is closing up" in asked.text  # the text is kept
    with app.app_context():
        assert db.session.get(Comment, cid).body == CALM  # nothing changed yet

    fields = form_fields(asked.text, edit)
    saved = browser.post(edit, data={**fields, "body": EMERGENCY, "post_anyway": "Save anyway"})
    assert saved.status_code == 302
    page = browser.get(saved.headers["Location"])
    assert "emergency department" in page.text

    assert flags(app, cid) == flags(app, reference)
    with app.app_context():
        assert db.session.get(Comment, cid).status is CommentStatus.PENDING
    urgent_tab = mod_client.get("/moderation/?status=urgent").text
    assert f'id="comment-{cid}"' in urgent_tab


def test_author_edit_that_removes_the_emergency_clears_the_flags(app, client):
    email = "calmer@patients.test"
    cid = comment_id(
        post_as_newcomer(client, body=EMERGENCY, author_email=email, post_anyway="Post anyway")
    )
    assert flags(app, cid)[0]
    _, _, saved = author_edit(app, cid, email, CALM)
    assert saved.status_code == 302
    assert flags(app, cid) == (False, [], [])
    with app.app_context():
        # The sender's reasons stay; only what was said of the old text goes.
        assert "Urgent" not in db.session.get(Comment, cid).screening_reasons


def test_moderator_edit_keeps_flags_true_and_asks_nothing(app, client, mod_client):
    reference = comment_id(post_as_newcomer(client, body=EMERGENCY, post_anyway="Post anyway"))
    cid = approved(client, mod_client, body=CALM)
    path = f"/moderation/comments/{cid}/edit"
    fields = form_fields(mod_client.get(path).text, path)
    response = mod_client.post(path, data={**fields, "body": EMERGENCY, "reason": "Test"})
    assert response.status_code == 302  # no question for a moderator
    assert flags(app, cid) == flags(app, reference)
    with app.app_context():
        assert db.session.get(Comment, cid).status is CommentStatus.APPROVED


@pytest.mark.parametrize("body", [EMERGENCY, "Nothing to see: 30 g every 4 weeks."])
def test_paths_agree_for_the_same_text(app, client, mod_client, body):
    """New comment and both edits leave the same urgent flag, highlights and reasons."""
    new = comment_id(post_as_newcomer(client, body=body, post_anyway="Post anyway"))
    email = "same@patients.test"
    by_author = comment_id(post_as_newcomer(client, body=CALM, author_email=email))
    browser, edit, first = author_edit(app, by_author, email, body)
    if first.status_code == 422:
        fields = form_fields(first.text, edit)
        first = browser.post(edit, data={**fields, "body": body, "post_anyway": "Save anyway"})
    assert first.status_code == 302
    by_moderator = approved(client, mod_client, body=CALM + " (2)")
    path = f"/moderation/comments/{by_moderator}/edit"
    fields = form_fields(mod_client.get(path).text, path)
    assert mod_client.post(path, data={**fields, "body": body, "reason": "x"}).status_code == 302
    assert flags(app, new) == flags(app, by_author) == flags(app, by_moderator)


# --- in a real browser ------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_author_edit_in_the_browser(app, client, mod_client, browser, live_url, javascript):
    """The author edits a published comment into an emergency with a phone number: asked
    first, told to get help, and the comment waits in the Urgent tab with its flags."""
    reference = comment_id(post_as_newcomer(client, body=EMERGENCY, post_anyway="Post anyway"))
    email = "browser-editor@patients.test"
    cid = approved(client, mod_client, body=CALM, author_email=email)
    with app.test_request_context():
        token = make_token("manage", email=email)

    context = browser.new_context(base_url=live_url, java_script_enabled=javascript)
    context.set_default_timeout(10_000)
    problems = watch(context)
    page = context.new_page()
    page.goto(f"/manage/{token}")
    page.get_by_role("link", name="Edit").first.click()
    page.get_by_role("textbox", name="Your comment").fill(EMERGENCY)
    page.get_by_role("button", name="Save", exact=True).click()

    alerts = page.get_by_role("alert")
    assert "medical attention now" in alerts.first.inner_text()
    assert "phone number" in page.locator("#body-question").inner_text()
    assert page.get_by_role("textbox", name="Your comment").input_value() == EMERGENCY
    page.get_by_role("button", name="Save anyway").click()

    assert page.url.endswith("/manage/comments")
    assert "emergency department" in page.locator(".flash-urgent").inner_text()
    edit_path = f"/manage/comments/{cid}/edit"
    assert problems.unexpected(("POST", f"{live_url}{edit_path}", 422)) == []
    context.close()

    assert flags(app, cid) == flags(app, reference)
    assert f'id="comment-{cid}"' in mod_client.get("/moderation/?status=urgent").text


WXR = """<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
  xmlns:wp="http://wordpress.org/export/1.2/">
<channel><wp:wxr_version>1.2</wp:wxr_version>
<item><title>IVIG</title><wp:post_id>7</wp:post_id><wp:post_name>ivig-for-lupus</wp:post_name>
<wp:status>publish</wp:status><wp:post_type>post</wp:post_type>
<wp:comment><wp:comment_id>1</wp:comment_id><wp:comment_author>Old Reader</wp:comment_author>
<wp:comment_author_email>old@example.org</wp:comment_author_email>
<wp:comment_date_gmt>2021-07-01 09:00:00</wp:comment_date_gmt>
<wp:comment_content><![CDATA[{body}]]></wp:comment_content>
<wp:comment_approved>1</wp:comment_approved><wp:comment_parent>0</wp:comment_parent></wp:comment>
</item></channel></rss>
"""


def test_import_flags_history_without_holding_it(app, client, tmp_path):
    reference = comment_id(post_as_newcomer(client, body=EMERGENCY, post_anyway="Post anyway"))
    export = tmp_path / "export.xml"
    export.write_text(WXR.format(body=EMERGENCY), "utf-8")
    result = app.test_cli_runner().invoke(args=["forum", "import-wordpress", str(export)])
    assert result.exit_code == 0, result.output
    with app.app_context():
        imported = db.session.scalar(select(Comment.id).where(Comment.author_name == "Old Reader"))
        assert db.session.get(Comment, imported).status is CommentStatus.APPROVED  # not held
    assert flags(app, imported) == flags(app, reference)
