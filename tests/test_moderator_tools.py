"""The moderators' tools: urgent and reported tabs, edits, picks, notes, badges, closing, log."""

from __future__ import annotations

import itertools
import json
import re
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from forum.extensions import db
from forum.models import (
    Article,
    AuthorRole,
    Comment,
    CommentStatus,
    ModerationEvent,
    Report,
    utcnow,
)
from forum.moderation.submission import body_digest
from forum.reactions import report_comment
from tests.helpers import ARTICLE, comment_id, csrf_token, form_fields, moderate, post_comment

_emails = itertools.count()


def pending(client: FlaskClient, body: str, **fields: str) -> int:
    """A comment that waits for a moderator: its e-mail has no approved comment yet.

    Texts that the safety rules would question (urgent symptoms, private details,
    advice) are written into the database instead, by `update_comment`.
    """
    fields.setdefault("author_email", f"reader{next(_emails)}@patients.test")
    return comment_id(post_comment(client, body=body, **fields))


def approved(client: FlaskClient, mod_client: FlaskClient, body: str, **fields: str) -> int:
    cid = pending(client, body, **fields)
    assert moderate(mod_client, cid, "approve").status_code == 302
    return cid


def token(mod_client: FlaskClient) -> str:
    return csrf_token(mod_client, "/moderation/")


def post(mod_client: FlaskClient, path: str, **data: str):
    return mod_client.post(path, data={"csrf_token": token(mod_client), **data})


def events(app: Flask, cid: int) -> list[ModerationEvent]:
    with app.app_context():
        return list(
            db.session.scalars(
                select(ModerationEvent)
                .where(ModerationEvent.comment_id == cid)
                .order_by(ModerationEvent.id)
            )
        )


def changed_at(app: Flask):
    with app.app_context():
        return db.session.scalar(select(Article.comments_changed_at).where(Article.slug == ARTICLE))


def update_comment(app: Flask, cid: int, **values: object) -> None:
    with app.app_context():
        comment = db.session.get(Comment, cid)
        for name, value in values.items():
            setattr(comment, name, value)
        db.session.commit()


def get_comment(app: Flask, cid: int) -> Comment:
    with app.app_context():
        comment = db.session.get(Comment, cid)
        db.session.expunge(comment)
        return comment


def public_page(app: Flask) -> str:
    return app.test_client().get(f"/articles/{ARTICLE}").get_data(as_text=True)


def queue_item(html: str, cid: int) -> str:
    """The HTML of one comment's item in a queue page."""
    start = html.index(f'id="comment-{cid}"')
    end = html.find("</article>", start)
    return html[start:end]


def report(app: Flask, cid: int, *reasons: tuple[str, str]) -> None:
    """Reports from different people: (reason, note) each."""
    with app.app_context():
        comment = db.session.get(Comment, cid)
        for n, (reason, note) in enumerate(reasons):
            assert report_comment(comment, reason, note, f"reporter-{cid}-{n}")
        db.session.commit()


# --- who may ------------------------------------------------------------------------------------


def test_every_new_page_and_action_is_for_moderators_only(app, client):
    cid = pending(client, "A comment nobody may touch.")
    with app.app_context():
        article_id = db.session.scalar(select(Article.id).where(Article.slug == ARTICLE))
    pages = [
        "/moderation/?status=urgent",
        "/moderation/?status=reported",
        f"/moderation/comments/{cid}",
        f"/moderation/comments/{cid}/edit",
        "/moderation/log",
        "/moderation/log?action=edit",
        "/moderation/articles",
    ]
    for path in pages:
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.headers["Location"].startswith("/login?next=/moderation/"), path
    # A reader's own session-bound token (the article's forms carry public form tokens).
    reader_token = csrf_token(client, "/login")
    actions = {
        f"/moderation/comments/{cid}/dismiss-reports": {},
        f"/moderation/comments/{cid}/edit": {"body": "Changed", "reason": "Because"},
        f"/moderation/comments/{cid}/feature": {},
        f"/moderation/comments/{cid}/unfeature": {},
        f"/moderation/comments/{cid}/verify": {},
        f"/moderation/comments/{cid}/unverify": {},
        f"/moderation/comments/{cid}/note": {"note": "A note"},
        f"/moderation/articles/{article_id}": {"comments_closed": "y"},
    }
    for path, data in actions.items():
        response = client.post(path, data={"csrf_token": reader_token, **data})
        assert response.status_code == 403, path
    with app.app_context():
        comment = db.session.get(Comment, cid)
        assert comment.body == "A comment nobody may touch."
        assert comment.moderator_note == "" and comment.featured_at is None
        assert not db.session.get(Article, article_id).comments_closed
        by_people = select(ModerationEvent.id).where(ModerationEvent.moderator_id.is_not(None))
        assert db.session.scalar(by_people.limit(1)) is None


