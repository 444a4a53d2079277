"""Outgoing e-mail: an outbox table drained by `flask forum send-mail`, and signed links.

Nothing on a request waits for SMTP. A message is added to the outbox in the same
transaction as the change that caused it, so it is sent if and only if that change
was saved; a failed send is kept, logged and retried with a growing delay.
Without MAIL_SERVER, messages are written to the log instead of sent.
"""

from __future__ import annotations

import functools
import json
import logging
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from flask import Flask, current_app, has_request_context, request
from flask_mail import Message
from itsdangerous import BadData, URLSafeTimedSerializer
from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError

from forum.extensions import db, mail
from forum.links import link_context
from forum.models import MailOptOut, OutboxMessage, UsedToken, utcnow

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 8

# What queues messages a round at a time, run at the start of every round: the moderators'
# notice of the comments held since the round before (forum.notifications adds it). This
# module sends; it does not know who is told what.
_composers: list[Callable[[], object]] = []


def compose_each_round(compose: Callable[[], object]) -> Callable[[], object]:
    """Register `compose` to queue its messages at the start of every sending round."""
    _composers.append(compose)
    return compose


def opted_out(email: str) -> bool:
    return db.session.get(MailOptOut, email.lower()) is not None


def queue_message(
    recipient: str,
    subject: str,
    body: str,
    kind: str,
    headers: dict[str, str] | None = None,
    requested: bool = False,
) -> None:
    """Add a message to the outbox (no commit). `requested`: the person just asked for it
    (a sign-in or confirmation link), so it goes even to an address that opted out."""
    if requested or not opted_out(recipient):
        add_to_outbox(recipient, subject, body, kind, headers)


# A plain INSERT in the session's transaction: nothing reads the message back as an
# object, and the ORM's unit of work would cost more than the insert itself.
_ADD = insert(OutboxMessage.__table__)


def add_to_outbox(
    recipient: str, subject: str, body: str, kind: str, headers: dict[str, str] | None = None
) -> None:
    """queue_message for a caller that left out the addresses that opted out already."""
    message = {"recipient": recipient.lower(), "subject": subject, "body": body, "kind": kind}
    message["headers"] = json.dumps(headers or {}, sort_keys=True)
    db.session.connection().execute(_ADD, message)


def _deliver(message: OutboxMessage) -> None:
    if not current_app.config.get("MAIL_SERVER"):
        log.info(
            "Mail (no MAIL_SERVER set, not sent) to %s: %s\n%s",
            message.recipient,
            message.subject,
            message.body,
        )
        return
    mail.send(
        Message(
            subject=message.subject,
            recipients=[message.recipient],
            body=message.body,
            extra_headers=json.loads(message.headers or "{}"),
        )
    )


CLAIM_TIME = timedelta(minutes=10)  # a claimed message that is not sent by then is tried again
CLAIM_BATCH = 20  # messages claimed at once: sent well within CLAIM_TIME even by a slow SMTP


def _claim(limit: int, now: datetime) -> list[int]:
    """Take up to `limit` due messages for this sender, committed, in one statement: when
    several workers drain the outbox at once, only one of them wins each message (its claim
    moves `send_after` on, so another's WHERE no longer matches), so it is sent once."""
    due = (
        OutboxMessage.sent_at.is_(None),
        OutboxMessage.send_after <= now,
        OutboxMessage.attempts < MAX_ATTEMPTS,
    )
    first = select(OutboxMessage.id).where(*due).order_by(OutboxMessage.id).limit(limit)
    taken = db.session.scalars(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(first.scalar_subquery()), *due)
        .values(attempts=OutboxMessage.attempts + 1, send_after=now + CLAIM_TIME)
        .returning(OutboxMessage.id)
        .execution_options(synchronize_session=False)
    ).all()
    db.session.commit()
    return sorted(taken)


def send_due(limit: int = 200) -> tuple[int, int]:
    """Queue what the composers have for this round, then send what is due from the outbox;
    returns (sent, failed). Claims a batch at a time and commits what happened to it after
    the batch: two transactions a batch, not two a message."""
    for compose in _composers:
        try:
            compose()
            db.session.commit()
        except Exception:  # what is composed later is no reason to hold back what is due
            db.session.rollback()
            log.exception("Composing %s failed", compose.__name__)
    sent = failed = 0
    while sent + failed < limit:
        now = utcnow()
        taken = _claim(min(CLAIM_BATCH, limit - sent - failed), now)
        if not taken:
            break
        messages = db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.id.in_(taken)).order_by(OutboxMessage.id)
        )
        for message in messages:
            try:
                _deliver(message)
            except Exception as error:  # any SMTP or network failure is retried later
                message.last_error = f"{type(error).__name__}: {error}"[:2000]
                message.send_after = utcnow() + timedelta(minutes=2**message.attempts)
                log.warning(
                    "Could not send mail %s to %s: %s", message.id, message.recipient, error
                )
                failed += 1
            else:
                message.sent_at = utcnow()
                sent += 1
        db.session.commit()
    return sent, failed


