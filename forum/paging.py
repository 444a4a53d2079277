"""One way to page a listing: the page number from the address, and one page of a query."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from flask import abort, request
from sqlalchemy import Select, func, select

from forum.extensions import db
from forum.security import whole_number

MAX_PAGE = 10**6  # past this, an offset would only make the database scan for nothing


@dataclass(frozen=True)
class Page:
    items: Sequence[Any]
    number: int
    per_page: int
    has_next: bool
    total: int | None = None  # counted only for listings that show "page 2 of 5"

    @property
    def has_prev(self) -> bool:
        return self.number > 1

    @property
    def pages(self) -> int:
        """How many pages there are (at least 1); needs a counted page."""
        if self.total is None:
            raise ValueError("this page was not counted; pass counted=True to paginate")
        return max(1, -(-self.total // self.per_page))


def page_number() -> int:
    """`?page=` as a number from 1 up; any other value names a page that does not exist (404),
    as a page past the end does."""
    raw = request.args.get("page")
    if raw is None:
        return 1
    number = whole_number(raw)
    if number is None or not 1 <= number <= MAX_PAGE:
        abort(404, "There is no such page.")
    return number


def paginate(query: Select[Any], number: int, per_page: int, *, counted: bool = False) -> Page:
    """Page `number` of `query` (ordered by the caller); past the end, 404 (page 1 is never).

    `counted` also counts every row (one more query), for listings that say how many pages."""
    rows = db.session.scalars(query.limit(per_page + 1).offset((number - 1) * per_page)).all()
    if number > 1 and not rows:
        abort(404, "There is no such page.")
    total = None
    if counted:
        total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    return Page(rows[:per_page], number, per_page, len(rows) > per_page, total)
