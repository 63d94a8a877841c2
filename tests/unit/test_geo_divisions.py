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
