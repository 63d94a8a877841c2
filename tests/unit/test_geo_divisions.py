"""Issue 32's resolution cases: divisions of their own, containment the text writes, a
division's word after a name, buildings left off the map, countries at their centres."""

from __future__ import annotations

import pytest

from schemas import EnrichedArticle
from streams.build.country_centres import km
from streams.processors.entities import geo
from streams.processors.entities.gazetteer import PlaceTable
from streams.processors.entities.stage import EntityExtractor
from tests.unit.test_enrich import enrich
from tests.unit.test_quote_rules import Entity


@pytest.fixture(scope="module")
def extractor() -> EntityExtractor:
    ex = EntityExtractor()
    ex.warm_up()
    return ex


def placed(record: EnrichedArticle, name: str) -> tuple[str, str, str | None, str | None]:
    entity = next(e for e in record.entities if e.name == name)
    assert entity.geo is not None, name
    g = entity.geo
    return g.feature_code, g.country_code or "", g.admin1, g.name


def test_a_town_is_placed_inside_the_division_the_text_writes_after_it(extractor):
    record = enrich(extractor, "Police in Paris, Illinois, said the fire began on Tuesday.", "en")
    assert placed(record, "Paris")[:3] == ("PPL", "US", "US.IL")
    assert placed(record, "Illinois")[:3] == ("ADM1", "US", "US.IL")
    record = enrich(extractor, "Hospitals in Toronto, Ontario, Canada reported more cases.", "en")
    assert placed(record, "Toronto")[1:3] == ("CA", "CA.08")
    assert placed(record, "Ontario")[:3] == ("ADM1", "CA", "CA.08")


def test_a_container_the_tagger_left_out_is_read_from_the_gazetteer(extractor):
    record = enrich(extractor, "The concert in London, Ontario drew 5,000 people on Sunday.", "en")
    assert placed(record, "London")[1:3] == ("CA", "CA.08")
    record = enrich(extractor, "The concert in London drew 5,000 people on Sunday.", "en")
    assert placed(record, "London")[1] == "GB"


def test_states_and_provinces_are_divisions_not_towns_named_like_them(extractor):
    record = enrich(extractor, "Hurricane warnings were posted for Florida on Tuesday.", "en")
    assert placed(record, "Florida") == ("ADM1", "US", "US.FL", "Florida")
    record = enrich(extractor, "Schools across Ontario and Quebec will reopen in May.", "en")
    assert placed(record, "Ontario")[:2] == ("ADM1", "CA")


def test_georgia_is_the_state_beside_american_places_or_a_state_word(extractor):
    text = "The storm crossed the Georgia state line early on Monday, officials said."
    assert placed(enrich(extractor, text, "en"), "Georgia")[:2] == ("ADM1", "US")
    text = "Georgia and Armenia signed a trade agreement in Tbilisi on Monday."
    assert placed(enrich(extractor, text, "en"), "Georgia")[:2] == ("PCLI", "GE")


def test_a_division_word_after_a_name_makes_it_the_division(extractor):
    record = enrich(extractor, "Officials in New York state said the outbreak was spreading.", "en")
    assert placed(record, "New York")[:2] == ("ADM1", "US")
    record = enrich(extractor, "The mayor of New York said the subway would reopen.", "en")
    assert placed(record, "New York")[0] != "ADM1"


def test_a_capital_city_beats_the_region_named_like_it(extractor):
    record = enrich(extractor, "The mayor of Moscow said the city would reopen its parks.", "en")
    assert placed(record, "Moscow")[:2] == ("PPLC", "RU")


def test_england_and_scotland_are_divisions_of_the_united_kingdom(extractor):
    record = enrich(extractor, "Cases rose in England and Scotland last week.", "en")
    assert placed(record, "England")[:3] == ("ADM1", "GB", "GB.ENG")
    assert placed(record, "Scotland")[:3] == ("ADM1", "GB", "GB.SCT")


