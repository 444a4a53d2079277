"""The contract's rules for the comment form: CSRF, sizes, timing, flooding and odd input."""

from __future__ import annotations

import time

import pytest
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from sqlalchemy import func, select

from forum.extensions import db
from forum.forgery import make_form_token
from forum.models import Comment, CommentStatus
from tests.helpers import comment_form, comment_id, post_comment


def count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Comment.id)))


def test_post_without_csrf_token_is_refused_keeps_text_and_stores_nothing(app, client):
    before = count(app)
    data = comment_form(client)
    data.pop("csrf_token")
    data.update(author_name="Ann", author_email="ann@example.org", body="Words I typed")
    response = client.post("/articles/ivig-for-lupus/comments", data=data)
    assert response.status_code == 400
    assert "Words I typed" in response.text
    assert 'value="Ann"' in response.text
    assert "could not be verified" in response.text
    assert count(app) == before


def test_post_with_a_forged_csrf_token_is_refused(app, client):
    before = count(app)
    response = post_comment(client, csrf_token="forged")
    assert response.status_code == 400
    assert count(app) == before


def test_a_token_for_another_article_is_refused(app, client):
    data = comment_form(client)
    with app.app_context():
        data["csrf_token"] = make_form_token(9999, int(time.time()), shared=False)
    data.update(author_name="A", author_email="a@example.org", body="Sent to the wrong page")
    response = client.post("/articles/ivig-for-lupus/comments", data=data)
    assert response.status_code == 400
    assert "Sent to the wrong page" in response.text


def test_oversized_request_gets_413_and_stores_nothing(app, client):
    before = count(app)
    response = post_comment(client, body="x" * 300_000)
    assert response.status_code == 413
    assert "larger than this forum accepts" in response.text
    assert count(app) == before


def test_body_over_5000_characters_is_refused_with_text_kept(app, client):
    response = post_comment(client, body="é" * 5001)
    assert response.status_code == 422
    assert "Please keep your comment under 5,000 characters." in response.text
    assert "é" * 5001 in response.text
    assert post_comment(client, body="é" * 5000).status_code == 302


def test_name_is_trimmed_and_limited_to_80_characters(app, client):
    assert post_comment(client, author_name="n" * 81).status_code == 422
    cid = comment_id(post_comment(client, author_name="  " + "n" * 80 + "  "))
    with app.app_context():
        assert db.session.get(Comment, cid).author_name == "n" * 80


@pytest.mark.parametrize(
    "website",
    ["javascript:alert(1)", "ftp://example.org", "data:text/html,x", "example", "http://"],
)
def test_website_must_be_http_or_https(client, website):
    response = post_comment(client, website=website)
    assert response.status_code == 422
    assert "web address" in response.text


def test_website_is_published_as_a_nofollow_ugc_link(app, client, mod_client):
    from tests.helpers import moderate

    cid = comment_id(post_comment(client, website="https://ann.example.org/blog"))
    moderate(mod_client, cid, "approve")
    html = app.test_client().get("/articles/ivig-for-lupus").text
    assert '<a href="https://ann.example.org/blog" rel="nofollow ugc noopener">' in html


@pytest.mark.parametrize(
    "body",
    [
        "nul\x00byte",
        "bidi \u202e override",
        "control \x07\x1b chars",
        "zero\u200bwidth",
        "\r\n\r\n",
        "😀" * 100,
    ],
)
def test_odd_characters_never_cause_a_500(client, body):
    response = post_comment(client, body=body, author_name=f"N{body}")
    assert response.status_code in (302, 422)


