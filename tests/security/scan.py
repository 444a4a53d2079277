"""`make security`: sqlmap and wapiti3 against throwaway forums on 127.0.0.1.

Each forum runs from this checkout on a fresh SQLite database in a temporary folder,
served by gunicorn on a free loopback port, with the rate limits, the flood check and
the "form sent too fast" check turned off so that the scanners' requests are not
refused for being quick. Five forums, scanned at the same time (the scanners mostly
wait for answers): two for the public scans, so that what the scans of the moderation
area change (closing an article, blocking the scanner's address, settings) cannot make
the public forms refuse them, and three for the moderation area, whose wapiti scan (the
longest step) is split in three parts by module; each scanner has a forum to itself:

- public: sqlmap tests the comment form (POST, with a fresh CSRF token for every
  request), the article's `?page=` and `?replytocom=`, the JSON API's `?page=` and the
  sign-in and forgot-password forms;
- public-2: wapiti3 crawls and attacks the whole site as a visitor;
- moderation: wapiti3 crawls the whole site, moderation area (the team and account pages
  with their forms too) included, signed in as an admin, and attacks it with xss and
  permanentxss (the longest run: nothing else waits in front of it);
- moderation-2: wapiti3 crawls the same, signed in as an admin, and attacks it with sql,
  csrf, http_headers and csp;
- moderation-3: sqlmap tests the moderation queue's `?status=` and `?page=`, then wapiti3
  crawls the same again and attacks it with exec alone.

wapiti3 runs the modules xss, permanentxss, sql, csrf, exec, http_headers and csp only
(never one that calls outside hosts), each on every page that its run crawled. The
server's own logs are read for unhandled exceptions and 5xx answers, which the contract
rules out for any input.

Exit status: 0 when nothing was found, 1 when something was found, 2 when a scan could
not run or did not finish (a time limit, a server that did not start, a forum that
refused the scanner's requests). Reports go to test-artifacts/security/; a summary is
printed at the end and written to summary.txt.

Runs in the app's virtualenv (it starts the app with this Python) and calls the
scanners from their own virtualenv, .venv-security/ by default (`make security`
creates it). Standard library only.
"""

from __future__ import annotations

import argparse
import contextlib
import http.cookiejar
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pyotp

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "security"
SCANNERS_VENV = ROOT / ".venv-security"
SLUG = "ivig-for-lupus"
ARTICLE_PATH = f"/articles/{SLUG}"

WAPITI_MODULES = "xss,permanentxss,sql,csrf,exec,http_headers,csp"
# The moderator's wapiti scan in three parts, each run on its own forum at the same time:
# forum -> (report name, modules). permanentxss looks for what xss stored, so those two
# stay in one run; permanentxss and exec each use their whole attack time (two minutes),
# and sql about a minute and a half, so no part waits for another's.
MODERATOR_SCANS = {
    "moderation": ("moderator", "xss,permanentxss"),
    "moderation-2": ("moderator-2", "sql,csrf,http_headers,csp"),
    "moderation-3": ("moderator-3", "exec"),
}
FORUMS = ("public", "public-2", *MODERATOR_SCANS)
MODERATOR_EMAIL = "security-scan@example.org"

# The comment sqlmap sends; `SQLMAP_EVAL` makes every submission unique, so that the
# forum's duplicate check does not refuse the requests that test the other fields.
SCAN_BODY = "Security-scan-comment"
SCAN_NAME = "Security scanner"
SCAN_EMAIL = "scanner@example.org"
SQLMAP_EVAL = (
    "import uuid; body, author_name, author_email = "
    f'(body + "-" + uuid.uuid4().hex[:12], author_name, author_email) if body == "{SCAN_BODY}" '
    'else (body, author_name + "-" + uuid.uuid4().hex[:8], '
    'uuid.uuid4().hex[:12] + "@example.org")'
)

# sqlmap's final verdicts (an injection point it confirmed), and its heuristic checks
# for other flaws (XSS: a quote or bracket sent back unescaped; file inclusion; …).
# Two kinds of line are only leads, which sqlmap follows up itself before its verdict:
# "appears to be '…' injectable" (a candidate it then checks for a false positive) and
# "heuristic (basic) test shows that … might be SQL injectable" (for a number, also when
# the page merely ignores a value like "1235-1234" and shows page 1). They are noted,
# and count only when the verdict that follows confirms them.
SQLMAP_FINDING = re.compile(
    r"parameter '[^']+' is vulnerable"
    r"|sqlmap identified the following injection point"
    r"|heuristic \([^)]+\) test shows that .* might be vulnerable"
)
SQLMAP_LEAD = re.compile(r"might be SQL injectable|appears to be '.*' injectable")
SQLMAP_CLEAN = "all tested parameters do not appear to be injectable"
SQLMAP_TESTED = re.compile(r"testing for SQL injection on (\w+) parameter '([^']+)'")

