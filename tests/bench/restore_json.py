"""Benchmark: restore (`flask forum import`) generated exports of two sizes; peak RSS of each.

    .venv/bin/python -m tests.bench.restore_json [--sizes 1000,100000]

Each size is restored in a new process into a new SQLite database, and the process's
peak resident memory (ru_maxrss) is read at the end: the figure a 1 GB restore cares
about. Not a test (pytest collects only test_*.py).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _app(url: str):
    from forum import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench-only"})


def sample_export(workdir: Path) -> Path:
    """An export of a new forum holding one article and one approved comment."""
    import flask_migrate

    from forum.extensions import db
    from forum.models import Article, Comment, CommentStatus
    from forum.porting.archive import export_forum

    app = _app(f"sqlite:///{workdir / 'seed.db'}")
    sample = workdir / "sample.json"
    with app.app_context():
        flask_migrate.upgrade()
        article = Article(
            slug="ivig", title="IVIG", short_title="IVIG", body_markdown="", body_html=""
        )
        db.session.add(article)
        db.session.flush()
        text = "IVIG helped after four infusions. Fatigue was the worst side effect. " * 3
        db.session.add(
            Comment(
                article_id=article.id,
                author_name="Reader",
                author_email="r@example.com",
                body=text,
                body_html=f"<p>{text}</p>",
                status=CommentStatus.APPROVED,
                root_id=1,
                ip="192.0.2.1",
            )
        )
        db.session.commit()
        export_forum(sample)
    return sample


def write_export(path: Path, comments: int, sample: Path) -> int:
    """An export of `comments` comments on one article; its size in bytes.

    The records are the forum's own: the first article and comment of `sample` (an
    export), the comment copied with new ids, one in three a reply to the one before.
    Written as it is generated, so that the generator holds almost nothing.
    """
    from forum.porting.archive import SECTIONS

    document = json.loads(sample.read_text(encoding="utf-8"))
    comment = document["comments"][0]
    with path.open("w", encoding="utf-8") as out:
        out.write('{\n "format": "ivig-forum-export",\n "version": 1,\n "schema": null,\n')
        for number, section in enumerate(SECTIONS):
            out.write(f' "{section.name}": [')
            if section.name == "comments":
                for i in range(1, comments + 1):
                    parent = i - 1 if i % 3 == 0 else None
                    record = {
                        **comment,
                        "id": i,
                        "parent_id": parent,
                        "depth": 2 if parent else 1,
                        "root_id": parent or i,
                        "external_id": None,  # unique per article
                    }
                    out.write(
                        ("\n  " if i == 1 else ",\n  ") + json.dumps(record, ensure_ascii=False)
                    )
                out.write("\n ]")
            elif section.name == "articles":
                out.write("\n  " + json.dumps(document["articles"][0]) + "\n ]")
            else:
                out.write("]")
            out.write(",\n" if number < len(SECTIONS) - 1 else "\n")
        out.write("}\n")
    return path.stat().st_size


def restore(export: str, url: str) -> None:
    """In this process: restore `export` into `url`; print seconds and peak RSS (MiB)."""
    import flask_migrate

    from forum.porting.restore import import_forum

    app = _app(url)
    with app.app_context():
        flask_migrate.upgrade()
        started = time.perf_counter()
        counts = import_forum(Path(export))
        elapsed = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"comments": counts["comments"], "seconds": elapsed, "peak_rss_mib": peak}))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,100000")
    parser.add_argument("--restore", nargs=2, metavar=("EXPORT", "URL"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.restore:
        return restore(*args.restore)
    workdir = Path(tempfile.mkdtemp(prefix="bench-restore-"))
    sample = sample_export(workdir)
    results = []
    for size in (int(s) for s in args.sizes.split(",")):
        export = workdir / f"export-{size}.json"
        nbytes = write_export(export, size, sample)
        url = f"sqlite:///{workdir / f'restored-{size}.db'}"
        out = (
            subprocess.run(
                [sys.executable, "-m", "tests.bench.restore_json", "--restore", str(export), url],
                check=True,
                capture_output=True,
                text=True,
            )
            .stdout.strip()
            .splitlines()[-1]
        )
        result = json.loads(out)
        results.append(result)
        print(
            f"{size:>7,} comments, {nbytes / 2**20:6.1f} MiB export: restored in "
            f"{result['seconds']:.1f} s, peak RSS {result['peak_rss_mib']:.0f} MiB"
        )
    if len(results) > 1:
        ratio = results[-1]["peak_rss_mib"] / results[0]["peak_rss_mib"]
        print(f"peak RSS, largest / smallest: {ratio:.2f} (target < 2)")


if __name__ == "__main__":
    sys.exit(main())
