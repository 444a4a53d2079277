"""HTML from blogs and other comment systems turned into the Markdown our renderers take."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

# Dropped together with everything inside them.
_SKIPPED = frozenset(
    {
        "script", "style", "iframe", "object", "embed", "noscript", "template", "svg", "math",
        "head", "title", "textarea", "select", "button", "canvas", "audio", "video", "form",
    }
)  # fmt: skip
_BLOCKS = frozenset(
    {
        "p", "div", "section", "article", "header", "footer", "aside", "figure", "figcaption",
        "address", "main", "nav", "table", "thead", "tbody", "tfoot", "tr", "dl", "dt", "dd",
        "center", "details", "summary", "fieldset", "caption",
    }
)  # fmt: skip
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_EMPHASIS = {"em": "*", "i": "*", "cite": "*", "strong": "**", "b": "**"}
_VOID = frozenset({"br", "hr", "img", "input", "meta", "link", "wbr", "col", "area", "source"})
# WordPress shortcodes that wrap or stand for media; their text (a caption) is kept.
_SHORTCODE = re.compile(
    r"\[/?(?:caption|gallery|embed|audio|video|playlist|wpvideo|youtube)\b[^\]]*\]", re.I
)
_INLINE_SPECIALS = re.compile(r"([\\`*_\[\]])")
_ENTITY_LIKE = re.compile(r"&(?=#?[0-9A-Za-z]+;)")
# At the start of a line these would turn text into a quote, heading, list or rule.
_LINE_START = re.compile(r"^([ \t]*)([>#+=-]|\d{1,9}(?=[.)]))", re.M)
_TAGS_ISSO_RENDERS = re.compile(
    r"</?(?:a|b|i|em|strong|p|br|blockquote|code|pre|ul|ol|li|del|ins|h[1-6]|hr|img|span|div)\b",
    re.I,
)


@dataclass
class _Frame:
    tag: str
    parts: list[str] = field(default_factory=list)
    href: str | None = None
    ordered: bool = False
    items: int = 0

    def text(self) -> str:
        return "".join(self.parts)


class _Converter(HTMLParser):
    def __init__(self, *, escape: bool, newline_breaks: bool, article: bool) -> None:
        super().__init__(convert_charrefs=True)
        self.escape = escape
        self.newline_breaks = newline_breaks
        self.article = article
        self.hard_break = "\\\n" if article else "\n"
        self.stack = [_Frame("#root")]
        self.skipping = 0  # depth inside a dropped element
        self.pre = 0
        self.code = 0

    # --- the tree as it is built -----------------------------------------------------

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.skipping:
            if tag in _SKIPPED:
                self.skipping += 1
            return
        if tag in _SKIPPED:
            self.skipping = 1
            return
        a = {k: v or "" for k, v in attrs}
        if tag == "br":
            self._append(self.hard_break)
        elif tag == "hr":
            self._append("\n\n---\n\n" if self.article else "\n\n")
        elif tag == "img":
            self._image(a)
        elif tag in _VOID:
            return
        else:
            frame = _Frame(tag, href=a.get("href", "").strip() if tag == "a" else None)
            frame.ordered = tag == "ol"
            if tag == "pre":
                self.pre += 1
            elif tag == "code":
                self.code += 1
            self.stack.append(frame)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _VOID or tag in _SKIPPED:
            if tag not in _SKIPPED:
                self.handle_starttag(tag, attrs)
            return
        self.handle_starttag(tag, attrs)
        self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if self.skipping:
            if tag in _SKIPPED:
                self.skipping -= 1
            return
        # A stray end tag is ignored; a missing one is closed here.
        if not any(frame.tag == tag for frame in self.stack[1:]):
            return
        while True:
            frame = self.stack.pop()
            self._close(frame)
            if frame.tag == tag:
                return

    def handle_data(self, data: str) -> None:
        if self.skipping or not data:
            return
        if self.pre:
            self._append(data)
            return
        if self.stack[-1].tag in ("ul", "ol") and not data.strip():
            return  # the spacing between list items
        if self.code:
            self._append(re.sub(r"\s+", " ", data))
            return
        data = data.replace("\r\n", "\n").replace("\r", "\n")
        if self.newline_breaks:
            # WordPress's own rule: a blank line starts a paragraph, a newline breaks the line.
            data = re.sub(r"[ \t\f\v]+", " ", data)
            data = re.sub(r" ?\n ?", "\n", data)
        else:
            data = re.sub(r"\s+", " ", data)
        if self.escape:
            data = self._escaped(data)
        if self.newline_breaks:
            data = re.sub(r"\n{2,}", "\n\n", data)
            data = re.sub(r"(?<!\n)\n(?!\n)", lambda _: self.hard_break, data)
        self._append_inline(data)

    def close(self) -> None:
        super().close()
        while len(self.stack) > 1:
            self._close(self.stack.pop())

    # --- pieces --------------------------------------------------------------------

    def _append(self, text: str) -> None:
        self.stack[-1].parts.append(text)

    def _append_inline(self, text: str) -> None:
        """Text, with spaces collapsed across elements as a browser would show them."""
        if text.startswith(" ") and not self.pre:
            before = self._preceding()
            if not before or before[-1] in " \n":
                text = text.lstrip(" ")
        if text:
            self._append(text)

    def _preceding(self) -> str:
        """The text just before what comes next in its block ("" at the block's start)."""
        for frame in reversed(self.stack):
            for part in reversed(frame.parts):
                if part:
                    return part
            if frame.tag in _BLOCKS or frame.tag in ("li", "blockquote", "#root"):
                return ""
        return ""

    def _at_line_start(self) -> bool:
        before = self._preceding()
        return not before or before.endswith("\n")

    def _escaped(self, data: str) -> str:
        data = _INLINE_SPECIALS.sub(r"\\\1", data)
        data = _ENTITY_LIKE.sub(r"\\&", data)
        at_start = self._at_line_start()

        def line_start(match: re.Match[str]) -> str:
            if match.start() == 0 and not at_start:
                return match.group(0)
            marker = match.group(2)
            if marker[0].isdigit():  # "1." or "1)": escape what follows the number
                return f"{match.group(1)}{marker}\\"
            return f"{match.group(1)}\\{marker}"

        return _LINE_START.sub(line_start, data)

    def _image(self, attrs: dict[str, str]) -> None:
        alt = " ".join(attrs.get("alt", "").split())
        src = attrs.get("src", "").strip()
        if self.escape:
            alt = _INLINE_SPECIALS.sub(r"\\\1", alt)
        if self.article and _web_url(src):
            # Remote images are not loaded by our pages; link to the picture instead.
            self._append(f"[{'Image: ' + alt if alt else 'Image'}]({_destination(src)})")
        elif alt:
            self._append(alt)

    def _close(self, frame: _Frame) -> None:
        content = frame.text()
        tag = frame.tag
        if tag in _EMPHASIS:
            self._append_inline(_wrap(content, _EMPHASIS[tag]))
        elif tag == "code":
            self.code -= 1
            self._append(_inline_code(content) if not self.pre else content)
        elif tag == "a":
            self._append_inline(self._link(content, frame.href or ""))
        elif tag == "pre":
            self.pre -= 1
            self._block(self._preformatted(content))
        elif tag in _HEADINGS:
            text = " ".join(content.replace("\\\n", " ").split())
            if text:
                heading = f"{'#' * int(tag[1])} {text}" if self.article else _wrap(text, "**")
                self._block(heading)
        elif tag in ("ul", "ol"):
            self._block(content.strip("\n"))
        elif tag == "li":
            self._list_item(content)
        elif tag == "blockquote":
            body = _tidy(content, self.hard_break)
            if body:
                self._block("\n".join(f"> {line}".rstrip() for line in body.split("\n")))
        elif tag in ("td", "th"):
            self._append(content.strip() + " ")
        elif tag in _BLOCKS:
            self._block(content)
        else:  # span, font, u, abbr, unknown tags: their text only
            self._append_inline(content)

    def _block(self, text: str) -> None:
        self._append(f"\n\n{text}\n\n")

    def _list_item(self, content: str) -> None:
        parent = self.stack[-1]
        parent.items += 1
        marker = f"{parent.items}. " if parent.ordered else "- "
        body = _tidy(content, self.hard_break) or " "
        lines = body.split("\n")
        indent = " " * len(marker)
        rest = [f"{indent}{line}" if line else "" for line in lines[1:]]
        self._append("\n".join([marker + lines[0], *rest]) + "\n")

    def _link(self, content: str, href: str) -> str:
        text = content.strip()
        allowed = _web_url(href) or (self.article and href.lower().startswith("mailto:"))
        if not allowed:
            return content
        if not text or text.replace("\\", "") == href:
            # The address as the text: every renderer links it by itself.
            return href if not self.article else f"<{_destination(href)[1:-1]}>"
        lead = content[: len(content) - len(content.lstrip())]
        trail = content[len(content.rstrip()) :]
        return f"{lead}[{text}]({_destination(href)}){trail}"

    def _preformatted(self, content: str) -> str:
        content = content.strip("\n")
        if self.article:
            fence = "`" * max(3, _longest_backtick_run(content) + 1)
            return f"{fence}\n{content}\n{fence}"
        # Comments have no code blocks: each line as code, lines kept.
        return "\n".join(_inline_code(line) if line.strip() else "" for line in content.split("\n"))


def _web_url(url: str) -> bool:
    return url.lower().startswith(("http://", "https://")) and len(url) > 8


def _destination(url: str) -> str:
    url = url.replace(" ", "%20").replace("<", "%3C").replace(">", "%3E").replace("\n", "")
    return f"<{url}>"


def _wrap(content: str, marker: str) -> str:
    core = content.strip()
    if not core or "\n" in core:
        return content
    lead = content[: len(content) - len(content.lstrip())]
    trail = content[len(content.rstrip()) :]
    return f"{lead}{marker}{core}{marker}{trail}"


def _longest_backtick_run(text: str) -> int:
    return max((len(run) for run in re.findall(r"`+", text)), default=0)


def _inline_code(content: str) -> str:
    code = content
    if not code.strip():
        return code
    ticks = "`" * (_longest_backtick_run(code) + 1)
    pad = " " if code.startswith("`") or code.endswith("`") else ""
    return f"{ticks}{pad}{code}{pad}{ticks}"


def _tidy(text: str, hard_break: str) -> str:
    """Blank lines at most two in a row, no trailing spaces, no breaks at a block's edges."""
    text = re.sub(r"[ \t]+\n", "\n", text)
    if hard_break != "\n":
        text = re.sub(r"\\\n(?=\n|$)", "\n", text)
        text = re.sub(r"(^|\n\n)(?:\\\n)+", r"\1", text)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip()


def html_to_markdown(
    html: str, *, escape: bool = True, newline_breaks: bool = True, article: bool = False
) -> str:
    """Markdown that shows what the HTML showed, without its markup.

    `escape`: the text is literal (WordPress, Disqus), so Markdown characters in it are
    escaped; off for text that is already Markdown (Isso). `newline_breaks`: newlines
    in the text are line and paragraph breaks (WordPress's autop), not spaces. `article`:
    CommonMark for an article (headings, code blocks, links to images) rather than the
    comments' small subset.
    """
    if not html:
        return ""
    html = _SHORTCODE.sub("", html)
    converter = _Converter(escape=escape, newline_breaks=newline_breaks, article=article)
    if "<" in html or "&" in html:
        converter.feed(html)
        converter.close()
    else:  # plain text, as most comments are: no parsing needed
        converter.handle_data(html)
    return _tidy(converter.stack[0].text(), converter.hard_break)


def markdown_with_html(text: str) -> str:
    """Text typed as Markdown that may hold some HTML tags (Isso renders both)."""
    if not _TAGS_ISSO_RENDERS.search(text or ""):
        return text or ""
    return html_to_markdown(text, escape=False, newline_breaks=True)
