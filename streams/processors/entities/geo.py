"""Places on the map and where a story is about (pure, no Kafka; offline data only).

Every place entity (GPE, LOC, FAC) that names a country, a continent, a state, province or
other division with an ISO 3166-2 code, or a town of 1,000 people or more gets ``geo``: its
GeoNames id, name, coordinates, feature class and code, country code, admin1 code and
population (the place table, built at install: streams/build/gazetteer.py). One name can
mean many places ("Córdoba" is in Spain and in Argentina, "Paris" in France and Illinois):
the article decides, by

- containment the text writes: "Paris, Illinois", "London, Ontario", "Toronto, Ontario,
  Canada" keep the places inside the container (a country or a first-level division, read
  from the next entity or, where the tagger left it out, from the gazetteer);
- a division's word after the name ("New York state", "the Georgia state line");
- its countries: a place in a country the article names (or whose people it names:
  "Iranian") or in the country of its dateline wins; "Georgia" is the US state when the
  article's other countries say so; "England" and "Scotland" are divisions of their own;
- its other places: a city in the same country as the article's other cities wins;
- population, as the prior when nothing else tells; a city of 100,000 or more that a
  division's name also names, inside it, is what the bare name means ("Moscow");
- a town of 100,000 people or fewer only where the article points to its country or the
  text writes its container; a building ("White House") is not located.

A country's point is GeoNames's own for the countries news names most, else an estimate of
its centre (streams/build/country_centres.py: the mean of the CIA World Factbook's and
Natural Earth's largest-landmass centroid where they agree), not a centre of its cities.
An organisation or person the tagger read in a country's or a division's own name, after a
locative word ("schools across Ontario"), is that place.

The record's ``focus`` is where the story is about, not every place it mentions: each
country and city is scored by its mentions, a mention in the title or the first paragraph
counting more, a dateline most, a city's mentions counting for its country too, and a
demonym for its country at half weight; places with too small a share are left out.
"""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter, defaultdict
from collections.abc import Container, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from schemas import Focus, FocusCity, FocusCountry
from streams.processors.entities import abbreviations, adjectives, gazetteer
from streams.processors.entities.gazetteer import PlaceTable
from streams.processors.entities.names import Dateline
from streams.processors.identity import normal
from streams.processors.sentences import split as split_sentences

PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})


_DEMONYM_COUNTRY = {
    "french": "FR",
    "dutch": "NL",
    "british": "GB",
    "briton": "GB",
    "english": "GB",
    "scottish": "GB",
    "welsh": "GB",
    "irish": "IE",
    "swiss": "CH",
    "greek": "GR",
    "spanish": "ES",
    "spaniard": "ES",
    "danish": "DK",
    "swedish": "SE",
    "finnish": "FI",
    "polish": "PL",
    "pole": "PL",
    "turkish": "TR",
    "turk": "TR",
    "filipino": "PH",
    "thai": "TH",
    "saudi": "SA",
    "emirati": "AE",
    "israeli": "IL",
    "kuwaiti": "KW",
    "qatari": "QA",
    "yemeni": "YE",
    "iraqi": "IQ",
    "pakistani": "PK",
    "bangladeshi": "BD",
    "afghan": "AF",
    "kazakh": "KZ",
    "uzbek": "UZ",
    "chinese": "CN",
    "japanese": "JP",
    "vietnamese": "VN",
    "lebanese": "LB",
    "sudanese": "SD",
    "portuguese": "PT",
    "senegalese": "SN",
    "american": "US",
    "soviet": "RU",
    "russian": "RU",
    "argentine": "AR",
    "belarusian": "BY",
    "czech": "CZ",
    "slovak": "SK",
    "croat": "HR",
    "serb": "RS",
    "norwegian": "NO",
    "peruvian": "PE",
    "malagasy": "MG",
    # French, German, Spanish forms news uses most
    "français": "FR",
    "française": "FR",
    "allemand": "DE",
    "allemande": "DE",
    "américain": "US",
    "américaine": "US",
    "britannique": "GB",
    "espagnol": "ES",
    "espagnole": "ES",
    "italien": "IT",
    "italienne": "IT",
    "russe": "RU",
    "chinois": "CN",
    "iranien": "IR",
    "iranienne": "IR",
    "israélien": "IL",
    "israélienne": "IL",
    "deutsche": "DE",
    "deutschen": "DE",
    "deutscher": "DE",
    "französische": "FR",
    "amerikanische": "US",
    "russische": "RU",
    "español": "ES",
    "española": "ES",
    "españoles": "ES",
    "francés": "FR",
    "francesa": "FR",
    "estadounidense": "US",
    "mexicano": "MX",
    "mexicana": "MX",
    "argentino": "AR",
    "argentina": "AR",
    "colombiano": "CO",
    "venezolano": "VE",
}
_DEMONYM_ENDINGS = ("ians", "ian", "ans", "an", "ese", "ish", "is", "i", "s")


