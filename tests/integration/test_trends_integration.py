"""Entity trends on the real broker: enriched articles with known entities in two windows
come out on entities.trending with the right counts and changes, copies counted once,
through a SIGKILL of the trends worker between the windows and a restart as two workers
(each rebuilding its partitions' counts from entities.mentions)."""

from __future__ import annotations

import signal
import time
from datetime import UTC, datetime
from typing import Any

import orjson
import pytest
from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer, TopicPartition

from schemas import TrendingWindow, decode, encode
from schemas.models import EnrichedArticle
from streams.pipeline import TRENDS
from streams.topics import trends_topics
from tests.conftest import ROOT

pytestmark = pytest.mark.integration

SIZE = 30  # seconds: the test's window
FIXTURE = ROOT / "tests" / "fixtures" / "records" / "1.3" / "EnrichedArticle.jsonl"


def enriched(
    article_id: str, at: float, entities: dict[tuple[str, str], int], copy_of: str | None = None
) -> EnrichedArticle:
    """A real enriched record (the fixture's) with this id, arrival time and entities."""
    base = orjson.loads(FIXTURE.read_bytes().splitlines()[0])
    stamp = datetime.fromtimestamp(at, UTC)
    base.update(
        id=article_id,
        duplicate_of=copy_of,
        similarity=0.9 if copy_of else None,
        story_id=copy_of or article_id,
        trace=[{**t, "at": stamp.isoformat()} for t in base["trace"]],
        entities=[
            {"name": n, "label": lab, "mentions": [], "count": c, "salience": 0.5}
            for (n, lab), c in entities.items()
        ],
    )
    return EnrichedArticle.model_validate(base)


LISBON, ANA, PORTO = ("Lisbon", "GPE"), ("Ana Silva", "PERSON"), ("Porto", "GPE")


def first_window(start: float) -> list[EnrichedArticle]:
    """4 stories: Lisbon in 3 (4 mentions), Ana Silva in 2 (3), Porto in 1; and 2 copies."""
    return [
        enriched("w1-s1", start + 1, {LISBON: 2, ANA: 1}),
        enriched("w1-s2", start + 2, {LISBON: 1}),
        enriched("w1-s3", start + 3, {LISBON: 1, ANA: 2}),
        enriched("w1-s4", start + 4, {PORTO: 1}),
        enriched("w1-c1", start + 5, {LISBON: 2, ANA: 1}, copy_of="w1-s1"),
        enriched("w1-c2", start + 6, {LISBON: 2, ANA: 1}, copy_of="w1-s1"),
    ]


def second_window(start: float) -> list[EnrichedArticle]:
    """6 stories: Lisbon in 5, Porto in 4 (8 mentions), Ana Silva in 1; 3 copies."""
    out = []
    for i in range(6):
        ents = {}
        if i < 5:
            ents[LISBON] = 1
        if i >= 2:
            ents[PORTO] = 2
        if i == 0:
            ents[ANA] = 1
        out.append(enriched(f"w2-s{i}", start + 1 + i, ents))
    out += [enriched(f"w2-c{i}", start + 10 + i, {PORTO: 3}, copy_of="w2-s3") for i in range(3)]
    return out


def publish(pipeline: Any, records: list[EnrichedArticle]) -> None:
    producer = KafkaProducer(bootstrap_servers=pipeline.settings.bootstrap_servers, acks="all")
    for r in records:
        producer.send(pipeline.topic("enriched"), key=r.id.encode(), value=encode(r))
    producer.flush()
    producer.close()


def wait_counted(pipeline: Any, timeout: float = 120) -> None:
    """Until the trends group has committed articles.enriched and entities.mentions to their
    end offsets (read from the broker)."""
    t = trends_topics(pipeline.settings)
    admin = KafkaAdminClient(bootstrap_servers=pipeline.settings.bootstrap_servers)
    consumer = KafkaConsumer(bootstrap_servers=pipeline.settings.bootstrap_servers)
    tps = [
        TopicPartition(topic, p)
        for topic in (t.source, t.mentions)
        for p in range(pipeline.settings.partitions)
    ]
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            ends = consumer.end_offsets(tps)
            group = pipeline.settings.group(TRENDS)
            done = admin.list_group_offsets({group: None}).get(group, {})
            behind = {tp: ends[tp] - (done[tp].offset if tp in done else 0) for tp in tps}
            if all(v <= 0 for v in behind.values()):
                return
            time.sleep(0.5)
    finally:
        admin.close()
        consumer.close()
    raise AssertionError(f"trends did not count everything: {behind}\n{pipeline.logs()}")


