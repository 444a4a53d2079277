"""What the tests do over HTTP as a reader or a moderator would."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from contextlib import contextmanager
from html.parser import HTMLParser
from typing import Any

from flask import Flask, session
from flask.testing import FlaskClient
from flask_wtf.csrf import generate_csrf
from sqlalchemy import event
from werkzeug.test import TestResponse

from forum.accounts.passwords import hash_password
from forum.extensions import db
from forum.links import link_context
from forum.mail import send_due
from forum.models import Moderator, ModeratorRole

ARTICLE = "ivig-for-lupus"
MODERATOR_EMAIL = "mod@forum.test"
MODERATOR_PASSWORD = "correct horse battery staple"


class _Forms(HTMLParser):
    """The forms of a page: action -> {input name: value} for its inputs."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[tuple[str, dict[str, str]]] = []
        self.by_id: dict[str, dict[str, str]] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            fields: dict[str, str] = {}
            self.forms.append((a.get("action", ""), fields))
            if "id" in a:
                self.by_id[a["id"]] = fields
        elif tag in ("input", "textarea", "select") and self.forms and a.get("name"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            self.forms[-1][1].setdefault(a["name"], a.get("value", ""))


def form_fields(html: str, action_contains: str) -> dict[str, str]:
    """The inputs of the first form whose action contains `action_contains`."""
    parser = _Forms()
    parser.feed(html)
    for action, fields in parser.forms:
        if action_contains in action:
            return dict(fields)
    raise AssertionError(f"no form with an action containing {action_contains!r}")


def csrf_token(client: FlaskClient, path: str = "/") -> str:
    html = client.get(path).get_data(as_text=True)
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def session_csrf_token(client: FlaskClient, path: str) -> str:
    """A token for a moderator's (session-bound) form: signed from the secret that a page
    already put in this client's session, as any page of the session would carry it, or
    read from `path` when none has yet. Saves rendering a whole page for each action."""
    with client.session_transaction() as stored:
        secret = stored.get("csrf_token")
    if secret is None:
        return csrf_token(client, path)
    with client.application.test_request_context():
        session["csrf_token"] = secret
        return generate_csrf()


def comment_form(
    client: FlaskClient, slug: str = ARTICLE, reply_to: int | None = None, script: bool = True
) -> dict:
    """The comment form's fields, with its start time asked for as the page's script does
    on a shared page (`script=False`: as a browser without JavaScript sends it)."""
    path = f"/articles/{slug}" + (f"?replytocom={reply_to}" if reply_to else "")
    response = client.get(path)
    assert response.status_code == 200, response.status_code
    fields = form_fields(response.get_data(as_text=True), f"/articles/{slug}/comments")
    if script and not fields.get("form_started"):
        fields["form_started"] = client.get(f"/articles/{slug}/form-start").json["form_started"]
    return fields


def post_comment(
    client: FlaskClient, slug: str = ARTICLE, reply_to: int | None = None, **fields: Any
) -> TestResponse:
    """Fill in and send the comment form as a reader would."""
    data = comment_form(client, slug, reply_to)
    data.update(
        author_name="Ann Example",
        author_email="ann@patients.test",
        body="IVIG helped my skin rash within two weeks.",
    )
    data.update({k: v for k, v in fields.items() if v is not None})
    for key in [k for k, v in fields.items() if v is None]:
        data.pop(key, None)
    return client.post(f"/articles/{slug}/comments", data=data)


def _messages(html: str) -> list[str]:
    """The alerts and field errors of a page: what a failed post told the person."""
    return re.findall(r'class="(?:alert|error|question)"[^>]*>\s*(?:<p>)?([^<]+)', html)


def comment_id(response: TestResponse) -> int:
    assert response.status_code == 302, (response.status_code, _messages(response.text))
    match = re.search(r"#comment-(\d+)$", response.headers["Location"])
    assert match, response.headers["Location"]
    return int(match.group(1))


def sign_in(client: FlaskClient, email: str = MODERATOR_EMAIL, password: str = MODERATOR_PASSWORD):
    token = csrf_token(client, "/login")
    return client.post("/login", data={"csrf_token": token, "email": email, "password": password})


def moderate(client: FlaskClient, cid: int, action: str) -> TestResponse:
    token = session_csrf_token(client, "/moderation/")
    return client.post(f"/moderation/comments/{cid}/{action}", data={"csrf_token": token})


_newcomers = itertools.count(1)


def newcomer_email() -> str:
    """An address with no approved comment yet: its author is never a returning author whom
    the screening rules publish at once, so the comment waits for a moderator."""
    return f"reader{next(_newcomers)}@patients.test"


def post_as_newcomer(
    client: FlaskClient, reply_to: int | None = None, **fields: Any
) -> TestResponse:
    fields.setdefault("author_email", newcomer_email())
    return post_comment(client, reply_to=reply_to, **fields)


def approved(
    client: FlaskClient, mod_client: FlaskClient, reply_to: int | None = None, **fields: Any
) -> int:
    """Post a comment (or reply) through the form and have the moderator approve it."""
    cid = comment_id(post_as_newcomer(client, reply_to=reply_to, **fields))
    assert moderate(mod_client, cid, "approve").status_code == 302
    return cid


@contextmanager
def counted_queries(app: Flask) -> Iterator[dict[str, int]]:
    """Count the SQL statements sent while the block runs: `counter["n"]`."""
    counter = {"n": 0}

    def count(*args: object) -> None:
        counter["n"] += 1

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield counter
    finally:
        event.remove(engine, "before_cursor_execute", count)


def add_moderator(
    app: Flask,
    email: str = MODERATOR_EMAIL,
    password: str = MODERATOR_PASSWORD,
    role: ModeratorRole = ModeratorRole.ADMIN,
) -> int:
    """An account in `app`'s database (an admin, as from the shell, unless told); its id."""
    with app.app_context():
        account = Moderator(email=email, name="Maria", role=role)
        account.password_hash = hash_password(password)
        db.session.add(account)
        db.session.commit()
        return account.id


def drain(app: Flask) -> None:
    """Send the outbox now, as the background sender or the `send-mail` timer would."""
    with link_context(app):
        send_due()


def link_in(message: Any, path: str) -> str:
    """The address of the forum's link in an e-mail, from `path` on (the host left out)."""
    text = message.get_content()
    match = re.search(rf"https?://[^\s/]+({re.escape(path)}[^\s]*)", text)
    assert match, text
    return match.group(1)
