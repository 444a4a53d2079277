"""Posting as visitors post, for wrk: a browser's comment form, and Isso's own client.

A browser that loaded the article page holds a session cookie, a csrf_token and a
signed form_started; it sends every field of the form as it stands, with its name,
e-mail and text filled in, and the "Post comment" button. These are fetched here
before the load and written as a Lua table (write_post_spec) that
tests/bench/bench.lua posts from, with a word in the text that was never sent before.
"""

from __future__ import annotations

import http.cookiejar
import json
import urllib.parse
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from harness import USER_AGENT, WORK, BenchError, Server, fetch

POST_TEXT = (
    "Thank you for this article. My rheumatologist suggested IVIG for my skin, and "
    "reading about other people's infusions helped me decide to try it. Note "
)
MARKER = "BENCHWORDMARKER"


class _CommentForm(HTMLParser):
    """The fields a browser would send from the article's comment form, in order."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict] = []
        self._form: dict | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self._form = {"action": a.get("action", ""), "method": a.get("method", "get")}
            self._form["fields"], self._form["submits"] = [], []
            self.forms.append(self._form)
        elif self._form is None or "name" not in a or "disabled" in a:
            return
        elif tag == "textarea":
            self._form["fields"].append((a["name"], ""))
        elif tag in ("input", "button"):
            kind = a.get("type", "text" if tag == "input" else "submit").lower()
            if kind == "submit":
                self._form["submits"].append((a["name"], a.get("value", "")))
            elif kind not in ("checkbox", "radio", "file", "image", "reset", "button") or (
                "checked" in a
            ):
                self._form["fields"].append((a["name"], a.get("value", "")))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None


def comment_form_fields(page: str, article: str) -> tuple[str, list[tuple[str, str]]]:
    """The comment form's action and the fields it sends when "Post comment" is pressed."""
    parser = _CommentForm()
    parser.feed(page)
    for form in parser.forms:
        action = form["action"].split("#")[0]
        if form["method"].lower() == "post" and action.endswith(f"{article}/comments"):
            submit = next((s for s in form["submits"] if s[0] == "submit"), None)
            return action, form["fields"] + ([submit] if submit else [])
    raise BenchError("no comment form on the article page")


@dataclass
class PostSession:
    headers: dict[str, str]
    prefix: str
    suffix: str

    def body(self, word: str) -> bytes:
        return (self.prefix + word + self.suffix).encode()


def _split(encoded: str) -> tuple[str, str]:
    prefix, found, suffix = encoded.partition(MARKER)
    if not found:
        raise BenchError("the text's marker was lost in encoding")
    return prefix, suffix


def forum_sessions(forum: Server, article: str, count: int) -> tuple[str, list[PostSession]]:
    """Browsers that loaded the article page: each its cookie, tokens and form fields."""
    sessions, action = [], ""
    for n in range(count):
        jar = http.cookiejar.CookieJar()
        page = fetch(forum.url + article, cookies=jar)
        if page.status != 200:
            raise BenchError(f"the article page answered {page.status}")
        action, fields = comment_form_fields(page.body.decode(), article)
        filled = {
            "author_name": f"Visitor {chr(65 + n % 26)}{chr(65 + n // 26 % 26)}",
            "author_email": f"visitor{n}@example.org",
            "body": POST_TEXT + MARKER,
        }
        names = {name for name, _ in fields}
        if missing := {"csrf_token", "form_started", *filled} - names:
            raise BenchError(f"the comment form lacks {', '.join(sorted(missing))}")
        values = [(name, filled.get(name, value)) for name, value in fields]
        prefix, suffix = _split(urllib.parse.urlencode(values))
        cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": cookie,
            "Origin": forum.url,
            "Referer": forum.url + article,
            "User-Agent": USER_AGENT,
            "Accept": "text/html,application/xhtml+xml",
        }
        sessions.append(PostSession(headers, prefix, suffix))
    return action, sessions


def isso_sessions(isso: Server, uri: str, count: int) -> list[PostSession]:
    """Isso's embed client's JSON, from as many readers."""
    sessions = []
    for n in range(count):
        payload = {
            "author": f"Visitor {n}",
            "email": f"visitor{n}@example.org",
            "website": None,
            "text": POST_TEXT + MARKER,
            "parent": None,
            "title": "IVIG for lupus",
            "notification": 0,
        }
        prefix, suffix = _split(json.dumps(payload))
        headers = {
            "Content-Type": "application/json",
            "Origin": isso.url,
            "Referer": isso.url + uri,
            "User-Agent": USER_AGENT,
        }
        sessions.append(PostSession(headers, prefix, suffix))
    return sessions


def _lua_string(text: str) -> str:
    level = "=" * 4
    if f"]{level}]" in text:
        raise BenchError("text too odd for a Lua long string")
    return f"[{level}[{text}]{level}]"


def write_post_spec(name: str, path: str, expect: int, sessions: list[PostSession]) -> Path:
    """The Lua table that tests/bench/bench.lua reads: the sessions to post from."""
    lines = [f"return {{ path = {_lua_string(path)}, expect = {expect}, sessions = {{"]
    for s in sessions:
        headers = ", ".join(
            f"[ {_lua_string(k)} ] = {_lua_string(v)}" for k, v in s.headers.items()
        )
        lines.append(
            f"  {{ headers = {{ {headers} }}, prefix = {_lua_string(s.prefix)}, "
            f"suffix = {_lua_string(s.suffix)} }},"
        )
    lines.append("} }")
    spec = WORK / f"post-{name}.lua"
    spec.write_text("\n".join(lines) + "\n")
    return spec
