"""`flask forum export` and `flask forum import`: the whole forum as one JSON file, and back.

The file is written the same way every time: sections in a fixed order, records by
primary key, one record per line with its fields in the tables' column order, dates as
ISO 8601 UTC. So export → import → export gives the same bytes, and two exports can be
compared with diff. Moderators' password hashes are never written. Restoring keeps
every id, into an empty database only, in one transaction: a bad file changes nothing.
"""

from __future__ import annotations

import bisect
import json
import os
import re
import secrets
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
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
    inspect,
    select,
    text,
    update,
)
from sqlalchemy.exc import DBAPIError
from werkzeug.security import generate_password_hash

from forum.extensions import db
from forum.models import (
    Article,
    Block,
    Comment,
    Experience,
    ExperienceCondition,
    ExperienceSideEffect,
    HelpfulVote,
    MailOptOut,
    ModerationEvent,
    Moderator,
    OutboxMessage,
    Report,
    Setting,
    Subscription,
    UsedToken,
    UTCDateTime,
)
from forum.porting.common import ImportFileError, PortingError, file_error

FORMAT = "ivig-forum-export"
VERSION = 1
CHUNK = 1000
# Nested in each experience: its rows of these tables, as lists of codes.
EXPERIENCE_LISTS = {
    "conditions": ExperienceCondition.__table__,
    "side_effects": ExperienceSideEffect.__table__,
}


@dataclass(frozen=True)
class Section:
    name: str
    table: Table
    left_out: frozenset[str] = frozenset()


# In the order a restore inserts them, so that every reference finds its row.
SECTIONS = (
    Section("settings", Setting.__table__),
    # Nothing that signs in travels: no password hash, two-factor secret or recovery code.
    Section(
        "moderators",
        Moderator.__table__,
        frozenset({"password_hash", "totp_secret", "totp_last_step", "recovery_codes"}),
    ),
    Section("articles", Article.__table__),
    Section("comments", Comment.__table__),
    Section("experiences", Experience.__table__),
    Section("reports", Report.__table__),
    Section("helpful_votes", HelpfulVote.__table__),
    Section("blocks", Block.__table__),
    Section("moderation_events", ModerationEvent.__table__),
    Section("subscriptions", Subscription.__table__),
    Section("mail_opt_outs", MailOptOut.__table__),
    Section("used_tokens", UsedToken.__table__),
    Section("outbox", OutboxMessage.__table__),  # e-mail not sent yet, or kept a while
)
TABLES_EXPORTED = {s.table.name for s in SECTIONS} | {t.name for t in EXPERIENCE_LISTS.values()}


def _columns(section: Section) -> list[Column]:
    return [c for c in section.table.columns if c.name not in section.left_out]


def _iso(value: datetime) -> str:
    return value.astimezone(UTC).replace(tzinfo=None).isoformat() + "Z"


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return _iso(value)
    if isinstance(value, StrEnum):
        return value.value
    return value


def _schema_revision() -> str | None:
    """The migration the database is at (for the reader's information)."""
    if not inspect(db.session.connection()).has_table("alembic_version"):
        return None
    return db.session.scalar(text("SELECT version_num FROM alembic_version"))


# --- Export ------------------------------------------------------------------------------


def _records(section: Section) -> Iterator[dict[str, Any]]:
    columns = _columns(section)
    lists: dict[str, dict[int, list[str]]] = {}
    if section.table is Experience.__table__:
        for name, table in EXPERIENCE_LISTS.items():
            lists[name] = defaultdict(list)
            for experience_id, code in db.session.execute(
                select(table.c.experience_id, table.c.code).order_by(
                    table.c.experience_id, table.c.code
                )
            ):
                lists[name][experience_id].append(code)
    query = select(*columns).order_by(*section.table.primary_key.columns)
    for row in db.session.execute(query, execution_options={"yield_per": CHUNK}):
        record = {c.name: _json_value(v) for c, v in zip(columns, row, strict=True)}
        for name, codes in lists.items():
            record[name] = codes.get(record["id"], [])
        yield record


def export_forum(path: Path) -> dict[str, int]:
    """Write the forum to `path` (readable by its owner only); the number of records per section."""
    counts: dict[str, int] = {}
    partial = path.with_name(path.name + ".part")
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with open(descriptor, "w", encoding="utf-8", newline="\n") as out:
        header = {"format": FORMAT, "version": VERSION, "schema": _schema_revision()}
        out.write("{\n")
        for key, value in header.items():
            out.write(f" {json.dumps(key)}: {json.dumps(value)},\n")
        for number, section in enumerate(SECTIONS):
            out.write(f" {json.dumps(section.name)}: [")
            count = 0
            for record in _records(section):
                out.write(",\n  " if count else "\n  ")
                out.write(json.dumps(record, ensure_ascii=False))
                count += 1
            out.write("\n ]" if count else "]")
            out.write(",\n" if number < len(SECTIONS) - 1 else "\n")
            counts[section.name] = count
        out.write("}\n")
    os.replace(partial, path)
    db.session.rollback()  # nothing was changed; end the reading transaction
    return counts


# --- Import ------------------------------------------------------------------------------


def _line_finder(text: str) -> Any:
    newlines = [m.start() for m in re.finditer("\n", text)]
    return lambda position: bisect.bisect_right(newlines, position - 1) + 1


