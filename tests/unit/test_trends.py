"""Entity trends without Kafka: windows, the per-shard counts, replays, late articles, the
merge of shards into an exact top list, and state rebuilt by folding the same records."""

from __future__ import annotations

import itertools
import random
from datetime import UTC, datetime
from typing import Any

import orjson
import pytest

from schemas import EnrichedArticle, decode, encode
from schemas.models import TrendingWindow
from streams.agents.trends import finished_record
from streams.processors.trends.stage import (
    ARTICLE_KEY,
    Merger,
    Shard,
    entity_key,
    finish,
    mentions_of,
)
from streams.timing import Window, parse_window, parse_windows
from tests.conftest import ROOT

T0 = datetime(2026, 11, 30, 9, 0, tzinfo=UTC).timestamp()  # a whole hour
#: a real enriched record (the released fixture), given other ids, times and entities below
BASE = orjson.loads(
    (ROOT / "tests/fixtures/records/1.3/EnrichedArticle.jsonl").read_bytes().splitlines()[0]
)


def article(
    i: int,
    at: float | None,
    entities: list[tuple[str, str, int]],
    copy_of: str | None = None,
    published: str | None = None,
) -> EnrichedArticle:
    stamp = datetime.fromtimestamp(at or 0, UTC).isoformat()
    trace = [
        {"stage": "clean", "version": "0.4", "at": stamp, "ms": 1.0},
        {"stage": "entities", "version": "0.4", "at": stamp.replace("+00:00", "Z"), "ms": 3.0},
    ]
    return EnrichedArticle.model_validate(
        {
            **BASE,
            "id": f"a{i}",
            "story_id": copy_of or f"a{i}",
            "duplicate_of": copy_of,
            "similarity": 0.9 if copy_of else None,
            "published_at": published,
            "trace": trace if at is not None else [],
            "entities": [
                {"name": n, "label": lab, "mentions": [], "count": c, "salience": 0.5}
                for n, lab, c in entities
            ],
        }
    )


def test_window_sizes_parse_and_sort() -> None:
    assert parse_window("1h") == Window("1h", 3600)
    assert parse_window(" 15m ") == Window("15m", 900)
    assert parse_window("30s").seconds == 30
    assert parse_window("2d").seconds == 172800
    assert [w.label for w in parse_windows("1d,1h")] == ["1h", "1d"]
    assert [w.label for w in parse_windows("60m,1h")] == ["1h"]  # the same size once
    for bad in ("", "1", "h", "0h", "1w", "-1h", "1.5h"):
        with pytest.raises(ValueError):
            parse_windows(bad)


def test_bad_windows_are_refused_by_the_settings() -> None:
    from streams.settings import Settings

    with pytest.raises(ValueError, match="positive number"):
        Settings(trends_windows="1w")
    assert Settings(trends_windows="30s").trends_retention_ms() == (60 + 60 + 3600) * 1000


def test_windows_are_aligned_to_the_epoch() -> None:
    w = parse_window("1h")
    assert w.start_of(T0) == T0
    assert w.start_of(T0 + 3599.9) == T0
    assert w.start_of(T0 + 3600) == T0 + 3600
    assert w.id(int(T0)) == "1h@2026-11-30T09:00:00Z"


def test_an_article_counts_by_its_arrival_and_a_copy_not_at_all() -> None:
    a = article(1, T0 + 10, [("Lisbon", "GPE", 2), ("Ana Silva", "PERSON", 1)])
    a.trace[1].at = datetime.fromtimestamp(T0 + 13, UTC)
    recs = mentions_of(a)  # at the clean stage's stamp, not a later one
    assert recs[0] == (ARTICLE_KEY, {"t": T0 + 10, "story": "a1"})
    assert recs[1] == (
        entity_key("Lisbon", "GPE"),
        {"t": T0 + 10, "story": "a1", "name": "Lisbon", "label": "GPE", "n": 2},
    )
    assert len(recs) == 3
    assert mentions_of(article(2, T0, [("Lisbon", "GPE", 1)], copy_of="a1")) == []
    no_trace = article(3, None, [], published="2026-11-30T09:00:00Z")
    assert mentions_of(no_trace) == [(ARTICLE_KEY, {"t": T0, "story": "a3"})]
    assert mentions_of(article(4, None, []))[0][1]["t"] == 0.0


