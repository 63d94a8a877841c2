"""State that a stage keeps on Kafka, read back by the agents layer and handed to its pure
processor: the dedup stage's fingerprint log (a processor only sees a
:class:`streams.processors.dedup.stage.SignatureStore`)."""

from __future__ import annotations

import logging
import time
from typing import Any

import orjson

from streams.client import read_to, seek_to_time
from streams.processors.dedup.stage import DedupProcessor, Index
from streams.settings import Settings

log = logging.getLogger("newswire.dedup")


def attach_state(processor: Any, settings: Settings) -> None:
    """Give a processor the state it keeps on Kafka, if it keeps any (the worker calls this
    before ``warm_up``; ``newswire enrich`` does not): by the processor's kind, whatever
    stage runs it."""
    if isinstance(processor, DedupProcessor):
        processor.attach(SignatureLog(settings))


class SignatureLog:  # pragma: no mutate block (broker I/O; integration tests)
    """The fingerprint index's log on Kafka (``articles.dedup-signatures``), read whole by
    every dedup worker, as Kafka Streams reads a GlobalKTable: each worker publishes the
    signatures of the articles it saw, and before each batch reads every partition up to its
    end, so a copy finds its original whichever partition and worker either came through. A
    worker that starts (or restarts after ``kill -9``) rebuilds its index from the topic's
    last `window` before it joins its group."""

    def __init__(self, settings: Settings) -> None:
        from kafka import KafkaConsumer, KafkaProducer

        self.topic = settings.topic("dedup-signatures")
        self.window_s = settings.dedup_window_hours * 3600.0
        self.producer = KafkaProducer(
            **{
                "acks": "all",
                "enable_idempotence": True,
                "linger_ms": 5,
                "compression_type": settings.compression(),
                "client_id": "newswire-dedup",
                **settings.kafka_options("producer"),
            }
        )
        self.consumer = KafkaConsumer(
            **{
                "group_id": None,
                "enable_auto_commit": False,
                "client_id": "newswire-dedup",
                **settings.kafka_options("consumer"),
            }
        )
        self.tps: list[Any] = []

    def _assign(self) -> None:
        from kafka import TopicPartition

        parts = self.consumer.partitions_for_topic(self.topic) or set()
        tps = [TopicPartition(self.topic, p) for p in sorted(parts)]
        if tps and tps != self.tps:
            new = [tp for tp in tps if tp not in self.tps]
            self.consumer.assign(tps)
            seek_to_time(self.consumer, new, int((time.time() - self.window_s) * 1000))
            self.tps = tps

    def catch_up(self, index: Index) -> int:
        """Read every partition up to its end offsets into `index`; records read."""
        self._assign()
        if not self.tps:
            return 0
        read = 0
        for r in read_to(self.consumer, self.consumer.end_offsets(self.tps)):
            try:
                sig = orjson.loads(r.value)
                fps = {int(fp): float(pos) for fp, pos in sig["fps"]}
                index.add(str(sig["id"]), fps, float(sig["at"]))
                read += 1
            except (orjson.JSONDecodeError, KeyError, TypeError, ValueError):
                log.warning("unreadable signature at %s:%s", r.partition, r.offset)
        return read

    def publish(self, signatures: list[tuple[str, float, dict[int, float]]]) -> None:
        """Send the batch's signatures and wait for the broker's acknowledgement of each."""
        futures = [
            self.producer.send(
                self.topic,
                key=doc.encode(),
                value=orjson.dumps(
                    {"id": doc, "at": at, "fps": [[fp, round(p, 4)] for fp, p in fps.items()]}
                ),
            )
            for doc, at, fps in signatures
        ]
        self.producer.flush()
        for f in futures:
            f.get(timeout=30)

    def close(self) -> None:
        self.producer.close()
        self.consumer.close()
