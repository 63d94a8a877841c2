"""The language rules over a model's mentions (streams/processors/entities/names.py)."""

from __future__ import annotations

import pytest

from streams.processors.entities.names import (
    acronyms,
    add_datelines,
    cut_numbers,
    datelines,
    every_mention,
    refine,
)
from streams.processors.entities.spans import RawMention


def mention(text: str, surface: str, label: str, nth: int = 0) -> RawMention:
    start = -1
    for _ in range(nth + 1):
        start = text.index(surface, start + 1)
    return RawMention(start, start + len(surface), surface, label)


def test_datelines_find_the_place_after_a_headline_or_byline() -> None:
    cases = {
        "SUBEN LOS PRECIOS Palma , 23 may ( EFE ) .": ("Palma", "EFE"),
        "Por Jorge Muñoa Madrid , 23 may ( EFE ) .": ("Madrid", "EFE"),
        "LONDON, Nov 3 (Reuters) - Shares fell.": ("LONDON", "Reuters"),
        "Guadalupe ( Cáceres ) ( EFE ) .": ("Guadalupe", "EFE"),
        "DE PINOCHET Santiago de Chile ( EFE ) .": ("Santiago de Chile", "EFE"),
        "PARIS, 3 mai (AFP) - Le gouvernement": ("PARIS", "AFP"),
    }
    for text, (place, agency) in cases.items():
        found = datelines(text, "es")
        assert [(d.place, text[d.agency_start : d.agency_end]) for d in found] == [(place, agency)]
        assert text[found[0].start : found[0].end] == place
    assert datelines("El Gobierno (PP) dijo que no.", "es") == []


def test_a_dateline_adds_its_place_and_agency_and_splits_a_byline() -> None:
    text = "Juan Miguel Núñez Madrid , 23 may ( EFE ) ."
    lines = datelines(text, "es")
    out = add_datelines([mention(text, "Juan Miguel Núñez Madrid", "PERSON")], text, lines)
    assert [(m.text, m.label) for m in out] == [
        ("Juan Miguel Núñez", "PERSON"),
        ("Madrid", "GPE"),
        ("EFE", "ORG"),
    ]


def test_refine_drops_common_words_and_trims_to_capitalised_ends() -> None:
    text = "Según el ministro , el presidente de la Federación Hotelera dijo que el Gobierno costarricense y la amonestación . Amonestación"
    ms = [
        mention(text, "Según", "PERSON"),
        mention(text, "presidente de la Federación Hotelera", "ORG"),
        mention(text, "Gobierno costarricense", "LOC"),
        mention(text, "Amonestación", "PERSON"),
        mention(text, "ministro", "PERSON"),
    ]
    out = refine(ms, text, "es")
    assert [(m.text, m.label) for m in out] == [
        ("Federación Hotelera", "ORG"),
        ("Gobierno", "ORG"),  # an institution's head word makes it an organisation
    ]
    for m in out:
        assert text[m.start : m.end] == m.text


@pytest.mark.parametrize(
    ("text", "language", "labels"),
    [
        (
            "dijo Bustamante en Madrid y en Quiabá , y Toledo",
            "es",
            [("Bustamante", "PERSON"), ("Madrid", "LOC"), ("Quiabá", "LOC")],
        ),
        # a continent and a route of known places are places; a word no gazetteer knows is not
        (
            "Les ministres des pays d'Afrique de l'Ouest et Gauthier ont parlé de la ligne "
            "Paris-Bordeaux.",
            "fr",
            [("Afrique", "LOC"), ("Gauthier", "PERSON"), ("Paris-Bordeaux", "LOC")],
        ),
    ],
)
def test_refine_calls_an_unknown_lone_word_a_person_unless_known_or_after_a_locative(
    text: str, language: str, labels: list[tuple[str, str]]
) -> None:
    """Only for a model trained on WikiNER, which calls many a surname a place."""
    out = refine(
        [mention(text, surface, "LOC") for surface, _ in labels], text, language, wikiner=True
    )
    assert [(m.text, m.label) for m in out] == labels


def test_the_surname_rule_is_only_for_wikiner_models() -> None:
    # English's OntoNotes model does not make that mistake
    en = "said Bustamante"
    assert refine([mention(en, "Bustamante", "LOC")], en, "en")[0].label == "LOC"
    es = "dijo Bustamante en Madrid"
    assert refine([mention(es, "Bustamante", "LOC")], es, "es")[0].label == "LOC"


