"""Python clients for other services: a Publisher of raw articles and a typed Subscriber of
enriched ones. Both speak the wire format through :mod:`schemas` (the one encode/decode)."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterable, AsyncIterator, Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Generic, Literal, TypeVar

from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from kafka.structs import OffsetAndMetadata
from pydantic import BaseModel, ValidationError

from schemas import BadInput, EnrichedArticle, NewswireError, RawArticle, decode, encode
from schemas.models import TrendingWindow
from schemas.wire import describe_validation_error
from streams import tracing
from streams.settings import Settings, get_settings

log = logging.getLogger("newswire.client")
R = TypeVar("R", bound=BaseModel)


def open_reader(
    settings: Settings,
    topic: str,
    start: Literal["beginning", "end"] | Start = "beginning",
    wait_s: float = 15.0,
    partitions: Iterable[int] | None = None,
) -> KafkaConsumer:
    """A group-less, read_committed consumer assigned every partition of `topic` (or those in
    `partitions`), positioned at its beginning, its end, or a :class:`Start` (a time, an
    offset); the position is fixed now, before anything else happens. A topic the cluster does
    not report yet is waited for up to `wait_s` seconds; after that the consumer has no
    assignment."""
    consumer = KafkaConsumer(
        group_id=None,
        enable_auto_commit=False,
        isolation_level="read_committed",
        **settings.kafka_options("consumer"),
    )
    parts = consumer.partitions_for_topic(topic)
    deadline = time.monotonic() + wait_s
    while not parts and time.monotonic() < deadline:  # a topic just created: its metadata
        time.sleep(0.2)  # reaches the broker that answers us a moment later
        consumer.topics()  # asks the cluster again
        parts = consumer.partitions_for_topic(topic)
    if partitions is not None:
        wanted = set(partitions)
        missing = sorted(wanted - set(parts or ()))
        if missing and parts:
            consumer.close()
            raise ValueError(f"{topic} has no partition {missing} (it has {sorted(parts)})")
        parts = {p for p in parts or () if p in wanted}
    tps = [TopicPartition(topic, p) for p in sorted(parts or [])]
    consumer.assign(tps)
    if tps:  # no partitions (no such topic): the caller sees an empty assignment
        if not isinstance(start, Start):
            start = Start.earliest() if start == "beginning" else Start.latest()
        seek_start(consumer, tps, start)
    for tp in tps:
        consumer.position(tp)
    return consumer


def seek_start(consumer: KafkaConsumer, tps: list[TopicPartition], start: Start) -> None:
    """Each partition to where `start` says: its beginning, its end, the first record at or
    after a time (the end when none is that recent), or an offset held within what the
    partition keeps (negative: back from the end)."""
    if start.mode == "earliest":
        consumer.seek_to_beginning(*tps)
    elif start.mode == "latest":
        consumer.seek_to_end(*tps)
    else:
        times = (
            consumer.offsets_for_times(dict.fromkeys(tps, start.value))
            if start.mode == "time"
            else None
        )
        found = start.offsets(
            tps, consumer.beginning_offsets(tps), consumer.end_offsets(tps), times
        )
        for tp, offset in found.items():
            consumer.seek(tp, offset)


def seek_to_time(consumer: KafkaConsumer, tps: list[TopicPartition], since_ms: int) -> None:
    """Each partition to its first record at or after `since_ms` (milliseconds since the
    epoch), or to its end when it has none that recent."""
    seek_start(consumer, tps, Start.at_time(since_ms))


def read_to(consumer: KafkaConsumer, ends: dict[TopicPartition, int]) -> Iterator[Any]:
    """Every record from each partition's position up to, not including, its offset in
    `ends` (end offsets read before, or a committed offset): a bounded read that stops."""
    while any(consumer.position(tp) < end for tp, end in ends.items()):
        for tp, records in consumer.poll(timeout_ms=500).items():
            yield from (r for r in records if r.offset < ends.get(tp, -1))


Delivery = Callable[[BaseException | None, Any], None]


@dataclass
class Published:
    """What ``publish_many`` did: articles sent and acknowledged, refused before sending
    (invalid), and whose send failed; with the first errors of each kind."""

    sent: int = 0
    invalid: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)

    def note(self, error: str) -> None:
        if len(self.errors) < 20:
            self.errors.append(error)


def _article(article: RawArticle | dict[str, Any]) -> RawArticle:
    raw = article if isinstance(article, RawArticle) else RawArticle.model_validate(article)
    assert raw.id is not None  # RawArticle always derives one
    return raw


class Publisher:
    """Validates, keys and sends RawArticles to ``articles.raw``.

    The producer is idempotent with ``acks=all``: a retried send never duplicates a record,
    and a record is acknowledged only once every in-sync replica has it. The key is the
    article id, so republishing an article lands on the same partition. Each record carries a
    W3C ``traceparent`` header (a new trace, or a span in the caller's) and its publish time,
    so that it can be followed through the stages (:mod:`streams.tracing`).

    Keyword options are kafka-python producer options and override newswire's (for example
    ``linger_ms=50``); ``NEWSWIRE_CLIENT_OPTIONS`` sets them for every client."""

    def __init__(self, settings: Settings | None = None, **producer_options: Any) -> None:
        self.settings = settings or get_settings()
        options: dict[str, Any] = {
            "acks": "all",
            "enable_idempotence": True,
            # measured in bench/kafka_clients.py: gzip publishes ~15% more news records a
            # second than no compression here; linger 0-20 ms changes little, 5 keeps latency low
            "linger_ms": 5,
            "compression_type": "gzip",
            "max_request_size": max(self.settings.max_message_bytes * 2, 1048576),
            "client_id": "newswire-publisher",
            **self.settings.kafka_options("producer"),
        }
        options.update(producer_options)
        self._producer = KafkaProducer(**options)
        self.topic = self.settings.topic("raw")

    def publish(
        self,
        article: RawArticle | dict[str, Any],
        *,
        traceparent: str | None = None,
        on_delivery: Delivery | None = None,
    ) -> Any:
        """Send one article (validated first: a ValidationError is raised here); returns the
        send's future. `on_delivery(error, metadata)` is called once the broker acknowledged
        the record (error None, metadata with topic, partition and offset) or the send failed
        (metadata None). `traceparent` continues the caller's trace."""
        raw = _article(article)
        future = self._producer.send(
            self.topic,
            key=raw.id.encode("utf-8") if raw.id else None,
            value=encode(raw),
            headers=tracing.publish_headers(traceparent),
        )
        if on_delivery is not None:
            future.add_callback(lambda meta: on_delivery(None, meta))
            future.add_errback(lambda exc: on_delivery(exc, None))
        return future

    def publish_many(
        self,
        articles: Iterable[RawArticle | dict[str, Any]],
        *,
        on_delivery: Delivery | None = None,
        max_in_flight: int = 10_000,
        timeout: float = 60.0,
    ) -> Published:
        """Send many articles, streaming (see ``send_many``). Invalid articles are counted
        and skipped (their error is passed to `on_delivery` with metadata None); returns the
        counts once every send is settled."""
        result = Published()

        def valid() -> Iterator[tuple[bytes | None, bytes]]:
            for article in articles:
                try:
                    raw = _article(article)
                except ValidationError as exc:
                    result.invalid += 1
                    result.note(f"invalid: {describe_validation_error(exc)}")
                    if on_delivery is not None:
                        on_delivery(exc, None)
                    continue
                yield (raw.id or "").encode() or None, encode(raw)

        return self.send_many(
            valid(),
            on_delivery=on_delivery,
            max_in_flight=max_in_flight,
            timeout=timeout,
            result=result,
        )

    def send_many(
        self,
        records: Iterable[tuple[bytes | None, bytes]],
        *,
        topic: str | None = None,
        on_delivery: Delivery | None = None,
        max_in_flight: int = 10_000,
        timeout: float = 60.0,
        result: Published | None = None,
    ) -> Published:
        """Send (key, value) records as they are, each starting a trace, streaming: at most
        `max_in_flight` sends are pending at once (then the producer is flushed and they are
        settled), so an iterator of any length is sent in bounded memory. Returns the counts
        (added to `result` when given) once every send is settled."""
        result = result if result is not None else Published()
        pending: list[Any] = []

        def settle() -> None:
            self._producer.flush(timeout=timeout)
            for f in pending:
                try:
                    f.get(timeout=timeout)
                    result.sent += 1
                except Exception as exc:
                    result.failed += 1
                    result.note(f"send failed: {exc}")
            pending.clear()

        for key, value in records:
            future = self.send_bytes(value, key, topic)
            if on_delivery is not None:
                future.add_callback(lambda meta: on_delivery(None, meta))
                future.add_errback(lambda exc: on_delivery(exc, None))
            pending.append(future)
            if len(pending) >= max_in_flight:
                settle()
        settle()
        return result

    def send_bytes(
        self,
        value: bytes,
        key: bytes | None = None,
        topic: str | None = None,
        headers: list[tuple[str, bytes]] | None = None,
    ) -> Any:
        """Send bytes as they are (no validation): for replays and tests of bad input. Without
        headers, the record starts a trace like a published article."""
        return self._producer.send(
            topic or self.topic,
            key=key,
            value=value,
            headers=headers if headers is not None else tracing.publish_headers(),
        )

    def flush(self, timeout: float | None = None) -> None:
        self._producer.flush(timeout=timeout)

    def close(self) -> None:
        self._producer.flush()
        self._producer.close()

    def __enter__(self) -> Publisher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def aiokafka_options(settings: Settings, kind: str) -> dict[str, Any]:
    """The connection options in aiokafka's names: kafka-python's, except that aiokafka takes
    the certificate files (and the key password) as one SSL context, and an OAUTHBEARER token
    provider with an async ``token()``; and the pass-through ``client_options`` this kind of
    aiokafka client knows."""
    from streams.settings import client_options_for

    opts = {k: v for k, v in settings.kafka_options().items() if not k.startswith("ssl_")}
    opts["ssl_context"] = settings.ssl_context()
    provider = opts.get("sasl_oauth_token_provider")
    if provider is not None:
        opts["sasl_oauth_token_provider"] = provider.for_asyncio()
    opts.update(client_options_for(settings.client_options, kind, "aiokafka"))
    return opts