@lru_cache(maxsize=4096)
def demonym_country(word: str) -> str | None:
    """The country a nationality word names ("Iranian" -> IR, "Iraqis" -> IQ, "britischen"
    -> GB), or None."""
    key = word.lower()
    if key in _DEMONYM_COUNTRY:
        return _DEMONYM_COUNTRY[key]
    if key.endswith("s") and key[:-1] in _DEMONYM_COUNTRY:
        return _DEMONYM_COUNTRY[key[:-1]]
    names = gazetteer.country_names_in("en")
    for ending in _DEMONYM_ENDINGS:
        if key.endswith(ending) and len(key) - len(ending) >= 3:
            stem = key[: -len(ending)]
            for tail in ("", "a", "ia", "e", "y"):
                if stem + tail in names:
                    return names[stem + tail]
    return adjectives.german_forms().get(key)  # "britischen" -> GB


@dataclass
class _Candidate:
    entity: Any
    rows: list[int]
    country_named: str | None  # the entity names a country (its code)
    #: divisions named exactly like the country it names ("Georgia": the US state)
    divisions: list[int] = field(default_factory=list)


#: GeoNames feature codes of the divisions in the place table
DIVISIONS = frozenset({"ADM1", "ADM2"})


def _weight(entity: Any, text: str, title: str | None, lead_end: int) -> float:
    """An entity's evidence: each mention counts 1, 2 in the title or the first paragraph."""
    total = 0.0
    for m in entity.mentions:
        total += 2.0 if m.start < lead_end else 1.0
    if title and any(m.text in title for m in entity.mentions):
        total += 2.0
    return total


def _lead_end(text: str) -> int:
    """Where the first paragraph of the body ends (the first line of 80 letters or more)."""
    pos = 0
    for line in text.split("\n"):
        pos += len(line) + 1
        if sum(ch.isalpha() for ch in line) >= 80:
            return pos
    return min(len(text), 400)


def _candidate_rows(
    table: PlaceTable, entity: Any, language: str | None, text: str = ""
) -> _Candidate:
    # the longest form first: "Democratic Republic of the Congo" before its "Congo"
    forms = dict.fromkeys([entity.name, *(m.text for m in entity.mentions)])
    names = sorted(forms, key=len, reverse=True)
    for name in names:
        found = gazetteer.place(name, language)
        if found is not None and found.kind == "country":
            row = table.country_row(found.country_code)
            key = name.casefold()
            # named exactly like the country: "Georgia" (accents count: "México" the state is
            # not what "Mexico" names)
            divisions = [
                r
                for r in table.rows_named(name)
                if table.code(r) in DIVISIONS and table.name(r).casefold() == key
            ]
            own = [r for r in divisions if table.country(r) == found.country_code]
            named = gazetteer.country_names_in(language or "en").get(key)
            if (
                own
                and named != found.country_code
                and (row is None or table.name(row).casefold() != key)
            ):
                # "England", "Scotland": a division of its own, not the country it is in
                return _Candidate(entity, own, None)
            states = [r for r in divisions if table.code(r) == "ADM1"]
            return _Candidate(entity, [row] if row is not None else [], found.country_code, states)
    rows: list[int] = []
    for name in names:
        rows = abbreviations.division_rows(table, name)
        if rows:  # "N.Y.", "NSW", "Qld": the state
            return _Candidate(entity, rows, None)
    for name in names:
        for key, _ in gazetteer._forms(name, city=True, language=language):
            rows += table.rows_named(key)
        if rows:
            break
    if entity.name.casefold().removeprefix("the ") in WATERS_AND_REGIONS:
        # "the Pacific", "the Middle East", "the Atlantic flyway": a sea or a region the
        # table does not have, not Pacific, Missouri
        rows = [r for r in rows if table.kind(r) != "P"]
    if len(entity.name.split()) > 1 and entity.name.split()[-1].casefold() in BUILDING_WORDS:
        # "White House" is a building: not Casablanca (whose Arabic name means that), not
        # White House, Tennessee; the gazetteer has no buildings, so it is not located
        rows = []
    return _Candidate(entity, list(dict.fromkeys(rows)), None)


#: oceans, seas and regions of the world whose names the table's towns also bear (Pacific,
#: Missouri; Middle East, Maryland): never one of those towns
WATERS_AND_REGIONS = frozenset(
    [
        *"pacific atlantic arctic mediterranean caribbean baltic adriatic aegean".split(),
        *"pacific ocean,atlantic ocean,indian ocean,arctic ocean,southern ocean".split(","),
        *"north sea,black sea,red sea,dead sea,caspian sea,baltic sea,south china sea".split(","),
        *"east china sea,north atlantic,south atlantic,north pacific,south pacific".split(","),
        *"gulf of mexico,persian gulf,the gulf,gulf coast,gulf of aden,arabian sea".split(","),
        *"middle east,near east,far east,mideast,west africa,east africa,north africa".split(","),
        *"southern africa,central africa,horn of africa,sahel,southeast asia,south asia".split(","),
        *"east asia,central asia,western europe,eastern europe,northern europe".split(","),
        *"southern europe,central europe,latin america,central america".split(","),
        *"balkans,the balkans,caucasus,scandinavia,siberia,midwest,great lakes".split(","),
        *"earth,the earth,world".split(","),
    ]
)


