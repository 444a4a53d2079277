"""The shared page in a real Chromium: the time trap with the page's script, and a forged
form on another site refused by the browser's own Sec-Fetch-Site and Origin headers."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from flask import Flask
from playwright.sync_api import Browser, BrowserContext, Page, expect

from forum.extensions import db
from forum.models import Comment, CommentStatus
from tests.helpers import ARTICLE, newcomer_email
from tests.live import watch

ARTICLE_PATH = f"/articles/{ARTICLE}"
SQLITE_ONLY = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
TRAP = pytest.mark.parametrize("app_config", [{"FORUM_MIN_FORM_SECONDS": 2}], ids=["trap"])
pytestmark = [pytest.mark.browser, SQLITE_ONLY, TRAP]


@pytest.fixture
def context(browser: Browser, live_url: str) -> Iterator[BrowserContext]:
    context = browser.new_context(base_url=live_url)
    context.set_default_timeout(10_000)
    yield context
    context.close()


def fill(page: Page, body: str) -> None:
    form = page.locator("form.comment-form")
    form.get_by_role("textbox", name="Comment").fill(body)
    form.get_by_role("textbox", name="Name").fill("Ann Example")
    form.get_by_role("textbox", name="Email").fill(newcomer_email())


def posted(app: Flask, page: Page) -> tuple[CommentStatus, str]:
    expect(page).to_have_url(re.compile(r"#comment-\d+$"))
    cid = int(page.url.rsplit("-", 1)[1])
    with app.app_context():
        comment = db.session.get(Comment, cid)
        return comment.status, comment.screening_reasons or ""


def test_the_script_asks_for_the_start_and_the_trap_tells_bot_from_person(app, context, live_url):
    problems = watch(context)
    app.test_client().get(ARTICLE_PATH)  # the page every reader gets is built already
    person = context.new_page()
    first = person.goto(ARTICLE_PATH)
    assert first is not None and "set-cookie" not in first.headers
    started = person.locator("form.comment-form input[name=form_started]")
    expect(started).to_have_value("")
    with person.expect_response(re.compile(r"/form-start$")):
        fill(person, "Written slowly, as people do.")
    expect(started).not_to_have_value("")
    person.wait_for_timeout(2_200)
    person.get_by_role("button", name="Post comment").click()
    status, reasons = posted(app, person)
    assert status is CommentStatus.PENDING and "form" not in reasons, reasons

    bot = context.browser.new_context(base_url=live_url)  # another reader, no cookie
    try:
        page = bot.new_page()
        page.goto(ARTICLE_PATH)
        with page.expect_response(re.compile(r"/form-start$")):
            fill(page, "Cheap pills, posted at once")
        page.get_by_role("button", name="Post comment").click()
        status, reasons = posted(app, page)
        assert status is CommentStatus.SPAM and "after the form was served" in reasons
    finally:
        bot.close()
    assert problems.unexpected() == []


def test_a_form_on_another_site_is_refused_by_the_browsers_own_headers(app, context, live_url):
    evil = context.new_page()
    # Another site's page (served by the browser's router) with a copy of the comment form.
    forum_page = app.test_client().get(ARTICLE_PATH).text
    token = re.search(r'name="csrf_token" value="([^"]+)"', forum_page).group(1)
    html = f"""<!doctype html><title>Win a prize</title>
    <form method="post" action="{live_url}{ARTICLE_PATH}/comments">
      <input type="hidden" name="csrf_token" value="{token}">
      <input name="author_name" value="Ann"><input name="author_email" value="ann@patients.test">
      <textarea name="body">Posted by another site in Ann's name</textarea>
      <button type="submit">Claim</button></form>"""
    evil.route(
        "http://prizes.example/", lambda route: route.fulfill(body=html, content_type="text/html")
    )
    evil.goto("http://prizes.example/")
    with evil.expect_response(f"{live_url}{ARTICLE_PATH}/comments") as answer:
        evil.get_by_role("button", name="Claim").click()
    response = answer.value
    assert response.status == 403
    sent = response.request.all_headers()
    # Chromium names the other site in Origin; Sec-Fetch-Site only goes to secure origins.
    assert sent.get("origin") == "http://prizes.example"
    assert sent.get("sec-fetch-site") in (None, "cross-site")
    expect(evil.get_by_role("alert")).to_contain_text("sent from another website")
    expect(evil.locator("form.comment-form textarea[name=body]")).to_have_value(
        "Posted by another site in Ann's name"
    )
    evil.wait_for_load_state("networkidle")  # the refusal page's favicon too
    with app.app_context():
        assert db.session.query(Comment).filter_by(author_name="Ann").count() == 0
