"""deploy/nginx/forum.conf on its own, in front of a stub app server that counts what reaches
it: the microcache of issue 16 (shared pages kept a few seconds, one rebuild at a time, never
for a reader with any cookie, never a response that sets one), /metrics kept off the
site, and static files a year in the browser at their hashed address."""

from __future__ import annotations

import shutil
import threading
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from deploy.cluster import Cluster
from tests.cluster import get, new_cluster_folder
from tests.services import free_port

pytestmark = pytest.mark.system


class StubApp(BaseHTTPRequestHandler):
    """Answers like the forum would, and counts every request that reaches it."""

    hits: Counter[str] = Counter()

    def do_GET(self) -> None:  # http.server's hook name
        StubApp.hits[self.path] += 1
        headers = {"Content-Type": "text/html; charset=utf-8"}
        if self.path.startswith("/articles/shared"):
            headers["Cache-Control"] = "public, max-age=0, s-maxage=2"
        elif self.path.startswith("/articles/slow"):
            time.sleep(0.5)
            headers["Cache-Control"] = "public, max-age=0, s-maxage=1"
        elif self.path.startswith("/articles/sets-cookie"):
            headers["Set-Cookie"] = "session=abc; HttpOnly; Path=/"
        body = f"<p>{self.path} #{StubApp.hits[self.path]}</p>".encode()
        self.send_response(200)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def upstream() -> Iterator[ThreadingHTTPServer]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), StubApp)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def site(upstream: ThreadingHTTPServer) -> Iterator[str]:
    """nginx with the rendered site, as `make cluster` starts it, in front of StubApp."""
    folder = new_cluster_folder()
    cluster = Cluster(folder, free_port(), app_servers=0)
    cluster.app_ports = [upstream.server_address[1]]
    cluster.logs.mkdir(parents=True)
    nginx = cluster.nginx()
    try:
        nginx.start()
        nginx.wait_ready()
        yield f"http://127.0.0.1:{cluster.port}"
    finally:
        nginx.stop()
        shutil.rmtree(folder, ignore_errors=True)


def test_a_shared_page_is_kept_briefly_for_cookie_less_readers(site):
    answers = [get(site + "/articles/shared") for _ in range(5)]
    assert StubApp.hits["/articles/shared"] == 1
    assert [a[1]["X-Cache"] for a in answers] == ["MISS", "HIT", "HIT", "HIT", "HIT"]
    assert len({a[2] for a in answers}) == 1
    assert len({a[1]["X-Request-ID"] for a in answers}) == 5  # each its own id, cached or not
    # s-maxage=2, counted by nginx in whole seconds: then a request gets the stale copy and
    # one rebuild goes to the app.
    time.sleep(3.2)
    deadline = time.monotonic() + 5
    while StubApp.hits["/articles/shared"] < 2 and time.monotonic() < deadline:
        assert get(site + "/articles/shared")[1]["X-Cache"] in (
            "STALE",
            "UPDATING",
            "EXPIRED",
            "HIT",
        )
        time.sleep(0.2)
    assert StubApp.hits["/articles/shared"] == 2


def test_a_reader_with_a_cookie_never_gets_or_fills_the_cache(site):
    for cookie in ("session=mine", "theme=dark; remember_token=x", "forum_name=Pat"):
        before = StubApp.hits["/articles/shared?personal"]
        status, headers, _ = get(site + "/articles/shared?personal", {"Cookie": cookie})
        assert status == 200 and headers["X-Cache"] == "BYPASS"
        assert StubApp.hits["/articles/shared?personal"] == before + 1
    # What those readers got was not stored: the first cookie-less reader misses.
    assert get(site + "/articles/shared?personal")[1]["X-Cache"] == "MISS"


def test_a_response_that_sets_a_cookie_is_never_kept(site):
    for _ in range(3):
        assert "Set-Cookie" in get(site + "/articles/sets-cookie")[1]
    assert StubApp.hits["/articles/sets-cookie"] == 3


def test_one_rebuild_at_a_time(site):
    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(lambda _: get(site + "/articles/slow")[0], range(8)))
    assert answers == [200] * 8
    assert StubApp.hits["/articles/slow"] == 1  # proxy_cache_lock: the others waited for it


def test_metrics_are_not_public_and_static_files_are_kept_a_year(site):
    assert get(site + "/metrics")[0] == 404
    assert StubApp.hits["/metrics"] == 0
    status, headers, _ = get(site + "/static/style.css?v=0123456789ab")
    assert status == 200
    assert headers["Cache-Control"] == "public, max-age=31536000, immutable"
    status, headers, _ = get(site + "/static/style.css")
    assert headers["Cache-Control"] == "public, max-age=3600"


def test_no_app_server_answering_gets_a_calm_page(site, upstream):
    """Last in this module: the stub app server stops."""
    upstream.shutdown()
    upstream.server_close()
    status, _, body = get(site + "/")
    assert status == 502
    assert b"Back in a moment" in body and b"nginx" not in body
