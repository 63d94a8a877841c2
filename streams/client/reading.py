"""Reading a topic without a consumer group: a reader positioned at its beginning, its end,
a time or an offset, read to fixed end offsets; where to start (:class:`Start`); the closed
trend windows."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, TypeVar

from kafka import KafkaConsumer, TopicPartition
from pydantic import BaseModel

from schemas import NewswireError, decode
from schemas.models import TrendingWindow
from streams.settings import Settings

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
    `ends` (end offsets read before, or a committed offset): a bounded read that stops.

    A poll may bring records past the bound (written since the ends were read); the
    partition is put back at its bound, so a later read starts with them rather than after
    them (the dedup stage's signature log reads to the end before every batch: skipping
    past would lose another worker's signatures for good)."""
    while any(consumer.position(tp) < end for tp, end in ends.items()):
        for tp, records in consumer.poll(timeout_ms=500).items():
            end = ends.get(tp, -1)
            yield from (r for r in records if r.offset < end)
            if tp in ends and records and records[-1].offset >= end:
                consumer.seek(tp, end)


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


def _kp(tps: Iterable[Any]) -> list[TopicPartition]:
    """aiokafka's topic partitions as kafka-python's (the commits are kept in those)."""
    return [TopicPartition(tp.topic, tp.partition) for tp in tps]


def trending_windows(
    settings: Settings, window: str | None = None, since_s: float | None = None
) -> list[TrendingWindow]:
    """The closed windows on ``entities.trending`` of one size (the shortest configured one
    unless given, like ``1h``), oldest first, one record per window (the last sent, should a
    window have been sent twice). Reads from ``since_s`` seconds ago (default: three windows
    and the grace), so a week of 1h windows is not read to show the last one. Of a window
    sent again corrected, its latest revision."""
    from streams.timing import parse_window, parse_windows

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
            key = f"{rec.window}@{rec.start.isoformat()}"
            if rec.window == size.label and rec.revision >= getattr(by_key.get(key), "revision", 0):
                by_key[key] = rec
        return sorted(by_key.values(), key=lambda w: w.start)
    finally:
        consumer.close()
