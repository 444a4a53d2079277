"""Journeys through the forum in a real headless Chromium, as people would take them.

Each person is a separate browser context (own cookies). Assertions are on what
a person sees: labels, buttons, headings and text, not on the database.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect

from tests.helpers import ARTICLE, MODERATOR_EMAIL, MODERATOR_PASSWORD
from tests.live import Problems, artifacts_dir, watch

ARTICLE_PATH = f"/articles/{ARTICLE}"
AWAITING = "Your comment is awaiting moderation"

OpenContext = Callable[..., tuple[BrowserContext, Problems]]


@pytest.fixture
def open_context(browser: Browser, live_url: str) -> Iterator[OpenContext]:
    """A new person: a browser context on the live site, watched for problems."""
    contexts: list[BrowserContext] = []

    def open_(**options: object) -> tuple[BrowserContext, Problems]:
        context = browser.new_context(base_url=live_url, **options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context, watch(context)

    yield open_
    for context in contexts:
        context.close()


def comment_form(page: Page) -> Locator:
    """The comment form: the form with the "Post comment" button."""
    return page.locator("form", has=page.get_by_role("button", name="Post comment"))


def post(page: Page, body: str, name: str, email: str) -> None:
    form = comment_form(page)
    form.get_by_role("textbox", name="Comment").fill(body)
    form.get_by_role("textbox", name="Name").fill(name)
    form.get_by_role("textbox", name="Email").fill(email)
    form.get_by_role("button", name="Post comment").click()


def landed_on_comment(page: Page) -> int:
    """After posting: back on the article at #comment-<id>; returns the id."""
    pattern = re.compile(rf"{re.escape(ARTICLE_PATH)}#comment-(\d+)$")
    expect(page).to_have_url(pattern)
    match = pattern.search(page.url)
    assert match
    return int(match.group(1))


@pytest.mark.browser
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_comment_journey_from_posting_to_moderation_to_reply(
    open_context: OpenContext, live_url: str, moderator: int
) -> None:
    body = "Browser test: my rash cleared after the second IVIG infusion."
    name = "Rosa Reader"
    email = "rosa@patients.test"

    # 1. A reader posts a comment and sees it, marked as awaiting moderation.
    reader_context, reader_problems = open_context()
    reader = reader_context.new_page()
    reader.goto(ARTICLE_PATH)
    expect(reader.get_by_role("heading", name="Add a comment")).to_be_visible()
    post(reader, body, name, email)
    cid = landed_on_comment(reader)
    own = reader.locator(f"#comment-{cid}")
    expect(own).to_be_visible()
    expect(own).to_contain_text(name)
    expect(own).to_contain_text(body)
    expect(own).to_contain_text(AWAITING)

    # 2. Someone else does not see it.
    other_context, other_problems = open_context()
    other = other_context.new_page()
    other.goto(ARTICLE_PATH)
    expect(other.get_by_role("heading", name="1 comment", exact=True)).to_be_visible()
    expect(other.get_by_text(body)).to_have_count(0)
    expect(other.locator(f"#comment-{cid}")).to_have_count(0)

    # 3. A moderator signs in and approves it from the pending queue.
    mod_context, mod_problems = open_context()
    mod = mod_context.new_page()
    mod.goto("/moderation/")
    expect(mod).to_have_url(re.compile(r"/login\?next=(/|%2F)moderation(/|%2F)$"))
    mod.get_by_label("Email").fill(MODERATOR_EMAIL)
    mod.get_by_label("Password").fill(MODERATOR_PASSWORD)
    mod.get_by_role("button", name="Sign in").click()
    expect(mod).to_have_url(f"{live_url}/moderation/")
    expect(mod.get_by_role("link", name="Pending")).to_have_attribute("aria-current", "page")
    queued = mod.locator(f"#comment-{cid}")
    expect(queued).to_contain_text(body)
    expect(queued).to_contain_text(email)
    queued.get_by_role("button", name="Approve").click()
    expect(mod.get_by_role("status")).to_contain_text(f"Comment by {name} approved.")
    expect(mod.locator(f"#comment-{cid}")).to_have_count(0)

    # 4. Published: the reader, the other person and the feed all see it.
    reader.reload()
    expect(own).to_contain_text(body)
    expect(own).not_to_contain_text("awaiting moderation")
    other.reload()
    expect(other.get_by_role("heading", name="2 comments", exact=True)).to_be_visible()
    expect(other.locator(f"#comment-{cid}")).to_contain_text(body)
    feed = other.request.get(f"{live_url}/feed.rss")
    assert feed.status == 200
    assert body in feed.text()

    # 5. A reply without JavaScript: the Reply link leads to a reply form, and the
    #    reply shows nested under its parent, awaiting moderation.
    replier_context, replier_problems = open_context(java_script_enabled=False)
    replier = replier_context.new_page()
    replier.goto(ARTICLE_PATH)
    replier.locator(f"#comment-{cid}").get_by_role("link", name="Reply").click()
    expect(replier.get_by_role("heading", name=f"Reply to {name}")).to_be_visible()
    reply_body = "Browser test reply: did the rash come back between infusions?"
    post(replier, reply_body, "Paul Replier", "paul@patients.test")
    rid = landed_on_comment(replier)
    assert rid != cid
    nested = replier.locator(f"li:has(> #comment-{cid}) > ol.replies #comment-{rid}")
    expect(nested).to_be_visible()
    expect(nested).to_contain_text(reply_body)
    expect(nested).to_contain_text(AWAITING)

    # 6. A mistake: the message is next to the Email field and the text is kept.
    reader.goto(ARTICLE_PATH)
    post(reader, "Kept text <with> & symbols", name, "not-an-address")
    form = comment_form(reader)
    expect(reader.get_by_role("alert")).to_contain_text("Your comment was not posted yet")
    email_field = form.get_by_role("textbox", name="Email")
    expect(email_field).to_have_attribute("aria-invalid", "true")
    expect(email_field).to_have_accessible_description(
        re.compile("Please enter a valid email address")
    )
    expect(form.locator(".field.has-error")).to_contain_text("Please enter a valid email address")
    expect(form.get_by_role("textbox", name="Comment")).to_have_value("Kept text <with> & symbols")
    expect(email_field).to_have_value("not-an-address")

    # The public page as it ends up, for a person to look at.
    other.reload()
    other.screenshot(path=artifacts_dir() / "article-after-journey.png", full_page=True)

    post_url = f"{live_url}{ARTICLE_PATH}/comments"
    assert reader_problems.unexpected(("POST", post_url, 422)) == []
    for problems in (other_problems, mod_problems, replier_problems):
        assert problems.unexpected() == []