def test_new_actions_without_csrf_are_refused(app, client, mod_client):
    cid = pending(client, "Keep me as I am.")
    for path, data in {
        f"/moderation/comments/{cid}/edit": {"body": "Changed", "reason": "Because"},
        f"/moderation/comments/{cid}/note": {"note": "A note"},
        f"/moderation/comments/{cid}/dismiss-reports": {},
    }.items():
        assert mod_client.post(path, data=data).status_code == 400, path
    assert get_comment(app, cid).body == "Keep me as I am."
    assert events(app, cid) == []


# --- the urgent tab -----------------------------------------------------------------------------


def test_urgent_tab_lists_urgent_pending_comments_newest_first_and_pending_puts_them_first(
    app, client, mod_client
):
    ordinary = pending(client, "An ordinary question about infusion times.")
    older = pending(client, "The older urgent one.")
    newer = pending(client, "The newer urgent one.")
    published = approved(client, mod_client, "A published one.")
    now = utcnow()
    update_comment(app, ordinary, created_at=now - timedelta(hours=3))
    update_comment(app, older, urgent=True, created_at=now - timedelta(hours=2))
    update_comment(app, newer, urgent=True, created_at=now - timedelta(hours=1))
    update_comment(app, published, urgent=True)

    html = mod_client.get("/moderation/?status=urgent").get_data(as_text=True)
    assert 'Urgent <span class="count">(2)</span>' in html
    assert html.index(f'id="comment-{newer}"') < html.index(f'id="comment-{older}"')
    assert f'id="comment-{ordinary}"' not in html
    assert f'id="comment-{published}"' not in html
    assert 'class="status status-urgent"' in queue_item(html, newer)

    pending_tab = mod_client.get("/moderation/").get_data(as_text=True)
    positions = [pending_tab.index(f'id="comment-{cid}"') for cid in (older, newer, ordinary)]
    assert positions == sorted(positions)  # urgent first, then first come, first served
    assert "Urgent <span" in mod_client.get("/moderation/?status=approved").text


def test_what_the_safety_rules_matched_is_marked_in_the_escaped_text(app, client, mod_client):
    body = "<b>Help</b> I can't breathe & my chest pain is bad"
    cid = pending(client, "A comment to be marked.")
    breathe = body.index("can't breathe")
    chest = body.index("chest pain")
    highlights = [[chest, chest + 10, "chest pain"], [breathe, breathe + 13, "shortness of breath"]]
    update_comment(app, cid, body=body, urgent=True, highlights=json.dumps(highlights))

    item = queue_item(mod_client.get("/moderation/?status=urgent").text, cid)
    assert "<strong>Matched:</strong> shortness of breath, chest pain" in item
    assert (
        "&lt;b&gt;Help&lt;/b&gt; I "
        '<mark title="shortness of breath">can&#39;t breathe</mark> &amp; my '
        '<mark title="chest pain">chest pain</mark> is bad'
    ) in item
    assert "<b>Help</b>" not in item
    # The same on the comment's own page and in the Pending tab.
    assert '<mark title="chest pain">' in mod_client.get(f"/moderation/comments/{cid}").text
    assert '<mark title="chest pain">' in mod_client.get("/moderation/").text


