"""The deduplicator's two ways of fingerprinting (from the record a stage just made, and from
the JSON it reads back from the topic) must agree, or replays would slip through."""

from __future__ import annotations

from datetime import UTC, datetime

import orjson
import pytest

from schemas import CleanArticle, DeadLetter, TraceStamp, encode
from streams.agents.replays import ReplayFilter
from streams.settings import Settings


def _letter(key: bytes | None, value: bytes, offset: int) -> DeadLetter:
    return DeadLetter(
        stage="clean",
        error_type="invalid_json",
        error="e",
        topic="articles.raw",
        partition=1,
        offset=offset,
        key=key,
        value=value,
        failed_at=datetime.now(UTC),
    )


@pytest.mark.parametrize("key", [b"k", None])
def test_dead_letter_fingerprints_agree(key: bytes | None) -> None:
    d = ReplayFilter(Settings(), "articles.dlq", dead_letters=True)
    letter = _letter(key, b"\xff{bad", 5)
    assert d.fingerprint_of(letter) == d.fingerprint(orjson.loads(encode(letter)))


def test_replays_are_dropped_and_distinct_messages_kept() -> None:
    d = ReplayFilter(Settings(), "articles.dlq", dead_letters=True)
    assert d.first_time(1, b"k", _letter(b"k", b"{bad", 5))
    assert not d.first_time(
        1, b"k", _letter(b"k", b"{bad", 9)
    )  # the same keyed message, read twice
    assert d.first_time(1, None, _letter(None, b"{bad", 5))
    assert d.first_time(
        1, None, _letter(None, b"{bad", 6)
    )  # identical unkeyed bytes at another offset: another message
    out = ReplayFilter(Settings(), "articles.enriched")
    stamp = TraceStamp(stage="clean", version="0.2.0", at=datetime(2026, 1, 1, tzinfo=UTC), ms=1.0)
    art = CleanArticle(id="a", text="t", content_hash="h1", trace=[stamp])
    assert out.fingerprint_of(art) == out.fingerprint(orjson.loads(encode(art))) == "h1:0.2.0"
    assert out.first_time(0, b"a", art) and not out.first_time(0, b"a", art)
    assert out.first_time(
        0, b"a", art.model_copy(update={"content_hash": "h2"})
    )  # edited article: written again
    upgraded = art.model_copy(update={"trace": [stamp.model_copy(update={"version": "0.3.0"})]})
    assert out.first_time(
        0, b"a", upgraded
    )  # the same article through a new release: written again
