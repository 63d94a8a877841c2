"""Sentence boundaries (streams.processors.sentences): abbreviations, initials, decimals,
quotations, ordinals, in the languages the pipeline reads."""

from __future__ import annotations

import pytest

from streams.processors.sentences import split


def cut(text: str, language: str = "en") -> list[str]:
    return [text[s:e] for s, e in split(text, language)]


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        (
            "Mr. Smith met Gen. Jones on Sept. 11. He left.",
            "en",
            ["Mr. Smith met Gen. Jones on Sept. 11.", "He left."],
        ),
        (
            "Shares rose 1.86 percent. Bonds fell.",
            "en",
            ["Shares rose 1.86 percent.", "Bonds fell."],
        ),
        ('"Go home!" she said. Nobody moved.', "en", ['"Go home!" she said.', "Nobody moved."]),
        (
            "It was big. “Very big.” Then it ended.",
            "en",
            ["It was big.", "“Very big.”", "Then it ended."],
        ),
        ("Talks in the U.S. Senate stalled.", "en", ["Talks in the U.S. Senate stalled."]),
        (
            "He lives in the U.S. The talks failed.",
            "en",
            ["He lives in the U.S.", "The talks failed."],
        ),
        (
            "J. K. Rowling wrote it. Fans cheered.",
            "en",
            ["J. K. Rowling wrote it.", "Fans cheered."],
        ),
        ("See No. 5 and p. 4 here. Done now.", "en", ["See No. 5 and p. 4 here.", "Done now."]),
        (
            "Buy apples, pears etc. and more. Fine then.",
            "en",
            ["Buy apples, pears etc. and more.", "Fine then."],
        ),
        ("Is it true? Yes! Really.", "en", ["Is it true?", "Yes!", "Really."]),
        ("Headline here\nThe body starts.", "en", ["Headline here", "The body starts."]),
        (
            "Am 3. Oktober kam Dr. Müller z.B. nach Berlin. Er ging.",
            "de",
            ["Am 3. Oktober kam Dr. Müller z.B. nach Berlin.", "Er ging."],
        ),
        ("Er wurde 3. Die Feier war kurz.", "de", ["Er wurde 3.", "Die Feier war kurz."]),
        ("On day 3. Then we left.", "en", ["On day 3.", "Then we left."]),
        ("Il a vu Mme Dupont. Elle part.", "fr", ["Il a vu Mme Dupont.", "Elle part."]),
        ("Habló el Sr. García. Luego salió.", "es", ["Habló el Sr. García.", "Luego salió."]),
        (
            "В. В. Путин прибыл в г. Москву. Он сказал.",
            "ru",
            ["В. В. Путин прибыл в г. Москву.", "Он сказал."],
        ),
        ("Mme. Dupont est là. Bien.", "en", ["Mme.", "Dupont est là.", "Bien."]),
    ],
)
def test_sentences_end_where_a_reader_ends_them(
    text: str, language: str, expected: list[str]
) -> None:
    assert cut(text, language) == expected


def test_spans_are_trimmed_offsets_and_need_three_letters() -> None:
    text = "  One sentence here.   -- 42. \n\n Another one. "
    spans = split(text)
    assert [text[s:e] for s, e in spans] == ["One sentence here.", "Another one."]
    assert spans[0] == (2, 20)


def test_a_period_without_space_after_never_cuts() -> None:
    assert cut("Visit example.com today. Or www.news.org now.") == [
        "Visit example.com today.",
        "Or www.news.org now.",
    ]


def test_a_text_without_stops_is_one_sentence_and_empty_is_none() -> None:
    assert cut("no stop at all") == ["no stop at all"]
    assert split("") == []
    assert split("...") == []


def test_an_unknown_language_uses_the_rules_without_abbreviations() -> None:
    assert cut("Prof. Smith came. He sat.", "xx") == ["Prof.", "Smith came.", "He sat."]
    assert cut("J. Smith came. He sat.", "xx") == ["J. Smith came.", "He sat."]


def test_only_a_period_can_be_an_abbreviation_s() -> None:
    assert cut("It was Plan B! Then it failed.") == ["It was Plan B!", "Then it failed."]
    assert cut("Is it J? Nobody knows.") == ["Is it J?", "Nobody knows."]


def test_english_is_the_default_language() -> None:
    assert cut("Gen. Smith came. He sat.") == ["Gen. Smith came.", "He sat."]
    assert split("Gen. Smith came.") == [(0, 16)]


def test_a_line_break_always_ends_a_sentence() -> None:
    assert cut("Talks with Dr.\nnobody came here.") == ["Talks with Dr.", "nobody came here."]
    assert cut("It rose\nit fell") == ["It rose", "it fell"]
