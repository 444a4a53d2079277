"""Each screening rule fires on what it is for, lets a patient's comment through, and
tells the moderator why."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from forum.extensions import db
from forum.models import Block, BlockKind, Comment, CommentStatus, utcnow
from tests.helpers import comment_form, comment_id, csrf_token, moderate, post_comment

PATIENT = (
    "I had my third IVIG infusion last week for lupus nephritis. The headache the next "
    "day was rough, but my kidney numbers are better. Ask about pre-meds!"
)


def status_and_reasons(app, cid: int) -> tuple[CommentStatus, str]:
    with app.app_context():
        comment = db.session.get(Comment, cid)
        return comment.status, comment.screening_reasons


def queue_shows(mod_client, cid: int, text: str, status: str = "pending") -> bool:
    html = mod_client.get(f"/moderation/?status={status}").text
    start = html.index(f'id="comment-{cid}"')
    return text in html[start : start + 6000]


def test_a_normal_patient_comment_is_simply_pending(app, client):
    cid = comment_id(post_comment(client, body=PATIENT))
    assert status_and_reasons(app, cid) == (CommentStatus.PENDING, "")


def test_honeypot_marks_spam_and_the_bot_sees_the_usual_answer(app, client, mod_client):
    response = post_comment(client, homepage="http://spam.example", body="Great post")
    cid = comment_id(response)
    status, reasons = status_and_reasons(app, cid)
    assert status is CommentStatus.SPAM
    assert "hidden field" in reasons
    assert "awaiting moderation" in client.get(response.headers["Location"]).text
    assert queue_shows(mod_client, cid, "hidden field", "spam")


def test_honeypot_is_hidden_from_people_and_screen_readers(client):
    html = client.get("/articles/ivig-for-lupus").text
    assert '<div class="hp" aria-hidden="true">' in html
    assert 'name="homepage" value="" tabindex="-1" autocomplete="off"' in html
    with client.get("/static/style.css") as response:
        css = response.text
    assert ".hp { display: none; }" in css


def test_duplicate_is_refused_with_text_kept(app, client):
    assert post_comment(client, body=PATIENT).status_code == 302
    again = post_comment(client, body="  " + PATIENT.upper() + " ")
    assert again.status_code == 422
    assert "You have already said that." in again.text
    assert "LUPUS NEPHRITIS" in again.text
    # The same text from someone else is their own comment.
    other = post_comment(client, body=PATIENT, author_name="Bo", author_email="bo@example.org")
    assert other.status_code == 302


def test_the_same_form_sent_twice_is_one_comment(app, client):
    """A double click, or nginx handing a POST whose app server died after saving it to the
    next server: the person is answered as the first time, and nothing is stored twice."""
    form = comment_form(client)
    form.update(author_name="Ann Example", author_email="ann@patients.test", body=PATIENT)
    first = comment_id(client.post("/articles/ivig-for-lupus/comments", data=form))
    again = client.post("/articles/ivig-for-lupus/comments", data=form)
    assert comment_id(again) == first
    assert "awaiting moderation" in client.get(again.headers["Location"]).text
    # nginx's second app server gets it without the first one's memory of the browser.
    elsewhere = app.test_client().post("/articles/ivig-for-lupus/comments", data=form)
    assert comment_id(elsewhere) == first
    with app.app_context():
        assert db.session.scalar(select(func.count()).where(Comment.body == PATIENT)) == 1
        db.session.get(Comment, first).created_at = utcnow() - timedelta(minutes=3)
        db.session.commit()
    # Minutes later it is no longer the same sending but saying it twice.
    late = client.post("/articles/ivig-for-lupus/comments", data=form)
    assert late.status_code == 422
    assert "You have already said that." in late.text


def test_more_than_two_links_is_held_whatever_else(app, client, mod_client):
    first = comment_id(post_comment(client, body="My first."))
    moderate(mod_client, first, "approve")  # a returning author from now on
    body = "See https://a.example, https://b.example and [c](https://c.example)."
    cid = comment_id(post_comment(client, body=body))
    status, reasons = status_and_reasons(app, cid)
    assert status is CommentStatus.PENDING
    assert "3 links" in reasons
    assert queue_shows(mod_client, cid, "3 links")
    two = comment_id(post_comment(client, body="Two: https://a.example https://b.example"))
    assert status_and_reasons(app, two)[0] is CommentStatus.APPROVED


def test_returning_author_is_published_at_once(app, client, mod_client):
    first = comment_id(post_comment(client, body="First time here."))
    assert status_and_reasons(app, first)[0] is CommentStatus.PENDING
    moderate(mod_client, first, "approve")
    second = comment_id(post_comment(client, body=PATIENT))
    status, reasons = status_and_reasons(app, second)
    assert status is CommentStatus.APPROVED
    assert "Returning author" in reasons
    assert PATIENT[:40] in app.test_client().get("/articles/ivig-for-lupus").text


def _save_settings(mod_client, **changes) -> object:
    data = {
        "csrf_token": csrf_token(mod_client, "/moderation/settings"),
        "hold_words": "",
        "spam_words": "",
        "flood_seconds": "0",
        "min_form_seconds": "0",
        "approve_returning_authors": "y",
        "review_time": "Comments are usually reviewed within 2 days.",
    }
    data.update(changes)
    if changes.get("approve_returning_authors") is None:
        data.pop("approve_returning_authors", None)
    return mod_client.post("/moderation/settings", data=data)


def test_returning_authors_can_be_switched_off(app, client, mod_client):
    response = _save_settings(mod_client, approve_returning_authors=None)
    assert response.status_code == 302
    first = comment_id(post_comment(client, body="First."))
    moderate(mod_client, first, "approve")
    second = comment_id(post_comment(client, body="Second."))
    assert status_and_reasons(app, second)[0] is CommentStatus.PENDING


def test_hold_and_spam_words_match_whole_words_in_every_field(app, client, mod_client):
    _save_settings(mod_client, hold_words="ivermectin\nbuy-pills.", spam_words="Crypto\n203.0.113.")
    held = comment_id(post_comment(client, body="Has anyone tried IVERMECTIN with IVIG?"))
    assert status_and_reasons(app, held)[0] is CommentStatus.PENDING
    assert "ivermectin" in status_and_reasons(app, held)[1]
    assert queue_shows(mod_client, held, "Contains words held for review: ivermectin")
    spam = comment_id(post_comment(client, author_name="crypto king", body="hello there"))
    assert status_and_reasons(app, spam)[0] is CommentStatus.SPAM
    by_site = comment_id(
        post_comment(
            client,
            website="https://buy-pills.example",
            body="a nice site",
            author_email="x@example.org",
        )
    )
    assert "buy-pills." in status_and_reasons(app, by_site)[1]
    data = comment_form(client)
    data.update(author_name="Ip", author_email="ip@example.org", body="from a listed IP")
    by_ip = comment_id(
        client.post(
            "/articles/ivig-for-lupus/comments",
            data=data,
            environ_base={"REMOTE_ADDR": "203.0.113.9"},
        )
    )
    assert status_and_reasons(app, by_ip)[0] is CommentStatus.SPAM
    # Whole words only: "cryptographic" and "ivermectins" are not the listed words.
    fine = comment_id(
        post_comment(client, author_email="fine@example.org", body="Cryptographic ivermectins")
    )
    assert status_and_reasons(app, fine) == (CommentStatus.PENDING, "")


def test_default_word_lists_catch_the_usual_supplement_spam(app, client):
    cid = comment_id(post_comment(client, body="This MIRACLE CURE reversed my lupus!"))
    status, reasons = status_and_reasons(app, cid)
    assert status is CommentStatus.PENDING and "miracle cure" in reasons
    cid = comment_id(post_comment(client, author_email="c@example.org", body="Try our casino"))
    assert status_and_reasons(app, cid)[0] is CommentStatus.SPAM


def test_settings_page_is_for_moderators_and_validates(client, mod_client):
    assert client.get("/moderation/settings").status_code == 302
    bad = _save_settings(mod_client, flood_seconds="soon")
    assert bad.status_code == 422
    assert "Enter a number of seconds." in bad.text or "Not a valid integer" in bad.text
    assert _save_settings(mod_client, flood_seconds="30").status_code == 302
    assert 'value="30"' in mod_client.get("/moderation/settings").text


def test_flood_setting_from_the_settings_page_applies(app, client, mod_client):
    _save_settings(mod_client, flood_seconds="60")
    assert post_comment(client, body="one").status_code == 302
    assert post_comment(client, body="two", author_email="z@example.org").status_code == 429


@pytest.mark.parametrize(
    ("kind", "later"),
    [
        ("email", {"author_email": "ann@patients.test"}),
        ("domain", {"author_email": "someone.else@patients.test"}),
        ("ip", {"author_email": "fresh@example.org"}),
    ],
)
def test_blocking_from_the_queue_sends_later_comments_to_spam(app, client, mod_client, kind, later):
    cid = comment_id(post_comment(client, body="Something rude."))
    token = csrf_token(mod_client, "/moderation/")
    response = mod_client.post(
        f"/moderation/comments/{cid}/block",
        data={"csrf_token": token, "kind": kind, "duration": "7"},
    )
    assert response.status_code == 302
    with app.app_context():
        block = db.session.query(Block).one()
        assert block.kind is BlockKind(kind)
        assert timedelta(days=6) < block.expires_at - utcnow() <= timedelta(days=7)
    nxt = comment_id(post_comment(client, body="Another try.", **later))
    status, reasons = status_and_reasons(app, nxt)
    assert status is CommentStatus.SPAM and "Blocked by a moderator" in reasons
    unrelated = app.test_client()
    data = comment_form(unrelated)
    data.update(author_name="U", author_email="u@other.example", body="unrelated")
    ok = comment_id(
        unrelated.post(
            "/articles/ivig-for-lupus/comments",
            data=data,
            environ_base={"REMOTE_ADDR": "192.0.2.50"},
        )
    )
    assert status_and_reasons(app, ok)[0] is CommentStatus.PENDING


def test_blocks_are_listed_and_can_be_lifted(app, client, mod_client):
    cid = comment_id(post_comment(client, body="x"))
    token = csrf_token(mod_client, "/moderation/")
    mod_client.post(
        f"/moderation/comments/{cid}/block", data={"csrf_token": token, "kind": "email"}
    )
    page = mod_client.get("/moderation/settings").text
    assert "ann@patients.test" in page and "lifted by hand" in page
    with app.app_context():
        block_id = db.session.query(Block).one().id
    token = csrf_token(mod_client, "/moderation/settings")
    assert (
        mod_client.post(
            f"/moderation/blocks/{block_id}/lift", data={"csrf_token": token}
        ).status_code
        == 302
    )
    with app.app_context():
        assert db.session.query(Block).count() == 0
    after = comment_id(post_comment(client, body="after the lift"))
    assert status_and_reasons(app, after)[0] is CommentStatus.PENDING


def test_expired_block_no_longer_applies(app, client):
    with app.app_context():
        db.session.add(
            Block(
                kind=BlockKind.EMAIL,
                value="ann@patients.test",
                expires_at=utcnow() - timedelta(seconds=1),
            )
        )
        db.session.commit()
    cid = comment_id(post_comment(client))
    assert status_and_reasons(app, cid)[0] is CommentStatus.PENDING


def test_rejection_reason_is_stored_and_counted(app, client, mod_client):
    from forum.models import ModerationEvent

    ids = [comment_id(post_comment(client, body=f"claim {n}")) for n in range(3)]
    token = csrf_token(mod_client, "/moderation/")
    for cid, reason in zip(ids, ["misinformation", "misinformation", "off-topic"], strict=True):
        mod_client.post(
            f"/moderation/comments/{cid}/reject", data={"csrf_token": token, "reason": reason}
        )
    with app.app_context():
        codes = sorted(
            e.reason_code for e in db.session.query(ModerationEvent).filter_by(action="reject")
        )
    assert codes == ["misinformation", "misinformation", "off-topic"]
    html = mod_client.get("/moderation/").text
    assert "Medical misinformation: 2" in html and "Off-topic: 1" in html


def test_a_block_that_cannot_be_made_says_why_and_stores_nothing(app, client, mod_client):
    cid = comment_id(post_comment(client, body="Something rude."))
    with app.app_context():  # an imported comment may carry no IP address
        db.session.get(Comment, cid).ip = None
        db.session.commit()
    token = csrf_token(mod_client, "/moderation/")
    for kind, message in [("colour", "Choose what to block."),
                          ("ip", "This comment has nothing to block by that.")]:  # fmt: skip
        response = mod_client.post(
            f"/moderation/comments/{cid}/block",
            data={"csrf_token": token, "kind": kind, "next": "/moderation/?status=spam"},
        )
        assert response.headers["Location"] == "/moderation/?status=spam"
        assert message in mod_client.get("/moderation/?status=spam").text
    with app.app_context():
        assert db.session.query(Block).count() == 0
