"""Conditional GET: answer 304 from a cheap change stamp, before any page is built."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import datetime

from flask import Response, request
from werkzeug.http import is_resource_modified


def conditional_response(key: str, changed_at: datetime, build: Callable[[], Response]) -> Response:
    """`build()` only if the client's copy is stale; ETag and Last-Modified either way."""
    # Links in the body are absolute, so the host is part of what the body depends on.
    stamp = f"{key}|{request.host_url}|{changed_at.isoformat()}"
    etag = hashlib.sha256(stamp.encode()).hexdigest()[:32]
    last_modified = changed_at.replace(microsecond=0)
    if not is_resource_modified(request.environ, etag=etag, last_modified=last_modified):
        response = Response(status=304)
    else:
        response = build()
    response.set_etag(etag)
    response.last_modified = last_modified
    response.cache_control.no_cache = True  # always revalidate: approvals show at once
    return response
