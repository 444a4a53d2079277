"""User text made safe: the only module that imports bleach.

Comments are rendered from a small Markdown subset by markdown-it-py with raw HTML
off, then cleaned by bleach against an allowlist, so that even a slip in the
Markdown layer cannot let markup through. The page, the feeds and the API all
publish the HTML made here. Articles (the client's own content) use CommonMark,
also with raw HTML off.
"""

from __future__ import annotations

import html as html_module
import re
import threading
import unicodedata
from functools import partial

import bleach
from bleach.linkifier import LinkifyFilter
from markdown_it import MarkdownIt
from markupsafe import Markup

COMMENT_TAGS = frozenset({"p", "br", "em", "strong", "a", "ul", "ol", "li", "blockquote", "code"})
COMMENT_ATTRIBUTES = {"a": ["href", "rel"]}
COMMENT_PROTOCOLS = frozenset({"http", "https"})
LINK_REL = "nofollow ugc noopener"

_comment_markdown = MarkdownIt("zero", {"breaks": True, "html": False}).enable(
    ["emphasis", "link", "list", "blockquote", "newline", "escape", "backticks"]
)
_article_markdown = MarkdownIt("commonmark", {"html": False})


def _only_web_links(attrs: dict, new: bool = False) -> dict | None:
    """Every link gets rel=nofollow ugc noopener; anything but http(s) loses its link."""
    href = attrs.get((None, "href"), "")
    if not href.lower().startswith(("http://", "https://")):
        return None
    attrs[(None, "rel")] = LINK_REL
    return attrs


_LINKIFY = partial(
    LinkifyFilter, callbacks=[_only_web_links], skip_tags=["code"], parse_email=False
)


class _Cleaners(threading.local):
    """Built once per thread: building a Cleaner costs more than cleaning a comment, and one
    Cleaner must not be shared between threads (bleach's own warning)."""

    def __init__(self) -> None:
        self.comment = bleach.Cleaner(
            tags=COMMENT_TAGS,
            attributes=COMMENT_ATTRIBUTES,
            protocols=COMMENT_PROTOCOLS,
            strip=True,
            strip_comments=True,
            filters=[_LINKIFY],
        )
        self.text = bleach.Cleaner(tags=set(), strip=True)


_cleaners = _Cleaners()

# Characters that have no business in a comment: C0/C1 controls (but tab and
# newline), and the bidirectional overrides used to make text read differently
# from how it is stored.
_UNWANTED_CHARS = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff\ufffe\uffff]"
)


def normalize_text(value: str | None) -> str:
    """Typed text as it is stored: NFC, Unix newlines, no control or bidi-override characters."""
    if not value:
        return ""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    value = unicodedata.normalize("NFC", value)
    # Lone surrogates cannot be stored or encoded: replace them visibly.
    value = value.encode("utf-8", "replace").decode("utf-8")
    return _UNWANTED_CHARS.sub("", value)


# Anything a browser could read as a tag: "<" then a letter, "/", "!" or "?", up to ">" or
# the end. "Ann <3" keeps its heart and "A < B" its signs; "<b onmouseover=…>Ann</b>" and
# "<svg/onload=…" lose their markup.
_TAG = re.compile(r"<[/!?a-zA-Z][^>]*(?:>|$)")


def plain_name(value: str) -> str:
    """A commenter's name as plain text: tags are removed, as WordPress does on saving.

    Names reach feeds, e-mails and readers that render titles as HTML, so markup in a name
    is removed when it is submitted (and imported), never only escaped.
    """
    while True:  # "<<b>script>" leaves "<script>" after one pass
        stripped = _TAG.sub("", value)
        if stripped == value:
            return " ".join(stripped.split())
        value = stripped


def render_comment(text: str) -> Markup:
    """A comment's text as the HTML that every public page, feed and API response shows."""
    html = _comment_markdown.render(text)
    return Markup(_cleaners.comment.clean(html).strip())  # noqa: S704 - bleach output


def render_article(text: str) -> Markup:
    """An article's Markdown (trusted content, raw HTML still off) as HTML."""
    return Markup(_article_markdown.render(text))  # noqa: S704 - raw HTML is off


def plain_excerpt(html: str, length: int = 200) -> str:
    """The visible text of some rendered HTML, shortened, for titles and queue previews."""
    return one_line(html_module.unescape(_cleaners.text.clean(html)), length)


def one_line(text: str, length: int) -> str:
    """Plain text on one line (runs of white space made one space), shortened to `length`."""
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"
