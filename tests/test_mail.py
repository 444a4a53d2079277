"""E-mail through a real SMTP server (aiosmtpd on 127.0.0.1), and commenters' control."""

from __future__ import annotations

import json
import re
import threading
from datetime import timedelta

import pytest
from sqlalchemy import delete as sa_delete
from sqlalchemy import func, select

from forum import notifications
from forum.extensions import db
from forum.mail import queue_message, send_due
from forum.models import (
    Comment,
    CommentStatus,
    HeldNotice,
    MailOptOut,
    Moderator,
    OutboxMessage,
    Subscription,
    utcnow,
)
from forum.notifications import MAX_LISTED, moderator_digest
from tests.helpers import (
    add_moderator,
    comment_id,
    csrf_token,
    drain,
    form_fields,
    link_in,
    moderate,
    post_comment,
)

ARTICLE = "/articles/ivig-for-lupus"


@pytest.fixture
def app_config(mail_config):
    return mail_config


def body_of(message) -> str:
    return message.get_content()


def test_author_hears_when_their_comment_is_published(app, client, mod_client, smtp):
    cid = comment_id(
        post_comment(client, author_email="rosa@example.org", body="Hello", notify_on_publish="y")
    )
    other = comment_id(post_comment(app.test_client(), author_email="hidden@example.org", body="x"))
    moderate(mod_client, cid, "approve")
    moderate(mod_client, other, "approve")
    drain(app)
    (message,) = smtp.to("rosa@example.org")
    assert "is published" in message["Subject"]
    assert f"#comment-{cid}" in body_of(message)
    assert "hidden@example.org" not in message.as_string()
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["List-Unsubscribe"].startswith("<http")
    assert smtp.to("hidden@example.org") == []  # did not tick the box


def test_nothing_is_sent_to_authors_who_did_not_ask(app, client, mod_client, smtp):
    cid = comment_id(post_comment(client, author_email="quiet@example.org"))
    moderate(mod_client, cid, "approve")
    drain(app)
    assert smtp.to("quiet@example.org") == []


def test_reply_notification_goes_to_the_parent_author_who_asked(app, client, mod_client, smtp):
    parent = comment_id(
        post_comment(client, author_email="parent@example.org", body="Parent", notify_on_reply="y")
    )
    moderate(mod_client, parent, "approve")
    replier = app.test_client()
    reply = comment_id(
        post_comment(
            replier, reply_to=parent, author_name="Bea", author_email="bea@example.org", body="Re"
        )
    )
    drain(app)
    assert smtp.to("parent@example.org") == []  # not before the reply is published
    moderate(mod_client, reply, "approve")
    drain(app)
    (message,) = smtp.to("parent@example.org")
    assert "Bea replied" in message["Subject"]
    assert "bea@example.org" not in message.as_string()


def test_moderators_get_a_held_comment_with_single_use_links(app, client, moderator, smtp):
    cid = comment_id(post_comment(client, author_email="held@example.org", body="Please check"))
    drain(app)
    (message,) = smtp.to("mod@forum.test")
    assert "Comment waiting" in message["Subject"]
    assert "Please check" in body_of(message)
    approve = link_in(message, "/moderation/decide/")
    page = app.test_client().get(approve)
    assert page.status_code == 200 and "Approve this comment?" in page.text
    with app.app_context():
        assert db.session.get(Comment, cid).status is CommentStatus.PENDING  # GET changes nothing
    browser = app.test_client()
    token = csrf_token(browser, approve)
    assert browser.post(approve, data={"csrf_token": token}).status_code == 200
    with app.app_context():
        assert db.session.get(Comment, cid).status is CommentStatus.APPROVED
    assert browser.post(approve, data={"csrf_token": token}).status_code == 410
    assert browser.get(approve).status_code == 410


def _add_moderators_not_to_mail(app, quiet: str) -> None:
    """Two moderators who get no notice: `quiet` opted out of e-mail, gone@ is inactive."""
    add_moderator(app, email=quiet)
    gone = add_moderator(app, email="gone@forum.test")
    with app.app_context():
        db.session.add(MailOptOut(email="quiet@forum.test"))
        db.session.get(Moderator, gone).active = False
        db.session.commit()