def test_invalid_utf8_is_not_a_500(client):
    data = comment_form(client)
    raw = "&".join(f"{k}={v}" for k, v in data.items()).encode()
    # Not UTF-8 at all, a truncated sequence, and an encoded lone surrogate.
    raw += b"&author_name=%FF%FE&author_email=a%40example.org&body=%C3%28%ED%A0%80"
    response = client.post(
        "/articles/ivig-for-lupus/comments",
        data=raw,
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code in (302, 400, 422)


def test_control_characters_are_removed_before_storing(app, client):
    cid = comment_id(post_comment(client, body="a\x00b\u202ec\x07d"))
    with app.app_context():
        assert db.session.get(Comment, cid).body == "abcd"


@pytest.mark.parametrize("app_config", [{"FORUM_MIN_FORM_SECONDS": 3}])
def test_a_form_sent_back_too_fast_is_spam_but_the_bot_is_not_told(app, client):
    cid = comment_id(post_comment(client, body="Buy now"))
    with app.app_context():
        comment = db.session.get(Comment, cid)
        assert comment.status is CommentStatus.SPAM
        assert "after the form was served" in comment.screening_reasons
    assert "awaiting moderation" in client.get("/articles/ivig-for-lupus").text


@pytest.mark.parametrize("app_config", [{"FORUM_MIN_FORM_SECONDS": 1}])
def test_a_person_who_takes_their_time_is_not_spam(app, client):
    data = comment_form(client)
    time.sleep(1.1)
    data.update(author_name="Ann", author_email="ann@example.org", body="Thoughtful words")
    cid = comment_id(client.post("/articles/ivig-for-lupus/comments", data=data))
    with app.app_context():
        assert db.session.get(Comment, cid).status is CommentStatus.PENDING


@pytest.mark.parametrize("app_config", [{"FORUM_MIN_FORM_SECONDS": 1}])
def test_fixing_a_mistake_keeps_the_first_start_time(app, client):
    data = comment_form(client)
    time.sleep(1.1)
    data.update(author_name="", author_email="ann@example.org", body="Typed once")
    again = client.post("/articles/ivig-for-lupus/comments", data=data)
    assert again.status_code == 422
    from tests.helpers import form_fields

    data = form_fields(again.text, "/ivig-for-lupus/comments")  # the new page's hidden fields
    data.update(author_name="Ann", author_email="ann@example.org", body="Typed once")
    cid = comment_id(client.post("/articles/ivig-for-lupus/comments", data=data))
    with app.app_context():
        assert db.session.get(Comment, cid).status is CommentStatus.PENDING


def test_an_expired_form_is_refused_with_the_text_kept(app, client):
    class Yesterday(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(time.time()) - 25 * 3600

    old = URLSafeTimedSerializer(
        app.config["SECRET_KEY"], salt="comment-form-started", signer=Yesterday
    ).dumps(1)
    before = count(app)
    response = post_comment(client, form_started=old, body="My long story")
    assert response.status_code == 400
    assert "This form expired; your comment is kept below, please send it again." in response.text
    assert "My long story" in response.text
    assert count(app) == before


def test_a_form_with_an_altered_start_time_is_held_with_a_reason(app, client):
    cid = comment_id(post_comment(client, form_started="WzFd.forged"))
    with app.app_context():
        comment = db.session.get(Comment, cid)
        assert comment.status is CommentStatus.PENDING
        assert "start time" in comment.screening_reasons


@pytest.mark.parametrize("app_config", [{"FORUM_FLOOD_SECONDS": 15}])
def test_flooding_from_one_ip_or_email_gets_429_with_text_kept(app, client):
    assert post_comment(client, body="first").status_code == 302
    second = post_comment(client, author_email="other@example.org", body="second, same IP")
    assert second.status_code == 429
    assert "Please wait" in second.text and "second, same IP" in second.text
    other_ip = app.test_client()
    data = comment_form(other_ip)
    data.update(author_name="Ann", author_email="ann@patients.test", body="same e-mail")
    third = other_ip.post(
        "/articles/ivig-for-lupus/comments", data=data, environ_base={"REMOTE_ADDR": "10.9.9.9"}
    )
    assert third.status_code == 429
    data.update(author_email="third@example.org")
    fourth = other_ip.post(
        "/articles/ivig-for-lupus/comments", data=data, environ_base={"REMOTE_ADDR": "10.9.9.9"}
    )
    assert fourth.status_code == 302


@pytest.mark.parametrize("app_config", [{"FORUM_FLOOD_SECONDS": 15}])
def test_the_same_form_sent_again_within_the_flood_time_gets_429(app, client):
    """The contract's 429 holds for the very same form too (a resend is recognised only
    once the flood time has passed), and the comment is stored once."""
    form = comment_form(client)
    form.update(author_name="Ann", author_email="ann@patients.test", body="Sent, then again")
    assert client.post("/articles/ivig-for-lupus/comments", data=form).status_code == 302
    again = client.post("/articles/ivig-for-lupus/comments", data=form)
    assert again.status_code == 429 and "Sent, then again" in again.text
    with app.app_context():
        assert (
            db.session.scalar(
                select(func.count(Comment.id)).where(Comment.body == "Sent, then again")
            )
            == 1
        )


def test_every_response_carries_the_security_headers(client):
    for path in ("/", "/articles/ivig-for-lupus", "/feed.rss", "/nope", "/login"):
        headers = client.get(path).headers
        csp = headers["Content-Security-Policy"]
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
        assert "frame-ancestors 'none'" in csp
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
        assert "camera=()" in headers["Permissions-Policy"]


def test_unknown_article_is_404_for_page_and_post(client):
    assert client.get("/articles/nope").status_code == 404
    data = comment_form(client)
    assert client.post("/articles/nope/comments", data=data).status_code == 404


def test_forwarded_for_is_ignored_without_a_trusted_proxy(app, client):
    cid = comment_id(post_comment_from(client, "198.51.100.7", forwarded="203.0.113.5"))
    with app.app_context():
        assert db.session.get(Comment, cid).ip == "198.51.100.7"


@pytest.mark.parametrize("app_config", [{"FORUM_TRUSTED_PROXIES": 1}])
def test_forwarded_for_is_believed_from_one_trusted_proxy(app, client):
    cid = comment_id(post_comment_from(client, "127.0.0.1", forwarded="203.0.113.5"))
    with app.app_context():
        assert db.session.get(Comment, cid).ip == "203.0.113.5"


def post_comment_from(client, remote: str, forwarded: str):
    data = comment_form(client)
    data.update(author_name="Proxy", author_email="proxy@example.org", body="Behind a proxy")
    return client.post(
        "/articles/ivig-for-lupus/comments",
        data=data,
        environ_base={"REMOTE_ADDR": remote},
        headers={"X-Forwarded-For": forwarded},
    )
