"""The deduplicator's two ways of fingerprinting (from the record a stage just made, and from
the JSON it reads back from the topic) must agree, or replays would slip through."""

from __future__ import annotations

from collections import OrderedDict
from datetime import UTC, datetime

import orjson
import pytest

from schemas import CleanArticle, DeadLetter, TraceStamp, encode
from streams.agents.replays import ReplayFilter, merged
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


def _article(n: int, version: str = "0.2.0") -> CleanArticle:
    stamp = TraceStamp(stage="clean", version=version, at=datetime(2026, 1, 1, tzinfo=UTC), ms=1.0)
    first = TraceStamp(stage="x", version="0.0.1", at=datetime(2026, 1, 1, tzinfo=UTC), ms=1.0)
    return CleanArticle(id=f"a{n}", text="t", content_hash=f"h{n}", trace=[first, stamp])


def test_fingerprints_spelled_out() -> None:
    out = ReplayFilter(Settings(), "articles.enriched")
    # the last stamp's release counts, not the first's
    assert out.fingerprint_of(_article(1, "0.9.0")) == "h1:0.9.0"
    assert out.fingerprint({}) == ":" and out.fingerprint({"trace": []}) == ":"
    assert out.fingerprint({"content_hash": None, "trace": [{}]}) == ":"
    dlq = ReplayFilter(Settings(), "articles.dlq", dead_letters=True)
    keyed = orjson.loads(encode(_letter(b"k", b"{bad", 5)))
    import hashlib

    digest = hashlib.sha256(keyed["value"].encode()).hexdigest()
    assert dlq.fingerprint(keyed) == f"clean:articles.raw:{digest}"
    unkeyed = orjson.loads(encode(_letter(None, b"{bad", 5)))
    assert dlq.fingerprint(unkeyed) == "clean:articles.raw:1:5"
    assert dlq.fingerprint({"key": "a2V5"}) == f"None:None:{hashlib.sha256(b'').hexdigest()}"


def test_unkeyed_output_records_are_never_filtered() -> None:
    out = ReplayFilter(Settings(), "articles.enriched")
    art = _article(1)
    assert out.first_time(0, None, art) and out.first_time(0, None, art)


def test_memory_is_per_partition_and_holds_exactly_the_window() -> None:
    out = ReplayFilter(Settings(), "articles.enriched", window=3)
    arts = [_article(n) for n in range(4)]
    for a in arts[:3]:
        assert out.first_time(0, a.id.encode(), a)
    assert out.first_time(1, b"a0", arts[0])  # another partition: its own memory
    # three remembered: all three are still replays
    assert not out.first_time(0, b"a0", arts[0])
    # a fourth pushes out the least recently seen (a1: a0 was just seen again)
    assert out.first_time(0, b"a3", arts[3])
    assert not out.first_time(0, b"a0", arts[0])
    assert not out.first_time(0, b"a2", arts[2])
    assert out.first_time(0, b"a1", arts[1])


def test_the_same_content_under_two_keys_is_two_records() -> None:
    out = ReplayFilter(Settings(), "articles.enriched")
    art = _article(1)
    assert out.first_time(0, b"one", art) and out.first_time(0, b"two", art)
    assert not out.first_time(0, b"one", art)


def _items(*names: str) -> OrderedDict[tuple[bytes, str], None]:
    return OrderedDict(((n.encode(), f"h{n}"), None) for n in names)


def test_reading_the_tail_back_keeps_what_this_process_sent_itself() -> None:
    # the tail read back after a rebalance lacks a send still in flight ("c"): kept, as newest
    tail, memory = _items("a", "b"), _items("b", "c")
    assert merged(tail, memory, 10) == _items("a", "b", "c")
    assert merged(tail, None, 10) == _items("a", "b")
    assert merged(OrderedDict(), memory, 10) == _items("b", "c")
    # what this process sent counts as the newest, wherever the tail had it
    assert merged(tail, _items("a"), 10) == _items("b", "a")
    # at most the window: the oldest go first
    assert merged(tail, memory, 2) == _items("b", "c")
    assert merged(tail, _items("a"), 1) == _items("a")
    assert merged(_items("a", "b", "c"), None, 3) == _items("a", "b", "c")


def test_a_failed_send_is_forgotten_so_its_replay_goes_out() -> None:
    out = ReplayFilter(Settings(), "articles.enriched")
    a, b = _article(1), _article(2)
    assert out.first_time(0, b"a1", a) and out.first_time(0, b"a2", b)
    out.forget(0, b"a1", a)
    assert out.first_time(0, b"a1", a)  # sent again
    assert not out.first_time(0, b"a2", b)  # the other one is still known
    out.forget(5, b"a1", a)  # a partition never seen: nothing to forget, no error
    assert not out.first_time(0, b"a1", a)
    unkeyed = ReplayFilter(Settings(), "articles.enriched")
    unkeyed.forget(0, None, a)  # unkeyed output records are never remembered
    dlq = ReplayFilter(Settings(), "articles.dlq", dead_letters=True)
    letter = _letter(None, b"{bad", 5)
    assert dlq.first_time(1, None, letter)
    dlq.forget(1, None, letter)  # an unkeyed dead letter is remembered, and forgotten
    assert dlq.first_time(1, None, letter)
