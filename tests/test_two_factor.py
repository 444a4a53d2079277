"""Two-factor sign-in: set-up, the code step, recovery codes, replay, lockout, the admin
setting that requires it, and removing it."""

from __future__ import annotations

import re
import time

import pyotp
import pytest
from sqlalchemy import select

from forum.extensions import db
from forum.models import ModerationEvent, Moderator, ModeratorRole
from tests.helpers import (
    MODERATOR_EMAIL,
    MODERATOR_PASSWORD,
    add_moderator,
    csrf_token,
    form_fields,
    sign_in,
)


def code_at(secret: str, steps_ahead: int = 0) -> str:
    return pyotp.TOTP(secret).at(time.time() + 30 * steps_ahead)


def set_up(client) -> tuple[str, list[str]]:
    """Turn two-factor on from the account page; (secret, recovery codes)."""
    page = client.get("/moderation/account/two-factor")
    assert page.status_code == 200
    assert "<svg" in page.text and "<title>QR code for your app</title>" in page.text
    secret = re.search(r'<code id="totp-secret">([A-Z2-7]+)</code>', page.text).group(1)
    data = form_fields(page.text, "/moderation/account/two-factor")
    assert data["secret"] == secret
    wrong = client.post(
        "/moderation/account/two-factor",
        data={**data, "current": MODERATOR_PASSWORD, "code": "000000"},
    )
    assert wrong.status_code == 422 and "does not match" in wrong.text
    done = client.post(
        "/moderation/account/two-factor",
        data={**data, "current": MODERATOR_PASSWORD, "code": code_at(secret)},
    )
    assert done.status_code == 200 and done.headers["Cache-Control"] == "no-store"
    codes = re.findall(r"<code>([0-9a-f]{5}-[0-9a-f]{5})</code>", done.text)
    assert len(codes) == 10 == len(set(codes))
    return secret, codes


def send_code(client, code: str):
    return client.post("/login/code", data={"csrf_token": csrf_token(client, "/login/code"),
                                            "code": code})  # fmt: skip


def test_set_up_stores_the_secret_and_only_hashes_of_the_recovery_codes(app, mod_client, moderator):
    secret, codes = set_up(mod_client)
    with app.app_context():
        account = db.session.get(Moderator, moderator)
        assert account.totp_secret == secret
        assert all(code not in account.recovery_codes for code in codes)
        actions = db.session.scalars(select(ModerationEvent.action)).all()
        assert "two-factor-on" in actions
    assert ">on<" in mod_client.get("/moderation/team").text
    # Set up once: the set-up page leads back to the account page, which offers removal.
    again = mod_client.get("/moderation/account/two-factor")
    assert again.status_code == 302 and again.headers["Location"] == "/moderation/account"


def test_sign_in_takes_two_steps_and_a_code_works_once(app, mod_client, moderator):
    secret, _ = set_up(mod_client)
    client = app.test_client()
    first = sign_in(client)
    assert first.status_code == 302 and first.headers["Location"] == "/login/code"
    assert client.get("/moderation/").status_code == 302  # not yet signed in
    code = code_at(secret, 1)  # the set-up spent the current step's code
    assert send_code(client, code).status_code == 302
    assert client.get("/moderation/").status_code == 200

    again = app.test_client()
    assert sign_in(again).status_code == 302
    replayed = send_code(again, code)
    assert replayed.status_code == 401 and "already used" in replayed.text
    assert send_code(again, code_at(secret)).status_code == 401  # older than the last one


def test_a_recovery_code_signs_in_once(app, mod_client, moderator):
    _, codes = set_up(mod_client)
    client = app.test_client()
    sign_in(client)
    assert send_code(client, codes[0].upper()).status_code == 302
    assert "9 unused recovery code(s) left" in client.get("/moderation/account").text
    other = app.test_client()
    sign_in(other)
    assert send_code(other, codes[0]).status_code == 401
    with app.app_context():
        (used,) = db.session.scalars(
            select(ModerationEvent).where(ModerationEvent.action == "recovery-code-used")
        ).all()
        assert used.target_moderator_id == moderator and "9 left" in used.reason


def test_wrong_codes_count_towards_the_lockout(app, mod_client, moderator):
    secret, _ = set_up(mod_client)
    client = app.test_client()
    sign_in(client)
    for _ in range(10):
        assert send_code(client, "123456").status_code == 401
    assert send_code(client, code_at(secret, 1)).status_code == 401  # locked
    with app.app_context():
        assert db.session.get(Moderator, moderator).locked_until is not None
    assert sign_in(app.test_client()).status_code == 401  # the password step too


def test_the_code_step_expires_and_needs_the_password_step(app, client, moderator):
    assert client.get("/login/code").headers["Location"] == "/login"
    with client.session_transaction() as session:
        session["pending_sign_in"] = {"id": moderator, "at": time.time() - 600, "next": ""}
    assert client.get("/login/code").headers["Location"] == "/login"


def test_removing_two_factor_needs_the_password_and_a_current_code(app, mod_client, moderator):
    secret, _ = set_up(mod_client)
    token = csrf_token(mod_client, "/moderation/account")

    def remove(current: str, code: str):
        return mod_client.post(
            "/moderation/account/two-factor/remove",
            data={"csrf_token": token, "current": current, "code": code},
        )

    assert remove(MODERATOR_PASSWORD, "000000").status_code == 422
    assert remove("wrong password", code_at(secret, 1)).status_code == 422
    assert remove(MODERATOR_PASSWORD, code_at(secret, 1)).status_code == 302
    with app.app_context():
        account = db.session.get(Moderator, moderator)
        assert account.totp_secret is None and account.recovery_codes == ""
    assert sign_in(app.test_client()).headers["Location"] == "/moderation/"


