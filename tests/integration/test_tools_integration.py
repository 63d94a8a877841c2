"""The CLI's broker tools against a real broker: tail, lag, dead-letter replay, topics."""

from __future__ import annotations

import orjson
import pytest
from kafka.admin import ConfigResource, ConfigResourceType

from schemas import CleanArticle, RawArticle, decode, encode
from streams.client import Publisher, Subscriber
from streams.ops.admin import admin_client, create_topics

pytestmark = pytest.mark.integration


def test_topics_create_is_idempotent_integration(pipeline) -> None:
    names = [pipeline.topic(s) for s in ("raw", "clean", "lang", "dedup", "enriched", "dlq")]
    names.append(pipeline.topic("dedup-signatures"))
    trends = [
        pipeline.settings.entities_topic(n) for n in ("trending", "mentions", "trending-partials")
    ]
    again = create_topics(pipeline.settings)
    assert again == dict.fromkeys(names + trends, "exists")
    result = pipeline.newswire("topics", "create")
    assert result.returncode == 0 and result.stdout.count(b": exists") == 10
    # the dedup stage's state topic keeps its window, and the article topics do not expire
    admin = admin_client(pipeline.settings)
    try:
        found = admin.describe_configs(
            [
                ConfigResource(ConfigResourceType.TOPIC, t, configs={"retention.ms": None})
                for t in (pipeline.topic("dedup-signatures"), pipeline.topic("raw"), *trends)
            ],
            config_filter="all",
        )["topic"]
    finally:
        admin.close()
    window_ms = int(pipeline.settings.dedup_window_hours * 3_600_000)
    assert found[pipeline.topic("dedup-signatures")]["retention.ms"]["value"] == str(window_ms)
    assert found[pipeline.topic("raw")]["retention.ms"]["value"] != str(window_ms)
    # the trends worker's own topics keep the longest window (a day), the baseline's windows
    # before it and one more, the grace and an hour; what subscribers read keeps the
    # broker's default
    two_days = str(((pipeline.settings.trends_baseline + 2) * 86400 + 60 + 3600) * 1000)
    assert found[trends[1]]["retention.ms"]["value"] == two_days
    assert found[trends[2]]["retention.ms"]["value"] == two_days
    assert found[trends[0]]["retention.ms"]["value"] not in (two_days, str(window_ms))


def test_tail_json_prints_records_integration(pipeline) -> None:
    with Publisher(pipeline.settings) as pub:
        for i in range(3):
            pub.publish(
                RawArticle(text=f"Tail test {i}. The council in Lyon approved the plan on Friday.")
            )
    result = pipeline.newswire(
        "tail", "--topic", "raw", "--from-beginning", "--json", "--limit", "3", "--timeout", "20"
    )
    assert result.returncode == 0, result.stderr.decode()
    lines = result.stdout.splitlines()
    assert len(lines) == 3 and all(
        decode(line, RawArticle).text.startswith("Tail test") for line in lines
    )


def test_lag_reports_backlog_then_zero_integration(pipeline) -> None:
    with Publisher(pipeline.settings) as pub:
        for i in range(5):
            pub.publish(
                RawArticle(
                    text=f"Lag test {i}. Ministers in Madrid met on Wednesday to agree on the budget."
                )
            )
    result = pipeline.newswire("lag", "--json")
    rows = {r["stage"]: r for r in orjson.loads(result.stdout)}
    assert (
        result.returncode == 2
        and rows["clean"]["lag"] == 5
        and rows["clean"]["status"] == "STOPPED"
    )
    pipeline.start("clean")
    assert len(pipeline.read("clean", count=5, timeout=120)) == 5
    import time

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        result = pipeline.newswire("lag", "--json")
        rows = {r["stage"]: r for r in orjson.loads(result.stdout)}
        if rows["clean"]["lag"] == 0:
            break
        time.sleep(1)
    assert rows["clean"]["lag"] == 0 and rows["clean"]["status"] == "OK"


def test_dlq_replay_sends_dead_letters_back_and_they_come_out_integration(pipeline) -> None:
    pipeline.start("clean")
    huge = encode(RawArticle(text="A long story. " * 40_000))  # over max_text_chars by default
    with Publisher(pipeline.settings) as pub:
        pub.send_bytes(huge, key=b"huge")
    letters = pipeline.read("dlq", count=1, timeout=120)
    assert len(letters) == 1
    dry = pipeline.newswire("dlq", "replay", "--dry-run", "--error-type", "too_large")
    assert b"1 dead letters match" in dry.stdout
    # "the fix": raise the limit, restart the stage, replay
    pipeline.stop("clean")
    pipeline.env["NEWSWIRE_MAX_TEXT_CHARS"] = "1000000"
    pipeline.start("clean")
    replay = pipeline.newswire("dlq", "replay", "--stage", "clean")
    assert b"replayed 1 dead letters" in replay.stdout, replay.stderr.decode()
    out = pipeline.read("clean", count=1, timeout=120)
    assert len(out) == 1 and out[0].key == decode(huge, RawArticle).id.encode()
    assert decode(out[0].value, CleanArticle).text.startswith("A long story.")


def test_subscriber_yields_typed_records_and_commits_integration(pipeline) -> None:
    pipeline.start("clean")
    with Publisher(pipeline.settings) as pub:
        for i in range(4):
            pub.publish(
                RawArticle(
                    text=f"Subscriber test {i}. The port of Hamburg reopened on Sunday after the storm."
                )
            )
    assert len(pipeline.read("clean", count=4, timeout=120)) == 4
    seen = []
    with Subscriber(
        "sub-test", settings=pipeline.settings, topic="clean", model=CleanArticle
    ) as sub:
        for _ in range(20):
            seen += sub.poll()
            sub.commit()
            if len(seen) >= 4:
                break
    assert sorted(r.text[:17] for r in seen) == [f"Subscriber test {i}" for i in range(4)]
    with Subscriber(
        "sub-test",
        settings=pipeline.settings,
        topic="clean",
        model=CleanArticle,
        poll_timeout_ms=2000,
    ) as again:
        assert again.poll() == []  # everything was committed


async def test_async_publisher_sends_keyed_validated_articles_integration(pipeline) -> None:
    from streams.client import AsyncPublisher

    arts = [
        RawArticle(
            text=f"Async test {i}. The harbour of Gdansk reopened on Monday.",
            url=f"https://example.org/a/{i}",
        )
        for i in range(3)
    ]
    async with AsyncPublisher(pipeline.settings) as pub:
        for a in arts:
            meta = await pub.publish(a)
            assert meta.topic == pipeline.topic("raw")
        with pytest.raises(ValueError):
            await pub.publish({"title": "no body"})
    got = pipeline.read("raw", count=3, timeout=30)
    assert sorted(m.key for m in got) == sorted(a.id.encode() for a in arts)
