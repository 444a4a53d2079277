"""`flask forum import` streams: a value at a time, errors with their lines, flat memory."""

from __future__ import annotations

import io
import json
import tracemalloc

import pytest
from sqlalchemy import func, select

from forum.extensions import db
from forum.models import Comment
from forum.porting import jsonstream
from forum.porting.archive import export_forum
from forum.porting.common import ImportFileError
from forum.porting.jsonstream import JsonStream
from forum.porting.restore import import_forum
from tests.bench.restore_json import write_export
from tests.test_porting import empty_database

DOCUMENT = {
    "format": "x",
    "version": 12345678901234567890,
    "numbers": [1234567, -0.125e-7, 98765, True, None, False],
    "texts": ['Zoë \\u00e5 "quoted"', "李小龙 " * 20, "\n" * 5, {"nested": [[], {}]}],
}


@pytest.mark.parametrize("chunk", [1, 2, 3, 7, 64])
def test_values_cut_anywhere_by_the_buffer_come_out_whole(monkeypatch, chunk):
    monkeypatch.setattr(jsonstream, "CHUNK", chunk)
    text = json.dumps(DOCUMENT, indent=1, ensure_ascii=False)
    stream = JsonStream(io.StringIO(text), "doc.json")
    read = {}
    for key, _line in stream.members():
        read[key] = [v for v, _ in stream.items()] if stream.peek() == "[" else stream.value()
    assert read == DOCUMENT


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            '{"a": [1,\n 2\n 3]}',
            "doc.json: line 3, column 2: not valid JSON: Expecting ',' delimiter",
        ),
        ('{"a": 1,\n\n "b": tru}', "doc.json: line 3, column 7: not valid JSON: Expecting value"),
        ('{"a": 1} {}', "doc.json: line 1, column 10: not valid JSON: Extra data"),
        ('{"a": "cut', "doc.json: line 1, column 7: not valid JSON: Unterminated string"),
    ],
)
def test_bad_json_is_named_by_line_and_column(monkeypatch, text, message):
    monkeypatch.setattr(jsonstream, "CHUNK", 4)
    stream = JsonStream(io.StringIO(text), "doc.json")
    with pytest.raises(ImportFileError) as error:
        for _key, _line in stream.members():
            list(stream.items()) if stream.peek() == "[" else stream.value()
    assert str(error.value).startswith(message)


def _restore_peak(path) -> int:
    """Python's peak allocations while restoring `path` into an emptied database."""
    empty_database()
    tracemalloc.start()
    try:
        import_forum(path)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_restoring_a_large_export_takes_flat_memory(app, tmp_path):
    """20,000 comments (35 MB) take about what 2,000 take: the file is never held whole."""
    sample, small, large = (tmp_path / f"{n}.json" for n in ("sample", "small", "large"))
    with app.app_context():
        export_forum(sample)  # the bundled article and its comment, as records to copy
        write_export(small, 2_000, sample)
        size = write_export(large, 20_000, sample)
        small_peak = _restore_peak(small)
        large_peak = _restore_peak(large)
        assert db.session.scalar(select(func.count(Comment.id))) == 20_000
        replies = db.session.scalar(select(func.count(Comment.id)).where(Comment.parent_id > 0))
        assert replies == 20_000 // 3
    assert size > 20 * 2**20
    assert large_peak < 1.5 * small_peak, (small_peak, large_peak)
    assert large_peak < size / 4, (large_peak, size)
