"""SQL injection: in every form field, query parameter and slug, on SQLite and PostgreSQL.

Strings from tests/data/sqli_vectors.txt that are valid comment input are stored and
shown exactly as typed; the others are refused cleanly (400, 404 or 422). No request
answers 500, shows a database error, or takes as long as a pg_sleep(5) would; and
afterwards every table is there with the rows it should have.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from forum.extensions import db
from forum.models import Article, Comment, CommentStatus, ModerationEvent, Moderator
from forum.sanitize import render_comment
from tests.helpers import ARTICLE, MODERATOR_EMAIL, csrf_token
from tests.test_hostile_input import (
    Poster,
    approve,
    article_pages,
    clean_line,
    clean_text,
    load_vectors,
    name_is_valid,
    new_comment_id,
    page_problems,
    refusal_messages,
    scan_response,
)

VECTORS = [v for _, v in load_vectors(Path(__file__).parent / "data" / "sqli_vectors.txt")]
# SQL in the local part of an address that e-mail validation accepts.
EMAIL_VECTORS = [
    "admin'--@example.org",
    "x'OR'1'='1@example.org",
    "1'or'1'='1'--@example.org",
    "'||'1'='1@example.org",
]
ARTICLE_PATH = f"/articles/{ARTICLE}"
POST_PATH = f"{ARTICLE_PATH}/comments"
# What a database error looks like when it leaks into a response.
DATABASE_ERRORS = re.compile(
    r"sqlite3\.|psycopg|OperationalError|ProgrammingError|IntegrityError|DataError|"
    r"syntax error at or near|unrecognized token|Traceback \(most recent call last\)",
    re.IGNORECASE,
)
SLOW = 4.0  # seconds: far above a normal request, below the 5 s the sleeping vectors ask for
EXPECTED_TABLES = {"alembic_version", "article", "comment", "moderation_event", "moderator"}


def test_the_vector_file_has_every_kind() -> None:
    categories = {c for c, _ in load_vectors(Path(__file__).parent / "data" / "sqli_vectors.txt")}
    assert categories == {"classic", "union", "stacked", "postgresql", "sqlite", "other"}
    assert len(VECTORS) >= 80 and len(set(VECTORS)) == len(VECTORS)
    assert "1; DROP TABLE comment; --" in VECTORS and "'; SELECT pg_sleep(5); --" in VECTORS


def check(response: TestResponse, what: str, statuses: set[int], elapsed: float) -> list[str]:
    """Everything wrong with one response to a request that carried a vector."""
    problems = []
    if response.status_code not in statuses:
        problems.append(f"{what}: status {response.status_code}, expected {sorted(statuses)}")
    text = response.get_data(as_text=True)
    if DATABASE_ERRORS.search(text):
        problems.append(f"{what}: a database error is shown: {DATABASE_ERRORS.search(text)}")
    if elapsed > SLOW:
        problems.append(f"{what}: took {elapsed:.1f} s (a time-based injection?)")
    if response.mimetype == "text/html":
        problems += page_problems(what, response)
    return problems


@dataclass
class Probes:
    """Sends requests that carry vectors and collects everything wrong with the answers."""

    problems: list[str] = field(default_factory=list)

    def send(
        self,
        what: str,
        statuses: set[int],
        method: Callable[..., TestResponse],
        *args: Any,
        **kwargs: Any,
    ) -> TestResponse | None:
        started = time.monotonic()
        try:
            response = method(*args, **kwargs)
        except Exception as error:  # with TESTING, Flask lets it through: a 500 in production
            self.problems.append(f"{what}: raised {type(error).__name__}: {error}"[:300])
            return None
        self.problems += check(response, what, statuses, time.monotonic() - started)
        return response

    def assert_none(self) -> None:
        assert not self.problems, f"{len(self.problems)} problem(s):\n" + "\n".join(
            self.problems[:40]
        )


def table_state(app: Flask) -> dict[str, object]:
    """The tables, and the rows that matter, to compare before and after an attack."""
    with app.app_context():
        tables = set(sa.inspect(db.engine).get_table_names())
        return {
            "tables": tables,
            "articles": db.session.scalar(sa.select(sa.func.count(Article.id))),
            "article slugs": db.session.scalars(sa.select(Article.slug)).all(),
            "moderators": db.session.scalars(sa.select(Moderator.email)).all(),
            "comments": db.session.scalar(sa.select(sa.func.count(Comment.id))),
            "events": db.session.scalar(sa.select(sa.func.count(ModerationEvent.id))),
            "approved": db.session.scalar(
                sa.select(sa.func.count(Comment.id)).where(Comment.status == CommentStatus.APPROVED)
            ),
            "migration": db.session.execute(sa.text("SELECT version_num FROM alembic_version"))
            .scalars()
            .all(),
        }


def test_sql_in_form_fields_is_stored_and_shown_literally(
    app: Flask, client: FlaskClient, mod_client: FlaskClient
) -> None:
    before = table_state(app)
    assert before["tables"] >= EXPECTED_TABLES
    poster = Poster(client)
    probes = Probes()
    stored: dict[int, tuple[str, str]] = {}  # comment id -> (field, vector)
    refused_by_rules = []
    for vector in VECTORS:
        # Body and name: any text is valid input, so it is stored as typed.
        named = {"author_name": vector} if name_is_valid(vector) else {}
        response = probes.send(f"body={vector!r}", {302, 422}, poster.send, body=vector, **named)
        if response is not None and response.status_code == 302:
            kept_name = poster.last["author_name"] == vector  # not renamed as a duplicate
            stored[new_comment_id(response)] = ("body+name" if kept_name else "body", vector)
        elif response is not None and clean_text(vector):
            refused_by_rules.append((vector, refusal_messages(response)))
        # Website and e-mail: not addresses, so refused with the form kept.
        fields = {"website": vector, "author_email": vector}
        response = probes.send(f"website, e-mail={vector!r}", {422}, poster.send, **fields)
        if response is not None and response.status_code == 422:
            for name in fields:
                value = scan_response(response).field_value(name)
                if value != clean_line(vector):
                    probes.problems.append(f"{name}={vector!r}: the form shows {value!r}")
        # The reply's parent: not a published comment's id, so refused.
        probes.send(f"parent_id={vector!r}", {400}, poster.send, parent_id=vector)
    for address in EMAIL_VECTORS:
        response = probes.send(
            f"author_email={address!r}", {302}, poster.send, author_email=address
        )
        if response is not None and response.status_code == 302:
            stored[new_comment_id(response)] = ("author_email", address)
    # A URL with SQL in its query string is a valid web address.
    website = "https://example.org/?id=1'%20OR%20'1'='1;--&q=%27;DROP%20TABLE%20comment;--"
    response = probes.send("website with SQL in its query", {302}, poster.send, website=website)
    assert response is not None
    stored[new_comment_id(response)] = ("website", website)
    assert len(refused_by_rules) <= len(VECTORS) // 10, refused_by_rules
    assert len(stored) > len(VECTORS) * 0.8
    approve(app, stored)

    # Stored exactly as typed (after the form's own trimming), and rendered from that.
    with app.app_context():
        comments = {c.id: c for c in db.session.scalars(sa.select(Comment))}
        names = {i: c.author_name for i, c in comments.items()}
        for cid, (field, vector) in stored.items():
            comment = comments[cid]
            if field.startswith("body"):
                assert comment.body == clean_text(vector), (vector, comment.body)
                assert comment.body_html == str(render_comment(clean_text(vector)))
            if field == "body+name":
                assert comment.author_name == clean_line(vector), (vector, comment.author_name)
            if field == "author_email":
                assert comment.author_email == vector.lower()
            if field == "website":
                assert comment.website == vector

    # Shown literally: the names on the article's pages and in the API.
    anonymous = app.test_client()
    shown: set[int] = set()
    for url, response in article_pages(anonymous):
        probes.problems += check(response, url, {200}, 0)
        page = scan_response(response)
        for cid in page.comment_ids():
            shown.add(cid)
            if page.text(f"author:{cid}").strip() != names[cid]:
                probes.problems.append(f"{url}: comment {cid} shows {page.text(f'author:{cid}')!r}")
    assert set(stored) <= shown
    api = anonymous.get(f"/api{ARTICLE_PATH}/comments?page=1").get_json()
    for item in api["comments"]:
        assert item["author_name"] == names[item["id"]]
    queue = mod_client.get("/moderation/?status=approved")
    probes.problems += check(queue, "queue", {200}, 0)
    assert "admin&#39;--@example.org" in queue.get_data(as_text=True)

    after = table_state(app)
    assert after["tables"] == before["tables"]
    for key in ("articles", "article slugs", "moderators", "migration"):
        assert after[key] == before[key], key
    assert after["comments"] == before["comments"] + len(stored)
    assert after["approved"] == before["approved"] + len(stored)
    assert after["events"] >= before["events"] + len(stored)
    probes.assert_none()


# Each query parameter, the page it is on, and the statuses that count as a clean answer.
QUERY_PARAMETERS = [
    (ARTICLE_PATH, "page", {400, 404}),
    (ARTICLE_PATH, "replytocom", {400}),
    (ARTICLE_PATH, "sort", {200, 400}),  # like ?condition= and ?side_effect=: a fixed list
    (f"/api{ARTICLE_PATH}/comments", "page", {400, 404}),
    ("/moderation/", "status", {400, 404}),
    ("/moderation/", "page", {404}),  # as every listing answers a page that is not a number
]
# Each address with a slug in it; {slug} is replaced by the URL-quoted vector.
SLUG_ADDRESSES = [
    "/articles/{slug}",
    "/articles/{slug}/comments.rss",
    "/articles/{slug}/experiences.csv",
    "/api/articles/{slug}/comments",
]


# A clean refusal of a request whose address names something that does not exist.
REFUSED = {302, 303, 400, 403, 404, 405, 422}
_ARGUMENT = re.compile(r"<(?:(\w+)(?:\(([^)]*)\))?:)?(\w+)>")


def _kind(match: re.Match[str]) -> str:
    """The forum's own converters count as what they are: <id:…> an int, <slug:…> a slug."""
    kind = match.group(1) or "default"
    return {"id": "int", "slug": "default"}.get(kind, kind)