def test_acronyms_and_numbers_in_results_rows() -> None:
    text = "El jefe del CNE habló con la OEA sobre el capítulo IV ."
    out = acronyms([mention(text, "OEA", "NORP")], text)
    assert [(m.text, m.label) for m in out] == [("CNE", "ORG"), ("OEA", "ORG")]
    row = "Real Madrid 34 22 8 4 70 30 74"
    cut = cut_numbers([mention(row, "Real Madrid 34", "ORG")], row)
    assert [m.text for m in cut] == ["Real Madrid"]
    prose = "He bought Windows 95 yesterday and liked it a lot."
    assert cut_numbers([mention(prose, "Windows 95", "PRODUCT")], prose)[0].text == "Windows 95"


def test_a_name_written_capitalised_inside_sentences_stays_one_beside_a_common_word() -> None:
    # "telefónica" once as an adjective; "Telefónica" twice inside sentences: a name
    text = (
        "La operadora telefónica creció . Dijo que Telefónica ganó y luego Telefónica compró ."
        "\nSALUD\nEl plan de salud sigue y la ONU habló ."
    )
    ms = [
        mention(text, "Telefónica", "ORG", 0),
        mention(text, "Telefónica", "ORG", 1),
        mention(text, "SALUD", "ORG"),  # a heading's word the text also writes in small letters
        mention(text, "ONU", "ORG"),  # an acronym stays
    ]
    assert [m.text for m in refine(ms, text, "es")] == ["Telefónica", "Telefónica", "ONU"]
    # written capitalised inside sentences less often than in small letters: a common word
    text = "Con la Amonestación de hoy , la amonestación de ayer y la amonestación de hoy ."
    assert refine([mention(text, "Amonestación", "PERSON")], text, "es") == []


def test_every_mention_of_a_name_found_once_gets_its_reading() -> None:
    text = "Adecco firmó con Telesp . Luego Telesp y la Telesp-Móvil ; Adecco otra vez ."
    ms = [mention(text, "Telesp", "ORG", 0), mention(text, "Adecco", "ORG", 0)]
    out = every_mention(ms, text)
    assert [(m.text, m.start, m.label) for m in out] == [
        ("Adecco", 0, "ORG"),
        ("Telesp", text.index("Telesp"), "ORG"),
        ("Telesp", text.index("Telesp", text.index("Telesp") + 1), "ORG"),
        ("Adecco", text.rindex("Adecco"), "ORG"),
    ]  # not inside "Telesp-Móvil"
    # a name the model read two ways gets no copies
    ms = [mention(text, "Telesp", "ORG", 0), mention(text, "Telesp", "PERSON", 1)]
    assert len(every_mention(ms, text)) == 2
    # nothing is added inside a longer mention (here one that is no name to copy), even
    # past a shorter one nested in it
    text = "Abrió la Universidad Nacional Autónoma de México . Visitó México ."
    ms = [
        mention(text, "la Universidad Nacional Autónoma de México", "ORG"),
        mention(text, "Nacional", "ORG"),
        mention(text, "México", "LOC", 1),
    ]
    assert every_mention(ms, text) == sorted(ms, key=lambda m: m.start)


def test_an_arabic_name_keeps_its_particle_part() -> None:
    text = "Le président Nasser al-Khelaïfi et Mohammed bin Salman , puis Pedro el Gobierno ."
    ms = [
        mention(text, "Nasser", "PERSON"),
        mention(text, "Mohammed", "PERSON"),
        mention(text, "Pedro", "PERSON"),
    ]
    assert [m.text for m in refine(ms, text, "fr")] == [
        "Nasser al-Khelaïfi",
        "Mohammed bin Salman",
        "Pedro",  # a Spanish article is no particle
    ]


def test_datelines_and_expansions_found_from_their_brackets_are_the_regex_own() -> None:
    """Found from each agency's (acronym's) brackets backwards, in time linear in the text,
    the matches are exactly those of scanning every position: random texts of datelines'
    parts, agencies right after each other ("Paris (EFE) (Reuters)": the first is the
    region), expansions and their acronyms."""
    import random

    from streams.processors.entities import names
    from streams.processors.entities import stage as entities

    parts = (
        "PARIS Paris LONDON New York (Reuters) (AFP) , Nov 3 - the World Health Organization "
        "(WHO) (UN) United Nations \n de la Mr. (EFE) said ( EFE) 12 2024 (Ile-de-France)"
    ).split(" ")
    rng = random.Random(7)
    found = 0
    for _ in range(3000):
        text = " ".join(rng.choice(parts) for _ in range(rng.randint(1, 40)))
        want = [m.span() for m in names._DATELINE.finditer(text)]
        assert [m.span() for m in names._datelines(text)] == want, text
        expansions = [m.span() for m in entities._EXPANSION.finditer(text)]
        assert [m.span() for m in entities._expansions(text)] == expansions, text
        found += len(want) + len(expansions)
    assert found > 1000  # the texts do hold many of both
