"""The wiring every stage shares: decode a batch of messages, call the stage's pure
processor, send results keyed by article id, and route every failure to the dead-letter
topic with the original key and bytes. The batch's offsets are committed only after every
send of the batch has been acknowledged by the broker (at least once; see docs)."""

from __future__ import annotations

import asyncio
import logging
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Generic, TypeVar

from pydantic import BaseModel

from schemas import DeadLetter, NewswireError, TooLarge, decode, encode
from schemas.errors import ProcessingFailed
from streams.ops import metrics

log = logging.getLogger("newswire.agents")

In = TypeVar("In", bound=BaseModel)
Out = TypeVar("Out", bound=BaseModel)

MAX_TEMPORARY_RETRIES = 5


@dataclass(frozen=True)
class Incoming:
    """What the stage needs of a Kafka message."""

    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None


@dataclass(frozen=True)
class Outgoing:
    """A record to send: to the stage's sink, or to the dead-letter topic."""

    dead: bool
    key: bytes | None
    value: bytes
    partition: int
    record: BaseModel


@dataclass(frozen=True)
class StageSpec(Generic[In, Out]):
    stage: str
    input_model: type[In]
    process: Callable[[list[In]], list[Out]]
    max_message_bytes: int


def dead_letter(stage: str, msg: Incoming, exc: BaseException) -> DeadLetter:
    error_type = exc.error_type if isinstance(exc, NewswireError) else type(exc).__name__
    return DeadLetter(
        stage=stage, error_type=error_type, error=str(exc) or type(exc).__name__, topic=msg.topic,
        partition=msg.partition, offset=msg.offset, key=msg.key, value=msg.value,
        failed_at=datetime.now(UTC),
    )


def _dead(stage: str, msg: Incoming, exc: BaseException) -> Outgoing:
    letter = dead_letter(stage, msg, exc)
    return Outgoing(True, msg.key, encode(letter), msg.partition, letter)


def route(spec: StageSpec[In, Out], messages: Sequence[Incoming]) -> list[Outgoing]:
    """Decode, process and encode a batch: one Outgoing per message, in order. Pure: no I/O.

    A record that fails alone is dead-lettered alone: when the batch call fails, each
    record is processed by itself to find which one is bad. TemporaryError propagates (the
    caller retries the whole batch)."""
    decoded: list[tuple[Incoming, In]] = []
    out: dict[int, Outgoing] = {}
    for i, msg in enumerate(messages):
        try:
            if msg.value is not None and len(msg.value) > spec.max_message_bytes:
                raise TooLarge(f"the message has {len(msg.value):,} bytes, over the limit of {spec.max_message_bytes:,}")
            decoded.append((msg, decode(msg.value, spec.input_model)))
        except NewswireError as exc:
            out[i] = _dead(spec.stage, msg, exc)
    index = {id(m): i for i, m in enumerate(messages)}

    def emit(msg: Incoming, result: BaseModel) -> None:
        rid = getattr(result, "id", None)
        key = rid.encode("utf-8") if isinstance(rid, str) and rid else msg.key
        out[index[id(msg)]] = Outgoing(False, key, encode(result), msg.partition, result)

    if decoded:
        try:
            results = spec.process([rec for _, rec in decoded])
            for (msg, _), result in zip(decoded, results, strict=True):
                emit(msg, result)
        except NewswireError as exc:
            if exc.retriable:
                raise
            _one_by_one(spec, decoded, emit, out, index)
        except Exception:
            log.warning("batch of %d failed in %s; retrying one by one", len(decoded), spec.stage, exc_info=True)
            _one_by_one(spec, decoded, emit, out, index)
    return [out[i] for i in range(len(messages))]


def _one_by_one(spec: StageSpec[In, Out], decoded: list[tuple[Incoming, In]], emit: Callable[[Incoming, BaseModel], None],
                out: dict[int, Outgoing], index: dict[int, int]) -> None:
    for msg, rec in decoded:
        try:
            emit(msg, spec.process([rec])[0])
        except NewswireError as exc:
            if exc.retriable:
                raise
            out[index[id(msg)]] = _dead(spec.stage, msg, exc)
        except Exception as exc:
            log.error("%s failed on %s[%d]@%d:\n%s", spec.stage, msg.topic, msg.partition, msg.offset, traceback.format_exc())
            out[index[id(msg)]] = _dead(spec.stage, msg, ProcessingFailed(f"{type(exc).__name__}: {exc}"))