@pytest.mark.parametrize(
    "highlights",
    [
        "not json",
        json.dumps({"start": 1}),
        json.dumps([[0, 9999, "too long"], [-5, 2, "negative"], [3, 1, "backwards"]]),
        json.dumps([[0, 4, "first"], [2, 8, "overlaps"], ["a", "b", "c"], [1, 2], None]),
    ],
)
def test_odd_highlights_never_break_the_queue(highlights, app, client, mod_client):
    cid = pending(client, "A comment with odd highlights.")
    update_comment(app, cid, body="Chest pain <now>", urgent=True, highlights=highlights)
    response = mod_client.get("/moderation/?status=urgent")
    assert response.status_code == 200
    item = queue_item(response.text, cid)
    assert "<now>" not in item
    assert item.count("<mark") <= 3


# --- the reported tab ---------------------------------------------------------------------------


def test_reported_tab_shows_how_many_people_why_and_their_notes(app, client, mod_client):
    cid = approved(client, mod_client, "IVIG is enough for everyone.")
    quiet = approved(client, mod_client, "IVIG gave me a headache for a day.")
    report(
        app,
        cid,
        ("misinformation", "Stopping steroids suddenly is dangerous."),
        ("misinformation", ""),
    )
    html = mod_client.get("/moderation/?status=reported").get_data(as_text=True)
    assert 'Reported <span class="count">(1)</span>' in html
    assert f'id="comment-{quiet}"' not in html
    item = queue_item(html, cid)
    assert "Reported by 2 people:" in item
    assert "Medical misinformation (2)" in item
    assert "Stopping steroids suddenly is dangerous." in item
    assert "Dismiss reports" in item
    # Still published: two reports do not hide a comment.
    assert "IVIG is enough for everyone." in public_page(app)


