"""Entity trends without Kafka: windows, the per-shard counts, replays, late articles, the
merge of shards into an exact top list, and state rebuilt by folding the same records."""

from __future__ import annotations

import itertools
import math
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
    MARK_KEY,
    PROGRESS_KEY,
    SKEW,
    Merger,
    Shard,
    event_time,
    finish,
    mentions_of,
    time_of,
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
    ids: list[str | None] | None = None,
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
                {
                    "name": n,
                    "label": lab,
                    "mentions": [],
                    "count": c,
                    "salience": 0.5,
                    "entity_id": (ids or [None] * len(entities))[i],
                }
                for i, (n, lab, c) in enumerate(entities)
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
    # the longest window, its baseline's windows and one more, the grace and an hour
    assert Settings(trends_windows="30s").trends_retention_ms() == (14 * 30 + 60 + 3600) * 1000
    assert (
        Settings(trends_windows="30s", trends_baseline=2).trends_retention_ms()
        == (4 * 30 + 60 + 3600) * 1000
    )


def test_windows_are_aligned_to_the_epoch() -> None:
    w = parse_window("1h")
    assert w.start_of(T0) == T0
    assert w.start_of(T0 + 3599.9) == T0
    assert w.start_of(T0 + 3600) == T0 + 3600
    assert w.id(int(T0)) == "1h@2026-11-30T09:00:00Z"


def iso_at(t: float) -> str:
    return datetime.fromtimestamp(t, UTC).isoformat()


def test_an_article_counts_by_its_arrival_or_its_publication_and_a_copy_not_at_all() -> None:
    a = article(1, T0 + 10, [("Lisbon", "GPE", 2), ("Ana Silva", "PERSON", 1)])
    a.trace[1].at = datetime.fromtimestamp(T0 + 13, UTC)
    recs = mentions_of(a)  # at the clean stage's stamp, not a later one
    assert recs[0] == (ARTICLE_KEY, {"t": T0 + 10, "story": "a1"})
    assert recs[1] == (
        "place:lisbon",
        {
            "t": T0 + 10,
            "story": "a1",
            "id": "place:lisbon",
            "name": "Lisbon",
            "label": "GPE",
            "n": 2,
        },
    )
    assert recs[2][0] == "person~silva" and recs[2][1]["id"] == "person:ana silva"
    assert len(recs) == 3
    assert mentions_of(article(2, T0, [("Lisbon", "GPE", 1)], copy_of="a1")) == []
    assert mentions_of(article(2, T0, [], copy_of="a1"), "event") == []
    no_trace = article(3, None, [], published="2026-11-30T09:00:00Z")
    assert mentions_of(no_trace) == [(ARTICLE_KEY, {"t": T0, "story": "a3"})]
    assert mentions_of(article(4, None, []))[0][1]["t"] == 0.0
    with pytest.raises(ValueError, match="clock"):
        mentions_of(a, "wall")
    given = mentions_of(a, "event", at=T0 + 99)  # the time the caller already read
    assert {v["t"] for _, v in given} == {T0 + 99}
    assert time_of(a, "arrival") == T0 + 10 == time_of(a, "event")  # no published_at


def test_event_time_is_a_plausible_publication_time_else_the_arrival() -> None:
    day = 86400
    at = T0 + 5 * day
    cases = {
        iso_at(T0): T0,  # five days before it arrived: believed
        iso_at(at + SKEW): at + SKEW,  # a few minutes "after" arrival: clocks differ
        iso_at(at + SKEW + 1): at,  # in the future: a wrong date
        iso_at(at - 7 * day): at - 7 * day,  # at the horizon
        iso_at(at - 7 * day - 1): at,  # older than the horizon
    }
    for published, expected in cases.items():
        a = article(1, at, [("Lisbon", "GPE", 1)], published=published)
        assert event_time(a, horizon=7 * day) == expected, published
        assert mentions_of(a, "event", 7 * day)[1][1]["t"] == expected
        assert mentions_of(a, "arrival", 7 * day)[1][1]["t"] == at
    assert event_time(article(1, at, []), 7 * day) == at  # no publication time
    # no arrival stamp: the publication time is all there is (timing.arrival's rule)
    assert event_time(article(1, None, [], published=iso_at(T0)), 7 * day) == T0