class AsyncPublisher:
    """The asyncio twin of :class:`Publisher` (aiokafka underneath): validates, keys by
    article id, sends idempotently with ``acks=all``, with the same trace headers.

        async with AsyncPublisher() as pub:
            await pub.publish({"text": "...", "url": "https://..."})
            result = await pub.publish_many(articles)  # batched: many sends in flight

    ``publish`` waits for the broker's acknowledgement; ``publish(..., wait=False)`` returns
    once the record is in the producer's batch, with a future for the acknowledgement, so
    that many records travel in one request (``linger_ms`` gathers them)."""

    def __init__(self, settings: Settings | None = None, **producer_options: Any) -> None:
        self.settings = settings or get_settings()
        self.topic = self.settings.topic("raw")
        self._options = producer_options
        self._producer: Any = None

    async def start(self) -> None:
        from aiokafka import AIOKafkaProducer

        s = self.settings
        options: dict[str, Any] = {
            "acks": "all",
            "enable_idempotence": True,
            "linger_ms": 5,
            "compression_type": "gzip",
            "max_request_size": max(s.max_message_bytes * 2, 1048576),
            "client_id": "newswire-publisher-async",
            **aiokafka_options(s, "producer"),
        }
        options.update(self._options)
        self._producer = AIOKafkaProducer(**options)
        await self._producer.start()

    async def publish(
        self,
        article: RawArticle | dict[str, Any],
        *,
        traceparent: str | None = None,
        wait: bool = True,
        on_delivery: Delivery | None = None,
    ) -> Any:
        """Send one article (validated first). With `wait` (the default), return the broker's
        acknowledgement (metadata); without, the future of it. `on_delivery(error, metadata)`
        is called when the send settles either way."""
        raw = _article(article)
        future = await self._producer.send(
            self.topic,
            key=raw.id.encode("utf-8") if raw.id else None,
            value=encode(raw),
            headers=tracing.publish_headers(traceparent),
        )
        if on_delivery is not None:

            def done(f: Any) -> None:
                exc = f.exception() if not f.cancelled() else asyncio.CancelledError()
                on_delivery(exc, None if exc else f.result())

            future.add_done_callback(done)
        return await future if wait else future

    async def publish_many(
        self,
        articles: Iterable[RawArticle | dict[str, Any]]
        | AsyncIterable[RawArticle | dict[str, Any]],
        *,
        on_delivery: Delivery | None = None,
        max_in_flight: int = 1000,
    ) -> Published:
        """Send many articles with up to `max_in_flight` sends in flight (batched by the
        producer), from a plain or an async iterable, in bounded memory; invalid ones are
        counted and skipped. Returns the counts once every send has settled."""
        result = Published()
        pending: set[Any] = set()

        async def settle(until: int) -> None:
            while len(pending) > until:
                done, _ = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
                for f in done:
                    pending.discard(f)
                    if f.exception() is None:
                        result.sent += 1
                    else:
                        result.failed += 1
                        result.note(f"send failed: {f.exception()}")

        async def each() -> AsyncIterator[RawArticle | dict[str, Any]]:
            if isinstance(articles, AsyncIterable):
                async for a in articles:
                    yield a
            else:
                for a in articles:
                    yield a

        async for article in each():
            try:
                raw = _article(article)
            except ValidationError as exc:
                result.invalid += 1
                result.note(f"invalid: {describe_validation_error(exc)}")
                if on_delivery is not None:
                    on_delivery(exc, None)
                continue
            pending.add(await self.publish(raw, wait=False, on_delivery=on_delivery))
            await settle(max_in_flight - 1)
        await settle(0)
        return result

    async def send_bytes(
        self, value: bytes, key: bytes | None = None, topic: str | None = None
    ) -> Any:
        return await self._producer.send_and_wait(
            topic or self.topic, key=key, value=value, headers=tracing.publish_headers()
        )

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


