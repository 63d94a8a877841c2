"""Where a subscriber or `newswire tail` starts (pure), --since parsing, and streamed input."""

from __future__ import annotations

import io
import sys
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

import orjson
import pytest
from kafka import TopicPartition

from streams.client import Start
from streams.inputs import input_size, read_paths
from streams.timing import parse_since

T0, T1 = TopicPartition("t", 0), TopicPartition("t", 1)
BEGIN = {T0: 10, T1: 0}  # partition 0 has had its first 10 records deleted
END = {T0: 50, T1: 5}


def test_earliest_and_latest() -> None:
    assert Start.earliest().offsets([T0, T1], BEGIN, END) == {T0: 10, T1: 0}
    assert Start.latest().offsets([T0, T1], BEGIN, END) == {T0: 50, T1: 5}


def test_an_offset_is_held_within_what_the_partition_keeps() -> None:
    assert Start.at_offset(20).offsets([T0, T1], BEGIN, END) == {T0: 20, T1: 5}
    assert Start.at_offset(3).offsets([T0], BEGIN, END) == {T0: 10}  # deleted: the first kept


def test_a_negative_offset_counts_back_from_the_end() -> None:
    assert Start.at_offset(-10).offsets([T0, T1], BEGIN, END) == {T0: 40, T1: 0}


def test_a_time_takes_the_brokers_answer_or_the_end() -> None:
    times = {T0: SimpleNamespace(offset=33), T1: None}
    assert Start.at_time(123).offsets([T0, T1], BEGIN, END, times) == {T0: 33, T1: 5}


def test_what_subscriber_start_takes() -> None:
    assert Start.of("latest") == Start.latest()
    assert Start.of(1_700_000_000_000) == Start("time", 1_700_000_000_000)  # ms, as before
    when = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    assert Start.of(when) == Start("time", int(when.timestamp() * 1000))
    assert Start.at_offset(5).explicit and not Start.earliest().explicit
    with pytest.raises(ValueError):
        Start.of("yesterday")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        Start.of(True)  # type: ignore[arg-type]


def test_since_takes_an_age_or_an_iso_time() -> None:
    now = 1_000_000.0
    assert parse_since("15m", now) == (now - 900) * 1000
    assert parse_since("2h", now) == (now - 7200) * 1000
    assert parse_since("1.5d", now) == (now - 129_600) * 1000
    assert parse_since("90s", now) == (now - 90) * 1000
    assert parse_since("2026-12-01T09:00Z") == int(
        datetime(2026, 12, 1, 9, tzinfo=UTC).timestamp() * 1000
    )
    assert parse_since("2026-12-01T09:00") == parse_since("2026-12-01T09:00+00:00")  # UTC
    with pytest.raises(ValueError):
        parse_since("last tuesday")


def test_json_lines_are_read_a_line_at_a_time(tmp_path: Path) -> None:
    path = tmp_path / "many.jsonl"
    with path.open("wb") as f:
        for i in range(3):
            f.write(orjson.dumps({"text": f"Article {i} about the port of Hamburg."}) + b"\n")
        f.write(b"{broken\n\n")
    items = read_paths([str(path)])
    first = next(items)  # a generator: nothing past the first line has been parsed yet
    assert first.article is not None and first.origin.endswith("many.jsonl:1")
    rest = list(items)
    assert [i.article is not None for i in rest] == [True, True, False]
    assert rest[-1].origin.endswith(":4") and "not valid JSON" in (rest[-1].error or "")
    assert input_size([str(path)]) == path.stat().st_size
    assert input_size(["-"]) is None


def test_stdin_json_lines_are_streamed(monkeypatch: pytest.MonkeyPatch) -> None:
    lines = b"".join(orjson.dumps({"text": f"Story {i} from Lisbon."}) + b"\n" for i in range(4))
    monkeypatch.setattr(sys, "stdin", SimpleNamespace(buffer=io.BytesIO(lines)))
    items = list(read_paths(["-"]))
    assert len(items) == 4 and all(i.article is not None for i in items)
    assert items[0].raw == orjson.dumps({"text": "Story 0 from Lisbon."})  # no newline kept