def fold_all(shard: Shard, articles: list[EnrichedArticle]) -> None:
    for a in articles:
        for key, value in mentions_of(a):
            shard.fold(key, value)


def test_a_shard_counts_windows_and_the_change_against_the_one_before() -> None:
    before = [article(i, T0 - 1800 + i, [("Lisbon", "GPE", 2)]) for i in range(3)]
    now = [
        article(10 + i, T0 + 60 * i, [("Lisbon", "GPE", 1), ("Porto", "GPE", 1)]) for i in range(5)
    ]
    copies = [article(20, T0 + 30, [("Lisbon", "GPE", 4)], copy_of="a10")]
    shard = Shard(parse_windows("1h"), grace=60, top=10)
    fold_all(shard, before + now + copies)
    shard.begin(T0 + 1000)
    closed = list(shard.close(T0 + 3600 + 59, 0, 1))
    # the window before the start closes at once; 09:00's waits for 10:00 and the grace
    assert [wid for wid, _ in closed] == ["1h@2026-11-30T08:00:00Z"]
    assert closed[0][1]["articles"] == 3 and closed[0][1]["previous_articles"] == 0
    closed = list(shard.close(T0 + 3600 + 60, 0, 1))
    assert [wid for wid, _ in closed] == ["1h@2026-11-30T09:00:00Z"]
    partial = closed[0][1]
    assert partial["articles"] == 5 and partial["previous_articles"] == 3
    assert partial["entities"] == [
        {
            "name": "Lisbon",
            "label": "GPE",
            "articles": 5,
            "mentions": 5,
            "previous_articles": 3,
            "previous_mentions": 6,
        },
        {
            "name": "Porto",
            "label": "GPE",
            "articles": 5,
            "mentions": 5,
            "previous_articles": 0,
            "previous_mentions": 0,
        },
    ]
    assert list(shard.close(T0 + 3600 + 61, 0, 1)) == []  # each window once


def test_replays_count_once_and_late_articles_are_left_out() -> None:
    shard = Shard(parse_windows("1h"), grace=10, top=10)
    a = article(1, T0 + 5, [("Lisbon", "GPE", 1)])
    shard.begin(T0 + 5)
    fold_all(shard, [a, a, a])  # at-least-once replays of one article
    assert shard.counts["1h"][int(T0)][entity_key("Lisbon", "GPE")].articles == 1
    list(shard.close(T0 + 3600 + 10, 0, 1))
    late = article(2, T0 + 100, [("Lisbon", "GPE", 1)])  # for a window that has closed
    fold_all(shard, [late])
    assert shard.late == 2  # its article record and its entity record
    assert shard.counts["1h"][int(T0)][entity_key("Lisbon", "GPE")].articles == 1


def test_top_keeps_the_most_named_and_breaks_ties_by_mentions_then_name() -> None:
    shard = Shard(parse_windows("1h"), grace=0, top=2)
    arts = [
        article(1, T0 + 1, [("B", "ORG", 1), ("A", "ORG", 1), ("C", "ORG", 5)]),
        article(2, T0 + 2, [("B", "ORG", 1), ("A", "ORG", 1)]),
    ]
    fold_all(shard, arts)
    shard.begin(T0 + 2)
    ((_, partial),) = list(shard.close(T0 + 3600, 0, 1))[-1:]
    assert [e["name"] for e in partial["entities"]] == ["A", "B"]


