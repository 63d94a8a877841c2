"""The entity-trends worker on Kafka: three Faust agents in one app (consumer group
``newswire-trends``) around the pure counting in :mod:`streams.processors.trends.stage`.

    articles.enriched --[mentions]--> entities.mentions          (keyed by entity)
    entities.mentions --[counts]----> entities.trending-partials (keyed by window; a timer
                                                                  closes windows)
    entities.trending-partials --[merge]--> entities.trending    (keyed by window)

State lives in Kafka: a shard's counts are a fold of its partition of ``entities.mentions``
and a merger's windows a fold of its partition of ``entities.trending-partials``. When a
partition is assigned (at start, after ``kill -9`` and restart, after a rebalance) its state
is rebuilt by reading that partition from the start of the retention window up to the
group's committed offset, before any new record of it is counted; the topics' retention
(two of the longest windows, the grace and an hour) bounds both the state and the rebuild.
The worker runs at least once: a replayed mention is recognised by (story, entity) and not
counted again, a partial sent again is ignored by the merger, and a finished window sent
twice is the same record under the same key.

Time (NEWSWIRE_TRENDS_CLOCK): in event time the mentions agent sends, after each batch, a
mark to every partition of ``entities.mentions`` with the latest event time read on each
source partition of the batch, and a timer marks a source partition idle when it has been
quiet for NEWSWIRE_TRENDS_IDLE_SECONDS; the shards' watermarks are folds of these marks. In
arrival time a shard's watermark is the clock. Either way the timer sends a shard's
partials and then, to every partition of ``entities.trending-partials``, its progress
(the watermark it closed at), which tells the mergers that its partials up to there are in.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import orjson

from schemas import BadInput, EnrichedArticle, TrendingWindow, decode, encode
from streams.ops import metrics
from streams.pipeline import TRENDS, TRENDS_WEB_PORT
from streams.processors.trends.stage import (
    MARK_KEY,
    PROGRESS_KEY,
    Merger,
    Shard,
    mentions_of,
    time_of,
)
from streams.settings import Settings
from streams.timing import Window, parse_windows
from streams.topics import TrendsTopics, trends_topics

log = logging.getLogger("newswire.trends")


def partition_count(settings: Settings, topic: str) -> int:  # pragma: no mutate block (broker I/O)
    """How many partitions a topic has (the number of shards of the counts)."""
    from kafka import KafkaConsumer

    consumer = KafkaConsumer(
        group_id=None, enable_auto_commit=False, **settings.kafka_options("consumer")
    )
    try:
        parts = consumer.partitions_for_topic(topic)
        if not parts:
            raise RuntimeError(f"topic {topic} has no partitions: run `newswire topics create`")
        return len(parts)
    finally:
        consumer.close()


def read_back(
    settings: Settings, topic: str, partition: int
) -> list[tuple[str, dict[str, Any]]]:  # pragma: no mutate block (broker I/O; integration tests)
    """A partition's records from the start of the retention window up to the trends group's
    committed offset (what the worker had counted before it got the partition), decoded. The
    consumer carries the group's id only to ask for that offset: it is assigned the partition,
    joins nothing and commits nothing."""
    from kafka import KafkaConsumer, TopicPartition

    from streams.client import read_to, seek_to_time

    tp = TopicPartition(topic, partition)
    consumer = KafkaConsumer(
        group_id=settings.group(TRENDS),
        enable_auto_commit=False,
        isolation_level="read_committed",
        **settings.kafka_options("consumer"),
    )
    out: list[tuple[str, dict[str, Any]]] = []
    try:
        consumer.assign([tp])
        committed = consumer.committed(tp)
        upto = committed if committed is not None else consumer.beginning_offsets([tp])[tp]
        seek_to_time(consumer, [tp], int(time.time() * 1000) - settings.trends_retention_ms())
        for r in read_to(consumer, {tp: upto}):
            try:
                out.append((bytes(r.key or b"").decode(), orjson.loads(r.value)))
            except (orjson.JSONDecodeError, UnicodeDecodeError):
                log.warning("unreadable record at %s[%d]@%d", topic, partition, r.offset)
        return out
    finally:
        consumer.close()


class TrendsState:
    """Every shard and merger this worker holds, one per assigned partition, each rebuilt
    from its topic the first time it is needed after the partition was assigned."""

    def __init__(
        self,
        settings: Settings,
        topics: TrendsTopics,
        parts: int,
        reader: Callable[[Settings, str, int], list[tuple[str, dict[str, Any]]]] = read_back,
        sources: int = 1,
    ) -> None:
        self.settings = settings
        self.topics = topics
        self.parts = parts
        self.sources = sources
        self.windows = parse_windows(settings.trends_windows)
        self.reader = reader
        self.shards: dict[int, Shard] = {}
        self.mergers: dict[int, Merger] = {}
        self.assigned: set[int] = set()
        #: source partitions this worker reads: when each last had an article, the idle ones
        self.heard: dict[int, float] = {}
        self.quiet: set[int] = set()
        #: per source partition, the latest event time read
        self.high: dict[int, float] = {}
        #: per shard, the window starts its last progress was sent at
        self.reported: dict[int, tuple[int, ...]] = {}
        self._locks: dict[tuple[str, int], asyncio.Lock] = {}

    def new_shard(self) -> Shard:
        s = self.settings
        return Shard(
            self.windows,
            grace=s.trends_grace_seconds,
            top=s.trends_top,
            clock=s.trends_clock,
            sources=self.sources,
            baseline=s.trends_baseline,
            min_support=s.trends_min_support,
            min_history=s.trends_min_history,
        )

    def heard_from(self, partition: int, t: float | None, now: float) -> None:
        """A record came from a source partition: an article with event time t (None: one
        that could not be read)."""
        self.heard[partition] = now
        self.quiet.discard(partition)
        if t is not None:
            self.high[partition] = max(self.high.get(partition, t), t)

    def fell_quiet(self, now: float) -> list[int]:
        """The source partitions quiet for the idle time, not yet said to be."""
        idle = self.settings.trends_idle_seconds
        out = sorted(p for p, t in self.heard.items() if p not in self.quiet and now - t >= idle)
        self.quiet.update(out)
        return out

    def progress_due(self, partition: int, shard: Shard) -> bool:
        """Whether a shard's watermark has crossed a window boundary since its progress was
        last sent (or was never sent): the mergers need it only there."""
        if shard.watermark == -math.inf:
            return False
        starts = tuple(w.start_of(shard.watermark) for w in self.windows)
        if self.reported.get(partition) == starts:
            return False
        self.reported[partition] = starts
        return True

    def _lock(self, topic: str, partition: int) -> asyncio.Lock:
        return self._locks.setdefault((topic, partition), asyncio.Lock())

    async def shard(self, partition: int) -> Shard:
        async with self._lock(self.topics.mentions, partition):
            if partition not in self.shards:
                shard = self.new_shard()
                started = time.perf_counter()
                records = await asyncio.to_thread(
                    self.reader, self.settings, self.topics.mentions, partition
                )
                for key, value in records:
                    shard.fold(key, value)
                shard.begin(time.time())
                metrics.TRENDS_REBUILD_SECONDS.labels("counts").observe(
                    time.perf_counter() - started
                )
                log.info("counts of partition %d rebuilt from %d mentions", partition, len(records))
                self.shards[partition] = shard
            return self.shards[partition]

    async def merger(self, partition: int) -> Merger:
        async with self._lock(self.topics.partials, partition):
            if partition not in self.mergers:
                merger = Merger(top=self.settings.trends_top)
                started = time.perf_counter()
                records = await asyncio.to_thread(
                    self.reader, self.settings, self.topics.partials, partition
                )
                for key, value in records:
                    merger.fold(key, value)  # windows finished before are known, not sent again
                metrics.TRENDS_REBUILD_SECONDS.labels("merge").observe(
                    time.perf_counter() - started
                )
                self.mergers[partition] = merger
            return self.mergers[partition]

    def assign(self, tps: Any, now: float | None = None) -> None:
        now = time.time() if now is None else now
        self.assigned |= {tp.partition for tp in tps if tp.topic == self.topics.mentions}
        for tp in tps:
            if tp.topic == self.topics.source:
                self.heard.setdefault(tp.partition, now)

    def revoke(self, tps: Any) -> None:
        """Forget the state of partitions taken away: another worker rebuilds it."""
        for tp in tps:
            if tp.topic == self.topics.mentions:
                self.shards.pop(tp.partition, None)
                self.reported.pop(tp.partition, None)
                self.assigned.discard(tp.partition)
            elif tp.topic == self.topics.partials:
                self.mergers.pop(tp.partition, None)
            elif tp.topic == self.topics.source:
                for table in (self.heard, self.high):
                    table.pop(tp.partition, None)
                self.quiet.discard(tp.partition)


_shown: dict[str, list[str]] = {}


def show_rising(record: TrendingWindow, top: int = 10) -> None:
    """The gauge of each window size's latest top rising entities (the last window's
    entities taken off, so that the gauge's series stay few)."""
    for name in _shown.pop(record.window, []):
        metrics.TRENDS_BURST.remove(record.window, name)
    names = []
    for e in record.rising[:top]:
        if e.burst is not None and e.name not in names:
            metrics.TRENDS_BURST.labels(record.window, e.name).set(e.burst)
            names.append(e.name)
    _shown[record.window] = names


