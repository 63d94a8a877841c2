"""What an article's URL tells of its header: slug words and the day in its path
(streams/processors/clean/urls.py)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from streams.processors.clean import urls


def test_the_slug_is_the_segment_with_the_most_words() -> None:
    url = "https://www.nbcnews.com/politics/2023/04/28/new-york-man-pleads-guilty-rcna81912"
    assert urls.slug_words(url) == {"new", "york", "man", "pleads", "guilty", "rcna81912"}


def test_a_later_segment_wins_a_tie_and_file_endings_are_no_words() -> None:
    url = "https://example.org/one-two-three/four-five-six.html"
    assert urls.slug_words(url) == {"four", "five", "six"}
    assert urls.slug_words("https://example.org/a-b-c/index.php") == {"a", "b", "c"}
    assert urls.slug_words("https://e.org/Big-Story-Here.HTML") == {"big", "story", "here"}


def test_digits_alone_are_not_slug_words_and_short_slugs_are_none() -> None:
    assert urls.slug_words("https://example.org/news/2023/04/28/12345") == frozenset()
    assert urls.slug_words("https://example.org/politik/brexit-vote") == frozenset()
    assert urls.slug_words("https://example.org/x/one-two-three") == {"one", "two", "three"}
    assert urls.slug_words("https://e.org/99-luftballons-im-wind") == {"luftballons", "im", "wind"}


def test_no_url_and_broken_urls_give_no_slug() -> None:
    assert urls.slug_words(None) == frozenset()
    assert urls.slug_words("") == frozenset()
    assert urls.slug_words("http://[::1/a-b-c-d") == frozenset()
    assert urls.url_date("http://[::1/2023/04/28/") is None


def test_slug_words_are_folded_and_percent_decoded() -> None:
    url = "https://www.spiegel.de/sport/Fu%C3%9Fball-M%C3%BCller-Trainer-Entlassung-a-123"
    assert urls.slug_words(url) == {"fussball", "muller", "trainer", "entlassung", "a"}


def test_a_word_has_the_forms_slugs_spell_it_in() -> None:
    assert urls.forms("Fußball") == {"fussball"}
    assert urls.forms("Müller") == {"muller", "mueller"}
    assert urls.forms("Élysée") == {"elysee"}
    assert urls.forms("Øresund") == {"øresund", "oeresund"}


def test_agreement_counts_both_ways() -> None:
    slug = urls.slug_words("https://e.org/2023/man-pleads-guilty-to-threats")
    share, cover = urls.agreement("Man pleads guilty to threatening Omar", slug)
    assert share == pytest.approx(4 / 6)  # man, pleads, guilty, to of six words
    assert cover == pytest.approx(4 / 5)  # threats is not in the line
    assert urls.agreement("Man pleads guilty", frozenset()) == (0.0, 0.0)
    assert urls.agreement("2023 --", slug) == (0.0, 0.0)  # no words but digits
    # a word matched twice counts once in the slug's share
    assert urls.agreement("man man", slug) == (1.0, pytest.approx(1 / 5))


def test_german_spellings_match_a_slug() -> None:
    slug = urls.slug_words("https://e.de/sport/mueller-faengt-den-ball")
    assert urls.agreement("Müller fängt den Ball", slug) == (1.0, 1.0)


@pytest.mark.parametrize(
    ("url", "day"),
    [
        ("https://e.org/2023/04/28/story-of-the-day", (2023, 4, 28)),
        ("https://e.org/news/2019-12-01-story-of-the-day", (2019, 12, 1)),
        ("https://e.org/story_20210331.html", (2021, 3, 31)),
        ("https://e.org/a/1999.01.09/b", (1999, 1, 9)),
        ("https://e.org/2023/02/30/x/2023/03/01/y", (2023, 3, 1)),  # an invalid day is passed
    ],
)
def test_the_day_a_path_gives(url: str, day: tuple[int, int, int]) -> None:
    dated = urls.url_date(url)
    assert dated is not None
    assert dated.at == datetime(*day, tzinfo=UTC)
    assert dated.offset_minutes is None


@pytest.mark.parametrize(
    "url",
    [
        None,
        "",
        "https://e.org/2023/04/story",  # a month, no day
        "https://e.org/2023-0428-story",  # separators that differ
        "https://e.org/article/120230428",  # inside a longer number
        "https://e.org/1889/04/28/old",  # before 1990
        "https://e.org/2023/13/01/x",
        "https://e.org/x?date=2023-04-28",  # the query is not the path
    ],
)
def test_no_day_where_the_path_gives_none(url: str | None) -> None:
    assert urls.url_date(url) is None
