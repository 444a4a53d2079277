"""What changes an account: invitations, roles, passwords, two-factor; each one logged.

Functions take typed arguments, never read the request and never commit. Each change
leaves a ModerationEvent naming who did it (`moderator_id`) and to whom
(`target_moderator_id`).
"""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Any

from flask import current_app
from sqlalchemy import func, select

from forum.accounts import twofactor
from forum.accounts.passwords import hash_password
from forum.accounts.sessions import end_sessions_elsewhere
from forum.config import SITE_NAME
from forum.extensions import db
from forum.links import absolute_url
from forum.mail import make_token, queue_message
from forum.models import (
    ModerationAction,
    Moderator,
    ModeratorRole,
    OutboxMessage,
    utcnow,
)
from forum.moderation.actions import log_event

RESET_MAIL_EVERY = timedelta(minutes=5)  # so that the form cannot flood someone's inbox


def find_account(email: str) -> Moderator | None:
    return db.session.scalar(select(Moderator).where(Moderator.email == email.strip().lower()))


def is_last_active_admin(moderator: Moderator) -> bool:
    if not (moderator.active and moderator.is_admin):
        return False
    admins = db.session.scalar(
        select(func.count(Moderator.id)).where(
            Moderator.active.is_(True), Moderator.role == ModeratorRole.ADMIN
        )
    )
    return admins <= 1


# --- Invitations ------------------------------------------------------------------------


def invite(actor: Moderator, email: str, role: ModeratorRole) -> None:
    """E-mail a single-use link to join with this role, valid FORUM_INVITATION_AGE."""
    email = email.strip().lower()
    token = make_token("invite", email=email, role=role.value, by=actor.id)
    days = current_app.config["FORUM_INVITATION_AGE"].days
    queue_message(
        email,
        f"You are invited to moderate the {SITE_NAME}",
        f"{actor.display_name} invited you to join the {SITE_NAME}'s team as {role.value}.\n\n"
        f"To accept, open this link and choose a name and a password:\n"
        f"{absolute_url('accounts.join', token=token)}\n\n"
        f"The link works once, for {days} days. If you did not expect it, ignore this message.",
        "invite",
        requested=True,
    )
    log_event(actor, ModerationAction.INVITE, target=None, reason=f"{email} as {role.value}")


def join(payload: dict[str, Any], name: str, password: str) -> Moderator:
    """Create the invited account (the caller has spent the token)."""
    account = Moderator(email=str(payload["email"]), name=name, role=ModeratorRole(payload["role"]))
    account.password_hash = hash_password(password)
    db.session.add(account)
    db.session.flush()
    inviter = db.session.get(Moderator, payload.get("by", 0))
    log_event(
        account,
        ModerationAction.JOIN,
        target=account,
        reason=f"invited by {inviter.email}" if inviter else "",
    )
    return account


def read_invitation(payload: dict[str, Any]) -> dict[str, Any] | None:
    """The payload if it names an address without an account yet and a known role."""
    if payload.get("role") not in {r.value for r in ModeratorRole}:
        return None
    if not isinstance(payload.get("email"), str) or find_account(payload["email"]):
        return None
    return payload


# --- The team ---------------------------------------------------------------------------


def change_role(actor: Moderator, target: Moderator, role: ModeratorRole) -> bool:
    if target.role is role or (role is not ModeratorRole.ADMIN and is_last_active_admin(target)):
        return False
    old, target.role = target.role, role
    log_event(actor, ModerationAction.ROLE, target=target, reason=f"{old.value} → {role.value}")
    return True


def set_active(actor: Moderator, target: Moderator, active: bool) -> bool:
    if target.active is active or (not active and is_last_active_admin(target)):
        return False
    target.active = active
    if not active:
        target.session_version += 1  # a disabled account's sessions end at once
    log_event(actor, ModerationAction.ENABLE if active else ModerationAction.DISABLE, target=target)
    return True


def sign_out_everywhere(actor: Moderator, target: Moderator, keep_this_one: bool) -> None:
    end_sessions_elsewhere(target, keep_this_one and actor.id == target.id)
    log_event(actor, ModerationAction.SIGN_OUT_EVERYWHERE, target=target)


# --- Passwords --------------------------------------------------------------------------


