"""The example subscriber against the real broker: it indexes the seed, answers a query for
Hezbollah with it, and, killed (SIGKILL) and restarted mid-stream, holds every article once."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from schemas import RawArticle
from streams.client import Publisher
from tests.conftest import SEED
from tests.integration.conftest import ROOT

pytestmark = pytest.mark.integration


def _index(pipeline, db):  # type: ignore[no-untyped-def]
    return subprocess.Popen(
        [sys.executable, "-m", "examples.entity_index", "run", "--db", str(db)],
        env=pipeline.env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def _wait_index_caught_up(pipeline, db, deadline: float) -> None:  # type: ignore[no-untyped-def]
    """Until the pipeline has drained and the index's own offsets reach the enriched topic's
    end offsets: it has seen every record there is, re-deliveries included."""
    from kafka import KafkaConsumer, TopicPartition

    pipeline.wait_drained(timeout=max(1.0, deadline - time.monotonic()))
    topic = pipeline.topic("enriched")
    consumer = KafkaConsumer(bootstrap_servers=pipeline.settings.bootstrap_servers)
    try:
        tps = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or [])]
        ends = {tp.partition: off for tp, off in consumer.end_offsets(tps).items()}
    finally:
        consumer.close()
    while time.monotonic() < deadline:
        with sqlite3.connect(db) as conn:
            done = dict(
                conn.execute("SELECT partition, next_offset FROM offsets WHERE topic = ?", (topic,))
            )
        if all(done.get(p, 0) >= end for p, end in ends.items()):
            return
        time.sleep(0.5)
    raise AssertionError(f"the index did not reach the end offsets {ends}")


def _count(db) -> int:  # type: ignore[no-untyped-def]
    try:
        with sqlite3.connect(db) as conn:
            return int(conn.execute("SELECT count(*) FROM articles").fetchone()[0])
    except sqlite3.OperationalError:
        return 0


def test_entity_index_survives_a_kill_without_missing_or_double_counting_integration(
    pipeline, tmp_path
) -> None:
    db = tmp_path / "index.sqlite"
    pipeline.start("all")
    seed = RawArticle(text=SEED.read_text(encoding="utf-8"))
    others = [
        RawArticle(
            text=f"Story {i}. Officials in Oslo and Helsinki signed a new energy agreement with Sweden on Tuesday, "
            f"the ministry said."
        )
        for i in range(40)
    ]
    index = _index(pipeline, db)
    with Publisher(pipeline.settings) as pub:
        pub.publish(seed)
        for a in others[:20]:
            pub.publish(a)
    deadline = time.monotonic() + 180
    while _count(db) < 5 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _count(db) >= 5, pipeline.logs()
    os.killpg(index.pid, signal.SIGKILL)  # mid-stream: no clean shutdown, no final commit
    index.wait()
    with Publisher(pipeline.settings) as pub:
        for a in others[20:]:
            pub.publish(a)
    index = _index(pipeline, db)
    try:
        deadline = time.monotonic() + 240
        while _count(db) < 41 and time.monotonic() < deadline:
            time.sleep(0.5)
        # the index has committed everything on the topic: a re-delivered record would be in it
        _wait_index_caught_up(pipeline, db, deadline)
    finally:
        os.killpg(index.pid, signal.SIGTERM)
        index.wait(timeout=30)
    with sqlite3.connect(db) as conn:
        ids = [r[0] for r in conn.execute("SELECT id FROM articles")]
        per_entity = conn.execute(
            "SELECT count(*) FROM entities WHERE article_id = ? AND name = 'Hezbollah'", (seed.id,)
        ).fetchone()[0]
    assert sorted(ids) == sorted({seed.id, *(a.id for a in others)})
    assert per_entity == 1
    result = subprocess.run(
        [sys.executable, "-m", "examples.entity_index", "query", "Hezbollah", "--db", str(db)],
        cwd=ROOT,
        env=pipeline.env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0 and seed.id in result.stdout and "(ORG)" in result.stdout
