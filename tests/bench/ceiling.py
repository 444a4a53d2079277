"""The ceiling for `make bench`: bare Flask answering with bytes fetched from the forum.

    gunicorn --workers 2 "tests.bench.ceiling:create_app()"   (BENCH_CEILING_DIR set)

BENCH_CEILING_DIR holds, for each page, NAME.body (the forum's response body) and
NAME.type (its Content-Type): `article` for the article page and `thread` for the
JSON thread. The routes are the forum's own addresses, and they do no work at all:
what is left is what Flask and gunicorn cost.
"""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask, Response

PAGES = {
    "article": "/articles/<slug>",
    "thread": "/api/articles/<slug>/comments",
}


def create_app(folder: str | None = None) -> Flask:
    source = Path(folder or os.environ["BENCH_CEILING_DIR"])
    app = Flask(__name__)
    for name, rule in PAGES.items():
        body = (source / f"{name}.body").read_bytes()
        content_type = (source / f"{name}.type").read_text().strip()

        def view(slug: str, body: bytes = body, content_type: str = content_type) -> Response:
            return Response(body, content_type=content_type)

        app.add_url_rule(rule, name, view)
    return app