def sign_in_as_moderator(page: Page) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill(MODERATOR_EMAIL)
    page.get_by_label("Password").fill(MODERATOR_PASSWORD)
    page.get_by_role("button", name="Sign in").click()


@pytest.mark.browser
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_moderator_works_the_queue_with_the_keyboard_then_signs_out(
    open_context: OpenContext, moderator: int
) -> None:
    reader, _ = open_context()
    page = reader.new_page()
    page.goto(ARTICLE_PATH)
    post(page, "First comment for the keyboard.", "Kim Keys", "kim@example.org")
    first = landed_on_comment(page)
    page.goto(ARTICLE_PATH)
    post(page, "Second comment for the keyboard.", "Lee Keys", "lee@example.org")
    second = landed_on_comment(page)

    mod_context, problems = open_context()
    mod = mod_context.new_page()
    sign_in_as_moderator(mod)
    mod.goto("/moderation/")
    expect(mod).to_have_title(re.compile(r"^\(2\) Moderation"))
    mod.get_by_text("Keyboard shortcuts").click()
    expect(mod.get_by_text("approve the selected comment")).to_be_visible()
    mod.locator("body").press("j")
    expect(mod.locator(f"#comment-{first}")).to_have_class(re.compile("selected"))
    mod.locator("body").press("a")
    expect(mod.get_by_text("Comment by Kim Keys approved.")).to_be_visible()
    expect(mod).to_have_title(re.compile(r"^\(1\) Moderation"))
    mod.locator("body").press("j")
    mod.locator("body").press("s")
    expect(mod.get_by_text("Comment by Lee Keys marked as spam.")).to_be_visible()
    expect(mod.locator(f"#comment-{second}")).to_have_count(0)
    mod.get_by_role("button", name="Sign out").click()
    mod.goto("/moderation/")
    expect(mod).to_have_url(re.compile(r"/login"))

    public, _ = open_context()
    view = public.new_page()
    view.goto(ARTICLE_PATH)
    expect(view.get_by_text("First comment for the keyboard.")).to_be_visible()
    expect(view.get_by_text("Second comment for the keyboard.")).to_have_count(0)
    # A keypress navigates at once, which may cut short the script's own loading.
    assert [p for p in problems.unexpected() if "net::ERR_ABORTED" not in p] == []


@pytest.mark.browser
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_reply_form_moves_under_the_comment_with_javascript(
    open_context: OpenContext, moderator: int
) -> None:
    context, problems = open_context()
    page = context.new_page()
    page.goto(ARTICLE_PATH)
    seed = page.locator("article.comment").first
    seed.get_by_role("link", name=re.compile("^Reply")).click()
    expect(page).to_have_url(re.compile(r"/articles/ivig-for-lupus$"))  # no reload
    expect(page.locator("#respond-title")).to_have_text("Reply to A reader")
    assert (
        page.evaluate("() => document.querySelector('article.comment').nextElementSibling.id")
        == "respond"
    )
    form = comment_form(page)
    form.get_by_role("textbox", name="Comment").fill("Replying in place.")
    expect(page.locator("#body-count")).to_have_text("18 of 5,000 characters")
    page.get_by_role("button", name="Cancel reply").click()
    expect(page.locator("#respond-title")).to_have_text("Add a comment")
    seed.get_by_role("link", name=re.compile("^Reply")).click()
    post(page, "Replying in place.", "Ria", "ria@example.org")
    reply = landed_on_comment(page)
    nested = page.locator(f"ol.replies #comment-{reply}")
    expect(nested).to_contain_text("Replying in place.")
    assert problems.unexpected() == []
