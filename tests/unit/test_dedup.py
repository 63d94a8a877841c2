"""The near-duplicate index and its decisions, on copies made the ways outlets make them
(pure: no broker; the stage on Kafka is in tests/integration/test_dedup_integration.py)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from schemas import LanguageArticle, LanguageInfo, TraceStamp
from streams import timing
from streams.processors.dedup import stage as dedup
from streams.processors.dedup.stage import Candidate, DedupProcessor, Index, decide, fingerprints

SEEDS = Path(__file__).resolve().parents[2] / "seeds"

BASE = (
    "The city council of Lisbon approved on Wednesday a plan to double the number of tram "
    "lines by 2030, after months of debate with residents, shop owners and transport unions.\n\n"
    "The plan, which will cost an estimated 480 million euros, includes two new lines to the "
    "eastern districts and the renovation of the historic line 28, the mayor said.\n\n"
    "Opposition councillors criticised the timetable as unrealistic and asked for an "
    "independent review of the costs before any contract is signed with builders.\n\n"
    "Residents of the Alfama district, where the old trams run through narrow streets, said "
    "they feared years of roadworks and fewer visitors during the busiest months.\n\n"
    "The European Investment Bank has offered a loan covering about a third of the cost, "
    "according to documents seen by reporters, and the government is expected to decide "
    "on its own contribution before the summer."
)
OTHER = (
    "Farmers in the south of Spain are facing the worst drought in decades, with reservoirs "
    "at a fifth of their capacity and olive harvests expected to fall sharply this year.\n\n"
    "Regional authorities have restricted irrigation and asked towns to cut water use at night, "
    "while growers say the aid announced by Madrid arrives too late for many of them."
)


def paragraphs(text: str) -> list[str]:
    return text.split("\n\n")


def _run(texts: list[tuple[str, str]]) -> dict[str, dedup.Match]:
    index = Index()
    return {
        doc: index.match(doc, fingerprints(text), float(i)) for i, (doc, text) in enumerate(texts)
    }


COPIES = {
    "header and footer": "Daily Courier | World | Sign in\n\n" + BASE + "\n\nShare this story. "
    "Copyright 2026 Daily Courier. All rights reserved.",
    "new headline and edits": "Lisbon doubles its trams\n\n"
    + BASE.replace("on Wednesday", "on Wednesday evening").replace("said", "told reporters"),
    "brief of two paragraphs": "\n\n".join(paragraphs(BASE)[:2]),
    "truncated": BASE[: len(BASE) // 2],
    "inserted local paragraph": "\n\n".join(
        [
            *paragraphs(BASE)[:2],
            "In Porto, the city's own tram plans remain on hold pending a court ruling.",
            *paragraphs(BASE)[2:],
        ]
    ),
    "re-flowed": BASE.replace("\n\n", " ").replace(", ", " , "),
}


@pytest.mark.parametrize("kind", sorted(COPIES))
def test_a_copy_finds_its_original(kind: str) -> None:
    found = _run([("base", BASE), ("other", OTHER), ("copy", COPIES[kind])])
    assert found["base"].duplicate_of is None and found["base"].story_id == "base"
    assert found["copy"].duplicate_of == "base", kind
    assert found["copy"].story_id == "base"
    assert 0.4 <= found["copy"].similarity <= 1.0
    assert found["other"].duplicate_of is None


def test_a_copy_arriving_first_makes_the_original_the_copy() -> None:
    found = _run([("brief", COPIES["brief of two paragraphs"]), ("base", BASE)])
    assert found["brief"].duplicate_of is None
    assert found["base"].duplicate_of == "brief" and found["base"].story_id == "brief"


def test_every_copy_of_a_story_gets_the_first_article_as_its_story() -> None:
    texts = [("base", BASE), *[(k, v) for k, v in sorted(COPIES.items())]]
    found = _run(texts)
    assert {m.story_id for m in found.values()} == {"base"}
    assert all(m.duplicate_of == "base" for d, m in found.items() if d != "base")


def _table(day: int, scores: list[tuple[str, int, str, int]]) -> str:
    lines = ["SOCCER - ENGLISH PREMIER LEAGUE RESULTS .", f"LONDON 1996-08-{day:02d}", ""]
    lines += [f"{a} {x} {b} {y}" for a, x, b, y in scores]
    lines += [
        "",
        "Standings ( tabulate under played , won , drawn , lost , goals for , against , points ) :",
    ]
    return "\n".join(lines)


TEAMS = [
    "Arsenal",
    "Chelsea",
    "Leeds",
    "Everton",
    "Derby",
    "Wimbledon",
    "Liverpool",
    "Newcastle",
    "Southampton",
    "Coventry",
    "Sunderland",
    "Blackburn",
    "Tottenham",
    "Aston Villa",
    "West Ham",
    "Nottingham Forest",
    "Sheffield Wednesday",
    "Middlesbrough",
    "Leicester",
    "Manchester United",
]


def test_documents_sharing_a_template_are_not_copies() -> None:
    def table(day: int, shift: int) -> str:
        rows = [
            (
                TEAMS[(2 * i + shift) % 20],
                (i * day) % 4,
                TEAMS[(2 * i + 1 + 3 * shift) % 20],
                (i + day) % 3,
            )
            for i in range(10)
        ]
        return _table(day, rows)

    found = _run([("one", table(17, 0)), ("two", table(24, 1)), ("three", table(31, 2))])
    assert [m.duplicate_of for m in found.values()] == [None, None, None]


def test_a_paragraph_lifted_into_another_story_does_not_make_it_a_copy() -> None:
    lifted = OTHER + "\n\n" + paragraphs(BASE)[3] + "\n\n" + OTHER.replace("Spain", "Portugal")
    found = _run([("base", BASE), ("lifted", lifted)])
    assert found["lifted"].duplicate_of is None


def test_seeds_in_different_languages_are_not_copies_of_each_other() -> None:
    texts = [(p.stem, p.read_text(encoding="utf-8")) for p in sorted(SEEDS.glob("*.txt"))]
    assert len(texts) >= 5
    found = _run(texts)
    assert all(m.duplicate_of is None for m in found.values())


def test_fingerprints_are_sampled_alike_and_positioned() -> None:
    fps = fingerprints(BASE)
    assert fps and all(0.0 <= p < 1.0 for p in fps.values())
    assert all((h >> 8) % dedup.SAMPLE == 0 for h in fps)
    # the same shingles give the same hashes whatever the case and punctuation
    assert set(fingerprints(BASE.upper().replace(",", " ;"))) == set(fps)
    # a prefix's fingerprints are the base's, with their positions in the base scaled
    assert set(fingerprints(COPIES["truncated"])) <= set(fps)
    assert fingerprints("") == {}
    assert list(fingerprints("two words").values()) == [0.0]
    assert fingerprints("two words") == fingerprints("Two, words!")


@pytest.mark.parametrize(
    ("shared", "a", "b", "start", "expected"),
    [
        (4, 10, 100, 0.0, True),  # 40% of the smaller: a brief
        (3, 10, 100, 0.0, False),  # below the threshold
        (4, 10, 100, 0.21, False),  # starts past the lead of the larger
        (4, 10, 100, 0.2, True),  # exactly at the lead
        (8, 10, 20, 0.5, True),  # past the lead, but 40% of the larger too: one text
        (7, 10, 20, 0.5, False),  # past the lead and 35% of the larger: lifted
        (3, 3, 3, 0.0, True),  # a very short text needs only what it has
        (2, 5, 5, 0.0, False),  # fewer than MIN_SHARED and under the threshold
        (1, 1, 2, 0.0, False),  # one shared shingle of a longer text: a stock phrase
        (1, 1, 1, 0.0, True),  # two one-shingle texts that are the same
        (2, 2, 9, 0.0, True),  # all of a two-shingle text
    ],
)
def test_is_copy_boundaries(shared: int, a: int, b: int, start: float, expected: bool) -> None:
    assert dedup.is_copy(shared, a, b, start) is expected


def test_is_copy_reads_an_unknown_start_as_the_lede() -> None:
    assert dedup.is_copy(4, 10, 100)  # 4% of the larger: only the lede lets it through


def test_decide_takes_the_earliest_copy_and_ignores_later_and_weak_candidates() -> None:
    cands = [
        Candidate("late", 50, 9.0, 40),  # arrived after: not what this copies
        Candidate("weak", 50, 1.0, 3),
        Candidate("second", 50, 3.0, 30),
        Candidate("first", 60, 2.0, 25, start=0.1),
        Candidate("lifted", 200, 0.5, 45, start=0.5),  # deep in a much larger one
    ]
    m = decide("me", 50, 5.0, cands)
    assert m.duplicate_of == "first" and m.story_id == "first" and m.similarity == 0.5


def test_decide_takes_a_copy_with_its_own_paragraph_above_the_lede() -> None:
    # the shared text starts half-way into the larger, but is most of both: one story
    cands = [Candidate("first", 60, 2.0, 25, start=0.1), Candidate("prefaced", 60, 0.5, 45)]
    m = decide("me", 50, 5.0, [cands[0], Candidate("prefaced", 60, 0.5, 45, 0.5, 0.5)])
    assert m.duplicate_of == "prefaced" and m.similarity == 0.9
    assert decide("me", 50, 5.0, cands).duplicate_of == "prefaced"


def test_decide_compares_ties_in_time_by_id() -> None:
    cands = [Candidate("b", 10, 1.0, 10), Candidate("a", 10, 1.0, 10)]
    assert decide("z", 10, 2.0, cands).duplicate_of == "a"
    assert decide("0", 10, 1.0, cands).duplicate_of is None  # same time, smaller id: first


def test_adding_again_is_idempotent_and_a_document_never_matches_itself() -> None:
    index = Index()
    fps = fingerprints(BASE)
    index.add("base", fps, 1.0)
    index.add("base", fps, 1.0)
    assert all(len(v) == 1 for v in index.store.values())
    assert index.lookup("base", fps) == {}
    assert index.lookup("copy", fps)["base"].shared == len(fps)


def test_the_index_forgets_what_is_older_than_its_window() -> None:
    index = Index(window_s=100.0)
    index.add("old", fingerprints(BASE), 0.0)
    index.add("new", fingerprints(OTHER), 150.0)
    assert index.sweep(150.0) == len(fingerprints(BASE))
    assert "old" not in {e[0] for v in index.store.values() for e in v}
    assert index.match("copy", fingerprints(COPIES["truncated"]), 160.0).duplicate_of is None


def test_the_index_keeps_at_most_max_keys_dropping_the_oldest() -> None:
    index = Index(max_keys=len(fingerprints(OTHER)), sweep_every=10**9)
    index.add("old", fingerprints(BASE), 1.0)
    index.add("new", fingerprints(OTHER), 2.0)
    assert len(index.store) == len(fingerprints(OTHER)) * 9 // 10
    assert {e[0] for v in index.store.values() for e in v} == {"new"}


def test_a_stock_phrase_keeps_only_the_newest_postings() -> None:
    index = Index(max_postings=3)
    for i in range(5):
        index.add(f"d{i}", {42: 0.0}, float(i))
    assert [e[0] for e in index.store[42]] == ["d2", "d3", "d4"]


def _article(doc: str, text: str, at: datetime) -> LanguageArticle:
    return LanguageArticle(
        id=doc,
        text=text,
        content_hash="x",
        language=LanguageInfo(code="en", confidence=1.0, detector="ngrams"),
        trace=[TraceStamp(stage="clean", version="t", at=at, ms=1.0)],
    )


def test_the_processor_answers_per_article_from_the_clean_stamp() -> None:
    p = DedupProcessor()
    p.warm_up()
    t0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    t1 = datetime(2026, 3, 1, 12, 5, tzinfo=UTC)
    out = p.process([_article("base", BASE, t0), _article("copy", COPIES["truncated"], t1)])
    assert out[0] == {"duplicate_of": None, "similarity": None, "story_id": "base"}
    assert out[1]["duplicate_of"] == "base" and out[1]["story_id"] == "base"
    assert out[1]["similarity"] == pytest.approx(1.0)
    # replayed (the same records again): the same answers
    again = p.process([_article("base", BASE, t0), _article("copy", COPIES["truncated"], t1)])
    assert again == out
    assert timing.arrival(_article("x", "y", t1)) == t1.timestamp()


def test_over_the_limit_the_index_drops_to_nine_tenths_so_sweeps_stay_rare() -> None:
    index = Index(max_keys=1000, sweep_every=10**9)
    for i in range(1001):
        index.add(f"d{i}", {i: 0.0}, float(i))
    assert len(index.store) == 900
    assert min(index.store) == 101  # the oldest went first
    index.add("next", {5000: 0.0}, 2000.0)
    assert len(index.store) == 901  # no sweep until the limit is crossed again


def test_switched_off_every_article_is_its_own_story() -> None:
    from types import SimpleNamespace

    from streams.processors.dedup.stage import DedupProcessor, NoDedup, make_processor
    from streams.settings import Settings

    assert isinstance(make_processor(Settings()), DedupProcessor)
    off = make_processor(Settings(dedup_enabled=False))
    assert isinstance(off, NoDedup) and not hasattr(off, "connect")
    off.warm_up()
    same = [
        SimpleNamespace(id="a", text="one two three"),
        SimpleNamespace(id="b", text="one two three"),
    ]
    assert off.process(same) == [
        {"duplicate_of": None, "similarity": None, "story_id": "a"},
        {"duplicate_of": None, "similarity": None, "story_id": "b"},
    ]
