"""More journeys in a real headless Chromium, each with JavaScript on and, where it applies, off.

tests/test_browser.py follows one comment from posting to moderation to a reply.
These take the other roads a person takes: posting, replying, mistakes, the
preview, the moderator's queue, the feeds, sharing an experience, reporting,
sorting and "This helped me", and the small things JavaScript adds on top.

Each person is a browser context of their own (own cookies); `javascript` says
whether it runs scripts. Assertions are on what the person sees. Comments that
set the scene, and approvals outside the journey being tested, go through the
Flask test client (tests/helpers.py), which is quicker than a browser.
Replies and sorting, whose order comes from the database's queries, run on every
backend; the other journeys run on SQLite only, as what they store and count is
checked on both backends over HTTP (test_posting, test_experiences, test_feeds,
test_moderator_tools).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import feedparser
import pytest
from flask.testing import FlaskClient
from playwright.sync_api import Browser, BrowserContext, Dialog, Locator, Page, expect

from tests.helpers import (
    ARTICLE,
    MODERATOR_EMAIL,
    MODERATOR_PASSWORD,
    approved,
    comment_id,
    moderate,
    newcomer_email,
    post_as_newcomer,
)
from tests.live import Problems, watch

ARTICLE_PATH = f"/articles/{ARTICLE}"
AWAITING = "Your comment is awaiting moderation"
THANKS_AWAITING = "Thank you. Your comment is awaiting moderation."
SEED_AUTHOR = "A reader"  # the bundled article's one published comment

JAVASCRIPT = pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
SQLITE_ONLY = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)

Person = Callable[..., tuple[Page, Problems]]


@pytest.fixture
def person(browser: Browser, live_url: str) -> Iterator[Person]:
    """A new person on the live site: a page in a context of their own, watched for problems."""
    contexts: list[BrowserContext] = []

    def open_(javascript: bool = True) -> tuple[Page, Problems]:
        context = browser.new_context(base_url=live_url, java_script_enabled=javascript)
        context.set_default_timeout(10_000)
        contexts.append(context)
        problems = watch(context)
        return context.new_page(), problems

    yield open_
    for context in contexts:
        context.close()


# --- What people do -------------------------------------------------------------------------


def comment_form(page: Page) -> Locator:
    """The comment form: the form with the "Post comment" button."""
    return page.locator("form", has=page.get_by_role("button", name="Post comment"))


def fill_comment(page: Page, body: str, name: str, email: str, website: str = "") -> None:
    form = comment_form(page)
    form.get_by_role("textbox", name="Comment").fill(body)
    form.get_by_role("textbox", name="Name").fill(name)
    form.get_by_role("textbox", name="Email").fill(email)
    if website:
        form.get_by_role("textbox", name="Website").fill(website)


def post(page: Page, body: str, name: str, email: str, website: str = "") -> int:
    """Fill in the comment form, post it and land on the new comment; returns its id."""
    fill_comment(page, body, name, email, website)
    comment_form(page).get_by_role("button", name="Post comment").click()
    return landed_on_comment(page)


def landed_on_comment(page: Page) -> int:
    """After posting: back on the article at #comment-<id>; returns the id."""
    pattern = re.compile(rf"{re.escape(ARTICLE_PATH)}(\?[^#]*)?#comment-(\d+)$")
    expect(page).to_have_url(pattern)
    match = pattern.search(page.url)
    assert match
    return int(match.group(2))