def _password_fingerprint(moderator: Moderator) -> str:
    # In the reset link, so that the link dies as soon as the password changes.
    return hashlib.sha256(moderator.password_hash.encode()).hexdigest()[:16]


def request_reset(email: str) -> None:
    """Send a reset link if the address belongs to an active account; nothing otherwise.
    The caller answers the same either way."""
    account = find_account(email)
    if account is None or not account.active or _reset_mail_sent_lately(account):
        return
    token = make_token("reset", id=account.id, pw=_password_fingerprint(account))
    minutes = int(current_app.config["FORUM_RESET_LINK_AGE"].total_seconds() // 60)
    queue_message(
        account.email,
        f"Reset your password for the {SITE_NAME}",
        "Someone (we hope you) asked to reset the password of your moderator account.\n\n"
        f"Choose a new password here: {absolute_url('accounts.reset_password', token=token)}"
        f"\n\nThe link works once, for {minutes} minutes. If it was not you, ignore this "
        "message: your password stays as it is.",
        "password-reset",
        requested=True,
    )
    log_event(None, ModerationAction.PASSWORD_RESET_REQUEST, target=account)


def _reset_mail_sent_lately(account: Moderator) -> bool:
    return (
        db.session.scalar(
            select(OutboxMessage.id)
            .where(
                OutboxMessage.recipient == account.email,
                OutboxMessage.kind == "password-reset",
                OutboxMessage.created_at > utcnow() - RESET_MAIL_EVERY,
            )
            .limit(1)
        )
        is not None
    )


def account_for_reset(payload: dict[str, Any]) -> Moderator | None:
    """The account a reset link was sent for, if its password is still the one it had then."""
    account = db.session.get(Moderator, payload.get("id", 0))
    if account is None or not account.active or payload.get("pw") != _password_fingerprint(account):
        return None
    return account


def _password_changed_notice(account: Moderator, how: str) -> None:
    queue_message(
        account.email,
        f"Your {SITE_NAME} password was changed",
        f"The password of your moderator account ({account.email}) was {how}, and every "
        "other session was signed out.\n\nIf this was not you, reset it now from "
        f"{absolute_url('accounts.forgot_password')} and tell an admin of the forum.",
        "password-changed",
        requested=True,
    )


def set_new_password(account: Moderator, password: str, reset: bool) -> None:
    """A new password: every other session ends, and the account is told by e-mail."""
    account.password_hash = hash_password(password)
    account.failed_logins, account.failed_logins_since, account.locked_until = 0, None, None
    end_sessions_elsewhere(account, keep_this_one=not reset)
    log_event(
        account,
        ModerationAction.PASSWORD_RESET if reset else ModerationAction.PASSWORD_CHANGE,
        target=account,
    )
    _password_changed_notice(account, "reset with a link sent by e-mail" if reset else "changed")


# --- Two-factor -------------------------------------------------------------------------


def enable_two_factor(account: Moderator, secret: str, code: str) -> list[str] | None:
    """Turn two-factor on once a code from the app proves the secret was copied; returns
    the recovery codes to show once, or None if the code is wrong."""
    step = twofactor.matching_step(secret, code)
    if step is None:
        return None
    account.totp_secret, account.totp_last_step = secret, step
    log_event(account, ModerationAction.TWO_FACTOR_ON, target=account)
    return twofactor.new_recovery_codes(account)


def disable_two_factor(account: Moderator, code: str) -> bool:
    """Turn two-factor off, given a current code (from the app, or a recovery code)."""
    if not check_second_factor(account, code):
        return False
    account.totp_secret = account.totp_last_step = None
    account.recovery_codes = ""
    log_event(account, ModerationAction.TWO_FACTOR_OFF, target=account)
    return True


def new_recovery_codes(account: Moderator) -> list[str]:
    log_event(account, ModerationAction.RECOVERY_CODES, target=account)
    return twofactor.new_recovery_codes(account)


def check_second_factor(account: Moderator, code: str) -> bool:
    """The sign-in's second step: an app's code, or a recovery code (which is spent)."""
    if twofactor.is_totp_shaped(code):
        return twofactor.accept_code(account, code)
    if twofactor.use_recovery_code(account, code):
        left = twofactor.recovery_codes_left(account)
        log_event(
            account, ModerationAction.RECOVERY_CODE_USED, target=account, reason=f"{left} left"
        )
        return True
    return False
