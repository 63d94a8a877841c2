"""The Kafka side of every stage: a Faust agent that takes batches from the stage's input
topic, hands them to the shared routing (:mod:`streams.routing`: decoding, processing,
trace stamps, dead letters), sends the results keyed by article id to the same partition
number, and retries temporary trouble. A batch's offsets are committed only after every
send of the batch has been acknowledged by the broker (at least once; see docs)."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from schemas import NewswireError
from streams import tracing
from streams.ops import metrics
from streams.routing import Incoming, Outgoing, StageRunner

log = logging.getLogger("newswire.agents")

MAX_TEMPORARY_RETRIES = 5


async def route_with_retries(
    runner: StageRunner, messages: Sequence[Incoming], first_delay: float = 0.5
) -> list[Outgoing]:
    """The runner's route() in a worker thread (the models are CPU-bound), retrying a batch
    that meets temporary trouble up to MAX_TEMPORARY_RETRIES times with a growing delay."""
    delay = first_delay
    for attempt in range(1, MAX_TEMPORARY_RETRIES + 1):
        try:
            return await asyncio.to_thread(runner.route, messages)
        except NewswireError as exc:
            if not exc.retriable or attempt == MAX_TEMPORARY_RETRIES:
                raise
            log.warning(
                "%s: temporary error (%s), retry %d in %.1fs",
                runner.stage.name,
                exc,
                attempt,
                delay,
            )
            await asyncio.sleep(delay)
            delay = min(delay * 2, 10.0)
    raise AssertionError("unreachable")


Send = Callable[..., Awaitable[Any]]


async def send_batch(
    stage: str,
    outs: Sequence[Outgoing],
    send: Send,
    send_dead: Send,
    dedup: Any = None,
    dlq_dedup: Any = None,
) -> tuple[int, int, int]:
    """Send a routed batch: each record keyed by article id to the same partition number as
    its input (per-article order holds end to end), each dead letter to the dead-letter topic
    on its source's partition number (a replay's copy lands where the first did), a replay
    that a filter has already seen not at all; then wait until the broker acknowledged every
    send. Counts the metrics and returns (sent, dead letters sent, replays dropped). A send
    the broker refused is forgotten by its filter and the first such error raised (the batch
    is not committed)."""
    pending = []
    sent = dead = dropped = 0
    delivered: list[Outgoing] = []
    for o in outs:
        seen = dlq_dedup if o.dead else dedup
        if seen is not None and not seen.first_time(o.partition, o.key, o.record):
            dropped += 1
            metrics.DUPLICATES.labels(stage).inc()
            log.warning("%s: replay not sent again (key %r, dead letter: %s)", stage, o.key, o.dead)
            continue
        target = send_dead if o.dead else send
        pending.append(
            await target(key=o.key, value=o.value, partition=o.partition, headers=list(o.headers))
        )
        delivered.append(o)
        if o.dead:
            dead += 1
            metrics.DEAD_LETTERS.labels(stage, getattr(o.record, "error_type", "unknown")).inc()
        else:
            sent += 1
            metrics.RECORDS_OUT.labels(stage).inc()
    results = await asyncio.gather(*pending, return_exceptions=True)
    failed = [
        (o, r) for o, r in zip(delivered, results, strict=True) if isinstance(r, BaseException)
    ]
    for o, _ in failed:
        # maybe never written: the batch is not committed and comes again, and then it is sent
        seen = dlq_dedup if o.dead else dedup
        if seen is not None:
            seen.forget(o.partition, o.key, o.record)
    if failed:
        raise failed[0][1]
    observe_delivered(stage, delivered)
    return sent, dead, dropped


def observe_delivered(stage: str, delivered: Sequence[Outgoing], now: float | None = None) -> None:
    """Per record the broker acknowledged: the end-to-end latency from its first publish to
    this stage's output (records sent to the sink, not dead letters), and a debug log line
    that names the article, where it went and its trace."""
    now = time.time() if now is None else now
    histogram = metrics.END_TO_END_SECONDS.labels(stage)
    for o in delivered:
        published = tracing.published_ms(o.headers)
        if not o.dead and published is not None:
            histogram.observe(max(now - published / 1000.0, 0.0))
        if log.isEnabledFor(logging.DEBUG):
            log.debug(
                "%s: sent %s",
                stage,
                "dead letter" if o.dead else "record",
                extra={
                    "stage": stage,
                    "article_id": getattr(o.record, "id", None),
                    "partition": o.partition,
                    "trace_id": tracing.trace_id(o.headers),
                },
            )


def incoming(event: Any) -> Incoming:
    m = event.message
    stamp = getattr(m, "timestamp", None)  # Faust: seconds since the epoch, as a float
    return Incoming(
        m.topic,
        m.partition,
        m.offset,
        m.key,
        m.value,
        tuple((k, v) for k, v in (m.headers or ()) if isinstance(v, bytes)),
        int(stamp * 1000) if stamp else None,
    )


def attach(
    app: Any,
    runner: StageRunner,
    source: str,
    sink: str,
    dlq: str,
    *,
    batch_size: int,
    batch_ms: int,
    dedup: Any = None,
    dlq_dedup: Any = None,
) -> Any:  # pragma: no mutate block (Faust wiring: tests/integration run it on a broker)
    """Register the stage's agent on a Faust app and return it: the Faust side only; what it
    does with a batch is route_with_retries and send_batch, tested without Faust."""

    def raw_topic(name: str) -> Any:
        return app.topic(
            name, key_type=bytes, value_type=bytes, key_serializer="raw", value_serializer="raw"
        )

    source_topic, sink_topic, dlq_topic = raw_topic(source), raw_topic(sink), raw_topic(dlq)

    async def process(stream: Any) -> Any:
        # take_events acks (and so lets Faust commit) a batch only after this loop body has
        # finished with it, i.e. after the broker acknowledged every send below.
        async for events in stream.take_events(batch_size, within=batch_ms / 1000):
            started = time.perf_counter()
            metrics.RECORDS_IN.labels(runner.stage.name).inc(len(events))
            outs = await route_with_retries(runner, [incoming(e) for e in events])
            await send_batch(
                runner.stage.name, outs, sink_topic.send, dlq_topic.send, dedup, dlq_dedup
            )
            metrics.BATCH_SECONDS.labels(runner.stage.name).observe(time.perf_counter() - started)
            for o in outs:
                yield o

    process.__name__ = f"{runner.stage.name}_agent"
    agent = app.agent(source_topic, name=f"newswire.{runner.stage.name}")(process)

    @app.on_partitions_assigned.connect
    async def count_rebalance(app_: Any, assigned: Any, **_: Any) -> None:
        mine = [tp.partition for tp in assigned if tp.topic == source]
        metrics.REBALANCES.labels(runner.stage.name).inc()
        metrics.ASSIGNED_PARTITIONS.labels(runner.stage.name).set(len(mine))
        log.info(
            "%s: assigned partitions %s of %s",
            runner.stage.name,
            mine,
            source,
            extra={"stage": runner.stage.name},
        )

    readers = [d for d in (dedup, dlq_dedup) if d is not None]
    if readers:

        @app.on_partitions_assigned.connect
        async def read_back(app_: Any, assigned: Any, **_: Any) -> None:
            parts = [tp.partition for tp in assigned if tp.topic == source]
            for reader in readers:
                await asyncio.to_thread(reader.load, parts)

    agent.newswire_sinks = {"sink": sink_topic, "dlq": dlq_topic}  # for in-process tests
    return agent
