"""The forum under gunicorn as `make run` serves it, and concurrent posters that load it.

    with GunicornServer(env, log_path) as server:
        load = Load(server.base_url, posters=8, comments_each=250, tag="a")
        load.run(deadline=240)

Each poster is a thread with its own cookie session. It reads the comment form
once (CSRF token, signed start time), then posts its comments one after another
without following redirects, and records every outcome. A connection error is
recorded as "not acknowledged" and the poster goes on with its next comment.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import traceback
import urllib.request
from dataclasses import dataclass
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.parse import urlencode

from tests.helpers import ARTICLE, form_fields
from tests.services import free_port

REPO_ROOT = Path(__file__).resolve().parent.parent
ARTICLE_PATH = f"/articles/{ARTICLE}"
POST_PATH = f"{ARTICLE_PATH}/comments"
REQUEST_TIMEOUT = 30.0  # seconds; gunicorn kills a sync worker after 30 s anyway
STALL_TIMEOUT = 60.0  # seconds without any answer: the load is stuck, stop it
_ACK = re.compile(r"#comment-(\d+)$")
# What a refused form tells the person, for assertion messages.
_MESSAGES = re.compile(r'class="(?:alert|error|question)[^"]*"[^>]*>\s*(?:<p>)?([^<]+)')
CONNECTION_ERRORS = (OSError, http.client.HTTPException)  # refused, reset, timed out, cut short


class _KeepResponses(urllib.request.HTTPErrorProcessor):
    """Hand every response back as it is: no redirects followed, no HTTPError raised."""

    def http_response(self, request, response):  # urllib's hook name
        return response

    https_response = http_response


def browser() -> urllib.request.OpenerDirector:
    """A client with its own cookie session, like one person's browser."""
    return urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(CookieJar()), _KeepResponses()
    )


def fetch(
    opener: urllib.request.OpenerDirector, url: str, data: dict[str, str] | None = None
) -> tuple[int, dict[str, str], str]:
    """One request: status, headers and body text; the connection is always closed."""
    encoded = urlencode(data).encode() if data is not None else None
    with opener.open(url, data=encoded, timeout=REQUEST_TIMEOUT) as response:
        return response.status, dict(response.headers), response.read().decode(errors="replace")


class GunicornServer:
    """`gunicorn --workers 2 wsgi:app` on 127.0.0.1 in its own session (process group).

    stdout and stderr of every start go to `log_path`; `tail()` returns its end for
    assertion messages. Leaving the `with` block stops the master and its workers.
    """

    def __init__(self, env: dict[str, str], log_path: Path, workers: int = 2) -> None:
        self.env = env
        self.log_path = log_path
        self.workers = workers
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None
        self.starts = 0
        self.cpu_seconds = 0.0  # used by the master and workers while serving, all starts
        self._cpu_at_start = 0.0

    def __enter__(self) -> GunicornServer:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def start(self, timeout: float = 30.0) -> None:
        """Start gunicorn and return once it serves the article page."""
        assert self.process is None, "gunicorn is already running"
        self.starts += 1
        command = [
            *(sys.executable, "-m", "gunicorn"),
            *("--workers", str(self.workers)),
            *("--bind", f"127.0.0.1:{self.port}"),
            "--no-control-socket",
            "wsgi:app",
        ]
        with self.log_path.open("ab") as log:
            log.write(f"--- start {self.starts}: {' '.join(command)}\n".encode())
            log.flush()
            self.process = subprocess.Popen(
                command,
                cwd=REPO_ROOT,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=log,
                start_new_session=True,  # its own process group: killpg reaches the workers
            )
        self._wait_until_serving(timeout)

    def _wait_until_serving(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        opener = browser()
        while time.monotonic() < deadline:
            assert self.process is not None
            if self.process.poll() is not None:
                raise AssertionError(
                    f"gunicorn exited with {self.process.returncode}:\n{self.tail()}"
                )
            with contextlib.suppress(*CONNECTION_ERRORS):
                status, _, _ = fetch(opener, self.base_url + ARTICLE_PATH)
                if status == 200:
                    self._cpu_at_start = self._cpu_now()
                    return
            time.sleep(0.1)
        self.stop()
        raise AssertionError(f"gunicorn did not serve within {timeout} s:\n{self.tail()}")

    def kill(self) -> None:
        """SIGKILL the master and every worker at once, as a crash or the OOM killer would."""
        assert self.process is not None, "gunicorn is not running"
        self._count_cpu()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self._reap()

    def stop(self) -> None:
        """Stop gunicorn (SIGTERM, then SIGKILL after 20 s); does nothing if it is not running."""
        if self.process is None:
            return
        self._count_cpu()
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(20)
        except ProcessLookupError:
            pass
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
        self._reap()

    def _reap(self) -> None:
        assert self.process is not None
        self.process.wait(20)
        self.process = None
        # Workers die on their own signal, a moment after the master; until the last has
        # gone the port is still taken, and a new gunicorn could not bind it.
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), 0.5):
                    pass
            except ConnectionRefusedError:
                return
            except OSError:
                pass
            time.sleep(0.05)
        raise AssertionError(f"127.0.0.1:{self.port} still answers after gunicorn was stopped")

    def _cpu_now(self) -> float:
        """CPU seconds used so far by the processes of gunicorn's group (master and workers)."""
        assert self.process is not None
        ticks = 0
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rpartition(")")[2].split()
            except OSError:  # gone in the meantime
                continue
            if int(fields[2]) == self.process.pid:  # pgrp
                ticks += int(fields[11]) + int(fields[12])  # utime, stime
        return ticks / os.sysconf("SC_CLK_TCK")

    def _count_cpu(self) -> None:
        if self._cpu_at_start:
            self.cpu_seconds += self._cpu_now() - self._cpu_at_start
            self._cpu_at_start = 0.0

    def tail(self, lines: int = 40) -> str:
        if not self.log_path.exists():
            return "(no gunicorn log)"
        text = self.log_path.read_text(errors="replace").splitlines()
        return "\n".join(["gunicorn log (end):", *text[-lines:]])