@dataclass(frozen=True)
class Start:
    """Where a subscriber starts reading each partition, like kcat's ``-o``:

    - ``Start.earliest()`` / ``Start.latest()``: where a group with no committed offset starts
      (a group that has committed carries on from its commits);
    - ``Start.at_time(ms)`` (or a datetime): the first record at or after that time, the end
      when there is none that recent;
    - ``Start.at_offset(n)``: offset n (held within what the partition keeps); a negative n
      is that many records before the end (``-10``: the last ten).

    A time or an offset is an explicit seek: it applies the first time this subscriber is
    given each partition, whatever the group had committed, and commits carry on from there
    (so a rebalance later does not seek again)."""

    mode: Literal["earliest", "latest", "time", "offset"] = "earliest"
    value: int = 0

    @classmethod
    def earliest(cls) -> Start:
        return cls("earliest")

    @classmethod
    def latest(cls) -> Start:
        return cls("latest")

    @classmethod
    def at_time(cls, when: int | datetime) -> Start:
        ms = int(when.timestamp() * 1000) if isinstance(when, datetime) else int(when)
        return cls("time", ms)

    @classmethod
    def at_offset(cls, offset: int) -> Start:
        return cls("offset", int(offset))

    @classmethod
    def of(cls, start: StartArg) -> Start:
        """From what ``Subscriber(start=...)`` takes: a Start, 'earliest', 'latest', a time
        in milliseconds since the epoch (an int, as before) or a datetime."""
        if isinstance(start, Start):
            return start
        if start in ("earliest", "latest"):
            return cls(start)  # type: ignore[arg-type]
        if isinstance(start, datetime | int) and not isinstance(start, bool):
            return cls.at_time(start)
        raise ValueError(f"start: 'earliest', 'latest', a time or a Start, not {start!r}")

    @property
    def explicit(self) -> bool:
        return self.mode in ("time", "offset")

    def offsets(
        self,
        tps: list[TopicPartition],
        beginning: dict[TopicPartition, int],
        ends: dict[TopicPartition, int],
        times: dict[TopicPartition, Any] | None = None,
    ) -> dict[TopicPartition, int]:
        """The offset to start each partition at (pure: the partition bounds and, for a time,
        the broker's answer to offsets_for_times are given)."""
        out: dict[TopicPartition, int] = {}
        for tp in tps:
            first, end = beginning[tp], ends[tp]
            if self.mode == "earliest":
                out[tp] = first
            elif self.mode == "latest":
                out[tp] = end
            elif self.mode == "time":
                found = (times or {}).get(tp)
                out[tp] = end if found is None else found.offset
            else:
                at = self.value if self.value >= 0 else end + self.value
                out[tp] = min(max(at, first), end)
        return out


