"""Idempotent output for at-least-once processing: a filter that drops replayed records.

After a crash a stage processes its last uncommitted batch again, and an upstream crash can
deliver the same article twice. The last stage therefore drops a record whose (article id,
content hash) it has already written to the output topic. Its memory is the output topic
itself: when partitions are assigned, the tail of each matching output partition is read
back (read_committed), so the state survives restarts and moves with partitions on a
rebalance. A record is keyed by article id and lands on the same partition number at every
stage, so one partition's tail holds every earlier copy of an article.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections import OrderedDict
from collections.abc import Iterable
from typing import Any

import orjson
from kafka import KafkaConsumer, TopicPartition
from pydantic import BaseModel

from streams.settings import Settings

log = logging.getLogger("newswire.replays")


Item = tuple[bytes, str]


def merged(
    tail: OrderedDict[Item, None], memory: OrderedDict[Item, None] | None, window: int
) -> OrderedDict[Item, None]:
    """A partition's memory after reading its tail back: the tail, then what this process
    sent itself, at most `window` items (the oldest go). The process's own sends stay: one
    still in flight when the partitions are reassigned (a broker was killed; the group
    rebalanced) is not yet in the tail, and its uncommitted batch comes again; forgetting it
    would write the article twice."""
    out = OrderedDict(tail)
    for item in memory or ():
        out.pop(item, None)
        out[item] = None
    while len(out) > window:
        out.popitem(last=False)
    return out


class ReplayFilter:
    def __init__(
        self, settings: Settings, topic: str, window: int = 20_000, dead_letters: bool = False
    ) -> None:
        self.dead_letters = dead_letters
        self.settings = settings
        self.topic = topic
        self.window = window  # records remembered per partition
        self._seen: dict[int, OrderedDict[Item, None]] = {}
        self._lock = threading.Lock()

    def fingerprint(self, rec: dict[str, Any]) -> str:
        """Output records: the content hash and the release that wrote it. Dead letters: the
        stage and the bad bytes (keyed), or the source position (unkeyed). `rec` is the
        record's JSON form."""
        if self.dead_letters:
            # a keyed message: the same bad bytes under the same key, failed by the same stage,
            # is one message, even when a producer's retry put it on the input topic twice;
            # an unkeyed one is known only by where it was read
            if rec.get("key"):
                digest = hashlib.sha256((rec.get("value") or "").encode()).hexdigest()
                return f"{rec.get('stage')}:{rec.get('topic')}:{digest}"
            return (
                f"{rec.get('stage')}:{rec.get('topic')}:{rec.get('partition')}:{rec.get('offset')}"
            )
        # an article's output from the same body and the same release is a replay; a new
        # release's output of it is news (its language or entities may differ) and is kept
        trace = rec.get("trace") or [{}]
        return f"{rec.get('content_hash') or ''}:{trace[-1].get('version', '')}"

    def fingerprint_of(self, record: BaseModel) -> str:
        """The same fingerprint from the record object the stage just made (no re-parsing):
        only the few fields the fingerprint uses are dumped, in their JSON form."""
        fields = (
            {"stage", "topic", "key", "value", "partition", "offset"}
            if self.dead_letters
            else {"content_hash", "trace"}
        )
        return self.fingerprint(record.model_dump(mode="json", include=fields))

    def load(self, partitions: Iterable[int]) -> int:  # pragma: no mutate block (broker I/O)
        """Read back the tail of the output partitions: what was already written."""
        parts = sorted(set(partitions))
        if not parts:
            return 0
        consumer = KafkaConsumer(
            group_id=None,
            enable_auto_commit=False,
            isolation_level="read_committed",
            **self.settings.kafka_options("consumer"),
        )
        loaded = 0
        try:
            tps = [TopicPartition(self.topic, p) for p in parts]
            consumer.assign(tps)
            ends = consumer.end_offsets(tps)
            begins = consumer.beginning_offsets(tps)
            fresh: dict[int, OrderedDict[Item, None]] = {p: OrderedDict() for p in parts}
            for tp in tps:
                consumer.seek(tp, max(begins[tp], ends[tp] - self.window))
            remaining = {tp for tp in tps if consumer.position(tp) < ends[tp]}
            while remaining:
                batch = consumer.poll(timeout_ms=1000)
                if not batch:
                    remaining = {tp for tp in remaining if consumer.position(tp) < ends[tp]}
                    continue
                for tp, messages in batch.items():
                    for m in messages:
                        if m.value is not None and (m.key is not None or self.dead_letters):
                            fresh[tp.partition][
                                (m.key or b"", self.fingerprint(orjson.loads(m.value)))
                            ] = None
                            loaded += 1
                    if consumer.position(tp) >= ends[tp]:
                        remaining.discard(tp)
        finally:
            consumer.close()
        with self._lock:
            for p, tail in fresh.items():
                self._seen[p] = merged(tail, self._seen.get(p), self.window)
        log.info("replays: read back %d records of %s partitions %s", loaded, self.topic, parts)
        return loaded

    def forget(self, partition: int, key: bytes | None, record: BaseModel) -> None:
        """A send that failed: the record was maybe never written, so its replay must go out
        (a copy is better than a loss)."""
        if key is None and not self.dead_letters:
            return
        with self._lock:
            self._seen.get(partition, OrderedDict()).pop(
                (key or b"", self.fingerprint_of(record)), None
            )

    def first_time(self, partition: int, key: bytes | None, record: BaseModel) -> bool:
        """True (and remembered) the first time this record goes to `partition`."""
        if key is None and not self.dead_letters:
            return True
        item = (key or b"", self.fingerprint_of(record))
        with self._lock:
            seen = self._seen.setdefault(partition, OrderedDict())
            if item in seen:
                seen.move_to_end(item)
                return False
            seen[item] = None
            while len(seen) > self.window:
                seen.popitem(last=False)
            return True
