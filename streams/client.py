"""Python clients for other services: a Publisher of raw articles and a typed Subscriber of
enriched ones. Both speak the wire format through :mod:`schemas` (the one encode/decode)."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from typing import Any, Generic, Literal, TypeVar

from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from kafka.structs import OffsetAndMetadata
from pydantic import BaseModel

from schemas import BadInput, EnrichedArticle, NewswireError, RawArticle, decode, encode
from schemas.models import TrendingWindow
from streams.settings import Settings, get_settings

log = logging.getLogger("newswire.client")
R = TypeVar("R", bound=BaseModel)


def open_reader(
    settings: Settings,
    topic: str,
    start: Literal["beginning", "end"] = "beginning",
    wait_s: float = 15.0,
) -> KafkaConsumer:
    """A group-less, read_committed consumer assigned every partition of `topic`, positioned
    at its beginning or its end (the position is fixed now, before anything else happens).
    A topic the cluster does not report yet is waited for up to `wait_s` seconds; after that
    the consumer has no assignment."""
    consumer = KafkaConsumer(
        group_id=None,
        enable_auto_commit=False,
        isolation_level="read_committed",
        **settings.kafka_options(),
    )
    parts = consumer.partitions_for_topic(topic)
    deadline = time.monotonic() + wait_s
    while not parts and time.monotonic() < deadline:  # a topic just created: its metadata
        time.sleep(0.2)  # reaches the broker that answers us a moment later
        consumer.topics()  # asks the cluster again
        parts = consumer.partitions_for_topic(topic)
    tps = [TopicPartition(topic, p) for p in sorted(parts or [])]
    consumer.assign(tps)
    if tps:  # no partitions (no such topic): the caller sees an empty assignment
        (consumer.seek_to_beginning if start == "beginning" else consumer.seek_to_end)(*tps)
    for tp in tps:
        consumer.position(tp)
    return consumer


def seek_to_time(consumer: KafkaConsumer, tps: list[TopicPartition], since_ms: int) -> None:
    """Each partition to its first record at or after `since_ms` (milliseconds since the
    epoch), or to its end when it has none that recent."""
    found = consumer.offsets_for_times(dict.fromkeys(tps, since_ms))
    for tp in tps:
        at = found.get(tp)
        if at is None:
            consumer.seek_to_end(tp)
        else:
            consumer.seek(tp, at.offset)


def read_to(consumer: KafkaConsumer, ends: dict[TopicPartition, int]) -> Iterator[Any]:
    """Every record from each partition's position up to, not including, its offset in
    `ends` (end offsets read before, or a committed offset): a bounded read that stops."""
    while any(consumer.position(tp) < end for tp, end in ends.items()):
        for tp, records in consumer.poll(timeout_ms=500).items():
            yield from (r for r in records if r.offset < ends.get(tp, -1))


class Publisher:
    """Validates, keys and sends RawArticles to ``articles.raw``.

    The producer is idempotent with ``acks=all``: a retried send never duplicates a record,
    and a record is acknowledged only once every in-sync replica has it. The key is the
    article id, so republishing an article lands on the same partition."""

    def __init__(self, settings: Settings | None = None, **producer_options: Any) -> None:
        self.settings = settings or get_settings()
        options: dict[str, Any] = {
            "bootstrap_servers": self.settings.bootstrap_servers,
            "acks": "all",
            "enable_idempotence": True,
            # measured in bench/kafka_clients.py: gzip publishes ~15% more news records a
            # second than no compression here; linger 0-20 ms changes little, 5 keeps latency low
            "linger_ms": 5,
            "compression_type": "gzip",
            "max_request_size": max(self.settings.max_message_bytes * 2, 1048576),
            "client_id": "newswire-publisher",
            **self.settings.kafka_client_options(),
        }
        options.update(producer_options)
        self._producer = KafkaProducer(**options)
        self.topic = self.settings.topic("raw")

    def publish(self, article: RawArticle | dict[str, Any]) -> Any:
        """Send one article (validated first); returns the send's future."""
        raw = article if isinstance(article, RawArticle) else RawArticle.model_validate(article)
        assert raw.id is not None  # RawArticle always derives one
        return self._producer.send(self.topic, key=raw.id.encode("utf-8"), value=encode(raw))

    def send_bytes(self, value: bytes, key: bytes | None = None, topic: str | None = None) -> Any:
        """Send bytes as they are (no validation): for replays and tests of bad input."""
        return self._producer.send(topic or self.topic, key=key, value=value)

    def flush(self, timeout: float | None = None) -> None:
        self._producer.flush(timeout=timeout)

    def close(self) -> None:
        self._producer.flush()
        self._producer.close()

    def __enter__(self) -> Publisher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class AsyncPublisher:
    """The asyncio twin of :class:`Publisher` (aiokafka underneath): validates, keys by
    article id, sends idempotently with ``acks=all``.

        async with AsyncPublisher() as pub:
            await pub.publish({"text": "...", "url": "https://..."})
    """

    def __init__(self, settings: Settings | None = None, **producer_options: Any) -> None:
        self.settings = settings or get_settings()
        self.topic = self.settings.topic("raw")
        self._options = producer_options
        self._producer: Any = None

    async def start(self) -> None:
        from aiokafka import AIOKafkaProducer

        s = self.settings
        # the same security options as the kafka-python clients, except that aiokafka takes
        # the certificate files as one SSL context
        security = {k: v for k, v in s.kafka_client_options().items() if not k.startswith("ssl_")}
        security["ssl_context"] = s.ssl_context()
        self._producer = AIOKafkaProducer(
            bootstrap_servers=s.bootstrap_servers,
            acks="all",
            enable_idempotence=True,
            linger_ms=5,
            compression_type="gzip",
            max_request_size=max(s.max_message_bytes * 2, 1048576),
            client_id="newswire-publisher-async",
            **security,
            **self._options,
        )
        await self._producer.start()

    async def publish(self, article: RawArticle | dict[str, Any]) -> Any:
        """Send one article (validated first) and wait for the broker's acknowledgement."""
        raw = article if isinstance(article, RawArticle) else RawArticle.model_validate(article)
        assert raw.id is not None
        return await self._producer.send_and_wait(
            self.topic, key=raw.id.encode("utf-8"), value=encode(raw)
        )

    async def send_bytes(
        self, value: bytes, key: bytes | None = None, topic: str | None = None
    ) -> Any:
        return await self._producer.send_and_wait(topic or self.topic, key=key, value=value)

    async def flush(self) -> None:
        await self._producer.flush()

    async def close(self) -> None:
        if self._producer is not None:
            await self._producer.stop()

    async def __aenter__(self) -> AsyncPublisher:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()