# Wapiti's "anomalies" that are findings here: the contract says no input answers 500.
# Its other anomaly, "Resource consumption", is a slow answer: shown, but it depends on
# how busy the machine is, so it does not fail the scan. Its "additionals" are
# information (fingerprints, methods) and are only counted.
WAPITI_ANOMALY_FINDINGS = {"Internal Server Error"}

ACCESS_STATUS = re.compile(r'"(?P<request>[A-Z]+ [^"]*)" (?P<status>\d{3}) ')
# Answers that mean a request never reached the code under test: if most of a scan's
# requests got one, the scan proved little, and says so.
REFUSED = {403: "403 Forbidden", 429: "429 Too Many Requests"}
APP_EXCEPTION = re.compile(r"ERROR in app: Exception on (?P<where>.+)$")


class ScanError(Exception):
    """A scan could not run or finish: the result is unknown, which is not a pass."""


class Interrupted(BaseException):
    """SIGTERM or SIGHUP: stop everything that was started, then exit."""


@dataclass
class Result:
    scanner: str
    forum: str
    target: str
    seconds: float = 0.0
    findings: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    reports: list[Path] = field(default_factory=list)

    @property
    def verdict(self) -> str:
        if self.findings:
            return f"{len(self.findings)} finding(s)"
        if self.problems:
            return "INCOMPLETE"
        return "clean"


class Deadline:
    def __init__(self, seconds: float) -> None:
        self.end = time.monotonic() + seconds

    def remaining(self) -> float:
        return self.end - time.monotonic()

    def limit(self, seconds: float) -> float:
        """A step's own limit, cut short by what is left of the whole run."""
        left = self.remaining()
        if left < 5:
            raise ScanError("the total time limit was reached")
        return min(seconds, left)


# Every process this script starts, so that it can stop them whatever happens.
_children: list[subprocess.Popen] = []


def _stop_process(proc: subprocess.Popen, grace: float = 10.0) -> None:
    """Stop a process started in its own session, and everything it started, by its id."""
    if proc.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(grace)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(5)


def _stop_all_children() -> None:
    for proc in reversed(list(_children)):
        _stop_process(proc)


def _on_signal(signum: int, _frame: object) -> None:
    raise Interrupted(signal.Signals(signum).name)


def run_logged(
    cmd: list[str], log_path: Path, timeout: float, env: dict[str, str]
) -> tuple[int | None, float]:
    """Run a scanner with its output (each line stamped with the time) in log_path.

    Returns (exit code or None when it was stopped at its time limit, seconds taken).
    """
    started = time.monotonic()
    with log_path.open("w", encoding="utf-8", errors="replace") as log:
        log.write("$ " + " ".join(cmd) + "\n")
        log.flush()
        proc = subprocess.Popen(
            cmd,
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            errors="replace",
            start_new_session=True,
        )
        _children.append(proc)

        def pump() -> None:
            assert proc.stdout is not None
            for line in proc.stdout:
                if line.strip():  # sqlmap redraws its lines with carriage returns
                    log.write(f"[{time.monotonic() - started:7.1f}s] {line}")
            log.flush()

        reader = threading.Thread(target=pump, daemon=True)
        reader.start()
        try:
            code: int | None = proc.wait(timeout)
        except subprocess.TimeoutExpired:
            code = None
        finally:  # also on SIGTERM or Ctrl+C: no scanner outlives this script
            _stop_process(proc)
            with contextlib.suppress(ValueError):
                _children.remove(proc)
        reader.join(10)
        if code is None:
            log.write(f"\n*** stopped by scan.py at its time limit of {timeout:.0f} s ***\n")
    return code, time.monotonic() - started


