"""Posting a comment in-process: milliseconds and SQL statements per post, and a profile.

    .venv/bin/python -m tests.bench.profile_post [--posts N] [--profile] [--sql]
                                                 [--no-sender]

The forum as `make bench` runs it (a SQLite database built as `make run` builds it,
200 approved comments, rate limits, the flood rule and the minimum form time off;
every screening rule and detector on), driven through Flask's test client: one
cookie-less reader fetches the shared article page once, then sends N comments from
its form, each with a text never sent before, as bench.lua does. The background mail
sender runs as it does under gunicorn unless --no-sender. Prints per post: the wall time
(p50 and mean) and the CPU time of all threads (steadier on a shared machine), the SQL
statements (the request's own, and the sender's) and the commits;
--profile adds cProfile's top functions by cumulative time; --sql lists one post's
statements.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import statistics
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter
from pathlib import Path

import flask_migrate
from sqlalchemy import event
from sqlalchemy.orm import Session

from forum import create_app
from forum.content import bundled_article_files, import_article
from forum.extensions import db
from forum.mail import wait_for_sender
from tests.bench.seed import seed

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from visitors import MARKER, POST_TEXT, comment_form_fields  # noqa: E402

ARTICLE = "/articles/ivig-for-lupus"
ORIGIN = "http://localhost"


def _config(database: Path) -> dict:
    return {
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}",
        "SECRET_KEY": "profile-only-secret-key",
        "RATELIMIT_ENABLED": False,
        "RATELIMIT_STORAGE_URI": "memory://",
        "FORUM_FLOOD_SECONDS": 0,
        "FORUM_MIN_FORM_SECONDS": 0,
    }


def build(database: Path, comments: int) -> None:
    """As `make run` builds it (upgrade, import-article, ensure-moderator), then seeded."""
    app = create_app(_config(database))
    with app.app_context():
        flask_migrate.upgrade()
        for path in bundled_article_files():
            import_article(path)
        db.session.commit()
    done = app.test_cli_runner().invoke(args=["forum", "ensure-moderator"])
    if done.exit_code:
        raise SystemExit(done.output)
    with app.app_context():
        db.engine.dispose()
    seed(f"sqlite:///{database}", comments)


class Statements:
    """SQL statements and commits, by thread: the request's and the mail sender's."""

    def __init__(self) -> None:
        self.by_thread: Counter[str] = Counter()
        self.commits: Counter[str] = Counter()
        self.flushes: Counter[str] = Counter()
        self.log: list[str] | None = None

    def statement(self, conn, cursor, statement, parameters, context, executemany) -> None:
        name = threading.current_thread().name
        self.by_thread[name] += 1
        if self.log is not None:
            self.log.append(f"[{name}] {' '.join(statement.split())[:160]}")

    def commit(self, conn) -> None:
        self.commits[threading.current_thread().name] += 1

    def flush(self, session, context) -> None:
        self.flushes[threading.current_thread().name] += 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=200)
    parser.add_argument("--comments", type=int, default=200)
    parser.add_argument("--profile", action="store_true", help="cProfile's top functions")
    parser.add_argument("--dump", help="write cProfile's stats to this file")
    parser.add_argument("--tree", action="store_true", help="pyinstrument's call tree")
    parser.add_argument("--sql", action="store_true")
    parser.add_argument("--no-sender", action="store_true")
    args = parser.parse_args(argv)

    work = Path(tempfile.mkdtemp(prefix="profile-post-"))
    database = work / "forum.db"
    build(database, args.comments)
    config = _config(database)
    config["FORUM_SEND_MAIL_AFTER_REQUEST"] = not args.no_sender
    app = create_app(config)
    counts = Statements()
    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", counts.statement)
    event.listen(engine, "commit", counts.commit)
    event.listen(Session, "after_flush", counts.flush)

    client = app.test_client()
    page = client.get(ARTICLE, headers={"Origin": ORIGIN})
    action, fields = comment_form_fields(page.get_data(as_text=True), ARTICLE)
    filled = {
        "author_name": "Visitor Profile",
        "author_email": "visitor@example.org",
        "body": POST_TEXT + MARKER,
    }
    prefix, _, suffix = urllib.parse.urlencode(
        [(n, filled.get(n, v)) for n, v in fields]
    ).partition(MARKER)
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Origin": ORIGIN,
        "Sec-Fetch-Site": "same-origin",
        "Referer": ORIGIN + ARTICLE,
    }

    def post(n: int) -> None:
        word = "w" + "".join(chr(97 + int(d)) for d in str(n))
        answer = client.post(action, data=prefix + word + suffix, headers=headers)
        if answer.status_code != 302:
            raise SystemExit(f"post {n}: {answer.status_code} {answer.get_data()[:400]!r}")
        client.delete_cookie("session")  # every post from a fresh reader, as in bench.lua

    for n in range(10):  # warm up: imports, caches, the first mail round
        post(n)
    wait_for_sender(app)
    counts.by_thread.clear()
    counts.commits.clear()
    counts.flushes.clear()
    if args.sql:
        counts.log = []
        post(10**6)
        wait_for_sender(app)
        print("\n".join(counts.log))
        counts.log = None
        counts.by_thread.clear()
        counts.commits.clear()

    profiler = cProfile.Profile() if args.profile else None
    tree = None
    if args.tree:
        from pyinstrument import Profiler  # not a dependency: pip install pyinstrument

        tree = Profiler(interval=0.0002)
        tree.start()
    times = []
    cpu_started = time.process_time()
    for n in range(100, 100 + args.posts):
        started = time.perf_counter()
        if profiler:
            profiler.enable()
        post(n)
        if profiler:
            profiler.disable()
        times.append(1000 * (time.perf_counter() - started))
    if tree:
        tree.stop()
        print(tree.output_text(unicode=True, color=False, show_all=False))
    wait_for_sender(app)
    cpu = 1000 * (time.process_time() - cpu_started) / args.posts
    main_thread = threading.main_thread().name
    request_sql = counts.by_thread.pop(main_thread, 0) / args.posts
    other_sql = sum(counts.by_thread.values()) / args.posts
    request_flushes = counts.flushes.pop(main_thread, 0) / args.posts
    request_commits = counts.commits.pop(main_thread, 0) / args.posts
    other_commits = sum(counts.commits.values()) / args.posts
    print(
        f"{args.posts} posts: p50 {statistics.median(times):.2f} ms, "
        f"mean {statistics.fmean(times):.2f} ms, CPU {cpu:.2f} ms (all threads); "
        f"SQL statements per post: request "
        f"{request_sql:.1f}, mail sender {other_sql:.1f}; commits per post: request "
        f"{request_commits:.1f}, mail sender {other_commits:.1f}; ORM flushes per post: "
        f"request {request_flushes:.1f}"
    )
    if profiler and args.dump:
        profiler.dump_stats(args.dump)
    if profiler:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(45)
        print(out.getvalue())
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(30)
        print(out.getvalue())
    return 0


if __name__ == "__main__":
    sys.exit(main())