def test_a_building_is_not_put_on_the_map(extractor):
    record = enrich(extractor, "The White House said the president would visit Ohio.", "en")
    house = [e for e in record.entities if e.name == "White House"]
    assert house and all(e.geo is None for e in house)
    assert placed(record, "Ohio")[:2] == ("ADM1", "US")


@pytest.mark.parametrize(
    ("code", "lat", "lon"),
    # geographic centres: the contiguous United States (Lebanon, Kansas), Australia, France
    [("US", 39.83, -98.58), ("AU", -25.35, 134.21), ("FR", 46.5, 2.4)],
)
def test_a_country_sits_at_its_centre_not_among_its_cities(code, lat, lon):
    table = PlaceTable.load()
    row = table.country_row(code)
    assert row is not None
    where = table.place(row)
    assert where.feature_code == "PCLI"
    assert km(where.latitude, where.longitude, lat, lon) < 161


def test_division_words_and_buildings():
    assert "state" in geo.DIVISION_WORDS and "province" in geo.DIVISION_WORDS
    assert "house" in geo.BUILDING_WORDS and "city" not in geo.BUILDING_WORDS


@pytest.mark.parametrize(
    ("code", "geonames_id", "lat", "lon"),
    [("US", 6252001, 39.76, -98.5), ("CA", 6251999, 60.10867, -113.64258), ("IN", 1269750, 22, 79)],
)
def test_a_country_news_names_often_sits_at_its_geonames_point(code, geonames_id, lat, lon):
    table = PlaceTable.load()
    row = table.country_row(code)
    assert row is not None
    where = table.place(row)
    assert where.geonames_id == geonames_id
    assert (where.latitude, where.longitude) == pytest.approx((lat, lon), abs=1e-4)


def test_a_division_point_geocoded_abroad_is_replaced_by_its_own_cities():
    from streams.build.gazetteer import checked_point

    changsha, yueyang = (28.2, 112.97), (29.37, 113.09)
    # within 750 km of one of its own cities: kept
    assert checked_point((27.6, 111.7), [changsha, yueyang], []) == (27.6, 111.7)
    # Oklahoma: the mean of its own cities instead
    lat, lon = checked_point((36.73, -95.93), [changsha, yueyang], [])  # type: ignore[misc]
    assert (lat, lon) == pytest.approx((28.785, 113.03))
    # no city of its own: its country's cities, more loosely (the Azores are real)
    lisbon = (38.72, -9.14)
    assert checked_point((37.8, -25.5), [], [lisbon]) == (37.8, -25.5)
    assert checked_point((37.8, -95.5), [], [lisbon]) is None
    # at one of its own cities while they reach far: the division geocoded to its capital
    nyc, buffalo, albany = (40.71, -74.01), (42.89, -78.88), (42.65, -73.76)
    lat, lon = checked_point(nyc, [nyc, buffalo, albany], [])  # type: ignore[misc]
    assert (lat, lon) == pytest.approx((41.8, -76.32))
    # at one of its cities, all of them near: kept
    assert checked_point(nyc, [nyc, albany], []) == nyc  # 217 km
    assert checked_point((40.73, -74.01), [nyc, buffalo], []) == pytest.approx((41.8, -76.445))
    assert checked_point((40.74, -74.01), [nyc, buffalo], []) == (40.74, -74.01)  # 3.3 km away
    # across the antimeridian there is no extent: the point stays
    assert checked_point((10.0, 10.0), [(60.0, 179.0), (60.0, -179.0)], []) == (10.0, 10.0)
    # the bounds themselves
    assert checked_point((0.0, 0.0), [(0.0, 6.7)], []) == (0.0, 0.0)  # 745 km
    assert checked_point((0.0, 0.0), [(0.0, 6.8)], []) == (0.0, 6.8)  # 756 km
    assert checked_point((0.0, 0.0), [], [(0.0, 26.9)]) == (0.0, 0.0)  # 2,991 km
    assert checked_point((0.0, 0.0), [], [(0.0, 27.0)]) is None  # 3,002 km


