"""`flask forum import`: an export restored, streamed a record at a time.

The file is read as it is inserted (forum.porting.jsonstream), so a restore of any size
takes flat memory, as the export does. It goes into an empty database only, ids and
all, in one transaction: a bad file, found anywhere in it, changes nothing. Sections
come in the order the export writes them, which is the order references need.
"""

from __future__ import annotations

import secrets
from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Enum,
    Integer,
    String,
    Table,
    bindparam,
    func,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.exc import DBAPIError
from werkzeug.security import generate_password_hash

from forum.extensions import db
from forum.models import Comment, Experience, Moderator, UTCDateTime
from forum.porting.archive import (
    CHUNK,
    EXPERIENCE_LISTS,
    FORMAT,
    SECTIONS,
    VERSION,
    Section,
    columns_of,
)
from forum.porting.common import ImportFileError, PortingError, file_error
from forum.porting.jsonstream import JsonStream


def _convert(column: Column, value: Any, where: str) -> Any:
    kind = column.type
    if value is None:
        if column.nullable:
            return None
        raise ImportFileError(f"{where}: {column.name} may not be null")
    if isinstance(kind, UTCDateTime):
        if isinstance(value, str):
            try:
                date = datetime.fromisoformat(value)
            except ValueError:
                pass
            else:
                return date.replace(tzinfo=UTC) if date.tzinfo is None else date
        raise ImportFileError(f"{where}: {column.name} {value!r} is not an ISO 8601 date")
    if isinstance(kind, Enum):
        if value in kind.enums:
            return kind.enum_class(value) if kind.enum_class else value
        raise ImportFileError(
            f"{where}: {column.name} {value!r} is not one of {', '.join(kind.enums)}"
        )
    if isinstance(kind, Boolean):
        if isinstance(value, bool):
            return value
        raise ImportFileError(f"{where}: {column.name} {value!r} is not true or false")
    if isinstance(kind, Integer):
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        raise ImportFileError(f"{where}: {column.name} {value!r} is not a whole number")
    if isinstance(kind, String):
        if not isinstance(value, str):
            raise ImportFileError(f"{where}: {column.name} {value!r} is not text")
        if kind.length and len(value) > kind.length:
            raise ImportFileError(
                f"{where}: {column.name} is {len(value)} characters long, more than {kind.length}"
            )
        return value
    return value


def _missing(column: Column, where: str) -> Any:
    default = column.default
    if default is not None and default.is_scalar:
        return default.arg
    if default is not None and default.is_callable:
        return default.arg(None)
    if column.nullable:
        return None
    raise ImportFileError(f"{where}: {column.name} is missing")


def _refuse_unless_empty() -> None:
    found = []
    for section in SECTIONS:
        count = db.session.scalar(select(func.count()).select_from(section.table))
        if count:
            found.append(f"{count} {section.name}")
    if found:
        raise PortingError(
            f"The database is not empty ({', '.join(found)}). `flask forum import` restores "
            "only into an empty database: point DATABASE_URL at a new one and run "
            "`flask db upgrade` (not `make run`, which adds the bundled article)."
        )


def _insert(table: Table, rows: list[dict[str, Any]]) -> None:
    for start in range(0, len(rows), CHUNK):
        db.session.execute(insert(table), rows[start : start + CHUNK])


def _reset_sequences() -> None:
    """PostgreSQL hands out ids from sequences, which explicit ids leave behind."""
    if db.engine.dialect.name != "postgresql":
        return
    quote = db.engine.dialect.identifier_preparer.quote
    for section in SECTIONS:
        (key, *more) = section.table.primary_key.columns
        if more or not isinstance(key.type, Integer):
            continue
        table, column = quote(section.table.name), quote(key.name)
        next_id = f"COALESCE(MAX({column}), 0) + 1"
        # The names come from our own metadata, never from the file.
        statement = f"SELECT setval(pg_get_serial_sequence(:table, :column), {next_id}, false) "
        db.session.execute(text(statement + f"FROM {table}"), {"table": table, "column": key.name})