def test_the_forms_of_one_thing_in_one_article_are_one_record() -> None:
    a = article(
        1,
        T0,
        [("U.S.", "GPE", 1), ("United States", "GPE", 3), ("Joe Biden", "PERSON", 2)],
        ids=["geonames:6252001", "geonames:6252001", None],
    )
    recs = dict(mentions_of(a))
    assert recs["geonames:6252001"] == {
        "t": T0,
        "story": "a1",
        "id": "geonames:6252001",
        "name": "United States",  # the form named most
        "label": "GPE",
        "n": 4,
    }
    assert recs["person~biden"]["id"] == "person:joe biden"
    b = article(2, T0, [("United States", "GPE", 3), ("U.S.", "GPE", 1)], ids=["geonames:1"] * 2)
    assert dict(mentions_of(b))["geonames:1"]["name"] == "United States"
    tie = article(3, T0, [("U.S.", "GPE", 2), ("USA", "GPE", 2)], ids=["geonames:1"] * 2)
    assert dict(mentions_of(tie))["geonames:1"]["name"] == "U.S."  # the first of a tie


def fold_all(shard: Shard, articles: list[EnrichedArticle], clock: str = "arrival") -> None:
    for a in articles:
        for key, value in mentions_of(a, clock):
            shard.fold(key, value)


def entity_row(name: str, articles: int, mentions: int, p_articles: int, p_mentions: int) -> dict:
    return {
        "id": f"place:{name.lower()}",
        "name": name,
        "label": "GPE",
        "articles": articles,
        "mentions": mentions,
        "previous_articles": p_articles,
        "previous_mentions": p_mentions,
        "baseline": None,
        "burst": None,
    }


def test_arrival_time_a_shard_counts_windows_and_the_change_against_the_one_before() -> None:
    before = [article(i, T0 - 1800 + i, [("Lisbon", "GPE", 2)]) for i in range(3)]
    now = [
        article(10 + i, T0 + 60 * i, [("Lisbon", "GPE", 1), ("Porto", "GPE", 1)]) for i in range(5)
    ]
    copies = [article(20, T0 + 30, [("Lisbon", "GPE", 4)], copy_of="a10")]
    shard = Shard(parse_windows("1h"), grace=60, top=10)
    assert shard.lateness == 0
    fold_all(shard, before + now + copies)
    shard.begin(T0 + 1000)
    closed = shard.close(0, 1)
    # the window before the start closes at once; 09:00's waits for 10:00 and the grace
    assert [wid for wid, _ in closed] == ["1h@2026-11-30T08:00:00Z"]
    assert closed[0][1]["articles"] == 3 and closed[0][1]["previous_articles"] == 0
    assert closed[0][1]["clock"] == "arrival" and closed[0][1]["counted"] == 6
    shard.advance(T0 + 3600 + 59)
    assert shard.close(0, 1) == []
    shard.advance(T0 + 3600 + 60)
    closed = shard.close(0, 1)
    assert [wid for wid, _ in closed] == ["1h@2026-11-30T09:00:00Z"]
    partial = closed[0][1]
    assert partial["articles"] == 5 and partial["previous_articles"] == 3
    lisbon, porto = entity_row("Lisbon", 5, 5, 3, 6), entity_row("Porto", 5, 5, 0, 0)
    lisbon["baseline"], porto["baseline"] = 3.0, 0.0  # one window of history: no burst yet
    assert partial["entities"] == [lisbon, porto]
    assert partial["rising"] == []
    shard.advance(T0 + 3600 + 61)
    assert shard.close(0, 1) == []  # each window once
    shard.advance(T0)  # the clock never takes the watermark back
    assert shard.watermark == T0 + 3600 + 1


def test_arrival_time_replays_count_once_and_late_articles_are_left_out() -> None:
    shard = Shard(parse_windows("1h"), grace=10, top=10)
    a = article(1, T0 + 5, [("Lisbon", "GPE", 1)])
    shard.begin(T0 + 5)
    fold_all(shard, [a, a, a])  # at-least-once replays of one article
    assert shard.counts["1h"][int(T0)]["place:lisbon"].articles == 1
    shard.advance(T0 + 3600 + 10)
    assert len(shard.close(0, 1)) == 1
    late = article(2, T0 + 100, [("Lisbon", "GPE", 1)])  # for a window that has closed
    fold_all(shard, [late])
    assert shard.late == 2  # its article record and its entity record
    assert shard.counts["1h"][int(T0)]["place:lisbon"].articles == 1
    assert shard.close(0, 1) == []


def test_a_shard_refuses_an_unknown_clock() -> None:
    with pytest.raises(ValueError, match="clock"):
        Shard(parse_windows("1h"), grace=0, top=1, clock="wall")


def mark(shard: Shard, src: int, t: float | None = None) -> None:
    shard.fold(MARK_KEY, {"src": src, "idle": True} if t is None else {"src": src, "t": t})