def test_a_held_comment_is_told_to_active_moderators_who_take_e_mail(app, client, moderator, smtp):
    _add_moderators_not_to_mail(app, quiet="quiet@forum.test")
    post_comment(client, author_email="held@example.org", body="Please check")
    drain(app)
    assert [m["Subject"] for m in smtp.to("mod@forum.test")] == [
        "Comment waiting: Ann Example on IVIG for Systemic Lupus Erythematosus"
    ]
    assert smtp.to("quiet@forum.test") == smtp.to("gone@forum.test") == []


def test_the_digest_goes_to_the_same_moderators_and_counts_what_it_sent(app, client, moderator):
    _add_moderators_not_to_mail(app, quiet="Quiet@Forum.test")  # typed in mixed case
    post_comment(client, author_email="held@example.org", body="Please check")
    with app.test_request_context():  # the digest's links are absolute URLs
        db.session.execute(sa_delete(OutboxMessage))
        pending = list(db.session.scalars(select(Comment)))
        assert moderator_digest(pending) == 1
        assert db.session.scalars(select(OutboxMessage.recipient)).all() == ["mod@forum.test"]


def test_a_held_comment_decided_before_the_round_is_not_told(app, client, mod_client, smtp):
    decided = comment_id(post_comment(client, author_email="early@example.org", body="Seen"))
    post_comment(client, author_email="later@example.org", body="Wait")
    moderate(mod_client, decided, "approve")
    drain(app)
    (notice,) = smtp.to("mod@forum.test")
    assert "Comment waiting: Ann Example" in notice["Subject"]
    assert "> Wait" in body_of(notice) and "> Seen" not in body_of(notice)
    drain(app)
    assert len(smtp.to("mod@forum.test")) == 1  # told once


def test_a_burst_of_held_comments_is_one_message_that_lists_the_first_ones(
    app, client, moderator, smtp
):
    burst = MAX_LISTED + 3
    for n in range(burst):
        urgent = " I cannot breathe and my lips are turning blue right now." if n == 7 else ""
        post_comment(client, author_email=f"b{n}@example.org", body=f"Burst {n}.{urgent}")
    drain(app)
    (notice,) = smtp.to("mod@forum.test")
    assert notice["Subject"] == f"[URGENT] {burst} comments waiting for review"
    text = body_of(notice)
    assert text.count("> Burst ") == MAX_LISTED
    assert "…and 3 more in the queue." in text
    assert "/moderation" in text.rsplit("The queue: ", 1)[1]


def test_a_sender_tells_only_of_the_notes_it_took(app, client, moderator, smtp, monkeypatch):
    first = comment_id(post_comment(client, author_email="one@example.org", body="First one"))
    post_comment(client, author_email="two@example.org", body="Second one")
    compose = notifications._held_messages

    def raced(comment_ids: list[int]) -> list:
        messages = compose(comment_ids)
        if len(comment_ids) == 2:  # meanwhile another worker's sender takes the first note
            db.session.execute(sa_delete(HeldNotice).where(HeldNotice.comment_id == first))
            db.session.commit()
        return messages

    monkeypatch.setattr(notifications, "_held_messages", raced)
    drain(app)
    (notice,) = smtp.to("mod@forum.test")
    assert notice["Subject"].startswith("Comment waiting: ")
    assert "> Second one" in body_of(notice) and "First one" not in body_of(notice)


def test_a_notice_that_fails_to_compose_holds_back_no_other_mail(
    app, client, moderator, smtp, monkeypatch
):
    post_comment(client, author_email="held@example.org", body="Told later")
    with app.app_context():
        queue_message("reader@example.org", "Your link", "A link.", "manage", requested=True)
        db.session.commit()

    def broken(comment_ids: list[int]) -> list:
        raise RuntimeError("no template")

    monkeypatch.setattr(notifications, "_held_messages", broken)
    drain(app)
    assert [m["Subject"] for m in smtp.to("reader@example.org")] == ["Your link"]
    assert smtp.to("mod@forum.test") == []
    monkeypatch.undo()
    drain(app)  # the note was kept: the next round tells of it
    (notice,) = smtp.to("mod@forum.test")
    assert "> Told later" in body_of(notice)