# --- The forum under test ---------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def app_environment(database_url: str) -> dict[str, str]:
    """The environment of the app's commands: nothing from outside that sends mail or
    reaches other hosts, a fixed key, and the checks that would refuse fast requests off."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("MAIL_", "FORUM_", "RATELIMIT_")) and k != "DATABASE_URL"
    }
    env.update(
        DATABASE_URL=database_url,
        SECRET_KEY=os.environ.get("SECRET_KEY") or "security-scan-only-not-a-secret",
        FLASK_APP="wsgi",
        RATELIMIT_ENABLED="false",
        RATELIMIT_STORAGE_URI="memory://",
        FORUM_FLOOD_SECONDS="0",
        FORUM_MIN_FORM_SECONDS="0",
        PYTHONUNBUFFERED="1",
    )
    return env


def python(args: list[str], env: dict[str, str], what: str, stdin: str | None = None) -> str:
    """This Python with `args` in the repository, for setting up a forum; fails loudly."""
    done = subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if done.returncode != 0:
        raise ScanError(f"{what} failed:\n{done.stdout}{done.stderr}")
    return done.stdout


def flask(args: list[str], env: dict[str, str], stdin: str | None = None) -> str:
    return python(["-m", "flask", "--app", "wsgi", *args], env, f"flask {' '.join(args)}", stdin)


class Forum:
    """A throwaway forum: a fresh database with the article and a moderator, served by
    gunicorn on a free loopback port until stop()."""

    def __init__(self, name: str, workdir: Path) -> None:
        self.name = name
        self.workdir = workdir
        self.env = app_environment(f"sqlite:///{workdir / 'forum.db'}")
        self.password = secrets.token_urlsafe(18)
        # The scan's moderator has two-factor on, as required accounts do: the scanners may
        # tick "Two-factor required for everyone" on the settings page, which would
        # otherwise send this session to enrol instead of to the queue.
        self.totp_secret = pyotp.random_base32()
        self.proc: subprocess.Popen | None = None
        self.port = 0
        self.stopped = False
        self.access_log = ARTIFACTS / f"server-{name}-access.log"
        self.error_log = ARTIFACTS / f"server-{name}-error.log"

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, wait: float = 30.0) -> None:
        flask(["db", "upgrade"], self.env)
        flask(["forum", "import-article"], self.env)
        flask(
            ["forum", "create-moderator", MODERATOR_EMAIL, "--name", "Security scan"],
            self.env,
            stdin=self.password + "\n",
        )
        turn_on_two_factor(self.env, self.totp_secret)
        for _attempt in range(3):  # a free port can be taken before gunicorn binds it
            if self.stopped:
                raise ScanError("stopped")
            self.port = free_port()
            self.proc = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "-w",
                    "2",
                    "-b",
                    f"127.0.0.1:{self.port}",
                    "--no-control-socket",
                    "--pid",
                    str(self.workdir / "gunicorn.pid"),
                    "--timeout",
                    "60",
                    "--access-logfile",
                    str(self.access_log),
                    "--error-logfile",
                    str(self.error_log),
                    "wsgi:app",
                ],
                cwd=ROOT,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
            )
            _children.append(self.proc)
            if self.stopped:  # stop() ran while this server was being started
                self._kill()
                raise ScanError("stopped")
            if self._wait_until_answering(wait):
                return
            self._kill()
        raise ScanError(f"the {self.name} forum did not start; see {self.error_log}")

    def _wait_until_answering(self, wait: float) -> bool:
        assert self.proc is not None
        end = time.monotonic() + wait
        while time.monotonic() < end:
            if self.proc.poll() is not None:
                return False
            with (
                contextlib.suppress(OSError),
                urllib.request.urlopen(self.base + "/", timeout=5) as answer,  # noqa: S310
            ):
                if answer.status == 200:
                    return True
            time.sleep(0.3)
        return False

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def stop(self) -> None:
        """Stop the server for good (a start() still under way gives up)."""
        self.stopped = True
        self._kill()

    def _kill(self) -> None:
        if self.proc is not None:
            _stop_process(self.proc, grace=15)
            if self.proc in _children:
                _children.remove(self.proc)

    def log_position(self) -> int:
        return self.access_log.stat().st_size if self.access_log.exists() else 0

    def statuses_since(self, position: int) -> Counter[int]:
        """The status codes of the answers logged since log_position() gave position."""
        statuses: Counter[int] = Counter()
        with self.access_log.open("rb") as log:
            log.seek(position)
            for line in log.read().decode(errors="replace").splitlines():
                if match := ACCESS_STATUS.search(line):
                    statuses[int(match.group("status"))] += 1
        return statuses


class FormParser(HTMLParser):
    """The forms of a page: action and their fields' served values (textareas empty)."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.forms.append((a.get("action", ""), {}))
        elif (
            tag in ("input", "textarea", "select")
            and self.forms
            and a.get("name")
            and a.get("type") not in ("submit", "button", "checkbox", "radio")
        ):
            self.forms[-1][1].setdefault(a["name"], a.get("value", ""))


class Browser:
    """Just enough of a browser to read forms, sign in and post: cookies, GET and POST."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def request(self, path: str, data: dict[str, str] | None = None) -> tuple[int, str, str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        try:
            with self.opener.open(self.base + path, data=body, timeout=30) as answer:
                return answer.status, answer.url, answer.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.url, error.read().decode(errors="replace")

    def form(self, path: str, action_suffix: str) -> tuple[str, dict[str, str]]:
        status, _url, html = self.request(path)
        if status != 200:
            raise ScanError(f"GET {path} answered {status}")
        parser = FormParser()
        parser.feed(html)
        for action, fields in parser.forms:
            parts = urllib.parse.urlsplit(action)
            if parts.path.endswith(action_suffix):  # the action without its #fragment
                return parts.path + (f"?{parts.query}" if parts.query else ""), fields
        raise ScanError(f"GET {path} has no form posting to …{action_suffix}")

    def cookie_header(self) -> str:
        return "; ".join(f"{c.name}={c.value}" for c in self.jar)


_TWO_FACTOR_ON = """
import sys
from sqlalchemy import select
from forum import create_app
from forum.extensions import db
from forum.models import Moderator
with create_app().app_context():
    moderator = db.session.scalar(select(Moderator).where(Moderator.email == sys.argv[1]))
    moderator.totp_secret = sys.argv[2]
    db.session.commit()
