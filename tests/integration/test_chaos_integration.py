"""Chaos on the real broker: articles and malformed messages keep arriving while stage
workers are killed with SIGKILL and restarted. Afterwards a read_committed consumer sees
every article exactly once on articles.enriched and every malformed message exactly once on
articles.dlq. Sized for CI by default; `make chaos` runs the full size (NEWSWIRE_CHAOS_*)."""

from __future__ import annotations

import os
import signal
import threading
import time
from collections import Counter

import orjson
import pytest

from schemas import DeadLetter, EnrichedArticle, RawArticle, decode
from streams.client import Publisher
from streams.ops import kafka as local_kafka
from streams.settings import Settings
from tests.integration.conftest import once

pytestmark = pytest.mark.integration

ARTICLES = int(os.environ.get("NEWSWIRE_CHAOS_ARTICLES", "300"))
MALFORMED = int(os.environ.get("NEWSWIRE_CHAOS_MALFORMED", "20"))
KILLS = int(os.environ.get("NEWSWIRE_CHAOS_KILLS", "1"))  # per killed stage
CITIES = [
    "Lisbon",
    "Warsaw",
    "Nairobi",
    "Lima",
    "Hanoi",
    "Oslo",
    "Quito",
    "Accra",
    "Riga",
    "Manila",
]


def _article(i: int) -> RawArticle:
    city = CITIES[i % len(CITIES)]
    return RawArticle(
        text=f"Dispatch {i}. The city council of {city} approved a new transport plan on Wednesday, "
        f"officials said, after months of debate with residents and business groups."
    )


def _publish(pipeline, stop_at: float) -> None:  # type: ignore[no-untyped-def]
    """Articles with a malformed message every few, spread over the chaos window."""
    every = max(1, ARTICLES // max(MALFORMED, 1))
    bad = 0
    with Publisher(pipeline.settings) as pub:
        for i in range(ARTICLES):
            pub.publish(_article(i))
            if i % every == every - 1 and bad < MALFORMED:
                pub.send_bytes(
                    orjson.dumps({"text": i}) if bad % 2 else b"{broken json " + str(bad).encode(),
                    key=f"bad-{bad}".encode(),
                )
                bad += 1
            if i % 25 == 0:
                pub.flush()
                time.sleep(max(0.0, (stop_at - time.monotonic()) / max(ARTICLES - i, 1)) * 25)
        while bad < MALFORMED:
            pub.send_bytes(b"{broken json " + str(bad).encode(), key=f"bad-{bad}".encode())
            bad += 1


def test_kills_lose_nothing_and_duplicate_nothing_integration(pipeline) -> None:
    pipeline.env["NEWSWIRE_PROCESSING_GUARANTEE"] = os.environ.get(
        "NEWSWIRE_CHAOS_GUARANTEE", "at_least_once"
    )
    for stage in ("clean", "language", "dedup", "entities"):
        pipeline.start(stage)
    pipeline.wait_joined()
    window = 30 + 10 * KILLS
    publisher = threading.Thread(
        target=_publish, args=(pipeline, time.monotonic() + window), daemon=True
    )
    publisher.start()
    kills = Counter()
    step = window / (2 * KILLS + 3)
    for _ in range(KILLS):
        for stage in ("entities", "clean"):
            time.sleep(step)
            pipeline.stop(stage, sig=signal.SIGKILL)
            kills[stage] += 1
            pipeline.start(stage)
    # a second language worker joins, then leaves: two rebalances under load
    pipeline.start("language", name="language-2")
    time.sleep(step)
    pipeline.stop("language-2")
    rebalances = 2
    # the broker itself restarts mid-run (when it is the local one newswire started)
    restarts = 0
    base = Settings()
    if (
        local_kafka.status(base).pid is not None
        and pipeline.settings.bootstrap_servers == f"127.0.0.1:{base.kafka_port}"
    ):
        local_kafka.stop(base)
        time.sleep(2)
        local_kafka.start(base)
        restarts = 1
    publisher.join(timeout=300)
    assert not publisher.is_alive(), "the publisher did not finish within 300 s"
    expected = {_article(i).id for i in range(ARTICLES)}
    enriched = pipeline.read(
        "enriched", timeout=600, drain=True, until=lambda ms: len({m.key for m in ms}) >= ARTICLES
    )
    lost, duplicated = once((decode(m.value, EnrichedArticle).id for m in enriched), expected)
    letters = pipeline.read("dlq", count=MALFORMED, timeout=120, drain=True)
    dead = Counter(decode(m.value, DeadLetter).key for m in letters)
    suppressed = pipeline.logs(tail=None).count("not sent again")
    print(
        f"chaos: articles {ARTICLES}, malformed {MALFORMED}, kills {dict(kills)}, rebalances {rebalances}, "
        f"broker restarts {restarts}, replays dropped {suppressed}, "
        f"lost {len(lost)}, duplicated {len(duplicated)}, dead letters {len(letters)}"
    )
    assert not lost, (len(lost), pipeline.logs())
    assert not duplicated, duplicated
    assert {decode(m.value, EnrichedArticle).id for m in enriched} == expected
    assert len(letters) == MALFORMED and all(n == 1 for n in dead.values())
