"""The near-duplicate stage on the real broker: its fingerprint index lives on Kafka
(articles.dedup-signatures), so a worker killed with SIGKILL rebuilds it and the copies that
arrive after its restart still find their originals; and two workers, each with its own
partitions, find copies whose originals came through the other one."""

from __future__ import annotations

import random
import signal
from itertools import product

import orjson
import pytest
from kafka.partitioner.default import murmur2

from schemas import DedupArticle, EnrichedArticle, RawArticle, decode
from streams.client import Publisher
from tests.integration.conftest import once

pytestmark = pytest.mark.integration

WORDS = (
    "council minister report budget river harbour school election court police hospital "
    "farmers workers union strike bridge railway airport energy prices market bank loan "
    "festival museum storm flood drought fire village district province coast border trade "
    "talks agreement protest vote mayor governor judge ruling inquiry contract company "
    "factory mine port fishermen teachers nurses doctors students tourists residents "
    "officials engineers analysts investors exports imports wheat coffee copper gas oil"
).split()


def story(seed: int) -> str:
    """A made-up article of five paragraphs, different for every seed."""
    rng = random.Random(seed)
    paragraphs = []
    for _ in range(5):
        sentences = []
        for _ in range(3):
            sentences.append(" ".join(rng.choice(WORDS) for _ in range(14)).capitalize() + ".")
        paragraphs.append(" ".join(sentences))
    return "\n\n".join(paragraphs)


def copy_of(text: str, kind: int) -> str:
    """An outlet's copy: its own header and footer around a brief, a cut or the whole."""
    paragraphs = text.split("\n\n")
    body = [paragraphs[:2], paragraphs[:4], paragraphs][kind % 3]
    return (
        f"Regional Gazette edition {kind}\n\n"
        + "\n\n".join(body)
        + "\n\nShare this article. Subscribe to our newsletter."
    )


def partition(key: str, partitions: int = 3) -> int:
    return (murmur2(key.encode()) & 0x7FFFFFFF) % partitions


def pairs_across_partitions(partitions: int = 3) -> list[tuple[str, str]]:
    """(original id, copy id) pairs covering every pair of distinct partitions."""
    chosen: dict[tuple[int, int], tuple[str, str]] = {}
    k = 0
    while len(chosen) < partitions * (partitions - 1):
        original, copy = f"story-{k}", f"story-{k}-copy"
        key = (partition(original, partitions), partition(copy, partitions))
        if key[0] != key[1] and key not in chosen:
            chosen[key] = (original, copy)
        k += 1
    return [chosen[p] for p in product(range(partitions), repeat=2) if p in chosen]


def _publish(pipeline, articles: list[RawArticle]) -> None:  # type: ignore[no-untyped-def]
    with Publisher(pipeline.settings) as pub:
        for a in articles:
            pub.publish(a)


def test_copies_after_a_kill_find_their_originals_and_nothing_is_doubled_integration(
    pipeline,
) -> None:
    for stage in ("clean", "language", "dedup", "entities"):
        pipeline.start(stage)
    pipeline.wait_joined()
    originals = [RawArticle(id=f"orig-{i}", text=story(i)) for i in range(8)]
    _publish(pipeline, originals)
    pipeline.read("dedup", count=len(originals), timeout=240)  # the originals are indexed
    # copies start to flow; the dedup worker is killed among them and restarted
    early = [RawArticle(id=f"copy-{i}-a", text=copy_of(story(i), i)) for i in range(8)]
    _publish(pipeline, early[:4])
    pipeline.stop("dedup", sig=signal.SIGKILL)
    _publish(pipeline, early[4:])
    pipeline.start("dedup")
    pipeline.wait_joined(["dedup"])
    late = [RawArticle(id=f"copy-{i}-b", text=copy_of(story(i), i + 1)) for i in range(8)]
    others = [RawArticle(id=f"other-{i}", text=story(100 + i)) for i in range(3)]
    _publish(pipeline, late + others)
    everything = originals + early + late + others
    enriched = pipeline.read(
        "enriched",
        timeout=300,
        drain=True,
        until=lambda ms: len({m.key for m in ms}) >= len(everything),
    )
    records = [decode(m.value, EnrichedArticle) for m in enriched]
    lost, duplicated = once((r.id for r in records), {a.id for a in everything})
    assert not lost, (lost, pipeline.logs())
    assert not duplicated, duplicated
    by_id = {r.id: r for r in records}
    for i in range(8):
        assert by_id[f"orig-{i}"].duplicate_of is None
        assert by_id[f"orig-{i}"].story_id == f"orig-{i}"
        for copy in (f"copy-{i}-a", f"copy-{i}-b"):
            assert by_id[copy].duplicate_of == f"orig-{i}", (copy, by_id[copy].duplicate_of)
            assert by_id[copy].story_id == f"orig-{i}"
            assert 0.4 <= (by_id[copy].similarity or 0) <= 1.0
    assert all(by_id[a.id].duplicate_of is None for a in others)


def test_two_workers_find_copies_across_partitions_integration(pipeline) -> None:
    for stage in ("clean", "language", "entities"):
        pipeline.start(stage)
    pipeline.start("dedup")
    pipeline.start("dedup", name="dedup-2")
    pipeline.wait_joined()
    lag = pipeline.newswire("lag", "--json", "--window", "0.5")
    members = {row["stage"]: row["members"] for row in orjson.loads(lag.stdout)}
    assert members["dedup"] == 2, members
    pairs = pairs_across_partitions(pipeline.settings.partitions)
    originals = [RawArticle(id=o, text=story(1000 + i)) for i, (o, _) in enumerate(pairs)]
    _publish(pipeline, originals)
    pipeline.read("dedup", count=len(originals), timeout=240)
    copies = [RawArticle(id=c, text=copy_of(story(1000 + i), i)) for i, (_, c) in enumerate(pairs)]
    _publish(pipeline, copies)
    out = pipeline.read(
        "dedup", timeout=240, drain=True, until=lambda ms: len(ms) >= 2 * len(pairs)
    )
    records = {
        decode(m.value, DedupArticle).id: (m.partition, decode(m.value, DedupArticle)) for m in out
    }
    # two live members share the three partitions: some pair of partitions belongs to
    # different workers, and the pairs cover every pair of distinct partitions
    seen = {(records[o][0], records[c][0]) for o, c in pairs}
    assert all(p != q for p, q in seen) and len(seen) == len(pairs)
    for o, c in pairs:
        assert records[c][1].duplicate_of == o, (c, records[c][1].duplicate_of, pipeline.logs())
        assert records[o][1].duplicate_of is None
    assert len(out) == 2 * len(pairs)
