"""The production shape of issue 15, broken on purpose: `make cluster` (nginx in front of two
gunicorn app servers on PostgreSQL and Redis, all from deploy/) started once for the module,
then the drills in order: an app server SIGKILLed and another SIGTERMed under load, Redis
stopped, PostgreSQL restarted, and a backup restored. Run with `-s` to see the numbers.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import redis
import sqlalchemy as sa

from tests.cluster import (
    ARTICLE_PATH,
    SERVE_WITHIN,
    Cluster,
    Readers,
    get,
    psycopg_admin,
    requests_metric,
    started_cluster,
    wait_for,
)
from tests.helpers import ARTICLE
from tests.live import REPO_ROOT
from tests.loadgen import Load, browser, fetch
from tests.services import _pg_bin as pg_bin
from tests.test_durability import check_stored, last_comment_id

pytestmark = pytest.mark.system

RESTART_DELAY = 4.0  # seconds before the supervisor restarts a child that died
BASE_URL = "http://forum.test"


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    settings = {
        "APP_SERVERS": "2",
        "CLUSTER_RESTART_DELAY": str(RESTART_DELAY),
        # README variables that must reach every app server; the load needs no limits.
        "FORUM_BASE_URL": BASE_URL,
        "RATELIMIT_ENABLED": "false",
        "FORUM_FLOOD_SECONDS": "0",
        "FORUM_MIN_FORM_SECONDS": "0",
    }
    log = tmp_path_factory.mktemp("cluster") / "make-cluster.log"
    with started_cluster(log, settings) as running:
        print(f"\n[cluster] make cluster served the article in {running.startup_seconds:.1f} s")
        yield running


# --- The shape ----------------------------------------------------------------------------


def test_make_cluster_serves_the_article_through_nginx(cluster):
    assert cluster.startup_seconds < SERVE_WITHIN
    output = cluster.log.read_text()
    assert f"http://127.0.0.1:{cluster.url.rsplit(':', 1)[1]}/" in output
    assert re.search(r"e-mail:\s+\S+@", output) and re.search(r"password:\s+\S+", output)
    status, headers, body = get(cluster.url + ARTICLE_PATH, {"Accept-Encoding": "gzip"})
    assert status == 200 and headers.get("Content-Encoding") == "gzip"
    html = gzip.decompress(body).decode()
    assert "Intravenous Immunoglobulin" in html
    # nginx's microcache serves the real article page to readers without a cookie, the
    # same bytes to each, and never a cookie.
    first, again = get(cluster.url + ARTICLE_PATH), get(cluster.url + ARTICLE_PATH)
    assert again[1].get("X-Cache") in ("HIT", "UPDATING", "STALE"), again[1].get("X-Cache")
    assert again[2] == first[2] and "Set-Cookie" not in again[1]
    # Static files from nginx, a year in the browser at their hashed address.
    css = re.search(r'href="(/static/style\.css\?v=[0-9a-f]+)"', html)
    assert css, "no hashed stylesheet address"
    status, headers, _ = get(cluster.url + css[1])
    assert status == 200 and "immutable" in headers["Cache-Control"]
    # The request id: in the answer, in nginx's log and in the app server's.
    status, headers, _ = get(cluster.url + "/feed.rss")
    request_id = headers["X-Request-ID"]
    logs = Path(cluster.state()["logs"])
    wait_for(
        lambda: request_id in (logs / "nginx-access.log").read_text(), 10, "nginx logged the id"
    )
    app_lines = [
        json.loads(line)
        for name in ("app1.log", "app2.log")
        for line in (logs / name).read_text().splitlines()
        if line.startswith("{") and request_id in line
    ]
    assert app_lines and app_lines[0]["route"] == "/feed.rss", request_id
    # /metrics: never through nginx; each app server adds up its own workers.
    assert get(cluster.url + "/metrics")[0] == 404
    for number in (1, 2):
        status, _, metrics = get(cluster.app_url(number) + "/metrics")
        assert status == 200 and b"forum_http_requests_total{" in metrics
        # FORUM_BASE_URL reached this app server: its feeds link to it.
        status, _, feed = get(cluster.app_url(number) + "/feed.rss")
        assert status == 200 and BASE_URL.encode() in feed
    status, _, ready = get(cluster.url + "/readyz")
    assert status == 200 and json.loads(ready)["redis"] == "ok"


def test_a_personal_page_is_never_served_to_another_reader_through_nginx(cluster):
    author = browser()
    status, _, html = fetch(author, cluster.url + ARTICLE_PATH)
    from tests.helpers import form_fields

    form = form_fields(html, f"{ARTICLE_PATH}/comments")
    secret = f"Personal note {time.time_ns()} that only its author may see before approval."
    form.update(author_name="Pat Private", author_email="pat@patients.test", body=secret)
    status, headers, _ = fetch(author, cluster.url + ARTICLE_PATH + "/comments", form)
    assert status == 302, status
    for _ in range(3):  # the author's page, then other readers', maybe from the microcache
        status, headers, mine = fetch(author, cluster.url + ARTICLE_PATH)
        assert status == 200 and secret in mine
        assert headers.get("X-Cache") != "HIT"
        for _ in range(3):
            status, headers, theirs = get(cluster.url + ARTICLE_PATH)
            assert status == 200
            assert secret.encode() not in theirs and b"awaiting moderation" not in theirs
            assert b"pat@patients.test" not in theirs


# --- Failures, on purpose -------------------------------------------------------------------


def test_sigkill_of_an_app_server_under_load_loses_no_acknowledged_comment(cluster):
    database_url = cluster.database_url
    before = last_comment_id(database_url)
    victim = cluster.pid("app1")
    with (
        Readers(cluster.url, count=6) as readers,  # a forum is read more than written
        Load(cluster.url, posters=6, comments_each=40, tag="kill") as load,
    ):
        load.start()
        assert load.wait_for_acknowledgements(60, 120) >= 60, cluster.tail()
        killed_at = time.monotonic()
        os.killpg(victim, signal.SIGKILL)
        finished = load.join(time.monotonic() + 300)
        restarted = cluster.wait_restarted("app1", victim)
        wait_for(lambda: get(cluster.app_url(1) + "/healthz")[0] == 200, 60, "app1 came back")
    assert finished, cluster.tail()
    posts_in_kill_second = [o for o in load.outcomes if killed_at <= o.finished_at < killed_at + 1]
    reads_in_kill_second = [r for r in readers.results if killed_at <= r[0] < killed_at + 1]
    failed_posts = [o for o in posts_in_kill_second if not o.acknowledged]
    failed_reads = [r for r in reads_in_kill_second if r[1] == 0 or r[1] >= 500]
    total = len(posts_in_kill_second) + len(reads_in_kill_second)
    failed = len(failed_posts) + len(failed_reads)
    print(
        f"\n[cluster] SIGKILL of app1: {failed} of {total} requests failed in the kill second "
        f"({failed_posts and [o.describe() for o in failed_posts]}, {len(failed_reads)} reads); "
        f"{sum(o.acknowledged for o in load.outcomes)} of {load.total} comments acknowledged, "
        f"{len(readers.results)} reads"
    )
    # Outside the kill second nothing fails: nginx sends everything to the survivor.
    late = [o for o in load.outcomes if o.finished_at >= killed_at + 1 and not o.acknowledged]
    assert not late, [o.describe() for o in late[:10]]
    assert not [r for r in readers.failed() if r[0] >= killed_at + 1]
    assert not [o for o in load.outcomes if o.status >= 500 and o.status != 502]
    # The target: at most 1 %. A comment the dead server had saved is resent by nginx
    # and answered as saved by the survivor (the resend check), so it does not fail; what can
    # is an answer whose bytes were on their way. Under 100 requests in that second (a busy
    # shared machine) 1 % is less than one request, so one such answer is allowed.
    assert failed * 100 <= max(total, 100), (
        f"{failed} of {total} requests failed in the kill second"
    )
    check_stored(load, database_url, before, server=_NoServer(cluster))
    # The restarted server rejoins: nginx sends it requests again.
    assert restarted != victim
    served = requests_metric(cluster.app_url(1))

    def rejoined() -> bool:
        for _ in range(4):
            assert get(cluster.url + ARTICLE_PATH)[0] == 200
        return requests_metric(cluster.app_url(1)) > served

    # nginx tries it again once its fail_timeout (5 s) has passed.
    wait_for(rejoined, 30, "nginx sent the restarted app1 no request")


@dataclass
class _NoServer:
    """What check_stored wants from a server: its log's end, for messages."""

    cluster: Cluster

    def tail(self) -> str:
        return self.cluster.tail()


