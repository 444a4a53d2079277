"""No public response ever contains a commenter's e-mail address or IP address.

Several people post comments and replies, each with a distinctive e-mail address (typed
in mixed case), IP address and user agent; a moderator approves some and rejects, marks
as spam or deletes others. Then every public address is fetched by a stranger, and every
body and header is searched, also after undoing HTML, XML, JSON and URL escaping. The
moderation queue, for moderators only, must show the same data: proof that it exists.
"""

from __future__ import annotations

import contextlib
import hashlib
import html
import json
from dataclasses import dataclass
from urllib.parse import unquote

import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from forum.extensions import db
from forum.models import Comment, CommentStatus
from tests.helpers import ARTICLE, comment_form, comment_id, moderate

ARTICLE_PAGE = f"/articles/{ARTICLE}"
API = f"/api/articles/{ARTICLE}/comments"
FEEDS = ["/feed.rss", "/comments.rss", f"{ARTICLE_PAGE}/comments.rss"]


@dataclass
class Person:
    key: str
    name: str
    email: str  # as typed
    ip: str
    fate: str | None  # the moderator's action(s): None leaves the comment pending
    reply_to: str | None = None  # the key of the comment answered
    body: str = ""
    id: int = 0
    browser: FlaskClient | None = None

    @property
    def user_agent(self) -> str:
        return f"PrivacyProbe/{self.key.replace(' ', '-')} (secret agent)"

    @property
    def secrets(self) -> list[str]:
        """What must never be public: the address (and its parts and Gravatar hashes), the IP
        and the user agent."""
        address = self.email.strip().lower()
        local, domain = address.split("@")
        return [
            address,
            local,
            domain,
            hashlib.md5(address.encode()).hexdigest(),  # noqa: S324 - what Gravatar uses
            hashlib.sha256(address.encode()).hexdigest(),
            self.ip.lower(),
            self.user_agent.lower(),
        ]


def people() -> list[Person]:
    return [
        Person("top", "Zelda", "Zelda.Quokka@Private-Mail.example", "203.0.113.77", "approve"),
        Person(
            "reply",
            "Yusuf",
            "YUSUF.PANGOLIN@HIDDEN.EXAMPLE.NET",
            "198.51.100.23",
            "approve",
            reply_to="top",
        ),
        Person(
            "deep reply",
            "Mira",
            "mira+ivig.Notes@Clinic-Notes.example",
            "2001:db8::beef:77",
            "approve",
            reply_to="reply",
        ),
        Person("pending", "Pat", "Pending.Pat@Inbox-Secret.example.com", "192.0.2.45", None),
        Person(
            "pending reply",
            "Quinn",
            "quinn.QUIET@waiting-room.example",
            "203.0.113.146",
            None,
            reply_to="top",
        ),
        Person("rejected", "Rita", "Rita.Refused@nope-mail.example", "203.0.113.88", "reject"),
        Person("spam", "Sam", "SAM.SPAMMER@cheap-pills.example", "198.51.100.99", "spam"),
        Person(
            "deleted", "Dora", "dora.Deleted@gone-away.example", "192.0.2.201", "approve,delete"
        ),
        Person(
            "deleted reply",
            "Del",
            "del.reply@orphan-box.example",
            "198.51.100.7",
            "approve,delete",
            reply_to="top",
        ),
    ]


def post_as(person: Person, by_key: dict[str, Person]) -> TestResponse:
    """Send the real comment form from the person's own browser, IP and user agent."""
    browser = person.browser
    parent = by_key[person.reply_to].id if person.reply_to else None
    data = comment_form(browser, reply_to=parent)
    data.update(author_name=person.name, author_email=person.email, body=person.body)
    return browser.post(
        f"{ARTICLE_PAGE}/comments",
        data=data,
        environ_base={"REMOTE_ADDR": person.ip},
        headers={"User-Agent": person.user_agent},
    )


@pytest.fixture
def posted(app, mod_client) -> dict[str, Person]:
    """Everyone's comment, posted and moderated; keyed by Person.key."""
    by_key: dict[str, Person] = {}
    for person in people():
        person.body = f"Words of {person.name}, who is {person.key}: kept-{person.key}-text."
        person.browser = app.test_client()
        response = post_as(person, by_key)
        assert_no_leak(response, [person], f"the response to {person.key}'s own post")
        person.id = comment_id(response)
        by_key[person.key] = person
        for action in (person.fate or "").split(","):
            if action:
                assert moderate(mod_client, person.id, action).status_code == 302
    return by_key


def published(posted: dict[str, Person]) -> list[Person]:
    return [p for p in posted.values() if p.fate == "approve"]


def unpublished(posted: dict[str, Person]) -> list[Person]:
    return [p for p in posted.values() if p.fate != "approve"]


def readable_forms(text: str) -> list[str]:
    """The text, and the text with its HTML/XML escaping undone once and twice (a feed's
    description is HTML inside XML), JSON escaping undone, and URL escaping undone."""
    once = html.unescape(text)
    forms = [text, once, html.unescape(once), unquote(text), unquote(once)]
    with contextlib.suppress(ValueError):
        forms.append(json.dumps(json.loads(text), ensure_ascii=False))
    return [form.lower() for form in forms]


def assert_no_leak(response: TestResponse, persons: list[Person], where: str) -> None:
    headers = "\n".join(f"{name}: {value}" for name, value in response.headers.items())
    for part, text in (("body", response.get_data(as_text=True)), ("headers", headers)):
        forms = readable_forms(text)
        for person in persons:
            for secret in person.secrets:
                assert not any(secret in form for form in forms), (
                    f"{where}: the {part} contains {secret!r} of {person.key}"
                )


