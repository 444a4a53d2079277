"""The JSON API: an article's published comments, page by page, with conditional GET."""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import func, select

from forum.extensions import db
from forum.models import Article, Comment, CommentStatus
from forum.moderation.actions import change_status
from forum.sanitize import render_comment
from tests.helpers import ARTICLE, approved, comment_id, moderate, post_as_newcomer

API = f"/api/articles/{ARTICLE}/comments"
# What a comment may publish; anything else (e-mail, IP, user agent, status...) must stay out.
PUBLIC_FIELDS = {
    "id",
    "parent_id",
    "depth",
    "author_name",
    "website",
    "created_at",
    "body_html",
    "author_role",
    "role_verified",
    "experience",
    "helpful_count",
}
REQUIRED_FIELDS = {"id", "parent_id", "author_name", "website", "created_at", "body_html"}


# --- helpers -------------------------------------------------------------------------------


def get_json(client, path: str = API, status: int = 200, **kwargs) -> dict:
    response = client.get(path, **kwargs)
    assert response.status_code == status, (path, response.status_code, response.get_data())
    assert response.mimetype == "application/json"
    return response.get_json()


def local(url: str) -> str:
    """The path and query of an absolute URL, for the test client."""
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


def add_comments(app, count: int, status: CommentStatus = CommentStatus.APPROVED) -> list[int]:
    """`count` top-level comments made straight in the database, each a second newer than the
    newest so far; returned oldest first."""
    with app.app_context():
        article = db.session.scalar(select(Article).where(Article.slug == ARTICLE))
        start = db.session.scalar(select(func.max(Comment.created_at)))
        ids = []
        for number in range(count):
            body = f"Bulk {status.value} comment {number}."
            comment = Comment(
                article=article,
                depth=1,
                author_name=f"Bulk {number}",
                author_email=f"bulk{number}@example.test",
                body=body,
                body_html=str(render_comment(body)),
                ip="192.0.2.1",
                created_at=start + timedelta(seconds=number + 1),
            )
            db.session.add(comment)
            db.session.flush()
            comment.root_id = comment.id
            change_status(comment, status)
            ids.append(comment.id)
        db.session.commit()
        return ids


def seed_id(app) -> int:
    with app.app_context():
        return db.session.scalar(select(Comment.id).where(Comment.author_name == "A reader"))


# --- fields ----------------------------------------------------------------------------------


def test_comments_have_their_public_fields_and_nothing_else(app, client, mod_client):
    top = approved(
        client,
        mod_client,
        author_name="Ann",
        website="https://example.org/my-story",
        body="IVIG **helped** <script>x</script>",
    )
    reply = approved(client, mod_client, reply_to=top, author_name="Bob", body="Glad to hear.")
    data = get_json(app.test_client())
    by_id = {c["id"]: c for c in data["comments"]}
    assert set(by_id) == {seed_id(app), top, reply}
    for comment in data["comments"]:
        assert REQUIRED_FIELDS <= set(comment) <= PUBLIC_FIELDS, set(comment)
        created = datetime.fromisoformat(comment["created_at"])
        assert created.tzinfo is not None and created.utcoffset() == timedelta(0)

    with app.app_context():
        stored = {cid: db.session.get(Comment, cid) for cid in (top, reply)}
        for cid, comment in stored.items():
            assert by_id[cid]["body_html"] == comment.body_html
            assert datetime.fromisoformat(by_id[cid]["created_at"]) == comment.created_at
    assert by_id[top]["author_name"] == "Ann"
    assert by_id[top]["website"] == "https://example.org/my-story"
    assert by_id[top]["parent_id"] is None
    assert "<strong>helped</strong>" in by_id[top]["body_html"]
    assert "<script" not in by_id[top]["body_html"]
    assert by_id[reply]["author_name"] == "Bob"
    assert by_id[reply]["website"] is None
    assert by_id[reply]["parent_id"] == top
    assert data["article"]["slug"] == ARTICLE
    assert data["article"]["url"] == f"http://localhost/articles/{ARTICLE}"


def test_only_approved_comments_are_listed(app, client, mod_client):
    shown = approved(client, mod_client, body="Shown.")
    hidden = {
        "pending": comment_id(post_as_newcomer(client, body="hidden-pending")),
        "pending reply": comment_id(post_as_newcomer(client, reply_to=shown, body="hidden-reply")),
    }
    for action in ("reject", "spam", "delete"):
        hidden[action] = comment_id(post_as_newcomer(client, body=f"hidden-{action}"))
        moderate(mod_client, hidden[action], action)
    hidden["taken down"] = approved(client, mod_client, body="hidden-taken-down")
    moderate(mod_client, hidden["taken down"], "delete")
    with app.app_context():
        statuses = {db.session.get(Comment, cid).status for cid in hidden.values()}
    assert statuses == {
        CommentStatus.PENDING,
        CommentStatus.REJECTED,
        CommentStatus.SPAM,
        CommentStatus.DELETED,
    }

    for reader in (app.test_client(), client):  # the author's own cookie changes nothing
        response = reader.get(API)
        data = response.get_json()
        ids = {c["id"] for c in data["comments"]}
        assert ids == {seed_id(app), shown}
        assert data["total"] == 2
        assert b"hidden-" not in response.get_data()