StartArg = Start | Literal["earliest", "latest"] | int | datetime


class _Commits:
    """Offsets a subscriber's caller has handled, per partition, not yet committed."""

    def __init__(self) -> None:
        self.pending: dict[TopicPartition, int] = {}

    def handled(self, tp: TopicPartition, offset: int) -> None:
        self.pending[tp] = offset + 1

    def take(self, only: Iterable[TopicPartition] | None = None) -> dict[TopicPartition, Any]:
        chosen = list(self.pending) if only is None else [tp for tp in only if tp in self.pending]
        return {tp: OffsetAndMetadata(self.pending.pop(tp), None, -1) for tp in chosen}


class _Reader(Generic[R]):
    """What Subscriber and AsyncSubscriber share: the topic and model, where to start, the
    partitions, the consumer options, what has been handled and not yet committed, and how
    a poll's messages become records."""

    def __init__(
        self,
        group: str,
        settings: Settings | None,
        topic: str,
        model: type[R],
        start: StartArg,
        partitions: Iterable[int] | None,
        poll_timeout_ms: int,
        consumer_options: dict[str, Any],
    ) -> None:
        self.settings = settings or get_settings()
        self.group = group
        self.model = model
        self.topic = self.settings.topic(topic) if "." not in topic else topic
        self.start = Start.of(start)
        self.partitions = sorted(set(partitions)) if partitions is not None else None
        self.poll_timeout_ms = poll_timeout_ms
        self._extra = consumer_options
        self._commits = _Commits()
        self._positioned: set[TopicPartition] = set()
        self.skipped = 0

    def _options(self, connection: dict[str, Any]) -> dict[str, Any]:
        """newswire's consumer options over the connection's, the caller's over both."""
        return {
            "group_id": self.group,
            "enable_auto_commit": False,
            "isolation_level": "read_committed",
            "auto_offset_reset": "latest" if self.start.mode == "latest" else "earliest",
            "client_id": f"newswire-subscriber-{self.group}",
            **connection,
            **self._extra,
        }

    def _missing(self, known: Iterable[int]) -> str | None:
        """Why the chosen partitions cannot be read, or None."""
        have = set(known)
        missing = [p for p in self.partitions or () if p not in have]
        return (
            f"{self.topic} has no partition {missing} (it has {sorted(have)})" if missing else None
        )

    def _fresh(self, tps: Iterable[TopicPartition]) -> list[TopicPartition]:
        """Partitions given for the first time that an explicit start (a time, an offset)
        must be sought on; 'earliest' and 'latest' apply by themselves to a group without
        commits (auto_offset_reset)."""
        fresh = [tp for tp in tps if tp not in self._positioned]
        self._positioned.update(fresh)
        return fresh if self.start.explicit else []

    def _records(self, tp: Any, messages: Iterable[Any]) -> list[R]:
        """The decodable records of one partition's messages, each marked handled."""
        out: list[R] = []
        for m in messages:
            self._commits.handled(TopicPartition(tp.topic, tp.partition), m.offset)
            try:
                out.append(decode(m.value, self.model))
            except BadInput as exc:
                self.skipped += 1
                log.warning("skipping %s[%d]@%d: %s", tp.topic, tp.partition, m.offset, exc)
        return out


