"""Consumer lag and health per stage, judged the way an on-call engineer needs it.

For each stage's consumer group on its input topic, per partition and summed: committed
offset, end offset, lag in records, lag in seconds (the age of the oldest unprocessed record,
read from its timestamp: correct on idle topics, 0 when caught up), consumption rate over the
window, live members. Status is judged over a window of samples (the last ``WINDOW_SAMPLES``
readings within ``WINDOW_SECONDS``), by Burrow's rules:

- ``OK``: caught up, or consuming and not falling behind; a partition whose lag is zero now
  is OK however long it has been idle;
- ``WARN``: the summed lag never fell between two samples in the window and is higher at the
  end than at the start, while the group committed: it is falling behind;
- ``STALLED``: a partition was behind in every sample and its committed offset did not move
  over the window although the group has live members (one stuck partition is enough);
- ``STOPPED``: lag above zero and no live members;
- ``ERROR``: the group or topic cannot be read.

Beside the lag, each stage lists the partitions of the topics it reads and writes whose
in-sync replicas are fewer than their replicas (a broker is down or behind): under-replicated
partitions are a warning (exit 1), partitions that cannot take an ``acks=all`` write (no
leader, or fewer in sync than ``min.insync.replicas``) an error (exit 2).
"""

from __future__ import annotations

import itertools
import logging
import time
from dataclasses import asdict, dataclass, field
from typing import Any

from kafka import KafkaAdminClient, KafkaConsumer, TopicPartition
from kafka.errors import KafkaError

from streams.ops.admin import ReplicaState, replication_report
from streams.pipeline import STAGES, TRENDS
from streams.pipeline import stage as pipeline_stage
from streams.settings import Settings
from streams.topics import all_topics, stage_topics, trends_topics


def source_of(settings: Settings, stage: str) -> str:
    """The topic a stage's group reads its work from (the trends worker: the enriched
    articles)."""
    if stage == TRENDS:
        return trends_topics(settings).source
    return stage_topics(settings, stage).source


def own_topics(settings: Settings, stage: str) -> set[str]:
    """The topics a stage reads, writes or keeps its state in."""
    if stage == TRENDS:
        trends = trends_topics(settings)
        return {trends.source, *trends}
    t = stage_topics(settings, stage)
    return {t.source, t.sink, t.dlq} | {settings.topic(n) for n in pipeline_stage(stage).internal}


# kafka-python cannot decode Faust's custom assignor metadata and warns on every describe;
# the member count it still returns is all newswire needs
logging.getLogger("kafka.admin._groups").setLevel(logging.ERROR)

SEVERITY = {"OK": 0, "WARN": 1, "STALLED": 2, "STOPPED": 2, "ERROR": 2}
#: every status a stage can have, in order of severity (the exporter's label set)
STATES = ("OK", "WARN", "STALLED", "STOPPED", "ERROR")
#: the judgement window: at most this many samples, none older than this many seconds
WINDOW_SAMPLES = 10
WINDOW_SECONDS = 60.0


@dataclass
class PartitionLag:
    partition: int
    committed: int | None
    end: int
    lag: int
    lag_seconds: float
    status: str = "OK"


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
class GroupPartition:
    """One partition a consumer group has committed on, in kafka-lag-exporter's terms."""

    group: str
    topic: str
    partition: int
    committed: int | None
    end: int
    lag: int
    lag_seconds: float
    earliest: int = 0
    member_host: str = ""
    consumer_id: str = ""
    client_id: str = ""


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
    partition_status: dict[int, str] = field(default_factory=dict)


def partition_lags(snap: Snapshot) -> dict[int, int]:
    """Records behind per partition: end offset minus committed (nothing committed: the whole
    partition from offset 0; never below zero)."""
    return {p: max(end - (snap.committed.get(p) or 0), 0) for p, end in snap.ends.items()}


def judge(before: Snapshot, now: Snapshot) -> Verdict:
    """A stage's status from two snapshots (pure): the window of two samples."""
    return judge_window([before, now])