def addresses_with(app: Flask, converter: str, value: str) -> list[tuple[str, str]]:
    """(method, URL) of every route with a `converter` argument ("int", or "default" for a
    slug), with `value` in that argument and ordinary values in the others."""

    def fill(match: re.Match[str]) -> str:
        kind, options = _kind(match), match.group(2)
        if kind == converter:
            return value
        if kind == "any":
            return options.split(",")[0].strip(" '\"")
        return "1" if kind == "int" else ARTICLE

    found = []
    for rule in app.url_map.iter_rules():
        kinds = {_kind(m) for m in _ARGUMENT.finditer(rule.rule)}
        if rule.endpoint != "static" and converter in kinds:
            method = "GET" if "GET" in (rule.methods or ()) else "POST"
            found.append((method, _ARGUMENT.sub(fill, rule.rule)))
    return found


def test_every_address_with_an_id_or_a_slug_is_probed(app: Flask) -> None:
    ids = addresses_with(app, "int", "ID")
    slugs = addresses_with(app, "default", "SLUG")
    assert ("POST", "/moderation/comments/ID/approve") in ids
    assert ("GET", "/articles/SLUG/comments.rss") in slugs
    assert all("ID" in url for _, url in ids) and all("SLUG" in url for _, url in slugs)


@pytest.mark.parametrize("vectors", [VECTORS], ids=["sqli_vectors"])
def test_sql_in_query_parameters_and_slugs_is_refused_cleanly(
    app: Flask, mod_client: FlaskClient, vectors: list[str]
) -> None:
    before = table_state(app)
    anonymous = app.test_client()
    token = csrf_token(anonymous, ARTICLE_PATH)
    mod_token = csrf_token(mod_client, "/moderation/")
    probes = Probes()
    for vector in vectors:
        for path, name, statuses in QUERY_PARAMETERS:
            reader = mod_client if path.startswith("/moderation") else anonymous
            what = f"GET {path}?{name}={vector!r}"
            probes.send(what, statuses, reader.get, path, query_string={name: vector})
        slug = quote(vector, safe="")
        for address in SLUG_ADDRESSES:
            url = address.format(slug=slug)
            probes.send(f"GET {url}", {404}, anonymous.get, url)
        url = f"/articles/{slug}/comments"
        data = {"csrf_token": token, "author_name": "A", "body": vector}
        probes.send(f"POST {url}", {404}, anonymous.post, url, data=data)
        # Every address with an id in it (found in the URL map, so new ones are covered too).
        # Werkzeug's int converter reads "１" as 1: an alias of comment 1, not an attack.
        if not (vector.isdecimal() and not vector.isascii()):
            for method, url in addresses_with(app, "int", quote(vector, safe="")):
                reader = mod_client if url.startswith("/moderation") else anonymous
                form = {"csrf_token": mod_token if reader is mod_client else token}
                send = reader.get if method == "GET" else reader.post
                probes.send(f"{method} {url}", REFUSED, send, url, data=form)
        # And every address with a slug in it, beyond the four above.
        for method, url in addresses_with(app, "default", slug):
            send = anonymous.get if method == "GET" else anonymous.post
            probes.send(f"{method} {url}", REFUSED, send, url, data={"csrf_token": token})
        # The bulk form's ids and action.
        probes.send(
            f"bulk action={vector!r}",
            {302, 400},
            mod_client.post,
            "/moderation/bulk",
            data={"csrf_token": mod_token, "action": vector, "ids": [vector, "1"]},
        )
    probes.assert_none()
    after = table_state(app)
    assert after == before  # nothing created, approved, changed or dropped


def test_sql_in_the_sign_in_form_does_not_sign_in(app: Flask, moderator: int) -> None:
    before = table_state(app)
    client = app.test_client()
    probes = Probes()
    # Each attempt costs a password hash, so not every vector: every other one as e-mail
    # and password, and the first ten as the password of the moderator's real address.
    attempts = [(v, v) for v in [*VECTORS[::2], "' OR 1=1 --@forum.test", f"{MODERATOR_EMAIL}'--"]]
    attempts += [(MODERATOR_EMAIL, v) for v in VECTORS[:10]]
    token = csrf_token(client, "/login")
    for email, password in attempts:
        data = {"csrf_token": token, "email": email, "password": password}
        response = probes.send(
            f"sign in as {email!r}", {200, 400, 401, 422, 429}, client.post, "/login", data=data
        )
        if response is not None and response.status_code == 302:
            probes.problems.append(f"signed in with {email!r} / {password!r}")
    # Still not signed in: the queue sends this browser to the sign-in page.
    assert client.get("/moderation/").status_code == 302
    probes.assert_none()
    after = table_state(app)
    assert after["moderators"] == before["moderators"] == [MODERATOR_EMAIL]
    assert after["tables"] == before["tables"]