"""


def turn_on_two_factor(env: dict[str, str], secret: str) -> None:
    """As set-up would leave it; done in the database, the set-up page is tested elsewhere."""
    python(["-c", _TWO_FACTOR_ON, MODERATOR_EMAIL, secret], env, "turning two-factor on")


def sign_in(base: str, password: str, totp_secret: str) -> Browser:
    browser = Browser(base)
    action, fields = browser.form("/login", "/login")
    fields.update(email=MODERATOR_EMAIL, password=password)
    status, url, _html = browser.request(action, fields)
    if status == 200 and urllib.parse.urlsplit(url).path == "/login/code":
        action, fields = browser.form("/login/code", "/login/code")
        fields.update(code=pyotp.TOTP(totp_secret).now())
        status, url, _html = browser.request(action, fields)
    if status != 200 or not urllib.parse.urlsplit(url).path.startswith("/moderation"):
        raise ScanError(f"signing in as the scan's moderator failed ({status} at {url})")
    return browser


def still_signed_in(base: str, cookie: str) -> bool:
    request = urllib.request.Request(base + "/moderation/", headers={"Cookie": cookie})  # noqa: S310
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=30) as answer:
            return answer.status == 200
    except urllib.error.HTTPError:
        return False


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


# --- sqlmap ------------------------------------------------------------------------------


@dataclass
class SqlmapTarget:
    name: str
    label: str
    path: str
    data: dict[str, str] | None = None
    csrf_page: str | None = None
    cookie: str | None = None
    extra: list[str] = field(default_factory=list)


@dataclass
class WapitiRun:
    name: str
    label: str
    cookie: str
    starts: list[str]
    excludes: list[str]
    modules: str = WAPITI_MODULES


def comment_form(browser: Browser) -> tuple[str, dict[str, str]]:
    """The comment form's address and fields: every field it has, hidden ones as served,
    filled in as a reply to the article's bundled, approved comment."""
    action, served = browser.form(ARTICLE_PATH, "/comments")
    fields = dict(served)
    fields.update(
        author_name=SCAN_NAME,
        author_email=SCAN_EMAIL,
        website="https://example.org/",
        body=SCAN_BODY,
        parent_id="1",
    )
    return action, fields


def post_plain_comment(base: str, text: str) -> int:
    """A new visitor posts a harmless comment; the status of the page it ends on."""
    visitor = Browser(base)
    action, fields = comment_form(visitor)
    nonce = secrets.token_hex(4)
    fields.update(body=f"{text} ({nonce})", author_email=f"visitor-{nonce}@example.org")
    status, url, _html = visitor.request(action, fields)
    stored = status == 200 and urllib.parse.urlsplit(url).path == ARTICLE_PATH
    return 200 if stored else status


def public_plan(base: str, forum: str) -> list[SqlmapTarget | WapitiRun]:
    """sqlmap's targets on the forum "public", wapiti's visitor scan on "public-2"."""
    visitor = Browser(base)
    action, comment = comment_form(visitor)
    _action, login = visitor.form("/login", "/login")
    login.update(email="nobody@example.org", password="not-the-password")  # no lockout
    _action, forgot = visitor.form("/forgot-password", "/forgot-password")
    forgot.update(email="nobody@example.org")
    sqlmap = [
        SqlmapTarget(
            "comment-form",
            f"POST {action} ({', '.join(k for k in comment if k != 'csrf_token')})",
            action,
            data=comment,
            csrf_page=ARTICLE_PATH,
            # A stored comment answers with a redirect to itself; compare those answers
            # rather than the growing article page they point to.
            extra=["--ignore-redirects", "--eval", SQLMAP_EVAL],
        ),
        SqlmapTarget("article-page", f"GET {ARTICLE_PATH}?page=1", f"{ARTICLE_PATH}?page=1"),
        SqlmapTarget(
            "article-replytocom", f"GET {ARTICLE_PATH}?replytocom=1", f"{ARTICLE_PATH}?replytocom=1"
        ),
        SqlmapTarget(
            "api-page",
            f"GET /api{ARTICLE_PATH}/comments?page=1",
            f"/api{ARTICLE_PATH}/comments?page=1",
        ),
        SqlmapTarget(
            "login-form",
            "POST /login (email, password, next)",
            "/login",
            data=login,
            csrf_page="/login",
            # A wrong password answers 401, which sqlmap would otherwise stop at.
            extra=["--ignore-redirects", "--ignore-code", "401"],
        ),
        SqlmapTarget(
            "forgot-password-form",
            "POST /forgot-password (email)",
            "/forgot-password",
            data=forgot,
            csrf_page="/forgot-password",
        ),
    ]
    wapiti = [
        WapitiRun(
            "visitor",
            "whole site as a visitor",
            # The visitor's session (with its CSRF secret) from the start, so that the
            # crawler's parallel first requests do not each start a different one.
            visitor.cookie_header(),
            starts=[f"/api{ARTICLE_PATH}/comments?page=1", f"{ARTICLE_PATH}?page=1"],
            excludes=["/logout", "/manage/sign-out", "/moderation/*"],
        ),
    ]
    return sqlmap if forum == "public" else wapiti