def test_the_place_table_holds_hunan_in_china():
    table = PlaceTable.load()
    rows = [r for r in table.rows_named("Hunan Sheng") if table.place(r).feature_code == "ADM1"]
    assert rows
    where = table.place(rows[0])
    assert where.country_code == "CN"
    assert km(where.latitude, where.longitude, 28.2, 112.97) < 400  # Changsha


def test_a_country_name_the_tagger_cut_at_of_the_is_one_place(extractor):
    text = "Cases rose in the Democratic Republic of the Congo on Monday, officials said."
    record = enrich(extractor, text, "en")
    assert placed(record, "Democratic Republic of the Congo")[:2] == ("PCLI", "CD")
    assert not [e for e in record.entities if e.name in {"Congo", "Democratic Republic"}]


def test_joined_places():
    from streams.processors.entities.names import joined_places
    from streams.processors.entities.spans import RawMention

    def cut(text: str, *parts: tuple[str, str]) -> list[RawMention]:
        out = []
        for part, label in parts:
            start = text.index(part)
            out.append(RawMention(start, start + len(part), part, label))
        return out

    names = {"democratic republic of the congo", "republic of korea"}

    def known(name: str) -> bool:
        return name.lower() in names

    text = "in the Democratic Republic of the Congo and the Republic of Korea today"
    parts = cut(
        text, ("Republic of Korea", "GPE"), ("Democratic Republic", "GPE"), ("Congo", "LOC")
    )
    joined = joined_places(parts, text, known)
    assert [(m.text, m.label) for m in joined] == [
        ("Democratic Republic of the Congo", "GPE"),
        ("Republic of Korea", "GPE"),
    ]
    assert joined[0].start == text.index("Democratic")
    # not a place as a whole, or not joined by "of": left as they were
    text = "the Bank of England and France of course"
    parts = cut(text, ("Bank", "ORG"), ("England", "GPE"))
    assert joined_places(parts, text, known) == parts
    text = "the Democratic Republic, the Congo"
    parts = cut(text, ("Democratic Republic", "GPE"), ("Congo", "GPE"))
    assert joined_places(parts, text, lambda _: True) == parts
    # a person is never part of a place's name
    text = "Republic of Korea"
    parts = cut(text, ("Republic", "PERSON"), ("Korea", "GPE"))
    assert joined_places(parts, text, lambda _: True) == parts
    parts = cut(text, ("Republic", "FAC"), ("Korea", "ORG"))
    assert [m.label for m in joined_places(parts, text, lambda _: True)] == ["GPE"]
    # a hyphen joins names of any label when the whole is a place: "Guinea-Bissau"
    names.add("guinea-bissau")
    text = "Guinea, Guinea-Bissau and Mali"
    parts = cut(text, ("Guinea", "GPE"), ("Bissau", "PERSON"), ("Mali", "GPE"))
    parts[0] = RawMention(8, 14, "Guinea", "GPE")
    parts.insert(0, RawMention(0, 6, "Guinea", "GPE"))
    joined = joined_places(parts, text, known)
    assert [(m.start, m.end, m.text, m.label) for m in joined] == [
        (0, 6, "Guinea", "GPE"),
        (8, 21, "Guinea-Bissau", "GPE"),
        (26, 30, "Mali", "GPE"),
    ]
    for between in (" - ", "--", "/", " "):
        text = f"Guinea{between}Bissau"
        parts = [
            RawMention(0, 6, "Guinea", "GPE"),
            RawMention(len(text) - 6, len(text), "Bissau", "PERSON"),
        ]
        assert joined_places(parts, text, lambda _: True) == parts, between
    text = "Guinea–Bissau"  # an en dash
    parts = [RawMention(0, 6, "Guinea", "GPE"), RawMention(7, 13, "Bissau", "GPE")]
    assert [m.text for m in joined_places(parts, text, lambda _: True)] == [text]
    text = "Austria-Hungary"  # not a place's name as a whole: left as it was
    parts = [RawMention(0, 7, "Austria", "GPE"), RawMention(8, 15, "Hungary", "GPE")]
    assert joined_places(parts, text, known) == parts


