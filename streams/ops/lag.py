"""Consumer lag and health per stage, judged the way an on-call engineer needs it.

For each stage's consumer group on its input topic, per partition and summed: committed
offset, end offset, lag in records, lag in seconds (the age of the oldest unprocessed record,
read from its timestamp: correct on idle topics, 0 when caught up), consumption rate over the
window, live members. Status, in the spirit of Burrow's rules:

- ``OK``: caught up, or consuming and not falling behind;
- ``WARN``: lag grew over the window while the group consumed;
- ``STALLED``: lag above zero and the committed offset did not move over the window
  although the group has live members;
- ``STOPPED``: lag above zero and no live members;
- ``ERROR``: the group or topic cannot be read.

Beside the lag, each stage lists the partitions of the topics it reads and writes whose
in-sync replicas are fewer than their replicas (a broker is down or behind): under-replicated
partitions are a warning (exit 1), partitions that cannot take an ``acks=all`` write (no
leader, or fewer in sync than ``min.insync.replicas``) an error (exit 2).
"""

from __future__ import annotations

import logging
import time
from dataclasses import asdict, dataclass, field
from typing import Any

from kafka import KafkaAdminClient, KafkaConsumer, TopicPartition
from kafka.errors import KafkaError

from streams.ops.admin import ReplicaState, replication_report
from streams.pipeline import STAGES
from streams.pipeline import stage as pipeline_stage
from streams.settings import Settings
from streams.topics import all_topics, stage_topics

# kafka-python cannot decode Faust's custom assignor metadata and warns on every describe;
# the member count it still returns is all newswire needs
logging.getLogger("kafka.admin._groups").setLevel(logging.ERROR)

SEVERITY = {"OK": 0, "WARN": 1, "STALLED": 2, "STOPPED": 2, "ERROR": 2}


@dataclass
class PartitionLag:
    partition: int
    committed: int | None
    end: int
    lag: int
    lag_seconds: float


@dataclass
class StageLag:
    stage: str
    group: str
    topic: str
    lag: int
    lag_seconds: float
    rate: float  # records committed per second over the window
    members: int
    status: str
    partitions: list[PartitionLag] = field(default_factory=list)
    error: str | None = None
    measured_at: float = 0.0
    under_replicated: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Snapshot:
    committed: dict[int, int | None]
    ends: dict[int, int]
    members: int
    at: float


@dataclass(frozen=True)
class Verdict:
    status: str
    lag: int  # records, summed over partitions
    rate: float  # records committed per second between the two snapshots
    partitions: dict[int, int]  # lag per partition


def partition_lags(snap: Snapshot) -> dict[int, int]:
    """Records behind per partition: end offset minus committed (nothing committed: the whole
    partition from offset 0; never below zero)."""
    return {p: max(end - (snap.committed.get(p) or 0), 0) for p, end in snap.ends.items()}


def judge(before: Snapshot, now: Snapshot) -> Verdict:
    """A stage's status from two snapshots of its group on its input topic (pure).

    OK when caught up; STOPPED when behind with no live members; STALLED when behind with
    members but nothing committed between the snapshots; WARN when the lag grew while the
    group committed; otherwise OK (a steady backlog being worked through is not a warning)."""
    lags = partition_lags(now)
    total = sum(lags.values())
    moved = sum((now.committed.get(p) or 0) - (before.committed.get(p) or 0) for p in now.ends)
    span = now.at - before.at
    rate = moved / span if span > 0 else 0.0
    lag_before = sum(
        max(before.ends.get(p, 0) - (before.committed.get(p) or 0), 0) for p in now.ends
    )
    if total == 0:
        status = "OK"
    elif now.members == 0:
        status = "STOPPED"
    elif span > 0 and moved == 0:
        status = "STALLED"
    elif span > 0 and total > lag_before:
        status = "WARN"
    else:
        status = "OK"
    return Verdict(status, total, round(rate, 2), lags)


