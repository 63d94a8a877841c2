"""The nominative forms Russian names are grouped and named by (streams/processors/entities/russian.py)."""

from __future__ import annotations

import pytest

from streams.processors.entities.russian import head_nominative


@pytest.mark.parametrize(
    ("written", "nominative", "pos", "expected"),
    [
        (  # the head and the adjective before it inflect; the genitive after it stays
            "Всемирной организации здравоохранения",
            "Всемирная организация здравоохранение",
            ["ADJ", "NOUN", "NOUN"],
            "Всемирная организация здравоохранения",
        ),
        (
            "Министерства иностранных дел",
            "Министерство иностранные дела",
            ["PROPN", "ADJ", "NOUN"],
            "Министерство иностранных дел",
        ),
        ("Штатов Америки", "Штаты Америка", ["PROPN", "PROPN"], "Штаты Америки"),
        ("Первого канала", "Первый канал", ["ADJ", "NOUN"], "Первый канал"),
        ("России", "Россия", ["PROPN"], "Россия"),
        # no noun at all: every word in the nominative
        ("Новой Зеландской", "Новая Зеландская", ["ADJ", "ADJ"], "Новая Зеландская"),
        # words that do not line up with the tokens: natasha's form as it is
        ("Нью - Йорка", "Нью-Йорк", ["PROPN", "PUNCT", "PROPN"], "Нью-Йорк"),
        ("Нью-Йорка", "Нью-Йорк", ["PROPN", "PROPN"], "Нью-Йорк"),
    ],
)
def test_words_after_the_head_stay_as_written(
    written: str, nominative: str, pos: list[str], expected: str
) -> None:
    assert head_nominative(written.split(), nominative.split(), pos) == expected