def test_digest_setting_sends_one_list_a_day_instead(app, client, mod_client, moderator, smtp):
    data = form_fields(mod_client.get("/moderation/settings").text, "/moderation/settings")
    data.update(moderator_digest="y")
    assert mod_client.post("/moderation/settings", data=data).status_code == 302
    for n in range(2):
        post_comment(client, author_email=f"d{n}@example.org", body=f"digest {n}")
    drain(app)
    assert smtp.to("mod@forum.test") == []
    result = app.test_cli_runner().invoke(args=["forum", "send-digest"])
    assert "2 comment(s) waiting; 1 digest(s) queued" in result.output
    drain(app)
    (digest,) = smtp.to("mod@forum.test")
    assert "digest 0" in body_of(digest) and "digest 1" in body_of(digest)


def test_subscription_is_double_opt_in_and_one_click_unsubscribe(app, client, mod_client, smtp):
    reader = app.test_client()
    token = csrf_token(reader, ARTICLE)
    response = reader.post(
        f"{ARTICLE}/subscribe", data={"csrf_token": token, "email": "sub@example.org"}
    )
    assert response.status_code == 302
    drain(app)
    (confirm,) = smtp.to("sub@example.org")
    first = comment_id(
        post_comment(client, author_email="w1@example.org", body="Before confirming")
    )
    moderate(mod_client, first, "approve")
    drain(app)
    assert len(smtp.to("sub@example.org")) == 1  # nothing before confirmation
    link = link_in(confirm, "/subscriptions/confirm/")
    assert "Yes, send me new comments" in reader.get(link).text
    reader.post(link, data={"csrf_token": csrf_token(reader, link)})
    second = comment_id(
        post_comment(client, author_email="w2@example.org", body="After confirming")
    )
    moderate(mod_client, second, "approve")
    drain(app)
    news = smtp.to("sub@example.org")[-1]
    assert "New comment" in news["Subject"] and "After confirming" in body_of(news)
    assert "w2@example.org" not in news.as_string()
    unsubscribe = news["List-Unsubscribe"].strip("<>").split("localhost", 1)[-1]
    one_click = app.test_client().post(unsubscribe, data={"List-Unsubscribe": "One-Click"})
    assert one_click.status_code == 200
    with app.app_context():
        assert db.session.get(MailOptOut, "sub@example.org") is not None
        assert db.session.scalar(select(func.count(Subscription.id))) == 0


def test_rejected_author_who_opted_in_is_told_kindly(app, client, mod_client, smtp):
    cid = comment_id(
        post_comment(
            client, author_email="nope@example.org", body="Buy my cure", notify_on_reply="y"
        )
    )
    token = csrf_token(mod_client, "/moderation/")
    mod_client.post(
        f"/moderation/comments/{cid}/reject", data={"csrf_token": token, "reason": "off-topic"}
    )
    drain(app)
    (message,) = smtp.to("nope@example.org")
    assert "not about IVIG or this article" in body_of(message)
    assert "welcome to write again" in body_of(message)


def test_a_failed_send_never_loses_the_comment_and_is_retried(app, client, mod_client, smtp):
    app.extensions["mail"].port = 9  # nothing listens there: the SMTP server is "down"
    cid = comment_id(post_comment(client, author_email="retry@example.org", notify_on_publish="y"))
    moderate(mod_client, cid, "approve")
    with app.app_context():
        sent, failed = send_due()
        assert sent == 0 and failed >= 1
        message = db.session.scalar(
            select(OutboxMessage).where(OutboxMessage.recipient == "retry@example.org")
        )
        assert message.attempts == 1 and message.last_error
        message.send_after = utcnow()  # the retry is due
        db.session.commit()
        assert db.session.get(Comment, cid).status is CommentStatus.APPROVED
    app.extensions["mail"].port = smtp_port(app)
    result = app.test_cli_runner().invoke(args=["forum", "send-mail"])
    assert "sent" in result.output
    assert len(smtp.to("retry@example.org")) == 1