def test_the_merge_of_shards_is_the_exact_top_and_waits_for_every_shard() -> None:
    rng = random.Random(7)
    names = [f"E{i}" for i in range(60)]
    articles = [
        article(i, T0 + i, [(n, "ORG", rng.randint(1, 3)) for n in rng.sample(names, 5)])
        for i in range(300)
    ]
    parts = 4
    shards = [Shard(parse_windows("1h"), grace=0, top=5) for _ in range(parts)]
    whole = Shard(parse_windows("1h"), grace=0, top=5)
    for a in articles:
        for key, value in mentions_of(a):
            shards[hash(key) % parts].fold(key, value)
            whole.fold(key, value)
    merger = Merger(top=5)
    done = []
    for p, shard in enumerate(shards):
        shard.begin(T0, lookback=0)
        for wid, partial in shard.close(T0 + 3600, p, parts):
            result = merger.fold(wid, partial)
            assert (result is None) == (p < parts - 1)  # finished with the last shard only
            assert merger.fold(wid, partial) is None  # a partial sent again is ignored
            if result:
                done.append(result)
    whole.begin(T0, lookback=0)
    ((_, alone),) = list(whole.close(T0 + 3600, 0, 1))
    assert len(done) == 1
    expected = finish([alone], 5)
    assert done[0]["entities"] == expected["entities"]
    assert done[0]["articles"] == 300 == expected["articles"]
    assert [e["rank"] for e in done[0]["entities"]] == [1, 2, 3, 4, 5]


def test_a_rebuilt_shard_and_merger_give_what_the_lost_ones_would_have() -> None:
    """State after a crash = the fold of the partition up to the committed offset."""
    rng = random.Random(3)
    arts = [
        article(i, T0 + rng.uniform(0, 7200), [(rng.choice("XYZ"), "GPE", 1)]) for i in range(50)
    ]
    log = list(itertools.chain.from_iterable(mentions_of(a) for a in arts))
    first = Shard(parse_windows("1h"), grace=0, top=3)
    for key, value in log:
        first.fold(key, value)
    first.begin(T0 + 7200)
    # the same records and the replays of the last few (not committed before the crash)
    again = Shard(parse_windows("1h"), grace=0, top=3)
    for key, value in log + log[-7:]:
        again.fold(key, value)
    again.begin(T0 + 7200)
    assert list(first.close(T0 + 3 * 3600, 0, 1)) == list(again.close(T0 + 3 * 3600, 0, 1))

    partials = [
        (f"1h@{i}", {"shard": s, "parts": 2, **minimal(i)}) for i in range(3) for s in (0, 1)
    ]
    merger = Merger(top=3)
    sent = [m for wid, p in partials if (m := merger.fold(wid, p))]
    assert len(sent) == 3
    rebuilt = Merger(top=3)
    for wid, p in partials:
        rebuilt.fold(wid, p)
    assert all(rebuilt.fold(wid, p) is None for wid, p in partials)  # finished: not sent again


def minimal(i: int) -> dict[str, Any]:
    return {
        "window": "1h",
        "seconds": 3600,
        "start": int(T0) + 3600 * i,
        "articles": 1,
        "previous_articles": 0,
        "entities": [],
    }


def test_a_finished_window_is_a_valid_record_that_round_trips() -> None:
    rec = finished_record(
        finish(
            [
                {
                    **minimal(0),
                    "shard": 0,
                    "parts": 1,
                    "entities": [
                        {
                            "name": "Lisbon",
                            "label": "GPE",
                            "articles": 2,
                            "mentions": 3,
                            "previous_articles": 5,
                            "previous_mentions": 9,
                        }
                    ],
                }
            ],
            10,
        ),
        now=T0 + 3700,
    )
    assert rec.start == datetime(2026, 11, 30, 9, tzinfo=UTC)
    assert rec.end == datetime(2026, 11, 30, 10, tzinfo=UTC)
    assert rec.entities[0].change == -3 and rec.entities[0].rank == 1
    assert decode(encode(rec), TrendingWindow) == rec