def moderation_plan(base: str, forum: str, moderator_cookie: str) -> list[SqlmapTarget | WapitiRun]:
    """The scans of one of the moderation forums (MODERATOR_SCANS)."""
    # One pending comment, so that the queue has a row to show from the start.
    if (status := post_plain_comment(base, "A first comment")) != 200:
        raise ScanError(f"posting a first comment answered {status}")
    report, modules = MODERATOR_SCANS[forum]
    queue = [
        SqlmapTarget(
            "moderation-queue",
            "GET /moderation/?status=pending&page=1 (signed in)",
            "/moderation/?status=pending&page=1",
            cookie=moderator_cookie,
            # Keep the moderator's cookie as given: the queue must be scanned signed in.
            extra=["--drop-set-cookie"],
        ),
    ]
    return [
        *(queue if forum == "moderation-3" else []),
        WapitiRun(
            report,
            f"whole site signed in as a moderator (moderation area included): {modules}",
            moderator_cookie,
            starts=[
                "/moderation/",
                "/moderation/?status=pending&page=1",
                "/moderation/settings",
                "/moderation/team",
                "/moderation/account",
                f"/api{ARTICLE_PATH}/comments?page=1",
            ],
            # Signing out (also everywhere, or from the team page) would end the scan's
            # session, and closing the article to comments would refuse every comment the
            # scan sends after it.
            excludes=[
                "/logout",
                "/manage/sign-out",
                "/moderation/articles/*",
                "/moderation/account/sign-out-everywhere",
                "/moderation/team/*/sign-out",
            ],
            modules=modules,
        ),
    ]


def sqlmap_command(exe: Path, base: str, target: SqlmapTarget, outdir: Path) -> list[str]:
    cmd = [
        str(exe),
        "-u",
        base + target.path,
        "--batch",
        "--level",
        "1",
        "--risk",
        "1",
        "--flush-session",
        "--output-dir",
        str(outdir),
        "-t",
        str(outdir / "traffic.txt"),
        "--disable-coloring",
        "--skip-waf",  # no WAF here: skip the probe that makes sqlmap change its User-Agent
        # sqlmap keeps idle connections open ahead of its requests. Against two sync gunicorn
        # workers with no nginx in front, both workers can sit reading idle sockets while
        # the real request waits in the queue until sqlmap's timeout: a scan that says
        # nothing (seen once, 20 s twice on the moderation queue). Production has nginx.
        "--disable-precon",
        "--timeout",
        "20",
        "--retries",
        "1",
    ]
    if target.data is not None:
        cmd += ["--data", urllib.parse.urlencode(target.data)]
    if target.csrf_page:
        cmd += ["--csrf-token=csrf_token", f"--csrf-url={base}{target.csrf_page}"]
    if target.cookie:
        cmd += ["--cookie", target.cookie]
    return cmd + target.extra


def server_errors_in_traffic(traffic: Path, limit: int = 5) -> list[str]:
    """The requests that sqlmap saw answered with a 5xx, with the form data sent."""
    if not traffic.exists():
        return []
    found = []
    text = traffic.read_text(encoding="utf-8", errors="replace")
    for block in text.split("#" * 76):
        match = re.search(r"HTTP response \[#\d+\] \((5\d\d)\)", block)
        if not match:
            continue
        request = block.split("HTTP response")[0]
        lines = [ln for ln in request.strip().splitlines() if ln.strip()]
        line = next((ln for ln in lines if re.match(r"[A-Z]+ /", ln)), "?")
        body = lines[-1] if "=" in lines[-1] and not lines[-1].startswith(line) else ""
        found.append(f"{match.group(1)} for {line} {urllib.parse.unquote_plus(body)}".strip())
    shown = found[:limit]
    if len(found) > limit:
        shown.append(f"… and {len(found) - limit} more: see {traffic}")
    return shown