def test_sigterm_to_an_app_server_finishes_requests_and_loses_no_mail(cluster):
    database_url = cluster.database_url
    before = last_comment_id(database_url)
    engine = sa.create_engine(database_url, poolclass=sa.pool.NullPool)
    with engine.connect() as conn:  # the SIGKILL drill may have left claims of its own
        last_mail = conn.scalar(sa.text("SELECT coalesce(max(id), 0) FROM outbox_message"))
    victim = cluster.pid("app2")
    with (
        Readers(cluster.url, count=2) as readers,
        Load(cluster.url, posters=4, comments_each=30, tag="term") as load,
    ):
        load.start()
        assert load.wait_for_acknowledgements(30, 120) >= 30, cluster.tail()
        os.kill(victim, signal.SIGTERM)
        finished = load.join(time.monotonic() + 300)
        cluster.wait_restarted("app2", victim)
    assert finished, cluster.tail()
    refused = [o.describe() for o in load.outcomes if not o.acknowledged]
    assert not refused, refused[:10]
    assert not readers.failed(), readers.failed()[:10]
    check_stored(load, database_url, before, server=_NoServer(cluster))

    # No e-mail was left claimed but unsent by a worker that stopped (it would wait out its
    # claim before anyone retried it); the rest is sent or waiting its turn.
    # A sender still at work holds a claim for milliseconds; a stopped worker's, for 10 minutes.
    def nothing_stuck() -> bool:
        with engine.connect() as conn:
            stuck = conn.execute(
                sa.text(
                    "SELECT id, kind, attempts FROM outbox_message"
                    " WHERE id > :last AND sent_at IS NULL AND attempts > 0"
                ),
                {"last": last_mail},
            ).all()
        return not stuck

    # Each held comment was noted in its post's transaction; the senders' rounds (of the
    # worker that stopped, or another's) take every note into a notice to the moderator.
    def all_told() -> bool:
        with engine.connect() as conn:
            return conn.scalar(sa.text("SELECT count(*) FROM held_notice")) == 0

    try:
        wait_for(all_told, 30, "a held comment's note was never taken into a notice")
        with engine.connect() as conn:
            notices = conn.scalar(
                sa.text("SELECT count(*) FROM outbox_message WHERE id > :last AND kind = 'held'"),
                {"last": last_mail},
            )
        assert notices >= 1
        wait_for(nothing_stuck, 15, "an e-mail stayed claimed but unsent")
    finally:
        engine.dispose()


