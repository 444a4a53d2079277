"""Two-factor sign-in: TOTP codes (RFC 6238, 30 s, 6 digits) and single-use recovery codes."""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import secrets
import time

import pyotp
import segno
from markupsafe import Markup

from forum.config import SITE_NAME
from forum.models import Moderator

RECOVERY_CODES = 10
# A code from the step before or after the current one still counts (clocks drift).
DRIFT_STEPS = 1


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(secret: str, email: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=SITE_NAME)


def qr_svg(uri: str) -> Markup:
    """The otpauth:// link as an inline SVG QR code (no image request, no outside service)."""
    out = io.BytesIO()
    segno.make(uri, error="m").save(
        out, kind="svg", xmldecl=False, svgns=True, scale=4, title="QR code for your app"
    )
    return Markup(out.getvalue().decode())  # noqa: S704 - drawn by segno, no typed text


BASE32 = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")


def is_secret(value: str | None) -> bool:
    """A secret as new_secret() makes them: 32 base32 characters."""
    return bool(value) and len(value) == 32 and set(value) <= BASE32


def _digits(code: str) -> str:
    return "".join(ch for ch in code if not ch.isspace())


def _six_digits(code: str) -> bool:
    # isascii: str.isdigit() is also true for other scripts' digits, which no app sends.
    return len(code) == 6 and code.isascii() and code.isdigit()


def matching_step(secret: str, code: str, at: float | None = None) -> int | None:
    """The time step whose code this is, within the allowed drift; None if none matches."""
    code = _digits(code)
    if not _six_digits(code):
        return None
    totp = pyotp.TOTP(secret)
    now_step = totp.timecode(int(at if at is not None else time.time()))
    for step in range(now_step - DRIFT_STEPS, now_step + DRIFT_STEPS + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def accept_code(moderator: Moderator, code: str) -> bool:
    """Check a code for this account and spend it: a code, or one older than the last one
    accepted, is refused afterwards (RFC 6238 section 5.2)."""
    if moderator.totp_secret is None:
        return False
    step = matching_step(moderator.totp_secret, code)
    if step is None or (moderator.totp_last_step is not None and step <= moderator.totp_last_step):
        return False
    moderator.totp_last_step = step
    return True


# --- Recovery codes -------------------------------------------------------------------


def _normal(code: str) -> str:
    return "".join(ch for ch in code.lower() if ch.isalnum())


def _hash(code: str) -> str:
    # 40 random bits each and single-use: a fast hash is enough, nobody picks them.
    return hashlib.sha256(_normal(code).encode()).hexdigest()


def new_recovery_codes(moderator: Moderator) -> list[str]:
    """Replace the account's recovery codes; the plain ones are returned to show once."""
    codes = [(h := secrets.token_hex(5))[:5] + "-" + h[5:] for _ in range(RECOVERY_CODES)]
    moderator.recovery_codes = json.dumps([_hash(c) for c in codes])
    return codes


def recovery_codes_left(moderator: Moderator) -> int:
    return len(json.loads(moderator.recovery_codes or "[]"))


def use_recovery_code(moderator: Moderator, code: str) -> bool:
    """Spend one recovery code (no commit); False if it is not one of the unused ones."""
    hashes = json.loads(moderator.recovery_codes or "[]")
    given = _hash(code)
    for stored in hashes:
        if hmac.compare_digest(stored, given):
            hashes.remove(stored)
            moderator.recovery_codes = json.dumps(hashes)
            return True
    return False


def is_totp_shaped(code: str) -> bool:
    """Six digits: an app's code; anything else is tried as a recovery code."""
    return _six_digits(_digits(code))