#: last words of buildings' and streets' names
BUILDING_WORDS = frozenset(
    "house palace hall tower building center centre church cathedral mosque temple stadium "
    "arena hospital airport station bridge street avenue square park museum theatre theater "
    "castle embassy prison court".split()
)


#: a city this large that a division's name also names, inside that division, is what the
#: bare name means ("Moscow", "Madrid", "Buenos Aires", "Ciudad de México", "Washington":
#: the city, not its region)
CITY_OVER_DIVISION = 100_000


def _city_over_division(table: PlaceTable, rows: list[int], best: int, name: str = "") -> int:
    """`best`, unless it is a division and one of `rows` (the places its name names) is a
    city of CITY_OVER_DIVISION people or more inside it (a first-level division: in it; a
    second-level one: in its country), or its country's capital ("Washington", "Buenos
    Aires": the capital, beside a state or province of that name): then the most populous
    such city. A city whose own name is the first words of `name`, the name written, is not
    what it means ("Rio Grande do Sul" is the state, not its town Rio Grande)."""
    if table.code(best) not in DIVISIONS:
        return best
    inside = table.admin1(best)
    written = name.casefold().split()
    cities = [
        r
        for r in rows
        if table.kind(r) == "P"
        and table.population(r) >= CITY_OVER_DIVISION
        and not _shorter_form(table.name(r).casefold().split(), written)
        and (
            (table.admin1(r) == inside if inside else table.country(r) == table.country(best))
            or (table.code(r) == "PPLC" and table.country(r) == table.country(best))
        )
    ]
    return max(cities, key=table.population) if cities else best


def _shorter_form(words: list[str], written: list[str]) -> bool:
    """Whether `words` are the first words of `written`, and fewer."""
    return len(words) < len(written) and written[: len(words)] == words


#: a capital or a city this large is what its bare name means ...
FAMOUS_CITY = 1_000_000
#: ... over a namesake this many times smaller, whatever country the article names ("Cairo"
#: and "Rome" in an article about the United States: Egypt's and Italy's, not Georgia's)
FAMOUS_RATIO = 10


def _famous_over_namesake(table: PlaceTable, rows: list[int], best: int) -> int:
    """`best`, unless it is a town and one of `rows` is a capital or a city of FAMOUS_CITY
    people or more with FAMOUS_RATIO times its people: then the most populous such city.
    The caller keeps `best` where the text names its container or the article's other
    places lie in its state or province ("Rome, Georgia"; "Rome" beside "Atlanta")."""
    if table.kind(best) != "P" or table.population(best) >= SMALL_TOWN:
        return best
    floor = FAMOUS_RATIO * max(1, table.population(best))
    famous = [
        r
        for r in rows
        if table.kind(r) == "P"
        and table.population(r) >= floor
        and (table.code(r) == "PPLC" or table.population(r) >= FAMOUS_CITY)
    ]
    return max(famous, key=table.population) if famous else best


def _container_named(table: PlaceTable, text: str, start: int) -> set[str]:
    """The codes of a country or first-level division whose name (one to three
    capitalised words) starts at `start`."""
    first = text[start : start + 12].split()[:1]
    if first:
        short = first[0].rstrip(",;:)\"'")
        for form in (short, short.rstrip(".")):
            rows = abbreviations.division_rows(table, form)
            if rows:  # "Buffalo, N.Y.", "Austin, TX", "Mareeba, Qld"
                return {table.admin1(r) for r in rows}
    words = []
    for word in text[start : start + 60].split()[:3]:
        word = word.strip(".,;:()\"'")
        if not word[:1].isupper():
            break
        words.append(word)
    for n in range(len(words), 0, -1):
        name = " ".join(words[:n])
        found = gazetteer.place(name)
        if found is not None and found.kind == "country":
            return {found.country_code}
        codes = {table.admin1(r) for r in _named_as_written(table, name) if table.code(r) == "ADM1"}
        if codes:
            return codes
    return set()


#: the last words of counties' names, which make a name a place
COUNTY_WORDS = (" County", " Parish")

#: words before a name that make it a place ("across Ontario", "in Sudan")
LOCATIVES = frozenset("in across from to throughout into near outside inside within".split())