def smtp_port(app) -> int:
    return app.extensions["forum_test_smtp_port"]


@pytest.fixture(autouse=True)
def _remember_port(app, smtp_server):
    app.extensions["forum_test_smtp_port"] = smtp_server[1]


def _manage_session(app, email: str, smtp):
    browser = app.test_client()
    token = csrf_token(browser, "/manage")
    page = browser.post("/manage", data={"csrf_token": token, "email": email})
    assert page.status_code == 200 and "Check your e-mail" in page.text
    drain(app)
    message = smtp.to(email)[-1]
    link = link_in(message, "/manage/")
    return browser, link


def test_manage_link_works_once_and_lists_the_comments(app, client, smtp):
    cid = comment_id(post_comment(client, author_email="me@example.org", body="Mine"))
    comment_id(post_comment(app.test_client(), author_email="other@example.org", body="Not mine"))
    browser, link = _manage_session(app, "me@example.org", smtp)
    page = browser.get(link, follow_redirects=True)
    assert page.status_code == 200
    assert "Mine" in page.text and "Not mine" not in page.text
    assert f"/manage/comments/{cid}/edit" in page.text
    assert app.test_client().get(link).status_code == 404  # single use


def test_manage_form_reveals_nothing_about_an_address(app, client, smtp):
    known = app.test_client()
    post_comment(client, author_email="known@example.org")
    a = known.post(
        "/manage", data={"csrf_token": csrf_token(known, "/manage"), "email": "known@example.org"}
    )
    b = known.post(
        "/manage", data={"csrf_token": csrf_token(known, "/manage"), "email": "nobody@example.org"}
    )
    assert a.status_code == b.status_code == 200
    strip = lambda html: re.sub(r'value="[^"]*"', "", html)  # noqa: E731
    assert strip(a.text) == strip(b.text)
    drain(app)
    assert smtp.to("nobody@example.org") == []


def test_author_edits_within_fifteen_minutes_and_it_goes_back_to_review(
    app, client, mod_client, smtp
):
    cid = comment_id(post_comment(client, author_email="ed@example.org", body="Typo hre"))
    moderate(mod_client, cid, "approve")
    browser, link = _manage_session(app, "ed@example.org", smtp)
    browser.get(link)
    edit = f"/manage/comments/{cid}/edit"
    token = csrf_token(browser, edit)
    assert browser.post(edit, data={"csrf_token": token, "body": "Typo here"}).status_code == 302
    with app.app_context():
        comment = db.session.get(Comment, cid)
        assert comment.body == "Typo here" and comment.status is CommentStatus.PENDING
        comment.created_at = utcnow() - timedelta(minutes=16)
        db.session.commit()
    late = browser.post(edit, data={"csrf_token": token, "body": "Too late"}, follow_redirects=True)
    assert "only in the first 15 minutes" in late.text


def test_author_deletes_and_replies_keep_their_context(app, client, mod_client, smtp):
    parent = comment_id(post_comment(client, author_email="del@example.org", body="Delete me"))
    moderate(mod_client, parent, "approve")
    reply = comment_id(
        post_comment(
            app.test_client(), reply_to=parent, author_email="r@example.org", body="A reply"
        )
    )
    moderate(mod_client, reply, "approve")
    browser, link = _manage_session(app, "del@example.org", smtp)
    browser.get(link)
    token = csrf_token(browser, "/manage/comments")
    browser.post(f"/manage/comments/{parent}/delete", data={"csrf_token": token})
    html = app.test_client().get(ARTICLE).text
    assert "Comment removed by its author." in html
    assert "Delete me" not in html and "A reply" in html


