"""Consumer lag per stage: committed offset, end offset and lag per partition."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from kafka import KafkaAdminClient, KafkaConsumer, TopicPartition
from kafka.errors import KafkaError

from streams.settings import STAGES, Settings
from streams.topics import stage_topics


@dataclass
class PartitionLag:
    partition: int
    committed: int | None
    end: int
    lag: int


@dataclass
class StageLag:
    stage: str
    group: str
    topic: str
    lag: int
    status: str
    partitions: list[PartitionLag] = field(default_factory=list)
    error: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def measure(settings: Settings, stages: tuple[str, ...] = STAGES) -> list[StageLag]:
    opts = {"bootstrap_servers": settings.bootstrap_servers, **settings.kafka_client_options()}
    admin = KafkaAdminClient(client_id="newswire-lag", **opts)
    consumer = KafkaConsumer(client_id="newswire-lag", enable_auto_commit=False, **opts)
    out = []
    try:
        for stage in stages:
            t = stage_topics(settings, stage)
            group = settings.group(stage)
            try:
                parts = consumer.partitions_for_topic(t.source) or set()
                tps = [TopicPartition(t.source, p) for p in sorted(parts)]
                ends = consumer.end_offsets(tps) if tps else {}
                offsets = admin.list_group_offsets({group: None}).get(group, {})
                committed = {tp: om.offset for tp, om in offsets.items() if tp.topic == t.source}
                rows = []
                for tp in tps:
                    c = committed.get(tp)
                    lag = ends[tp] - (c if c is not None and c >= 0 else 0)
                    rows.append(PartitionLag(tp.partition, c, ends[tp], max(lag, 0)))
                total = sum(r.lag for r in rows)
                out.append(StageLag(stage, group, t.source, total, "OK" if total == 0 else "LAGGING", rows))
            except KafkaError as exc:
                out.append(StageLag(stage, group, t.source, -1, "ERROR", [], str(exc)))
    finally:
        consumer.close()
        admin.close()
    return out