# The public addresses: (method, path or a function of the posted comments, expected status).
def _public_requests(posted: dict[str, Person]) -> list[tuple[str, str, int]]:
    ids = {key: person.id for key, person in posted.items()}
    requests = [
        ("GET", "/", 200),
        ("GET", ARTICLE_PAGE, 200),
        ("GET", f"{ARTICLE_PAGE}?page=1", 200),
        ("GET", f"{ARTICLE_PAGE}?replytocom={ids['top']}", 200),
        ("GET", f"{ARTICLE_PAGE}?replytocom={ids['deep reply']}", 200),
        *[("GET", path, 200) for path in FEEDS],
        ("GET", API, 200),
        ("GET", f"{API}?page=1", 200),
        ("GET", "/login", 200),
        ("GET", "/login?next=/moderation/", 200),
        # Not found
        ("GET", "/no/such/page", 404),
        ("GET", "/articles/no-such-article", 404),
        ("GET", f"{ARTICLE_PAGE}?page=2", 404),
        ("GET", "/articles/no-such-article/comments.rss", 404),
        ("GET", f"{API}?page=2", 404),
        ("GET", "/api/articles/no-such-article/comments", 404),
        # Bad requests, including replies to each comment that is not public
        ("GET", f"{ARTICLE_PAGE}?replytocom=abc", 400),
        ("GET", f"{API}?page=abc", 404),
        *[
            ("GET", f"{ARTICLE_PAGE}?replytocom={p.id}", 400)
            for p in posted.values()
            if p.fate != "approve"
        ],
        ("POST", f"{ARTICLE_PAGE}/comments", 400),  # no CSRF token: the page comes back
        # Wrong methods
        ("GET", f"{ARTICLE_PAGE}/comments", 405),
        ("POST", "/feed.rss", 405),
        ("POST", API, 405),
        # The moderators' area, asked for by a stranger
        ("GET", "/moderation/", 302),
        ("GET", "/moderation/?status=spam", 302),
        ("POST", f"/moderation/comments/{ids['pending']}/approve", 400),  # no CSRF token
    ]
    return requests


def test_no_public_response_contains_an_email_or_ip(app, posted):
    stranger = app.test_client()
    everyone = list(posted.values())
    pages = {}
    for method, path, status in _public_requests(posted):
        response = stranger.open(path, method=method)
        assert response.status_code == status, (method, path, response.status_code)
        assert_no_leak(response, everyone, f"{method} {path}")
        pages[(method, path)] = response.get_data(as_text=True)

    # The pages really did show the published comments (the search was not in vain)...
    for person in published(posted):
        for path in (ARTICLE_PAGE, "/comments.rss", f"{ARTICLE_PAGE}/comments.rss", API):
            assert f"kept-{person.key}-text" in pages[("GET", path)], (path, person.key)
    assert f"comment-{posted['top'].id}" in pages[("GET", "/feed.rss")]
    # ...and nothing of the comments that are not public.
    for person in unpublished(posted):
        for (method, path), text in pages.items():
            assert f"kept-{person.key}-text" not in text, (method, path, person.key)
            assert f'id="comment-{person.id}"' not in text, (method, path, person.key)


def test_conditional_answers_leak_nothing(app, posted):
    stranger = app.test_client()
    for path in [*FEEDS, API]:
        first = stranger.get(path)
        for headers in (
            {"If-None-Match": first.headers["ETag"]},
            {"If-Modified-Since": first.headers["Last-Modified"]},
        ):
            response = stranger.get(path, headers=headers)
            assert response.status_code == 304, path
            assert_no_leak(response, list(posted.values()), f"304 for {path}")


def test_authors_see_their_own_comments_without_their_email(app, posted):
    for person in posted.values():
        own = person.browser.get(ARTICLE_PAGE)
        assert own.status_code == 200
        assert_no_leak(own, list(posted.values()), f"{person.key}'s own view")
        text = own.get_data(as_text=True)
        if person.fate is None or person.fate == "spam":
            assert f'id="comment-{person.id}"' in text, person.key
            assert "awaiting moderation" in text
            assert f"kept-{person.key}-text" in text
        for path in [*FEEDS, API]:
            assert_no_leak(person.browser.get(path), [person], f"{person.key}: {path}")


def test_the_session_cookie_holds_no_email_or_ip(app, posted):
    serializer = app.session_interface.get_signing_serializer(app)
    for person in posted.values():
        cookie = person.browser.get_cookie("session")
        assert cookie is not None, person.key
        session = serializer.loads(cookie.value)  # signed, not encrypted: readable by anyone
        assert person.id in session["own_comments"]
        text = json.dumps(session, default=str).lower()
        for secret in person.secrets:
            assert secret not in text, (person.key, secret)


def test_the_moderation_queue_shows_email_and_ip_to_moderators(app, posted, mod_client):
    with app.app_context():
        for person in posted.values():
            stored = db.session.get(Comment, person.id)
            assert stored.author_email == person.email.lower()
            assert stored.ip == person.ip
    tabs = {
        None: CommentStatus.PENDING,
        "approve": CommentStatus.APPROVED,
        "reject": CommentStatus.REJECTED,
        "spam": CommentStatus.SPAM,
        "approve,delete": CommentStatus.DELETED,
    }
    for fate, status in tabs.items():
        response = mod_client.get(f"/moderation/?status={status.value}")
        assert response.status_code == 200
        text = response.get_data(as_text=True).lower()
        for person in (p for p in posted.values() if p.fate == fate):
            assert person.email.lower() in text, (status, person.key)
            assert person.ip in text, (status, person.key)