def test_redis_stopped_pages_served_and_its_return_picked_up(cluster):
    redis_url = cluster.state()["redis_url"]
    old = cluster.pid("redis")
    statuses: list[int] = []
    not_ready = []
    os.kill(old, signal.SIGTERM)
    stopped_at = time.monotonic()
    poster = browser()
    from tests.helpers import form_fields

    form = form_fields(fetch(poster, cluster.url + ARTICLE_PATH)[2], f"{ARTICLE_PATH}/comments")
    form.update(author_name="Redis Drill", author_email="redis.drill@patients.test")
    n = 0
    while time.monotonic() - stopped_at < RESTART_DELAY - 0.5:
        statuses.append(get(cluster.url + ARTICLE_PATH)[0])
        statuses.append(get(cluster.url + f"/api/articles/{ARTICLE}/comments")[0])
        n += 1
        body = f"Posted while Redis was away, number {n}, calm and fine."
        statuses.append(
            fetch(poster, cluster.url + f"{ARTICLE_PATH}/comments", {**form, "body": body})[0]
        )
        status, _, ready = get(cluster.app_url(1) + "/readyz")
        if status == 503:
            not_ready.append(json.loads(ready)["failed"])
    assert statuses and set(statuses) <= {200, 302}, sorted(set(statuses))
    assert ["redis"] in not_ready, not_ready
    cluster.wait_restarted("redis", old)
    # Picked up without restarting the app servers: ready again, and pages cached in Redis.
    wait_for(lambda: get(cluster.app_url(1) + "/readyz")[0] == 200, 30, "app1 ready again")
    client = redis.Redis.from_url(f"{redis_url}/1")

    def cached_in_redis() -> bool:
        # A conditional GET reaches the app's page cache: a plain cookie-less one may be
        # answered from nginx's microcache or from the worker's own copy (SharedResponses).
        for path in (ARTICLE_PATH, "/feed.rss", f"/api/articles/{ARTICLE}/comments"):
            headers = {"If-None-Match": '"not-the-current-one"'}
            assert get(cluster.app_url(1) + path, headers)[0] == 200
        return client.dbsize() > 0

    wait_for(cached_in_redis, 30, "the page cache did not use Redis again")
    client.close()