class Subscriber(_Reader[R]):
    """Yields typed records from a topic (``articles.enriched`` by default) in a consumer group.

    Reads with ``isolation_level=read_committed``. Offsets are committed only after the caller
    has handled a record (when it asks for the next one, or on ``commit()``), so a subscriber
    that crashes mid-record sees that record again: handle records idempotently by ``id``.
    When the group rebalances, what was handled on the partitions taken away is committed
    before they go, so the next owner starts where this one stopped.

    ``start``: where to begin (:class:`Start`, 'earliest', 'latest', a time in ms or a
    datetime). ``partitions``: read only these partition numbers (assigned directly, no
    rebalancing; commits still go to the group), like kcat's ``-p``.

    Keyword options are kafka-python consumer options and override newswire's."""

    def __init__(
        self,
        group: str,
        *,
        settings: Settings | None = None,
        topic: str = "enriched",
        model: type[R] = EnrichedArticle,  # type: ignore[assignment]
        start: StartArg = "earliest",
        partitions: Iterable[int] | None = None,
        poll_timeout_ms: int = 1000,
        **consumer_options: Any,
    ) -> None:
        from kafka import ConsumerRebalanceListener

        super().__init__(
            group, settings, topic, model, start, partitions, poll_timeout_ms, consumer_options
        )
        self._consumer = KafkaConsumer(**self._options(self.settings.kafka_options("consumer")))
        self._unpositioned: set[TopicPartition] = set()
        subscriber = self

        # kafka-python runs the listener on its network thread, where nothing may block:
        # it only hands the work on (an asynchronous commit is sent before the group
        # rebalances; positions are sought by the next poll, in the caller's thread)
        class _Listener(ConsumerRebalanceListener):  # type: ignore[misc]
            def on_partitions_revoked(self, revoked: Any) -> None:
                offsets = subscriber._commits.take(revoked)
                if offsets:
                    subscriber._consumer.commit_async(offsets)

            def on_partitions_assigned(self, assigned: Any) -> None:
                subscriber._unpositioned.update(assigned)

        if self.partitions is not None:
            why = self._missing(self._consumer.partitions_for_topic(self.topic) or ())
            if why:
                self._consumer.close()
                raise ValueError(why)
            tps = [TopicPartition(self.topic, p) for p in self.partitions]
            self._consumer.assign(tps)
            self._unpositioned.update(tps)
            self._position()
        else:
            self._consumer.subscribe([self.topic], listener=_Listener())

    def _position(self) -> set[TopicPartition]:
        """Seek the partitions given since the last poll that need it; returns them."""
        fresh = self._fresh(self._unpositioned)
        self._unpositioned.clear()
        if fresh:
            seek_start(self._consumer, fresh, self.start)
        return set(fresh)

    def commit(self) -> None:
        """Commit what the caller has handled so far."""
        offsets = self._commits.take()
        if offsets:
            self._consumer.commit(offsets)

    def poll(self, max_records: int = 100) -> list[R]:
        """One poll's worth of records (commit with ``commit()`` once handled)."""
        out: list[R] = []
        batches = self._consumer.poll(timeout_ms=self.poll_timeout_ms, max_records=max_records)
        moved = self._position() if self._unpositioned else set()
        for tp, messages in batches.items():
            if tp not in moved:  # read from before a seek: they come again from the new place
                out += self._records(tp, messages)
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