def run_sqlmap(
    exe: Path, base: str, forum: str, target: SqlmapTarget, deadline: Deadline, limit: float
) -> Result:
    result = Result("sqlmap", forum, target.label)
    outdir = ARTIFACTS / "sqlmap" / target.name
    outdir.mkdir(parents=True, exist_ok=True)
    log_path = ARTIFACTS / f"sqlmap-{target.name}.log"
    result.reports = [log_path, outdir]
    env = scanner_environment()
    if "--eval" in target.extra:
        env["SQLMAP_UNSAFE_EVAL"] = "1"  # our own --eval, written above
    limit = deadline.limit(limit)
    code, result.seconds = run_logged(
        sqlmap_command(exe, base, target, outdir), log_path, limit, env
    )
    output = log_path.read_text(encoding="utf-8", errors="replace")
    for line in output.splitlines():
        message = line.split("] ", 2)[-1].strip()
        if SQLMAP_FINDING.search(line):
            result.findings.append(message)
        elif SQLMAP_LEAD.search(line):
            result.notes.append(f"lead, not a verdict: {message}")
    tested = sorted({m.group(2) for m in SQLMAP_TESTED.finditer(output)})
    result.notes.append("parameters tested: " + (", ".join(tested) or "none"))
    codes = re.search(r"HTTP error codes detected during run:\s*\n\[[^]]*\]\s*(.+)", output)
    if codes:
        result.notes.append("answers other than 2xx/3xx: " + codes.group(1).strip())
    for error in server_errors_in_traffic(outdir / "traffic.txt"):
        result.findings.append("server error: " + error)
    if code is None:
        result.problems.append(f"stopped at its time limit ({limit:.0f} s)")
    elif not result.findings and SQLMAP_CLEAN not in output:
        last = [ln for ln in output.splitlines() if "[CRITICAL]" in ln or "[ERROR]" in ln]
        result.problems.append(
            f"sqlmap (exit {code}) gave no verdict: " + (last[-1] if last else "see the log")
        )
    return result


# --- wapiti ------------------------------------------------------------------------------


def wapiti_command(
    exe: Path,
    base: str,
    name: str,
    cookie: str,
    starts: list[str],
    excludes: list[str],
    modules: str,
    scan_time: float,
    attack_time: float,
) -> list[str]:
    workdir = ARTIFACTS / f"wapiti-{name}"
    cmd = [
        str(exe),
        "-u",
        base + "/",
        "--scope",
        "folder",
        "-m",
        modules,
        "--flush-session",
        "--store-session",
        str(workdir / "session"),
        "--store-config",
        str(workdir / "config"),
        "--max-scan-time",
        str(int(scan_time)),
        "--max-attack-time",
        str(int(attack_time)),
        "--timeout",
        "20",
        "-C",
        cookie,
        "-f",
        "json",
        "-o",
        str(ARTIFACTS / f"wapiti-{name}.json"),
        "-v",
        "1",
        # Never send anything outside: no crash reports, and every "endpoint" that some
        # modules use for out-of-band checks (none of the modules above) on loopback.
        "--no-bugreport",
        "--dns-endpoint",
        "localhost",
        "--endpoint",
        base + "/",
        "--external-endpoint",
        base + "/",
        "--internal-endpoint",
        base + "/",
    ]
    for start in starts:
        cmd += ["-s", base + start]
    for exclude in excludes:
        cmd += ["-x", base + exclude]
    return cmd