# --- pagination ------------------------------------------------------------------------------


def test_pages_of_fifty_with_links(app, mod_client):
    per_page = app.config["FORUM_API_PER_PAGE"]
    assert per_page == 50
    ids = [seed_id(app), *add_comments(app, 60)]
    add_comments(app, 3, CommentStatus.PENDING)
    add_comments(app, 2, CommentStatus.REJECTED)
    reader = app.test_client()

    first = get_json(reader, API, query_string={"page": 1})
    assert (first["page"], first["per_page"], first["pages"], first["total"]) == (1, 50, 2, 61)
    assert len(first["comments"]) == 50
    assert first["prev"] is None
    assert first["next"] == f"http://localhost{API}?page=2"
    assert get_json(reader, API) == first  # no page given: the first

    second = get_json(reader, local(first["next"]))
    assert (second["page"], second["pages"], second["total"]) == (2, 2, 61)
    assert len(second["comments"]) == 11
    assert second["next"] is None
    assert urlsplit(second["prev"]).scheme == "http"
    assert parse_qs(urlsplit(second["prev"]).query) == {"page": ["1"]}
    assert get_json(reader, local(second["prev"])) == first

    listed = [c["id"] for c in first["comments"] + second["comments"]]
    assert listed == ids  # every published comment once, oldest first as on the article page
    dates = [datetime.fromisoformat(c["created_at"]) for c in first["comments"]]
    assert dates == sorted(dates)

    error = get_json(reader, API, status=404, query_string={"page": 3})
    assert error["error"]


def test_an_article_without_published_comments_has_one_empty_page(app, mod_client):
    moderate(mod_client, seed_id(app), "reject")
    reader = app.test_client()
    data = get_json(reader)
    assert data["comments"] == []
    assert (data["total"], data["pages"], data["next"], data["prev"]) == (0, 1, None, None)
    get_json(reader, API, status=404, query_string={"page": 2})


@pytest.mark.parametrize(
    "value",
    [
        "abc",
        "0",
        "-1",
        "99999999999999999999",
        "1e3",
        "",
        " 1",
        "1 ",
        "1.0",
        "+1",
        "0x10",
        "1\x00",
        "\u00b2",  # superscript two: str.isdigit() says yes, int() says no
        "\u0661",  # Arabic-Indic one: int() says 1, but it is not a page number
        "999999999",
        "999999999999999999",
        "2",
    ],
)
def test_bad_page_values_get_a_json_error_never_a_500(app, value):
    response = app.test_client().get(API, query_string={"page": value})
    assert response.status_code in (400, 404), (value, response.status_code)
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert body["error"] and body["message"]


def test_unknown_article_is_a_json_404(client):
    for query in ({}, {"page": "1"}, {"page": "abc"}):
        body = get_json(client, "/api/articles/no-such-article/comments", 404, query_string=query)
        assert body["error"] == "Page not found"


def test_other_methods_are_refused_in_json(client):
    response = client.post(API, data={"body": "x"})
    assert response.status_code == 405
    assert response.mimetype == "application/json"
    assert response.get_json()["error"]


# --- conditional GET -----------------------------------------------------------------------


def test_conditional_get_and_approval_invalidates(app, client, mod_client):
    reader = app.test_client()
    first = reader.get(API)
    etag, last_modified = first.headers["ETag"], first.headers["Last-Modified"]

    again = reader.get(API, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.get_data() == b""
    assert again.headers["ETag"] == etag
    since = reader.get(API, headers={"If-Modified-Since": last_modified})
    assert since.status_code == 304
    assert since.get_data() == b""
    assert reader.get(API, headers={"If-None-Match": '"stale"'}).status_code == 200

    cid = comment_id(post_as_newcomer(client, body="Approved after the first fetch."))
    moderate(mod_client, cid, "approve")
    fresh = reader.get(API, headers={"If-None-Match": etag, "If-Modified-Since": last_modified})
    assert fresh.status_code == 200
    assert fresh.headers["ETag"] != etag
    assert cid in [c["id"] for c in fresh.get_json()["comments"]]


def test_each_page_has_its_own_etag(app):
    add_comments(app, 55)
    reader = app.test_client()
    one = reader.get(API, query_string={"page": 1})
    two = reader.get(API, query_string={"page": 2})
    assert one.headers["ETag"] != two.headers["ETag"]
    not_modified = reader.get(
        API, query_string={"page": 2}, headers={"If-None-Match": two.headers["ETag"]}
    )
    assert not_modified.status_code == 304
    assert (
        reader.get(
            API, query_string={"page": 1}, headers={"If-None-Match": two.headers["ETag"]}
        ).status_code
        == 200
    )


class TestBaseUrl:
    BASE = "https://forum.example.org"

    @pytest.fixture
    def app_config(self) -> dict:
        return {"FORUM_BASE_URL": self.BASE}

    def test_links_are_built_from_the_base_url(self, app):
        add_comments(app, 55)
        reader = app.test_client()
        first = get_json(reader)
        assert first["next"] == f"{self.BASE}{API}?page=2"
        assert first["article"]["url"] == f"{self.BASE}/articles/{ARTICLE}"
        second = get_json(reader, local(first["next"]))
        assert second["prev"] == f"{self.BASE}{API}?page=1"
