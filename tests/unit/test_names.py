"""The language rules over a model's mentions (streams/processors/entities/names.py)."""

from __future__ import annotations

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


def test_refine_drops_common_words_and_starts_names_at_a_capital() -> None:
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
        # an institution's head word makes it an organisation; its end is the model's
        ("Gobierno costarricense", "ORG"),
    ]
    for m in out:
        assert text[m.start : m.end] == m.text


def test_a_lone_place_stays_a_place_whatever_precedes_it() -> None:
    """No surname rule: "Angleterre" and "Locle" stay places (issue 37)."""
    text = "dijo Bustamante en Madrid ; vers le Locle et l'Angleterre"
    out = refine(
        [mention(text, s, "LOC") for s in ("Bustamante", "Locle", "Angleterre")], text, "fr"
    )
    assert [(m.text, m.label) for m in out] == [
        ("Bustamante", "LOC"),
        ("Locle", "LOC"),
        ("Angleterre", "LOC"),
    ]


def test_a_name_ends_where_the_model_ends_it() -> None:
    text = "selon la Chambre des députés et le Gobierno costarricense"
    out = refine(
        [
            mention(text, "Chambre des députés", "ORG"),
            mention(text, "Gobierno costarricense", "ORG"),
        ],
        text,
        "fr",
    )
    assert [m.text for m in out] == ["Chambre des députés", "Gobierno costarricense"]


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


def test_titles_stay_outside_a_persons_span() -> None:
    text = "selon le président de M. Roy et Mgr Lustiger , avec Dr Lee"
    out = refine(
        [
            mention(text, "président de M. Roy", "PERSON"),
            mention(text, "Mgr Lustiger", "PERSON"),
            mention(text, "Dr Lee", "ORG"),  # not a person: left as the model gave it
        ],
        text,
        "fr",
    )
    assert [m.text for m in out] == ["Roy", "Lustiger", "Dr Lee"]
    for m in out:
        assert text[m.start : m.end] == m.text
    # per language: "M." is an initial in English, "Mrs" a title
    text = "M. Waugh and Mrs Clinton met Herr Schmidt"
    ms = [mention(text, s, "PERSON") for s in ("M. Waugh", "Mrs Clinton", "Herr Schmidt")]
    assert [m.text for m in refine(ms, text, "en")] == ["M. Waugh", "Clinton", "Herr Schmidt"]
    assert [m.text for m in refine(ms, text, "de")] == ["M. Waugh", "Mrs Clinton", "Schmidt"]


def test_a_list_of_names_is_one_mention_per_name() -> None:
    from streams.processors.entities.names import split_list

    def parts(span: str, text: str | None = None) -> list[str]:
        text = text or span
        whole = mention(text, span, "ORG")
        out = split_list(whole, text)
        assert all(text[m.start : m.end] == m.text and m.label == "ORG" for m in out)
        return [m.text for m in out]

    assert parts("Tesla, Uber and Snapchat") == ["Tesla", "Uber", "Snapchat"]
    assert parts("Tesla, Uber, and Snapchat Inc") == ["Tesla", "Uber", "Snapchat Inc"]
    assert parts("Francia, Italia y España", "con Francia, Italia y España .") == [
        "Francia",
        "Italia",
        "España",
    ]
    assert parts("Berlin, Hamburg und München") == ["Berlin", "Hamburg", "München"]
    # no comma, or not a list of capitalised names: one name
    assert parts("Procter and Gamble") == ["Procter and Gamble"]
    assert parts("Washington, D.C.") == ["Washington, D.C."]
    assert parts("Bosnia and Herzegovina, Croatia and Serbia") == [
        "Bosnia and Herzegovina, Croatia and Serbia"
    ]
    assert parts("Tesla, Uber and the others") == ["Tesla, Uber and the others"]
    # refine splits it too
    text = "Tesla, Uber and Snapchat said so"
    out = refine([mention(text, "Tesla, Uber and Snapchat", "ORG")], text, "en")
    assert [m.text for m in out] == ["Tesla", "Uber", "Snapchat"]


def test_german_offices_and_trailing_small_words_stay_outside_a_person() -> None:
    text = "Bundesverkehrsminister Patrick Schnieder sagte , Friedrich Merz traf die Deutsche Bahn"
    ms = [
        mention(text, "Bundesverkehrsminister Patrick Schnieder", "PERSON"),
        mention(text, "Friedrich Merz traf", "PERSON"),
        mention(text, "Deutsche Bahn", "ORG"),
    ]
    assert [m.text for m in refine(ms, text, "de")] == [
        "Patrick Schnieder",
        "Friedrich Merz",
        "Deutsche Bahn",
    ]
    # elsewhere a name may end in small letters, and an office word is not a title
    out = refine(ms[1:2], text, "fr")
    assert [m.text for m in out] == ["Friedrich Merz traf"]


def test_a_german_adjective_a_tagger_calls_a_group_is_kept() -> None:
    text = "Die europäische Kommission und die deutschen Behörden ; europäische Fragen"
    ms = [mention(text, "europäische", "NORP"), mention(text, "deutschen", "NORP")]
    assert [m.text for m in refine(ms, text, "de")] == ["europäische", "deutschen"]
    # not in a language whose nouns are in small letters, nor for another label
    assert refine(ms, text, "fr") == []
    assert refine([mention(text, "deutschen", "ORG")], text, "de") == []
