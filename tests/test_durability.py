"""Durability under load (issue 7): the forum served by gunicorn with 2 workers, as `make run`
serves it, with 8 concurrent posters of 250 comments each, on SQLite and on PostgreSQL.

Every comment acknowledged with a redirect must exist exactly once with its text, nothing
may answer 500, and after the server is killed with SIGKILL mid-load and restarted, every
acknowledged comment is still there and the database passes its integrity checks.
Run with `-s` to see the throughput.
"""

from __future__ import annotations

import os
import time
from collections import Counter

import pytest
import sqlalchemy as sa

from forum.models import MAX_DEPTH, Article, Comment, CommentStatus
from tests.loadgen import (
    ARTICLE_PATH,
    STALL_TIMEOUT,
    GunicornServer,
    Load,
    Outcome,
    browser,
    fetch,
)

pytestmark = pytest.mark.system

POSTERS = 8
COMMENTS_EACH = 150  # 1,200 a load: the kill comes after 480 are acknowledged, 720 follow
LOAD_TIMEOUT = 600.0  # seconds for a whole load, at most; a load that stalls stops sooner
# (tests.loadgen.STALL_TIMEOUT). Both take a minute or two on two busy shared cores.
SECRET_KEY = "durability-tests-secret-key"
# Settings that would change what the forum does, left out of the server's environment.
_NOT_INHERITED = (
    "MAIL_SERVER",
    "CACHE_REDIS_URL",
    "RATELIMIT_STORAGE_URI",
    "FORUM_BASE_URL",
    "FORUM_TRUSTED_PROXIES",
)


def server_environment(database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _NOT_INHERITED}
    env.update(
        DATABASE_URL=database_url,
        SECRET_KEY=SECRET_KEY,
        RATELIMIT_ENABLED="false",
        FORUM_FLOOD_SECONDS="0",
        FORUM_MIN_FORM_SECONDS="0",
        PYTHONUNBUFFERED="1",
    )
    return env


def _engine(database_url: str) -> sa.Engine:
    return sa.create_engine(database_url, poolclass=sa.pool.NullPool)


def last_comment_id(database_url: str) -> int:
    engine = _engine(database_url)
    with engine.connect() as conn:
        last = conn.scalar(sa.select(sa.func.coalesce(sa.func.max(Comment.id), 0)))
    engine.dispose()
    return last


def stored_since(database_url: str, comment_id: int) -> dict[int, tuple[str, str]]:
    """Comments newer than `comment_id`: id -> (body, status)."""
    engine = _engine(database_url)
    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(Comment.id, Comment.body, Comment.status).where(Comment.id > comment_id)
        )
        stored = {row.id: (row.body, row.status) for row in rows}
    engine.dispose()
    return stored


# --- Integrity -------------------------------------------------------------------------


def _sqlite_checks(conn: sa.Connection) -> list[str]:
    result = [row[0] for row in conn.exec_driver_sql("PRAGMA integrity_check")]
    problems = [] if result == ["ok"] else [f"PRAGMA integrity_check: {result[:10]}"]
    broken = list(conn.exec_driver_sql("PRAGMA foreign_key_check"))
    if broken:
        problems.append(f"PRAGMA foreign_key_check: {broken[:10]}")
    return problems


def _postgres_checks(conn: sa.Connection) -> list[str]:
    """amcheck: every B-tree index against its table, and the heaps the load writes to."""
    available = conn.scalar(
        sa.text("SELECT count(*) FROM pg_available_extensions WHERE name = 'amcheck'")
    )
    assert available, "PostgreSQL's amcheck extension is missing (Debian's postgresql has it)"
    conn.execute(sa.text("CREATE EXTENSION IF NOT EXISTS amcheck"))
    indexes = conn.execute(
        sa.text(
            "SELECT c.oid, c.relname FROM pg_index i"
            " JOIN pg_class c ON c.oid = i.indexrelid"
            " JOIN pg_am am ON am.oid = c.relam"
            " JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE am.amname = 'btree' AND n.nspname = 'public'"
        )
    ).all()
    assert any(name == "ix_comment_digest" for _, name in indexes), indexes
    problems = []
    for oid, name in indexes:
        try:
            with conn.begin_nested():
                conn.execute(
                    sa.text("SELECT bt_index_check(index => :oid, heapallindexed => true)"),
                    {"oid": oid},
                )
        except sa.exc.DBAPIError as error:
            problems.append(f"bt_index_check({name}): {error.orig}")
    for table in ("comment", "article"):
        corrupt = conn.execute(sa.text("SELECT * FROM verify_heapam(:t)"), {"t": table}).all()
        if corrupt:
            problems.append(f"verify_heapam({table}): {corrupt[:5]}")
    return problems


