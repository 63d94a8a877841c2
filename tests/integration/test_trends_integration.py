"""Entity trends on the real broker: enriched articles with known entities in two windows
come out on entities.trending with the right counts and changes, copies counted once,
through a SIGKILL of the trends worker between the windows and a restart as two workers
(each rebuilding its partitions' counts from entities.mentions), in arrival time; and a
week of archived articles replayed in event time gives the seven daily windows an offline
count of the same articles gives, a late article within the grace corrects its window and
one beyond it is counted late."""

from __future__ import annotations

import random
import signal
import time
import urllib.request
from datetime import UTC, datetime
from typing import Any

import orjson
import pytest
from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer, TopicPartition

from schemas import TrendingWindow, decode, encode
from schemas.models import EnrichedArticle
from streams.pipeline import METRICS_PATH, TRENDS
from streams.topics import trends_topics
from tests.conftest import ROOT
from tests.integration.conftest import _free_port

pytestmark = pytest.mark.integration

SIZE = 30  # seconds: the test's window
FIXTURE = ROOT / "tests" / "fixtures" / "records" / "1.3" / "EnrichedArticle.jsonl"


def enriched(
    article_id: str,
    at: float,
    entities: dict[tuple[str, str], int],
    copy_of: str | None = None,
    published: float | None = None,
) -> EnrichedArticle:
    """A real enriched record (the fixture's) with this id, arrival time, publication time
    and entities."""
    base = orjson.loads(FIXTURE.read_bytes().splitlines()[0])
    stamp = datetime.fromtimestamp(at, UTC)
    base.update(
        id=article_id,
        published_at=None if published is None else datetime.fromtimestamp(published, UTC),
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


def publish(pipeline: Any, records: list[EnrichedArticle], partition: int | None = None) -> None:
    producer = KafkaProducer(bootstrap_servers=pipeline.settings.bootstrap_servers, acks="all")
    for r in records:
        producer.send(
            pipeline.topic("enriched"), key=r.id.encode(), value=encode(r), partition=partition
        )
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
    pipeline.env.update(
        NEWSWIRE_TRENDS_WINDOWS=f"{SIZE}s",
        NEWSWIRE_TRENDS_GRACE_SECONDS="2",
        NEWSWIRE_TRENDS_CLOCK="arrival",
    )
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


DAY = 86400
NAMES = [("Lisbon", "GPE"), ("Porto", "GPE"), ("Ana Silva", "PERSON"), ("NATO", "ORG")]


def read_all(
    pipeline: Any, done: Any, timeout: float
) -> list[TrendingWindow]:  # every record sent, revisions too, until done(records)
    topic = pipeline.settings.entities_topic("trending")
    consumer = KafkaConsumer(
        bootstrap_servers=pipeline.settings.bootstrap_servers, auto_offset_reset="earliest"
    )
    consumer.assign([TopicPartition(topic, p) for p in range(pipeline.settings.partitions)])
    found: list[TrendingWindow] = []
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline and not done(found):
            for records in consumer.poll(timeout_ms=500).values():
                found += [decode(r.value, TrendingWindow) for r in records]
    finally:
        consumer.close()
    assert done(found), ([(w.start, w.revision, w.articles) for w in found], pipeline.logs())
    return found


def latest(found: list[TrendingWindow]) -> dict[float, TrendingWindow]:
    out: dict[float, TrendingWindow] = {}
    for w in found:
        s = w.start.timestamp()
        if s not in out or w.revision > out[s].revision:
            out[s] = w
    return out


def test_a_replayed_week_in_event_time_gives_seven_daily_windows_integration(pipeline) -> None:
    pipeline.env.update(
        NEWSWIRE_TRENDS_WINDOWS="1d",
        NEWSWIRE_TRENDS_GRACE_SECONDS="3600",
        NEWSWIRE_TRENDS_CLOCK="event",
        NEWSWIRE_TRENDS_IDLE_SECONDS="3",
    )
    port = _free_port()
    pipeline.start(TRENDS, web_port=port)
    pipeline.wait_joined([TRENDS])
    now = time.time()
    d0 = (now // DAY - 10) * DAY  # a midnight ten days ago: a week of archives
    rng = random.Random(5)
    week = []
    for i in range(70):
        published = d0 + rng.uniform(0, 7 * DAY)
        named = rng.sample(NAMES, rng.randint(1, 3))
        week.append(
            enriched(f"wk-{i}", now, {n: rng.randint(1, 2) for n in named}, published=published)
        )
    # replayed in publication order with disorder within half an hour (under the grace),
    # then a copy (counted once) and an article just past the week, which closes its last day
    stream = sorted(week, key=lambda a: a.published_at.timestamp() + rng.uniform(0, 1800))
    stream.append(enriched("wk-copy", now, {NAMES[0]: 5}, copy_of="wk-0", published=d0 + 60))
    stream.append(enriched("wk-next", now, {NAMES[1]: 1}, published=d0 + 7 * DAY + 60))
    publish(pipeline, stream, partition=0)  # one source partition: the others go idle

    starts = [d0 + d * DAY for d in range(7)]
    found = read_all(pipeline, lambda f: set(starts) <= set(latest(f)), timeout=120)
    windows = latest(found)
    assert sorted(windows) == starts  # the eighth day is not over
    for start in starts:
        w = windows[start]
        inside = [a for a in week if start <= a.published_at.timestamp() < start + DAY]
        offline: dict[tuple[str, str], list[int]] = {}
        for a in inside:
            for e in a.entities:
                row = offline.setdefault((e.name, e.label), [0, 0])
                row[0] += 1
                row[1] += e.count
        assert (w.clock, w.revision, w.articles) == ("event", 1, len(inside))
        assert {(e.name, e.label): [e.articles, e.mentions] for e in w.entities} == offline
        assert w.end.timestamp() == start + DAY

    # late but within the grace of the last day: its window is sent again, corrected
    last = windows[starts[-1]]
    publish(pipeline, [enriched("wk-late", now, {NAMES[2]: 1}, published=starts[-1] + 99)], 0)
    found = read_all(
        pipeline,
        lambda f: latest(f).get(starts[-1], last).revision == 2,
        timeout=60,
    )
    corrected = latest(found)[starts[-1]]
    assert corrected.articles == last.articles + 1
    before = {(e.name, e.label): e.articles for e in last.entities}
    after = {(e.name, e.label): e.articles for e in corrected.entities}
    assert after[NAMES[2]] == before.get(NAMES[2], 0) + 1

    # beyond the grace of its day: counted as late, its window left as it was
    publish(pipeline, [enriched("wk-lost", now, {NAMES[3]: 1}, published=starts[0] + 99)], 0)
    wait_counted(pipeline)
    deadline = time.monotonic() + 30
    late = 0.0
    marks: list[float] = []
    while time.monotonic() < deadline and late < 2:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{METRICS_PATH}", timeout=10) as r:
            marks = []
            for line in r.read().decode().splitlines():
                if line.startswith("newswire_trends_late_total"):
                    late = float(line.split()[-1])
                if line.startswith("newswire_trends_watermark_seconds{"):
                    marks.append(float(line.split()[-1]))
        time.sleep(0.5)
    assert late == 2  # the article's record and its entity's
    # the dashboard's watermark panel: each shard at the article that closed the week
    assert marks and max(marks) == d0 + 7 * DAY + 60
    again = read_all(pipeline, lambda f: len(f) >= len(found), timeout=10)
    assert latest(again)[starts[0]].revision == 1

    # ops watch the trends worker's group like a stage's
    shown = pipeline.newswire("lag", "--json", "--window", "1")
    rows = {r["stage"]: r for r in orjson.loads(shown.stdout)}
    assert rows[TRENDS]["group"] == pipeline.settings.group(TRENDS), shown.stderr
    assert rows[TRENDS]["topic"] == pipeline.topic("enriched")
    assert (rows[TRENDS]["lag"], rows[TRENDS]["members"]) == (0, 1)