def wapiti_findings(report: Path) -> tuple[list[str], list[str], list[str]]:
    """(findings, notes, problems) from wapiti's JSON report."""
    try:
        data = json.loads(report.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        return [], [], [f"no readable report {report.name}: {error}"]
    findings, notes = [], []

    def describe(category: str, item: dict) -> str:
        where = f"{item.get('method', '?')} {item.get('path', '?')}"
        parameter = f" parameter {item['parameter']!r}" if item.get("parameter") else ""
        text = f"{category}: {where}{parameter}: {item.get('info', '').strip()}"
        request = (item.get("http_request") or "").strip()
        if request and item.get("method") == "POST":
            text += f"\n      request body: {request.splitlines()[-1][:400]}"
        elif request:
            text += f"\n      request: {request.splitlines()[0][:400]}"
        return text

    for category, items in (data.get("vulnerabilities") or {}).items():
        findings += [describe(category, item) for item in items or []]
    for category, items in (data.get("anomalies") or {}).items():
        for item in items or []:
            if category in WAPITI_ANOMALY_FINDINGS:
                findings.append(describe(category, item))
            else:
                notes.append("not counted: " + describe(category, item))
    additionals = {k: len(v) for k, v in (data.get("additionals") or {}).items() if v}
    if additionals:
        notes.append(f"informational, not counted: {additionals}")
    crawled = (data.get("infos") or {}).get("crawled_pages_nbr")
    if crawled is not None:
        notes.insert(0, f"{crawled} URLs and forms crawled")
    return findings, notes, []


def run_wapiti(
    exe: Path,
    base: str,
    forum: str,
    run: WapitiRun,
    deadline: Deadline,
    scan_time: float,
    attack_time: float,
) -> Result:
    name = run.name
    result = Result("wapiti", forum, run.label)
    report = ARTIFACTS / f"wapiti-{name}.json"
    log_path = ARTIFACTS / f"wapiti-{name}.log"
    result.reports = [report, log_path]
    modules = len(run.modules.split(","))
    limit = deadline.limit(scan_time + modules * attack_time + 120)
    cmd = wapiti_command(
        exe, base, name, run.cookie, run.starts, run.excludes, run.modules, scan_time, attack_time
    )
    code, result.seconds = run_logged(cmd, log_path, limit, scanner_environment())
    output = log_path.read_text(encoding="utf-8", errors="replace")
    if code is None:
        result.problems.append(f"stopped at its time limit ({limit:.0f} s)")
    elif code != 0:
        result.problems.append(f"wapiti exited with {code}; see {log_path}")
    else:
        findings, notes, problems = wapiti_findings(report)
        result.findings += findings
        result.notes += notes
        result.problems += problems
    if (
        code == 0
        and name.startswith("moderator")
        and not re.search(r"\] \[\+\] (GET|POST) \S+/moderation/", output)
    ):
        result.problems.append("the moderation area was not reached: was the session lost?")
    for module in re.findall(r"Max attack time was reached for module (\w+)", output):
        result.notes.append(f"module {module} reached its attack time limit ({attack_time:.0f} s)")
    if "Max scan time was reached" in output:
        result.notes.append(f"the crawl reached its time limit ({scan_time:.0f} s)")
    return result


def scanner_environment() -> dict[str, str]:
    env = dict(os.environ)
    env.update(TERM="dumb", NO_PROXY="127.0.0.1,localhost", no_proxy="127.0.0.1,localhost")
    for proxy in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"):
        env.pop(proxy, None)
    return env


# --- The server's own record ---------------------------------------------------------------


def server_log_findings(forum: Forum) -> Result:
    """Unhandled exceptions and 5xx answers in the server's logs, whoever caused them."""
    result = Result("server", forum.name, "gunicorn's logs during the scans")
    result.reports = [forum.access_log, forum.error_log]
    statuses: Counter[str] = Counter()
    if forum.access_log.exists():
        for line in forum.access_log.read_text(errors="replace").splitlines():
            match = ACCESS_STATUS.search(line)
            if match and match.group("status").startswith("5"):
                path = match.group("request").split("?")[0]
                statuses[f"{match.group('status')} for {path}"] += 1
    exceptions: Counter[str] = Counter()
    if forum.error_log.exists():
        where = None
        for line in forum.error_log.read_text(errors="replace").splitlines():
            if match := APP_EXCEPTION.search(line):
                where = match.group("where")
            elif where and re.match(r"^[A-Za-z_.]+(Error|Exception)\b", line):
                exceptions[f"{line.strip()[:200]} (at {where})"] += 1
                where = None
    result.findings += [f"{count} × answer {what}" for what, count in statuses.items()]
    result.findings += [f"{count} × unhandled {what}" for what, count in exceptions.items()]
    return result


# --- Putting it together -------------------------------------------------------------------


def fmt_seconds(seconds: float) -> str:
    minutes, secs = divmod(round(seconds), 60)
    return f"{minutes}m{secs:02d}s" if minutes else f"{secs}s"


def summary(results: list[Result], total: float, fatal: str | None) -> str:
    lines = [f"Security scan of throwaway forums on 127.0.0.1 ({fmt_seconds(total)} in all)", ""]
    lines.append(f"{'scanner':8} {'forum':12} {'time':>7}  {'result':16} target")
    for r in results:
        lines.append(
            f"{r.scanner:8} {r.forum:12} {fmt_seconds(r.seconds):>7}  {r.verdict:16} {r.target}"
        )
    for r in results:
        if not (r.findings or r.problems or r.notes):
            continue
        lines += ["", f"{r.scanner} ({r.forum} forum): {r.target}"]
        lines += [f"  FINDING {f}" for f in r.findings]
        lines += [f"  PROBLEM {p}" for p in r.problems]
        lines += [f"  note    {n}" for n in r.notes]
        if r.reports:
            lines.append("  reports " + ", ".join(str(p.relative_to(ROOT)) for p in r.reports))
    findings = sum(len(r.findings) for r in results)
    incomplete = [r for r in results if r.problems]
    lines.append("")
    if fatal:
        lines.append(f"SCAN FAILED TO RUN: {fatal}")
    lines.append(
        f"{findings} finding(s); {len(incomplete)} scan(s) incomplete; "
        f"total {fmt_seconds(total)}; reports in {ARTIFACTS.relative_to(ROOT)}/"
    )
    return "\n".join(lines)


@contextlib.contextmanager
def signals_stop_the_run() -> Iterator[None]:
    previous = {s: signal.signal(s, _on_signal) for s in (signal.SIGTERM, signal.SIGHUP)}
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)


