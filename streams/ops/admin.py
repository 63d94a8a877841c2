"""Topic administration with kafka-python's admin client."""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from typing import Any

from kafka import KafkaAdminClient
from kafka.admin import NewTopic
from kafka.errors import KafkaError, TopicAlreadyExistsError

from streams.settings import Settings, replication_for
from streams.topics import all_topics, internal_topics, trends_topics


def admin_client(settings: Settings) -> KafkaAdminClient:
    return KafkaAdminClient(**{"client_id": "newswire-admin", **settings.kafka_options("admin")})


def brokers_of(admin: KafkaAdminClient) -> int:
    """How many brokers the cluster reports."""
    return len(admin.describe_cluster().get("brokers") or [])


def topic_configs(settings: Settings, min_isr: int) -> dict[str, str]:
    """Every pipeline topic's settings: newswire's size limit, and durability that never
    trades an acknowledged record for availability."""
    return {
        "max.message.bytes": str(max(settings.max_message_bytes + 65536, 1048588)),
        "min.insync.replicas": str(min_isr),
        "unclean.leader.election.enable": "false",
    }


def state_configs(settings: Settings) -> dict[str, str]:
    """A stage's state topic keeps what its window needs, and no longer."""
    return {
        "retention.ms": str(int(settings.dedup_window_hours * 3_600_000)),
        "cleanup.policy": "delete",
    }


def trends_configs(settings: Settings) -> dict[str, str]:
    """The trends worker's own topics keep a window and the one before it, and no longer."""
    return {"retention.ms": str(settings.trends_retention_ms()), "cleanup.policy": "delete"}


def configs_for(settings: Settings, topic: str, min_isr: int) -> dict[str, str]:
    """A topic's settings at creation: every topic's, and a state topic's retention."""
    extra: dict[str, str] = {}
    if topic in internal_topics(settings):
        extra = state_configs(settings)
    elif topic in trends_topics(settings).internal:
        extra = trends_configs(settings)
    return {**topic_configs(settings, min_isr), **extra}


def create_topics(settings: Settings, names: list[str] | None = None) -> dict[str, str]:
    """Create the pipeline's topics if they are missing, replicated as the cluster allows
    (`replication_for`). Idempotent: returns each topic with 'created' or 'exists'."""
    names = names or all_topics(settings)
    admin = admin_client(settings)
    try:
        existing = set(admin.list_topics())
        result = {n: "exists" for n in names if n in existing}
        missing = [n for n in names if n not in existing]
        if missing:
            rf, min_isr = replication_for(settings, brokers_of(admin))
            new = [
                NewTopic(
                    name=n,
                    num_partitions=settings.partitions,
                    replication_factor=rf,
                    topic_configs=configs_for(settings, n, min_isr),
                )
                for n in missing
            ]
            try:
                admin.create_topics(new, validate_only=False)
            except TopicAlreadyExistsError:
                pass  # created by someone else in the meantime: what we wanted
            for n in missing:
                result[n] = f"created (replication {rf}, min.insync.replicas {min_isr})"
            wait_described(admin, missing, settings.partitions)
        return result
    finally:
        admin.close()


def unready(described: list[dict[str, Any]], names: list[str], partitions: int) -> list[str]:
    """The topics of `names` that `described` does not yet show with `partitions` led
    partitions (pure)."""
    led: dict[str, int] = {}
    for p in partitions_of(described):
        if p.leader >= 0:
            led[p.topic] = led.get(p.topic, 0) + 1
    return [n for n in names if led.get(n, 0) < partitions]


def wait_described(
    admin: KafkaAdminClient, names: list[str], partitions: int, timeout: float = 30.0
) -> list[str]:
    """Wait until every broker's metadata a client may ask shows the new topics with a
    leader per partition: on a cluster, a topic just created is not yet known everywhere.
    Returns the topics still unready when `timeout` ran out (a stage retries those itself)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            left = unready(admin.describe_topics(names), names, partitions)
        except KafkaError:
            left = list(names)
        if not left or time.monotonic() >= deadline:
            return left
        time.sleep(0.2)


@dataclass(frozen=True)
class ReplicaState:
    """A partition whose in-sync replicas are fewer than its replicas."""

    topic: str
    partition: int
    leader: int  # -1: no leader, the partition is offline
    replicas: tuple[int, ...]
    isr: tuple[int, ...]
    min_isr: int

    @property
    def writable(self) -> bool:
        """Can an acks=all write succeed now (a leader and at least min.insync.replicas)?"""
        return self.leader >= 0 and len(self.isr) >= self.min_isr

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "writable": self.writable}


@dataclass(frozen=True)
class PartitionState:
    """One partition as describe_topics tells it (kafka-python 3's field names or the older
    ones)."""

    topic: str
    partition: int
    leader: int  # -1: none
    replicas: tuple[int, ...]
    isr: tuple[int, ...]


def partitions_of(described: list[dict[str, Any]]) -> list[PartitionState]:
    """Every partition of kafka-python's describe_topics answer, field names made one (pure)."""
    out = []
    for t in described:
        topic = str(t.get("name") or t.get("topic"))
        for p in t.get("partitions") or []:
            leader = p.get("leader_id", p.get("leader"))
            out.append(
                PartitionState(
                    topic,
                    int(p.get("partition_index", p.get("partition"))),
                    -1 if leader is None else int(leader),
                    tuple(p.get("replica_nodes", p.get("replicas")) or ()),
                    tuple(p.get("isr_nodes", p.get("isr")) or ()),
                )
            )
    return out


def under_replicated(
    described: list[dict[str, Any]], min_isr: dict[str, int] | None = None
) -> list[ReplicaState]:
    """The partitions of `described` (kafka-python's describe_topics) with fewer in-sync
    replicas than replicas, or with no leader (pure)."""
    rows = [
        ReplicaState(
            p.topic, p.partition, p.leader, p.replicas, p.isr, (min_isr or {}).get(p.topic, 1)
        )
        for p in partitions_of(described)
        if len(p.isr) < len(p.replicas) or p.leader < 0
    ]
    return sorted(rows, key=lambda r: (r.topic, r.partition))


def replication_report(admin: KafkaAdminClient, topics: list[str]) -> list[ReplicaState]:
    """The under-replicated partitions of `topics` that exist, read from the broker."""
    from kafka.admin import ConfigResource, ConfigResourceType

    existing = set(admin.list_topics())
    present = [t for t in topics if t in existing]
    if not present:
        return []
    described = admin.describe_topics(present)
    min_isr: dict[str, int] = {}
    try:
        res = admin.describe_configs(
            [
                ConfigResource(ConfigResourceType.TOPIC, t, configs={"min.insync.replicas": None})
                for t in present
            ],
            config_filter="all",
        )
        min_isr = min_isr_of(res)
    except (KafkaError, KeyError, TypeError, ValueError):  # named partitions still reported
        min_isr = {}
    return under_replicated(described, min_isr)


def min_isr_of(described: dict[str, Any]) -> dict[str, int]:
    """min.insync.replicas per topic from kafka-python's describe_configs answer (pure)."""
    out: dict[str, int] = {}
    for name, configs in (described.get("topic") or {}).items():
        entry = configs.get("min.insync.replicas")
        if entry is not None:
            out[name] = int(entry["value"] if isinstance(entry, dict) else entry)
    return out