def integrity_problems(database_url: str) -> list[str]:
    """What is wrong with the database: the engine's own checks, then the forum's invariants
    (references resolve, threads are consistent, the article's counters are true)."""
    engine = _engine(database_url)
    with engine.begin() as conn:
        checks = _sqlite_checks if conn.dialect.name == "sqlite" else _postgres_checks
        problems = checks(conn)
        comments = {
            row.id: row
            for row in conn.execute(
                sa.select(
                    Comment.id,
                    Comment.article_id,
                    Comment.parent_id,
                    Comment.root_id,
                    Comment.depth,
                    Comment.status,
                )
            )
        }
        articles = dict(conn.execute(sa.select(Article.id, Article.approved_comment_count)).all())
    engine.dispose()
    for c in comments.values():
        parent = comments.get(c.parent_id) if c.parent_id is not None else None
        if c.article_id not in articles:
            problems.append(f"comment {c.id}: article {c.article_id} does not exist")
        if c.parent_id is None:
            if c.root_id != c.id or c.depth != 1:
                problems.append(f"comment {c.id}: top-level with root {c.root_id}, depth {c.depth}")
        elif parent is None:
            problems.append(f"comment {c.id}: parent {c.parent_id} does not exist")
        elif (
            parent.article_id != c.article_id
            or c.root_id != parent.root_id
            or c.depth != min(parent.depth + 1, MAX_DEPTH)
        ):
            problems.append(f"comment {c.id}: inconsistent with its parent {c.parent_id}")
    approved = Counter(c.article_id for c in comments.values() if c.status == "approved")
    for article_id, count in articles.items():
        if count != approved[article_id]:
            problems.append(
                f"article {article_id}: approved_comment_count {count}, "
                f"but {approved[article_id]} approved comments"
            )
    return problems


# --- Checking a load ---------------------------------------------------------------------


def _list(outcomes: list[Outcome], limit: int = 15) -> str:
    lines = [o.describe() for o in outcomes[:limit]]
    if len(outcomes) > limit:
        lines.append(f"… and {len(outcomes) - limit} more")
    return "\n".join(lines)


def check_stored(
    load: Load, database_url: str, before: int, server: GunicornServer
) -> dict[int, tuple[str, str]]:
    """Every acknowledged comment is stored exactly once with its text, and nothing else
    was stored but comments that were sent and may have been cut off by a crash."""
    acked = [o for o in load.outcomes if o.acknowledged]
    ids = Counter(o.comment_id for o in acked)
    assert max(ids.values(), default=1) == 1, (
        f"one id acknowledged twice: {[i for i, n in ids.items() if n > 1][:10]}"
    )
    stored = stored_since(database_url, before)
    missing = [o for o in acked if o.comment_id not in stored]
    assert not missing, (
        f"{len(missing)} acknowledged comments are not in the database:\n{_list(missing)}\n"
        f"{server.tail()}"
    )
    wrong = [o for o in acked if stored[o.comment_id][0] != o.body]
    assert not wrong, f"acknowledged ids holding another text:\n{_list(wrong)}"
    bodies = Counter(body for body, _ in stored.values())
    assert max(bodies.values(), default=1) == 1, (
        f"texts stored twice: {[b for b, n in bodies.items() if n > 1][:5]}"
    )
    # Beyond the acknowledged ones, only comments that were sent without an answer (cut
    # off by a crash) may have been stored.
    unanswered = {o.body for o in load.outcomes if not o.acknowledged}
    strangers = {i: b for i, (b, _) in stored.items() if i not in ids and b not in unanswered}
    assert not strangers, f"stored but never acknowledged: {list(strangers.items())[:5]}"
    assert {status for _, status in stored.values()} <= {CommentStatus.PENDING}, Counter(
        status for _, status in stored.values()
    )
    return stored


def report(label: str, load: Load, server: GunicornServer) -> None:
    """The throughput, and the server's CPU time per comment (steadier on shared cores)."""
    acked = sum(o.acknowledged for o in load.outcomes)
    elapsed = load.finished_at - load.started_at
    server.stop()  # adds up its CPU time
    print(
        f"\n[durability] {label}: {acked} of {load.total} comments acknowledged in "
        f"{elapsed:.1f} s by {load.posters} posters on gunicorn -w 2: "
        f"{load.throughput():.1f} comments/s; server CPU "
        f"{1000 * server.cpu_seconds / max(acked, 1):.1f} ms per comment"
    )