LINGER_SECONDS = 10.0  # an idle sender thread waits this long for more mail, then ends
ROUND_GAP = 1.0  # under load, a round at most this often: each takes what the posts queued


@dataclass
class _Sender:
    """At most one background sender thread per app and process. It stays while posts keep
    coming, so a post only sets an event: starting a thread made the request wait for
    the new thread to take the GIL, about 5 ms. `idle` is set when no round is due."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    wanted: threading.Event = field(default_factory=threading.Event)
    idle: threading.Event = field(default_factory=threading.Event)
    hurry: threading.Event = field(default_factory=threading.Event)  # no gap: shutting down
    thread: threading.Thread | None = None
    base_url: str | None = None  # the host the last request came to, for links in notices

    def __post_init__(self) -> None:
        self.idle.set()


def send_soon(app: Flask) -> None:
    """Try the outbox in a background thread, so that a request never waits for SMTP."""
    if not app.config.get("FORUM_SEND_MAIL_AFTER_REQUEST", True):
        return
    sender = app.extensions.setdefault("forum_mail_sender", _Sender())
    with sender.lock:
        if has_request_context():
            sender.base_url = request.host_url
        sender.idle.clear()
        sender.wanted.set()
        if sender.thread is None:
            sender.thread = threading.Thread(
                target=_send_rounds, args=(app, sender), name="forum-mail", daemon=True
            )
            sender.thread.start()


def wait_for_sender(app: Flask, timeout: float = 30) -> bool:
    """Send what waits now, without the gap between rounds, and wait until the background
    sender of `app` (if any) is idle; False on timeout. For a clean shutdown (and tests),
    so that no message waits and no connection is left checked out."""
    sender = app.extensions.get("forum_mail_sender")
    if sender is None:
        return True
    sender.hurry.set()
    try:
        return sender.idle.wait(timeout)
    finally:
        sender.hurry.clear()


def _send_rounds(app: Flask, sender: _Sender) -> None:
    last = -ROUND_GAP
    while True:
        if not sender.wanted.wait(LINGER_SECONDS):
            with sender.lock:
                if not sender.wanted.is_set():
                    sender.thread = None
                    return
        # Posts in quick succession: one round (a few commits) for all of their messages,
        # rather than rounds that contend with the posts for the GIL and the write lock.
        sender.hurry.wait(max(0.0, last + ROUND_GAP - time.monotonic()))
        sender.wanted.clear()
        with link_context(app, sender.base_url):
            try:
                send_due()
            except Exception:  # the cron job retries; a request never fails for mail
                log.exception("Sending the outbox failed")
            finally:
                db.session.remove()
        last = time.monotonic()
        with sender.lock:
            if not sender.wanted.is_set():
                sender.idle.set()


# --- Signed links -------------------------------------------------------------------


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return _serializer_for(current_app.config["SECRET_KEY"], purpose)


@functools.cache
def _serializer_for(secret: str, purpose: str) -> URLSafeTimedSerializer:
    # Made once: each held comment's notice signs two links for every moderator.
    return URLSafeTimedSerializer(secret, salt=f"forum-{purpose}")


def make_token(purpose: str, **payload: Any) -> str:
    """A signed token for a link; each carries its own id, so it can be used only once."""
    return _serializer(purpose).dumps({**payload, "jti": secrets.token_urlsafe(12)})


def read_token(purpose: str, token: str, max_age: timedelta | None) -> dict[str, Any] | None:
    """The payload of a valid, unexpired token for this purpose, or None."""
    try:
        payload = _serializer(purpose).loads(
            token, max_age=int(max_age.total_seconds()) if max_age else None
        )
    except BadData:
        return None
    return payload if isinstance(payload, dict) else None


def token_used(payload: dict[str, Any]) -> bool:
    return db.session.get(UsedToken, str(payload.get("jti", ""))) is not None


def use_token(payload: dict[str, Any]) -> bool:
    """Mark a single-use token as used (no commit); False if it already was."""
    token_id = str(payload.get("jti", ""))
    if not token_id or db.session.get(UsedToken, token_id) is not None:
        return False
    try:
        with db.session.begin_nested():
            db.session.add(UsedToken(token_id=token_id))
    except IntegrityError:
        return False
    return True
