"""The exporter's kafka-lag-exporter series and status label set, built from one reading and
read back with Prometheus' Python parser."""

from __future__ import annotations

from typing import Any

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.parser import text_string_to_metric_families
from prometheus_client.registry import Collector

from streams.ops.exporter import lag_exporter_families
from streams.ops.lag import STATES, GroupPartition, StageLag


class _Fixed(Collector):
    def __init__(self, families: list[Any]) -> None:
        self.families = families

    def collect(self) -> Any:
        return iter(self.families)


def _series(parts: list[GroupPartition], stages: list[StageLag]) -> dict[str, list[Any]]:
    registry = CollectorRegistry()
    registry.register(_Fixed(lag_exporter_families("prod", parts, stages)))
    text = generate_latest(registry).decode()
    out: dict[str, list[Any]] = {}
    for family in text_string_to_metric_families(text):
        out[family.name] = [(s.labels, s.value) for s in family.samples]
    return out


PARTS = [
    GroupPartition("g-clean", "articles.raw", 0, 10, 15, 5, 2.5, 0, "10.0.0.7", "m-1", "c-1"),
    GroupPartition("g-clean", "articles.raw", 1, None, 4, 4, 9.0, 0),  # nothing committed
    GroupPartition("g-trends", "entities.mentions", 0, 7, 7, 0, 0.0, 3, "10.0.0.8", "m-2", "c-2"),
    GroupPartition("g-trends", "articles.raw", 0, 15, 15, 0, 0.0, 0),  # same partition again
]


def test_partition_series_carry_kafka_lag_exporter_labels() -> None:
    s = _series(PARTS, [])
    lag = {
        (d["group"], d["topic"], d["partition"]): (d, v)
        for d, v in s["kafka_consumergroup_group_lag"]
    }
    labels, value = lag[("g-clean", "articles.raw", "0")]
    assert value == 5 and labels == {
        "cluster_name": "prod",
        "group": "g-clean",
        "topic": "articles.raw",
        "partition": "0",
        "member_host": "10.0.0.7",
        "consumer_id": "m-1",
        "client_id": "c-1",
    }
    assert lag[("g-clean", "articles.raw", "1")][1] == 4
    seconds = {
        (d["group"], d["topic"], d["partition"]): v
        for d, v in s["kafka_consumergroup_group_lag_seconds"]
    }
    assert seconds == {
        ("g-clean", "articles.raw", "0"): 2.5,
        ("g-clean", "articles.raw", "1"): 9.0,
        ("g-trends", "entities.mentions", "0"): 0.0,
        ("g-trends", "articles.raw", "0"): 0.0,
    }
    # a partition with nothing committed has lag but no offset series
    offsets = {
        (d["group"], d["topic"], d["partition"]): v
        for d, v in s["kafka_consumergroup_group_offset"]
    }
    assert ("g-clean", "articles.raw", "1") not in offsets
    assert offsets[("g-clean", "articles.raw", "0")] == 10
    assert offsets[("g-trends", "entities.mentions", "0")] == 7


def test_group_aggregates_and_partition_offsets() -> None:
    s = _series(PARTS, [])
    assert {d["group"]: v for d, v in s["kafka_consumergroup_group_max_lag"]} == {
        "g-clean": 5,
        "g-trends": 0,
    }
    assert {d["group"]: v for d, v in s["kafka_consumergroup_group_sum_lag"]} == {
        "g-clean": 9,
        "g-trends": 0,
    }
    assert {d["group"]: v for d, v in s["kafka_consumergroup_group_max_lag_seconds"]} == {
        "g-clean": 9.0,
        "g-trends": 0.0,
    }
    topic_sums = {
        (d["group"], d["topic"]): v for d, v in s["kafka_consumergroup_group_topic_sum_lag"]
    }
    assert topic_sums == {
        ("g-clean", "articles.raw"): 9,
        ("g-trends", "entities.mentions"): 0,
        ("g-trends", "articles.raw"): 0,
    }
    # one series per topic partition, however many groups read it
    latest = [(d["topic"], d["partition"], v) for d, v in s["kafka_partition_latest_offset"]]
    assert sorted(latest) == [
        ("articles.raw", "0", 15),
        ("articles.raw", "1", 4),
        ("entities.mentions", "0", 7),
    ]
    earliest = {(d["topic"], d["partition"]): v for d, v in s["kafka_partition_earliest_offset"]}
    assert earliest[("entities.mentions", "0")] == 3
    assert all(d["cluster_name"] == "prod" for d, _ in s["kafka_partition_latest_offset"])


def test_status_is_a_label_set_with_one_series_per_state() -> None:
    stages = [
        StageLag("clean", "g-clean", "articles.raw", 9, 9.0, 0.0, 0, "STOPPED"),
        StageLag("language", "g-language", "articles.clean", 0, 0.0, 1.0, 1, "OK"),
    ]
    s = _series([], stages)
    states = {(d["stage"], d["state"]): v for d, v in s["newswire_stage_state"]}
    assert len(states) == 2 * len(STATES)
    assert [st for (stage, st), v in states.items() if stage == "clean" and v == 1] == ["STOPPED"]
    assert [st for (stage, st), v in states.items() if stage == "language" and v == 1] == ["OK"]
    assert sum(states.values()) == 2
