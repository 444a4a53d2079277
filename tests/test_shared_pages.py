"""One page for every cookie-less reader (issue 16): shared bytes, forgery stopped by Fetch
Metadata and article-bound form tokens, and the time trap on a page a cache handed out."""

from __future__ import annotations

import os
import sqlite3
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
from flask import Flask

from forum import conditional, forgery
from forum.extensions import db
from forum.models import Comment, CommentStatus
from forum.time_trap import shared_page_lag
from tests.helpers import (
    ARTICLE,
    approved,
    comment_form,
    comment_id,
    csrf_token,
    form_fields,
    post_as_newcomer,
    post_comment,
)
from tests.loadgen import GunicornServer, browser, fetch

ARTICLE_PATH = f"/articles/{ARTICLE}"
POST_PATH = f"{ARTICLE_PATH}/comments"
SHARED_PATHS = [
    ARTICLE_PATH,
    f"{ARTICLE_PATH}?page=1&sort=newest",
    f"/api/articles/{ARTICLE}/comments",
    "/feed.rss",
    "/comments.rss",
    f"{ARTICLE_PATH}/comments.rss",
]
CROSS_SITE_HEADERS = [
    {"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"},
    {"Sec-Fetch-Site": "same-site", "Origin": "https://user-pages.forum.test"},
    {"Origin": "https://evil.example"},  # a browser too old for Sec-Fetch-Site
    {"Origin": "null"},  # a sandboxed frame, a data: URL
]
SAME_SITE_HEADERS = [
    {"Sec-Fetch-Site": "same-origin", "Origin": "http://localhost"},
    {"Sec-Fetch-Site": "none"},  # typed into the address bar
    {"Origin": "http://localhost"},  # Origin only, naming this host
    {},  # no browser: curl, a feed reader, the test client
]


def status_of(app: Flask, cid: int) -> tuple[CommentStatus, str]:
    with app.app_context():
        comment = db.session.get(Comment, cid)
        return comment.status, comment.screening_reasons or ""


def filled(form: dict, body: str) -> dict:
    return {**form, "author_name": "Ann", "author_email": "ann@patients.test", "body": body}


# --- One page for every cookie-less reader ------------------------------------------------


@pytest.mark.parametrize("path", SHARED_PATHS)
def test_two_cookie_less_readers_get_the_same_bytes_and_no_cookie(app, path):
    first, second = app.test_client().get(path), app.test_client().get(path)
    assert first.status_code == second.status_code == 200
    assert first.data == second.data
    assert first.headers["ETag"] == second.headers["ETag"]
    for response in (first, second):
        assert "Set-Cookie" not in response.headers
        control = response.cache_control
        assert control.public and not control.private and not control.no_cache
        assert control.max_age == 0  # browsers revalidate: an approval shows at once
        assert control.s_maxage == app.config["FORUM_SHARED_MAX_AGE"]
        assert control.stale_while_revalidate == app.config["FORUM_STALE_WHILE_REVALIDATE"]
        # Only the article page depends on a cookie (a session makes it personal).
        expected = (
            {"cookie"} if path.startswith(ARTICLE_PATH + "?") or path == ARTICLE_PATH else set()
        )
        assert {
            v.strip().lower() for v in response.headers.get("Vary", "").split(",") if v
        } == expected


@pytest.mark.parametrize(
    "app_config", [{"FORUM_SHARED_MAX_AGE": 30, "FORUM_STALE_WHILE_REVALIDATE": 120}]
)
def test_the_shared_cache_lifetimes_are_configurable(client):
    control = client.get(ARTICLE_PATH).cache_control
    assert (control.s_maxage, control.stale_while_revalidate) == (30, 120)