def judge_window(samples: list[Snapshot]) -> Verdict:
    """A stage's status from a window of snapshots of its group on its input topic, oldest
    first (pure), by Burrow's rules.

    Per partition: OK when its lag is zero now (an idle partition that is caught up is OK);
    STOPPED when behind with no live members; STALLED when it was behind in every sample that
    saw it and its committed offset did not move from the first of them to now. The stage
    takes the worst partition, and is WARN (if nothing worse) when the summed lag never fell
    between two samples and is higher now than at the start while the group committed:
    falling behind, not a steady backlog being worked through. A window of one sample, or of
    samples taken at the same instant, cannot say STALLED or WARN."""
    now, first = samples[-1], samples[0]
    lags = partition_lags(now)
    total = sum(lags.values())
    span = now.at - first.at
    moved = sum((now.committed.get(p) or 0) - (first.committed.get(p) or 0) for p in now.ends)
    rate = moved / span if span > 0 else 0.0
    history = [partition_lags(s) for s in samples]  # a partition missing then had none
    status_of: dict[int, str] = {}
    for p, lag in lags.items():
        seen = [s for s in samples if p in s.ends]
        behind = all(h[p] > 0 for h in history if p in h)
        still = (seen[0].committed.get(p) or 0) == (now.committed.get(p) or 0)
        if lag == 0:
            status_of[p] = "OK"
        elif now.members == 0:
            status_of[p] = "STOPPED"
        elif now.at - seen[0].at > 0 and behind and still:
            status_of[p] = "STALLED"
        else:
            status_of[p] = "OK"
    status = max(status_of.values(), key=STATES.index, default="OK")
    if status == "OK" and span > 0 and total > 0:
        summed = [sum(h.get(p, 0) for p in now.ends) for h in history]
        rising = all(b >= a for a, b in itertools.pairwise(summed))
        if rising and summed[-1] > summed[0] and moved != 0:
            status = "WARN"
    return Verdict(status, total, round(rate, 2), lags, status_of)


