"""How a reader asked to see an article's discussion: sorted, or filtered by experience."""

from __future__ import annotations

from dataclasses import dataclass

from flask import request

from forum.experiences import CONDITIONS, SIDE_EFFECTS

SORTS = {"oldest": "Oldest first", "newest": "Newest first", "helpful": "Most helpful"}


@dataclass
class DiscussionView:
    """How the reader asked to see the discussion: sorted, or filtered by experience."""

    sort: str = "oldest"
    condition: str | None = None
    side_effect: str | None = None

    @classmethod
    def from_request(cls) -> DiscussionView:
        args = request.args if request.method == "GET" else {}
        sort = args.get("sort", "oldest")
        condition = args.get("condition") or None
        side_effect = args.get("side_effect") or None
        return cls(
            sort=sort if sort in SORTS else "oldest",
            condition=condition if condition in CONDITIONS else None,
            side_effect=side_effect if side_effect in SIDE_EFFECTS else None,
        )

    @property
    def filtered(self) -> bool:
        return bool(self.condition or self.side_effect)

    def args(self, **changes: str | int | None) -> dict[str, str | int]:
        """Query arguments for a link that keeps this view, with some changed."""
        current = {"sort": self.sort, "condition": self.condition, "side_effect": self.side_effect}
        current.update(changes)
        return {k: v for k, v in current.items() if v and (k, v) != ("sort", "oldest")}
