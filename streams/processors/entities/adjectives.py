"""German adjectives of places and peoples, written in small letters (pure).

German capitalises every noun but no adjective: "die britischen Truppen", "europäische
Staaten", "das österreichische Parlament". A place's adjective is a name by CoNLL's and
GermEval's reading (CoNLL: MISC, as "British" is; GermEval: a place's derivation), and a
tagger trained without word vectors misses most of them, because it meets each one a handful
of times. They are read here from CLDR's German names (babel) instead of learned: a country's
or continent's name with the suffixes German forms its adjectives with ("Österreich" ->
"österreichisch", "Brasilien" -> "brasilianisch", "Europa" -> "europäisch", "Kanada" ->
"kanadisch"), the names of languages that are adjectives ("englisch", "hebräisch"), and a few
common ones no rule derives ("britisch", "bayerisch"); then the six endings of their
declension. A form a suffix rule makes that is no German word never matches, so the rules may
over-generate; a word of the language that a rule could make by accident would be a wrong
name, and none of the forms collides with an everyday adjective ("politisch", "typisch").
"""

from __future__ import annotations

import re
from functools import cache

from streams.processors.entities import gazetteer
from streams.processors.entities.spans import RawMention

#: what a place's adjective is labelled (a tagger's MISC in German is read as NORP too)
LABEL = "NORP"
#: the endings of an adjective's declension
ENDINGS = ("", "e", "en", "er", "es", "em")
#: adjectives no suffix rule derives from a CLDR name, with their country where there is one
IRREGULAR: dict[str, str | None] = {
    "deutsch": "DE",
    "britisch": "GB",
    "bayerisch": "DE",
    "bayrisch": "DE",
    "sächsisch": "DE",
    "schwäbisch": "DE",
    "fränkisch": "DE",
    "westfälisch": "DE",
    "preußisch": "DE",
    "schweizerisch": "CH",
    "palästinensisch": "PS",
    "asiatisch": None,
    "sowjetisch": None,
    "römisch": None,
}
#: words a suffix rule makes that German uses for something else ("indianisch": of the
#: peoples of the Americas, not of India)
NOT_PLACES = frozenset({"indianisch"})
#: a word in small letters, not part of a hyphenated compound ("US-amerikanischen")
_WORD = re.compile(r"(?<![\w-])[a-zäöüß]+(?![\w-])")


def derived(name: str) -> list[str]:
    """The adjectives German may form from a place's name (lower-cased): its name plus
    "isch", and the forms its ending takes ("-ien" -> "-isch", "-ianisch"; "-a" -> "-anisch",
    "-äisch", "-isch"; "-en" -> "-isch"; "-land" -> "-isch")."""
    forms = [name + "isch"]
    if name.endswith("ien"):
        forms += [name[:-3] + "isch", name[:-3] + "ianisch"]
    if name.endswith("a"):
        forms += [name[:-1] + "anisch", name[:-1] + "äisch", name[:-1] + "isch"]
    if name.endswith("en"):
        forms.append(name[:-2] + "isch")
    if name.endswith("land"):
        forms.append(name[:-4] + "isch")
    return forms


@cache
def german_forms() -> dict[str, str | None]:
    """Every declined form of the German place adjectives -> the country's ISO code (None
    for a continent, a language or a people without one country)."""
    from babel import Locale

    locale = Locale("de")
    # the countries as the gazetteer reads CLDR's German names, then the continents and
    # regions CLDR numbers ("150": Europa, "419": Lateinamerika), which have no country
    places: list[tuple[str, str | None]] = sorted(gazetteer.country_names_in("de").items())
    places += sorted((n.lower(), None) for c, n in locale.territories.items() if c.isdigit())
    stems: dict[str, str | None] = dict(IRREGULAR)
    for name, country in places:
        if name.isalpha():  # not "vereinigte staaten", "bosnien und herzegowina"
            for form in derived(name):
                stems.setdefault(form, country)
    for code, name in locale.languages.items():
        low = name.lower()
        # the languages with a two-letter code ("gotisch" is a style of building as well)
        if len(code) == 2 and low.isalpha() and low.endswith("isch"):
            stems.setdefault(low, None)
    return {
        stem + ending: code
        for stem, code in stems.items()
        if stem not in NOT_PLACES
        for ending in ENDINGS
    }


def place_adjectives(text: str, language: str) -> list[RawMention]:
    """The place adjectives in small letters in a German text, as mentions (none in another
    language: English and the Romance languages write theirs as the tagger learns them)."""
    if language != "de":
        return []
    forms = german_forms()
    return [
        RawMention(m.start(), m.end(), m.group(0), LABEL)
        for m in _WORD.finditer(text)
        if m.group(0) in forms
    ]
