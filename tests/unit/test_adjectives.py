"""German place adjectives in small letters: derived from CLDR's German names, declined,
found as whole words, and carried by the entities stage with their country."""

from __future__ import annotations

import pytest

from schemas import LanguageArticle, LanguageInfo
from streams.processors.entities import geo
from streams.processors.entities.adjectives import derived, german_forms, place_adjectives
from streams.processors.entities.spans import RawMention


def test_a_name_gives_the_forms_its_ending_takes() -> None:
    assert derived("japan") == ["japanisch"]
    # "-ien" ends in "-en" too: a form no one writes is made and never matches
    assert derived("brasilien") == ["brasilienisch", "brasilisch", "brasilianisch", "brasiliisch"]
    assert derived("kanada") == ["kanadaisch", "kanadanisch", "kanadäisch", "kanadisch"]
    assert derived("schweden") == ["schwedenisch", "schwedisch"]
    assert derived("irland") == ["irlandisch", "irisch"]


@pytest.mark.parametrize(
    ("word", "code"),
    [
        ("österreichische", "AT"),  # name + isch, declined
        ("brasilianischen", "BR"),  # -ien -> -ianisch
        ("kanadischer", "CA"),  # -a -> -isch
        ("europäisches", None),  # a continent (CLDR's "150"): no country
        ("schwedischem", "SE"),  # -en -> -isch
        ("irisch", "IE"),  # -land -> -isch
        ("britischen", "GB"),  # no rule makes it
        ("bayerische", "DE"),
        ("sowjetischen", None),
        ("hebräischen", None),  # a language's name that is an adjective
        ("deutsch", "DE"),
    ],
)
def test_the_forms_hold_declined_adjectives_with_their_country(word: str, code: str | None) -> None:
    forms = german_forms()
    assert word in forms
    assert forms[word] == code


def test_the_forms_leave_out_what_is_no_place() -> None:
    forms = german_forms()
    for word in ("politisch", "politischen", "typische", "praktisch", "zwischen", "katholisch"):
        assert word not in forms
    assert "indianisch" not in forms and "indianischen" not in forms  # of the Americas
    assert "gotisch" not in forms  # Gothic has no two-letter code: a style of building too
    # a territory of more words than one is no stem ("Vereinigte Staaten")
    assert not any(" " in f for f in forms)
    assert all(f == f.lower() for f in forms)


def test_a_countrys_own_form_keeps_its_code_before_a_languages() -> None:
    # "Japan" gives "japanisch" with JP before the language "Japanisch" (no country) is read;
    # a form only a language gives has no country
    forms = german_forms()
    assert forms["japanischen"] == "JP"
    assert forms["französischen"] is None  # "Frankreich" gives no such form
    assert forms["deutschen"] == "DE"  # an irregular one, before any CLDR name


def test_adjectives_are_found_as_whole_words_in_german_only() -> None:
    text = (
        "Britische Truppen und die britischen, US-amerikanischen und europäischen Staaten "
        "sowie kanadische-Firmen; die deutschsprachige Presse und politische Fragen."
    )
    found = place_adjectives(text, "de")
    assert found == [
        RawMention(text.index("britischen"), text.index("britischen") + 10, "britischen", "NORP"),
        RawMention(
            text.index("europäischen"), text.index("europäischen") + 12, "europäischen", "NORP"
        ),
    ]
    assert place_adjectives(text, "en") == []
    assert place_adjectives("", "de") == []


def test_a_german_adjective_names_its_country_for_places() -> None:
    assert geo.demonym_country("britischen") == "GB"
    assert geo.demonym_country("Österreichische") == "AT"  # read in small letters
    assert geo.demonym_country("politischen") is None
    assert geo.demonym_country("Iranian") == "IR"  # the English reading stands


def test_the_entities_stage_gives_a_german_article_its_place_adjectives() -> None:
    from streams.processors.entities.stage import EntityExtractor

    text = (
        "Die britischen Truppen verlassen Basra. Der österreichische Kanzler traf in Wien "
        "Vertreter der kanadischen Regierung. Politische Fragen blieben offen."
    )
    art = LanguageArticle(
        id="de-1",
        text=text,
        content_hash="h",
        language=LanguageInfo(code="de", confidence=1.0, detector="test"),
    )
    [out] = EntityExtractor().process([art])
    norp = {e.name: e for e in out["entities"] if e.label == "NORP"}
    assert set(norp) >= {"britischen", "österreichische", "kanadischen"}
    assert norp["britischen"].country_code == "GB"
    assert norp["kanadischen"].country_code == "CA"
    for e in norp.values():
        for m in e.mentions:
            assert text[m.start : m.end] == m.text
    assert not any(e.name.lower().startswith("politisch") for e in out["entities"])
