"""Moderators' accounts: roles, the team, invitations, password reset, passwords, sessions."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from werkzeug.security import generate_password_hash

from forum.extensions import db
from forum.models import ModerationEvent, Moderator, ModeratorRole
from tests.helpers import (
    MODERATOR_EMAIL,
    MODERATOR_PASSWORD,
    add_moderator,
    csrf_token,
    drain,
    form_fields,
    link_in,
    sign_in,
)

GOOD_PASSWORD = "violet kettle under the orchard"
MOD_EMAIL = "sam@forum.test"


@pytest.fixture
def app_config(mail_config):
    return mail_config


def post(client, path: str, page: str | None = None, **data):
    return client.post(path, data={"csrf_token": csrf_token(client, page or path), **data})


def events(app, action: str) -> list[ModerationEvent]:
    with app.app_context():
        found = db.session.scalars(
            select(ModerationEvent).where(ModerationEvent.action == action)
        ).all()
        db.session.expunge_all()
        return list(found)


def invitation_link(app, mod_client, smtp, email: str, role: str = "moderator") -> str:
    """Invite `email` from the team page; the /join/ link of the mail it gets."""
    post(mod_client, "/moderation/team/invite", "/moderation/team", email=email, role=role)
    drain(app)
    return link_in(smtp.to(email)[0], "/join/")


def signed_in_moderator(app):
    """A second account with the moderator role, signed in: (client, id)."""
    account = add_moderator(app, MOD_EMAIL, GOOD_PASSWORD, ModeratorRole.MODERATOR)
    client = app.test_client()
    assert sign_in(client, MOD_EMAIL, GOOD_PASSWORD).status_code == 302
    return client, account


# --- Roles ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["/moderation/team", "/moderation/settings", "/moderation/articles"]
)
def test_a_moderator_gets_403_with_a_plain_explanation_on_admin_pages(app, mod_client, path):
    client, _ = signed_in_moderator(app)
    assert client.get("/moderation/").status_code == 200
    refused = client.get(path)
    assert refused.status_code == 403
    assert "for the forum’s admins" in refused.text and "ask an admin" in refused.text
    assert mod_client.get(path).status_code == 200  # the admin


def test_a_moderator_cannot_block_or_change_settings_by_post(app, mod_client):
    client, _ = signed_in_moderator(app)
    token = csrf_token(client, "/moderation/")
    assert client.post("/moderation/settings", data={"csrf_token": token}).status_code == 403
    assert client.post("/moderation/blocks/1/lift", data={"csrf_token": token}).status_code == 403
    queue = client.get("/moderation/").text
    assert "/moderation/team" not in queue and "/moderation/settings" not in queue


# --- The team and invitations -----------------------------------------------------------


def test_the_team_lists_roles_last_sign_in_and_two_factor(app, mod_client):
    signed_in_moderator(app)
    page = mod_client.get("/moderation/team").text
    assert MODERATOR_EMAIL in page and MOD_EMAIL in page
    assert page.count('<option selected value="admin">') == 1
    # One account each, and the invitation form's default.
    assert page.count('<option selected value="moderator">') == 2
    assert "never" not in page  # both signed in
    assert ">off<" in page


def test_an_invitation_works_once_through_a_form_and_joins_with_its_role(app, mod_client, smtp):
    sent = post(mod_client, "/moderation/team/invite", "/moderation/team",
                email="New.Person@forum.test", role="moderator")  # fmt: skip
    assert sent.status_code == 302
    drain(app)
    (message,) = smtp.to("new.person@forum.test")
    link = link_in(message, "/join/")
    assert "7 days" in message.get_content()

    visitor = app.test_client()
    for _ in range(2):  # a mail scanner's GET spends nothing
        shown = visitor.get(link)
        assert shown.status_code == 200 and "new.person@forum.test" in shown.text
    weak = post(visitor, link, name="Nia", password="password1", confirm="password1")
    assert weak.status_code == 422 and "at least 15 characters" in weak.text
    joined = post(visitor, link, name="Nia", password=GOOD_PASSWORD, confirm=GOOD_PASSWORD)
    assert joined.status_code == 302
    assert visitor.get("/moderation/").status_code == 200
    assert visitor.get("/moderation/team").status_code == 403  # invited as a moderator
    assert app.test_client().get(link).status_code == 410

    (invite,) = events(app, "invite")
    (join,) = events(app, "join")
    assert "new.person@forum.test as moderator" in invite.reason
    assert join.target_moderator_id == join.moderator_id
    log = mod_client.get("/moderation/log").text
    assert "Invited to the team" in log and "Joined the team" in log


def test_an_invitation_needs_an_address_not_on_the_team_yet(app, mod_client, smtp):
    empty = post(mod_client, "/moderation/team/invite", "/moderation/team", email="", role="admin")
    assert empty.status_code == 422 and "Enter the e-mail address to invite." in empty.text
    taken = post(mod_client, "/moderation/team/invite", "/moderation/team",
                 email=MODERATOR_EMAIL.upper(), role="moderator")  # fmt: skip
    assert taken.status_code == 422 and "already has an account on the team" in taken.text
    assert form_fields(taken.text, "/moderation/team/invite")["email"] == MODERATOR_EMAIL.upper()
    drain(app)
    assert smtp.messages == [] and events(app, "invite") == []


def test_two_passwords_that_differ_are_refused_and_the_link_kept(app, mod_client, smtp):
    link = invitation_link(app, mod_client, smtp, "typo@forum.test")
    visitor = app.test_client()
    refused = post(visitor, link, name="Ola", password=GOOD_PASSWORD, confirm=GOOD_PASSWORD + "!")
    assert refused.status_code == 422 and "The two passwords differ" in refused.text
    assert form_fields(refused.text, link)["name"] == "Ola"  # what was typed stays
    assert post(visitor, link, name="Ola", password=GOOD_PASSWORD,
                confirm=GOOD_PASSWORD).status_code == 302  # fmt: skip
    changed = change_password(mod_client, MODERATOR_PASSWORD, GOOD_PASSWORD)
    assert changed.status_code == 302  # the same twice: accepted
    mistyped = post(mod_client, "/moderation/account/password", "/moderation/account",
                    current=GOOD_PASSWORD, password="a new long passphrase here",
                    confirm="a new long passphrase her")  # fmt: skip
    assert mistyped.status_code == 422 and "The two passwords differ" in mistyped.text


def test_an_invitation_expires(app, mod_client, smtp):
    assert app.config["FORUM_INVITATION_AGE"] == timedelta(days=7)
    link = invitation_link(app, mod_client, smtp, "late@forum.test", role="admin")
    app.config["FORUM_INVITATION_AGE"] = timedelta(seconds=-1)
    assert app.test_client().get(link).status_code == 404
    assert app.test_client().get("/join/not-a-token").status_code == 404


def test_roles_disabling_and_signing_out_from_the_team_page(app, mod_client):
    other, other_id = signed_in_moderator(app)
    base = f"/moderation/team/{other_id}"
    assert post(mod_client, f"{base}/role", "/moderation/team", role="admin").status_code == 302
    assert other.get("/moderation/team").status_code == 200  # the role applies at once
    post(mod_client, f"{base}/sign-out", "/moderation/team")
    assert other.get("/moderation/").status_code == 302  # signed out
    post(mod_client, f"{base}/disable", "/moderation/team")
    assert sign_in(other, MOD_EMAIL, GOOD_PASSWORD).status_code == 401
    post(mod_client, f"{base}/enable", "/moderation/team")
    assert sign_in(other, MOD_EMAIL, GOOD_PASSWORD).status_code == 302
    actions = [e.action for e in events(app, "role") + events(app, "disable")]
    assert actions == ["role", "disable"]
    assert events(app, "sign-out-everywhere")[0].target_moderator_id == other_id


def test_the_last_active_admin_cannot_be_demoted_or_disabled(app, mod_client, moderator):
    page = "/moderation/team"
    demoted = post(mod_client, f"/moderation/team/{moderator}/role", page, role="moderator")
    assert "at least one active admin" in mod_client.get(demoted.headers["Location"]).text
    post(mod_client, f"/moderation/team/{moderator}/disable", page)
    with app.app_context():
        account = db.session.get(Moderator, moderator)
        assert account.role is ModeratorRole.ADMIN and account.active


# --- Password reset ---------------------------------------------------------------------


def test_forgot_password_answers_the_same_whatever_the_address(app, client, moderator, smtp):
    assert "Forgot your password?" in client.get("/login").text
    known = post(client, "/forgot-password", email=MODERATOR_EMAIL)
    unknown = post(client, "/forgot-password", email="nobody@forum.test")
    assert known.status_code == unknown.status_code == 200
    assert known.text.replace(MODERATOR_EMAIL, "X") == unknown.text.replace(
        "nobody@forum.test", "X"
    )
    drain(app)
    assert len(smtp.to(MODERATOR_EMAIL)) == 1 and not smtp.to("nobody@forum.test")


def test_a_reset_link_sets_a_password_once_signs_out_elsewhere_and_tells_the_account(
    app, client, mod_client, moderator, smtp
):
    post(client, "/forgot-password", email=MODERATOR_EMAIL)
    drain(app)
    (message,) = smtp.to(MODERATOR_EMAIL)
    assert "1 hour" in message.get_content() or "60 minutes" in message.get_content()
    link = link_in(message, "/reset-password/")
    assert client.get(link).status_code == 200
    short = post(client, link, password="too short", confirm="too short")
    assert short.status_code == 422
    done = post(client, link, password=GOOD_PASSWORD, confirm=GOOD_PASSWORD)
    assert done.status_code == 302 and done.headers["Location"] == "/login"
    assert mod_client.get("/moderation/").status_code == 302  # the other session ended
    assert client.get(link).status_code == 410
    assert sign_in(app.test_client()).status_code == 401
    assert sign_in(app.test_client(), password=GOOD_PASSWORD).status_code == 302
    drain(app)
    notice = smtp.to(MODERATOR_EMAIL)[-1]
    assert "password was changed" in notice["Subject"].lower()
    assert events(app, "password-reset")[0].target_moderator_id == moderator


def test_a_reset_link_expires_after_an_hour(app, client, moderator, smtp):
    assert app.config["FORUM_RESET_LINK_AGE"] == timedelta(hours=1)
    post(client, "/forgot-password", email=MODERATOR_EMAIL)
    drain(app)
    link = link_in(smtp.to(MODERATOR_EMAIL)[0], "/reset-password/")
    app.config["FORUM_RESET_LINK_AGE"] = timedelta(seconds=-1)
    assert client.get(link).status_code == 404


# --- Passwords --------------------------------------------------------------------------


def change_password(client, current: str, new: str):
    return post(client, "/moderation/account/password", "/moderation/account",
                current=current, password=new, confirm=new)  # fmt: skip


@pytest.mark.parametrize(
    ("new", "why"),
    [
        ("fourteen chars", "at least 15 characters"),
        ("passwordpassword", "too easy to guess"),
        ("ivig forum ivig forum", "too easy to guess"),
        ("a" * 201, "at most 200"),
    ],
)
def test_weak_passwords_are_refused(app, mod_client, new, why):
    refused = change_password(mod_client, MODERATOR_PASSWORD, new)
    assert refused.status_code == 422 and why in refused.text


def test_any_printable_characters_and_spaces_make_a_password(app, mod_client, smtp):
    new = "  Ünïcode — spaces & symbols <ok> 🙂 "
    assert change_password(mod_client, MODERATOR_PASSWORD, new).status_code == 302
    assert mod_client.get("/moderation/").status_code == 200  # this session stays
    assert sign_in(app.test_client(), password=new).status_code == 302
    drain(app)
    assert "password was changed" in smtp.to(MODERATOR_EMAIL)[-1]["Subject"].lower()


def test_changing_the_password_needs_the_current_one(app, mod_client):
    refused = change_password(mod_client, "not my password", GOOD_PASSWORD)
    assert refused.status_code == 422 and "not your current password" in refused.text


def test_an_older_hash_becomes_argon2id_at_sign_in(app, client, moderator):
    with app.app_context():
        db.session.get(Moderator, moderator).password_hash = generate_password_hash(
            MODERATOR_PASSWORD
        )
        db.session.commit()
    assert sign_in(client).status_code == 302
    with app.app_context():
        assert db.session.get(Moderator, moderator).password_hash.startswith("$argon2id$")


# --- Sessions ---------------------------------------------------------------------------


def test_sign_out_everywhere_keeps_only_this_session(app, mod_client):
    other = app.test_client()
    assert sign_in(other).status_code == 302
    post(mod_client, "/moderation/account/sign-out-everywhere", "/moderation/account")
    assert mod_client.get("/moderation/").status_code == 200
    assert other.get("/moderation/").status_code == 302


@pytest.mark.parametrize(("key", "age"), [("seen", 31 * 60), ("started", 12 * 3600 + 60)])
def test_a_session_ends_when_idle_or_too_old(app, mod_client, key, age):
    with mod_client.session_transaction() as session:
        session[key] -= age
        if key == "started":
            session["seen"] -= 60
    assert mod_client.get("/moderation/").status_code == 302


def test_session_limits_are_configurable(app, mod_client):
    app.config["FORUM_SESSION_IDLE"] = timedelta(minutes=5)
    with mod_client.session_transaction() as session:
        session["seen"] -= 6 * 60
    assert mod_client.get("/moderation/").status_code == 302


def test_the_account_page_is_for_signed_in_accounts(app, client, moderator):
    assert client.get("/moderation/account").status_code == 302
    assert sign_in(client).status_code == 302
    page = client.get("/moderation/account")
    assert page.status_code == 200 and "Set up two-factor sign-in" in page.text


def test_reset_mail_goes_at_most_once_in_five_minutes(app, client, moderator, smtp):
    first = post(client, "/forgot-password", email=MODERATOR_EMAIL)
    second = post(client, "/forgot-password", email=MODERATOR_EMAIL)
    assert first.text == second.text
    drain(app)
    assert len(smtp.to(MODERATOR_EMAIL)) == 1


def test_an_invited_name_is_plain_text(app, mod_client, smtp):
    link = invitation_link(app, mod_client, smtp, "ed@forum.test")
    visitor = app.test_client()
    joined = post(visitor, link, name="<i>Ed</i>", password=GOOD_PASSWORD, confirm=GOOD_PASSWORD)
    assert joined.status_code == 302
    with app.app_context():
        account = db.session.scalar(select(Moderator).where(Moderator.email == "ed@forum.test"))
        assert account.name == "Ed" and account.role is ModeratorRole.MODERATOR


def test_accounts_from_the_shell_are_admins_unless_told(app):
    runner = app.test_cli_runner()
    made = runner.invoke(args=["forum", "create-moderator", "a@forum.test"], input=GOOD_PASSWORD)
    told = runner.invoke(
        args=["forum", "create-moderator", "m@forum.test", "--role", "moderator"],
        input=GOOD_PASSWORD,
    )
    assert made.exit_code == told.exit_code == 0, made.output + told.output
    common = runner.invoke(args=["forum", "create-moderator", "c@forum.test"], input="password1")
    assert common.exit_code != 0
    with app.app_context():
        roles = dict(db.session.execute(select(Moderator.email, Moderator.role)).all())
    assert roles == {"a@forum.test": ModeratorRole.ADMIN, "m@forum.test": ModeratorRole.MODERATOR}
    runner.invoke(args=["forum", "ensure-moderator"])  # an account exists: nothing made


def test_joining_when_two_factor_is_required_leads_to_set_up(app, mod_client, smtp):
    post(mod_client, "/moderation/team/invite", "/moderation/team", email="flo@forum.test",
         role="moderator")  # fmt: skip
    settings = form_fields(mod_client.get("/moderation/settings").text, "/moderation/settings")
    settings["two_factor_required"] = "y"
    assert mod_client.post("/moderation/settings", data=settings).status_code == 302
    # The admin who turned it on has no two-factor yet either: set-up comes first.
    assert mod_client.get("/moderation/team").headers["Location"].endswith("/two-factor")
    drain(app)
    link = link_in(smtp.to("flo@forum.test")[0], "/join/")
    visitor = app.test_client()
    short = "Kx9#mVq2pL"  # 10 characters: enough, as two-factor comes next
    joined = post(visitor, link, name="Flo", password=short, confirm=short)
    assert joined.status_code == 302
    assert visitor.get("/moderation/").headers["Location"] == "/moderation/account/two-factor"