class Subscriber(Generic[R]):
    """Yields typed records from a topic (``articles.enriched`` by default) in a consumer group.

    Reads with ``isolation_level=read_committed``. Offsets are committed only after the caller
    has handled a record (when it asks for the next one, or on ``commit()``), so a subscriber
    that crashes mid-record sees that record again: handle records idempotently by ``id``.
    ``start``: 'earliest' or 'latest' for a new group, or a timestamp in ms to seek to."""

    def __init__(
        self,
        group: str,
        *,
        settings: Settings | None = None,
        topic: str = "enriched",
        model: type[R] = EnrichedArticle,  # type: ignore[assignment]
        start: Literal["earliest", "latest"] | int = "earliest",
        poll_timeout_ms: int = 1000,
    ) -> None:
        self.settings = settings or get_settings()
        self.model = model
        self.topic = self.settings.topic(topic) if "." not in topic else topic
        self._consumer = KafkaConsumer(
            bootstrap_servers=self.settings.bootstrap_servers,
            group_id=group,
            enable_auto_commit=False,
            isolation_level="read_committed",
            auto_offset_reset=start if isinstance(start, str) else "earliest",
            client_id=f"newswire-subscriber-{group}",
            **self.settings.kafka_client_options(),
        )
        self._start = start
        self._consumer.subscribe([self.topic])
        self.poll_timeout_ms = poll_timeout_ms
        self._pending: dict[TopicPartition, int] = {}
        self.skipped = 0

    def _seek_to_time(self) -> None:
        if not isinstance(self._start, int):
            return
        while not self._consumer.assignment():
            self._consumer.poll(timeout_ms=200)
        parts = self._consumer.assignment()
        offsets = self._consumer.offsets_for_times({tp: self._start for tp in parts})
        ends = self._consumer.end_offsets(list(parts))
        for tp in parts:
            found = offsets.get(tp)
            self._consumer.seek(tp, found.offset if found else ends[tp])
        self._start = "earliest"

    def commit(self) -> None:
        """Commit what the caller has handled so far."""
        if self._pending:
            self._consumer.commit(
                {tp: OffsetAndMetadata(off, None, -1) for tp, off in self._pending.items()}
            )
            self._pending.clear()

    def poll(self, max_records: int = 100) -> list[R]:
        """One poll's worth of records (commit with ``commit()`` once handled)."""
        self._seek_to_time()
        out: list[R] = []
        batches = self._consumer.poll(timeout_ms=self.poll_timeout_ms, max_records=max_records)
        for tp, messages in batches.items():
            for m in messages:
                self._pending[tp] = m.offset + 1
                try:
                    out.append(decode(m.value, self.model))
                except BadInput as exc:
                    self.skipped += 1
                    log.warning("skipping %s[%d]@%d: %s", tp.topic, tp.partition, m.offset, exc)
        return out

    def __iter__(self) -> Iterator[R]:
        while True:
            yield from self.poll()
            self.commit()

    def close(self) -> None:
        self.commit()
        self._consumer.close()

    def __enter__(self) -> Subscriber[R]:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def trending_windows(
    settings: Settings, window: str | None = None, since_s: float | None = None
) -> list[TrendingWindow]:
    """The closed windows on ``entities.trending`` of one size (the shortest configured one
    unless given, like ``1h``), oldest first, one record per window (the last sent, should a
    window have been sent twice). Reads from ``since_s`` seconds ago (default: three windows
    and the grace), so a week of 1h windows is not read to show the last one."""
    from streams.processors.trends import parse_window, parse_windows

    size = parse_window(window) if window else parse_windows(settings.trends_windows)[0]
    topic = settings.entities_topic("trending")
    consumer = open_reader(settings, topic, "end")
    try:
        tps = list(consumer.assignment())
        if not tps:
            raise LookupError(f"no such topic: {topic} (run `newswire topics create`)")
        back = since_s if since_s is not None else 3 * size.seconds + settings.trends_grace_seconds
        ends = consumer.end_offsets(tps)
        seek_to_time(consumer, tps, int((time.time() - back) * 1000))
        by_key: dict[str, TrendingWindow] = {}
        for r in read_to(consumer, ends):
            try:
                rec = decode(r.value, TrendingWindow)
            except NewswireError:
                continue
            if rec.window == size.label:
                by_key[f"{rec.window}@{rec.start.isoformat()}"] = rec
        return sorted(by_key.values(), key=lambda w: w.start)
    finally:
        consumer.close()