def test_a_hyphenated_country_and_a_country_written_without_accents(extractor):
    text = "Cholera reached Guinea, Guinea-Bissau and Cote d'Ivoire last month."
    record = enrich(extractor, text, "en")
    assert placed(record, "Guinea-Bissau")[:2] == ("PCLI", "GW")
    assert placed(record, "Guinea")[:2] == ("PCLI", "GN")
    assert placed(record, "Cote d'Ivoire")[:2] == ("PCLI", "CI")
    assert "Bissau" not in {e.name for e in record.entities}


def test_a_country_in_a_list_of_countries_is_that_country(extractor):
    text = "The outbreak spread to Ghana, Guinea-Bissau, Niger, Nigeria and Togo."
    record = enrich(extractor, text, "en")
    assert placed(record, "Niger")[:2] == ("PCLI", "NE")
    assert placed(record, "Nigeria")[:2] == ("PCLI", "NG")
    # a country after a comma is a container, not a list: the state
    text = "She flew from Atlanta, Georgia, United States to Macon on Monday."
    record = enrich(extractor, text, "en")
    assert placed(record, "Georgia")[:3] == ("ADM1", "US", "US.GA")
    # the American state beside American places, unless a country is listed with it
    text = "Flights from Atlanta to Georgia and Armenia resumed on Monday."
    record = enrich(extractor, text, "en")
    assert placed(record, "Georgia")[:2] == ("PCLI", "GE")
    text = "Flights from Atlanta to Savannah, Georgia resumed on Monday."
    assert placed(enrich(extractor, text, "en"), "Georgia")[:2] == ("ADM1", "US")


def test_listed_countries_reads_the_joins_of_a_list():
    from streams.processors.entities.spans import RawMention

    def cands(text: str, *names: tuple[str, str | None]) -> list[geo._Candidate]:
        out = []
        for name, code in names:
            start = text.index(name)
            e = Entity(name, "GPE", [RawMention(start, start + len(name), name, "GPE")])
            out.append(geo._Candidate(e, [1], code))
        return out

    text = "Ghana, Niger, Nigeria"
    c = cands(text, ("Ghana", "GH"), ("Niger", "NE"), ("Nigeria", "NG"))
    assert geo._listed_countries(c, text) == {1, 2}
    text = "Ghana and Niger or Chad & Mali"
    c = cands(text, ("Ghana", "GH"), ("Niger", "NE"), ("Chad", "TD"), ("Mali", "ML"))
    assert geo._listed_countries(c, text) == {0, 1, 2, 3}
    text = "Ghana, and Niger"
    assert geo._listed_countries(cands(text, ("Ghana", "GH"), ("Niger", "NE")), text) == {1}
    # a city in the list, or no join, or a country only after a comma: no list of countries
    text = "Accra, Niger"
    assert geo._listed_countries(cands(text, ("Accra", None), ("Niger", "NE")), text) == set()
    text = "Ghana; Niger"
    assert geo._listed_countries(cands(text, ("Ghana", "GH"), ("Niger", "NE")), text) == set()
    text = "Georgia, United States"
    c = cands(text, ("Georgia", "GE"), ("United States", "US"))
    assert geo._listed_countries(c, text) == {1}
    text = "Accra, Ghana and Niger"  # a town before the countries: they are still listed
    c = cands(text, ("Accra", None), ("Ghana", "GH"), ("Niger", "NE"))
    assert geo._listed_countries(c, text) == {1, 2}
    text = "Ghana,Niger"
    assert geo._listed_countries(cands(text, ("Ghana", "GH"), ("Niger", "NE")), text) == {1}


