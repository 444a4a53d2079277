"""Properties of forum.sanitize.render_comment, for any text a person could type.

Hypothesis builds the texts from Markdown and HTML punctuation, URL schemes, entity
fragments and ordinary words, so that most examples look like an attack or a comment
with formatting. The profile is deterministic (derandomize=True) so that CI runs
the same examples every time.
"""

from __future__ import annotations

from html.parser import HTMLParser

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from forum.sanitize import COMMENT_ATTRIBUTES, COMMENT_TAGS, LINK_REL, render_comment
from tests.test_hostile_input import html_problems, scan

PROFILE = settings(
    derandomize=True,
    max_examples=300,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)

PIECES = [
    *"<>&\"'`*_[]()!#-:/\\=;.@%{}~|+ \n\t",
    "\n\n",
    "> ",
    "- ",
    "* ",
    "1. ",
    "    ",
    "**",
    "__",
    "](",
    "[x](",
    "![x](",
    "[x]: ",
    "<a href=",
    "<a href='https://example.org' onclick='alert(1)'>",
    "</a>",
    "<script>",
    "</script>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "<!--",
    "-->",
    "<![CDATA[",
    "javascript:",
    "JaVaScRiPt:",
    "java\tscript:",
    "data:",
    "vbscript:",
    "http://",
    "https://",
    "HTTPS://",
    "www.",
    "example.org",
    "mailto:",
    "&#",
    "&#x",
    "&amp;",
    "&lt;",
    "&quot;",
    "&#106;",
    "&#x6A;",
    "%6A",
    "alert(1)",
    "{{7*7}}",
    "\x00",
    "\u202e",
    "\ufeff",
]
# Mostly the pieces above, now and then any few characters at all.
hostile_texts = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=3)), max_size=40).map(
    "".join
)

WORD_CHARACTERS = st.characters(categories=["L", "N"])
plain_texts = st.lists(
    st.one_of(st.text(WORD_CHARACTERS, min_size=1, max_size=12), st.sampled_from([" ", "\n"])),
    min_size=1,
    max_size=30,
).map("".join)


class StrictFragment(HTMLParser):
    """Reads rendered HTML and lists every way it is not well-formed."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.links: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = [name for name, _ in attrs]
        if len(names) != len(set(names)):
            self.errors.append(f"repeated attribute on <{tag}>: {names}")
        if tag == "a":
            self.links.append(dict(attrs))
        if tag != "br":
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.errors.append(f"self-closing <{tag}/>")

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
        else:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        if "<" in data:
            self.errors.append(f"a raw < in the text: {data!r}")

    def handle_comment(self, data: str) -> None:
        self.errors.append(f"an HTML comment: {data!r}")

    def handle_decl(self, decl: str) -> None:
        self.errors.append(f"a declaration: {decl!r}")

    def handle_pi(self, data: str) -> None:
        self.errors.append(f"a processing instruction: {data!r}")

    def unknown_decl(self, data: str) -> None:
        self.errors.append(f"an unknown declaration: {data!r}")


def strict(html: str) -> StrictFragment:
    parser = StrictFragment()
    parser.feed(html)
    parser.close()
    if parser.stack:
        parser.errors.append(f"left open: {parser.stack}")
    if parser.rawdata:
        parser.errors.append(f"left unparsed: {parser.rawdata!r}")
    return parser


class VisibleText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def visible_text(html: str) -> str:
    parser = VisibleText()
    parser.feed(html)
    parser.close()
    return "".join(parser.parts)


def test_the_strict_reader_finds_malformed_html() -> None:
    """The checks below can fail: each of these is caught."""
    for bad in ["<p>open", "<p><em>x</p></em>", "<br/>", "<!-- x -->", "a < b", "</p>"]:
        assert strict(bad).errors, bad
    assert strict('<p>a &lt; b<br>\n<a href="https://x.org" rel="r">x</a></p>').errors == []


@PROFILE
@given(hostile_texts)
@example("[x](javascript:alert(1))")
@example('<https://example.org/"onmouseover="alert(1)>')
@example('[a](https://x.org/"><script>alert(1)</script>)')
@example("![x](https://example.org/x.png) www.example.org")
@example("[http://a.org](http://b.org) **http://c.org**")
def test_output_is_well_formed_allowlisted_html(text: str) -> None:
    html = str(render_comment(text))
    parsed = strict(html)
    assert parsed.errors == [], (text, html)
    # Only COMMENT_TAGS, only a[href, rel], no script URL (html_problems checks each).
    assert html_problems(scan(html, fragment=True)) == [], (text, html)
    for element in scan(html, fragment=True).elements:
        assert element.tag in COMMENT_TAGS
        assert {name for name, _ in element.attrs} <= set(COMMENT_ATTRIBUTES.get(element.tag, []))
    for link in parsed.links:
        href = link.get("href") or ""
        assert href.startswith(("http://", "https://")), (text, html)
        assert link.get("rel") == LINK_REL, (text, html)


@PROFILE
@given(hostile_texts)
def test_rendering_is_stable(text: str) -> None:
    first = str(render_comment(text))
    assert str(render_comment(text)) == first


@PROFILE
@given(plain_texts)
def test_plain_words_come_out_as_typed(text: str) -> None:
    html = str(render_comment(text))
    assert visible_text(html).split() == text.split(), (text, html)
    assert strict(html).errors == []


@PROFILE
@given(st.lists(st.sampled_from([*"<>\"'/=&", " ", "a", "b", "script", "img"]), max_size=30))
def test_markup_characters_are_shown_not_interpreted(pieces: list[str]) -> None:
    """Without Markdown syntax, what is typed is what is shown, angle brackets and all.

    The text starts with a word, so that a leading ">" is not a Markdown quote.
    """
    text = "Note " + "".join(pieces)
    html = str(render_comment(text))
    assert visible_text(html).split() == text.split(), (text, html)
    assert {e.tag for e in scan(html, fragment=True).elements} <= {"p"}, (text, html)