def places_by_context(
    entities: list[Any], text: str, table: PlaceTable, language: str | None
) -> None:
    """An organisation or person the tagger read in a name that is a country's name (in the
    text's language) or a state's or province's own name, and that stands after a locative
    word, or after a place and a comma, "and" or "or", at least once ("schools across
    Ontario", "in Sudan", "Toronto, Ontario", "Tocantins and Minas Gerais"; names are read in
    the text's order, so a list's places join one by one), is that place (its label becomes
    GPE, in place); so is a state's short form there ("in NSW", "Austin, TX": two capitals
    only after a town), and one named as a county is ("Fulton County", "Orleans Parish"),
    wherever it stands."""
    place_ends = {m.end for e in entities if e.label in PLACE_LABELS for m in e.mentions}
    for e in sorted(entities, key=lambda e: min((m.start for m in e.mentions), default=0)):
        if e.label not in {"ORG", "PERSON", "NORP"} or any(m.text != e.name for m in e.mentions):
            continue
        if e.name.endswith(COUNTY_WORDS) and any(
            table.code(r) == "ADM2" and table.name(r) == e.name for r in table.rows_named(e.name)
        ):
            e.label = "GPE"
            continue
        near = any(
            _after_locative(text, m.start) or _after_place(text, m.start, place_ends)
            for m in e.mentions
        )
        phrased = None if near else _phrased(text, e, table)
        if not near and not phrased:
            continue
        if e.label == "NORP" and demonym_country(e.name):
            continue  # "Iranian" is a people's word, whatever stands before it
        postal = len(e.name) == 2 and e.name.isupper()
        if abbreviations.named(e.name) and (
            not postal or any(_after_place(text, m.start, place_ends) for m in e.mentions)
        ):
            e.label = "GPE"  # "in NSW", "Austin, TX" (two capitals only after a town: not "in IT")
            place_ends |= {m.end for m in e.mentions}
        elif _names_a_country(e.name, language) or any(
            table.code(r) == "ADM1" for r in _named_as_written(table, e.name)
        ):
            e.label = "GPE"
            place_ends |= {m.end for m in e.mentions}
        elif _names_a_town(table, e.name) and (
            any(
                _after_town_word(text, m.start) or _after_place(text, m.start, place_ends)
                for m in e.mentions
            )
            or (phrased if phrased is not None else _phrased(text, e, table))
        ):
            # "in Malakal", "from Menoufia", "Moonbi, Parkes, Berry and Wyong"
            e.label = "GPE"
            place_ends |= {m.end for m in e.mentions}


def _after_place(text: str, start: int, place_ends: set[int]) -> bool:
    """Whether a place and a comma, "and" or "or" stand right before `start` ("Toronto,
    Ontario"; "Santa Catarina, Tocantins and Minas Gerais")."""
    lo = max(0, start - 24)  # a window, not the text before: a long list stays linear
    head = text[lo:start].rstrip()
    for join in (",", " and", " or"):
        if head.endswith(join):
            head = head[: -len(join)].rstrip().removesuffix(",").rstrip()
            return lo + len(head) in place_ends
    return False


def _after_locative(text: str, start: int) -> bool:
    """Whether a locative word stands right before `start`, or before "the" there ("in
    Sudan", "in the DRC")."""
    before = text[max(0, start - 20) : start].split()
    if before and before[-1].lower() == "the":
        before = before[:-1]
    return bool(before) and before[-1].lower() in LOCATIVES


#: words after a name that make it a division ("New York state", "Punjab province")
DIVISION_WORDS = frozenset(
    "state province region county department prefecture oblast governorate district governor "
    "estado provincia región departamento région département land bundesland".split()
)


#: nouns that make the name after "of" a place ("a resident of Toruń", "the mayor of
#: Dogubayazit", "the district of Karo", "villages of Bumbacari")
PLACE_NOUNS = frozenset(
    "city town village villages towns cities district districts province provinces region "
    "state capital resident residents mayor suburb outskirts county island port "
    "municipality governorate prefecture".split()
)
#: words after a name that make it a place ("Nyanza province", "a Hammond resident")
AFTER_NOUNS = DIVISION_WORDS | frozenset("resident residents city town village island".split())
_AGE_OF = re.compile(r"\b\d{1,3}, of $")


def _phrased(text: str, entity: Any, table: PlaceTable) -> bool:
    """Whether the words around one of an entity's mentions make it a place."""
    return any(_in_place_phrase(text, m.start, m.end, table) for m in entity.mentions)


def _in_place_phrase(text: str, start: int, end: int, table: PlaceTable) -> bool:
    """Whether the words around a mention make it a place: one of PLACE_NOUNS and "of"
    before it, "capital," before it, a person's age and "of" before it ("Mark Kitsmore,
    54, of Tyler"), one of AFTER_NOUNS after it, or a comma and a country or a state's name
    after it ("Krasnodar, Russia")."""
    before = text[max(0, start - 30) : start]
    words = before.split()
    if len(words) >= 2 and words[-1] == "of" and words[-2].lower() in PLACE_NOUNS:
        return True
    if (words and words[-1].lower() == "capital,") or _AGE_OF.search(before):
        return True
    after = text[end : end + 20].split()
    if after and after[0].lower().strip(".,;:") in AFTER_NOUNS:
        return True
    return text[end : end + 2] == ", " and bool(_container_named(table, text, end + 2))


#: words before a name that make a town of it (stricter than LOCATIVES: "according to
#: Tyler", "at Toyota" name a person and a company)
TOWN_LOCATIVES = frozenset("in from near outside inside into throughout across".split())


