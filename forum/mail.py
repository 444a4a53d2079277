"""Outgoing e-mail: an outbox table drained by `flask forum send-mail`, and signed links.

Nothing on a request waits for SMTP. A message is added to the outbox in the same
transaction as the change that caused it, so it is sent if and only if that change
was saved; a failed send is kept, logged and retried with a growing delay.
Without MAIL_SERVER, messages are written to the log instead of sent.
"""

from __future__ import annotations

import json
import logging
import secrets
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from flask import Flask, current_app
from flask_mail import Message
from itsdangerous import BadData, URLSafeTimedSerializer
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from forum.extensions import db, mail
from forum.models import MailOptOut, OutboxMessage, UsedToken, utcnow

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 8


def opted_out(email: str) -> bool:
    return db.session.get(MailOptOut, email.lower()) is not None


def queue_message(
    recipient: str,
    subject: str,
    body: str,
    kind: str,
    headers: dict[str, str] | None = None,
    requested: bool = False,
) -> OutboxMessage | None:
    """Add a message to the outbox (no commit). `requested`: the person just asked for it
    (a sign-in or confirmation link), so it goes even to an address that opted out."""
    if not requested and opted_out(recipient):
        return None
    message = OutboxMessage(
        recipient=recipient.lower(),
        subject=subject,
        body=body,
        kind=kind,
        headers=json.dumps(headers or {}, sort_keys=True),
    )
    db.session.add(message)
    return message


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


def _claim(message_id: int, attempts: int, now: datetime) -> bool:
    """Take one message for this sender, committed: when several workers drain the outbox at
    once, only one of them wins each message, so it is sent once."""
    taken = db.session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id == message_id,
            OutboxMessage.sent_at.is_(None),
            OutboxMessage.attempts == attempts,
        )
        .values(attempts=OutboxMessage.attempts + 1, send_after=now + CLAIM_TIME)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    return taken == 1


def send_due(limit: int = 200) -> tuple[int, int]:
    """Send what is due from the outbox; returns (sent, failed). Commits after each message."""
    now = utcnow()
    due = db.session.execute(
        select(OutboxMessage.id, OutboxMessage.attempts)
        .where(
            OutboxMessage.sent_at.is_(None),
            OutboxMessage.send_after <= now,
            OutboxMessage.attempts < MAX_ATTEMPTS,
        )
        .order_by(OutboxMessage.id)
        .limit(limit)
    ).all()
    sent = failed = 0
    for message_id, attempts in due:
        if not _claim(message_id, attempts, now):
            continue  # another worker is sending it
        message = db.session.get(OutboxMessage, message_id)
        try:
            _deliver(message)
        except Exception as error:  # any SMTP or network failure is retried later
            message.last_error = f"{type(error).__name__}: {error}"[:2000]
            message.send_after = utcnow() + timedelta(minutes=2**message.attempts)
            log.warning("Could not send mail %s to %s: %s", message.id, message.recipient, error)
            failed += 1
        else:
            message.sent_at = utcnow()
            sent += 1
        db.session.commit()
    return sent, failed


@dataclass
class _Sender:
    """At most one background sender per app and process; a post during a run asks for
    another round instead of starting a thread of its own."""

    running: threading.Lock = field(default_factory=threading.Lock)
    wanted: threading.Event = field(default_factory=threading.Event)


def send_soon(app: Flask) -> None:
    """Try the outbox in a background thread, so that a request never waits for SMTP."""
    if not app.config.get("FORUM_SEND_MAIL_AFTER_REQUEST", True):
        return
    sender = app.extensions.setdefault("forum_mail_sender", _Sender())
    sender.wanted.set()
    if sender.running.acquire(blocking=False):
        threading.Thread(
            target=_send_rounds, args=(app, sender), name="forum-mail", daemon=True
        ).start()


def wait_for_sender(app: Flask, timeout: float = 30) -> bool:
    """Wait until the background sender of `app` (if any) is idle; False on timeout.
    For a clean shutdown (and tests), so that no connection is left checked out."""
    sender = app.extensions.get("forum_mail_sender")
    if sender is None:
        return True
    if not sender.running.acquire(timeout=timeout):
        return False
    sender.running.release()
    return True


def _send_rounds(app: Flask, sender: _Sender) -> None:
    while True:
        sender.wanted.clear()
        with app.app_context():
            try:
                send_due()
            except Exception:  # the cron job retries; a request never fails for mail
                log.exception("Sending the outbox failed")
            finally:
                db.session.remove()
        if sender.wanted.is_set():
            continue  # a post during this round
        sender.running.release()
        # A post just before the release found the sender busy: go round once more for it.
        if not (sender.wanted.is_set() and sender.running.acquire(blocking=False)):
            return


# --- Signed links -------------------------------------------------------------------


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"forum-{purpose}")


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