class AsyncSubscriber(_Reader[R]):
    """The asyncio twin of :class:`Subscriber` (aiokafka underneath), with the same start
    positions, partitions and commit rules:

        async with AsyncSubscriber("my-service", start=Start.at_time(since)) as sub:
            async for article in sub:
                await handle(article)   # committed once the next one is asked for
    """

    def __init__(
        self,
        group: str,
        *,
        settings: Settings | None = None,
        topic: str = "enriched",
        model: type[R] = EnrichedArticle,  # type: ignore[assignment]
        start: StartArg = "earliest",
        partitions: Iterable[int] | None = None,
        poll_timeout_ms: int = 1000,
        **consumer_options: Any,
    ) -> None:
        super().__init__(
            group, settings, topic, model, start, partitions, poll_timeout_ms, consumer_options
        )
        self._consumer: Any = None

    async def start_reading(self) -> None:
        from aiokafka import AIOKafkaConsumer, ConsumerRebalanceListener
        from aiokafka.structs import TopicPartition as AioTP

        self._consumer = AIOKafkaConsumer(
            **self._options(aiokafka_options(self.settings, "consumer"))
        )
        await self._consumer.start()
        subscriber = self

        class _Listener(ConsumerRebalanceListener):  # type: ignore[misc]
            async def on_partitions_revoked(self, revoked: Any) -> None:
                await subscriber._commit(subscriber._commits.take(_kp(revoked)))

            async def on_partitions_assigned(self, assigned: Any) -> None:
                await subscriber._position(list(assigned))

        if self.partitions is not None:
            known = self._consumer.partitions_for_topic(self.topic)
            if not known:
                await self._consumer._client.force_metadata_update()
                known = self._consumer.partitions_for_topic(self.topic)
            why = self._missing(known or ())
            if why:
                await self._consumer.stop()
                raise ValueError(why)
            tps = [AioTP(self.topic, p) for p in self.partitions]
            self._consumer.assign(tps)
            await self._position(tps)
        else:
            self._consumer.subscribe([self.topic], listener=_Listener())

    async def _position(self, tps: list[Any]) -> None:
        from aiokafka.structs import TopicPartition as AioTP

        fresh = [AioTP(tp.topic, tp.partition) for tp in self._fresh(_kp(tps))]
        if not fresh:
            return
        times = (
            await self._consumer.offsets_for_times(dict.fromkeys(fresh, self.start.value))
            if self.start.mode == "time"
            else None
        )
        offsets = self.start.offsets(
            fresh,
            await self._consumer.beginning_offsets(fresh),
            await self._consumer.end_offsets(fresh),
            times,
        )
        for tp, offset in offsets.items():
            self._consumer.seek(tp, offset)

    async def _commit(self, offsets: dict[TopicPartition, Any]) -> None:
        if offsets:
            from aiokafka.structs import TopicPartition as AioTP

            await self._consumer.commit(
                {AioTP(tp.topic, tp.partition): om.offset for tp, om in offsets.items()}
            )

    async def commit(self) -> None:
        """Commit what the caller has handled so far."""
        await self._commit(self._commits.take())

    async def poll(self, max_records: int = 100) -> list[R]:
        """One poll's worth of records (commit with ``commit()`` once handled)."""
        batches = await self._consumer.getmany(
            timeout_ms=self.poll_timeout_ms, max_records=max_records
        )
        out: list[R] = []
        for tp, messages in batches.items():
            out += self._records(tp, messages)
        return out

    async def __aiter__(self) -> AsyncIterator[R]:
        while True:
            for record in await self.poll():
                yield record
            await self.commit()

    async def close(self) -> None:
        if self._consumer is not None:
            await self.commit()
            await self._consumer.stop()
            self._consumer = None

    async def __aenter__(self) -> AsyncSubscriber[R]:
        await self.start_reading()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()


def _kp(tps: Iterable[Any]) -> list[TopicPartition]:
    """aiokafka's topic partitions as kafka-python's (the commits are kept in those)."""
    return [TopicPartition(tp.topic, tp.partition) for tp in tps]


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