def _record_lines(text: str) -> dict[str, list[int]]:
    """The line each record of each top-level list starts on (the text is valid JSON)."""
    decoder = json.JSONDecoder()
    space = re.compile(r"[ \t\n\r]*")
    line_of = _line_finder(text)
    lines: dict[str, list[int]] = {}
    position = space.match(text, 0).end() + 1  # past "{"
    while True:
        position = space.match(text, position).end()
        if text[position] == "}":
            return lines
        key, position = decoder.raw_decode(text, position)
        position = space.match(text, position).end() + 1  # past ":"
        position = space.match(text, position).end()
        if text[position] == "[":
            starts: list[int] = []
            position += 1
            while True:
                position = space.match(text, position).end()
                if text[position] == "]":
                    position += 1
                    break
                starts.append(line_of(position))
                _, position = decoder.raw_decode(text, position)
                position = space.match(text, position).end()
                position += text[position] == ","
            lines[key] = starts
        else:
            _, position = decoder.raw_decode(text, position)
        position = space.match(text, position).end()
        position += text[position] == ","


def _read(path: Path) -> tuple[dict[str, Any], dict[str, list[int]]]:
    data = path.read_bytes()
    try:
        content = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise file_error(path, line, "not UTF-8 text") from None
    try:
        document = json.loads(content)
    except json.JSONDecodeError as error:
        where = f"line {error.lineno}, column {error.colno}"
        raise file_error(path, None, f"{where}: not valid JSON: {error.msg}") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise file_error(path, 1, f'not a forum export (no "format": "{FORMAT}")')
    if document.get("version") != VERSION:
        raise file_error(
            path, 1, f"export version {document.get('version')!r}; this forum reads {VERSION}"
        )
    return document, _record_lines(content)


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


def _rows(
    section: Section, records: Any, lines: list[int], path: Path
) -> tuple[list[dict[str, Any]], dict[str, list[dict[str, Any]]]]:
    """The section's rows as the database takes them, checked; and nested experience rows."""
    if not isinstance(records, list):
        raise file_error(path, None, f"{section.name!r} is not a list")
    columns = {c.name: c for c in _columns(section)}
    extra = set(EXPERIENCE_LISTS) if section.table is Experience.__table__ else set()
    rows: list[dict[str, Any]] = []
    nested: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for index, record in enumerate(records):
        line = lines[index] if index < len(lines) else None
        where = f"{section.name}[{index}]"
        try:
            if not isinstance(record, dict):
                raise ImportFileError(f"{where} is not an object")
            if unknown := sorted(set(record) - set(columns) - extra):
                raise ImportFileError(f"{where}: unknown field {', '.join(unknown)}")
            row = {
                name: _convert(c, record[name], where) if name in record else _missing(c, where)
                for name, c in columns.items()
            }
            for name in extra:
                codes = record.get(name, [])
                if not isinstance(codes, list) or not all(
                    isinstance(code, str) and 0 < len(code) <= 30 for code in codes
                ):
                    raise ImportFileError(f"{where}: {name} is not a list of codes")
                nested[name] += [{"experience_id": row["id"], "code": code} for code in codes]
        except ImportFileError as error:
            raise file_error(path, line, str(error)) from None
        rows.append(row)
    return rows, nested


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


def _link_replies(rows: list[dict[str, Any]]) -> None:
    """Replies point at their parents once every comment exists (a parent may come later)."""
    table = Comment.__table__
    links = [
        {"b_id": r["id"], "b_parent": r["parent_id"], "b_updated": r["updated_at"]}
        for r in rows
        if r["parent_id"] is not None
    ]
    # updated_at is written as it was, or the column's onupdate would set it to now.
    statement = (
        update(table)
        .where(table.c.id == bindparam("b_id"))
        .values(parent_id=bindparam("b_parent"), updated_at=bindparam("b_updated"))
    )
    for start in range(0, len(links), CHUNK):
        db.session.execute(statement, links[start : start + CHUNK])


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


def import_forum(path: Path) -> dict[str, int]:
    """Restore an export into an empty database, ids and all; the records per section."""
    document, lines = _read(path)
    prepared = []
    for section in SECTIONS:
        rows, nested = _rows(
            section, document.get(section.name, []), lines.get(section.name, []), path
        )
        prepared.append((section, rows, nested))
    _refuse_unless_empty()
    counts: dict[str, int] = {}
    try:
        for section, rows, nested in prepared:
            if section.table is Moderator.__table__:
                for row in rows:  # no one can sign in with a password no one knows
                    row["password_hash"] = generate_password_hash(secrets.token_urlsafe(32))
            if section.table is Comment.__table__:
                _insert(section.table, [{**row, "parent_id": None} for row in rows])
                _link_replies(rows)
            else:
                _insert(section.table, rows)
            for name, table in EXPERIENCE_LISTS.items():
                _insert(table, nested.get(name, []))
            counts[section.name] = len(rows)
        _reset_sequences()
        db.session.commit()
    except DBAPIError as error:  # a reference to nothing, an id twice…
        db.session.rollback()
        reason = str(error.orig).strip().splitlines()[0]
        raise file_error(path, None, f"its records do not fit together: {reason}") from None
    return counts