def _after_town_word(text: str, start: int) -> bool:
    """Whether one of TOWN_LOCATIVES stands right before `start`."""
    before = text[max(0, start - 12) : start].split()
    return bool(before) and before[-1].lower() in TOWN_LOCATIVES


def _named_as_written(table: PlaceTable, name: str) -> list[int]:
    """The rows of the places whose own name (not one of their other names) is `name`, case
    and accents aside ("Binh Phuoc" is "Bình Phước"; "Lu" is not Luzhou)."""
    key = gazetteer.folded(name).casefold()
    return [r for r in table.rows_named(name) if gazetteer.folded(table.name(r)).casefold() == key]


def _names_a_town(table: PlaceTable, name: str) -> bool:
    """Whether `name` is a town's own name in the place table (not only one of its other
    names: "Lu" is not Luzhou), not written in capitals, and not an organisation's the
    gazetteer knows ("Toyota" is a city too)."""
    if name in gazetteer.KNOWN_ORGS or not name[:1].isupper() or name.isupper():
        return False
    return any(table.kind(r) == "P" for r in _named_as_written(table, name))


def _names_a_country(name: str, language: str | None) -> bool:
    """Whether `name` is a country's name in the language, or a short form news gives one
    ("DRC", "UAE")."""
    if name.casefold() in gazetteer.country_names_in(language or "en"):
        return True
    found = gazetteer.place(name, language)
    return found is not None and found.kind == "country"


def _division_word_after(entity: Any, text: str) -> bool:
    """Whether a mention of `entity` is followed by a division's word ("New York state"), or
    follows one and "of" ("the state of Washington", "province of Anhui")."""
    for m in entity.mentions:
        after = text[m.end : m.end + 16].split()
        if after and after[0].strip(".,;:").lower() in DIVISION_WORDS:
            return True
        before = text[max(0, m.start - 20) : m.start].split()
        if len(before) >= 2 and before[-1] == "of" and before[-2].lower() in DIVISION_WORDS:
            return True
    return False


def _containers(
    candidates: list[_Candidate], table: PlaceTable, text: str
) -> dict[int, tuple[set[str], set[int]]]:
    """Containment the text writes, "Paris, Illinois" and "London, Ontario, Canada": for a
    candidate whose mention is followed by a comma and another place that is a country or
    a division, the codes its place must lie in (a country code, or a division's
    ``CC.admin1``; a name of both, "Georgia", gives both), and which candidates wrote
    them."""
    starts: dict[int, int] = {}
    for i, cand in enumerate(candidates):
        for m in cand.entity.mentions:
            starts[m.start] = i
    out: dict[int, tuple[set[str], set[int]]] = {}
    for i, cand in enumerate(candidates):
        for m in cand.entity.mentions:
            gap = len(text[m.end :]) - len(text[m.end :].lstrip(", "))
            if "," not in text[m.end : m.end + gap]:
                continue
            j = starts.get(m.end + gap)
            if j == i:
                continue
            if j is None:  # a container the tagger left out: "London, Ontario drew"
                codes = _container_named(table, text, m.end + gap)
            else:
                outer = candidates[j]
                codes = {outer.country_named} if outer.country_named else set()
                codes |= {
                    table.admin1(r) for r in outer.rows + outer.divisions if table.code(r) == "ADM1"
                }
            if codes:
                inside, writers = out.setdefault(i, (set(), set()))
                inside.update(codes)
                if j is not None:
                    writers.add(j)
    return out


#: what joins the names of a list ("Ohio, Texas and New York")
_LIST_JOINS = frozenset({",", "and", ", and", "or", ", or", "&"})
#: a list's join at the end of the text before a name, and "and"/"or" after it
_JOIN_BEFORE = re.compile(r"(?:,[ \t]*|,?[ \t]+(?:and|or)[ \t]+|[ \t]+&[ \t]+)\Z")
_JOIN_AFTER = re.compile(r"[ \t]+(?:and|or|&)[ \t]+")


def _listed_countries(candidates: list[_Candidate], text: str) -> set[int]:
    """The candidates naming a country that the text lists among other countries: after a
    country and a list's join ("Ghana, Niger, Nigeria and Togo": Niger), or before "and" or
    "or" and a country ("Georgia and Russia"). Such a name is its country, whatever the
    article's other places say ("Niger" beside "Nigeria" is not Nigeria's state of Niger);
    a country after a comma is not a list's ("Atlanta, Georgia, United States": the state)."""
    starts: set[int] = set()
    ends: set[int] = set()
    for cand in candidates:
        if cand.country_named:
            starts.update(m.start for m in cand.entity.mentions)
            ends.update(m.end for m in cand.entity.mentions)
    out: set[int] = set()
    for i, cand in enumerate(candidates):
        if not cand.country_named:
            continue
        for m in cand.entity.mentions:
            before = _JOIN_BEFORE.search(text, max(0, m.start - 8), m.start)
            after = _JOIN_AFTER.match(text, m.end)
            if (before is not None and before.start() in ends) or (
                after is not None and after.end() in starts
            ):
                out.add(i)
                break
    return out


