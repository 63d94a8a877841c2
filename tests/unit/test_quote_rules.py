"""Speaker rules of the quotation finder, with the entities given by hand (no model): each
case is a way wire copy names who speaks, and each failed before its rule existed."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pytest

from streams.processors.quotes import find_quotes


@dataclass
class Mention:
    start: int
    end: int


@dataclass
class Entity:
    name: str
    label: str
    mentions: list[Mention] = field(default_factory=list)


def tagged(text: str, tags: list[tuple[str, str]]) -> list[Entity]:
    """Entities for ``text``: every occurrence of each (surface, label)."""
    out = []
    for surface, label in tags:
        spans = [Mention(m.start(), m.end()) for m in re.finditer(re.escape(surface), text)]
        assert spans, surface
        out.append(Entity(surface, label, spans))
    return out


def said(text: str, tags: list[tuple[str, str]], language: str) -> list[str | None]:
    quotes = find_quotes(text, tagged(text, tags), language)
    assert quotes is not None
    for q in quotes:
        assert text[q["start"] : q["end"]] == q["text"]
        if q["speaker"] is not None and "start" in q["speaker"]:
            assert q["speaker"]["start"] <= q["speaker"]["end"]
    return [q["speaker"]["name"] if q["speaker"] else None for q in quotes]


def test_a_name_set_off_after_a_description_is_the_speaker() -> None:
    # a long subject before the verb, the name in commas after the description; the model
    # called the name an organisation
    text = (
        "Mayor Lena Holt opened the market on Monday.\n\n"
        '"Prices will rise again in the spring," a spokesman for the growers\' '
        "association, Tomas van Berg, said in a statement."
    )
    assert said(text, [("Lena Holt", "PERSON"), ("Tomas van Berg", "ORG")], "en") == [
        "Tomas van Berg"
    ]


def test_a_full_name_beats_a_lone_word_also_called_a_person() -> None:
    text = (
        "Power cuts went on in Nairobi.\n\n"
        '"The lake levels are far too low for now," Kenergo chief executive Joseph Wanyama '
        "told reporters."
    )
    tags = [("Kenergo", "PERSON"), ("Joseph Wanyama", "PERSON")]
    assert said(text, tags, "en") == ["Joseph Wanyama"]


@pytest.mark.parametrize(
    ("text", "tags", "language", "speaker"),
    [
        (
            # "Pour X, « … »" is X's view; "selon un communiqué" names a document, not a speaker
            "Le trafic reprend lentement.\n\nPour la compagnie Volotea, « les annulations "
            "coûtent des millions chaque jour », selon un communiqué publié mardi.",
            [],
            "fr",
            "Volotea",
        ),
        (
            "Los incendios siguen activos.\n\nSegún la Organización Meteorológica Mundial, "
            '"el calor durará al menos hasta el domingo en toda la región".',
            [("Organización Meteorológica Mundial", "ORG")],
            "es",
            "Organización Meteorológica Mundial",
        ),
        (
            # nobody named before: the management of a company speaks for it
            "« Seul un train sur deux circulera demain sur la ligne », a indiqué la direction "
            "de Trenitalia dans un communiqué.",
            [("Trenitalia", "ORG")],
            "fr",
            "Trenitalia",
        ),
    ],
)
def test_organisations_that_speak(
    text: str, tags: list[tuple[str, str]], language: str, speaker: str
) -> None:
    assert said(text, tags, language) == [speaker]


def test_a_spanish_verb_without_subject_after_a_described_speaker() -> None:
    # the described subject of a speech verb in the paragraph is who goes on speaking
    text = (
        'Para Marta Gil, vecina del barrio, "el servicio nocturno es imprescindible".\n\n'
        "Una portavoz de Iberdrola aseguró que la red está preparada. "
        '"No habrá cortes durante todo el invierno", afirmó.'
    )
    assert said(text, [("Marta Gil", "PERSON")], "es") == ["Marta Gil", "Una portavoz"]
    # a description that says nothing is no speaker: the verb's subject is the person
    text = (
        '"Vamos a reforzar los diques antes de octubre", dijo el presidente, Carlos Ruiz.\n\n'
        'Las obras empezarán en el barranco. "Las primeras máquinas llegan el lunes", añadió.'
    )
    assert said(text, [("Carlos Ruiz", "PERSON")], "es") == ["Carlos Ruiz", "Carlos Ruiz"]
