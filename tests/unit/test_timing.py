"""Time read one way by every layer: window sizes, ages and instants for --since, arrival."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace

import pytest

from streams.timing import Window, arrival, iso, parse_since, parse_window, parse_windows


def test_windows_and_their_ids() -> None:
    w = parse_window(" 15m ")
    assert w == Window("15m", 900)
    assert w.start_of(1800.0 + 899) == 1800 and w.start_of(2700.0) == 2700
    assert w.id(0) == "15m@1970-01-01T00:00:00Z"
    assert iso(86400 + 3661) == "1970-01-02T01:01:01Z"
    assert parse_windows("1d, 1h,1h") == (Window("1h", 3600), Window("1d", 86400))
    with pytest.raises(ValueError, match=r"^at least one trends window is needed \(like 1h,1d\)$"):
        parse_windows(" , ")
    for bad in ("0h", "1w", "h", ""):
        with pytest.raises(ValueError, match="a window is a positive number"):
            parse_window(bad)


def test_since_reads_ages_and_instants() -> None:
    now = 1_000_000.0
    assert parse_since("15m", now) == int((now - 900) * 1000)
    assert parse_since("1.5 h", now) == int((now - 5400) * 1000)
    assert parse_since("2026-12-01T10:00:00Z") == int(
        datetime(2026, 12, 1, 10, tzinfo=UTC).timestamp() * 1000
    )
    assert parse_since("2026-12-01T10:00:00") == parse_since("2026-12-01T10:00:00+00:00")
    assert parse_since("2026-12-01T11:00:00+01:00") == parse_since("2026-12-01T10:00:00Z")
    with pytest.raises(ValueError, match=r"^'yesterday' is neither an ISO 8601 time nor an age"):
        parse_since("yesterday")


def test_arrival_is_the_clean_stamp_else_the_publication_else_zero() -> None:
    t = datetime(2026, 12, 1, 9, tzinfo=UTC)
    stamp = lambda stage, at: SimpleNamespace(stage=stage, at=at)  # noqa: E731
    later = datetime(2026, 12, 1, 10, tzinfo=UTC)
    article = SimpleNamespace(trace=[stamp("language", later), stamp("clean:bypass", t)])
    assert arrival(article) == t.timestamp()
    assert (
        arrival(SimpleNamespace(trace=[stamp("cleanup", later)], published_at=t)) == t.timestamp()
    )
    assert arrival(SimpleNamespace(published_at=t)) == t.timestamp()
    assert arrival(SimpleNamespace()) == 0.0