def read_windows(pipeline: Any, starts: list[int], timeout: float) -> dict[int, TrendingWindow]:
    topic = pipeline.settings.entities_topic("trending")
    consumer = KafkaConsumer(
        bootstrap_servers=pipeline.settings.bootstrap_servers, auto_offset_reset="earliest"
    )
    consumer.assign([TopicPartition(topic, p) for p in range(pipeline.settings.partitions)])
    found: dict[int, list[TrendingWindow]] = {}
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline and not all(s in found for s in starts):
            for records in consumer.poll(timeout_ms=500).values():
                for r in records:
                    w = decode(r.value, TrendingWindow)
                    assert r.key == f"{SIZE}s@{w.start:%Y-%m-%dT%H:%M:%SZ}".encode()
                    found.setdefault(int(w.start.timestamp()), []).append(w)
    finally:
        consumer.close()
    missing = [s for s in starts if s not in found]
    assert not missing, (missing, sorted(found), pipeline.logs())
    for s in starts:  # a window sent twice (a restart) is the same record
        assert len({w.model_dump_json(exclude={"generated_at"}) for w in found[s]}) == 1
    return {s: found[s][-1] for s in starts}


def counts(w: TrendingWindow) -> dict[tuple[str, str], tuple[int, int, int, int]]:
    return {
        (e.name, e.label): (e.articles, e.mentions, e.previous_articles, e.change)
        for e in w.entities
    }


def test_trends_in_two_windows_through_a_kill_and_two_workers_integration(pipeline) -> None:
    pipeline.env.update(NEWSWIRE_TRENDS_WINDOWS=f"{SIZE}s", NEWSWIRE_TRENDS_GRACE_SECONDS="2")
    now = time.time()
    w1 = (int(now) // SIZE + 2) * SIZE  # at least 30 s away: the kill and restart fit before
    w2 = w1 + SIZE
    pipeline.start(TRENDS)
    pipeline.wait_joined([TRENDS])
    publish(pipeline, first_window(w1))
    wait_counted(pipeline)
    pipeline.stop(TRENDS, sig=signal.SIGKILL)  # its counts were only in memory
    publish(pipeline, second_window(w2))
    pipeline.start(TRENDS)
    pipeline.start(TRENDS, name="trends-2")
    pipeline.wait_joined([TRENDS])
    assert time.time() < w1 + SIZE, "the restart took longer than the test's window"
    wait_counted(pipeline)
    windows = read_windows(pipeline, [w1, w2], timeout=w2 + SIZE + 60 - time.time())

    first, second = windows[w1], windows[w2]
    assert (first.articles, first.previous_articles) == (4, 0)
    assert counts(first) == {
        LISBON: (3, 4, 0, 3),
        ANA: (2, 3, 0, 2),
        PORTO: (1, 1, 0, 1),
    }
    assert [e.rank for e in first.entities] == [1, 2, 3]
    assert (second.articles, second.previous_articles) == (6, 4)
    assert counts(second) == {
        LISBON: (5, 5, 3, 2),
        PORTO: (4, 8, 1, 3),
        ANA: (1, 1, 2, -1),
    }
    assert [(e.name, e.rank) for e in second.entities] == [
        ("Lisbon", 1),
        ("Porto", 2),
        ("Ana Silva", 3),
    ]
    assert second.end.timestamp() == w2 + SIZE

    shown = pipeline.newswire("trends", "--window", f"{SIZE}s", "--top", "2", "--json")
    assert shown.returncode == 0, shown.stderr
    last = TrendingWindow.model_validate_json(shown.stdout)
    assert int(last.start.timestamp()) == w2 and [e.name for e in last.entities] == [
        "Lisbon",
        "Porto",
    ]
    table = pipeline.newswire("trends", "--window", f"{SIZE}s")
    assert table.returncode == 0 and b"Ana Silva" in table.stdout and b"-1" in table.stdout
    none = pipeline.newswire("trends", "--window", "1d")
    assert none.returncode == 1 and b"no closed 1d window" in none.stderr