def test_new_recovery_codes_replace_the_old_ones(app, mod_client, moderator):
    _, old = set_up(mod_client)
    token = csrf_token(mod_client, "/moderation/account")
    made = mod_client.post(
        "/moderation/account/recovery-codes",
        data={"csrf_token": token, "current": MODERATOR_PASSWORD},
    )
    new = re.findall(r"<code>([0-9a-f]{5}-[0-9a-f]{5})</code>", made.text)
    assert len(new) == 10 and not set(new) & set(old)
    client = app.test_client()
    sign_in(client)
    assert send_code(client, old[0]).status_code == 401
    assert send_code(client, new[0]).status_code == 302


@pytest.fixture
def required(app, mod_client):
    """The admin turns on "Two-factor required for everyone"."""
    page = mod_client.get("/moderation/settings").text
    assert "Two-factor required for everyone" in page
    data = form_fields(page, "/moderation/settings")
    data["two_factor_required"] = "y"
    assert mod_client.post("/moderation/settings", data=data).status_code == 302


def test_required_two_factor_makes_accounts_enrol_before_any_queue(app, required):
    add_moderator(app, "kim@forum.test", "violet kettle under the orchard", ModeratorRole.MODERATOR)
    client = app.test_client()
    assert sign_in(client, "kim@forum.test", "violet kettle under the orchard").status_code == 302
    for path in ("/moderation/", "/moderation/log", "/moderation/comments/1"):
        assert client.get(path).headers["Location"] == "/moderation/account/two-factor"
    page = client.get("/moderation/account/two-factor")
    assert "required for everyone" in page.text
    with app.app_context():
        actions = db.session.scalars(select(ModerationEvent.action)).all()
        assert "two-factor-required" in actions


def test_required_two_factor_cannot_be_removed(app, mod_client, moderator):
    secret, _ = set_up(mod_client)
    data = form_fields(mod_client.get("/moderation/settings").text, "/moderation/settings")
    mod_client.post("/moderation/settings", data={**data, "two_factor_required": "y"})
    token = csrf_token(mod_client, "/moderation/account")
    mod_client.post(
        "/moderation/account/two-factor/remove",
        data={"csrf_token": token, "current": MODERATOR_PASSWORD, "code": code_at(secret, 1)},
    )
    with app.app_context():
        assert db.session.get(Moderator, moderator).totp_secret == secret


def test_an_account_with_two_factor_may_use_a_shorter_password(app, mod_client):
    set_up(mod_client)
    token = csrf_token(mod_client, "/moderation/account")
    changed = mod_client.post(
        "/moderation/account/password",
        data={"csrf_token": token, "current": MODERATOR_PASSWORD, "password": "Kx9#mVq2pL",
              "confirm": "Kx9#mVq2pL"},
    )  # fmt: skip
    assert changed.status_code == 302
    assert MODERATOR_EMAIL  # the same account signs in with it below
    client = app.test_client()
    assert sign_in(client, password="Kx9#mVq2pL").headers["Location"] == "/login/code"


def test_the_shell_can_remove_two_factor_when_phone_and_codes_are_lost(app, mod_client, moderator):
    set_up(mod_client)
    result = app.test_cli_runner().invoke(args=["forum", "remove-two-factor", MODERATOR_EMAIL])
    assert result.exit_code == 0, result.output
    assert mod_client.get("/moderation/").status_code == 302  # its sessions ended
    assert sign_in(app.test_client()).headers["Location"] == "/moderation/"


@pytest.mark.parametrize("code", ["١٢٣٤٥٦", "12345６", "<script>", "x" * 40, " 1 2 3 "])
def test_odd_codes_are_refused_not_errors(app, mod_client, code):
    set_up(mod_client)
    client = app.test_client()
    sign_in(client)
    assert send_code(client, code).status_code == 401


def test_a_tampered_secret_in_the_set_up_form_gets_a_new_one(app, mod_client):
    page = mod_client.get("/moderation/account/two-factor").text
    data = form_fields(page, "/moderation/account/two-factor")
    data.update(secret="0" * 32, current=MODERATOR_PASSWORD, code="123456")
    again = mod_client.post("/moderation/account/two-factor", data=data)
    assert again.status_code == 422
    assert '<code id="totp-secret">' + "0" * 32 not in again.text


def test_required_two_factor_makes_emailed_decision_links_ask_for_sign_in(
    app, client, mod_client, moderator, required
):
    """A link in a mailbox is not a second factor: the moderator signs in, then decides."""
    from forum.mail import make_token
    from forum.models import Comment, CommentStatus
    from tests.helpers import comment_id, post_as_newcomer

    cid = comment_id(post_as_newcomer(client, body="Please check this one"))
    with app.test_request_context():
        link = "/moderation/decide/" + make_token(
            "decide", comment=cid, action="approve", moderator=moderator
        )
    stranger = app.test_client()
    answer = stranger.get(link)
    assert answer.status_code == 302 and answer.headers["Location"].startswith("/login")
    assert "Please check" not in stranger.get(link, follow_redirects=True).text
    # The moderator the link was sent to, signed in, still acts with one button.
    page = mod_client.get(link)
    if page.status_code == 302:  # sent to set up two-factor first: the rule holds for them too
        assert page.headers["Location"] == "/moderation/account/two-factor"
        set_up(mod_client)
        page = mod_client.get(link)
    assert page.status_code == 200 and "Approve this comment?" in page.text
    token = csrf_token(mod_client, link)
    assert mod_client.post(link, data={"csrf_token": token}).status_code == 200
    with app.app_context():
        assert db.session.get(Comment, cid).status is CommentStatus.APPROVED
