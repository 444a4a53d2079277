"""`make bench`: the forum against a bare-Flask ceiling and Isso 0.14, under gunicorn, with wrk.

    .venv/bin/python tests/bench/compare.py [--duration S] [--rounds N] [--sizes 100,10000,100000]
                                            [--no-readme] [--quick] [--only posting|nginx]

Everything runs on 127.0.0.1 on free ports; every server is stopped at the end, also
on an error or Ctrl+C. Databases, Isso's configuration, the servers' logs and the
wrk specs go to test-artifacts/bench/; Isso's virtualenv is kept in .venv/isso.

1. One forum database is built as `make run` builds it (`flask db upgrade`,
   `flask forum import-article`, `flask forum ensure-moderator`) and copied for each
   size; tests/bench/seed.py fills each copy with approved comments.
2. Side by side, each under `gunicorn --workers 2` (sync workers, no keep-alive):
   the forum with 200 comments; the ceiling (tests/bench/ceiling.py), bare Flask
   answering with the very bytes the forum served for its article page and JSON
   thread; and Isso 0.14 holding the same 200 comments, loaded through POST /new.
   wrk (-t2 -c20) measures each read and each way of posting in turn, for a few
   rounds; the best round counts, since on a shared machine noise only slows down.
   Forum posts are a browser's: each wrk request uses one of 40 sessions fetched
   beforehand (cookie, csrf_token, form_started) and a text never sent before; only
   302 answers count. Isso's posts are its own client's JSON; only 201 answers count.
   In front of the same forum, nginx with deploy/'s site (deploy/nginx_site.py, as
   deploy/cluster.py renders it: the microcache), and in the same nginx a second
   server answering the article's address with the very bytes the microcache serves,
   as a static file: the machine's own limit for that page.
3. The forum with 100, 10,000 and 100,000 comments: page-1 (and last-page) latency
   at one connection (wrk -c1, p50).
4. One report, printed and written into README.md's Performance section: each
   scenario's requests per second, p50/p99 and the server's CPU time per answer, the
   latencies by size, and the ratios against issue 16's targets.

harness.py starts and stops servers and runs wrk (bench.lua); visitors.py prepares
the posts. Exit status: 0 when everything ran (a missed target is reported, not failed);
1 when something broke (a server did not start, wrong answers); 130 on Ctrl+C.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import secrets
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from harness import (
    ROOT,
    WORK,
    WORKERS,
    Answer,
    BenchError,
    Scenario,
    Server,
    Servers,
    fetch,
    free_port,
    log,
    measure,
    server_errors,
    warm_up,
)
from visitors import forum_sessions, isso_sessions, write_post_spec

BIN = Path(sys.executable).parent
README = ROOT / "README.md"
ISSO_VENV = ROOT / ".venv" / "isso"
ISSO_REQUIREMENT = "isso==0.14.*"

SLUG = "ivig-for-lupus"
ARTICLE = f"/articles/{SLUG}"
THREAD = f"/api/articles/{SLUG}/comments"
FEED = "/feed.rss"
ISSO_URI = "/ivig"
COMMENTS = 200
SIZES = (100, 10_000, 100_000)
SESSIONS = 40  # browsers posting: each wrk request comes from one of them
START_MARK, END_MARK = "<!-- bench:start -->", "<!-- bench:end -->"

# (name, what is divided by what, target, higher is better)
TARGETS = [
    ("forum article page / bare-Flask ceiling", 0.8, True),  # issue 16
    ("forum JSON thread / bare-Flask ceiling", 0.8, True),
    ("forum JSON thread / Isso thread", 50.0, True),
    ("forum posting / Isso posting", 1.0, True),
    ("article through nginx's microcache / nginx static file", 0.7, True),
    ("page 1 at 100,000 / at 100 comments (p50)", 1.5, False),
]
# The scenarios each ratio divides, in the order of TARGETS (the last is by size).
RATIOS = [
    ("article", "ceiling-article"),
    ("thread", "ceiling-thread"),
    ("thread", "isso-thread"),
    ("post", "isso-post"),
    ("nginx-article", "nginx-static"),
]


# --- Databases ------------------------------------------------------------------------


def forum_env(database: Path, secret: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MAIL_", "CACHE_", "FORUM_"))}
    env.update(
        FLASK_APP="wsgi",
        DATABASE_URL=f"sqlite:///{database}",
        SECRET_KEY=secret,
        RATELIMIT_ENABLED="false",
        RATELIMIT_STORAGE_URI="memory://",
        FORUM_FLOOD_SECONDS="0",
        FORUM_MIN_FORM_SECONDS="0",
    )
    return env


def run(argv: list[str], env: dict[str, str], log_name: str) -> None:
    with (WORK / log_name).open("ab") as out:
        done = subprocess.run(argv, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    if done.returncode:
        tail = (WORK / log_name).read_text(errors="replace").splitlines()[-15:]
        raise BenchError(f"{' '.join(argv)} failed:\n" + "\n".join(tail))


def build_databases(sizes: list[int], secret: str) -> dict[int, Path]:
    """One database per number of comments, each built as `make run` builds it, then seeded."""
    base = WORK / "base.db"
    env = forum_env(base, secret)
    started = time.monotonic()
    run([str(BIN / "flask"), "db", "upgrade"], env, "build.log")
    run([str(BIN / "flask"), "forum", "import-article"], env, "build.log")
    run([str(BIN / "flask"), "forum", "ensure-moderator"], env, "build.log")
    log(f"base database upgraded and imported in {time.monotonic() - started:.0f} s")
    databases = {}
    for size in sizes:
        path = WORK / f"forum-{size}.db"
        with sqlite3.connect(base) as source, sqlite3.connect(path) as target:
            source.backup(target)
        started = time.monotonic()
        run(
            [sys.executable, "-m", "tests.bench.seed", f"sqlite:///{path}", str(size)],
            env,
            "build.log",
        )
        log(f"{size:,} approved comments seeded in {time.monotonic() - started:.0f} s")
        databases[size] = path
    return databases


def forum_comments(database: Path) -> list[sqlite3.Row]:
    with sqlite3.connect(database) as connection:
        connection.row_factory = sqlite3.Row
        return connection.execute(
            "SELECT c.id, c.parent_id, c.author_name, c.author_email, c.website, c.body "
            "FROM comment c JOIN article a ON a.id = c.article_id "
            "WHERE a.slug = ? AND c.status = 'approved' ORDER BY c.created_at, c.id",
            (SLUG,),
        ).fetchall()


# --- Isso -----------------------------------------------------------------------------


def install_isso() -> Path:
    """Isso 0.14 and gunicorn in their own virtualenv, kept between runs."""
    marker = ISSO_VENV / ".installed"
    if marker.exists() and marker.read_text() == ISSO_REQUIREMENT:
        return ISSO_VENV / "bin"
    log(f"installing {ISSO_REQUIREMENT} into {ISSO_VENV.relative_to(ROOT)}")
    started = time.monotonic()
    shutil.rmtree(ISSO_VENV, ignore_errors=True)
    run([sys.executable, "-m", "venv", str(ISSO_VENV)], dict(os.environ), "isso-install.log")
    pip = [str(ISSO_VENV / "bin" / "python"), "-m", "pip", "install", "--quiet"]
    run([*pip, ISSO_REQUIREMENT, "gunicorn"], dict(os.environ), "isso-install.log")
    marker.write_text(ISSO_REQUIREMENT)
    log(f"Isso installed in {time.monotonic() - started:.0f} s")
    return ISSO_VENV / "bin"


def start_isso(servers: Servers, isso_bin: Path, website: str) -> Server:
    database = WORK / "isso.db"
    database.unlink(missing_ok=True)
    config = WORK / "isso.cfg"
    port = free_port()
    # `host` is the site that embeds the comments: Isso checks at start that it answers.
    # The rate limit (guard) is per /24, so all of loopback would be one client.
    config.write_text(
        f"[general]\ndbpath = {database}\nhost = {website}/\nnotify = stdout\n"
        "[moderation]\nenabled = false\n"
        f"[server]\nlisten = http://127.0.0.1:{port}/\n"
        "[guard]\nenabled = false\n"
    )
    env = {**os.environ, "ISSO_SETTINGS": str(config)}
    # --preload as Isso's documentation has it: its app creates the database on start.
    return servers.start("isso", isso_bin / "gunicorn", "isso.run", env, "--preload", port=port)


def load_isso(isso: Server, comments: list[sqlite3.Row]) -> None:
    """The forum's comments, in order and with their replies, through Isso's own POST /new."""
    ids: dict[int, int] = {}
    for row in comments:
        payload = {
            "text": row["body"],
            "author": row["author_name"],
            "email": row["author_email"],
            "website": row["website"],
            "parent": ids.get(row["parent_id"]),
            "title": "IVIG for lupus",
            "notification": 0,
        }
        answer = isso_post(isso, payload)
        if answer.status != 201:
            raise BenchError(f"Isso refused a comment ({answer.status}): {answer.body[:300]!r}")
        ids[row["id"]] = json.loads(answer.body)["id"]
    thread = json.loads(fetch(f"{isso.url}/?uri={ISSO_URI}").body)
    held = _count_isso(thread["replies"])
    if held != len(comments):
        raise BenchError(f"Isso's thread holds {held} comments, not {len(comments)}")


def _count_isso(replies: list[dict]) -> int:
    return sum(1 + _count_isso(reply.get("replies", [])) for reply in replies)


def isso_post(isso: Server, payload: dict) -> Answer:
    return fetch(
        f"{isso.url}/new?uri={ISSO_URI}",
        data=json.dumps(payload).encode(),
        headers={"Content-Type": "application/json", "Origin": isso.url},
    )


# --- nginx ----------------------------------------------------------------------------


def start_nginx(servers: Servers, forum: Server) -> tuple[Server, Server]:
    """deploy/'s nginx site (its microcache) in front of the forum, as deploy/cluster.py
    renders it; and, in the same nginx, a second server that answers the article's address
    with the very bytes the microcache serves, as a static file: the machine's own limit."""
    if str(ROOT) not in sys.path:  # run as a script, from tests/bench
        sys.path.append(str(ROOT))
    from deploy.nginx_site import render_nginx_main, render_nginx_site

    folder = WORK / "nginx"
    shutil.rmtree(folder, ignore_errors=True)
    static = folder / "static-copy"
    (static / "articles").mkdir(parents=True)
    (folder / "cache").mkdir()
    micro_port, static_port = free_port(), free_port()
    site = render_nginx_site(
        listen=f"127.0.0.1:{micro_port}",
        apps=[f"127.0.0.1:{forum.port}"],
        static_root=ROOT / "static",
        cache_dir=folder / "cache",
        access_log=str(folder / "access.log"),
    )
    (folder / "forum.conf").write_text(site)
    (folder / "static-copy.conf").write_text(
        f"""server {{
    listen 127.0.0.1:{static_port};
    access_log {folder / "static-access.log"} forum_json;  # as the site logs, alike
    root {static};
    location /articles/ {{ default_type "text/html; charset=utf-8"; }}
}}
"""
    )
    # Started as root, nginx's workers would be www-data, who may not read this checkout.
    conf = render_nginx_main(
        folder=folder,
        sites=[folder / "forum.conf", folder / "static-copy.conf"],
        error_log=folder / "error.log",
        workers=WORKERS,
        user="root" if os.geteuid() == 0 else None,
    )
    (folder / "nginx.conf").write_text(conf)
    (folder / "temp").mkdir()
    argv = ["nginx", "-p", str(folder), "-c", str(folder / "nginx.conf")]
    checked = subprocess.run([*argv, "-t", "-q"], capture_output=True, text=True)
    if checked.returncode:
        raise BenchError(f"nginx refused its configuration:\n{checked.stderr}")
    log_path = WORK / "nginx.log"
    with log_path.open("wb") as out:
        process = subprocess.Popen(
            argv, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    micro = Server("nginx-microcache", micro_port, process, log_path)
    servers.running.append(micro)
    servers.wait_ready(micro, ARTICLE)
    page = fetch(micro.url + ARTICLE)
    (static / "articles" / SLUG).write_bytes(page.body)
    copy = Server("nginx-static", static_port, process, log_path)
    if fetch(copy.url + ARTICLE).body != page.body:
        raise BenchError("nginx's static copy differs from the article it serves")
    return micro, copy


# --- The run --------------------------------------------------------------------------


def phase_one(
    args: argparse.Namespace, servers: Servers, db: Path, secret: str, isso_bin: Path
) -> tuple[dict[str, Scenario], list[str]]:
    """The forum, the ceiling and Isso with the same 200 comments, side by side."""
    forum = servers.start("forum-200", BIN / "gunicorn", "wsgi:app", forum_env(db, secret))
    servers.wait_ready(forum, ARTICLE)
    isso = start_isso(servers, isso_bin, forum.url)
    servers.wait_ready(isso, "/info")

    ceiling_dir = WORK / "ceiling"
    ceiling_dir.mkdir(exist_ok=True)
    originals = {}
    for name, path in (("article", ARTICLE), ("thread", THREAD)):
        answer = fetch(forum.url + path)
        if answer.status != 200:
            raise BenchError(f"the forum answered {path} with {answer.status}")
        (ceiling_dir / f"{name}.body").write_bytes(answer.body)
        (ceiling_dir / f"{name}.type").write_text(answer.headers["Content-Type"])
        originals[path] = answer
    env = {**os.environ, "BENCH_CEILING_DIR": str(ceiling_dir)}
    ceiling = servers.start("ceiling", BIN / "gunicorn", "tests.bench.ceiling:create_app()", env)
    servers.wait_ready(ceiling, ARTICLE)
    for path, original in originals.items():
        copy = fetch(ceiling.url + path)
        if (copy.body, copy.headers["Content-Type"]) != (
            original.body,
            original.headers["Content-Type"],
        ):
            raise BenchError(f"the ceiling does not serve the forum's bytes for {path}")

    comments = forum_comments(db)
    started = time.monotonic()
    load_isso(isso, comments)
    log(f"Isso holds the same {len(comments)} comments ({time.monotonic() - started:.0f} s)")
    isso_thread = fetch(f"{isso.url}/?uri={ISSO_URI}")

    action, sessions = forum_sessions(forum, ARTICLE, SESSIONS)
    check = fetch(forum.url + action, data=sessions[0].body("warmup"), headers=sessions[0].headers)
    if check.status != 302:
        raise BenchError(f"a browser's comment got {check.status}, not 302: {check.body[:500]!r}")
    i_sessions = isso_sessions(isso, ISSO_URI, SESSIONS)
    check = isso_post(isso, json.loads(i_sessions[0].body("warmup")))
    if check.status != 201:
        raise BenchError(f"Isso answered a new comment with {check.status}")

    def size(path: str) -> int:
        return len(originals[path].body)

    pages = json.loads(originals[THREAD].body)
    reads = {
        "article": Scenario("forum article page", forum, ARTICLE, size=size(ARTICLE)),
        "ceiling-article": Scenario(
            "bare-Flask ceiling: same article bytes", ceiling, ARTICLE, size=size(ARTICLE)
        ),
        "thread": Scenario(
            f"forum JSON thread (page 1: {len(pages['comments'])} of {pages['total']})",
            forum,
            THREAD,
            size=size(THREAD),
        ),
        "ceiling-thread": Scenario(
            "bare-Flask ceiling: same JSON bytes", ceiling, THREAD, size=size(THREAD)
        ),
        # A thread takes Isso a second or more: with 20 connections most requests would
        # wait past wrk's timeout. Four keep its two workers as busy; twice as long a
        # run counts enough answers.
        "isso-thread": Scenario(
            f"Isso thread (GET /?uri=, all {len(comments)}; 4 connections, 2× as long)",
            isso,
            f"/?uri={ISSO_URI}",
            size=len(isso_thread.body),
            connections=4,
            stretch=2,
        ),
        "feed": Scenario("forum /feed.rss", forum, FEED, size=len(fetch(forum.url + FEED).body)),
    }
    posts = {
        "post": Scenario(
            "forum posting (form + CSRF, 302)",
            forum,
            action,
            write_post_spec("forum", action, 302, sessions),
        ),
        "isso-post": Scenario(
            "Isso posting (POST /new JSON, 201)",
            isso,
            f"/new?uri={ISSO_URI}",
            write_post_spec("isso", f"/new?uri={ISSO_URI}", 201, i_sessions),
        ),
    }
    fronts: list[Server] = []
    if args.only in ("all", "nginx"):
        micro, copy = start_nginx(servers, forum)
        fronts.append(micro)
        size = len(fetch(copy.url + ARTICLE).body)
        reads["nginx-article"] = Scenario(
            "forum article page through nginx's microcache", micro, ARTICLE, size=size
        )
        reads["nginx-static"] = Scenario(
            "nginx: the same bytes as a static file", copy, ARTICLE, size=size
        )
    if args.only == "posting":
        reads = {}
    elif args.only == "nginx":
        reads = {k: v for k, v in reads.items() if k.startswith("nginx")}
        posts = {}
    log("warming up")
    warm_up(list(reads.values()))
    # Reads first: Isso publishes what is posted, which would grow its thread.
    for group in (reads, posts):
        measure(list(group.values()), args.rounds, args.threads, args.connections, args.duration)
    everything = reads | posts
    problems = [p for s in everything.values() for p in s.problems]
    for server in (*fronts, forum, ceiling, isso):
        problems += server_errors(server)
        servers.stop(server)
    return everything, problems


def phase_two(
    args: argparse.Namespace, servers: Servers, dbs: dict[int, Path], secret: str
) -> tuple[dict[str, dict[int, Scenario]], list[str]]:
    """Latency of the first and last pages at each size, one connection at a time."""
    running = {}
    for size in args.sizes:
        env = forum_env(dbs[size], secret)
        running[size] = servers.start(f"forum-{size}", BIN / "gunicorn", "wsgi:app", env)
    table: dict[str, dict[int, Scenario]] = {}
    for size, server in running.items():
        servers.wait_ready(server, ARTICLE)
        page = fetch(server.url + ARTICLE).body.decode()
        last = max([int(n) for n in re.findall(r"[?&;]page=(\d+)", page)] or [1])
        api_pages = json.loads(fetch(server.url + THREAD).body)["pages"]
        for label, path in (
            ("article page 1", ARTICLE),
            ("article last page", f"{ARTICLE}?page={last}"),
            ("JSON thread page 1", THREAD),
            ("JSON thread last page", f"{THREAD}?page={api_pages}"),
        ):
            answer = fetch(server.url + path)
            if answer.status != 200:
                raise BenchError(f"forum-{size} answered {path} with {answer.status}")
            scenario = Scenario(f"{label} ({size:,})", server, path, size=len(answer.body))
            table.setdefault(label, {})[size] = scenario
    everything = [s for row in table.values() for s in row.values()]
    log("warming up")
    warm_up(everything)
    measure(everything, args.rounds, 1, 1, args.size_duration)
    problems = [p for s in everything for p in s.problems]
    for server in running.values():
        problems += server_errors(server)
        servers.stop(server)
    return table, problems


# --- The report -----------------------------------------------------------------------


def _version(argv: list[str]) -> str:
    """The first line a program prints about itself (wrk -v exits 1 after printing it)."""
    done = subprocess.run(argv, capture_output=True, text=True)
    return ((done.stdout or done.stderr).strip().splitlines() or ["?"])[0]


def machine(isso_bin: Path) -> str:
    cpuinfo = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").exists() else ""
    cpu = next(
        (ln.split(":", 1)[1].strip() for ln in cpuinfo.splitlines() if ln.startswith("model name")),
        platform.processor() or "an unknown CPU",
    )
    wrk_version = " ".join(_version(["wrk", "-v"]).split()[:2])
    gunicorn = _version([str(BIN / "gunicorn"), "--version"]).removeprefix("gunicorn (version ")
    isso = _version(
        [str(isso_bin / "python"), "-c", "import importlib.metadata as m; print(m.version('isso'))"]
    )
    return (
        f"{platform.machine()}, {cpu}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, {wrk_version}, gunicorn {gunicorn.rstrip(')')}, Isso {isso}"
    )


def code_version() -> str:
    """The commit measured, and whether the app's files differed from it (a shared checkout)."""
    head = _version(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"])
    changed = subprocess.run(
        ["git", "-C", str(ROOT), "status", "--porcelain", "--", "forum", "templates", "wsgi.py"],
        capture_output=True,
        text=True,
    ).stdout.strip()
    return f"{head} with uncommitted changes to the app" if changed else head


def _ms(value: float) -> str:
    return f"{value:.1f}" if value < 100 else f"{value:,.0f}"


def report(
    args: argparse.Namespace,
    throughput: dict[str, Scenario],
    by_size: dict[str, dict[int, Scenario]],
    about: str,
    code: str,
) -> str:
    t = {key: s.best for key, s in throughput.items()}
    small, large = min(args.sizes), max(args.sizes)
    ratios = [
        (target, t[a].rps / t[b].rps)
        for target, (a, b) in zip(TARGETS, RATIOS, strict=False)
        if a in t and b in t
    ]
    if small != large and by_size:
        page_one = by_size["article page 1"]
        name = f"page 1 at {large:,} / at {small:,} comments (p50)"
        ratios.append(
            (
                (name, *TARGETS[-1][1:]),
                page_one[large].fastest.p50_ms / page_one[small].fastest.p50_ms,
            )
        )
    lines = [
        f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {about}; the forum at {code}.",
        f"Load average {os.getloadavg()[0]:.1f} at the end: on a shared machine absolute "
        "numbers vary from run to run; compare the ratios, which come from one run.",
        "",
        f"With {COMMENTS} approved comments; each server under gunicorn with {WORKERS} sync "
        f"workers on 127.0.0.1; wrk -t{args.threads} -c{args.connections}, "
        f"{args.duration} s a round, the best of {args.rounds} round(s):",
        "",
        "| scenario | bytes | answers | req/s | p50 ms | p99 ms | server CPU ms |",
        "|---|--:|--:|--:|--:|--:|--:|",
    ]
    for scenario in throughput.values():
        m = scenario.best
        size = f"{scenario.size:,}" if scenario.size else "–"
        lines.append(
            f"| {scenario.label} | {size} | {m.good:,} | {m.rps:,.1f} | {_ms(m.p50_ms)} "
            f"| {_ms(m.p99_ms)} | {m.cpu_ms:.3f} |"
        )
    if by_size:
        lines += [
            "",
            f"Latency by the number of approved comments (p50 ms; wrk -t1 -c1, "
            f"{args.size_duration} s a round, the best of {args.rounds}):",
            "",
            "| page | " + " | ".join(f"{n:,}" for n in args.sizes) + f" | {large:,} / {small:,} |",
            "|---|" + "--:|" * (len(args.sizes) + 1),
        ]
    for label, row in by_size.items():
        cells = [_ms(row[n].fastest.p50_ms) for n in args.sizes]
        ratio = row[large].fastest.p50_ms / row[small].fastest.p50_ms
        lines.append(f"| {label} | " + " | ".join(cells) + f" | {ratio:.2f} |")
    lines += ["", "| ratio | measured | target | |", "|---|--:|--:|---|"]
    for (name, target, higher), value in ratios:
        passed = value >= target if higher else value <= target
        sign = "≥" if higher else "≤"
        lines.append(
            f"| {name} | {value:.2f} | {sign} {target:g} | {'PASS' if passed else 'MISS'} |"
        )
    lines += [
        "",
        "Server CPU ms: the CPU time of the server's processes (all workers, and nginx's "
        "for the nginx rows) per answer, steadier than req/s on a shared machine. "
        "Run it with `make bench` (it installs Debian's wrk when missing, and Isso 0.14 into "
        "`.venv/isso`); tests/bench/compare.py says what each number measures. The forum's "
        "JSON thread is its first page of 50 comments; Isso's answer holds all "
        f"{COMMENTS}, as Isso serves a thread. Forum posts are held for moderation, Isso's "
        "are published (its moderation off, as configured here).",
    ]
    return "\n".join(lines) + "\n"


def write_readme(block: str) -> None:
    """Replace what is between the markers in README.md's Performance section."""
    text = README.read_text(encoding="utf-8")
    section = f"{START_MARK}\n{block.rstrip()}\n{END_MARK}"
    if START_MARK in text and END_MARK in text:
        before, _, rest = text.partition(START_MARK)
        _, _, after = rest.partition(END_MARK)
        text = before + section + after
    elif re.search(r"^## Performance[ \t]*$", text, re.MULTILINE):
        text = re.sub(
            r"^## Performance[ \t]*$",
            lambda m: f"{m.group(0)}\n\n{section}\n",
            text,
            count=1,
            flags=re.MULTILINE,
        )
    else:
        text = text.rstrip("\n") + f"\n\n## Performance\n\n{section}\n"
    README.write_text(text, encoding="utf-8")


# --- Main -----------------------------------------------------------------------------


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=5, help="seconds a throughput run")
    parser.add_argument("--size-duration", type=int, default=4, help="seconds a latency run")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--connections", type=int, default=20, help="wrk connections")
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)))
    parser.add_argument("--no-readme", action="store_true", help="only print the report")
    parser.add_argument(
        "--quick", action="store_true", help="a short trial run (3 s, 1 round, small sizes)"
    )
    parser.add_argument(
        "--only",
        choices=("all", "posting", "nginx"),
        default="all",
        help="only the two ways of posting, or the two nginx reads (no README), for profiling",
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.duration = args.size_duration = 3
        args.rounds, args.sizes, args.no_readme = 1, "100,1000", True
    if args.only != "all":
        args.no_readme = True
    args.sizes = sorted({int(n.replace("_", "")) for n in args.sizes.split(",")})
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if shutil.which("wrk") is None:
        print("wrk is missing: `apt-get install wrk` (make bench does it as root)", file=sys.stderr)
        return 1
    WORK.mkdir(parents=True, exist_ok=True)
    for old in WORK.glob("*.db*"):
        old.unlink()
    signal.signal(signal.SIGTERM, _interrupt)
    servers = Servers()
    started = time.monotonic()
    try:
        code = code_version()  # before the servers load it
        isso_bin = install_isso()
        secret = secrets.token_urlsafe(32)
        dbs = build_databases(sorted({COMMENTS, *args.sizes}), secret)
        throughput, problems = phase_one(args, servers, dbs[COMMENTS], secret, isso_bin)
        by_size: dict[str, dict[int, Scenario]] = {}
        if args.only == "all":
            by_size, more = phase_two(args, servers, dbs, secret)
            problems += more
        text = report(args, throughput, by_size, machine(isso_bin), code)
    except BenchError as error:
        log(f"BROKEN: {error}")
        return 1
    except KeyboardInterrupt:
        log("interrupted: servers stopped")
        return 130
    finally:
        servers.stop_all()
    (WORK / "report.md").write_text(text)
    print("\n" + text)
    elapsed = time.monotonic() - started
    if problems:
        print("Something broke, so README.md is left as it was:", *problems, sep="\n  ")
        return 1
    if not args.no_readme:
        write_readme(text)
        log("written into README.md's Performance section")
    log(f"done in {elapsed / 60:.1f} min; logs, databases and report in {WORK.relative_to(ROOT)}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
