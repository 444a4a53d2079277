"""A JSON document read a value at a time, so that a file of any size takes flat memory.

Made for the forum's export: one object whose members are scalars or lists of small
records. Each record is decoded whole by the standard library's decoder; only the
punctuation between them is read here. Errors name the line and column, as
json.loads would.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import IO, Any

from forum.porting.common import ImportFileError

CHUNK = 1 << 16
MAX_VALUE = 64 << 20  # a record this large is no record of ours: stop reading
_SPACE = re.compile(r"[ \t\n\r]*")
_NUMBER_TAIL = re.compile(r"[0-9.eE+-]*")
_DECODER = json.JSONDecoder()


class JsonStream:
    def __init__(self, file: IO[str], name: str) -> None:
        self.file = file
        self.name = name
        self.buffer = ""
        self.pos = 0
        self.line = 1  # the line of buffer[counted]
        self.counted = 0
        self.line_start = 0  # where that line starts in the buffer (below 0: before it)
        self.at_end = False

    # --- the buffer ------------------------------------------------------------------

    def _fill(self) -> bool:
        """More text at the end of the buffer; False at the end of the file."""
        if self.at_end:
            return False
        if self.pos > CHUNK:  # what was read goes, counted
            self.line_here()
            self.buffer, self.line_start = self.buffer[self.pos :], self.line_start - self.pos
            self.pos = self.counted = 0
        try:
            more = self.file.read(CHUNK)
        except UnicodeDecodeError:
            raise self.error("not UTF-8 text", column=False) from None
        self.at_end = not more
        self.buffer += more
        return bool(more)

    def line_here(self, pos: int | None = None) -> int:
        pos = self.pos if pos is None else pos
        if pos > self.counted:
            if newlines := self.buffer.count("\n", self.counted, pos):
                self.line += newlines
                self.line_start = self.buffer.rfind("\n", self.counted, pos) + 1
            self.counted = pos
        return self.line

    def error(self, message: str, pos: int | None = None, column: bool = True) -> ImportFileError:
        pos = self.pos if pos is None else pos
        line = self.line_here(pos)
        where = f"line {line}"
        if column:
            where += f", column {pos - self.line_start + 1}"
        return ImportFileError(f"{self.name}: {where}: {message}")

    def peek(self) -> str:
        """The next character that is not white space ("" at the end of the file)."""
        while True:
            self.pos = _SPACE.match(self.buffer, self.pos).end()
            if self.pos < len(self.buffer) or not self._fill():
                return self.buffer[self.pos : self.pos + 1]

    def expect(self, char: str) -> None:
        if self.peek() != char:
            raise self.error(f"not valid JSON: Expecting {char!r} delimiter")
        self.pos += 1

    def value(self) -> Any:
        """The next JSON value, decoded."""
        self.peek()
        while True:
            try:
                value, end = _DECODER.raw_decode(self.buffer, self.pos)
            except json.JSONDecodeError as error:
                if len(self.buffer) - self.pos < MAX_VALUE and self._fill():
                    continue  # cut off by the buffer's end, most likely
                raise self.error(f"not valid JSON: {error.msg}", error.pos) from None
            # A number may go on past the buffer's end ("12" of "1234", "1.5" of "1.5e3").
            number = isinstance(value, int | float) and not isinstance(value, bool)
            if number and _NUMBER_TAIL.fullmatch(self.buffer, end) and self._fill():
                continue
            self.pos = end
            return value

    # --- the document ----------------------------------------------------------------

    def _elements(self, close: str) -> Iterator[int]:
        """The line of each element of an object or list, positioned at it, up to `close`
        (the opening bracket already read); the caller reads each element before the next."""
        first = True
        while self.peek() != close:
            if not first:
                self.expect(",")
            first = False
            self.peek()  # to the element itself, past the line break after a comma
            yield self.line_here()
        self.pos += 1

    def members(self) -> Iterator[tuple[str, int]]:
        """(key, line) of each member of the top-level object, positioned at its value.

        The caller reads the value (value() or items()) before asking for the next.
        """
        if self.peek() != "{":
            raise self.error("not a JSON object")
        self.pos += 1
        for line in self._elements("}"):
            key = self.value()
            if not isinstance(key, str):
                raise self.error(
                    "not valid JSON: Expecting property name enclosed in double quotes"
                )
            self.expect(":")
            yield key, line
        if self.peek():
            raise self.error("not valid JSON: Extra data")

    def items(self) -> Iterator[tuple[Any, int]]:
        """(value, line) of each element of the list that comes next."""
        self.expect("[")
        for line in self._elements("]"):
            yield self.value(), line