class _Section:
    """One section's rows on their way in, a chunk at a time."""

    def __init__(self, section: Section) -> None:
        self.section = section
        self.columns = {c.name: c for c in columns_of(section)}
        self.lists = set(EXPERIENCE_LISTS) if section.table is Experience.__table__ else set()
        self.rows: list[dict[str, Any]] = []
        self.nested: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self.count = 0
        self.last_id = 0
        self.ascending = True
        # Replies whose parent is not in yet: (id, parent_id, updated_at), linked at the end.
        self.links: list[dict[str, Any]] = []

    def add(self, record: Any, where: str) -> None:
        if not isinstance(record, dict):
            raise ImportFileError(f"{where} is not an object")
        if unknown := sorted(set(record) - set(self.columns) - self.lists):
            raise ImportFileError(f"{where}: unknown field {', '.join(unknown)}")
        row = {
            name: _convert(c, record[name], where) if name in record else _missing(c, where)
            for name, c in self.columns.items()
        }
        for name in self.lists:
            codes = record.get(name, [])
            if not isinstance(codes, list) or not all(
                isinstance(code, str) and 0 < len(code) <= 30 for code in codes
            ):
                raise ImportFileError(f"{where}: {name} is not a list of codes")
            self.nested[name] += [{"experience_id": row["id"], "code": code} for code in codes]
        if self.section.table is Moderator.__table__:  # no one can sign in with it
            row["password_hash"] = generate_password_hash(secrets.token_urlsafe(32))
        if self.section.table is Comment.__table__:
            self._place_reply(row)
        self.rows.append(row)
        self.count += 1
        if len(self.rows) >= CHUNK:
            self.flush()

    def _place_reply(self, row: dict[str, Any]) -> None:
        """A reply goes in with its parent if the parent is in; else it is linked later."""
        # The export lists comments by id: a smaller id than this one is already in.
        self.ascending = self.ascending and row["id"] > self.last_id
        self.last_id = row["id"]
        parent = row["parent_id"]
        if parent is not None and not (self.ascending and parent < row["id"]):
            link = {"b_id": row["id"], "b_parent": parent, "b_updated": row["updated_at"]}
            self.links.append(link)
            row["parent_id"] = None

    def flush(self) -> None:
        if self.rows:
            db.session.execute(insert(self.section.table), self.rows)
        for name, table in EXPERIENCE_LISTS.items():
            if self.nested.get(name):
                db.session.execute(insert(table), self.nested[name])
        self.rows, self.nested = [], defaultdict(list)

    def link_replies(self) -> None:
        table = Comment.__table__
        # updated_at is written as it was, or the column's onupdate would set it to now.
        statement = (
            update(table)
            .where(table.c.id == bindparam("b_id"))
            .values(parent_id=bindparam("b_parent"), updated_at=bindparam("b_updated"))
        )
        for start in range(0, len(self.links), CHUNK):
            db.session.execute(statement, self.links[start : start + CHUNK])


def _header(stream: JsonStream, members: Iterator[tuple[str, int]], path: Path) -> None:
    """The format and version, which come first in an export."""
    values: dict[str, Any] = {}
    for key, _line in members:
        if key not in ("format", "version", "schema"):  # no export of ours: read no further
            break
        values[key] = stream.value()
        if "format" in values and "version" in values:
            break
    if values.get("format") != FORMAT:
        raise file_error(path, 1, f'not a forum export (no "format": "{FORMAT}")')
    if values.get("version") != VERSION:
        raise file_error(
            path, 1, f"export version {values.get('version')!r}; this forum reads {VERSION}"
        )


def _restore(stream: JsonStream, members: Iterator[tuple[str, int]], path: Path) -> dict[str, int]:
    by_name = {s.name: s for s in SECTIONS}
    done: dict[str, _Section] = {}
    for key, line in members:
        section = by_name.get(key)
        if section is None or stream.peek() != "[":
            if section is not None:
                raise file_error(path, line, f"{key!r} is not a list")
            stream.value()  # the schema revision, or something newer: not ours to read
            continue
        if key in done:
            raise file_error(path, line, f"{key!r} comes twice")
        current = done[key] = _Section(section)
        for index, (record, record_line) in enumerate(stream.items()):
            try:
                current.add(record, f"{key}[{index}]")
            except ImportFileError as error:
                raise file_error(path, record_line, str(error)) from None
        current.flush()
        current.link_replies()
    return {s.name: done[s.name].count if s.name in done else 0 for s in SECTIONS}


def import_forum(path: Path) -> dict[str, int]:
    """Restore an export into an empty database, ids and all; the records per section."""
    with path.open(encoding="utf-8-sig", newline="") as file:
        stream = JsonStream(file, str(path))
        members = stream.members()
        _header(stream, members, path)
        _refuse_unless_empty()
        try:
            counts = _restore(stream, members, path)
            _reset_sequences()
            db.session.commit()
        except DBAPIError as error:  # a reference to nothing, an id twice…
            db.session.rollback()
            reason = str(error.orig).strip().splitlines()[0]
            raise file_error(path, None, f"its records do not fit together: {reason}") from None
        except PortingError:
            db.session.rollback()
            raise
    return counts