def test_postgresql_restarted_calm_503_then_reconnects(cluster):
    old = cluster.pid("postgresql")
    apps = [cluster.pid("app1"), cluster.pid("app2")]
    os.kill(old, signal.SIGINT)  # a fast shutdown, as `systemctl restart postgresql` does
    stopped_at = time.monotonic()
    answers: list[tuple[int, bytes]] = []
    while time.monotonic() - stopped_at < RESTART_DELAY - 0.5:
        for number in (1, 2):  # straight to the app servers: nginx may serve a stale copy
            status, _, body = get(cluster.app_url(number) + ARTICLE_PATH)
            answers.append((status, body))
        time.sleep(0.1)
    statuses = {status for status, _ in answers}
    assert 503 in statuses and statuses <= {200, 503}, statuses
    for status, body in answers:
        if status == 503:
            assert b"Back in a moment" in body and b"Traceback" not in body
    cluster.wait_restarted("postgresql", old)
    for number in (1, 2):
        wait_for(
            lambda n=number: get(cluster.app_url(n) + ARTICLE_PATH)[0] == 200,
            30,
            f"app{number} did not reconnect",
        )
        assert get(cluster.app_url(number) + "/readyz")[0] == 200
    assert [cluster.pid("app1"), cluster.pid("app2")] == apps  # no app server restarted


def test_backup_drop_restore_gives_back_the_same_forum(cluster, tmp_path):
    """deploy/backup on the running cluster, the database dropped, pg_restore: the export
    after is byte-identical to the one the backup wrote."""
    env = {**os.environ, "DATABASE_URL": cluster.database_url, "FORUM_PYTHON": sys.executable}
    done = subprocess.run(
        [str(REPO_ROOT / "deploy" / "backup"), str(tmp_path / "backups")],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    dump, export = (Path(line) for line in done.stdout.split())
    assert dump.suffix == ".dump" and export.suffix == ".json"
    assert oct(export.stat().st_mode & 0o777) == "0o600"
    assert b'"comments"' in export.read_bytes() and b"Durability note" in export.read_bytes()

    admin = psycopg_admin(cluster)
    admin.execute("DROP DATABASE forum WITH (FORCE)")
    admin.execute("CREATE DATABASE forum")
    admin.close()
    url = cluster.database_url.replace("postgresql+psycopg:", "postgresql:")
    restored = subprocess.run(
        [pg_bin("pg_restore"), "--no-owner", "--exit-on-error", "-d", url, str(dump)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert restored.returncode == 0, restored.stderr
    again = tmp_path / "after.json"
    subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "forum", "export", str(again)],
        cwd=REPO_ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    assert again.read_bytes() == export.read_bytes()
    # The app servers reconnect to the restored database by themselves.
    for number in (1, 2):
        wait_for(
            lambda n=number: get(cluster.app_url(n) + ARTICLE_PATH)[0] == 200,
            30,
            f"app{number} did not serve from the restored database",
        )
