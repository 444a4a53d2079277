"""A live forum and a real browser, for tests that drive headless Chromium with Playwright.

    with live_server(app) as base_url, chromium() as browser:
        context = browser.new_context(base_url=base_url)
        problems = watch(context)
        page = context.new_page()
        page.goto("/articles/ivig-for-lupus")
        ...
        assert problems.unexpected() == []

The browser is Debian's /usr/bin/chromium driven by Playwright's Python package;
`playwright install` is never needed (and downloads, which fails on these machines).
"""

from __future__ import annotations

import os
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import Flask
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Playwright,
    Request,
    Response,
    WebError,
    sync_playwright,
)
from werkzeug.serving import make_server

REPO_ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@contextmanager
def live_server(app: Flask, host: str = "127.0.0.1") -> Iterator[str]:
    """Serve `app` on `host` at a free port in a background thread; yield its base URL.

    Port 0 lets the operating system choose the port when the socket is bound, so
    nothing else can take it in between. The server is multi-threaded (a browser
    opens several connections at once) and is stopped, its socket closed and its
    thread joined when the block ends, even if the block fails.
    """
    server = make_server(host, 0, app, threaded=True)
    thread = threading.Thread(
        target=server.serve_forever, name=f"live-server-{server.port}", daemon=True
    )
    thread.start()
    try:
        yield f"http://{host}:{server.port}"
    finally:
        server.shutdown()  # returns once serve_forever has left its loop
        server.server_close()
        thread.join(timeout=10)


def launch_chromium(playwright: Playwright, **options: Any) -> Browser:
    """Launch Debian's headless Chromium with the flags this machine needs.

    `options` go to Playwright's `chromium.launch` (`slow_mo=…`, say); `args` given
    there are added after the standard flags.
    """
    args = [*CHROMIUM_ARGS, *options.pop("args", [])]
    return playwright.chromium.launch(executable_path=CHROMIUM, args=args, **options)


@contextmanager
def chromium(**options: Any) -> Iterator[Browser]:
    """Start Playwright and a headless Chromium; close both when the block ends.

    Meant for a session- or module-scoped pytest fixture: one browser, a new
    `browser.new_context()` per person in a test (contexts share no cookies).
    """
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright, **options)
        try:
            yield browser
        finally:
            browser.close()


@dataclass
class Problems:
    """What went wrong in a browser context: console errors, page errors, failed requests.

    Responses with a status of 400 or more are kept in `error_responses` as
    (method, url, status); `unexpected()` leaves out the ones a test expects.
    """

    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    error_responses: list[tuple[str, str, int]] = field(default_factory=list)

    def unexpected(self, *expected: tuple[str, str, int]) -> list[str]:
        """Everything that went wrong, except the error responses listed in `expected`."""
        remaining = list(expected)
        surprises: list[str] = []
        for response in self.error_responses:
            if response in remaining:
                remaining.remove(response)
            else:
                surprises.append("{} {} -> {}".format(*response))
        missing = [f"expected but not seen: {m} {u} -> {s}" for m, u, s in remaining]
        return [
            *(f"console error: {m}" for m in self.console_errors),
            *(f"page error: {m}" for m in self.page_errors),
            *(f"request failed: {m}" for m in self.failed_requests),
            *surprises,
            *missing,
        ]


_STATUS_LOGGED = "Failed to load resource: the server responded with a status of "


def watch(context: BrowserContext) -> Problems:
    """Record every problem in `context` (all its pages) from now on."""
    problems = Problems()

    def on_console(message: ConsoleMessage) -> None:
        # Chromium also logs each response of 400 or more as a console error; those
        # are kept, with their method and status, in `error_responses` instead.
        if message.type == "error" and not message.text.startswith(_STATUS_LOGGED):
            where = message.location.get("url")
            problems.console_errors.append(f"{message.text} ({where})" if where else message.text)

    def on_web_error(error: WebError) -> None:
        problems.page_errors.append(str(error.error))

    def on_request_failed(request: Request) -> None:
        # The browser itself cancels what a page still loads (its favicon, say) when a
        # click moves on to the next page: that is not the server failing.
        if request.failure == "net::ERR_ABORTED" and not request.is_navigation_request():
            return
        problems.failed_requests.append(f"{request.method} {request.url}: {request.failure}")

    def on_response(response: Response) -> None:
        if response.status >= 400:
            problems.error_responses.append(
                (response.request.method, response.url, response.status)
            )

    context.on("console", on_console)
    context.on("weberror", on_web_error)
    context.on("requestfailed", on_request_failed)
    context.on("response", on_response)
    return problems


def artifacts_dir() -> Path:
    """The folder for screenshots and other test output, created if missing.

    `FORUM_TEST_ARTIFACTS` names it; by default `test-artifacts/` at the repository
    root (ignored by git).
    """
    path = Path(os.environ.get("FORUM_TEST_ARTIFACTS") or REPO_ROOT / "test-artifacts")
    path.mkdir(parents=True, exist_ok=True)
    return path


def start_make(target: str, settings: dict[str, str], log: Path) -> subprocess.Popen:
    """`make TARGET` as a newcomer types it, with `settings` added to the environment (less
    the tests' own), in a process group of its own so that it can be stopped whole."""
    env = {k: v for k, v in os.environ.items() if k != "FORUM_TEST_BACKENDS"}
    env.update(settings)
    with log.open("wb") as output:
        return subprocess.Popen(
            ["make", "--no-print-directory", target],
            cwd=REPO_ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
