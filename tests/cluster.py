"""`make cluster` driven from a test: start it on a new folder, read where things run, and
read from it through nginx (tests/test_production.py)."""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

from tests.helpers import ARTICLE
from tests.live import start_make
from tests.loadgen import CONNECTION_ERRORS
from tests.services import free_port

SERVE_WITHIN = 180.0  # seconds: the target for `make cluster` to serve the article
ARTICLE_PATH = f"/articles/{ARTICLE}"


@dataclass
class Cluster:
    url: str
    folder: Path
    log: Path
    process: subprocess.Popen[bytes]
    startup_seconds: float = 0.0

    def state(self) -> dict:
        return json.loads((self.folder / "cluster.json").read_text())

    @property
    def database_url(self) -> str:
        return self.state()["database_url"]

    def app_url(self, number: int) -> str:
        return f"http://127.0.0.1:{self.state()['apps'][number - 1]['port']}"

    def pid(self, name: str) -> int:
        pid = self.state()["pids"][name]
        assert pid, f"{name} is not running: {self.state()}"
        return pid

    def wait_restarted(self, name: str, old_pid: int, timeout: float = 60.0) -> int:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with contextlib.suppress(ValueError, KeyError, OSError):
                pid = self.state()["pids"][name]
                if pid and pid != old_pid:
                    return pid
            time.sleep(0.2)
        raise AssertionError(f"{name} was not restarted:\n{self.tail()}")

    def tail(self, lines: int = 30) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])


def get(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers or {})  # noqa: S310 - loopback
    opener = urllib.request.build_opener(
        type(
            "Keep",
            (urllib.request.HTTPErrorProcessor,),
            {"http_response": lambda self, req, response: response},
        )
    )
    with opener.open(request, timeout=30) as response:
        return response.status, dict(response.headers), response.read()


def wait_for(check, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(*CONNECTION_ERRORS):
            if check():
                return
        time.sleep(0.2)
    raise AssertionError(f"{what} within {timeout:.0f} s")


def new_cluster_folder() -> Path:
    # Not under pytest's own folder (mode 0700): PostgreSQL and nginx's workers run as
    # their own users and must reach theirs.
    folder = Path(tempfile.mkdtemp(prefix="forum-cluster-"))
    folder.chmod(0o755)
    return folder


@contextlib.contextmanager
def started_cluster(
    log: Path, settings: dict[str, str], folder: Path | None = None
) -> Iterator[Cluster]:
    """`PORT=… CLUSTER_DIR=… make cluster`, as a newcomer types it, with `settings` in its
    environment, on `folder` (kept) or a new one (removed); stopped with SIGTERM at the end,
    every child checked gone."""
    keep = folder is not None
    folder = folder or new_cluster_folder()
    port = free_port()
    started = time.monotonic()
    process = start_make(
        "cluster", {"PORT": str(port), "CLUSTER_DIR": str(folder), **settings}, log
    )
    running = Cluster(f"http://127.0.0.1:{port}", folder, log, process)
    try:

        def serves() -> bool:
            assert process.poll() is None, f"make cluster ended:\n{running.tail()}"
            return get(running.url + ARTICLE_PATH)[0] == 200

        wait_for(serves, SERVE_WITHIN, "make cluster did not serve the article")
        running.startup_seconds = time.monotonic() - started
        yield running
    finally:
        pids = (
            [p for p in running.state()["pids"].values() if p]
            if folder.joinpath("cluster.json").exists()
            else []
        )
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
        deadline = time.monotonic() + 60
        while any(_alive(p) for p in pids) and time.monotonic() < deadline:
            time.sleep(0.2)
        left = [p for p in pids if _alive(p)]
        for pid in left:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pid, signal.SIGKILL)
        if not keep:
            shutil.rmtree(folder, ignore_errors=True)
        assert not left, f"still running after SIGTERM to make cluster: {left}\n{running.tail()}"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"


@dataclass
class Readers:
    """Cookie-less readers of the article, the JSON API and a feed, through nginx."""

    url: str
    count: int = 3
    results: list[tuple[float, int, str]] = field(default_factory=list)  # finished, status, path
    _stop: threading.Event = field(default_factory=threading.Event)

    def __enter__(self) -> Readers:
        self.threads = [threading.Thread(target=self._read, daemon=True) for _ in range(self.count)]
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        for thread in self.threads:
            thread.join(40)

    def _read(self) -> None:
        paths = [ARTICLE_PATH, f"/api/articles/{ARTICLE}/comments", "/feed.rss"]
        n = 0
        while not self._stop.is_set():
            path = paths[n % len(paths)]
            n += 1
            try:
                status = get(self.url + path)[0]
            except CONNECTION_ERRORS:
                status = 0
            self.results.append((time.monotonic(), status, path))

    def failed(self) -> list[tuple[float, int, str]]:
        return [r for r in self.results if r[1] == 0 or r[1] >= 500]


def requests_metric(app_url: str) -> float:
    text = get(app_url + "/metrics")[2].decode()
    return sum(
        float(m) for m in re.findall(r"^forum_http_requests_total\{[^}]*\} (\S+)$", text, re.M)
    )


def psycopg_admin(cluster: Cluster) -> psycopg.Connection:
    """The cluster's PostgreSQL as its superuser, for dropping and creating databases."""
    host = cluster.database_url.split("host=", 1)[1]
    return psycopg.connect(host=host, user="postgres", dbname="postgres", autocommit=True)