class LagMonitor:  # pragma: no mutate block (broker I/O; integration tests)
    """Reads offsets with kafka-python's admin client and a group-less consumer."""

    def __init__(self, settings: Settings, stages: tuple[str, ...] = STAGES) -> None:
        self.settings = settings
        self.stages = stages
        opts = settings.kafka_options()
        self.admin = KafkaAdminClient(client_id="newswire-lag", **opts)
        self.consumer = KafkaConsumer(
            client_id="newswire-lag", enable_auto_commit=False, group_id=None, **opts
        )
        self.history: dict[str, list[Snapshot]] = {s: [] for s in stages}

    def close(self) -> None:
        self.consumer.close()
        self.admin.close()

    def _members(self, group: str) -> int:
        try:
            described = self.admin.describe_groups([group])
        except KafkaError:
            return 0
        info = described.get(group, {}) if isinstance(described, dict) else {}
        members = info.get("members") if isinstance(info, dict) else None
        return len(members) if members else 0

    def snapshot(self, stage: str) -> Snapshot:
        t = stage_topics(self.settings, stage)
        group = self.settings.group(stage)
        parts = self.consumer.partitions_for_topic(t.source)
        if not parts:
            raise KafkaError(f"topic {t.source} does not exist")
        tps = [TopicPartition(t.source, p) for p in sorted(parts)]
        ends = self.consumer.end_offsets(tps)
        offsets = self.admin.list_group_offsets({group: None}).get(group, {})
        committed = {
            tp.partition: (om.offset if om.offset >= 0 else None)
            for tp, om in offsets.items()
            if tp.topic == t.source
        }
        return Snapshot(
            {tp.partition: committed.get(tp.partition) for tp in tps},
            {tp.partition: ends[tp] for tp in tps},
            self._members(group),
            time.time(),
        )

    def _age_of(self, topic: str, partition: int, offset: int) -> float:
        """Seconds since the record at `offset` was produced (its timestamp)."""
        tp = TopicPartition(topic, partition)
        self.consumer.assign([tp])
        self.consumer.seek(tp, offset)
        records = self.consumer.poll(timeout_ms=2000, max_records=1).get(tp, [])
        if not records:
            return 0.0
        return max(0.0, time.time() - records[0].timestamp / 1000.0)

    def measure(self, window: float = 2.0) -> list[StageLag]:
        """Take a snapshot per stage (and a second one `window` seconds later when there is
        no history yet), then judge each stage against the oldest snapshot in its history."""
        first_time = any(not self.history[s] for s in self.stages)
        if first_time and window > 0:
            for stage in self.stages:
                try:
                    self.history[stage].append(self.snapshot(stage))
                except KafkaError:
                    pass
            time.sleep(window)
        rows = [self._judge(stage) for stage in self.stages]
        replicas = self.replication()
        for row in rows:
            t = stage_topics(self.settings, row.stage)
            own = {t.source, t.sink, t.dlq}
            own |= {self.settings.topic(n) for n in pipeline_stage(row.stage).internal}
            row.under_replicated = [r.as_dict() for r in replicas if r.topic in own]
        return rows

    def replication(self) -> list[ReplicaState]:
        """The pipeline's partitions that are under-replicated now (empty if unreadable)."""
        try:
            return replication_report(self.admin, all_topics(self.settings))
        except (KafkaError, OSError) as exc:
            logging.getLogger(__name__).warning("replication state unreadable: %s", exc)
            return []

    def _judge(self, stage: str) -> StageLag:
        t = stage_topics(self.settings, stage)
        group = self.settings.group(stage)
        try:
            now = self.snapshot(stage)
        except (KafkaError, OSError) as exc:
            return StageLag(
                stage, group, t.source, -1, -1.0, 0.0, 0, "ERROR", [], str(exc), time.time()
            )
        hist = self.history[stage]
        hist.append(now)
        while len(hist) > 1 and now.at - hist[0].at > 60:  # judge over the last minute at most
            hist.pop(0)
        before = hist[0]
        verdict = judge(before, now)
        rows = []
        for p, end in now.ends.items():
            c = now.committed.get(p)
            lag = verdict.partitions[p]
            age = self._age_of(t.source, p, c or 0) if lag > 0 else 0.0
            rows.append(PartitionLag(p, c, end, lag, round(age, 3)))
        total, rate, status = verdict.lag, verdict.rate, verdict.status
        seconds = max((r.lag_seconds for r in rows), default=0.0)
        return StageLag(
            stage,
            group,
            t.source,
            total,
            round(seconds, 3),
            rate,
            now.members,
            status,
            rows,
            None,
            now.at,
        )


def exit_code(
    rows: list[StageLag], max_lag: int | None = None, max_seconds: float | None = None
) -> int:
    """0 when every stage is OK, 1 on WARN or an under-replicated partition, 2 on STALLED,
    STOPPED, ERROR, a partition that cannot be written or a threshold crossed."""
    code = max((SEVERITY.get(r.status, 2) for r in rows), default=0)
    for r in rows:
        for p in r.under_replicated:
            code = max(code, 1 if p.get("writable", True) else 2)
    if max_lag is not None and any(r.lag > max_lag for r in rows):
        code = 2
    if max_seconds is not None and any(r.lag_seconds > max_seconds for r in rows):
        code = 2
    return code
