"""Every moderation action is a ModerationAction with a label, and the log shows labels only."""

from __future__ import annotations

import html

from forum.extensions import db
from forum.models import ModerationAction, ModerationEvent


def test_every_action_has_a_label_people_read():
    for action in ModerationAction:
        assert action.label and action.label != action.value, action
        assert action.label[0].isupper(), action
        assert ModerationAction(action.value) is action  # stored as its value, read back


def test_the_log_shows_every_action_by_its_label(app, mod_client, moderator):
    with app.app_context():
        db.session.add_all(
            ModerationEvent(moderator_id=moderator, action=action) for action in ModerationAction
        )
        db.session.commit()
        stored = set(db.session.scalars(db.select(ModerationEvent.action)))
    assert stored >= set(ModerationAction)
    page = html.unescape(mod_client.get("/moderation/log").text)
    for action in ModerationAction:
        assert f"<td>{action.label}</td>" in page, action
        assert f"<td>{action.value}</td>" not in page, action
    # The filter offers every action that happened, by its label.
    for action in ModerationAction:
        assert f'value="{action.value}"' in page
