"""The time trap on a page every reader shares: when did this person start on the form?

A bot posts the comment form at once; a person takes a while. The form used to carry a
signed "served at" time, but a shared page (one set of bytes, which nginx or a CDN may
keep) cannot say when this reader fetched it. So (README, "The time trap"):

- the page's script asks the forum for a signed start time at the first touch of the
  form (`articles.form_start`): exact, whatever the cache did;
- without the script, the page's form token says when the page was built. A cache may
  have kept the page for up to `shared_page_lag()` before this reader got it, so a post
  sooner than the minimum after the build is surely a bot's (spam), one sooner than
  minimum + lag may be (held for a moderator), and one later is a person's pace.
"""

from __future__ import annotations

import math
from datetime import timedelta

from flask import current_app
from itsdangerous import BadData, URLSafeTimedSerializer

from forum.conditional import RECHECK_SECONDS
from forum.forgery import FormToken
from forum.models import utcnow
from forum.settings import current_settings


def _form_signer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="comment-form-started")


def sign_form_start() -> str:
    """A token that says, signed, when the comment form was first served."""
    return _form_signer().dumps(1)


def form_age(token: str | None) -> timedelta | None:
    """How long ago the form was first served; None if the token is missing or altered."""
    if not token:
        return None
    try:
        _, signed_at = _form_signer().loads(token, return_timestamp=True)
    except BadData:
        return None
    return utcnow() - signed_at


def shared_page_lag() -> int:
    """The most a shared page's token can be older than the page's fetch: its period, the
    second an app server may serve it from memory unchecked, and what nginx or a CDN may
    keep (s-maxage) and then serve stale while revalidating."""
    config = current_app.config
    return (
        config["FORUM_FORM_STAMP_SECONDS"]
        + math.ceil(RECHECK_SECONDS)
        + config["FORUM_SHARED_MAX_AGE"]
        + config["FORUM_STALE_WHILE_REVALIDATE"]
    )


def start_age(form_started: str | None, page: FormToken) -> timedelta | None:
    """How long the person has had the form; None (held for a moderator) if unknown."""
    if form_started:  # the script's, or a page built for this reader
        return form_age(form_started)  # None if altered
    age = timedelta(seconds=page.age)
    if not page.shared:
        return age  # a page built for this reader at that moment
    minimum = current_settings().min_form_seconds
    if minimum and minimum <= page.age < minimum + shared_page_lag():
        return None
    return age
