"""XML exports read as a stream of parser events, each with the line it came from."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

from forum.porting.common import ImportFileError

CHUNK = 1 << 16

Event = tuple[str, ET.Element, int]


def xml_events(path: Path) -> Iterator[Event]:
    """("start" | "end", element, line) for a file of any size, read a line at a time.

    The parser gets the file line by line (a very long line in pieces), so that every
    event is known to come from the line just fed: errors in a file's content can name
    their line as precisely as syntax errors do. Callers remove each element from its
    parent when done with it, which keeps memory flat.
    """
    parser = ET.XMLPullParser(events=("start", "end"))
    line = 1
    at_end = False
    try:
        with path.open("rb") as file:
            for chunk in iter(lambda: file.readline(CHUNK), b""):
                parser.feed(chunk)
                for event, element in parser.read_events():
                    yield event, element, line
                if chunk.endswith(b"\n"):
                    line += 1
            at_end = True
            parser.close()
            for event, element in parser.read_events():
                yield event, element, line
    except ET.ParseError as error:
        raise syntax_error(path, error, at_end) from None


def syntax_error(path: Path, error: ET.ParseError, at_end: bool = False) -> ImportFileError:
    row, column = error.position
    reason = str(error).rsplit(": line ", 1)[0]
    hint = "; correct the file there, or export it again"
    if at_end:
        hint = "; the file ends before the document does (was it cut short?)"
    return ImportFileError(
        f"{path}: line {row}, column {column + 1}: not well-formed XML: {reason}{hint}"
    )


def split_tag(tag: str) -> tuple[str, str]:
    """("namespace", "local name") of an ElementTree tag."""
    if tag.startswith("{"):
        namespace, _, name = tag[1:].partition("}")
        return namespace, name
    return "", tag


def children_text(element: ET.Element) -> dict[str, str]:
    """The text of each child, by local name (the first child of a name wins)."""
    values: dict[str, str] = {}
    for child in element:
        values.setdefault(split_tag(child.tag)[1], child.text or "")
    return values
