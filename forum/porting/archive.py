"""`flask forum export`: the whole forum as one JSON file, which `flask forum import` restores.

The file is written the same way every time: sections in a fixed order, records by
primary key, one record per line with its fields in the tables' column order, dates as
ISO 8601 UTC. So export → import → export gives the same bytes, and two exports can be
compared with diff. Moderators' password hashes are never written. Restoring
(forum.porting.restore) keeps every id, into an empty database only, in one
transaction: a bad file changes nothing.
"""

from __future__ import annotations

import json
import os
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

from sqlalchemy import Column, Table, inspect, select, text

from forum.extensions import db
from forum.models import (
    Article,
    Block,
    Comment,
    Experience,
    ExperienceCondition,
    ExperienceSideEffect,
    HeldNotice,
    HelpfulVote,
    MailOptOut,
    ModerationEvent,
    Moderator,
    OutboxMessage,
    Report,
    Setting,
    Subscription,
    UsedToken,
)

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
    Section("held_notices", HeldNotice.__table__),  # held comments not yet told of
)
TABLES_EXPORTED = {s.table.name for s in SECTIONS} | {t.name for t in EXPERIENCE_LISTS.values()}


def columns_of(section: Section) -> list[Column]:
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
    columns = columns_of(section)
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