def test_the_etag_follows_the_change_stamp(app, client, mod_client):
    etag = app.test_client().get(ARTICLE_PATH).headers["ETag"]
    assert app.test_client().get(ARTICLE_PATH).headers["ETag"] == etag
    approved(client, mod_client, body="A change that every reader must see")
    assert app.test_client().get(ARTICLE_PATH).headers["ETag"] != etag


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_kept_page_shows_another_processs_change_within_a_second(app, database_url, monkeypatch):
    first = app.test_client().get(ARTICLE_PATH)
    assert app.test_client().get(ARTICLE_PATH).data == first.data  # kept, answered from memory
    # Another process changes the discussion (a plain sqlite3 connection: no commit seen here).
    with sqlite3.connect(database_url.removeprefix("sqlite:///")) as other:
        other.execute("UPDATE article SET comments_changed_at = '2031-01-01 00:00:00'")
    other.close()
    monkeypatch.setattr(conditional, "RECHECK_SECONDS", 0.0)  # a second has passed
    assert app.test_client().get(ARTICLE_PATH).headers["ETag"] != first.headers["ETag"]


def test_a_page_kept_in_memory_is_the_one_flask_builds(app):
    """The answer from memory has every header the app gave it, security headers included."""
    built, kept = app.test_client().get(ARTICLE_PATH), app.test_client().get(ARTICLE_PATH)
    assert sorted(built.headers.items()) == sorted(kept.headers.items())
    assert "frame-ancestors 'none'" in kept.headers["Content-Security-Policy"]


def _assert_personal(response) -> None:
    assert response.status_code == 200
    assert response.cache_control.private and not response.cache_control.public
    assert response.cache_control.s_maxage is None


def test_personal_pages_are_private_and_never_the_shared_bytes(app, client, mod_client):
    shared = app.test_client().get(ARTICLE_PATH).data
    # A moderator.
    _assert_personal(mod_client.get(ARTICLE_PATH))
    # An author with a comment awaiting moderation (and, once, the thank-you flash).
    cid = comment_id(post_as_newcomer(client, body="Mine, waiting for a moderator"))
    flashed = client.get(ARTICLE_PATH)
    _assert_personal(flashed)
    assert "Thank you." in flashed.text and f'id="comment-{cid}"' in flashed.text
    again = client.get(ARTICLE_PATH)
    _assert_personal(again)
    assert "awaiting moderation" in again.text
    # A reader who saved their name and e-mail.
    saver = app.test_client()
    comment_id(post_comment(saver, remember_me="y", author_email="saved@patients.test"))
    saved = saver.get(ARTICLE_PATH)
    _assert_personal(saved)
    assert 'value="saved@patients.test"' in saved.text
    # ?replytocom= without a session is built per request too (it fills in the form).
    seed = app.test_client().get(f"/api/articles/{ARTICLE}/comments").json["comments"][0]["id"]
    _assert_personal(app.test_client().get(f"{ARTICLE_PATH}?replytocom={seed}"))
    for page in (flashed, again, saved):
        assert page.data != shared
    assert b"awaiting moderation" not in shared and b"saved@patients.test" not in shared


def test_a_moderators_and_an_authors_forms_keep_session_bound_tokens(app, mod_client):
    token = csrf_token(mod_client, "/moderation/")
    # A public form token does not open the moderation forms.
    with app.app_context():
        assert forgery.read_form_token(token) is None  # Flask-WTF's, not a public form token
        public = forgery.make_form_token(1, int(time.time()), shared=False)
    cid = comment_id(post_as_newcomer(app.test_client()))
    refused = mod_client.post(f"/moderation/comments/{cid}/approve", data={"csrf_token": public})
    assert refused.status_code == 400
    assert status_of(app, cid)[0] is CommentStatus.PENDING


# --- Forgery: Fetch Metadata and Origin ----------------------------------------------------


@pytest.mark.parametrize(
    "headers", CROSS_SITE_HEADERS, ids=["cross-site", "same-site", "origin", "null"]
)
def test_a_cross_site_comment_is_refused_with_its_text_kept(app, client, headers):
    data = filled(comment_form(client), "Typed on another site's page")
    response = client.post(POST_PATH, data=data, headers=headers)
    assert response.status_code == 403
    assert "sent from another website" in response.text
    assert "Typed on another site&#39;s page" in response.text
    assert 'value="Ann"' in response.text
    assert "Set-Cookie" not in response.headers
    with app.app_context():
        assert db.session.query(Comment).filter_by(author_name="Ann").count() == 0


