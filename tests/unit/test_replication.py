"""Replication settings, the under-replicated report and the local cluster's layout (pure:
no broker; the cluster itself runs in tests/integration/test_cluster_integration.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from kafka.errors import KafkaError

from streams.ops import kafka as local_kafka
from streams.ops.admin import (
    ReplicaState,
    min_isr_of,
    topic_configs,
    under_replicated,
    unready,
    wait_described,
)
from streams.ops.lag import StageLag, exit_code
from streams.settings import Settings, replication_for


@pytest.mark.parametrize(
    ("brokers", "expected"), [(1, (1, 1)), (2, (2, 1)), (3, (3, 2)), (5, (3, 2))]
)
def test_unset_replication_follows_the_cluster(brokers: int, expected: tuple[int, int]) -> None:
    assert replication_for(Settings(), brokers) == expected


def test_a_set_factor_and_min_isr_are_kept() -> None:
    assert replication_for(Settings(replication_factor=5), 5) == (5, 4)
    assert replication_for(Settings(replication_factor=3, min_insync_replicas=3), 3) == (3, 3)
    assert replication_for(Settings(replication_factor=1), 3) == (1, 1)


def test_a_factor_above_the_broker_count_is_refused_plainly() -> None:
    with pytest.raises(ValueError, match="replication factor 3 needs 3 brokers; the cluster has 2"):
        replication_for(Settings(replication_factor=3), 2)
    with pytest.raises(
        ValueError, match=r"min\.insync\.replicas 3 is above the replication factor 2"
    ):
        replication_for(Settings(min_insync_replicas=3), 2)
    with pytest.raises(ValueError, match="no brokers"):
        replication_for(Settings(), 0)


def test_topic_configs_refuse_unclean_elections_and_carry_min_isr() -> None:
    cfg = topic_configs(Settings(max_message_bytes=2_000_000), 2)
    assert cfg == {
        "max.message.bytes": "2065536",
        "min.insync.replicas": "2",
        "unclean.leader.election.enable": "false",
    }
    assert topic_configs(Settings(max_message_bytes=1024), 1)["max.message.bytes"] == "1048588"


def _part(i: int, leader: int | None, replicas: list[int], isr: list[int]) -> dict[str, object]:
    return {"partition_index": i, "leader_id": leader, "replica_nodes": replicas, "isr_nodes": isr}


def test_under_replicated_names_partitions_short_of_replicas_or_without_leader() -> None:
    described = [
        {
            "name": "a",
            "partitions": [
                _part(0, 1, [1, 2, 3], [1, 2, 3]),
                _part(1, 3, [2, 3, 1], [3, 1]),
                _part(2, -1, [3], [3]),
            ],
        },
        {"name": "b", "partitions": [_part(0, 2, [2, 3, 1], [2])]},
    ]
    rows = under_replicated(described, {"a": 2, "b": 2})
    assert [(r.topic, r.partition) for r in rows] == [("a", 1), ("a", 2), ("b", 0)]
    a1, a2, b0 = rows
    assert a1 == ReplicaState("a", 1, 3, (2, 3, 1), (3, 1), 2) and a1.writable
    assert a2.leader == -1 and not a2.writable  # offline: no leader
    assert b0.isr == (2,) and not b0.writable  # one in sync, two needed
    assert b0.as_dict()["writable"] is False and b0.as_dict()["replicas"] == (2, 3, 1)


def test_under_replicated_reads_the_older_field_names_and_defaults_min_isr_to_one() -> None:
    rows = under_replicated(
        [
            {
                "topic": "t",
                "partitions": [{"partition": 4, "leader": None, "replicas": [1, 2], "isr": [1, 2]}],
            }
        ]
    )
    assert rows == [ReplicaState("t", 4, -1, (1, 2), (1, 2), 1)]


def test_exactly_full_isr_is_not_reported() -> None:
    assert under_replicated([{"name": "t", "partitions": [_part(0, 1, [1, 2], [2, 1])]}]) == []


def test_min_isr_of_reads_the_describe_configs_answer() -> None:
    answer = {
        "topic": {
            "x": {"min.insync.replicas": {"value": "2", "read_only": False}},
            "y": {"min.insync.replicas": "3"},
            "z": {},
        }
    }
    assert min_isr_of(answer) == {"x": 2, "y": 3}
    assert min_isr_of({}) == {}


def _stage(under: list[dict[str, object]]) -> StageLag:
    row = StageLag("s", "g", "t", 0, 0.0, 0.0, 1, "OK")
    row.under_replicated = under
    return row


def test_exit_code_warns_on_under_replicated_and_fails_on_unwritable() -> None:
    ok = ReplicaState("t", 0, 1, (1, 2, 3), (1, 2), 2).as_dict()
    bad = ReplicaState("t", 1, 1, (1, 2, 3), (1,), 2).as_dict()
    assert exit_code([_stage([])]) == 0
    assert exit_code([_stage([ok])]) == 1
    assert exit_code([_stage([ok]), _stage([bad])]) == 2


def test_cluster_nodes_take_port_pairs_and_their_own_directories(tmp_path: Path) -> None:
    s = Settings(home=tmp_path, kafka_port=30000, kafka_controller_port=30001)
    single = local_kafka.nodes(s)
    assert [(n.id, n.port, n.controller_port) for n in single] == [(1, 30000, 30001)]
    assert single[0].dir == tmp_path.resolve() / "kafka"
    three = local_kafka.nodes(s, 3)
    assert [(n.id, n.port, n.controller_port) for n in three] == [
        (1, 30000, 30001),
        (2, 30002, 30003),
        (3, 30004, 30005),
    ]
    assert len({n.dir for n in three}) == 3 and all(n.dir.name == f"node-{n.id}" for n in three)
    assert local_kafka.bootstrap_of(s, 3) == "127.0.0.1:30000,127.0.0.1:30002,127.0.0.1:30004"
    with pytest.raises(local_kafka.KafkaError):
        local_kafka.nodes(s, 0)


def test_cluster_config_replicates_three_times_and_never_elects_unclean(tmp_path: Path) -> None:
    s = Settings(home=tmp_path, kafka_port=30000, kafka_controller_port=30001)
    cluster = local_kafka.nodes(s, 3)
    text = local_kafka._write_config(s, cluster[1], cluster).read_text()
    lines = dict(line.split("=", 1) for line in text.splitlines() if "=" in line)
    assert lines["node.id"] == "2"
    assert lines["controller.quorum.voters"] == (
        "1@127.0.0.1:30001,2@127.0.0.1:30003,3@127.0.0.1:30005"
    )
    assert lines["listeners"] == "PLAINTEXT://127.0.0.1:30002,CONTROLLER://127.0.0.1:30003"
    assert lines["advertised.listeners"] == "PLAINTEXT://127.0.0.1:30002"
    for key in (
        "default.replication.factor",
        "offsets.topic.replication.factor",
        "transaction.state.log.replication.factor",
    ):
        assert lines[key] == "3", key
    assert lines["min.insync.replicas"] == "2" and lines["transaction.state.log.min.isr"] == "2"
    assert lines["unclean.leader.election.enable"] == "false"
    single = local_kafka._write_config(s, local_kafka.nodes(s)[0], local_kafka.nodes(s))
    one = dict(line.split("=", 1) for line in single.read_text().splitlines() if "=" in line)
    assert one["default.replication.factor"] == "1" and one["min.insync.replicas"] == "1"


def test_cluster_size_is_remembered_and_defaults_to_one(tmp_path: Path) -> None:
    s = Settings(home=tmp_path)
    assert local_kafka.cluster_size(s) == 1
    (tmp_path / "kafka").mkdir(parents=True, exist_ok=True)
    (tmp_path / "kafka" / "brokers").write_text("3\n")
    assert local_kafka.cluster_size(s) == 3
    (tmp_path / "kafka" / "brokers").write_text("garbage")
    assert local_kafka.cluster_size(s) == 1


def test_cluster_ids_never_start_with_a_dash(monkeypatch: pytest.MonkeyPatch) -> None:
    import uuid

    dashed = uuid.UUID(bytes=b"\xfb" + bytes(15))  # base64 "-w…": read as an option
    plain = uuid.UUID(bytes=bytes(16))
    ids = iter([dashed, plain])
    monkeypatch.setattr(uuid, "uuid4", lambda: next(ids))
    assert local_kafka.new_cluster_id() == "AAAAAAAAAAAAAAAAAAAAAA"


def _described(topic: str, leaders: list[int]) -> dict[str, object]:
    return {
        "topic": topic,
        "partitions": [
            {"partition": i, "leader": leader, "replicas": [1, 2, 3], "isr": [1, 2, 3]}
            for i, leader in enumerate(leaders)
        ],
    }


def test_unready_names_topics_missing_or_short_of_led_partitions() -> None:
    described = [_described("a", [1, 2]), _described("b", [1, -1]), _described("c", [3])]
    assert unready(described, ["a", "b", "c", "d"], 2) == ["b", "c", "d"]
    assert unready(described, ["a"], 2) == []
    assert unready(described, ["c"], 1) == []
    assert unready([], ["a"], 1) == ["a"]


class _SlowMetadata:
    """An admin client whose metadata shows a new topic only on the third question."""

    def __init__(self) -> None:
        self.asked = 0

    def describe_topics(self, names: list[str]) -> list[dict[str, object]]:
        self.asked += 1
        if self.asked == 1:
            raise KafkaError("not yet")
        return [_described(n, [1]) for n in names] if self.asked >= 3 else []


def test_wait_described_polls_until_every_topic_has_a_leader() -> None:
    admin = _SlowMetadata()
    assert wait_described(admin, ["a", "b"], 1, timeout=10) == []  # type: ignore[arg-type]
    assert admin.asked == 3


def test_wait_described_gives_up_at_the_deadline_with_what_is_unready() -> None:
    admin = _SlowMetadata()
    assert wait_described(admin, ["a"], 2, timeout=0.5) == ["a"]  # type: ignore[arg-type]
    assert admin.asked >= 2