class LagMonitor:  # pragma: no mutate block (broker I/O; integration tests)
    """Reads offsets with kafka-python's admin client and a group-less consumer."""

    def __init__(self, settings: Settings, stages: tuple[str, ...] = (*STAGES, TRENDS)) -> None:
        self.settings = settings
        self.stages = stages
        self.admin = KafkaAdminClient(
            **{"client_id": "newswire-lag", **settings.kafka_options("admin")}
        )
        self.consumer = KafkaConsumer(
            **{
                "client_id": "newswire-lag",
                "enable_auto_commit": False,
                "group_id": None,
                **settings.kafka_options("consumer"),
            }
        )
        self.history: dict[str, list[Snapshot]] = {s: [] for s in stages}
        self._stamps: dict[tuple[str, int, int], float] = {}  # record timestamps read

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
        source = source_of(self.settings, stage)
        group = self.settings.group(stage)
        parts = self.consumer.partitions_for_topic(source)
        if not parts:
            raise KafkaError(f"topic {source} does not exist")
        tps = [TopicPartition(source, p) for p in sorted(parts)]
        ends = self.consumer.end_offsets(tps)
        offsets = self.admin.list_group_offsets({group: None}).get(group, {})
        committed = {
            tp.partition: (om.offset if om.offset >= 0 else None)
            for tp, om in offsets.items()
            if tp.topic == source
        }
        return Snapshot(
            {tp.partition: committed.get(tp.partition) for tp in tps},
            {tp.partition: ends[tp] for tp in tps},
            self._members(group),
            time.time(),
        )

    def _owners(self, group: str) -> dict[tuple[str, int], tuple[str, str, str]]:
        """(topic, partition) -> (member host, consumer id, client id) of its live owner."""
        try:
            info = self.admin.describe_groups([group]).get(group, {})
        except KafkaError:
            return {}
        owners: dict[tuple[str, int], tuple[str, str, str]] = {}
        for member in (info.get("members") or []) if isinstance(info, dict) else []:
            assignment = member.get("member_assignment") or {}
            who = (
                str(member.get("client_host") or "").lstrip("/"),
                str(member.get("member_id") or ""),
                str(member.get("client_id") or ""),
            )
            for entry in (
                assignment.get("assigned_partitions") or [] if isinstance(assignment, dict) else []
            ):
                for partition in entry.get("partitions") or []:
                    owners[(entry.get("topic"), partition)] = who
        return owners

    def group_partitions(self, groups: list[str]) -> list[GroupPartition]:
        """Every partition each group has committed on, whatever topic (a stage's input, the
        dedup index, the trends worker's own topics): committed and end offsets, lag in
        records and seconds, and the member that owns it now."""
        rows: list[GroupPartition] = []
        for group in groups:
            try:
                offsets = self.admin.list_group_offsets({group: None}).get(group, {})
            except KafkaError:
                continue
            committed = {
                (tp.topic, tp.partition): (om.offset if om.offset >= 0 else None)
                for tp, om in offsets.items()
            }
            topics = sorted({t for t, _ in committed})
            tps = [
                TopicPartition(t, p)
                for t in topics
                for p in sorted(self.consumer.partitions_for_topic(t) or ())
            ]
            if not tps:
                continue
            ends = self.consumer.end_offsets(tps)
            starts = self.consumer.beginning_offsets(tps)
            owners = self._owners(group)
            for tp in tps:
                c = committed.get((tp.topic, tp.partition))
                lag = max(ends[tp] - (c or 0), 0)
                age = self._age_of(tp.topic, tp.partition, c or 0) if lag > 0 else 0.0
                host, consumer_id, client_id = owners.get((tp.topic, tp.partition), ("", "", ""))
                rows.append(
                    GroupPartition(
                        group,
                        tp.topic,
                        tp.partition,
                        c,
                        ends[tp],
                        lag,
                        round(age, 3),
                        starts[tp],
                        host,
                        consumer_id,
                        client_id,
                    )
                )
        return rows

    def _age_of(self, topic: str, partition: int, offset: int) -> float:
        """Seconds since the record at `offset` was produced (its timestamp). A record's
        timestamp never changes: it is read once and remembered, so the stage rows and the
        per-group rows of one refresh, and a partition stuck at one offset over many
        refreshes, cost one fetch."""
        key = (topic, partition, offset)
        stamp = self._stamps.get(key)
        if stamp is None:
            tp = TopicPartition(topic, partition)
            self.consumer.assign([tp])
            self.consumer.seek(tp, offset)
            records = self.consumer.poll(timeout_ms=2000, max_records=1).get(tp, [])
            if not records:
                return 0.0
            stamp = self._stamps[key] = records[0].timestamp / 1000.0
            while len(self._stamps) > 10_000:
                self._stamps.pop(next(iter(self._stamps)))
        return max(0.0, time.time() - stamp)

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
        # the trends worker is optional: watched once its group has committed or has members
        rows = [
            r
            for r in rows
            if r.stage != TRENDS or r.members or any(p.committed is not None for p in r.partitions)
        ]
        replicas = self.replication()
        for row in rows:
            own = own_topics(self.settings, row.stage)
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
        source = source_of(self.settings, stage)
        group = self.settings.group(stage)
        try:
            now = self.snapshot(stage)
        except (KafkaError, OSError) as exc:
            return StageLag(
                stage, group, source, -1, -1.0, 0.0, 0, "ERROR", [], str(exc), time.time()
            )
        hist = self.history[stage]
        hist.append(now)
        while len(hist) > 1 and (
            now.at - hist[0].at > WINDOW_SECONDS or len(hist) > WINDOW_SAMPLES
        ):
            hist.pop(0)
        verdict = judge_window(hist)
        rows = []
        for p, end in now.ends.items():
            c = now.committed.get(p)
            lag = verdict.partitions[p]
            age = self._age_of(source, p, c or 0) if lag > 0 else 0.0
            rows.append(PartitionLag(p, c, end, lag, round(age, 3), verdict.partition_status[p]))
        total, rate, status = verdict.lag, verdict.rate, verdict.status
        seconds = max((r.lag_seconds for r in rows), default=0.0)
        return StageLag(
            stage,
            group,
            source,
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
