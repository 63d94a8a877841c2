"""Speaker rules of the quotation finder, with the entities given by hand (no model): each
case is a way wire copy names who speaks, and each failed before its rule existed."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pytest

from streams.processors.entities.quotes import find_quotes


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


def test_a_short_phrase_in_marks_is_a_quotation_only_when_its_sentence_names_who_said_it() -> None:
    text = (
        "Opposition leader Rita Moreau met reporters.\n\n"
        'Moreau called the budget "a cruel joke" and left. The "green deal" was not discussed.'
    )
    quotes = find_quotes(
        text, tagged(text, [("Rita Moreau", "PERSON"), ("Moreau", "PERSON")]), "en"
    )
    assert quotes is not None and [q["text"] for q in quotes] == ["a cruel joke"]


def test_the_same_speaker_goes_on_unless_someone_else_is_named_between() -> None:
    text = (
        '"We have the votes," said Ana Ruiz, who met Tom Lee on Monday. "The bill will pass."\n\n'
        "Senator Ben Ortiz disagreed strongly. "
        'In his view, "the bill will fail in the second chamber".'
    )
    tags = [("Ana Ruiz", "PERSON"), ("Tom Lee", "PERSON"), ("Ben Ortiz", "PERSON")]
    # Tom Lee is named in Ana Ruiz's own attribution: she goes on; Ben Ortiz's sentence
    # stands between the second and the third quotation
    assert said(text, tags, "en") == ["Ana Ruiz", "Ana Ruiz", "Ben Ortiz"]


@pytest.mark.parametrize(
    ("text", "tags", "language", "speaker"),
    [
        (
            # the subject is the clause right before the cue, not the sentence's start
            "Finance chief Omar Haddad presented the results. Costs would rise, he added, "
            'calling the new tariffs "a burden that nobody can plan for".',
            [("Omar Haddad", "PERSON"), ("Costs", "ORG")],
            "en",
            "Omar Haddad",
        ),
        (
            # a possessive description is someone else than the person named before it
            "Prime Minister Karl Dahl cancelled his trip.\n\nIn a statement, his office said: "
            '"All the injured will be treated free of charge."',
            [("Karl Dahl", "PERSON")],
            "en",
            "his office",
        ),
        (
            # an inverted pronoun is the subject; a name after it is somewhere else
            "La ministre Claire Roux a parlé.\n\n« Nous serons aux côtés des éleveurs », "
            "a-t-elle précisé lors d'un déplacement dans le Lot-et-Garonne.",
            [("Claire Roux", "PERSON"), ("Lot-et-Garonne", "PERSON")],
            "fr",
            "Claire Roux",
        ),
        (
            "Le marché recule.\n\nPour Paul Girard, vigneron depuis trente ans, l'urgence est "
            "ailleurs : « on ne parle plus de rentabilité mais de survie ».",
            [("Paul Girard", "PERSON")],
            "fr",
            "Paul Girard",
        ),
        (
            # German, names read from the text: a surname alone after the cue, and a name
            # set off after a definite description
            "Bahnchef Richard Vogt stellte die Zahlen vor.\n\n„Wir müssen schneller werden“, "
            "sagte Vogt bei der Vorstellung der Jahreszahlen.",
            [],
            "de",
            "Richard Vogt",
        ),
        (
            "Die Grünen kritisieren den Plan.\n\nDer verkehrspolitische Sprecher der Grünen, "
            "Martin Haller, sagte: „Stellenabbau allein macht keinen Zug pünktlicher.“",
            [],
            "de",
            "Martin Haller",
        ),
    ],
)
def test_who_the_attribution_names(
    text: str, tags: list[tuple[str, str]], language: str, speaker: str
) -> None:
    quotes = find_quotes(text, tagged(text, tags), language, has_model=bool(tags))
    assert quotes is not None and len(quotes) == 1
    assert quotes[0]["speaker"] is not None and quotes[0]["speaker"]["name"] == speaker


def test_a_name_the_description_belongs_to_does_not_hide_the_described_speaker() -> None:
    # the model called the company a person; it is whose spokesman spoke, not the speaker
    text = (
        "Telefónica presentó su plan.\n\n"
        "Un portavoz de Telefónica aseguró que no habrá despidos. "
        '"Vamos a invertir en fibra en toda España", afirmó.'
    )
    assert said(text, [("Telefónica", "PERSON")], "es") == ["Un portavoz"]
