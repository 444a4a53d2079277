"""Frames for the warning signs: a body part near what is wrong with it, in either order.

The words are data, in frames.toml beside this file; signs.py adds each frame to its sign.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

FRAMES_FILE = Path(__file__).with_name("frames.toml")
DEFAULT_GAP = 35


def _near(parts: list[str], states: list[str], gap: int) -> str:
    """A body part and what is wrong with it, either way round, within one clause."""
    part, state = "|".join(parts), "|".join(states)
    between = rf"[^.!?;,\n]{{0,{gap}}}?"
    return rf"\b(?:{part})\b{between}\b(?:{state})|\b(?:{state})\w*{between}\b(?:{part})\b"


def load_frames(path: Path = FRAMES_FILE) -> dict[str, str]:
    """Each sign's kind (as in forum.safety.signs): the pattern of its frame."""
    tables = tomllib.loads(path.read_text("utf-8"))
    return {
        kind: _near(table["parts"], table["states"], table.get("gap", DEFAULT_GAP))
        for kind, table in tables.items()
    }


FRAMES = load_frames()
