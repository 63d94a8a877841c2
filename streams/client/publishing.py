"""Publishing raw articles: :class:`Publisher` (kafka-python) and :class:`AsyncPublisher`
(aiokafka), both validating, keyed by article id, idempotent, acks=all."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterable, AsyncIterator, Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar

from kafka import KafkaProducer
from pydantic import BaseModel, ValidationError

from schemas import RawArticle, encode
from schemas.wire import describe_validation_error
from streams import tracing
from streams.client.options import aiokafka_options
from streams.settings import Settings, get_settings

log = logging.getLogger("newswire.client")
R = TypeVar("R", bound=BaseModel)


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

    def valid(
        self, article: RawArticle | dict[str, Any], on_delivery: Delivery | None
    ) -> RawArticle | None:
        """The article as a RawArticle, or None when it is invalid: then counted, noted and
        passed to `on_delivery` with metadata None (one rule for both publishers)."""
        try:
            return _article(article)
        except ValidationError as exc:
            self.invalid += 1
            self.note(f"invalid: {describe_validation_error(exc)}")
            if on_delivery is not None:
                on_delivery(exc, None)
            return None


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
            # measured in bench/kafka_clients.py: compression publishes more news records a
            # second than none here; linger 0-20 ms changes little, 5 keeps latency low
            "linger_ms": 5,
            "compression_type": self.settings.compression(),
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
                raw = result.valid(article, on_delivery)
                if raw is not None:
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
            "compression_type": s.compression(),
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
            raw = result.valid(article, on_delivery)
            if raw is None:
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