@pytest.mark.parametrize(
    "headers", SAME_SITE_HEADERS, ids=["same-origin", "none", "origin", "no-browser"]
)
def test_a_comment_from_this_site_or_no_browser_is_accepted(client, headers):
    data = filled(comment_form(client), "Typed on the forum's own page")
    assert client.post(POST_PATH, data=data, headers=headers).status_code == 302


@pytest.mark.parametrize("app_config", [{"FORUM_BASE_URL": "https://forum.example.org"}])
def test_the_configured_base_url_is_this_site(client):
    data = filled(comment_form(client), "Through a proxy that rewrites Host")
    headers = {"Origin": "https://forum.example.org"}
    assert client.post(POST_PATH, data=data, headers=headers).status_code == 302


def test_every_unsafe_request_is_checked_not_only_the_comment_form(app, client, mod_client):
    seed = app.test_client().get(f"/api/articles/{ARTICLE}/comments").json["comments"][0]["id"]
    page = client.get(ARTICLE_PATH).text
    helpful = form_fields(page, f"/comments/{seed}/helpful")
    report = {**form_fields(page, f"/comments/{seed}/helpful"), "reason": "spam"}
    subscribe = {**form_fields(page, "/subscribe"), "email": "s@patients.test"}
    login = {"csrf_token": csrf_token(app.test_client(), "/login"), "email": "x@y.test"}
    moderation = {"csrf_token": csrf_token(mod_client, "/moderation/")}
    attack = CROSS_SITE_HEADERS[0]
    for path, data, who in [
        (f"/comments/{seed}/helpful", helpful, client),
        (f"/comments/{seed}/report", report, client),
        (f"{ARTICLE_PATH}/subscribe", subscribe, client),
        ("/login", login, app.test_client()),
        (f"/moderation/comments/{seed}/reject", moderation, mod_client),
    ]:
        response = who.post(path, data=data, headers=attack)
        assert response.status_code == 403, path
    # …and the same forms from this site work, with one token for everyone.
    same = {"Sec-Fetch-Site": "same-origin"}
    assert client.post(f"/comments/{seed}/helpful", data=helpful, headers=same).status_code == 302
    assert client.post(f"/comments/{seed}/report", data=report, headers=same).status_code == 302
    other = app.test_client()
    response = other.post(f"{ARTICLE_PATH}/subscribe", data=subscribe, headers=same)
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Comment, seed).status is CommentStatus.APPROVED


def test_the_report_page_sets_no_cookie_and_its_form_works(app, client):
    seed = app.test_client().get(f"/api/articles/{ARTICLE}/comments").json["comments"][0]["id"]
    page = client.get(f"/comments/{seed}/report")
    assert page.status_code == 200 and "Set-Cookie" not in page.headers
    data = {**form_fields(page.text, "/report"), "reason": "misinformation"}
    assert client.post(f"/comments/{seed}/report", data=data).status_code == 302


@pytest.mark.parametrize("token", [None, "", "forged", "WzEsMSwxXQ.forged", "x" * 300], ids=str)
def test_a_public_form_without_its_valid_token_gets_400(app, client, token):
    data = filled(comment_form(client), "Kept although refused")
    if token is None:
        data.pop("csrf_token")
    else:
        data["csrf_token"] = token
    response = client.post(POST_PATH, data=data)
    assert response.status_code == 400
    assert "Kept although refused" in response.text


def test_an_expired_form_token_gets_400_and_a_fresh_one(app, client, monkeypatch):
    data = filled(comment_form(client), "Written over two days")
    later = time.time() + app.config["FORUM_FORM_MAX_AGE"] + 60
    monkeypatch.setattr(forgery, "now", lambda: later)
    response = client.post(POST_PATH, data=data)
    assert response.status_code == 400 and "Written over two days" in response.text
    again = form_fields(response.text, POST_PATH)
    assert again["csrf_token"] != data["csrf_token"]
    assert (
        client.post(POST_PATH, data={**data, "csrf_token": again["csrf_token"]}).status_code == 302
    )


