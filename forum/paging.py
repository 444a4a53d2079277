"""One way to page a listing: the page number from the address, and one page of a query."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from flask import abort, request
from sqlalchemy import Select

from forum.extensions import db
from forum.security import whole_number

MAX_PAGE = 10**6  # past this, an offset would only make the database scan for nothing


@dataclass(frozen=True)
class Page:
    items: Sequence[Any]
    number: int
    per_page: int
    has_next: bool

    @property
    def has_prev(self) -> bool:
        return self.number > 1


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


def paginate(query: Select[Any], number: int, per_page: int) -> Page:
    """Page `number` of `query` (ordered by the caller); past the end, 404 (page 1 is never)."""
    rows = db.session.scalars(query.limit(per_page + 1).offset((number - 1) * per_page)).all()
    if number > 1 and not rows:
        abort(404, "There is no such page.")
    return Page(rows[:per_page], number, per_page, len(rows) > per_page)
