"""A three-node KRaft cluster (``newswire kafka start --brokers 3``) loses the broker that
leads most of the pipeline's records, with SIGKILL, while articles flow through all three
stages; it comes back a little later. Every article comes out on articles.enriched exactly
once, and ``newswire lag`` reports the under-replicated partitions while the broker is down
and a fully in-sync cluster once it has caught up. Run alone: ``pytest -m cluster``."""

from __future__ import annotations

import os
import signal
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
from kafka import KafkaConsumer, TopicPartition

from schemas import EnrichedArticle, RawArticle, decode
from streams.client import Publisher
from streams.ops import kafka as local_kafka
from streams.ops.admin import admin_client, partitions_of, wait_described
from streams.settings import Settings
from streams.topics import all_topics
from tests.integration.conftest import Pipeline, free_ports, once

pytestmark = [pytest.mark.integration, pytest.mark.cluster]

ARTICLES = int(os.environ.get("NEWSWIRE_CLUSTER_ARTICLES", "240"))
WINDOW = float(os.environ.get("NEWSWIRE_CLUSTER_WINDOW", "40"))  # seconds of publishing
TOPICS = ("Lisbon", "Warsaw", "Nairobi", "Lima", "Hanoi", "Oslo", "Quito", "Accra")


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    base = free_ports(6)
    settings = Settings(
        home=tmp_path_factory.mktemp("cluster") / "home",
        kafka_port=base,
        kafka_controller_port=base + 1,
    )
    try:
        local_kafka.start(settings, timeout=240, brokers=3)
    except local_kafka.KafkaError as exc:
        pytest.fail(f"the three-node cluster did not start: {exc}")
    yield settings.model_copy(update={"bootstrap_servers": local_kafka.bootstrap_of(settings, 3)})
    local_kafka.stop(settings, timeout=30)


def _article(i: int) -> RawArticle:
    city = TOPICS[i % len(TOPICS)]
    return RawArticle(
        text=f"Bulletin {i}. The port authority of {city} reopened two terminals on Tuesday "
        f"after a strike, union leaders and the transport minister said in a joint statement."
    )


def _publish(pipeline: Pipeline, sent: list[str]) -> None:
    pause = WINDOW / ARTICLES
    with Publisher(pipeline.settings) as pub:
        for i in range(ARTICLES):
            a = _article(i)
            pub.publish(a)
            sent.append(a.id)
            if i % 10 == 9:
                pub.flush()
            time.sleep(pause)


def _busiest_leader(settings: Settings, topics: list[str]) -> tuple[int, dict[int, int]]:
    """The broker leading the most records of `topics` (end offsets summed per leader)."""
    admin = admin_client(settings)
    consumer = KafkaConsumer(bootstrap_servers=settings.bootstrap_servers)
    try:
        load: Counter[int] = Counter()
        for p in partitions_of(admin.describe_topics(topics)):
            tp = TopicPartition(p.topic, p.partition)
            load[p.leader] += consumer.end_offsets([tp])[tp] + 1
    finally:
        consumer.close()
        admin.close()
    return load.most_common(1)[0][0], dict(load)


def _lag_json(pipeline: Pipeline) -> tuple[int, list[dict[str, Any]]]:
    proc = pipeline.newswire("lag", "--json", "--window", "0.5", timeout=120)
    rows = orjson.loads(proc.stdout) if proc.stdout.strip() else []
    return proc.returncode, rows


def _wait_lag(pipeline: Pipeline, under: bool, timeout: float) -> tuple[int, list[dict[str, Any]]]:
    """Run `newswire lag --json` until it reports under-replicated partitions (or none)."""
    deadline = time.monotonic() + timeout
    code, rows = _lag_json(pipeline)
    while time.monotonic() < deadline:
        flagged = [p for r in rows for p in r.get("under_replicated", [])]
        if bool(flagged) == under:
            return code, rows
        time.sleep(1)
        code, rows = _lag_json(pipeline)
    raise AssertionError(f"lag never reported under_replicated={under}: {rows}")


def test_leader_killed_while_articles_flow_loses_and_duplicates_nothing_integration(
    cluster: Settings, tmp_path: Path
) -> None:
    pipeline = Pipeline(cluster.bootstrap_servers, "cluster-leader-kill", tmp_path)
    try:
        admin = admin_client(pipeline.settings)
        try:
            names = all_topics(pipeline.settings)
            assert wait_described(admin, names, pipeline.settings.partitions) == []
            described = partitions_of(admin.describe_topics(names))
        finally:
            admin.close()
        assert {len(p.replicas) for p in described} == {3}, described
        for stage in ("clean", "language", "dedup", "entities"):
            pipeline.start(stage)
        pipeline.wait_joined()
        sent: list[str] = []
        publisher = threading.Thread(target=_publish, args=(pipeline, sent), daemon=True)
        publisher.start()
        time.sleep(WINDOW / 4)
        topics = [pipeline.topic(s) for s in ("raw", "clean", "lang", "enriched")]
        victim, load = _busiest_leader(pipeline.settings, topics)
        sent_before = len(sent)
        assert local_kafka.kill(cluster, victim, signal.SIGKILL) is not None
        killed_at = time.monotonic()
        code, rows = _wait_lag(pipeline, under=True, timeout=90)
        flagged = {(p["topic"], p["partition"]) for r in rows for p in r["under_replicated"]}
        assert code >= 1, "under-replicated partitions must not exit 0"
        assert all(victim not in p["isr"] for r in rows for p in r["under_replicated"])
        assert all(p["writable"] for r in rows for p in r["under_replicated"]), rows
        time.sleep(max(0.0, 10 - (time.monotonic() - killed_at)))  # down for ten seconds
        local_kafka.start(cluster, timeout=180, brokers=3)
        down_for = time.monotonic() - killed_at
        _wait_lag(pipeline, under=False, timeout=180)
        publisher.join(timeout=300)
        assert not publisher.is_alive(), "the publisher did not finish within 300 s"
        expected = {_article(i).id for i in range(ARTICLES)}
        enriched = pipeline.read(
            "enriched",
            timeout=600,
            drain=True,
            until=lambda ms: len({m.key for m in ms}) >= ARTICLES,
        )
        ids = [decode(m.value, EnrichedArticle).id for m in enriched]
        code_after, rows_after = _lag_json(pipeline)
        lost, duplicated = once(ids, expected)
        print(
            f"cluster: 3 brokers, articles {ARTICLES}, killed broker {victim} (records led "
            f"{load}) after {sent_before} sent, down {down_for:.1f}s, under-replicated "
            f"partitions seen {len(flagged)}, lag exit code {code} then {code_after}, "
            f"lost {len(lost)}, duplicated {len(duplicated)}"
        )
        assert not lost, (len(lost), pipeline.logs())
        assert not duplicated, duplicated
        assert set(ids) == expected
        assert code_after == 0, rows_after
    finally:
        pipeline.stop_all()