def check_reach(
    forum: Forum, position: int, step: SqlmapTarget | WapitiRun, result: Result
) -> None:
    """Did the scan's requests reach the forum's code, and can visitors still post?"""
    if not forum.alive():
        raise ScanError(f"the {forum.name} forum's server died during the scan")
    statuses = forum.statuses_since(position)
    total = sum(statuses.values())
    refused = {REFUSED[code]: statuses[code] for code in REFUSED if statuses[code]}
    if total and sum(refused.values()) > total / 2:
        result.problems.append(
            f"the forum refused most of the {total} requests ({refused}): "
            "the scan reached little of the code under test"
        )
    if forum.name.startswith("moderation") and not still_signed_in(forum.base, step.cookie or ""):
        result.problems.append("the scan's moderator session no longer opens the queue")
    if forum.name.startswith("public"):
        status = post_plain_comment(forum.base, "Still open after a scan")
        if status != 200:
            result.problems.append(
                f"after this scan a visitor's plain comment was refused ({status}), so "
                "the scans after it reached less of the forum"
            )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--time-limit", type=float, default=1500, help="seconds for everything (default 1500)"
    )
    parser.add_argument(
        "--scanners", type=Path, default=SCANNERS_VENV, help="the scanners' virtualenv"
    )
    parser.add_argument(
        "--sqlmap-time", type=float, default=300, help="seconds for each sqlmap target"
    )
    parser.add_argument(
        "--wapiti-crawl-time", type=float, default=120, help="seconds for each wapiti crawl"
    )
    parser.add_argument(
        "--wapiti-attack-time",
        type=float,
        default=120,
        help="seconds for each wapiti module in each wapiti run",
    )
    parser.add_argument("--only", choices=["sqlmap", "wapiti"], help="run only one of the scanners")
    args = parser.parse_args(argv)

    started = time.monotonic()
    deadline = Deadline(args.time_limit)
    sqlmap_exe = args.scanners / "bin" / "sqlmap"
    wapiti_exe = args.scanners / "bin" / "wapiti"
    for exe in (sqlmap_exe, wapiti_exe):
        if not os.access(exe, os.X_OK):
            print(f"{exe} is missing: run `make security`, which installs it.", file=sys.stderr)
            return 2

    shutil.rmtree(ARTIFACTS, ignore_errors=True)
    ARTIFACTS.mkdir(parents=True)
    results: list[Result] = []
    fatal: list[str] = []
    stop = threading.Event()

    def scan_forum(forum: Forum) -> None:
        """Start one forum, run its scans in order, stop it; results go to `results`."""

        def say(text: str) -> None:
            print(f"[{forum.name}] {text}", flush=True)

        try:
            say("starting a forum on a fresh database …")
            forum.start()
            say(f"serving on {forum.base}")
            if forum.name.startswith("public"):
                steps = public_plan(forum.base, forum.name)
            else:
                cookie = sign_in(forum.base, forum.password, forum.totp_secret).cookie_header()
                steps = moderation_plan(forum.base, forum.name, cookie)
            for step in steps:
                scanner = "sqlmap" if isinstance(step, SqlmapTarget) else "wapiti"
                if args.only not in (None, scanner):
                    continue
                if stop.is_set():
                    raise ScanError("stopped")
                say(f"{scanner}: {step.label} …")
                position = forum.log_position()
                if isinstance(step, SqlmapTarget):
                    result = run_sqlmap(
                        sqlmap_exe, forum.base, forum.name, step, deadline, args.sqlmap_time
                    )
                else:
                    result = run_wapiti(
                        wapiti_exe,
                        forum.base,
                        forum.name,
                        step,
                        deadline,
                        args.wapiti_crawl_time,
                        args.wapiti_attack_time,
                    )
                results.append(result)
                check_reach(forum, position, step, result)
                say(f"{scanner}: {result.verdict} in {fmt_seconds(result.seconds)}")
        except ScanError as error:
            fatal.append(f"{forum.name} forum: {error}")
        except Exception as error:  # a bug here must still stop the server and be told
            fatal.append(f"{forum.name} forum: {type(error).__name__}: {error}")
        finally:
            forum.stop()
            results.append(server_log_findings(forum))

    with (
        tempfile.TemporaryDirectory(prefix="forum-security-") as tmp,
        signals_stop_the_run(),
    ):
        # The forums are scanned at the same time: the scanners mostly wait for answers,
        # so this cuts the time to the longest scan's on two cores.
        forums = [Forum(name, Path(tmp) / name) for name in FORUMS]
        threads = []
        try:
            for forum in forums:
                forum.workdir.mkdir()
                threads.append(threading.Thread(target=scan_forum, args=(forum,), daemon=True))
                threads[-1].start()
            for thread in threads:
                while thread.is_alive():  # short joins, so that signals are handled
                    thread.join(0.5)
        except (Interrupted, KeyboardInterrupt) as error:
            fatal.append(f"interrupted ({type(error).__name__} {error})")
            stop.set()
        finally:
            stop.set()
            for forum in forums:
                forum.stop()
            _stop_all_children()
            for thread in threads:
                thread.join(30)

    order = {name: i for i, name in enumerate(FORUMS)}
    results.sort(key=lambda r: order.get(r.forum, 2))  # stable: each forum's in its order
    text = summary(results, time.monotonic() - started, "; ".join(fatal) or None)
    (ARTIFACTS / "summary.txt").write_text(text + "\n", encoding="utf-8")
    print("\n" + text)
    if any(r.findings for r in results):
        return 1
    if fatal or any(r.problems for r in results):
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