def test_the_watermark_is_the_lowest_mark_of_the_sources_not_idle() -> None:
    shard = Shard(parse_windows("1h"), grace=0, top=1, clock="event", sources=3)
    mark(shard, 0, T0 + 50)
    mark(shard, 1, T0 + 20)
    assert shard.watermark == -math.inf  # source 2 not heard from: it holds the mark back
    mark(shard, 2, T0 + 30)
    assert shard.watermark == T0 + 20
    mark(shard, 1, T0 + 10)  # a source's mark never goes back
    assert shard.marks[1] == T0 + 20 and shard.watermark == T0 + 20
    mark(shard, 1)  # source 1 idle: no longer holds it back
    assert shard.watermark == T0 + 30
    mark(shard, 2)
    assert shard.watermark == T0 + 50
    mark(shard, 0)  # all idle: everything sent is in, the highest mark
    assert shard.watermark == T0 + 50
    mark(shard, 2, T0 + 40)  # source 2 back: the watermark does not go back
    assert shard.watermark == T0 + 50 and 2 not in shard.idle
    mark(shard, 2, T0 + 70)
    assert shard.watermark == T0 + 70  # sources 0 and 1 still idle
    idle_only = Shard(parse_windows("1h"), grace=0, top=1, clock="event", sources=1)
    mark(idle_only, 0)
    assert idle_only.watermark == -math.inf  # idle and never heard from: no time at all
    arrival = Shard(parse_windows("1h"), grace=0, top=1, sources=1)
    mark(arrival, 0, T0)
    assert arrival.watermark == -math.inf  # marks move event time only
    assert not arrival.fold(MARK_KEY, {"src": 0, "t": T0})  # a mark is not counted


def test_event_time_windows_close_on_the_watermark_and_late_articles_correct_them() -> None:
    shard = Shard(parse_windows("1h"), grace=600, top=10, clock="event", sources=1)
    assert shard.lateness == 600
    pub = [
        article(i, T0 + 86400, [("Lisbon", "GPE", 1)], published=iso_at(T0 + 60 * i))
        for i in range(3)
    ]
    fold_all(shard, pub, "event")
    shard.advance(T0 + 10**6)  # the clock does not move event time
    assert shard.watermark == -math.inf and shard.close(0, 1) == []
    mark(shard, 0, T0 + 3599)
    assert shard.close(0, 1) == []  # 09:00 is not over
    mark(shard, 0, T0 + 3600)
    ((wid, first),) = shard.close(0, 1)
    assert wid == "1h@2026-11-30T09:00:00Z" and first["articles"] == 3
    assert first["clock"] == "event" and first["counted"] == 6
    assert shard.close(0, 1) == []
    # within the grace: counted, and the window sent again with more counted
    fold_all(
        shard, [article(9, T0 + 86400, [("Porto", "GPE", 2)], published=iso_at(T0 + 5))], "event"
    )
    ((wid, second),) = shard.close(0, 1)
    assert wid == "1h@2026-11-30T09:00:00Z" and second["counted"] == 8
    assert second["articles"] == 4 and {e["name"] for e in second["entities"]} == {
        "Lisbon",
        "Porto",
    }
    assert shard.late == 0
    # beyond the grace: late, left out, nothing sent
    mark(shard, 0, T0 + 3600 + 600)
    fold_all(
        shard, [article(10, T0 + 86400, [("Porto", "GPE", 1)], published=iso_at(T0 + 7))], "event"
    )
    assert shard.late == 2 and shard.close(0, 1) == []
    assert shard.counts["1h"][int(T0)][ARTICLE_KEY].articles == 4


def run_event_stream(
    articles: list[EnrichedArticle], parts: int, sources: int, grace: float, windows: str = "1d"
) -> list[dict[str, Any]]:
    """The worker's records without Kafka: each article's mentions to the shard of its key,
    the marks of its source partition after it to every shard, each shard's partials and
    progress to one merger after every article; at the end every source idle. The windows
    the merger sends, in order."""
    ws = parse_windows(windows)
    shards = [
        Shard(ws, grace=grace, top=50, clock="event", sources=sources, min_history=2)
        for _ in range(parts)
    ]
    merger = Merger(top=50)
    high: dict[int, float] = {}
    out: list[dict[str, Any]] = []
    for n, a in enumerate([*articles, None]):
        if a is None:  # the stream is over: every source idle
            for shard in shards:
                for src in range(sources):
                    shard.fold(MARK_KEY, {"src": src, "idle": True})
        else:
            src = n % sources
            for key, value in mentions_of(a, "event"):
                shards[sum(map(ord, key)) % parts].fold(key, value)
            high[src] = max(high.get(src, -math.inf), event_time(a, 30 * 86400))
            for shard in shards:
                shard.fold(MARK_KEY, {"src": src, "t": high[src]})
        for i, shard in enumerate(shards):
            for wid, partial in shard.close(i, parts):
                out += merger.fold(wid, orjson.loads(orjson.dumps(partial)))
            progress = {"shard": i, "parts": parts, "t": shard.watermark}
            if shard.watermark > -math.inf:
                out += merger.fold(PROGRESS_KEY, progress)
    return out