def _listed_with_divisions(
    candidates: list[_Candidate],
    table: PlaceTable,
    text: str,
    spans: Sequence[tuple[int, int]] | None = None,
) -> list[int]:
    """The candidates that name both a first-level division and something else ("New York",
    "Quebec", "Washington") and stand beside divisions of the same country: in a list with
    one ("Michigan, Oregon, New York", "New Jersey and New York"), or in a sentence with two
    or more and no town ("twelve in Ontario, eight in Alberta, and one in Quebec"; `spans`:
    the text's sentences, split here when not given). A list
    is three names or more joined by commas, or two joined by "and" or "or": two joined by a
    comma alone are a town and its container ("Washington, Pennsylvania")."""
    at = sorted((m.start, m.end, i) for i, c in enumerate(candidates) for m in c.entity.mentions)
    groups: list[list[tuple[int, int, int]]] = []
    for start, end, i in at:
        if groups and text[groups[-1][-1][1] : start].strip() in _LIST_JOINS:
            groups[-1].append((start, end, i))
        else:
            groups.append([(start, end, i)])
    out: set[int] = set()
    for group in groups:
        joins = {text[a[1] : b[0]].strip() for a, b in itertools.pairwise(group)}
        if len(group) >= 3 or (len(group) == 2 and joins != {","}):
            out |= _beside_divisions(candidates, table, [i for _, _, i in group], 1)
    for a, b in spans if spans is not None else split_sentences(text):
        members = [i for start, _, i in at if a <= start < b]
        if not any(
            not candidates[i].country_named
            and all(table.kind(r) == "P" for r in candidates[i].rows)
            for i in members
        ):
            out |= _beside_divisions(candidates, table, members, 2)
    return sorted(out)


def _division_like(table: PlaceTable, cand: _Candidate) -> bool:
    """A name whose most populous place is a first-level division ("Ontario", "Alberta")."""
    return (
        not cand.country_named
        and bool(cand.rows)
        and table.code(max(cand.rows, key=table.population)) == "ADM1"
    )


def _beside_divisions(
    candidates: list[_Candidate], table: PlaceTable, members: list[int], need: int
) -> set[int]:
    """Those of `members` that name a first-level division and something else, with `need`
    other members that are divisions of that division's country."""
    unique = set(members)
    states = {i: _state_countries(table, candidates[i]) for i in unique}
    # for each country, the members that are its divisions and nothing bigger
    divisions: dict[str, set[int]] = defaultdict(set)
    for j in unique:
        if _division_like(table, candidates[j]):
            for code in states[j]:
                divisions[code].add(j)
    out = set()
    for i in unique:
        cand = candidates[i]
        own = states[i]
        if cand.country_named or not own or all(table.code(r) == "ADM1" for r in cand.rows):
            continue
        peers = set().union(*(divisions[code] for code in own)) - {i}
        if len(peers) >= need:
            out.add(i)
    return out


def _state_countries(table: PlaceTable, cand: _Candidate) -> set[str]:
    """The countries of the first-level divisions a candidate names."""
    return {table.country(r) for r in cand.rows if table.code(r) == "ADM1"}


#: a town this far from every city its container's name also names is not in that city
_CITY_KM = 50.0


def _far_from_its_cities(table: PlaceTable, inner: list[int], outer: list[int]) -> bool:
    """Whether `outer` names a city and every place of `inner` lies more than _CITY_KM from
    each city it names ("Buffalo" from New York City; not "Brooklyn")."""
    cities = [r for r in outer if table.kind(r) == "P"]
    return bool(cities) and all(_km(table, a, b) > _CITY_KM for a in inner for b in cities)


def _km(table: PlaceTable, a: int, b: int) -> float:
    lat, lon = table.a["lat"], table.a["lon"]
    return gazetteer.km(float(lat[a]), float(lon[a]), float(lat[b]), float(lon[b]))


#: how much a place whose own name is the name written counts over one that bears it as
#: another name ("Glasgow": Scotland's city, not Pampa, Texas, once called so)
OWN_NAME_WEIGHT = 2.0


DATELINE_WEIGHT = 6.0
#: how much the share of the article's other places in a state or province counts for a
#: candidate in it ("Springfield" beside "Joplin" and "Branson": Missouri's)
REGION_WEIGHT = 2.0
#: passes over the article's places, each knowing where the others were placed in the one
#: before: a small town placed only once the others point to its country ("Decatur") can
#: still decide its namesake's neighbour ("Springfield") in the third
PASSES = 3
#: a city this small is placed only in a country the article names or places others in
SMALL_TOWN = 100_000
DEMONYM_WEIGHT = 0.5
#: a country or city is in the focus with at least this share of the evidence
FOCUS_SHARE = 0.2
FOCUS_MAX = 3
#: and at least this fraction of the leader's evidence
FOCUS_NEAR_TOP = 0.5