# --- The time trap on a shared page -------------------------------------------------------

TRAP = pytest.mark.parametrize(
    "app_config", [{"FORUM_MIN_FORM_SECONDS": 3, "FORUM_FORM_STAMP_SECONDS": 15}]
)


@TRAP
def test_a_bot_with_a_script_that_posts_at_once_is_spam(app, client):
    app.test_client().get(ARTICLE_PATH)  # the page is in the cache already
    cid = comment_id(client.post(POST_PATH, data=filled(comment_form(client), "Buy now")))
    status, reasons = status_of(app, cid)
    assert status is CommentStatus.SPAM and "after the form was served" in reasons


@TRAP
def test_a_bot_without_a_script_that_posts_at_once_is_caught(app, client, monkeypatch):
    """Whatever the age of the cached page it fetched: spam if the page is younger than the
    minimum, else held for a moderator (it may have come from a cache just now)."""
    form = comment_form(app.test_client(), script=False)
    assert form["form_started"] == ""
    with app.app_context():
        lag = shared_page_lag()
        built = forgery.read_form_token(form["csrf_token"]).issued
    # Fetched from a cache that kept the page 0 s, 10 s or as long as it may; posted 1 s later.
    for cache_age in (0, 10, lag):
        monkeypatch.setattr(forgery, "now", lambda age=cache_age: built + age + 1)
        bot = app.test_client()
        response = bot.post(POST_PATH, data=filled(form, f"Cheap pills {cache_age}"))
        status, reasons = status_of(app, comment_id(response))
        assert "form" in reasons, (cache_age, reasons)
        if cache_age == 0:
            assert status is CommentStatus.SPAM
        else:  # held: with no script, a fast bot and a quick person look alike
            assert status is CommentStatus.PENDING
            assert "without JavaScript too soon after a cached page" in reasons


@TRAP
def test_a_person_who_writes_for_a_minute_is_never_caught(app, client, monkeypatch):
    """With or without the script, on a page that a cache kept as long as it may."""
    with app.app_context():
        lag = shared_page_lag()
    built = time.time()
    forms = {script: comment_form(app.test_client(), script=script) for script in (True, False)}
    for script, form in forms.items():
        writer = app.test_client()
        # The page was as old as a cache may keep it, then the person wrote for a minute.
        monkeypatch.setattr(forgery, "now", lambda: built + lag + 60)
        body = f"A minute of careful writing (script: {script})"
        data = {**filled(form, body), "author_email": f"ann{int(script)}@patients.test"}
        if script:
            time.sleep(3.05)  # the script's start is the server's clock: wait for real
        cid = comment_id(writer.post(POST_PATH, data=data))
        status, reasons = status_of(app, cid)
        assert status is CommentStatus.PENDING, reasons  # a newcomer's comment waits
        assert "form" not in reasons, reasons


@TRAP
def test_fixing_a_mistake_without_the_script_keeps_the_pages_start(app, client, monkeypatch):
    start = time.time()
    form = comment_form(client, script=False)
    monkeypatch.setattr(forgery, "now", lambda: start + 120)
    wrong = client.post(POST_PATH, data={**filled(form, "Typed once"), "author_name": ""})
    assert wrong.status_code == 422
    again = form_fields(wrong.text, POST_PATH)
    assert again["csrf_token"] == form["csrf_token"] and again["form_started"] == ""
    cid = comment_id(client.post(POST_PATH, data=filled(again, "Typed once")))
    assert "form" not in status_of(app, cid)[1]


