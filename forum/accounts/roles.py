"""Which role each protected view needs, said in one place: its decorator.

- `@moderator_required`: any signed-in account (moderators and admins): the queue.
- `@admin_required`: admins only: the team, the settings, blocks, closing articles.

Both also send an account without two-factor to set it up first, when the admin setting
"Two-factor required for everyone" is on, so that no queue is seen before.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import ParamSpec, TypeVar

from flask import abort, redirect, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from forum.accounts.sessions import unauthorized
from forum.models import ModeratorRole
from forum.settings import current_settings

P = ParamSpec("P")
R = TypeVar("R")

ADMIN_ONLY = (
    "This page is for the forum’s admins: it changes the team, the screening settings, "
    "blocks or when articles close. You are signed in as a moderator, who can work on the "
    "queue. If you need this, ask an admin to change your role."
)


def must_enrol(moderator: object) -> bool:
    """True when two-factor is required for everyone and this account has none yet."""
    return not getattr(moderator, "two_factor_enabled", True) and (
        current_settings().two_factor_required
    )


def role_required(
    role: ModeratorRole, enrolled: bool = True
) -> Callable[[Callable[P, R]], Callable[P, R | Response]]:
    """`enrolled=False` for the pages that set two-factor up, which must stay reachable."""

    def decorator(view: Callable[P, R]) -> Callable[P, R | Response]:
        @wraps(view)
        def guarded(*args: P.args, **kwargs: P.kwargs) -> R | Response:
            if not current_user.is_authenticated:
                return unauthorized()
            if enrolled and must_enrol(current_user):
                return redirect(url_for("moderation.two_factor"))
            if role is ModeratorRole.ADMIN and not current_user.is_admin:
                abort(403, ADMIN_ONLY)
            return view(*args, **kwargs)

        return guarded

    return decorator


moderator_required = role_required(ModeratorRole.MODERATOR)
admin_required = role_required(ModeratorRole.ADMIN)
signed_in_required = role_required(ModeratorRole.MODERATOR, enrolled=False)