def _backend(database_url: str) -> str:
    return "SQLite" if database_url.startswith("sqlite") else "PostgreSQL"


def _check_finished(load: Load, finished: bool, server: GunicornServer) -> None:
    assert not load.crashes, "\n".join(load.crashes) + "\n" + server.tail()
    assert finished, (
        f"the load did not finish: {len(load.outcomes)} of {load.total} sent when it was "
        f"stopped (a limit of {LOAD_TIMEOUT} s, or no answer for {STALL_TIMEOUT} s)\n"
        f"{_list(load.outcomes[-5:])}\n{server.tail()}"
    )
    assert len(load.outcomes) == load.total


def test_concurrent_posters_every_acknowledged_comment_is_stored_once(database_url, tmp_path):
    before = last_comment_id(database_url)
    env = server_environment(database_url)
    with (
        GunicornServer(env, tmp_path / "gunicorn.log") as server,
        Load(server.base_url, POSTERS, COMMENTS_EACH, tag="steady") as load,
    ):
        finished = load.run(LOAD_TIMEOUT)
        report(f"steady load, {_backend(database_url)}", load, server)
        _check_finished(load, finished, server)
        failed = [o for o in load.outcomes if o.status >= 500 or o.status == 0]
        assert not failed, (
            f"{len(failed)} server errors or broken connections:\n{_list(failed)}\n{server.tail()}"
        )
        refused = [o for o in load.outcomes if not o.acknowledged]
        assert not refused, f"{len(refused)} comments not acknowledged:\n{_list(refused)}"
        stored = check_stored(load, database_url, before, server)
        assert len(stored) == POSTERS * COMMENTS_EACH
    assert integrity_problems(database_url) == []


def test_sigkill_mid_load_loses_no_acknowledged_comment(database_url, tmp_path):
    before = last_comment_id(database_url)
    env = server_environment(database_url)
    kill_after = POSTERS * COMMENTS_EACH * 2 // 5  # 40 %
    with (
        GunicornServer(env, tmp_path / "gunicorn.log") as server,
        Load(server.base_url, POSTERS, COMMENTS_EACH, tag="killed") as load,
    ):
        deadline = time.monotonic() + LOAD_TIMEOUT
        load.start()
        seen = load.wait_for_acknowledgements(kill_after, LOAD_TIMEOUT / 2, STALL_TIMEOUT)
        assert seen >= kill_after, (
            f"only {seen} comments acknowledged, {kill_after} expected before the kill\n"
            f"{_list([o for o in load.outcomes if not o.acknowledged])}\n"
            f"{chr(10).join(load.crashes)}\n{server.tail()}"
        )
        load.pause()
        killed_at = time.monotonic()
        server.kill()
        # The state the crash left must be sound before anything touches the database again.
        after_crash = integrity_problems(database_url)
        server.start()
        load.resume()
        finished = load.join(deadline)
        page_status, _, page = fetch(browser(), server.base_url + ARTICLE_PATH)
        acked_before_kill = sum(o.acknowledged and o.finished_at < killed_at for o in load.outcomes)
        report(
            f"SIGKILL after {acked_before_kill} acknowledgements, {_backend(database_url)}",
            load,
            server,
        )
        assert after_crash == [], f"right after the kill: {after_crash}"
        _check_finished(load, finished, server)
        errors = [o for o in load.outcomes if o.status >= 500]
        assert not errors, f"server errors:\n{_list(errors)}\n{server.tail()}"
        refused = [o for o in load.outcomes if o.status and not o.acknowledged]
        assert not refused, f"{len(refused)} comments refused:\n{_list(refused)}"
        # Connection errors only for what was in flight when the server was killed: at most
        # one request per poster, each sent before the kill and cut off by it.
        cut_off = [o for o in load.outcomes if o.status == 0]
        assert all(not o.sent_during_outage and o.finished_at >= killed_at for o in cut_off), (
            f"connection errors outside the kill:\n{_list(cut_off)}\n{server.tail()}"
        )
        assert len(cut_off) <= POSTERS, _list(cut_off)
        stored = check_stored(load, database_url, before, server)
        stored_bodies = {body for body, _ in stored.values()}
        print(
            f"[durability] {len(cut_off)} requests cut off by the kill, "
            f"{sum(o.body in stored_bodies for o in cut_off)} of them stored anyway"
        )
        assert page_status == 200, f"the restarted server answered {page_status}"
        assert "Intravenous Immunoglobulin" in page
    assert integrity_problems(database_url) == []