def test_each_place_says_what_decided_it(extractor):
    def evidence(record: EnrichedArticle, name: str) -> str | None:
        entity = next(e for e in record.entities if e.name == name)
        assert entity.geo is not None, name
        return entity.geo.evidence

    text = "Police in Paris, Illinois, said the fire began near Lyon on Tuesday."
    record = enrich(extractor, text, "en")
    assert evidence(record, "Paris") == "containment"
    assert evidence(record, "Illinois") == "only_candidate"
    record = enrich(
        extractor, "Hurricane warnings were posted for New York state and France.", "en"
    )
    assert evidence(record, "New York") == "division_word"
    assert evidence(record, "France") == "name"
    record = enrich(extractor, "The storm crossed the Georgia state line early on Monday.", "en")
    assert evidence(record, "Georgia") == "division_word"
    text = "Storms hit Georgia and other parts of the United States on Monday."
    assert evidence(enrich(extractor, text, "en"), "Georgia") == "article_countries"
    record = enrich(extractor, "Flights from Cairo to London were cancelled on Monday.", "en")
    assert evidence(record, "Cairo") == "population"


def test_what_decided_among_namesakes():
    table = PlaceTable.load()
    rows = table.rows_named("Springfield")
    towns = [r for r in rows if table.place(r).feature_class == "P"]
    assert len(towns) > 2
    biggest = max(towns, key=table.population)
    other = next(r for r in towns if r != biggest and table.population(r) > 0)
    here = table.country(other)
    assert geo._evidence(table, [biggest], biggest, set()) == "only_candidate"
    assert geo._evidence(table, [biggest, biggest], biggest, set()) == "only_candidate"
    assert geo._evidence(table, towns, biggest, set()) == "population"
    assert geo._evidence(table, list(reversed(towns)), biggest, set()) == "population"
    # the article's countries picked it (it lies in one) or its other places did
    assert geo._evidence(table, towns, other, {here}) == "article_countries"
    assert geo._evidence(table, towns, other, {"ZZ"}) == "article_places"
    assert geo._evidence(table, towns, other, set()) == "article_places"


def test_a_demonym_keeps_its_label_and_gets_its_country(extractor):
    record = enrich(extractor, "Egyptian officials met Iranian diplomats in Geneva.", "en")
    norp = {e.name: e for e in record.entities if e.label == "NORP"}
    assert norp["Egyptian"].country_code == "EG"
    assert norp["Iranian"].country_code == "IR"
    assert norp["Egyptian"].geo is None


def test_us_counties_are_divisions_at_the_median_of_their_zip_codes():
    from streams.build.gazetteer import _county_row, us_county_points

    points = us_county_points()
    dallas = points[("TX", "Dallas County")]
    assert km(*dallas, 32.78, -96.80) < 30  # the city of Dallas fills most of it
    assert len(points) > 3000
    cols = ["Dallas County", "", "US.TX.113", "4684904", "", "Condado de Dallas|Dallas", "2"]
    row = _county_row(cols, points)
    assert row == (4684904, "Dallas County", *dallas, 0, "A", "ADM2", "US", "US.TX")
    # a county-level name without a county's last word, or without a point: not a row
    assert _county_row(["Richmond", "", "US.VA.760", "4781708", "", "", "2"], points) is None
    assert _county_row(["Nowhere County", "", "US.TX.999", "1", "", "", "2"], points) is None
    table = PlaceTable.load()
    rows = [r for r in table.rows_named("Dallas County") if table.code(r) == "ADM2"]
    assert {table.admin1(r) for r in rows} >= {"US.TX", "US.AL", "US.IA"}
    assert not [r for r in table.rows_named("Dallas") if table.code(r) == "ADM2"]