def sign_in_as_moderator(page: Page) -> None:
    """Open the queue, get sent to sign in, sign in and come back to the queue."""
    page.goto("/moderation/")
    expect(page).to_have_url(re.compile(r"/login\?next="))
    page.get_by_label("Email").fill(MODERATOR_EMAIL)
    page.get_by_label("Password").fill(MODERATOR_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/moderation/$"))


def status_message(page: Page) -> Locator:
    """The flashed messages at the top of the page."""
    return page.locator(".flashes[role=status]")


def experience_part(page: Page) -> Locator:
    """The "Share your IVIG experience" part of the comment form, opened."""
    form = comment_form(page)
    details = form.locator("details.experience-form")
    if details.get_attribute("open") is None:
        details.get_by_text("Share your IVIG experience").click()
    expect(details.get_by_role("group", name="Have you had IVIG?")).to_be_visible()
    return details


def choose(part: Locator, question: str, *answers: str) -> None:
    group = part.get_by_role("group", name=question, exact=True)
    for answer in answers:
        group.get_by_label(answer, exact=True).check()


def comment_authors(page: Page) -> list[str]:
    """The authors of the top-level comments of the discussion, in the order shown."""
    return [
        text.strip()
        for text in page.locator(
            "ol.threads > li > article.comment .comment-author"
        ).all_inner_texts()
    ]


def wait_until(page: Page, condition: Callable[[], bool], timeout_ms: int = 5_000) -> None:
    """Let the browser's events arrive until `condition` holds; fail after `timeout_ms`."""
    for _ in range(timeout_ms // 50):
        if condition():
            return
        page.wait_for_timeout(50)
    assert condition()


def post_url(live_url: str) -> str:
    return f"{live_url}{ARTICLE_PATH}/comments"


# --- Posting --------------------------------------------------------------------------------


# The screening rules as a site has them (the other tests turn them off), a little quicker:
# a form sent back within a second is a bot's, and one comment per 15 s from an address.
REAL_SCREENING = pytest.mark.parametrize(
    "app_config", [{"FORUM_MIN_FORM_SECONDS": 1, "FORUM_FLOOD_SECONDS": 15}], ids=["screening"]
)


@pytest.mark.browser
@SQLITE_ONLY
@REAL_SCREENING
@JAVASCRIPT
def test_posted_comment_waits_for_moderation_seen_only_by_its_author(
    person: Person, javascript: bool, live_url: str
) -> None:
    body = "Posting journey: IVIG every four weeks keeps my platelets up."
    name = "Nora Newcomer"
    email = newcomer_email()
    reader, reader_problems = person(javascript)
    reader.goto(ARTICLE_PATH)
    expect(reader.get_by_role("heading", name="Add a comment")).to_be_visible()
    expect(reader.get_by_text("Your email address will not be published.")).to_contain_text(
        "Required fields are marked *"
    )
    fill_comment(reader, body, name, email, "https://nora.example.org/blog")
    reader.wait_for_timeout(1_200)  # a person takes longer than the bots' second
    comment_form(reader).get_by_role("button", name="Post comment").click()
    cid = landed_on_comment(reader)

    expect(status_message(reader)).to_contain_text(THANKS_AWAITING)
    own = reader.locator(f"#comment-{cid}")
    expect(own).to_contain_text(body)
    expect(own).to_contain_text(AWAITING)
    expect(own.get_by_role("heading", name=name)).to_be_visible()
    # Not published yet: no link to the website, no reply, report or helpful buttons.
    expect(own.get_by_role("link", name=name)).to_have_count(0)
    expect(own.get_by_role("link", name=re.compile("^Reply"))).to_have_count(0)
    expect(own.get_by_role("link", name=re.compile("^Report"))).to_have_count(0)
    expect(own.get_by_role("button", name=re.compile("^This helped me"))).to_have_count(0)
    # Still there for its author on a later visit (signed cookie), without the thank-you.
    reader.goto(ARTICLE_PATH)
    expect(own).to_contain_text(AWAITING)
    expect(status_message(reader)).to_have_count(0)
    expect(reader.get_by_role("heading", name="1 comment", exact=True)).to_be_visible()

    # A second comment straight away is refused for now, with everything typed kept.
    second = "Posting journey: and one more thing about platelets."
    fill_comment(reader, second, name, email)
    reader.wait_for_timeout(1_200)
    comment_form(reader).get_by_role("button", name="Post comment").click()
    expect(reader.get_by_role("alert")).to_contain_text(
        re.compile(r"You are posting too quickly\. Please wait \d+ seconds?")
    )
    form = comment_form(reader)
    expect(form.get_by_role("textbox", name="Comment")).to_have_value(second)
    expect(form.get_by_role("textbox", name="Email")).to_have_value(email)
    expect(reader.locator("article.comment", has_text=second)).to_have_count(0)

    other, other_problems = person(javascript)
    other.goto(ARTICLE_PATH)
    expect(other.get_by_role("heading", name="1 comment", exact=True)).to_be_visible()
    expect(other.get_by_role("article", name=SEED_AUTHOR)).to_be_visible()
    expect(other.get_by_text(body)).to_have_count(0)
    expect(other.locator(f"#comment-{cid}")).to_have_count(0)
    expect(other.get_by_text(AWAITING)).to_have_count(0)

    assert reader_problems.unexpected(("POST", post_url(live_url), 429)) == []
    assert other_problems.unexpected() == []


# --- Replying -------------------------------------------------------------------------------


@pytest.mark.browser
@JAVASCRIPT
def test_reply_goes_under_its_parent(
    person: Person,
    javascript: bool,
    live_url: str,
    client: FlaskClient,
    mod_client: FlaskClient,
) -> None:
    parent_name = "Pat Parent"
    parent = approved(
        client, mod_client, author_name=parent_name, body="Reply journey: my first infusion."
    )
    replier, problems = person(javascript)
    replier.goto(ARTICLE_PATH)
    replier.locator(f"#comment-{parent}").get_by_role(
        "link", name=f"Reply to {parent_name}"
    ).click()
    expect(replier.get_by_role("heading", name=f"Reply to {parent_name}")).to_be_visible()
    if javascript:
        # The form moves under the comment; the page is not reloaded.
        expect(replier).to_have_url(f"{live_url}{ARTICLE_PATH}")
        expect(replier.locator(f"#comment-{parent} + #respond")).to_be_visible()
        expect(replier.get_by_role("textbox", name="Comment")).to_be_focused()
        expect(replier.get_by_role("button", name="Cancel reply")).to_be_visible()
    else:
        # A page of its own for the reply form, which can be left without replying.
        expect(replier).to_have_url(
            re.compile(rf"{re.escape(ARTICLE_PATH)}\?replytocom={parent}#respond$")
        )
        expect(replier.get_by_role("link", name="Cancel reply")).to_be_visible()
    reply_body = "Reply journey: how long did the headache last?"
    rid = post(replier, reply_body, "Quinn Replier", newcomer_email())
    nested = replier.locator(f"li:has(> #comment-{parent}) > ol.replies #comment-{rid}")
    expect(nested).to_contain_text(reply_body)
    expect(nested).to_contain_text(AWAITING)

    reader, reader_problems = person(javascript)
    reader.goto(ARTICLE_PATH)
    expect(reader.get_by_text(reply_body)).to_have_count(0)
    assert moderate(mod_client, rid, "approve").status_code == 302
    reader.reload()
    published = reader.locator(f"li:has(> #comment-{parent}) > ol.replies #comment-{rid}")
    expect(published).to_contain_text(reply_body)
    expect(published.get_by_role("heading", name="Quinn Replier")).to_be_visible()
    expect(published).not_to_contain_text("awaiting moderation")
    expect(reader.get_by_role("heading", name="3 comments", exact=True)).to_be_visible()

    assert problems.unexpected() == []
    assert reader_problems.unexpected() == []


# --- Mistakes and the preview ---------------------------------------------------------------


@pytest.mark.browser
@SQLITE_ONLY
@JAVASCRIPT
def test_mistakes_are_shown_next_to_their_fields_and_everything_typed_is_kept(
    person: Person, javascript: bool, live_url: str
) -> None:
    page, problems = person(javascript)
    page.goto(ARTICLE_PATH)
    form = comment_form(page)
    # No comment, no name, an address that is not one, a website that is not on the web,
    # and "None" together with a side effect.
    form.get_by_role("textbox", name="Email").fill("not-an-address")
    form.get_by_role("textbox", name="Website").fill("ftp://files.example.org/me")
    choose(form, "I am a…", "Caregiver or family")
    part = experience_part(page)
    choose(part, "Have you had IVIG?", "Received it in the past")
    choose(part, "What for?", "Arthritis", "Lupus nephritis")
    choose(part, "How was it given?", "Infusion at home")
    choose(part, "Side effects", "None", "Headache")
    choose(part, "How much did it help?", "3")
    choose(part, "How soon did it work?", "Within weeks")
    form.get_by_role("button", name="Post comment").click()

    expect(page.get_by_role("alert")).to_contain_text(
        "Your comment was not posted yet. Please correct the fields marked below"
    )
    form = comment_form(page)
    messages = {
        "Comment": "Please write your comment.",
        "Name": "Please enter your name.",
        "Email": "Please enter a valid email address",
        "Website": "Please enter a web address starting with http:// or https://.",
    }
    for label, message in messages.items():
        field = form.get_by_role("textbox", name=label)
        expect(field).to_have_attribute("aria-invalid", "true")
        expect(field).to_have_accessible_description(re.compile(re.escape(message)))
        in_field = form.locator(".field.has-error", has=page.get_by_role("textbox", name=label))
        expect(in_field).to_contain_text(message)
    effects = form.get_by_role("group", name="Side effects", exact=True)
    expect(effects).to_have_accessible_description(
        "Choose “None” or the side effects you had, not both."
    )
    # Everything typed and chosen is still there, and the experience part is open.
    expect(form.get_by_role("textbox", name="Email")).to_have_value("not-an-address")
    expect(form.get_by_role("textbox", name="Website")).to_have_value("ftp://files.example.org/me")
    part = form.locator("details.experience-form")
    expect(part).to_have_attribute("open", "")
    for question, answer in [
        ("I am a…", "Caregiver or family"),
        ("Have you had IVIG?", "Received it in the past"),
        ("What for?", "Arthritis"),
        ("What for?", "Lupus nephritis"),
        ("How was it given?", "Infusion at home"),
        ("Side effects", "None"),
        ("Side effects", "Headache"),
        ("How much did it help?", "3"),
        ("How soon did it work?", "Within weeks"),
    ]:
        group = form.get_by_role("group", name=question, exact=True)
        expect(group.get_by_label(answer, exact=True)).to_be_checked()
    expect(
        form.get_by_role("group", name="What for?").get_by_role("checkbox", checked=True)
    ).to_have_count(2)

    # Correct what was wrong: the rest stays as it was, and the comment is posted.
    form.get_by_role("textbox", name="Comment").fill("Mistakes journey: IVIG at home suits me.")
    form.get_by_role("textbox", name="Name").fill("Mia Mistake")
    form.get_by_role("textbox", name="Email").fill(newcomer_email())
    form.get_by_role("textbox", name="Website").fill("https://mia.example.org")
    effects.get_by_label("None", exact=True).uncheck()
    form.get_by_role("button", name="Post comment").click()
    cid = landed_on_comment(page)
    own = page.locator(f"#comment-{cid}")
    expect(own).to_contain_text(AWAITING)
    expect(own).to_contain_text(
        "Received IVIG · lupus nephritis, arthritis · infusion at home · headache"
        " · helped 3/5 · within weeks"
    )
    expect(own).to_contain_text("Caregiver or family")

    assert problems.unexpected(("POST", post_url(live_url), 422)) == []


@pytest.mark.browser
@SQLITE_ONLY
@JAVASCRIPT
def test_preview_shows_the_comment_as_published_then_it_is_posted(
    person: Person, javascript: bool
) -> None:
    page, problems = person(javascript)
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(ARTICLE_PATH)
    body = "Preview journey: IVIG **really** helped.\n\n<script>alert('gotcha')</script>"
    email = newcomer_email()
    fill_comment(page, body, "Pia Preview", email)
    comment_form(page).get_by_role("button", name="Preview").click()

    preview = page.get_by_role("region", name="Preview: your comment as it will be published")
    expect(preview).to_be_visible()
    expect(preview.locator("strong")).to_have_text("really")
    expect(preview).to_contain_text("Pia Preview")
    # The script is shown as the text it is, and does nothing.
    expect(preview).to_contain_text("<script>alert('gotcha')</script>")
    expect(preview.locator("script")).to_have_count(0)
    expect(preview).to_contain_text("Nothing is posted yet.")
    expect(status_message(page)).to_have_count(0)
    form = comment_form(page)
    expect(form.get_by_role("textbox", name="Comment")).to_have_value(body)
    expect(form.get_by_role("textbox", name="Name")).to_have_value("Pia Preview")
    expect(form.get_by_role("textbox", name="Email")).to_have_value(email)

    # Edit after seeing it, then post.
    form.get_by_role("textbox", name="Name").fill("Pia P.")
    form.get_by_role("button", name="Post comment").click()
    cid = landed_on_comment(page)
    own = page.locator(f"#comment-{cid}")
    expect(own).to_contain_text(AWAITING)
    expect(own.get_by_role("heading", name="Pia P.")).to_be_visible()
    expect(own.locator(".comment-body strong")).to_have_text("really")
    expect(own).to_contain_text("<script>alert('gotcha')</script>")
    expect(page.get_by_role("region", name=re.compile("^Preview"))).to_have_count(0)

    assert dialogs == []
    assert problems.unexpected() == []


# --- The moderator --------------------------------------------------------------------------


@pytest.mark.browser
@SQLITE_ONLY
@JAVASCRIPT
def test_moderator_signs_in_decides_and_signs_out(
    person: Person, javascript: bool, client: FlaskClient, moderator: int
) -> None:
    names = ["Ida First", "Jon Second", "Kai Third"]
    ids = [
        comment_id(post_as_newcomer(client, author_name=n, body=f"Queue journey: {n}."))
        for n in names
    ]
    mod, problems = person(javascript)
    sign_in_as_moderator(mod)
    expect(mod).to_have_title(re.compile(r"^\(3\) Moderation"))
    expect(mod.get_by_role("link", name="Pending (3)")).to_have_attribute("aria-current", "page")
    mod.wait_for_load_state("load")  # the shortcuts' script has run

    def decided(message: str, pending: int) -> None:
        expect(status_message(mod)).to_contain_text(message)
        title = rf"^\({pending}\) Moderation" if pending else r"^Moderation"
        expect(mod).to_have_title(re.compile(title))
        # The next key must reach the new page's script, not the page being left.
        mod.wait_for_load_state("load")

    if javascript:
        help_text = mod.get_by_text("approve the selected comment")
        expect(help_text).to_be_hidden()
        mod.keyboard.press("?")
        expect(help_text).to_be_visible()
        mod.keyboard.press("?")
        expect(help_text).to_be_hidden()
        for key in "jjk":
            mod.keyboard.press(key)
        expect(mod.locator(f"#comment-{ids[0]}")).to_have_class(re.compile(r"\bselected\b"))
        expect(mod.locator(f"#comment-{ids[1]}")).not_to_have_class(re.compile(r"\bselected\b"))
        mod.keyboard.press("a")
        decided(f"Comment by {names[0]} approved.", 2)
        mod.keyboard.press("j")
        mod.keyboard.press("r")
        decided(f"Comment by {names[1]} rejected.", 1)
        mod.keyboard.press("j")
        mod.keyboard.press("s")
        decided(f"Comment by {names[2]} marked as spam.", 0)
    else:
        # Without JavaScript every action is still a button of its own.
        for name, (button, done, pending) in zip(
            names,
            [("Approve", "approved", 2), ("Reject", "rejected", 1), ("Spam", "marked as spam", 0)],
            strict=True,
        ):
            mod.get_by_role("button", name=f"{button} the comment by {name}").click()
            decided(f"Comment by {name} {done}.", pending)
    for cid in ids:
        expect(mod.locator(f"#comment-{cid}")).to_have_count(0)
    expect(mod.get_by_text("No pending comments.")).to_be_visible()

    mod.get_by_role("button", name="Sign out").click()
    expect(mod.get_by_role("link", name="Moderator sign-in")).to_be_visible()
    expect(mod.get_by_role("button", name="Sign out")).to_have_count(0)
    mod.goto("/moderation/")
    expect(mod).to_have_url(re.compile(r"/login\?next="))
    expect(mod.get_by_role("button", name="Sign in")).to_be_visible()

    mod.goto(ARTICLE_PATH)
    expect(mod.get_by_text(f"Queue journey: {names[0]}.")).to_be_visible()
    for name in names[1:]:
        expect(mod.get_by_text(f"Queue journey: {name}.")).to_have_count(0)
    assert problems.unexpected() == []


# --- Feeds ----------------------------------------------------------------------------------


@pytest.mark.browser
@SQLITE_ONLY
@JAVASCRIPT
def test_feed_links_lead_to_rss_with_the_approved_comment(
    person: Person,
    javascript: bool,
    live_url: str,
    client: FlaskClient,
    mod_client: FlaskClient,
) -> None:
    body = "Feed journey: my neuropathy eased after the third course."
    cid = approved(client, mod_client, author_name="Fay Feed", body=body)
    waiting = "Feed journey: this one is still waiting."
    comment_id(post_as_newcomer(client, body=waiting))
    page, problems = person(javascript)
    page.goto(ARTICLE_PATH)

    linked = page.locator('head link[rel="alternate"][type="application/rss+xml"]')
    expect(linked).to_have_count(3)
    feeds = {link.get_attribute("title"): link.get_attribute("href") for link in linked.all()}
    assert set(feeds) == {
        "New discussions",
        "All comments",
        "Comments on IVIG for Systemic Lupus Erythematosus",
    }, feeds
    visible = page.get_by_role("link", name=re.compile("RSS"))
    expect(visible).to_have_count(3)
    hrefs = {*feeds.values(), *(link.get_attribute("href") for link in visible.all())}
    assert len(hrefs) == 3, hrefs  # the visible links are the same feeds as the <link>s

    entry_links = set()
    for href in sorted(h for h in hrefs if h):
        response = page.request.get(href)
        assert response.status == 200, href
        assert response.headers["content-type"].startswith("application/rss+xml"), href
        feed = feedparser.parse(response.body())
        assert not feed.bozo, (href, feed.get("bozo_exception"))
        assert feed.version == "rss20"
        ours = [e for e in feed.entries if body in e.description]
        assert len(ours) == 1, href
        assert "Fay Feed" in ours[0].title
        assert all(waiting not in e.description for e in feed.entries), href
        entry_links.add(ours[0].link)

    # Following the item's link from a feed reader lands on the comment.
    (link,) = entry_links
    assert link.startswith(live_url)
    page.goto(link)
    expect(page).to_have_url(re.compile(rf"{re.escape(ARTICLE_PATH)}#comment-{cid}$"))
    expect(page.locator(f"#comment-{cid}")).to_be_in_viewport()
    expect(page.locator(f"#comment-{cid}")).to_contain_text(body)
    assert problems.unexpected() == []


# --- Sharing an experience ------------------------------------------------------------------


def summary_rows(page: Page, chart: str) -> Locator:
    """The table of one chart of the experience summary, opened as a person would."""
    figure = page.get_by_role("figure", name=re.compile(f"^{re.escape(chart)}"))
    details = figure.locator("details.summary-numbers")
    if details.get_attribute("open") is None:
        figure.get_by_text("The numbers as a table").click()
    return figure.get_by_role("table").get_by_role("row")


def expect_row(rows: Locator, answer: str, *cells: str) -> None:
    """The row of `answer` says `cells`: people, share (and the article's incidence)."""
    row = rows.filter(has=rows.page.get_by_role("rowheader", name=answer, exact=True))
    expect(row.get_by_role("cell")).to_have_text(list(cells))


@pytest.mark.browser
@SQLITE_ONLY
@JAVASCRIPT
def test_shared_experience_changes_the_summary_once_approved(
    person: Person,
    javascript: bool,
    client: FlaskClient,
    mod_client: FlaskClient,
) -> None:
    approved(
        client,
        mod_client,
        body="Experience journey: the first experience.",
        treatment="past",
        conditions=["lupus-nephritis"],
        helped="4",
    )
    page, problems = person(javascript)
    page.goto(ARTICLE_PATH)
    expect(page.get_by_role("heading", name="Experiences shared by 1 patient")).to_be_visible()
    expect(
        page.get_by_role("figure", name=re.compile("^What they received IVIG for"))
    ).to_contain_text("(1 person answered)")
    conditions = summary_rows(page, "What they received IVIG for")
    expect_row(conditions, "Lupus nephritis", "1", "100%")
    expect(conditions.filter(has_text="Arthritis")).to_have_count(0)

    part = experience_part(page)
    choose(part, "Have you had IVIG?", "Receiving IVIG now")
    choose(part, "What for?", "Lupus nephritis", "Arthritis")
    choose(part, "How was it given?", "Self-injected under the skin")
    choose(part, "Side effects", "Headache", "Fever")
    choose(part, "How much did it help?", "5 – a great deal")
    choose(part, "How soon did it work?", "Within days")
    cid = post(page, "Experience journey: sharing mine.", "Eve Experience", newcomer_email())
    own = page.locator(f"#comment-{cid}")
    expect(own).to_contain_text(AWAITING)
    expect(own).to_contain_text(
        "Receiving IVIG · lupus nephritis, arthritis · self-injected under the skin"
        " · headache, fever · helped 5/5 · within days"
    )
    # Waiting comments count for nothing.
    expect(page.get_by_role("heading", name="Experiences shared by 1 patient")).to_be_visible()

    assert moderate(mod_client, cid, "approve").status_code == 302
    page.reload()
    expect(page.get_by_role("heading", name="Experiences shared by 2 patients")).to_be_visible()
    conditions = summary_rows(page, "What they received IVIG for")
    expect_row(conditions, "Lupus nephritis", "2", "100%")
    expect_row(conditions, "Arthritis", "1", "50%")
    helped = summary_rows(page, "How much it helped")
    expect_row(helped, "4", "1", "50%")
    expect_row(helped, "5 – a great deal", "1", "50%")
    effects = summary_rows(page, "Side effects they reported")
    expect_row(effects, "Headache", "1", "100%", "—")
    expect_row(effects, "Fever", "1", "100%", "—")
    expect_row(effects, "High blood pressure", "0", "0%", "common (more than 5%)")
    expect(
        page.get_by_role("figure", name=re.compile("^Side effects they reported"))
    ).to_contain_text("(1 person answered)")
    expect(page.locator(f"#comment-{cid}")).not_to_contain_text("awaiting moderation")
    assert problems.unexpected() == []


# --- Reporting ------------------------------------------------------------------------------


@pytest.mark.browser
@SQLITE_ONLY
@JAVASCRIPT
def test_report_a_comment_once_and_the_moderator_sees_it(
    person: Person,
    javascript: bool,
    live_url: str,
    client: FlaskClient,
    mod_client: FlaskClient,
) -> None:
    body = "Report journey: IVIG is poison, the pharmacies hide it."
    cid = approved(client, mod_client, author_name="Sam Dubious", body=body)
    page, problems = person(javascript)
    page.goto(ARTICLE_PATH)
    page.locator(f"#comment-{cid}").get_by_role(
        "link", name="Report the comment by Sam Dubious"
    ).click()
    expect(page.get_by_role("heading", name="Report a comment")).to_be_visible()
    expect(page.locator("blockquote")).to_contain_text(body)

    # Forgetting the reason is explained; the note is kept.
    page.get_by_role("textbox", name="Anything the moderators should know?").fill(
        "Dangerous advice."
    )
    page.get_by_role("button", name="Send report").click()
    expect(page.get_by_role("alert")).to_contain_text("Please choose a reason below.")
    reasons = page.get_by_role("group", name="Why are you reporting this comment?")
    expect(reasons).to_have_accessible_description("Choose a reason.")
    expect(page.get_by_role("textbox", name="Anything the moderators should know?")).to_have_value(
        "Dangerous advice."
    )
    reasons.get_by_label("Medical misinformation").check()
    page.get_by_role("button", name="Send report").click()
    expect(page).to_have_url(re.compile(rf"{re.escape(ARTICLE_PATH)}#comment-{cid}$"))
    expect(status_message(page)).to_have_text(
        "Thank you for your report. A moderator will look at this comment."
    )
    # One report from one person: the comment stays up.
    expect(page.locator(f"#comment-{cid}")).to_contain_text(body)

    page.locator(f"#comment-{cid}").get_by_role(
        "link", name="Report the comment by Sam Dubious"
    ).click()
    page.get_by_role("group", name="Why are you reporting this comment?").get_by_label(
        "Spam"
    ).check()
    page.get_by_role("button", name="Send report").click()
    expect(status_message(page)).to_have_text(
        "You have already reported this comment. A moderator will look at it."
    )

    mod, mod_problems = person(javascript)
    sign_in_as_moderator(mod)
    mod.get_by_role("link", name="Reported (1)").click()
    reports = mod.get_by_role("region", name="Readers’ reports of the comment by Sam Dubious")
    expect(reports).to_contain_text("Reported by 1 person:")
    expect(reports).to_contain_text("Medical misinformation (1)")
    expect(reports).not_to_contain_text("Spam")
    expect(reports).to_contain_text("“Dangerous advice.”")
    expect(mod.locator(f"#comment-{cid}")).to_contain_text(body)

    report_url = f"{live_url}/comments/{cid}/report"
    assert problems.unexpected(("POST", report_url, 422)) == []
    assert mod_problems.unexpected() == []


# --- Sorting and "This helped me" -----------------------------------------------------------


@pytest.mark.browser
@JAVASCRIPT
def test_sort_the_discussion_jump_to_the_newest_and_mark_helpful(
    person: Person,
    javascript: bool,
    client: FlaskClient,
    mod_client: FlaskClient,
) -> None:
    for name in ("Ada Oldest", "Ben Middle", "Cy Newest"):
        approved(client, mod_client, author_name=name, body=f"Sorting journey: {name}.")
    in_order = [SEED_AUTHOR, "Ada Oldest", "Ben Middle", "Cy Newest"]
    page, problems = person(javascript)
    page.goto(ARTICLE_PATH)
    assert comment_authors(page) == in_order

    helpful = page.get_by_role("button", name="This helped me (comment by Ben Middle)")
    expect(helpful).not_to_contain_text("·")
    helpful.click()
    expect(status_message(page)).to_have_text("Thank you. You marked this comment as helpful.")
    expect(helpful).to_contain_text("· 1")
    helpful.click()
    expect(status_message(page)).to_have_text("You already marked this comment as helpful.")
    expect(helpful).to_contain_text("· 1")

    def sort_by(label: str) -> None:
        page.get_by_label("Sort").select_option(label=label)
        page.get_by_role("button", name="Show").click()
        expect(page.get_by_label("Sort")).to_have_value(
            {"Oldest first": "oldest", "Newest first": "newest", "Most helpful": "helpful"}[label]
        )

    sort_by("Most helpful")
    expect(page).to_have_url(re.compile(r"[?&]sort=helpful\b"))
    assert comment_authors(page)[0] == "Ben Middle"
    assert sorted(comment_authors(page)) == sorted(in_order)
    sort_by("Newest first")
    assert comment_authors(page) == in_order[::-1]
    sort_by("Oldest first")
    assert comment_authors(page) == in_order

    page.get_by_role("link", name="Jump to the newest comments").click()
    expect(page).to_have_url(re.compile(r"[?&]sort=newest#comments$"))
    newest = page.locator("ol.threads > li > article.comment").first
    expect(newest.get_by_role("heading", name="Cy Newest")).to_be_in_viewport()
    assert comment_authors(page) == in_order[::-1]
    assert problems.unexpected() == []


# --- What JavaScript adds -------------------------------------------------------------------


@pytest.mark.browser
@SQLITE_ONLY
def test_character_counter_follows_the_typing(person: Person) -> None:
    page, problems = person(javascript=True)
    page.goto(ARTICLE_PATH)
    counter = page.locator("#body-count")
    expect(counter).to_have_text("0 of 5,000 characters")
    body = comment_form(page).get_by_role("textbox", name="Comment")
    body.press_sequentially("IVIG")
    expect(counter).to_have_text("4 of 5,000 characters")
    expect(counter).not_to_have_class(re.compile("near-limit"))
    body.fill("x" * 4_600)
    expect(counter).to_have_text("4,600 of 5,000 characters")
    expect(counter).to_have_class(re.compile(r"\bnear-limit\b"))
    body.fill("")
    expect(counter).to_have_text("0 of 5,000 characters")
    assert problems.unexpected() == []


@pytest.mark.browser
@SQLITE_ONLY
def test_without_javascript_there_is_no_counter_and_nothing_is_missing(person: Person) -> None:
    page, problems = person(javascript=False)
    page.goto(ARTICLE_PATH)
    expect(page.locator("#body-count")).to_have_count(0)
    expect(page.get_by_text("of 5,000 characters")).to_have_count(0)
    # The limit is still kept by the form itself.
    expect(comment_form(page).get_by_role("textbox", name="Comment")).to_have_attribute(
        "maxlength", "5000"
    )
    assert problems.unexpected() == []


@pytest.mark.browser
@SQLITE_ONLY
def test_leaving_a_half_written_comment_asks_first(person: Person, live_url: str) -> None:
    page, problems = person(javascript=True)
    asked: list[str] = []
    answer = {"leave": False}

    def on_dialog(dialog: Dialog) -> None:
        asked.append(dialog.type)
        if answer["leave"]:
            dialog.accept()
        else:
            dialog.dismiss()

    page.on("dialog", on_dialog)
    articles = page.get_by_role("navigation", name="Site").get_by_role("link", name="Articles")

    # Nothing written: leaving is not questioned.
    page.goto(ARTICLE_PATH)
    articles.click()
    expect(page).to_have_url(f"{live_url}/")
    assert asked == []

    # Half-written: asked; staying keeps the text, leaving leaves.
    page.goto(ARTICLE_PATH)
    comment_form(page).get_by_role("textbox", name="Comment").press_sequentially("Half-written")
    articles.click()
    wait_until(page, lambda: asked == ["beforeunload"])
    expect(page).to_have_url(f"{live_url}{ARTICLE_PATH}")
    expect(comment_form(page).get_by_role("textbox", name="Comment")).to_have_value("Half-written")
    answer["leave"] = True
    articles.click()
    expect(page).to_have_url(f"{live_url}/")
    assert asked == ["beforeunload", "beforeunload"]

    # A preview is not posted yet: leaving it asks too.
    page.goto(ARTICLE_PATH)
    fill_comment(page, "Leaving journey: previewed.", "Lea Leaver", newcomer_email())
    page.get_by_role("button", name="Preview").click()
    expect(page.get_by_role("region", name=re.compile("^Preview"))).to_be_visible()
    assert asked == ["beforeunload", "beforeunload"]
    articles.click()
    expect(page).to_have_url(f"{live_url}/")
    assert asked == ["beforeunload"] * 3

    # Posting is not leaving: no question, and none afterwards on the emptied form.
    page.goto(ARTICLE_PATH)
    post(page, "Leaving journey: posted.", "Lea Leaver", newcomer_email())
    expect(status_message(page)).to_contain_text(THANKS_AWAITING)
    articles.click()
    expect(page).to_have_url(f"{live_url}/")
    assert asked == ["beforeunload"] * 3
    assert problems.unexpected() == []