def test_dismissing_reports_restores_a_comment_they_hid(app, client, mod_client, moderator):
    cid = approved(client, mod_client, "IVIG worked for my nephritis.")
    report(app, cid, ("spam", ""), ("abusive", "rude"), ("other", ""))
    assert get_comment(app, cid).status is CommentStatus.PENDING
    assert "IVIG worked for my nephritis." not in public_page(app)
    pending_tab = mod_client.get("/moderation/").text
    assert "Reported by 3 people:" in queue_item(pending_tab, cid)
    before = changed_at(app)

    response = post(
        mod_client,
        f"/moderation/comments/{cid}/dismiss-reports",
        next="/moderation/?status=reported",
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/moderation/?status=reported"
    comment = get_comment(app, cid)
    assert comment.status is CommentStatus.APPROVED
    assert comment.open_report_count == 0
    with app.app_context():
        reports = db.session.scalars(select(Report).where(Report.comment_id == cid)).all()
        assert len(reports) == 3
        assert all(r.resolved_at is not None and r.resolved_by_id == moderator for r in reports)
    last = events(app, cid)[-1]
    assert (last.action, last.moderator_id) == ("dismiss-reports", moderator)
    assert (last.from_status, last.to_status) == (CommentStatus.PENDING, CommentStatus.APPROVED)
    assert changed_at(app) > before
    assert "IVIG worked for my nephritis." in public_page(app)
    assert 'Reported <span class="count">(0)</span>' in mod_client.get("/moderation/").text


def test_dismissing_reports_of_a_published_comment_keeps_it_as_it_is(app, client, mod_client):
    cid = approved(client, mod_client, "Pre-meds helped with my headaches.")
    report(app, cid, ("other", ""))
    before = changed_at(app)
    post(mod_client, f"/moderation/comments/{cid}/dismiss-reports")
    comment = get_comment(app, cid)
    assert (comment.status, comment.open_report_count) == (CommentStatus.APPROVED, 0)
    last = events(app, cid)[-1]
    assert (last.action, last.from_status, last.to_status) == ("dismiss-reports", None, None)
    assert changed_at(app) == before  # nothing the public sees changed


def test_a_comment_hidden_then_rejected_stays_hidden_and_reports_are_closed(
    app, client, mod_client, moderator
):
    cid = approved(client, mod_client, "Buy my supplement instead.")
    report(app, cid, ("spam", ""), ("spam", ""), ("spam", "an advert"))
    token_ = token(mod_client)
    mod_client.post(
        f"/moderation/comments/{cid}/reject",
        data={"csrf_token": token_, "reason": "spam"},
    )
    comment = get_comment(app, cid)
    assert (comment.status, comment.open_report_count) == (CommentStatus.REJECTED, 0)
    with app.app_context():
        open_reports = db.session.scalars(
            select(Report).where(Report.comment_id == cid, Report.resolved_at.is_(None))
        ).all()
        assert open_reports == []
    assert f'id="comment-{cid}"' not in mod_client.get("/moderation/?status=reported").text
    # Dismissing afterwards neither brings a rejected comment back nor logs anything.
    logged = len(events(app, cid))
    response = post(mod_client, f"/moderation/comments/{cid}/dismiss-reports")
    assert response.status_code == 302
    assert get_comment(app, cid).status is CommentStatus.REJECTED
    assert len(events(app, cid)) == logged
    assert "has no open reports" in mod_client.get("/moderation/").text


# --- editing ------------------------------------------------------------------------------------


def test_editing_a_published_comment_changes_what_the_public_reads(
    app, client, mod_client, moderator
):
    old = "Call me on 555-0134 about IVIG at home."
    cid = approved(client, mod_client, "IVIG at home worked for me.")
    update_comment(app, cid, body=old, highlights=json.dumps([[11, 19, "phone number"]]))
    before = changed_at(app)
    form_page = mod_client.get(f"/moderation/comments/{cid}/edit?next=/moderation/?status=approved")
    assert form_page.status_code == 200
    fields = form_fields(form_page.text, f"/moderation/comments/{cid}/edit")
    assert fields["next"] == "/moderation/?status=approved"
    assert old in form_page.text

    new = "Ask me about IVIG at home **here** <script>x</script>."
    response = mod_client.post(
        f"/moderation/comments/{cid}/edit",
        data={**fields, "body": new, "reason": "Removed a phone number"},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/moderation/?status=approved"
    comment = get_comment(app, cid)
    assert comment.body == new
    assert comment.body_digest == body_digest(new)
    assert "<strong>here</strong>" in comment.body_html and "<script>" not in comment.body_html
    assert comment.edited_by_moderator_at is not None
    assert comment.highlights == ""
    assert comment.status is CommentStatus.APPROVED
    event = events(app, cid)[-1]
    assert (event.action, event.moderator_id) == ("edit", moderator)
    assert event.reason.startswith("Removed a phone number")
    assert old in event.reason  # the edit can be audited
    assert changed_at(app) > before

    page = public_page(app)
    assert "Ask me about IVIG at home" in page
    assert "555-0134" not in page
    item_page = mod_client.get(f"/moderation/comments/{cid}").text
    assert "Removed a phone number" in item_page and "555-0134" in item_page
    log = mod_client.get("/moderation/log?action=edit").text
    assert "Edited the text" in log and "Removed a phone number" in log


def test_editing_a_pending_comment_keeps_it_pending(app, client, mod_client):
    cid = pending(client, "IVIG helped me, a lot.")
    update_comment(app, cid, body="My MRN is 12345678, IVIG helped.")
    before = changed_at(app)
    response = post(
        mod_client,
        f"/moderation/comments/{cid}/edit",
        body="IVIG helped.",
        reason="Removed a medical record number",
    )
    assert response.status_code == 302
    assert response.headers["Location"] == f"/moderation/comments/{cid}"
    comment = get_comment(app, cid)
    assert (comment.body, comment.status) == ("IVIG helped.", CommentStatus.PENDING)
    assert changed_at(app) == before
    assert "IVIG helped." not in public_page(app)


@pytest.mark.parametrize(
    ("body", "reason", "message"),
    [
        ("New text", "", "Say why you edited it"),
        ("", "Because", "The comment cannot be empty"),
        ("Original words.", "Because", "The text is unchanged"),
        ("x" * 5001, "Because", "under 5,000 characters"),
    ],
)
def test_an_edit_that_cannot_be_saved_comes_back_with_the_text(
    body, reason, message, app, client, mod_client
):
    cid = pending(client, "Original words.")
    response = post(mod_client, f"/moderation/comments/{cid}/edit", body=body, reason=reason)
    assert response.status_code == 422
    assert message in response.text
    if body:
        assert body[:100] in response.text
    assert get_comment(app, cid).body == "Original words."
    assert events(app, cid) == []


@pytest.mark.parametrize("cid", ["999999", str(2**63), "9" * 30])
def test_an_unknown_comment_is_404(cid, mod_client):
    assert mod_client.get(f"/moderation/comments/{cid}/edit").status_code == 404
    assert mod_client.get(f"/moderation/comments/{cid}").status_code == 404
    for action in ("dismiss-reports", "feature", "verify", "note", "edit"):
        response = post(mod_client, f"/moderation/comments/{cid}/{action}", body="x", reason="y")
        assert response.status_code == 404, action


# --- picks, notes and badges --------------------------------------------------------------------


def test_featuring_a_published_comment_and_taking_it_back(app, client, mod_client, moderator):
    cid = approved(client, mod_client, "What helped me most was resting after.")
    before = changed_at(app)
    item = queue_item(mod_client.get("/moderation/?status=approved").text, cid)
    assert "Make it a moderator’s pick" in item
    assert post(mod_client, f"/moderation/comments/{cid}/feature").status_code == 302
    assert get_comment(app, cid).featured_at is not None
    event = events(app, cid)[-1]
    assert (event.action, event.moderator_id) == ("feature", moderator)
    assert changed_at(app) > before
    item = queue_item(mod_client.get("/moderation/?status=approved").text, cid)
    assert "moderator’s pick</span>" in item and "No longer a moderator’s pick" in item

    post(mod_client, f"/moderation/comments/{cid}/feature")  # again: nothing new
    assert [e.action for e in events(app, cid)][-1] == "feature"
    assert len([e for e in events(app, cid) if e.action == "feature"]) == 1
    post(mod_client, f"/moderation/comments/{cid}/unfeature")
    assert get_comment(app, cid).featured_at is None
    assert events(app, cid)[-1].action == "unfeature"


def test_only_a_published_comment_can_be_featured(app, client, mod_client):
    cid = pending(client, "Not yet approved.")
    response = post(mod_client, f"/moderation/comments/{cid}/feature")
    assert response.status_code == 302
    assert get_comment(app, cid).featured_at is None
    assert events(app, cid) == []
    assert "Only a published comment" in mod_client.get("/moderation/").text


def test_a_moderator_note_with_a_link_and_clearing_it(app, client, mod_client, moderator):
    cid = approved(client, mod_client, "My dose changed and I felt better.")
    before = changed_at(app)
    note = "IVIG doses are set for each person by their doctor."
    response = post(
        mod_client,
        f"/moderation/comments/{cid}/note",
        note=note,
        note_url="https://www.lupus.org/resources",
    )
    assert response.status_code == 302
    comment = get_comment(app, cid)
    assert (comment.moderator_note, comment.moderator_note_url) == (
        note,
        "https://www.lupus.org/resources",
    )
    event = events(app, cid)[-1]
    assert (event.action, event.moderator_id) == ("note", moderator)
    assert note in event.reason
    assert changed_at(app) > before
    assert note in queue_item(mod_client.get("/moderation/?status=approved").text, cid)

    post(mod_client, f"/moderation/comments/{cid}/note", note="", note_url="")
    comment = get_comment(app, cid)
    assert (comment.moderator_note, comment.moderator_note_url) == ("", None)
    assert events(app, cid)[-1].action == "clear-note"
    assert "Removed the note from" in mod_client.get("/moderation/?status=approved").text
    # Clearing it again changes nothing: no event, and nothing said.
    again = post(mod_client, f"/moderation/comments/{cid}/note", note="", note_url="")
    assert again.status_code == 302 and len(events(app, cid)) == 3  # approve, note, clear
    assert "Removed the note from" not in mod_client.get("/moderation/?status=approved").text


@pytest.mark.parametrize(
    ("note", "url", "message"),
    [
        ("See this.", "javascript:alert(1)", "starting with http:// or https://"),
        ("See this.", "ftp://example.org/file", "starting with http:// or https://"),
        ("", "https://example.org", "Write the note that the link belongs to."),
        ("n" * 501, "", "under 500 characters"),
    ],
)
def test_a_note_that_cannot_be_saved_is_shown_again(note, url, message, app, client, mod_client):
    cid = approved(client, mod_client, "A comment to annotate.")
    response = post(mod_client, f"/moderation/comments/{cid}/note", note=note, note_url=url)
    assert response.status_code == 422
    assert message in response.text
    assert note[:50] in response.text
    comment = get_comment(app, cid)
    assert (comment.moderator_note, comment.moderator_note_url) == ("", None)
    assert events(app, cid)[-1].action == "approve"


def test_verifying_a_professionals_badge(app, client, mod_client, moderator):
    nurse = approved(client, mod_client, "As an infusion nurse, I see many patients.")
    patient = approved(client, mod_client, "As a patient, I had six infusions.")
    update_comment(app, nurse, author_role=AuthorRole.PROFESSIONAL)
    update_comment(app, patient, author_role=AuthorRole.PATIENT)
    html = mod_client.get("/moderation/?status=approved").text
    assert "Verify as a healthcare professional" in queue_item(html, nurse)
    assert "Healthcare professional (self-declared)" in queue_item(html, nurse)
    assert "Verify as a healthcare professional" not in queue_item(html, patient)

    before = changed_at(app)
    post(mod_client, f"/moderation/comments/{nurse}/verify")
    assert get_comment(app, nurse).role_verified
    event = events(app, nurse)[-1]
    assert (event.action, event.moderator_id) == ("verify-role", moderator)
    assert changed_at(app) > before
    html = mod_client.get("/moderation/?status=approved").text
    assert "(verified by a moderator)" in queue_item(html, nurse)

    post(mod_client, f"/moderation/comments/{nurse}/unverify")
    assert not get_comment(app, nurse).role_verified
    assert events(app, nurse)[-1].action == "unverify-role"

    post(mod_client, f"/moderation/comments/{patient}/verify")
    assert not get_comment(app, patient).role_verified
    assert events(app, patient)[-1].action == "approve"


# --- closing comments ---------------------------------------------------------------------------


def _article(app: Flask) -> Article:
    with app.app_context():
        article = db.session.scalar(select(Article).where(Article.slug == ARTICLE))
        db.session.expunge(article)
        return article


def test_closing_an_articles_comments(app, mod_client, moderator):
    article = _article(app)
    page = mod_client.get("/moderation/articles")
    assert page.status_code == 200
    assert article.short_title in page.text and "open for comments" in page.text
    fields = form_fields(page.text, f"/moderation/articles/{article.id}")
    assert "comments_closed" not in fields  # not checked
    before = changed_at(app)

    response = mod_client.post(
        f"/moderation/articles/{article.id}",
        data={**fields, "comments_closed": "y", "close_comments_after_days": "30"},
    )
    assert response.status_code == 302
    saved = _article(app)
    assert (saved.comments_closed, saved.close_comments_after_days) == (True, 30)
    assert changed_at(app) > before
    with app.app_context():
        event = db.session.scalars(
            select(ModerationEvent).where(ModerationEvent.article_id == article.id)
        ).one()
        assert (event.action, event.moderator_id, event.comment_id) == (
            "comments-closing",
            moderator,
            None,
        )
    page = mod_client.get("/moderation/articles").text
    assert "closed to new comments" in page
    assert 'value="30"' in page
    log = mod_client.get("/moderation/log").text
    assert "Changed when comments close" in log and article.short_title in log

    # Open again, closing automatically after a year; an empty number means never.
    mod_client.post(
        f"/moderation/articles/{article.id}",
        data={"csrf_token": fields["csrf_token"], "close_comments_after_days": "365"},
    )
    saved = _article(app)
    assert (saved.comments_closed, saved.close_comments_after_days) == (False, 365)
    mod_client.post(
        f"/moderation/articles/{article.id}",
        data={"csrf_token": fields["csrf_token"], "close_comments_after_days": ""},
    )
    assert _article(app).close_comments_after_days is None


@pytest.mark.parametrize("days", ["0", "3651", "abc", "-3", "1.5", "١٢", "99999999999999999999"])
def test_a_bad_number_of_days_is_refused_with_a_message(days, app, mod_client):
    article = _article(app)
    response = post(
        mod_client,
        f"/moderation/articles/{article.id}",
        comments_closed="y",
        close_comments_after_days=days,
    )
    assert response.status_code == 422
    assert re.search(r'class="error"[^>]*>Enter a (whole number|number of days)', response.text)
    saved = _article(app)
    assert (saved.comments_closed, saved.close_comments_after_days) == (False, None)


@pytest.mark.parametrize("article_id", ["999999", str(2**63)])
def test_closing_an_unknown_article_is_404(article_id, mod_client):
    response = post(mod_client, f"/moderation/articles/{article_id}", comments_closed="y")
    assert response.status_code == 404


# --- the log ------------------------------------------------------------------------------------


def test_the_log_shows_who_did_what_newest_first(app, client, mod_client, moderator):
    kept = pending(client, "A comment to approve.")
    moderate(mod_client, kept, "approve")
    spam = comment_id(post_comment(client, body="hello", homepage="http://bot.example"))
    gone = pending(client, "A comment to delete.")
    moderate(mod_client, gone, "delete")

    queue = mod_client.get("/moderation/").text
    assert 'href="/moderation/log"' in queue
    response = mod_client.get("/moderation/log")
    assert response.status_code == 200
    html = response.text
    rows = html[html.index("<tbody>") : html.index("</tbody>")]
    assert rows.index(f"Comment {gone} by") < rows.index(f"Comment {kept} by")  # newest first
    assert f'href="/moderation/comments/{gone}"' in rows
    assert "Maria" in rows and "The forum" in rows
    assert "Deleted" in rows and "pending → deleted" in rows
    assert "Screened on arrival" in rows and "hidden field" in rows
    assert f"Comment {spam} by" in rows

    only_forum = mod_client.get("/moderation/log?moderator=forum").text
    assert f"Comment {spam} by" in only_forum and f"Comment {kept} by" not in only_forum
    by_maria = mod_client.get(f"/moderation/log?moderator={moderator}").text
    assert f"Comment {kept} by" in by_maria and f"Comment {spam} by" not in by_maria
    deletes = mod_client.get("/moderation/log?action=delete").text
    assert f"Comment {gone} by" in deletes and f"Comment {kept} by" not in deletes
    assert '<option selected value="delete">Deleted</option>' in deletes

    today = utcnow().date()
    tomorrow = (today + timedelta(days=1)).isoformat()
    dated = mod_client.get(f"/moderation/log?from={today}&to={today}").text
    assert f"Comment {gone} by" in dated
    later = mod_client.get(f"/moderation/log?from={tomorrow}").text
    assert "No events match these filters." in later
    earlier = mod_client.get("/moderation/log?to=2001-01-01").text
    assert "No events match these filters." in earlier


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("from=yesterday", "Enter a date as YYYY-MM-DD"),
        ("to=2026-02-30", "Enter a date as YYYY-MM-DD"),
        ("from=٢٠٢٦-٠١-٠١", "Enter a date as YYYY-MM-DD"),
        ("from=2026-03-02&to=2026-03-01", "The end date is before the start date."),
        ("moderator=999999", "Not a valid choice"),
        ("moderator=%00", "Not a valid choice"),
        ("action=explode", "Not a valid choice"),
    ],
)
def test_bad_log_filters_get_a_message_not_an_error(query, message, app, client, mod_client):
    cid = pending(client, "Something to log.")
    moderate(mod_client, cid, "spam")
    response = mod_client.get(f"/moderation/log?{query}")
    assert response.status_code == 400
    assert message in response.text
    assert f"Comment {cid} by" in response.text  # the other filters still apply


def test_the_log_pages_fifty_at_a_time_and_keeps_its_filters(app, mod_client, moderator):
    with app.app_context():
        start = utcnow() - timedelta(hours=1)
        db.session.add_all(
            ModerationEvent(
                moderator_id=moderator,
                action="settings",
                created_at=start + timedelta(seconds=n),
                reason=f"event number {n:02d};",
            )
            for n in range(55)
        )
        db.session.commit()
    first = mod_client.get("/moderation/log?action=settings").text
    assert first.count("<tr>") == 51  # the header row and fifty events
    assert "event number 54;" in first and "event number 05;" in first
    assert "event number 04;" not in first
    assert 'href="/moderation/log?page=2&amp;action=settings"' in first
    second = mod_client.get("/moderation/log?page=2&action=settings").text
    assert "event number 04;" in second and "event number 05;" not in second
    assert "Newer" in second and "Older" not in second
    assert mod_client.get("/moderation/log?page=abc").status_code == 404