def finished_record(window: dict[str, Any], now: float | None = None) -> TrendingWindow:
    """The record for a finished window (validated: a bug here is an error, not a bad record
    on the subscribers' topic)."""
    stamp = datetime.fromtimestamp(time.time() if now is None else now, UTC)
    return TrendingWindow.model_validate({**window, "generated_at": stamp})


def build(settings: Settings, web_port: int | None = None) -> Any:  # pragma: no mutate block
    """The trends worker's Faust app, its agents and its timer attached."""
    from streams.app import add_web_views, make_app

    at_least_once = settings.model_copy(update={"processing_guarantee": "at_least_once"})
    app: Any = make_app(TRENDS, at_least_once, web_port or settings.web_port or TRENDS_WEB_PORT)
    topics = trends_topics(settings)

    def raw_topic(name: str) -> Any:
        return app.topic(
            name, key_type=bytes, value_type=bytes, key_serializer="raw", value_serializer="raw"
        )

    source, mentions, partials, trending = (
        raw_topic(topics.source),
        raw_topic(topics.mentions),
        raw_topic(topics.partials),
        raw_topic(topics.trending),
    )
    state = TrendsState(
        settings,
        topics,
        partition_count(settings, topics.mentions),
        sources=partition_count(settings, topics.source),
    )
    event_clock = settings.trends_clock == "event"

    async def send_marks(marks: list[dict[str, Any]]) -> None:
        """Each mark to every partition of the mentions topic (after the batch's mentions,
        which the same producer sent before them)."""
        sends = [
            await mentions.send(key=MARK_KEY.encode(), value=orjson.dumps(mark), partition=p)
            for mark in marks
            for p in range(state.parts)
        ]
        await asyncio.gather(*sends)

    async def count_mentions(stream: Any) -> Any:
        async for events in stream.take_events(500, within=0.5):
            metrics.RECORDS_IN.labels(TRENDS).inc(len(events))
            pending = []
            touched: set[int] = set()
            now = time.time()
            for event in events:
                m = event.message
                touched.add(m.partition)
                try:
                    article = decode(m.value, EnrichedArticle)
                except BadInput as exc:  # the entities stage wrote it: say so, count the rest
                    state.heard_from(m.partition, None, now)
                    log.warning(
                        "unreadable article at %s[%d]@%d: %s", m.topic, m.partition, m.offset, exc
                    )
                    continue
                at = time_of(article, settings.trends_clock, settings.trends_horizon_seconds)
                state.heard_from(m.partition, at, now)  # copies too
                for key, value in mentions_of(article, at=at):
                    pending.append(await mentions.send(key=key.encode(), value=orjson.dumps(value)))
            await asyncio.gather(*pending)  # acknowledged before the batch is committed
            if event_clock:
                await send_marks(
                    [{"src": p, "t": state.high[p]} for p in sorted(touched) if p in state.high]
                )
            yield len(events)

    async def count(stream: Any) -> Any:
        async for event in stream.events():
            m = event.message
            shard = await state.shard(m.partition)
            late = shard.late
            try:
                shard.fold(bytes(m.key or b"").decode(), orjson.loads(m.value))
            except (orjson.JSONDecodeError, UnicodeDecodeError, KeyError, TypeError, ValueError):
                log.warning("unreadable mention at %s[%d]@%d", m.topic, m.partition, m.offset)
                continue
            metrics.TRENDS_LATE.inc(shard.late - late)
            yield m.offset

    async def merge(stream: Any) -> Any:
        async for event in stream.events():
            m = event.message
            merger = await state.merger(m.partition)
            try:
                windows = merger.fold(bytes(m.key or b"").decode(), orjson.loads(m.value))
            except (orjson.JSONDecodeError, UnicodeDecodeError, KeyError, TypeError, ValueError):
                log.warning("unreadable partial at %s[%d]@%d", m.topic, m.partition, m.offset)
                continue
            for finished in windows:
                record = finished_record(finished)
                key = Window(record.window, record.seconds).id(int(record.start.timestamp()))
                await (await trending.send(key=key.encode(), value=encode(record)))
                metrics.TRENDS_WINDOWS.labels(record.window).inc()
                metrics.RECORDS_OUT.labels(TRENDS).inc()
                show_rising(record)
                log.info(
                    "window %s (revision %d): %d articles, %d entities",
                    key,
                    record.revision,
                    record.articles,
                    len(record.entities),
                )
            yield m.offset

    app.agent(source, name="newswire.trends-mentions")(count_mentions)
    app.agent(mentions, name="newswire.trends-counts")(count)
    app.agent(partials, name="newswire.trends-merge")(merge)

    @app.timer(interval=1.0)
    async def close_windows() -> None:
        now = time.time()
        if event_clock:
            quiet = state.fell_quiet(now)
            if quiet:
                await send_marks([{"src": p, "idle": True} for p in quiet])
        for partition in sorted(state.assigned):
            shard = await state.shard(partition)
            shard.advance(now)
            sends = [
                await partials.send(key=wid.encode(), value=orjson.dumps(partial))
                for wid, partial in shard.close(partition, state.parts)
            ]
            if state.progress_due(partition, shard):
                progress = {"shard": partition, "parts": state.parts, "t": shard.watermark}
                sends += [
                    await partials.send(
                        key=PROGRESS_KEY.encode(), value=orjson.dumps(progress), partition=p
                    )
                    for p in range(state.parts)
                ]
                metrics.TRENDS_WATERMARK.labels(str(partition)).set(shard.watermark)
            await asyncio.gather(*sends)

    @app.on_partitions_revoked.connect
    async def on_revoked(app_: Any, revoked: Any, **_: Any) -> None:
        state.revoke(revoked)

    @app.on_partitions_assigned.connect
    async def on_assigned(app_: Any, assigned: Any, **_: Any) -> None:
        state.assign(assigned)

    add_web_views(app, TRENDS)
    app.newswire_trends = state  # for tests
    return app


def run(
    settings: Settings, web_port: int | None = None, loglevel: str = "info"
) -> None:  # pragma: no mutate block (the worker process; integration tests)
    """Run the trends worker in this process until it is stopped."""
    from faust import Worker

    from streams.ops.admin import create_topics

    create_topics(settings)
    app = build(settings, web_port)
    from streams import logs

    config = logs.dict_config(settings.log_format, loglevel or settings.log_level, "trends")
    Worker(
        app, loglevel=loglevel, quiet=True, redirect_stdouts=False, logging_config=config
    ).execute_from_commandline()
