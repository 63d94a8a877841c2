"""send_batch: where each routed record goes, what a replay filter holds back, that every
send is awaited before the batch counts as done, and the metrics it counts. The topics'
send is a recorder; the filters are small stand-ins."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

import pytest
from pydantic import BaseModel

from schemas import CleanArticle, DeadLetter
from streams import tracing
from streams.agents.base import observe_delivered, send_batch
from streams.ops import metrics
from streams.routing import Outgoing

STAGE = "sendtest"


def _count(name: str, **labels: str) -> float:
    return metrics.REGISTRY.get_sample_value(name, {"stage": STAGE, **labels}) or 0.0


class Topic:
    """Records sends; each returns a future that completes when the test says so."""

    def __init__(self) -> None:
        self.sent: list[tuple[bytes | None, bytes, int]] = []
        self.headers: list[list[tuple[str, bytes]]] = []
        self.futures: list[asyncio.Future[None]] = []

    async def send(
        self, *, key: bytes | None, value: bytes, partition: int, headers: list[Any]
    ) -> Any:
        self.sent.append((key, value, partition))
        self.headers.append(headers)
        fut = asyncio.get_running_loop().create_future()
        self.futures.append(fut)
        return fut


class Seen:
    """A replay filter that has seen the keys it is given."""

    def __init__(self, *keys: bytes) -> None:
        self.keys = set(keys)
        self.asked: list[tuple[int, bytes | None]] = []
        self.forgotten: list[tuple[int, bytes | None, BaseModel]] = []

    def forget(self, partition: int, key: bytes | None, record: BaseModel) -> None:
        self.forgotten.append((partition, key, record))

    def first_time(self, partition: int, key: bytes | None, record: BaseModel) -> bool:
        self.asked.append((partition, key))
        return key not in self.keys


def _good(key: bytes, partition: int) -> Outgoing:
    rec = CleanArticle(id=key.decode(), text="t", content_hash="h")
    return Outgoing(False, key, b"good-" + key, partition, rec)


def _dead(key: bytes, partition: int, error_type: str = "invalid_json") -> Outgoing:
    letter = DeadLetter(
        stage=STAGE,
        error_type=error_type,
        error="e",
        topic="t",
        partition=partition,
        offset=0,
        failed_at=datetime(2026, 1, 1, tzinfo=UTC),
    )
    return Outgoing(True, key, b"dead-" + key, partition, letter)


def _run(outs: list[Outgoing], **filters: Any) -> tuple[Topic, Topic, tuple[int, int, int]]:
    sink, dlq = Topic(), Topic()

    async def go() -> tuple[int, int, int]:
        task = asyncio.ensure_future(send_batch(STAGE, outs, sink.send, dlq.send, **filters))
        await asyncio.sleep(0)
        await asyncio.sleep(0)
        # not done while the broker has not acknowledged every send
        assert not task.done()
        for fut in sink.futures + dlq.futures:
            fut.set_result(None)
        return await task

    return sink, dlq, asyncio.run(go())


def test_records_and_dead_letters_go_to_their_topics_on_their_partitions() -> None:
    before = (
        _count("newswire_records_out_total"),
        _count("newswire_dead_letters_total", error_type="too_large"),
    )
    sink, dlq, counts = _run([_good(b"a", 3), _dead(b"b", 1, "too_large"), _good(b"c", 0)])
    assert sink.sent == [(b"a", b"good-a", 3), (b"c", b"good-c", 0)]
    assert dlq.sent == [(b"b", b"dead-b", 1)]
    assert counts == (2, 1, 0)
    assert _count("newswire_records_out_total") == before[0] + 2
    assert _count("newswire_dead_letters_total", error_type="too_large") == before[1] + 1


def test_replays_are_held_back_by_their_own_filter() -> None:
    dups = _count("newswire_duplicates_suppressed_total")
    dedup, dlq_dedup = Seen(b"a"), Seen(b"b")
    outs = [_good(b"a", 2), _good(b"b", 2), _dead(b"a", 4), _dead(b"b", 4)]
    sink, dlq, counts = _run(outs, dedup=dedup, dlq_dedup=dlq_dedup)
    assert [k for k, _, _ in sink.sent] == [b"b"]  # good "a" was a replay
    assert [k for k, _, _ in dlq.sent] == [b"a"]  # dead "b" was a replay
    assert counts == (1, 1, 2)
    assert dedup.asked == [(2, b"a"), (2, b"b")] and dlq_dedup.asked == [(4, b"a"), (4, b"b")]
    assert _count("newswire_duplicates_suppressed_total") == dups + 2


def test_without_filters_everything_is_sent() -> None:
    sink, dlq, counts = _run([_good(b"a", 0), _good(b"a", 0), _dead(b"x", 0), _dead(b"x", 0)])
    assert len(sink.sent) == 2 and len(dlq.sent) == 2 and counts == (2, 2, 0)


def test_an_empty_batch_sends_nothing() -> None:
    async def go() -> tuple[int, int, int]:
        return await send_batch(STAGE, [], Topic().send, Topic().send)

    assert asyncio.run(go()) == (0, 0, 0)


def _hist_count(stage: str) -> float:
    return (
        metrics.REGISTRY.get_sample_value("newswire_end_to_end_seconds_count", {"stage": stage})
        or 0.0
    )


def test_headers_go_with_each_send_and_latency_is_observed_for_records_only() -> None:
    headers = ((tracing.TRACEPARENT, b"00-" + b"a" * 32 + b"-" + b"b" * 16 + b"-01"),
               (tracing.PUBLISHED_MS, b"1000"))  # fmt: skip
    good = Outgoing(False, b"k", b"v", 1, _good(b"k", 1).record, headers)
    dead = Outgoing(True, b"d", b"x", 2, _dead(b"d", 2).record, headers)
    bare = _good(b"n", 0)  # no headers: nothing to time it by
    before, before_sum = (
        _hist_count(STAGE),
        metrics.REGISTRY.get_sample_value("newswire_end_to_end_seconds_sum", {"stage": STAGE})
        or 0.0,
    )
    sink, dlq, _ = _run([good, dead, bare])
    assert sink.headers == [list(headers), []] and dlq.headers == [list(headers)]
    assert _hist_count(STAGE) == before + 1  # the record, not the dead letter nor the bare one
    after_sum = metrics.REGISTRY.get_sample_value(
        "newswire_end_to_end_seconds_sum", {"stage": STAGE}
    )
    assert (
        after_sum is not None and after_sum - before_sum > 1e9
    )  # published at 1 s after the epoch


def test_latency_is_measured_from_the_published_header() -> None:
    """Differences of the process-wide registry: the test holds when run again in the same
    process (mutmut's runs do)."""
    o = Outgoing(False, b"k", b"v", 0, _good(b"k", 0).record, ((tracing.PUBLISHED_MS, b"5000"),))
    stage = "latencytest"

    def sample(name: str, **labels: str) -> float:
        value = metrics.REGISTRY.get_sample_value(name, {"stage": stage, **labels})
        return value or 0.0

    before_sum = sample("newswire_end_to_end_seconds_sum")
    observe_delivered(stage, [o], now=7.5)
    assert sample("newswire_end_to_end_seconds_sum") - before_sum == 2.5
    # a clock behind the publisher's never gives a negative latency
    before_fast = sample("newswire_end_to_end_seconds_bucket", le="0.05")
    observe_delivered(stage, [o], now=1.0)
    assert sample("newswire_end_to_end_seconds_bucket", le="0.05") - before_fast == 1.0


def test_a_refused_send_is_forgotten_by_its_filter_and_the_batch_fails() -> None:
    sink, dlq = Topic(), Topic()
    dedup, dlq_dedup = Seen(), Seen()
    outs = [_good(b"a", 1), _good(b"b", 2), _dead(b"c", 3), _dead(b"d", 0)]

    async def go() -> None:
        task = asyncio.ensure_future(
            send_batch(STAGE, outs, sink.send, dlq.send, dedup=dedup, dlq_dedup=dlq_dedup)
        )
        await asyncio.sleep(0)
        sink.futures[0].set_result(None)
        sink.futures[1].set_exception(RuntimeError("not leader"))
        dlq.futures[0].set_exception(ValueError("too large"))
        dlq.futures[1].set_result(None)
        await task

    with pytest.raises(RuntimeError, match="not leader"):  # the first refusal
        asyncio.run(go())
    assert dedup.forgotten == [(2, b"b", outs[1].record)]
    assert dlq_dedup.forgotten == [(3, b"c", outs[2].record)]


def test_a_refused_send_without_filters_still_fails_the_batch() -> None:
    sink, dlq = Topic(), Topic()

    async def go() -> None:
        task = asyncio.ensure_future(send_batch(STAGE, [_good(b"a", 1)], sink.send, dlq.send))
        await asyncio.sleep(0)
        sink.futures[0].set_exception(RuntimeError("gone"))
        await task

    with pytest.raises(RuntimeError, match="gone"):
        asyncio.run(go())
