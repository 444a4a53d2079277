"""Moderators' passwords, as NIST SP 800-63B asks: length over rules, no common ones, Argon2id.

Older hashes (werkzeug's scrypt or pbkdf2) still verify, and are replaced with Argon2id
at the next successful sign-in.
"""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from werkzeug.security import check_password_hash
from zxcvbn import zxcvbn
from zxcvbn.frequency_lists import FREQUENCY_LISTS

MIN_WITH_TWO_FACTOR = 8
MIN_WITHOUT_TWO_FACTOR = 15
MAX_LENGTH = 200  # long passphrases are welcome; past this it is not a password
# zxcvbn looks at no more than this; a longer password is judged by its start.
_ZXCVBN_MAX = 72
# Words a guesser would try first on this site.
SITE_WORDS = ("ivig", "forum", "lupus", "patient", "moderator", "immunoglobulin")
_COMMON = frozenset(FREQUENCY_LISTS["passwords"])  # 30,000 most used, shipped with zxcvbn


def _hasher() -> PasswordHasher:
    return PasswordHasher(**current_app.config["FORUM_PASSWORD_HASH"])


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(stored: str, password: str) -> bool:
    if stored.startswith("$argon2"):
        try:
            return _hasher().verify(stored, password)
        except (VerificationError, InvalidHashError):
            return False
    return check_password_hash(stored, password)  # an older werkzeug hash


def needs_rehash(stored: str) -> bool:
    """True for an older kind of hash, or Argon2 with other costs than the configured ones."""
    return not stored.startswith("$argon2") or _hasher().check_needs_rehash(stored)


def burn_time(password: str) -> None:
    """Verify against a throwaway hash, so that an unknown account answers as slowly."""
    dummy = current_app.extensions.get("forum_dummy_hash")
    if dummy is None:
        dummy = current_app.extensions["forum_dummy_hash"] = hash_password("not a password")
    verify_password(dummy, password)


def password_problem(password: str, two_factor: bool, personal: tuple[str, ...] = ()) -> str | None:
    """Why this password cannot be used, in words for the person choosing it; None if fine."""
    least = MIN_WITH_TWO_FACTOR if two_factor else MIN_WITHOUT_TWO_FACTOR
    if len(password) < least:
        why = "with two-factor sign-in" if two_factor else "without two-factor sign-in"
        return f"Use at least {least} characters {why}. A few unrelated words work well."
    if len(password) > MAX_LENGTH:
        return f"Use at most {MAX_LENGTH} characters."
    if password.lower() in _COMMON:
        return "That password is one of the most commonly used. Choose another."
    inputs = [*SITE_WORDS, *(p for p in personal if p)]
    # Spaces hide repeats and site words from zxcvbn ("ivig forum ivig forum"): judge the
    # password with them and without.
    joined = "".join(password.split())
    candidates = {password[:_ZXCVBN_MAX], joined[:_ZXCVBN_MAX]}
    if min(zxcvbn(c, user_inputs=inputs)["score"] for c in candidates if c) < 3:
        return (
            "That password is too easy to guess (common words, names, repeats or sequences). "
            "Add more unrelated words."
        )
    return None