def test_a_county_is_placed_in_the_state_the_text_writes_or_its_neighbours(extractor):
    text = "Health officials in Dallas County, Texas, confirmed a second case on Monday."
    assert placed(enrich(extractor, text, "en"), "Dallas County")[:3] == ("ADM2", "US", "US.TX")
    text = "Flooding hit Monroe County, Florida, and Fulton County, Georgia, on Sunday."
    record = enrich(extractor, text, "en")
    assert placed(record, "Fulton County")[:3] == ("ADM2", "US", "US.GA")
    # the container of a Georgia county is the state, not the country
    assert placed(record, "Georgia")[:3] == ("ADM1", "US", "US.GA")
    assert placed(record, "Monroe County")[2] == "US.FL"
    text = "A man from Crawford County was taken to a hospital in Pittsburgh."
    assert placed(enrich(extractor, text, "en"), "Crawford County")[2] == "US.PA"
    text = "Georgia and Armenia signed a trade agreement in Tbilisi on Monday."
    assert placed(enrich(extractor, text, "en"), "Georgia")[:2] == ("PCLI", "GE")


def test_a_name_the_tagger_read_as_an_organisation_is_a_county_by_its_last_word(extractor):
    entities = [
        Entity("Fulton County", "ORG"),
        Entity("Fulton Bank", "ORG"),
        Entity("Jo County", "PERSON"),
    ]
    geo.places_by_context(entities, "Fulton County and Fulton Bank met.", PlaceTable.load(), "en")
    assert [e.label for e in entities] == ["GPE", "ORG", "PERSON"]  # no county is named "Jo"


def test_a_town_s_namesake_is_the_one_in_the_state_of_the_article_s_other_places(extractor):
    text = "Springfield police said the suspect fled toward Peoria and Decatur."
    record = enrich(extractor, text, "en")
    assert placed(record, "Springfield")[2] == "US.IL"
    assert (
        next(e for e in record.entities if e.name == "Springfield").geo.evidence == "article_places"
    )
    text = "Springfield police said the suspect fled toward Joplin and Branson."
    assert placed(enrich(extractor, text, "en"), "Springfield")[2] == "US.MO"


def test_a_place_written_without_its_accents_is_its_own_name():
    table = PlaceTable.load()
    # the table's own names are "Malmö", "Zürich", "Baden-Württemberg"
    assert geo._names_a_town(table, "Malmo") and geo._names_a_town(table, "Malmö")
    assert geo._names_a_town(table, "Zurich")
    assert not geo._names_a_town(table, "Malmoe")
    text = "Stuttgart, Baden-Wurttemberg"
    assert (
        geo._container_named(table, text, text.index("Baden"))
        == geo._container_named(table, "Stuttgart, Baden-Württemberg", text.index("Baden"))
        != set()
    )
    assert geo._named_as_written(table, "ZURICH") == geo._named_as_written(table, "Zürich") != []
    # a place that bears the name only as one of its others is not named as written
    assert "Luzhou" in {table.name(r) for r in table.rows_named("Lu")}
    assert "Luzhou" not in {table.name(r) for r in geo._named_as_written(table, "Lu")}


def test_a_person_read_town_written_without_accents_is_placed():
    from streams.processors.entities.spans import RawMention

    table = PlaceTable.load()
    text = "Officials in Malmo said the ferry would not sail, and Goteborg agreed."
    malmo = Entity("Malmo", "PERSON", [RawMention(13, 18, "Malmo", "PERSON")])
    goteborg = Entity("Goteborg", "PERSON", [RawMention(54, 62, "Goteborg", "PERSON")])
    geo.places_by_context([malmo, goteborg], text, table, "en")
    assert malmo.label == "GPE"  # "in Malmo": the town whose own name is "Malmö"
    assert goteborg.label == "PERSON"  # no place's word before it


def test_the_americas_are_not_america(extractor):
    text = "Measles cases rose across the Americas, the World Health Organization said."
    record = enrich(extractor, text, "en")
    americas = [e for e in record.entities if e.name.endswith("Americas")]
    assert americas and all(e.geo is None or e.geo.country_code != "US" for e in americas)