def resolve(
    entities: list[Any],
    text: str,
    title: str | None,
    language: str | None,
    lines: Sequence[Dateline] = (),
    spans: Sequence[tuple[int, int]] | None = None,
) -> Focus:
    """Give each place entity its ``geo`` (and country code), and return the article's
    ``focus``; ``lines`` are the text's datelines (names.datelines), ``spans`` its sentences
    (:func:`streams.processors.sentences.split`; split here when not given). Entities are
    updated in
    place."""
    try:
        table = PlaceTable.load()
    except gazetteer.TablesMissing:
        return Focus()
    places_by_context(entities, text, table, language)
    lead = _lead_end(text)
    dated = [(d.start, d.end) for d in lines]

    def in_dateline(entity: Any) -> bool:
        return any(s <= m.start < e for m in entity.mentions for s, e in dated)

    countries: defaultdict[str, float] = defaultdict(float)
    candidates = []
    for e in entities:
        if e.label in PLACE_LABELS:
            cand = _candidate_rows(table, e, language, text)
            if cand.rows:
                candidates.append(cand)
            if cand.country_named:
                countries[cand.country_named] += _weight(e, text, title, lead) + (
                    DATELINE_WEIGHT if in_dateline(e) else 0.0
                )
        elif e.label == "NORP":
            code = demonym_country(e.name)
            if code:
                countries[code] += DEMONYM_WEIGHT * _weight(e, text, title, lead)
                e.country_code = e.country_code or code  # "Iranian" is kept, with its country
    # organisations named for a country ("Gobierno de España") are evidence for it
    for e in entities:
        if e.label == "ORG":
            for code in _countries_inside(e.name, language):
                countries[code] += DEMONYM_WEIGHT

    # what decided each candidate, where a rule below did (the rest: see _evidence)
    decided: dict[int, str] = {}
    # "Georgia" is the US state in an article whose other places are American (not in a
    # list of countries)
    listed = _listed_countries(candidates, text)
    for i, cand in enumerate(candidates):
        if cand.country_named and cand.divisions and i not in listed:
            own = _weight(cand.entity, text, title, lead)
            elsewhere = {table.country(r) for r in cand.divisions}
            if countries[cand.country_named] <= own and any(countries[c] for c in elsewhere):
                countries[cand.country_named] -= own
                cand.rows, cand.country_named = cand.divisions, None
                decided[i] = "article_countries"
    # "Michigan, Oregon, New York and Ohio", "New Jersey and New York": the state
    for i in _listed_with_divisions(candidates, table, text, spans):
        cand = candidates[i]
        peers = {table.country(r) for r in cand.rows if table.code(r) == "ADM1"}
        cand.rows = [r for r in cand.rows if table.code(r) == "ADM1" and table.country(r) in peers]
        decided[i] = "list_of_divisions"
    # containment written in the text narrows a name's places to those inside its container
    contained: set[int] = set()
    for i, (inside, writers) in _containers(candidates, table, text).items():
        rows = [
            r for r in candidates[i].rows if table.country(r) in inside or table.admin1(r) in inside
        ]
        if rows and not candidates[i].country_named:
            candidates[i].rows = rows
            contained.add(i)
            decided[i] = "containment"
            # "Fulton County, Georgia": the container is the state its place lies in;
            # "Buffalo, New York": the state, not the city of its name 470 km away
            held = {table.admin1(r) for r in rows}
            for j in writers:
                outer = candidates[j]
                states = [
                    r
                    for r in outer.rows + outer.divisions
                    if table.admin1(r) in held and table.code(r) == "ADM1"
                ]
                if not states:
                    continue
                if outer.country_named:
                    countries[outer.country_named] -= _weight(outer.entity, text, title, lead)
                elif j in decided or not _far_from_its_cities(table, rows, outer.rows):
                    continue
                outer.rows, outer.country_named = states, None
                decided[j] = "containment"
    # "New York state", "the Georgia state line", "Punjab province": the division
    for i, cand in enumerate(candidates):
        divisions = [r for r in cand.rows + cand.divisions if table.code(r) in DIVISIONS]
        if divisions and i not in contained and _division_word_after(cand.entity, text):
            cand.rows, cand.country_named = divisions, None
            decided[i] = "division_word"

    # cities: the article's countries first, then the countries its other places are in,
    # then population (PASSES passes: each knows where the others were placed in the one before)
    def score(row: int, others: Counter[str], regions: Counter[str], written: str = "") -> float:
        code = table.country(row)
        s = math.log10(table.population(row) + 10)
        if written and normal(table.name(row)) == written:
            s += OWN_NAME_WEIGHT  # "Glasgow" is Glasgow's own name, one of Pampa's others
        if code in countries:
            s += 3.0 + min(2.0, countries[code] / 4)
        s += 2.0 * others[code]
        # the smallest region that explains the others: their state or province
        s += REGION_WEIGHT * regions[table.admin1(row)]
        if table.kind(row) == "L":
            s += 0.5  # a continent's own name
        return s

    def supported(row: int, others: Counter[str], i: int) -> bool:
        # a town no larger than SMALL_TOWN is only taken where the article points
        code = table.country(row)
        return (
            i in contained
            or table.population(row) > SMALL_TOWN
            or table.kind(row) != "P"
            or code in countries
            or others[code] > 0
        )

    chosen: dict[int, int] = {}
    shares: dict[int, Counter[str]] = {}
    for _ in range(PASSES):
        placed = Counter(table.country(chosen[i]) for i, c in enumerate(candidates) if i in chosen)
        placed_regions = Counter(
            table.admin1(chosen[i]) for i, c in enumerate(candidates) if i in chosen
        )
        placed_regions.pop("", None)
        for i, cand in enumerate(candidates):
            if cand.country_named:
                chosen[i] = cand.rows[0]
                continue
            if not cand.rows:
                continue
            others = placed.copy()
            regions = placed_regions.copy()
            if i in chosen:
                others[table.country(chosen[i])] -= 1
                regions[table.admin1(chosen[i])] -= 1
            written = normal(cand.entity.name)
            total = sum(v for v in others.values() if v > 0) or 1
            share = Counter({k: v / total for k, v in others.items() if v > 0})
            region_share = Counter({k: v / total for k, v in regions.items() if k and v > 0})
            shares[i] = share
            best = _city_over_division(
                table,
                cand.rows,
                max(cand.rows, key=lambda r: score(r, share, region_share, written)),
                cand.entity.name,
            )
            if i not in contained and not region_share[table.admin1(best)]:
                best = _famous_over_namesake(table, cand.rows, best)
            if supported(best, share, i):
                chosen[i] = best
            else:
                chosen.pop(i, None)
    cities: dict[int, float] = defaultdict(float)
    city_country: dict[int, str] = {}
    for i, cand in enumerate(candidates):
        if i not in chosen:
            continue
        e = cand.entity
        row = chosen[i]
        where = table.place(row)
        if cand.country_named:
            where.evidence = "name"
        elif i in decided:
            where.evidence = decided[i]
        else:
            where.evidence = _evidence(table, cand.rows, row, countries, cand.entity.name)
        e.geo = where
        if where.country_code:
            e.country_code = where.country_code
        if cand.country_named is None and where.feature_class == "P":
            weight = _weight(e, text, title, lead) + (DATELINE_WEIGHT if in_dateline(e) else 0.0)
            cities[row] += weight
            city_country[row] = where.country_code or ""
            if where.country_code:
                countries[where.country_code] += weight
    return Focus(
        countries=[
            FocusCountry(
                code=code,
                name=_country_name(table, code),
                geonames_id=_country_id(table, code),
                score=round(share, 3),
            )
            for code, share in _focus(countries)
        ],
        cities=[
            FocusCity(
                name=table.place(row).name,
                geonames_id=table.place(row).geonames_id,
                country_code=city_country[row] or None,
                score=round(share, 3),
            )
            for row, share in _focus(cities)
        ],
    )