def test_export_has_everything_about_the_person_and_nothing_else(app, client, smtp):
    post_comment(client, author_email="ex@example.org", body="My data")
    post_comment(app.test_client(), author_email="someone@example.org", body="Not theirs")
    browser, link = _manage_session(app, "ex@example.org", smtp)
    browser.get(link)
    data = json.loads(browser.get("/manage/export.json").text)
    assert data["email"] == "ex@example.org"
    assert [c["body"] for c in data["comments"]] == ["My data"]
    assert "someone@example.org" not in json.dumps(data)
    assert app.test_client().get("/manage/export.json").status_code == 403


def test_stop_all_email_from_the_manage_page(app, client, mod_client, smtp):
    cid = comment_id(post_comment(client, author_email="stop@example.org", notify_on_publish="y"))
    browser, link = _manage_session(app, "stop@example.org", smtp)
    browser.get(link)
    browser.post(
        "/manage/stop-emails", data={"csrf_token": csrf_token(browser, "/manage/comments")}
    )
    before = len(smtp.to("stop@example.org"))
    moderate(mod_client, cid, "approve")
    drain(app)
    assert len(smtp.to("stop@example.org")) == before


def test_name_and_email_are_kept_in_the_browser_only_when_asked(app, client):
    post_comment(client, author_email="forget@example.org", body="one")
    assert "forget@example.org" not in client.get(ARTICLE).text
    post_comment(client, author_email="keep@example.org", body="two", remember_me="y")
    page = client.get(ARTICLE).text
    assert 'value="keep@example.org"' in page


def test_identicons_are_made_here_from_a_keyed_hash(app, client, mod_client):
    import hashlib

    cid = comment_id(post_comment(client, author_email="face@example.org"))
    moderate(mod_client, cid, "approve")
    html = app.test_client().get(ARTICLE).text
    assert '<svg class="avatar"' in html
    assert "gravatar" not in html.lower()
    assert hashlib.md5(b"face@example.org").hexdigest() not in html  # noqa: S324
    assert hashlib.sha256(b"face@example.org").hexdigest() not in html


def test_purge_erases_old_ips_and_deletes_old_spam(app, client, mod_client):
    keep = comment_id(post_comment(client, author_email="k@example.org"))
    old = comment_id(post_comment(app.test_client(), author_email="o@example.org", body="old"))
    spam = comment_id(post_comment(app.test_client(), author_email="s@example.org", body="spam"))
    moderate(mod_client, keep, "approve")
    moderate(mod_client, old, "approve")
    moderate(mod_client, spam, "spam")
    with app.app_context():
        for cid in (old, spam):
            db.session.get(Comment, cid).decided_at = utcnow() - timedelta(days=31)
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["forum", "purge"])
    assert (
        "IP addresses erased from 2 comment(s); 1 spam or rejected comment(s) deleted"
        in result.output
    )
    with app.app_context():
        assert db.session.get(Comment, old).ip is None
        assert db.session.get(Comment, keep).ip is not None
        assert db.session.get(Comment, spam) is None


def test_privacy_page_is_linked_from_the_form(client):
    html = client.get(ARTICLE).text
    assert 'href="/privacy"' in html
    page = client.get("/privacy").text
    assert "30 days" in page and "Gravatar" in page


def test_workers_draining_the_outbox_at_once_send_each_message_once(app, client, moderator, smtp):
    """Every post starts a drain in its worker; however many run at once, one e-mail each."""
    held = [
        comment_id(post_comment(client, author_email=f"many{n}@example.org", body=f"Note {n}"))
        for n in range(12)
    ]
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            drain(app)
        except BaseException as error:  # reported by the assertion below
            errors.append(error)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    # Held before one round: one message sums them all up, and each is in it once.
    (notice,) = smtp.to("mod@forum.test")
    assert notice["Subject"] == f"{len(held)} comments waiting for review"
    text = body_of(notice)
    quoted = re.findall(r"^> Note (\d+)\s*$", text, re.MULTILINE)
    assert sorted(map(int, quoted)) == list(range(len(held)))
    assert len(re.findall(r"/moderation/decide/", text)) == 2 * len(held)
    with app.app_context():
        unsent = db.session.scalar(
            select(func.count(OutboxMessage.id)).where(OutboxMessage.sent_at.is_(None))
        )
        assert unsent == 0