async def route_with_retries(spec: StageSpec[In, Out], messages: Sequence[Incoming]) -> list[Outgoing]:
    """route() in a worker thread (the models are CPU-bound), retrying temporary trouble."""
    delay = 0.5
    for attempt in range(1, MAX_TEMPORARY_RETRIES + 1):
        try:
            return await asyncio.to_thread(route, spec, messages)
        except NewswireError as exc:
            if not exc.retriable or attempt == MAX_TEMPORARY_RETRIES:
                raise
            log.warning("%s: temporary error (%s), retry %d in %.1fs", spec.stage, exc, attempt, delay)
            await asyncio.sleep(delay)
            delay = min(delay * 2, 10.0)
    raise AssertionError("unreachable")


def incoming(event: Any) -> Incoming:
    m = event.message
    return Incoming(m.topic, m.partition, m.offset, m.key, m.value)


def attach(app: Any, spec: StageSpec[Any, Any], source: str, sink: str, dlq: str, *, batch_size: int, batch_ms: int,
           dedup: Any = None, dlq_dedup: Any = None) -> Any:
    """Register the stage's agent on a Faust app and return it."""
    def raw_topic(name: str) -> Any:
        return app.topic(name, key_type=bytes, value_type=bytes, key_serializer="raw", value_serializer="raw")

    source_topic, sink_topic, dlq_topic = raw_topic(source), raw_topic(sink), raw_topic(dlq)

    async def process(stream: Any) -> Any:
        # take_events acks (and so lets Faust commit) a batch only after this loop body has
        # finished with it, i.e. after the broker acknowledged every send below.
        async for events in stream.take_events(batch_size, within=batch_ms / 1000):
            started = time.perf_counter()
            metrics.RECORDS_IN.labels(spec.stage).inc(len(events))
            metrics.BATCH_SIZE.labels(spec.stage).observe(len(events))
            outs = await route_with_retries(spec, [incoming(e) for e in events])
            pending = []
            for o in outs:
                if o.dead:
                    if dlq_dedup is not None and not dlq_dedup.first_time(o.partition, o.key, o.record):
                        metrics.DUPLICATES.labels(spec.stage).inc()
                        log.warning("%s: replayed dead letter not sent again (key %r)", spec.stage, o.key)
                        continue
                    # the source's partition number, so a replay's copy lands where the first did
                    pending.append(await dlq_topic.send(key=o.key, value=o.value, partition=o.partition))
                elif dedup is not None and not dedup.first_time(o.partition, o.key, o.record):
                    metrics.DUPLICATES.labels(spec.stage).inc()  # already on the output topic: a replay
                    log.warning("%s: replayed record not sent again (key %r)", spec.stage, o.key)
                else:
                    # same partition number as the input: per-article order holds end to end
                    pending.append(await sink_topic.send(key=o.key, value=o.value, partition=o.partition))
            await asyncio.gather(*pending)
            elapsed = time.perf_counter() - started
            metrics.BATCH_SECONDS.labels(spec.stage).observe(elapsed)
            for o in outs:
                metrics.RECORD_SECONDS.labels(spec.stage).observe(elapsed / len(outs))
                if o.dead:
                    metrics.DEAD_LETTERS.labels(spec.stage, getattr(o.record, "error_type", "unknown")).inc()
                else:
                    metrics.RECORDS_OUT.labels(spec.stage).inc()
                yield o

    process.__name__ = f"{spec.stage}_agent"
    agent = app.agent(source_topic, name=f"newswire.{spec.stage}")(process)
    readers = [d for d in (dedup, dlq_dedup) if d is not None]
    if readers:
        @app.on_partitions_assigned.connect
        async def read_back(app_: Any, assigned: Any, **_: Any) -> None:
            parts = [tp.partition for tp in assigned if tp.topic == source]
            for reader in readers:
                await asyncio.to_thread(reader.load, parts)
    agent.newswire_sinks = {"sink": sink_topic, "dlq": dlq_topic}  # for in-process tests
    return agent