def test_the_start_time_is_asked_for_per_reader_and_never_kept(app, client):
    page = client.get(ARTICLE_PATH).text
    assert f'data-form-start="{ARTICLE_PATH}/form-start"' in page
    first, second = (
        client.get(f"{ARTICLE_PATH}/form-start"),
        client.get(f"{ARTICLE_PATH}/form-start"),
    )
    assert first.json["form_started"] and "Set-Cookie" not in first.headers
    assert first.cache_control.no_store and first.cache_control.private
    assert client.get("/articles/nope/form-start").status_code == 404
    assert second.status_code == 200


# --- From outside: real HTTP on a live server ----------------------------------------------


def _http(url: str, data: bytes | None = None, headers: dict | None = None):
    """(status, headers, body) of one request, redirects not followed, connection closed."""
    request = urllib.request.Request(url, data=data, headers=headers or {})  # noqa: S310
    opener = urllib.request.build_opener(NoRedirect)
    try:
        response = opener.open(request, timeout=10)
    except urllib.error.HTTPError as error:
        response = error
    with response:
        return response.status, response.headers, response.read()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def test_over_http_shared_bytes_no_cookie_and_cross_site_refused(app, live_url):
    (_, first, body), (_, _, again) = _http(live_url + ARTICLE_PATH), _http(live_url + ARTICLE_PATH)
    assert body == again
    assert first.get_all("Set-Cookie") is None
    assert "public" in first["Cache-Control"]
    form = form_fields(body.decode(), POST_PATH)
    data = urllib.parse.urlencode(filled(form, "Over the wire")).encode()
    post = {"Content-Type": "application/x-www-form-urlencoded"}
    status, _, text = _http(live_url + POST_PATH, data, {**post, "Sec-Fetch-Site": "cross-site"})
    assert status == 403 and b"Over the wire" in text
    same = {**post, "Sec-Fetch-Site": "same-origin", "Origin": live_url}
    assert _http(live_url + POST_PATH, data, same)[0] == 302


def test_under_gunicorn_every_worker_serves_the_same_bytes_and_no_personal_page(
    database_url, tmp_path
):
    """`make run`'s shape from outside: two workers, each with its own memory, one page."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CACHE_", "FORUM_"))}
    env.update(
        DATABASE_URL=database_url,
        SECRET_KEY="shared-pages-tests",
        RATELIMIT_ENABLED="false",
        FORUM_FLOOD_SECONDS="0",
        FORUM_MIN_FORM_SECONDS="0",
        FORUM_FORM_STAMP_SECONDS="3600",  # no period edge between the reads below
    )
    with GunicornServer(env, tmp_path / "gunicorn.log") as server:
        base = server.base_url
        for path in (ARTICLE_PATH, f"/api/articles/{ARTICLE}/comments", "/feed.rss"):
            answers = [_http(base + path) for _ in range(12)]  # both workers, several times
            assert {status for status, _, _ in answers} == {200}, path
            assert len({body for _, _, body in answers}) == 1, path
            assert all(headers.get_all("Set-Cookie") is None for _, headers, _ in answers)
            assert all("public" in headers["Cache-Control"] for _, headers, _ in answers)
        page = _http(base + ARTICLE_PATH)[2].decode()
        form = form_fields(page, POST_PATH)
        data = urllib.parse.urlencode(filled(form, "Seen by its author only")).encode()
        post = {"Content-Type": "application/x-www-form-urlencoded"}
        cross = _http(base + POST_PATH, data, {**post, "Sec-Fetch-Site": "cross-site"})
        assert cross[0] == 403 and b"Seen by its author only" in cross[2]
        # The author, with the cookie their comment set, gets a page of their own…
        author = browser()
        status, headers, _ = fetch(
            author, base + POST_PATH, {**filled(form, "Seen by its author only")}
        )
        assert status == 302, status
        status, headers, mine = fetch(author, base + ARTICLE_PATH)
        assert "awaiting moderation" in mine and "private" in headers["Cache-Control"]
        # …which no other reader ever gets, from either worker.
        for _ in range(6):
            status, _, body = _http(base + ARTICLE_PATH)
            assert status == 200 and b"Seen by its author only" not in body
            assert b"awaiting moderation" not in body