@dataclass(frozen=True)
class Outcome:
    """One POST: what was sent and what came back (status 0: a connection error)."""

    poster: int
    index: int
    body: str
    status: int
    location: str = ""
    comment_id: int | None = None
    error: str = ""  # the connection error, or what a refusal said
    sent_during_outage: bool = False  # sent after Load.pause() was called
    finished_at: float = 0.0

    @property
    def acknowledged(self) -> bool:
        return self.comment_id is not None

    def describe(self) -> str:
        what = f"{self.status} {self.location}".strip() if self.status else "no response"
        return f"poster {self.poster} comment {self.index}: {what} {self.error}".strip()


def comment_body(tag: str, poster: int, index: int) -> str:
    """A distinct, ordinary comment: no links, no symptoms, nothing any rule would hold."""
    return (
        f"Durability note {tag}-{poster}-{index}: my infusion day was calm and the "
        "nurses were kind."
    )


class Load:
    """`posters` threads, each posting `comments_each` comments to the article."""

    def __init__(self, base_url: str, posters: int, comments_each: int, tag: str) -> None:
        self.base_url = base_url
        self.posters = posters
        self.comments_each = comments_each
        self.tag = tag
        self.outcomes: list[Outcome] = []
        self.crashes: list[str] = []  # tracebacks of posters that failed outright
        self._lock = threading.Lock()
        self._acks = threading.Condition(self._lock)
        self._ack_count = 0
        self._open = threading.Event()  # cleared while the server is down on purpose
        self._open.set()
        self._stop = threading.Event()
        self._threads = [
            threading.Thread(target=self._poster, args=(n,), name=f"poster-{n}", daemon=True)
            for n in range(1, posters + 1)
        ]
        self.started_at = self.finished_at = self._last_outcome = 0.0

    def __enter__(self) -> Load:
        return self

    def __exit__(self, *exc_info: object) -> None:
        """Whatever happened, no poster outlives the block."""
        self.stop()

    def stop(self) -> None:
        self._stop.set()
        self._open.set()
        for thread in self._threads:
            if thread.is_alive():
                thread.join(REQUEST_TIMEOUT + 5)
        if not self.finished_at:
            self.finished_at = time.monotonic()

    @property
    def total(self) -> int:
        return self.posters * self.comments_each

    def start(self) -> None:
        self.started_at = self._last_outcome = time.monotonic()
        for thread in self._threads:
            thread.start()

    def wait_for_acknowledgements(
        self, count: int, timeout: float, stall: float = STALL_TIMEOUT
    ) -> int:
        """Block until `count` comments have been acknowledged, for at most `timeout` s, or
        until nothing has been answered for `stall` s; returns the number acknowledged."""
        deadline = time.monotonic() + timeout
        with self._acks:
            while self._ack_count < count and time.monotonic() < deadline:
                if not any(t.is_alive() for t in self._threads):
                    break
                if time.monotonic() - self._last_outcome > stall:
                    break
                self._acks.wait(min(0.5, max(0.0, deadline - time.monotonic())))
            return self._ack_count

    def pause(self) -> None:
        """Posters finish what they have sent but send nothing new until `resume()`."""
        self._open.clear()

    def resume(self) -> None:
        self._last_outcome = time.monotonic()
        self._open.set()

    def join(self, deadline: float, stall: float = STALL_TIMEOUT) -> bool:
        """Wait for every poster until `deadline` (monotonic), or until no request has
        been answered for `stall` seconds while the load is not paused; then stop them.

        Returns whether all finished in time. A poster that is stopped finishes the
        request it has sent (at most REQUEST_TIMEOUT) and leaves.
        """
        while any(t.is_alive() for t in self._threads) and time.monotonic() < deadline:
            if self._open.is_set() and time.monotonic() - self._last_outcome > stall:
                break
            time.sleep(0.2)
        finished = not any(t.is_alive() for t in self._threads)
        self.finished_at = time.monotonic()
        if not finished:
            self.stop()
        return finished

    def run(self, timeout: float) -> bool:
        self.start()
        return self.join(time.monotonic() + timeout)

    def _record(self, outcome: Outcome) -> None:
        with self._acks:
            self._last_outcome = time.monotonic()
            self.outcomes.append(outcome)
            if outcome.acknowledged:
                self._ack_count += 1
                self._acks.notify_all()

    def _poster(self, number: int) -> None:
        try:
            self._post_all(number)
        except Exception:
            with self._lock:
                self.crashes.append(f"poster {number}:\n{traceback.format_exc()}")

    def _post_all(self, number: int) -> None:
        opener = browser()
        status, _, html = fetch(opener, self.base_url + ARTICLE_PATH)
        if status != 200:
            raise AssertionError(f"the article page answered {status}")
        form = form_fields(html, POST_PATH)
        form.update(
            author_name=f"Load Poster {number}",
            author_email=f"poster{number}.{self.tag}@patients.test",
        )
        for index in range(1, self.comments_each + 1):
            if not self._open.is_set():
                self._open.wait(REQUEST_TIMEOUT * 2)
            if self._stop.is_set():
                return
            body = comment_body(self.tag, number, index)
            outage = not self._open.is_set()
            self._record(self._post(opener, form, number, index, body, outage))

    def _post(
        self,
        opener: urllib.request.OpenerDirector,
        form: dict[str, str],
        number: int,
        index: int,
        body: str,
        outage: bool,
    ) -> Outcome:
        sent = {"poster": number, "index": index, "body": body, "sent_during_outage": outage}
        try:
            status, headers, html = fetch(opener, self.base_url + POST_PATH, {**form, "body": body})
        except CONNECTION_ERRORS as error:
            return Outcome(
                **sent,
                status=0,
                error=f"{type(error).__name__}: {error}",
                finished_at=time.monotonic(),
            )
        location = headers.get("Location", "")
        match = _ACK.search(location) if status in (302, 303) else None
        said = "" if match else " / ".join(m.strip() for m in _MESSAGES.findall(html))[:300]
        return Outcome(
            **sent,
            status=status,
            location=location,
            comment_id=int(match.group(1)) if match else None,
            error=said,
            finished_at=time.monotonic(),
        )

    def acknowledged(self) -> dict[int, Outcome]:
        """Acknowledged outcomes by comment id (a repeated id is a failure of its own)."""
        return {o.comment_id: o for o in self.outcomes if o.comment_id is not None}

    def throughput(self) -> float:
        elapsed = (self.finished_at or time.monotonic()) - self.started_at
        acks = sum(o.acknowledged for o in self.outcomes)
        return acks / elapsed if elapsed > 0 else 0.0
