"""Benchmark: import a generated 100,000-comment WordPress export; print the rate and memory.

    .venv/bin/python -m tests.bench.import_wxr [--comments N] [--database-url URL]
                                               [--no-tracemalloc] [--batch-size N]

Not a test (pytest collects only test_*.py); tests/test_porting.py uses `write_wxr`.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from xml.sax.saxutils import escape

HEAD = """<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
 xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
<title>Generated</title>
<wp:wxr_version>1.2</wp:wxr_version>
"""
# Real exports carry Akismet's history and similar metadata with every comment; the
# importer reads past it, so it makes the file large without making the work larger.
META = (
    "<wp:commentmeta><wp:meta_key><![CDATA[akismet_history]]></wp:meta_key>"
    "<wp:meta_value><![CDATA[{}]]></wp:meta_value></wp:commentmeta>\n"
)


def _post(number: int) -> str:
    return (
        f"<item>\n<title>Generated post {number}</title>\n"
        f"<link>https://blog.example/bench-post-{number}/</link>\n"
        "<dc:creator><![CDATA[admin]]></dc:creator>\n"
        f"<content:encoded><![CDATA[<p>Post {number} about <strong>IVIG</strong>.</p>]]>"
        "</content:encoded>\n<excerpt:encoded><![CDATA[]]></excerpt:encoded>\n"
        f"<wp:post_id>{number}</wp:post_id>\n"
        "<wp:post_date_gmt><![CDATA[2020-01-01 00:00:00]]></wp:post_date_gmt>\n"
        f"<wp:post_name><![CDATA[bench-post-{number}]]></wp:post_name>\n"
        "<wp:status><![CDATA[publish]]></wp:status>\n"
        "<wp:post_type><![CDATA[post]]></wp:post_type>\n"
    )


def _comment(number: int, parent: int, approved: str, padding: str, kind: str = "comment") -> str:
    minute, second = divmod(number % 3600, 60)
    text = escape(
        f"Comment {number}: IVIG <em>helped</em> after {number % 9 + 1} infusions.\n"
        "Fatigue was the worst side effect; headaches eased with fluids."
    )
    return (
        f"<wp:comment>\n<wp:comment_id>{number}</wp:comment_id>\n"
        f"<wp:comment_author><![CDATA[Reader {number}]]></wp:comment_author>\n"
        f"<wp:comment_author_email>reader{number % 5000}@example.com</wp:comment_author_email>\n"
        "<wp:comment_author_url></wp:comment_author_url>\n"
        f"<wp:comment_author_IP>192.0.2.{number % 250}</wp:comment_author_IP>\n"
        f"<wp:comment_date_gmt>2021-01-01 {number % 24:02d}:{minute:02d}:{second:02d}"
        "</wp:comment_date_gmt>\n"
        f"<wp:comment_content>{text}</wp:comment_content>\n"
        f"<wp:comment_approved>{approved}</wp:comment_approved>\n"
        f"<wp:comment_type>{kind}</wp:comment_type>\n"
        f"<wp:comment_parent>{parent}</wp:comment_parent>\n"
        + META.format(padding)
        + "</wp:comment>\n"
    )


def write_wxr(
    path: Path, comments: int, *, posts: int = 10, padding: int = 600, pingbacks: int = 0
) -> int:
    """Write a WXR file of `comments` comments over `posts` posts; its size in bytes.

    Written as it is generated, so that the generator itself holds almost nothing.
    One comment in three answers the comment before; one in seven waits, one in fifty
    is spam. With `pingbacks` = n, only one entry in n is a comment, the others are
    pingbacks: read and checked like comments, then skipped.
    """
    per_post = -(-comments // posts)
    pad = "x" * padding
    number = 0
    with path.open("w", encoding="utf-8") as out:
        out.write(HEAD)
        for post in range(1, posts + 1):
            out.write(_post(post))
            previous = 0
            for _ in range(min(per_post, comments - number)):
                number += 1
                if pingbacks and number % pingbacks:
                    out.write(_comment(number, 0, "1", pad, kind="pingback"))
                    continue
                parent = previous if number % 3 == 0 else 0
                approved = "spam" if number % 50 == 0 else "0" if number % 7 == 0 else "1"
                out.write(_comment(number, parent, approved, pad))
                previous = number
            out.write("</item>\n")
        out.write("</channel>\n</rss>\n")
    return path.stat().st_size


def _rss_mib() -> float:
    # ru_maxrss is in KiB on Linux.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--comments", type=int, default=100_000)
    parser.add_argument("--database-url", help="default: a new SQLite file in a temp folder")
    parser.add_argument("--batch-size", type=int, default=500)
    parser.add_argument("--no-tracemalloc", action="store_true", help="measure speed only")
    args = parser.parse_args(argv)

    import flask_migrate

    from forum import create_app
    from forum.extensions import db
    from forum.porting.wordpress import import_wordpress

    workdir = Path(tempfile.mkdtemp(prefix="bench-wxr-"))
    url = args.database_url or f"sqlite:///{workdir / 'forum.db'}"
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench-only", "RATELIMIT_ENABLED": False}
    )
    wxr = workdir / "export.xml"
    started = time.perf_counter()
    size = write_wxr(wxr, args.comments)
    print(f"wrote {wxr} ({size / 2**20:.1f} MiB) in {time.perf_counter() - started:.1f} s")
    with app.app_context():
        flask_migrate.upgrade()
        rss_before = _rss_mib()
        if not args.no_tracemalloc:
            tracemalloc.start()
        started, cpu_started = time.perf_counter(), time.process_time()
        summary = import_wordpress(wxr, batch_size=args.batch_size)
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
        peak = tracemalloc.get_traced_memory()[1] if tracemalloc.is_tracing() else None
        tracemalloc.stop()
        db.engine.dispose()
    print("\n".join(summary.lines()))
    imported = summary.comments["imported"]
    print(f"database:          {app.config['SQLALCHEMY_DATABASE_URI'].split('@')[-1]}")
    print(f"comments imported: {imported} in {elapsed:.1f} s (both passes), {cpu:.1f} s of CPU")
    print(f"rate:              {imported / elapsed:,.0f} comments/s")
    # On a shared machine the CPU time is the steadier measure.
    print(f"rate by CPU time:  {imported / cpu:,.0f} comments/s")
    if peak is not None:
        print(f"tracemalloc peak:  {peak / 2**20:.1f} MiB (Python allocations during the import)")
    print(f"RSS:               {rss_before:.0f} MiB before, {_rss_mib():.0f} MiB peak (process)")


if __name__ == "__main__":
    sys.exit(main())