def test_a_replayed_week_gives_the_daily_windows_an_offline_count_gives() -> None:
    rng = random.Random(11)
    day = 86400
    people = [("Ana Silva", "PERSON"), ("Rui Costa", "PERSON"), ("Lisbon", "GPE"), ("NATO", "ORG")]
    d0 = T0 // day * day  # a midnight: the week is seven daily windows
    week = []
    for _ in range(280):
        published = d0 + rng.uniform(0, 7 * day)
        named = rng.sample(people, rng.randint(1, 3))
        week.append((published, [(n, lab, rng.randint(1, 2)) for n, lab in named]))
    week.sort()
    # archives replayed a week later, published order, with disorder within an hour
    arrive = T0 + 8 * day
    articles = [
        article(i, arrive + i, ents, published=iso_at(pub)) for i, (pub, ents) in enumerate(week)
    ]
    order = sorted(range(len(articles)), key=lambda i: week[i][0] + rng.uniform(0, 3600))
    stream = [articles[i] for i in order]
    # a last article on day 8 closes day 7 (windows close on the stream's time, not the clock)
    closer = article(999, arrive, [("Lisbon", "GPE", 1)], published=iso_at(d0 + 7 * day + 3601))
    stream.append(closer)
    sent = run_event_stream(stream, parts=3, sources=2, grace=3600)
    by_start = {w["start"]: w for w in sent}
    expected_starts = sorted({int(p // day * day) for p, _ in week})
    assert sorted(by_start) == [iso_at(s).replace("+00:00", "Z") for s in expected_starts]
    assert all(w["revision"] == 1 for w in sent)  # disorder within the grace: no corrections
    assert len(sent) == len(expected_starts)
    for start in expected_starts:
        w = by_start[iso_at(start).replace("+00:00", "Z")]
        inside = [ents for p, ents in week if start <= p < start + day]
        assert w["articles"] == len(inside) and w["clock"] == "event"
        offline: dict[str, list[int]] = {}
        for ents in inside:
            for name, _, c in ents:
                offline.setdefault(name, [0, 0])
                offline[name][0] += 1
                offline[name][1] += c
        assert {e["name"]: [e["articles"], e["mentions"]] for e in w["entities"]} == offline
    assert len(expected_starts) == 7


def test_an_article_past_its_window_within_grace_corrects_it_and_one_beyond_is_late() -> None:
    day = 86400
    d0 = T0 // day * day

    def at(i: int, t: float, name: str) -> EnrichedArticle:
        return article(i, d0 + 9 * day, [(name, "GPE", 1)], published=iso_at(t))

    stream = [
        at(1, d0 + 60, "Lisbon"),
        at(2, d0 + 120, "Lisbon"),
        at(3, d0 + day + 60, "Lisbon"),  # day 0 is over; its grace (1 h) not yet
        at(4, d0 + day + 3600, "Lisbon"),  # day 0 is final
        at(5, d0 + 2 * day + 60, "Lisbon"),  # day 1 is over, within its grace
        at(6, d0 + day + 5, "Porto"),  # within day 1's grace: corrects it
        at(7, d0 + 5, "Faro"),  # day 0 is final: late
        at(8, d0 + 3 * day + 3601, "Lisbon"),  # day 2 final too
    ]
    sent = run_event_stream(stream, parts=2, sources=1, grace=3600)
    day1 = iso_at(d0 + day).replace("+00:00", "Z")
    revisions = [w for w in sent if w["start"] == day1]
    # one revision more per shard the late article's records went to (its own count, Porto)
    assert [w["revision"] for w in revisions] == list(range(1, len(revisions) + 1))
    assert len(revisions) in (2, 3)
    assert revisions[0]["articles"] == 2 and revisions[-1]["articles"] == 3
    assert "Porto" in {e["name"] for e in revisions[-1]["entities"]}
    day0 = [w for w in sent if w["start"] == iso_at(d0).replace("+00:00", "Z")]
    assert len(day0) == 1 and day0[0]["articles"] == 2
    assert "Faro" not in {e["name"] for e in day0[0]["entities"]}


def test_top_keeps_the_most_named_and_breaks_ties_by_mentions_then_name() -> None:
    shard = Shard(parse_windows("1h"), grace=0, top=2)
    arts = [
        article(1, T0 + 1, [("B", "ORG", 1), ("A", "ORG", 1), ("C", "ORG", 5)]),
        article(2, T0 + 2, [("B", "ORG", 1), ("A", "ORG", 1)]),
    ]
    fold_all(shard, arts)
    shard.begin(T0 + 2)
    shard.advance(T0 + 3600)
    ((_, partial),) = shard.close(0, 1)[-1:]
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
    for p, shard in enumerate(shards):
        shard.begin(T0, lookback=0)
        shard.advance(T0 + 3600)
        for wid, partial in shard.close(p, parts):
            assert merger.fold(wid, partial) == []  # a window waits for every shard's progress
            assert merger.fold(wid, partial) == []  # and a partial sent again is ignored
    done = []
    for p, shard in enumerate(shards):
        result = merger.fold(PROGRESS_KEY, {"shard": p, "parts": parts, "t": shard.watermark})
        assert (result == []) == (p < parts - 1)  # finished with the last shard's progress
        done += result
    assert merger.fold(PROGRESS_KEY, {"shard": 0, "parts": parts, "t": T0 + 7200}) == []
    whole.begin(T0, lookback=0)
    whole.advance(T0 + 3600)
    ((_, alone),) = whole.close(0, 1)
    assert len(done) == 1
    expected = finish([alone], 5)
    assert done[0]["entities"] == expected["entities"]
    assert done[0]["articles"] == 300 == expected["articles"]
    assert [e["rank"] for e in done[0]["entities"]] == [1, 2, 3, 4, 5]
    assert done[0]["revision"] == 1 and done[0]["clock"] == "arrival"


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
    first.advance(T0 + 3 * 3600)
    again.advance(T0 + 3 * 3600)
    assert first.close(0, 1) == again.close(0, 1)

    partials = [
        (f"1h@{i}", {"shard": s, "parts": 2, **minimal(i)}) for i in range(3) for s in (0, 1)
    ]
    progress = [(PROGRESS_KEY, {"shard": s, "parts": 2, "t": T0 + 3 * 3600}) for s in (0, 1)]
    correction = ("1h@1", {"shard": 1, "parts": 2, **minimal(1), "counted": 5, "articles": 2})
    log2 = [*partials, *progress, correction]
    merger = Merger(top=3)
    sent = [w for wid, p in log2 for w in merger.fold(wid, p)]
    assert [(w["start"], w["revision"], w["articles"]) for w in sent] == [
        (iso_at(T0).replace("+00:00", "Z"), 1, 2),
        (iso_at(T0 + 3600).replace("+00:00", "Z"), 1, 2),
        (iso_at(T0 + 7200).replace("+00:00", "Z"), 1, 2),
        (iso_at(T0 + 3600).replace("+00:00", "Z"), 2, 3),
    ]
    rebuilt = Merger(top=3)
    for wid, p in log2:
        rebuilt.fold(wid, p)
    assert all(rebuilt.fold(wid, p) == [] for wid, p in log2)  # finished: not sent again
    # a window finished and forgotten, sent again by a shard that restarted: not sent again
    small = Merger(top=3, keep=1)
    for wid, p in log2:
        small.fold(wid, p)
    assert list(small.finished) == ["1h@2"]  # the correction of 1h@1 came too late to send
    assert small.fold(*correction) == []
    assert small.fold(*partials[0]) == [] and small.pending == {}


def minimal(i: int) -> dict[str, Any]:
    return {
        "window": "1h",
        "seconds": 3600,
        "start": int(T0) + 3600 * i,
        "counted": 1,
        "articles": 1,
        "previous_articles": 0,
        "entities": [],
    }


def test_surnames_and_acronyms_count_with_the_full_name_of_their_window() -> None:
    shard = Shard(parse_windows("1h"), grace=0, top=10)
    arts = [
        article(1, T0 + 1, [("Joe Biden", "PERSON", 2), ("United Nations", "ORG", 1)]),
        article(2, T0 + 2, [("Biden", "PERSON", 3), ("UN", "ORG", 1)]),
        article(3, T0 + 3, [("Biden", "PERSON", 1), ("Hunter Biden", "PERSON", 1)]),
        article(
            4, T0 + 4, [("Joe Biden", "PERSON", 1), ("U.S.", "GPE", 1)], ids=[None, "geonames:1"]
        ),
        article(5, T0 + 5, [("United States", "GPE", 2)], ids=["geonames:1"]),
        article(6, T0 + 6, [("Sessions", "PERSON", 1)]),
    ]
    fold_all(shard, arts)
    shard.begin(T0 + 10, lookback=0)
    shard.advance(T0 + 3600)
    ((_, partial),) = shard.close(0, 1)
    got = {e["id"]: (e["name"], e["articles"], e["mentions"]) for e in partial["entities"]}
    assert got == {
        "person:joe biden": ("Joe Biden", 4, 7),
        "person:hunter biden": ("Hunter Biden", 1, 1),
        "org:united nations": ("United Nations", 2, 2),
        "geonames:1": ("U.S.", 2, 3),  # ties between a place's names: the first by name
        "person:sessions": ("Sessions", 1, 1),  # no full name beside it: itself
    }
    assert partial["articles"] == 6


def test_bursts_score_a_count_against_the_entity_s_own_history() -> None:
    shard = Shard(parse_windows("1h"), grace=0, top=10, baseline=4, min_support=3, min_history=3)
    i = itertools.count()

    def hour(h: int, named: dict[str, int]) -> list[EnrichedArticle]:
        out = []
        for name, n in named.items():
            out += [article(next(i), T0 + 3600 * h + k, [(name, "GPE", 1)]) for k in range(n)]
        return out

    history = {"Always": [10, 12, 8, 10, 10], "Rare": [0, 1, 0, 1, 9], "Few": [0, 0, 0, 0, 2]}
    for h in range(5):
        fold_all(shard, hour(h, {k: v[h] for k, v in history.items() if v[h]}))
    shard.begin(T0, lookback=0)
    shard.advance(T0 + 5 * 3600)
    partials = {wid: p for wid, p in shard.close(0, 1)}
    last = partials["1h@2026-11-30T13:00:00Z"]
    rows = {e["name"]: e for e in last["entities"]}
    # Always: baseline 10 over the four hours before, variance 2: (10 - 10) / sqrt(13) = 0
    assert rows["Always"]["baseline"] == 10.0 and rows["Always"]["burst"] == 0.0
    # Rare: baseline 0.5, variance 0.25: (9 - 0.5) / sqrt(1.75)
    assert rows["Rare"]["baseline"] == 0.5
    assert rows["Rare"]["burst"] == pytest.approx(8.5 / math.sqrt(1.75), abs=1e-4)
    assert rows["Few"]["burst"] is None and rows["Few"]["baseline"] == 0.0  # 2 < min_support
    assert [e["name"] for e in last["rising"]] == ["Rare"]  # a burst above 0 only
    # hour 11 has two hours of history before it: under min_history, no score
    early = {e["name"]: e for e in partials["1h@2026-11-30T11:00:00Z"]["entities"]}
    assert early["Always"]["burst"] is None and early["Always"]["baseline"] == 11.0
    first = {e["name"]: e for e in partials["1h@2026-11-30T09:00:00Z"]["entities"]}
    assert first["Always"]["baseline"] is None  # no history at all


def test_a_finished_window_is_stamped_now_unless_told() -> None:
    import time as clock

    before = clock.time()
    rec = finished_record(finish([{**minimal(0), "shard": 0, "parts": 1}], 1))
    assert before - 1 <= rec.generated_at.timestamp() <= clock.time() + 1


def test_a_finished_window_is_a_valid_record_that_round_trips() -> None:
    row = {**entity_row("Lisbon", 2, 3, 5, 9), "baseline": 1.5, "burst": 0.4}
    rec = finished_record(
        finish(
            [{**minimal(0), "shard": 0, "parts": 1, "entities": [row], "rising": [row]}],
            10,
            revision=3,
        ),
        now=T0 + 3700,
    )
    assert rec.start == datetime(2026, 11, 30, 9, tzinfo=UTC)
    assert rec.end == datetime(2026, 11, 30, 10, tzinfo=UTC)
    assert rec.entities[0].change == -3 and rec.entities[0].rank == 1
    assert rec.entities[0].entity_id == "place:lisbon" and rec.rising[0].burst == 0.4
    assert rec.revision == 3 and rec.clock == "arrival"
    assert decode(encode(rec), TrendingWindow) == rec


def test_the_worker_s_state_rebuilds_shards_and_tracks_its_sources() -> None:
    import asyncio
    from types import SimpleNamespace

    from streams.agents.trends import TrendsState
    from streams.ops import metrics
    from streams.settings import Settings
    from streams.topics import trends_topics

    settings = Settings(
        trends_windows="1h",
        trends_clock="event",
        trends_idle_seconds=30,
        trends_baseline=5,
        trends_min_support=2,
        trends_min_history=4,
        trends_grace_seconds=90,
        trends_top=7,
    )
    topics = trends_topics(settings)
    a = article(1, T0 + 86400, [("Lisbon", "GPE", 1)], published=iso_at(T0 + 10))
    partial = {**minimal(0), "shard": 0, "parts": 1}
    logs = {
        topics.mentions: [*mentions_of(a, "event"), (MARK_KEY, {"src": 0, "t": T0 + 3600})],
        topics.partials: [
            ("1h@2026-11-30T09:00:00Z", partial),
            (PROGRESS_KEY, {"shard": 0, "parts": 1, "t": T0 + 3600}),
        ],
    }
    read = []

    def reader(s: Any, topic: str, partition: int) -> list[tuple[str, dict[str, Any]]]:
        assert s.trends_top == 7  # the worker's settings
        read.append((topic, partition))
        return logs[topic]

    def rebuilt(name: str) -> tuple[float, float]:
        """(rebuilds, seconds) the metric holds for one kind of state."""
        out = {"_count": 0.0, "_sum": 0.0}
        for m in metrics.TRENDS_REBUILD_SECONDS.collect():
            for sample in m.samples:
                for end in out:
                    if sample.name.endswith(end) and sample.labels["state"] == name:
                        out[end] = sample.value
        return out["_count"], out["_sum"]

    def one_more(name: str, before: tuple[float, float]) -> bool:
        count, seconds = rebuilt(name)
        return count == before[0] + 1 and 0 <= seconds - before[1] < 60  # a duration

    before = {name: rebuilt(name) for name in ("counts", "merge")}
    state = TrendsState(settings, topics, parts=2, reader=reader, sources=2)
    shard = asyncio.run(state.shard(1))
    assert one_more("counts", before["counts"])
    assert (shard.clock, shard.sources, shard.baseline, shard.grace, shard.top) == (
        "event",
        2,
        5,
        90,
        7,
    )
    assert (shard.min_support, shard.min_history) == (2, 4)
    assert shard.counts["1h"][int(T0)][ARTICLE_KEY].articles == 1  # rebuilt from its log
    assert asyncio.run(state.shard(1)) is shard and read == [(topics.mentions, 1)]
    assert state.parts == 2 and set(state._locks) == {(topics.mentions, 1)}
    merger = asyncio.run(state.merger(0))
    assert one_more("merge", before["merge"])
    assert merger.top == 7 and read[-1] == (topics.partials, 0)
    assert (topics.partials, 0) in state._locks
    assert list(merger.finished) == ["1h@2026-11-30T09:00:00Z"]  # known, not sent again
    assert state._lock("a", 0) is state._lock("a", 0)
    assert state._lock("a", 0) is not state._lock("b", 0)
    assert state._lock("a", 0) is not state._lock("a", 1)
    assert TrendsState(settings, topics, parts=1, reader=reader).sources == 1
    arrival = TrendsState(
        settings.model_copy(update={"trends_clock": "arrival"}), topics, 1, reader
    )
    rebuilt = asyncio.run(arrival.shard(0))  # the clock starts an arrival shard at once
    assert rebuilt.clock == "arrival" and rebuilt.watermark > T0 + 86400

    tp = SimpleNamespace
    state.assign([tp(topic=topics.mentions, partition=0)], now=50)
    state.assign(
        [tp(topic=topics.mentions, partition=1), tp(topic=topics.source, partition=0)], now=100
    )
    assert state.assigned == {0, 1} and state.heard == {0: 100}
    state.assign([tp(topic=topics.source, partition=0)], now=120)  # already heard: kept
    assert state.heard == {0: 100}
    assert state.fell_quiet(129) == [] and state.fell_quiet(130) == [0]
    assert state.fell_quiet(200) == []  # said once
    state.heard_from(0, T0, now=201)
    assert 0 not in state.quiet and state.high[0] == T0
    state.heard_from(0, T0 - 50, now=202)  # the latest time read is the highest
    state.heard_from(0, None, now=203)  # an unreadable record: heard, no time
    assert state.high[0] == T0 and state.heard[0] == 203
    assert state.fell_quiet(232) == [] and state.fell_quiet(233) == [0]

    # progress is due when the watermark crosses a window's start, once
    assert not state.progress_due(1, shard)  # source 1 not heard from: no watermark
    shard.fold(MARK_KEY, {"src": 1, "t": T0 + 3600 + 1})
    assert state.progress_due(1, shard)
    assert not state.progress_due(1, shard)
    shard.fold(MARK_KEY, {"src": 1, "t": T0 + 3600 + 50})
    assert not state.progress_due(1, shard)  # within the same window
    shard.fold(MARK_KEY, {"src": 1, "t": T0 + 2 * 3600})
    shard.fold(MARK_KEY, {"src": 0, "t": T0 + 2 * 3600 + 5})
    assert state.progress_due(1, shard) and not state.progress_due(1, shard)
    empty = state.new_shard()
    assert not state.progress_due(0, empty)  # no watermark yet

    state.revoke(
        [
            tp(topic=topics.mentions, partition=1),
            tp(topic=topics.source, partition=0),
            tp(topic=topics.partials, partition=0),
        ]
    )
    assert state.shards == {} and state.assigned == {0} and state.mergers == {}
    assert state.heard == {} and state.high == {} and state.quiet == set()
    assert state.reported == {}
    state.revoke(  # what it does not hold is no error
        [
            tp(topic=topics.mentions, partition=5),
            tp(topic=topics.source, partition=5),
            tp(topic=topics.partials, partition=5),
        ]
    )


def test_the_rising_gauge_shows_each_window_s_latest_top() -> None:
    from streams.agents import trends as worker
    from streams.agents.trends import show_rising
    from streams.ops import metrics

    worker._shown.clear()  # module state: what earlier windows put on the gauge

    def record(names: list[str], burst: float | None = 2.0, window: str = "1h") -> TrendingWindow:
        rows = [{**entity_row(n, 3, 3, 0, 0), "burst": burst} for n in names]
        window_dict = finish([{**minimal(0), "shard": 0, "parts": 1, "entities": []}], 10)
        ranked = [
            {**{k: v for k, v in r.items() if k != "id"}, "rank": i, "change": 3}
            for i, r in enumerate(rows, 1)
        ]
        return finished_record({**window_dict, "window": window, "rising": ranked}, now=T0)

    def shown(window: str = "1h") -> dict[str, float]:
        return {
            s.labels["entity"]: s.value
            for m in metrics.TRENDS_BURST.collect()
            for s in m.samples
            if s.labels["window"] == window
        }

    many = [f"E{i:02d}" for i in range(12)]
    show_rising(record(many, window="7d"))  # a window size shown for the first time
    assert sorted(shown("7d")) == many[:10]  # ten by default
    show_rising(record(["A", "B", "C"]), top=2)
    assert shown() == {"A": 2.0, "B": 2.0}
    show_rising(record(["C"]))
    assert shown() == {"C": 2.0}  # the last window's entities are taken off
    show_rising(record(["D"], burst=None))
    assert shown() == {}
    assert sorted(shown("7d")) == many[:10]  # another window size's are left alone


def test_an_article_without_a_story_id_counts_as_its_own_story() -> None:
    a = article(1, T0, [("Lisbon", "GPE", 1)])
    a.story_id = None
    assert {v["story"] for _, v in mentions_of(a)} == {"a1"}


def test_a_place_on_the_map_counts_under_its_geonames_id_and_its_form_named_most() -> None:
    from schemas.models import Geo

    geo = Geo(
        geonames_id=6252001,
        name="United States",
        latitude=39.76,
        longitude=-98.5,
        feature_class="A",
        feature_code="PCLI",
        population=327167434,
    )
    a = article(1, T0, [("U.S.", "GPE", 1), ("United States", "LOC", 3), ("US", "GPE", 2)])
    for e in a.entities:
        e.geo = geo
    recs = dict(mentions_of(a))
    assert recs["geonames:6252001"]["id"] == "geonames:6252001"
    # the form named most, with its own label; a later form named less does not replace it
    assert (recs["geonames:6252001"]["name"], recs["geonames:6252001"]["label"]) == (
        "United States",
        "LOC",
    )
    assert recs["geonames:6252001"]["n"] == 6


def row(name: str, articles: int, mentions: int, burst: float | None = None, **kw: Any) -> dict:
    return {
        "id": f"org:{name.lower()}",
        "name": name,
        "label": "ORG",
        "articles": articles,
        "mentions": mentions,
        "previous_articles": kw.get("previous", 0),
        "previous_mentions": 0,
        "baseline": kw.get("baseline"),
        "burst": burst,
    }


def test_finish_ranks_by_count_and_by_burst_and_names_each_row_by_its_id() -> None:
    rows = [
        row("A", 3, 3, burst=1.0, previous=5),
        row("B", 5, 1, burst=4.0),
        row("C", 3, 9, burst=2.0),
        {**row("D", 3, 3, burst=2.0), "id": "org:a2"},  # as A but for its id
    ]
    partial = {**minimal(0), "shard": 0, "parts": 1, "entities": rows, "rising": rows}
    done = finish([partial], top=3)
    assert done["revision"] == 1 and done["clock"] == "arrival"
    assert done["start"] == "2026-11-30T09:00:00Z" and done["end"] == "2026-11-30T10:00:00Z"
    assert [(e["name"], e["rank"]) for e in done["entities"]] == [("B", 1), ("C", 2), ("A", 3)]
    assert [e["name"] for e in done["rising"]] == ["B", "C", "D"]  # ties: by count, then id
    first = done["entities"][2]
    assert "id" not in first and first["entity_id"] == "org:a" and first["change"] == -2
    assert done["rising"][0]["burst"] == 4.0
    assert [e["name"] for e in finish([partial], top=10)["entities"]] == ["B", "C", "A", "D"]
    twins = [{**row("X", 1, 1), "id": "org:b"}, {**row("X", 1, 1), "id": "org:a"}]
    both = finish([{**minimal(0), "shard": 0, "parts": 1, "entities": twins}], top=5)
    assert [e["entity_id"] for e in both["entities"]] == ["org:a", "org:b"]  # last: the id
    no_rising = {**minimal(0), "shard": 0, "parts": 1, "entities": rows}
    assert finish([no_rising], top=2)["rising"] == []
    assert finish([no_rising], top=2, revision=4)["revision"] == 4
