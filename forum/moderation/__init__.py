"""Everything moderators do, under /moderation/, on one blueprint.

- `actions`: every status change, edit, block, note and pick, and `log_event`, the only
  writer of the moderators' record;
- `submission`: a new comment as it arrives; `posting`: its way in (a resend recognised,
  screening, storing);
- `rules`: the screening rules a new comment meets;
- `display`: the template filters of moderators' pages;
- `views`: the queue, a comment's tools, settings and blocks;
- `log`: the record, per-article closing, and the one-button links from e-mail.

The team and one's own account (forum.accounts.team, forum.accounts.views) add their
pages to the same blueprint.
"""

from flask import Blueprint

bp = Blueprint("moderation", __name__, url_prefix="/moderation")