def _evidence(
    table: PlaceTable, rows: list[int], chosen: int, countries: Container[str], name: str = ""
) -> str:
    """What chose ``chosen`` among ``rows`` when no rule of the text did: the one place of
    that name, its population alone, the article's ``countries`` (it lies in one), else
    where the article's other places are. One look at the rows' populations (an array)."""
    if len(set(rows)) == 1:
        return "only_candidate"
    best = rows[int(table.a["pop"][rows].argmax())]
    if chosen == best or chosen == _city_over_division(table, rows, best, name):
        return "population"
    return "article_countries" if table.country(chosen) in countries else "article_places"


def _countries_inside(name: str, language: str | None) -> set[str]:
    """Countries named by the words of a longer name ("Gobierno de España" -> ES)."""
    words = name.split()
    found = set()
    for n in range(1, min(4, len(words)) + 1):
        for k in range(1, len(words) - n + 1):  # not the name's first word: its head
            part = " ".join(words[k : k + n])
            if part[:1].isupper():
                where = gazetteer.place(part, language)
                if where is not None and where.kind == "country":
                    found.add(where.country_code)
    return found


def _focus(evidence: dict[Any, float]) -> list[tuple[Any, float]]:
    total = sum(evidence.values())
    if total <= 0:
        return []
    ranked = sorted(evidence.items(), key=lambda kv: -kv[1])
    top = ranked[0][1]
    # the leader, and those with a fair share that come close to it: a passing mention
    # beside the story's own place is not its focus
    out = [
        (k, v / total)
        for n, (k, v) in enumerate(ranked)
        if n == 0 or (v / total >= FOCUS_SHARE and v >= FOCUS_NEAR_TOP * top)
    ]
    return out[:FOCUS_MAX]


def _country_name(table: PlaceTable, code: str) -> str:
    row = table.country_row(code)
    return table.place(row).name if row is not None else code


def _country_id(table: PlaceTable, code: str) -> int | None:
    row = table.country_row(code)
    return table.place(row).geonames_id if row is not None else None
