"""Signing in and out as a moderator."""

from __future__ import annotations

import pytest

from tests.helpers import MODERATOR_EMAIL, MODERATOR_PASSWORD, csrf_token, sign_in


def test_sign_in_with_a_wrong_password_or_unknown_account_says_the_same(client, moderator):
    wrong = sign_in(client, password="not the password")
    unknown = sign_in(client, email="nobody@forum.test")
    assert wrong.status_code == unknown.status_code == 401
    message = "That e-mail and password do not match a moderator account."
    assert message in wrong.text and message in unknown.text
    assert client.get("/moderation/").status_code == 302


def test_sign_in_is_case_insensitive_for_the_email(client, moderator):
    response = sign_in(client, email=MODERATOR_EMAIL.upper())
    assert response.status_code == 302
    assert client.get("/moderation/").status_code == 200


def test_sign_in_follows_a_local_next(client, moderator):
    token = csrf_token(client, "/login?next=/moderation/?status=spam")
    response = client.post(
        "/login",
        data={
            "csrf_token": token,
            "email": MODERATOR_EMAIL,
            "password": MODERATOR_PASSWORD,
            "next": "/moderation/?status=spam",
        },
    )
    assert response.headers["Location"] == "/moderation/?status=spam"


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example",
        "\\\\evil.example",
        "javascript:alert(1)",
        "http:/evil.example",
        "/%0d%0aSet-Cookie:x=y",
        " //evil.example",
    ],
)
def test_sign_in_never_follows_next_off_site(client, moderator, target):
    token = csrf_token(client, "/login")
    response = client.post(
        "/login",
        data={
            "csrf_token": token,
            "email": MODERATOR_EMAIL,
            "password": MODERATOR_PASSWORD,
            "next": target,
        },
    )
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location.startswith("/") and not location.startswith(("//", "/\\"))
    assert "evil" not in location.split("?")[0] or location.startswith("/%0d")


def test_sign_in_renews_the_session(client, moderator):
    client.get("/login")
    before = client.get_cookie("session").value
    sign_in(client)
    after = client.get_cookie("session").value
    assert before != after


def test_sign_out_needs_a_post_with_csrf(client, moderator):
    sign_in(client)
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 400
    assert client.get("/moderation/").status_code == 200
    token = csrf_token(client, "/moderation/")
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/moderation/").status_code == 302


def test_session_cookie_flags(client, moderator):
    response = sign_in(client)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_inactive_moderator_cannot_sign_in(app, client, moderator):
    from forum.extensions import db
    from forum.models import Moderator

    with app.app_context():
        db.session.get(Moderator, moderator).active = False
        db.session.commit()
    assert sign_in(client).status_code == 401


def test_ten_failures_lock_the_account_for_fifteen_minutes_saying_nothing_new(app, moderator):
    from datetime import timedelta

    from forum.extensions import db
    from forum.models import Moderator, utcnow

    client = app.test_client()
    for _ in range(10):
        assert sign_in(client, password="wrong password").status_code == 401
    locked = sign_in(client)  # the right password, during the lock
    assert locked.status_code == 401
    assert "That e-mail and password do not match a moderator account." in locked.text
    with app.app_context():
        account = db.session.get(Moderator, moderator)
        assert timedelta(minutes=14) < account.locked_until - utcnow() <= timedelta(minutes=15)
        account.locked_until = utcnow() - timedelta(seconds=1)  # fifteen minutes later
        db.session.commit()
    assert sign_in(client).status_code == 302


def test_failures_spread_over_more_than_fifteen_minutes_do_not_lock(app, moderator):
    from datetime import timedelta

    from forum.extensions import db
    from forum.models import Moderator

    client = app.test_client()
    for _ in range(9):
        sign_in(client, password="wrong password")
    with app.app_context():
        account = db.session.get(Moderator, moderator)
        account.failed_logins_since -= timedelta(minutes=16)
        db.session.commit()
    sign_in(client, password="wrong password")
    assert sign_in(client).status_code == 302
