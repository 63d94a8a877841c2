"""Subscribing to enriched articles in a consumer group: typed records, commits after
handling, a chosen start; :class:`Subscriber` and :class:`AsyncSubscriber`."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterable, Iterator
from typing import Any, Generic, TypeVar

from kafka import KafkaConsumer, TopicPartition
from kafka.structs import OffsetAndMetadata
from pydantic import BaseModel

from schemas import BadInput, EnrichedArticle, decode
from streams.client.options import aiokafka_options
from streams.client.reading import Start, StartArg, _kp, seek_start
from streams.settings import Settings, get_settings

log = logging.getLogger("newswire.client")
R = TypeVar("R", bound=BaseModel)


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
