"""Issue 32, the text's own evidence for a place: a state beside other states or holding a
town ("Buffalo, New York"), states' short forms ("Austin, TX", "in NSW"), a capital over a
small namesake, a sea or region never placed at a town, divisions with no point of their
own placed among their cities."""

from __future__ import annotations

import pytest

from streams.build.gazetteer import checked_point
from streams.processors.entities import abbreviations, geo
from streams.processors.entities.gazetteer import PlaceTable
from streams.processors.entities.stage import EntityExtractor
from tests.unit.test_enrich import enrich
from tests.unit.test_geo_divisions import placed


@pytest.fixture(scope="module")
def extractor() -> EntityExtractor:
    ex = EntityExtractor()
    ex.warm_up()
    return ex


@pytest.fixture(scope="module")
def table() -> PlaceTable:
    return PlaceTable.load()


def evidence(record, name: str) -> str | None:
    entity = next(e for e in record.entities if e.name == name)
    return entity.geo.evidence if entity.geo else None


def test_a_state_that_holds_a_town_far_from_its_city_is_the_state(extractor):
    record = enrich(extractor, "The girl from Buffalo, New York, died on Friday.", "en")
    assert placed(record, "Buffalo")[:3] == ("PPL", "US", "US.NY")
    assert placed(record, "New York")[:3] == ("ADM1", "US", "US.NY")
    assert evidence(record, "New York") == "containment"
    record = enrich(extractor, "The fire in New York closed three subway lines on Friday.", "en")
    assert placed(record, "New York")[0] == "PPL"


def test_a_name_in_a_list_of_states_is_the_state(extractor):
    text = "Cases were reported in Michigan, Oregon, New York and Ohio over the weekend."
    record = enrich(extractor, text, "en")
    assert placed(record, "New York")[:3] == ("ADM1", "US", "US.NY")
    assert evidence(record, "New York") == "list_of_divisions"
    text = "Officials are investigating cases in Washington, Pennsylvania and California."
    record = enrich(extractor, text, "en")
    assert placed(record, "Washington")[:3] == ("ADM1", "US", "US.WA")
    text = "The band will play in New Jersey and New York in January."
    assert placed(enrich(extractor, text, "en"), "New York")[0] == "ADM1"


def test_a_town_and_its_state_joined_by_a_comma_alone_stay_a_town(extractor):
    text = "The parade in Washington, Pennsylvania drew a crowd on Saturday."
    assert placed(enrich(extractor, text, "en"), "Washington")[:3] == ("PPL", "US", "US.PA")


def test_a_sentence_of_provinces_makes_quebec_the_province(extractor):
    text = (
        "Twelve cases are in Ontario, eight in Alberta, one in New Brunswick, and one in "
        "Quebec. Officials said more were likely."
    )
    record = enrich(extractor, text, "en")
    assert placed(record, "Quebec")[:2] == ("ADM1", "CA")
    assert placed(record, "New Brunswick")[:2] == ("ADM1", "CA")
    text = "She flew from Toronto to Quebec on Monday."
    assert placed(enrich(extractor, text, "en"), "Quebec")[0] == "PPL"


def test_a_governor_or_the_state_of_makes_the_state(extractor):
    text = "New York Governor Andrew Cuomo declared a state of emergency on Monday."
    assert placed(enrich(extractor, text, "en"), "New York")[0] == "ADM1"
    text = "The first case was found in 2003 in the state of Washington, officials said."
    assert placed(enrich(extractor, text, "en"), "Washington")[:3] == ("ADM1", "US", "US.WA")


def test_washington_dc_and_a_bare_washington_are_the_capital(extractor):
    text = "A patient was admitted to a hospital in Washington, D.C. on Monday."
    assert placed(enrich(extractor, text, "en"), "Washington")[:3] == ("PPLC", "US", "US.DC")
    text = "Talks in Washington ended without a deal on Monday, officials said."
    assert placed(enrich(extractor, text, "en"), "Washington")[:3] == ("PPLC", "US", "US.DC")


def test_short_forms_of_states_are_containers_and_places(extractor):
    record = enrich(extractor, "The plant in Austin, TX, will close in May.", "en")
    assert placed(record, "Austin")[1:3] == ("US", "US.TX")
    record = enrich(extractor, "A fire in Rome, Ga., destroyed two homes on Sunday.", "en")
    assert placed(record, "Rome")[1:3] == ("US", "US.GA")
    record = enrich(extractor, "Racing was cancelled across NSW and Queensland on Monday.", "en")
    assert placed(record, "NSW")[:3] == ("ADM1", "AU", "AU.02")


def test_short_forms(table):
    assert abbreviations.named("N.Y.") == [("US", "New York")]
    assert {c for c, _ in abbreviations.named("WA")} == {"US", "AU"}
    assert abbreviations.named("ny") == [] and abbreviations.named("Paris") == []
    assert [table.admin1(r) for r in abbreviations.division_rows(table, "Calif.")] == ["US.CA"]
    assert [table.admin1(r) for r in abbreviations.division_rows(table, "D.C.")] == ["US.DC"]
    assert [table.code(r) for r in abbreviations.division_rows(table, "Qld")] == ["ADM1"]
    assert abbreviations.division_rows(table, "Zz.") == []


def test_a_capital_beats_a_small_namesake_in_the_article_s_country(extractor):
    text = (
        "A United States military laboratory in Cairo sent samples to the United States, "
        "where American officials tested them."
    )
    assert placed(enrich(extractor, text, "en"), "Cairo")[:2] == ("PPLC", "EG")
    text = "Rome police and Atlanta firefighters met in Georgia on Friday."
    assert placed(enrich(extractor, text, "en"), "Rome")[1:3] == ("US", "US.GA")


def test_famous_over_namesake(table):
    def rows(name: str) -> list[int]:
        return table.rows_named(name)

    cairo = rows("Cairo")
    small = next(r for r in cairo if table.admin1(r) == "US.GA")
    capital = next(r for r in cairo if table.code(r) == "PPLC")
    assert geo._famous_over_namesake(table, cairo, small) == capital
    assert geo._famous_over_namesake(table, cairo, capital) == capital
    # a town that is not small keeps its place
    portland = rows("Portland")
    big = max(portland, key=table.population)
    assert geo._famous_over_namesake(table, portland, big) == big
    # a division is never replaced
    division = next(r for r in cairo if table.code(r) == "ADM1")
    assert geo._famous_over_namesake(table, cairo, division) == division


def test_city_over_division_reads_the_name_written(table):
    rows = table.rows_named("Rio Grande do Sul")
    state = next(r for r in rows if table.code(r) == "ADM1")
    assert geo._city_over_division(table, rows, state, "Rio Grande do Sul") == state
    rows = table.rows_named("Buenos Aires")
    province = next(r for r in rows if table.code(r) == "ADM1")
    assert table.code(geo._city_over_division(table, rows, province, "Buenos Aires")) == "PPLC"
    assert geo._shorter_form(["rio", "grande"], ["rio", "grande", "do", "sul"])
    assert not geo._shorter_form(["new", "york", "city"], ["new", "york"])
    assert not geo._shorter_form(["rio", "grande"], ["rio", "grande"])
    assert not geo._shorter_form(["santa"], ["rio", "grande"])


def test_seas_and_regions_are_not_towns(extractor):
    text = "Two million children in the Middle East missed a shot, and ships in the Pacific waited."
    record = enrich(extractor, text, "en")
    seas = [e for e in record.entities if e.name in {"Middle East", "Pacific"}]
    assert sorted(e.name for e in seas) == ["Middle East", "Pacific"]  # both read as names
    assert all(e.geo is None for e in seas)  # the table has Pacific, Missouri: not taken
    rows = PlaceTable.load().rows_named("Pacific")
    assert any(PlaceTable.load().kind(r) == "P" for r in rows)  # a town of that name exists


def test_a_division_with_no_point_sits_among_its_cities(table):
    melbourne, geelong, mildura = (-37.81, 144.96), (-38.15, 144.36), (-34.19, 142.16)
    lat, lon = checked_point(None, [melbourne, geelong, mildura], [])  # type: ignore[misc]
    assert (lat, lon) == pytest.approx(((-38.15 - 34.19) / 2, (144.96 + 142.16) / 2))
    assert checked_point(None, [], [melbourne]) is None
    assert checked_point(None, [(0.0, 179.0), (0.0, -179.0)], []) is None
    victoria = [r for r in table.rows_named("Victoria") if table.code(r) == "ADM1"]
    assert [table.country(r) for r in victoria if table.country(r) == "AU"] == ["AU"]


def test_the_state_of_victoria_is_the_australian_state(extractor):
    text = (
        "Racing was halted in New South Wales and Victoria after horses fell ill. "
        "The bulk of the cases are in the state of Victoria, officials in Australia said."
    )
    assert placed(enrich(extractor, text, "en"), "Victoria")[:2] == ("ADM1", "AU")


def test_after_a_place_and_a_join():
    ends = {7}
    assert geo._after_place("in Paris, Lyon", 10, {8})
    assert geo._after_place("in Paris and Lyon", 13, {8})
    assert geo._after_place("in Paris, and Lyon", 14, {8})
    assert geo._after_place("in Paris or Lyon", 12, {8})
    assert not geo._after_place("in Paris Lyon", 9, {8})
    assert not geo._after_place("in Paris, Lyon", 10, ends)


def test_a_short_form_or_country_after_in_the_is_a_place(extractor):
    text = "Exclusion zones have been placed on people and equipment in NSW on Monday."
    record = enrich(extractor, text, "en")
    assert placed(record, "NSW")[:3] == ("ADM1", "AU", "AU.02")
    text = "Authorities in the DRC have begun preparing. MSF now has 14 experts in DRC."
    assert placed(enrich(extractor, text, "en"), "DRC")[:2] == ("PCLI", "CD")
    text = "Officials met the Iranian delegation in Vienna on Monday."
    record = enrich(extractor, text, "en")
    iranian = next(e for e in record.entities if e.name == "Iranian")
    assert iranian.label == "NORP" and iranian.country_code == "IR"


def test_locatives_and_country_short_forms():
    assert geo._after_locative("flights in the DRC", 15)
    assert geo._after_locative("flights into DRC", 13)
    assert not geo._after_locative("flights the DRC", 12)
    assert not geo._after_locative("said DRC", 5)
    assert geo._names_a_country("DRC", "en") and geo._names_a_country("Sudan", "en")
    assert not geo._names_a_country("Paris", "en") and not geo._names_a_country("Ohio", "en")


def test_every_short_form_names_its_own_division(table):
    forms = abbreviations.abbreviations()
    assert len(forms) > 150
    assert forms["NSW"] == [("AU", "New South Wales")] and forms["Ont."] == [("CA", "Ontario")]
    assert sorted(forms["NT"]) == [("AU", "Northern Territory"), ("CA", "Northwest Territories")]
    assert abbreviations.named(" Ga. ") == [("US", "Georgia")]
    # each one's division is in the place table, in its country
    missing = [
        (form, country, name)
        for form, places in forms.items()
        for country, name in places
        if not any(table.country(r) == country for r in abbreviations.division_rows(table, form))
    ]
    assert missing == []


def test_km_between_rows(table):
    nyc = next(r for r in table.rows_named("New York City") if table.kind(r) == "P")
    buffalo = max(table.rows_named("Buffalo"), key=table.population)
    assert geo._km(table, nyc, buffalo) == pytest.approx(471, abs=8)
    assert geo._km(table, buffalo, nyc) == pytest.approx(geo._km(table, nyc, buffalo))
    assert geo._km(table, nyc, nyc) == 0.0
    sydney = max(table.rows_named("Sydney"), key=table.population)
    assert geo._km(table, nyc, sydney) == pytest.approx(15_990, rel=0.01)
    assert geo._far_from_its_cities(table, [buffalo], [nyc])
    assert not geo._far_from_its_cities(table, [nyc], [nyc, buffalo])
    assert not geo._far_from_its_cities(table, [buffalo], [])


class _M:
    def __init__(self, text: str, start: int) -> None:
        self.text, self.start, self.end = text, start, start + len(text)


class _E:
    def __init__(self, text: str, name: str, label: str) -> None:
        self.name, self.label = name, label
        at = [i for i in range(len(text)) if text.startswith(name, i)]
        self.mentions = [_M(name, i) for i in at]


def labels(text: str, tags: list[tuple[str, str]]) -> list[str]:
    entities = [_E(text, name, label) for name, label in tags]
    geo.places_by_context(entities, text, PlaceTable.load(), "en")
    return [e.label for e in entities]


def test_a_town_the_tagger_read_as_a_person_or_organisation_is_a_place_in_context():
    text = "Airplanes are flying into Malakal, and aid arrived from Krasnodar on Monday."
    assert labels(text, [("Malakal", "ORG"), ("Krasnodar", "PERSON")]) == ["GPE", "GPE"]
    # a list joined to a place: each joins in the text's order
    text = "Cases were found in Moonbi, Parkes, Berry and Wyong in regional areas."
    tags = [("Moonbi", "GPE"), ("Parkes", "PERSON"), ("Berry", "PERSON"), ("Wyong", "ORG")]
    assert labels(text, tags) == ["GPE", "GPE", "GPE", "GPE"]
    # no locative, a locative that names people too, a town's other name, capitals, a known
    # organisation, a demonym: unchanged
    assert labels("Malakal said on Monday it would help.", [("Malakal", "ORG")]) == ["ORG"]
    assert labels("According to Tyler, the camp grew.", [("Tyler", "PERSON")]) == ["PERSON"]
    assert labels("Pilgrims from Ramadan camps left.", [("Ramadan", "PERSON")]) == ["PERSON"]
    assert labels("Friends from ALMA met in May.", [("ALMA", "ORG")]) == ["ORG"]
    assert labels("Fighters from Hamas left.", [("Hamas", "ORG")]) == ["ORG"]
    assert labels("Aid from Iranian donors came.", [("Iranian", "NORP")]) == ["NORP"]


def test_towns_and_town_words(table):
    assert geo._names_a_town(table, "Malakal") and geo._names_a_town(table, "Lyon")
    assert not geo._names_a_town(table, "Ramadan")  # Turabah's other name
    assert not geo._names_a_town(table, "malakal") and not geo._names_a_town(table, "LYON")
    assert not geo._names_a_town(table, "Hamas") and not geo._names_a_town(table, "Xqzv")
    assert geo._after_town_word("flights into Malakal", 13)
    assert geo._after_town_word("a man from Lyon", 11)
    assert not geo._after_town_word("according to Tyler", 13)
    assert not geo._after_town_word("Lyon", 0)


class FakeTable:
    """Rows (kind, code, country, admin1, population, name) in a table's interface."""

    def __init__(self, *rows: tuple[str, str, str, str, int, str]) -> None:
        self.rows = rows

    def kind(self, r: int) -> str:
        return self.rows[r][0]

    def code(self, r: int) -> str:
        return self.rows[r][1]

    def country(self, r: int) -> str:
        return self.rows[r][2]

    def admin1(self, r: int) -> str:
        return self.rows[r][3]

    def population(self, r: int) -> int:
        return self.rows[r][4]

    def name(self, r: int) -> str:
        return self.rows[r][5]


def test_famous_over_namesake_limits():
    big = geo.FAMOUS_CITY
    t = FakeTable(
        ("P", "PPL", "US", "US.GA", 50_000, "Rome"),  # 0: a small namesake
        ("P", "PPLC", "IT", "IT.07", 500_000, "Rome"),  # 1: a capital, ten times its people
        ("P", "PPLC", "IT", "IT.07", 499_999, "Rome"),  # 2: a capital, just under
        ("A", "ADM1", "US", "US.GA", 10, "Rome"),  # 3: a division
        ("P", "PPL", "US", "US.NY", geo.SMALL_TOWN, "Rome"),  # 4: not small
        ("P", "PPL", "BR", "BR.1", big, "Rome"),  # 5: a million, no capital
        ("P", "PPL", "BR", "BR.1", big - 1, "Rome"),  # 6: just under a million
        ("P", "PPL", "US", "US.ID", 0, "Rome"),  # 7: no people known
        ("P", "PPLC", "XX", "", 10, "Rome"),  # 8: a capital of ten
    )
    assert geo._famous_over_namesake(t, [0, 1], 0) == 1
    assert geo._famous_over_namesake(t, [0, 2], 0) == 0
    assert geo._famous_over_namesake(t, [0, 1], 3) == 3  # a division stays
    assert geo._famous_over_namesake(t, [4, 5], 4) == 4  # a town of SMALL_TOWN stays
    assert geo._famous_over_namesake(t, [0, 5], 0) == 5  # a city of a million
    assert geo._famous_over_namesake(t, [0, 6], 0) == 0  # not a capital, under a million
    assert geo._famous_over_namesake(t, [7, 8], 7) == 8  # no people: ten is ten times one
    # the most populous of those that qualify, whatever their order
    assert geo._famous_over_namesake(t, [0, 5, 1], 0) == 5
    assert geo._famous_over_namesake(t, [0, 1, 6, 5], 0) == 5


def test_city_over_division_limits():
    floor = geo.CITY_OVER_DIVISION
    t = FakeTable(
        ("A", "ADM1", "US", "US.WA", 7_000_000, "Washington"),  # 0
        ("P", "PPL", "US", "US.OR", 900_000, "Washington"),  # 1: a big city in another state
        ("P", "PPLC", "US", "US.DC", 690_000, "Washington"),  # 2: the capital
        ("P", "PPL", "US", "US.WA", floor, "Washington"),  # 3: in it, just big enough
        ("P", "PPL", "US", "US.WA", floor - 1, "Washington"),  # 4: in it, too small
        ("P", "PPLC", "GB", "GB.ENG", 9_000_000, "Washington"),  # 5: another country's capital
        ("A", "ADM2", "US", "", 0, "Washington"),  # 6: a second-level division
        ("P", "PPL", "CA", "CA.01", 800_000, "Washington"),  # 7: another country
        ("P", "PPL", "US", "US.WA", 400_000, "Washington"),  # 8: in it, bigger
    )
    assert geo._city_over_division(t, [0, 1], 0, "Washington") == 0
    assert geo._city_over_division(t, [0, 2], 0, "Washington") == 2
    assert geo._city_over_division(t, [0, 3], 0, "Washington") == 3
    assert geo._city_over_division(t, [0, 4], 0, "Washington") == 0
    assert geo._city_over_division(t, [0, 5], 0, "Washington") == 0
    assert geo._city_over_division(t, [6, 1, 7], 6, "Washington") == 1
    assert geo._city_over_division(t, [6, 7], 6, "Washington") == 6
    assert geo._city_over_division(t, [0, 8, 3], 0, "Washington") == 8
    assert geo._city_over_division(t, [3, 8], 3, "Washington") == 3  # a city stays


def _candidates(text: str, named: dict[str, list[int]]) -> list[geo._Candidate]:
    out = []
    for name, rows in named.items():
        out.append(geo._Candidate(_E(text, name, "GPE"), rows, "GB" if name == "Britain" else None))
    return out


LIST_TABLE = FakeTable(
    ("A", "ADM1", "US", "US.NY", 27_000_000, "New York"),  # 0
    ("P", "PPL", "US", "US.NY", 8_800_000, "New York City"),  # 1
    ("A", "ADM1", "US", "US.OH", 11_000_000, "Ohio"),  # 2
    ("A", "ADM1", "US", "US.TX", 29_000_000, "Texas"),  # 3
    ("P", "PPL", "US", "US.NY", 250_000, "Buffalo"),  # 4
    ("A", "PCLI", "GB", "", 60_000_000, "Britain"),  # 5
    ("A", "ADM1", "CA", "CA.08", 13_000_000, "Ontario"),  # 6
    ("A", "ADM1", "US", "US.WA", 7_000_000, "Washington"),  # 7
    ("P", "PPLC", "US", "US.DC", 690_000, "Washington"),  # 8
)
ROWS = {
    "New York": [0, 1],
    "Ohio": [2],
    "Texas": [3],
    "Buffalo": [4],
    "Britain": [5],
    "Ontario": [6],
    "Washington": [7, 8],
}


def listed(text: str, spans: list[tuple[int, int]] | None = None) -> list[str]:
    names = {n: r for n, r in ROWS.items() if n in text}
    cands = _candidates(text, names)
    found = geo._listed_with_divisions(cands, LIST_TABLE, text, spans)
    return [cands[i].entity.name for i in found]


def test_lists_and_sentences_of_states():
    assert listed("Ohio, Texas, New York grew.") == ["New York"]
    assert listed("Ohio and New York grew.") == ["New York"]
    assert listed("Ohio, New York grew.") == []  # a town and its container
    # a sentence with two states and no town; one starting the sentence counts
    assert listed("Cases rose in Ohio, then in Texas, and later in New York.") == ["New York"]
    assert listed("New York grew, then Ohio, then Texas.") == ["New York"]
    assert listed("Cases rose in Ohio, then in New York.") == []  # one state beside it
    # a town in the sentence, or in the next one only
    assert listed("Cases rose in Ohio, then in Texas, then in New York, near Buffalo.") == []
    assert listed("In Ohio, then Texas, then New York it grew. Buffalo fell.") == ["New York"]
    # the sentences the stage gives are the ones read (one sentence here: Buffalo in it)
    text = "In Ohio, then Texas, then New York it grew. Buffalo fell."
    assert listed(text, [(0, len(text))]) == []
    # the project's splitter: "Gov." ends no sentence, so Buffalo shares it
    assert listed("In Ohio, then Texas, then New York, Gov. Buffalo spoke.") == []
    # two lists in one sentence with a town: each list's state
    text = "Ohio and New York grew; Buffalo and Texas and Washington fell."
    assert sorted(listed(text)) == ["New York", "Washington"]
    # a state alone, a town, another country's province, a country: no state beside
    assert "Ohio" not in listed("Ohio and New York and Texas grew.")
    assert listed("Buffalo and New York grew.") == []
    assert listed("Ontario and New York grew.") == []
    assert listed("Britain and New York grew.") == []


def test_division_words_before_and_after():
    def e(text: str, name: str) -> object:
        return _E(text, name, "GPE")

    assert geo._division_word_after(
        e("state of Washington said", "Washington"), "state of Washington said"
    )
    assert geo._division_word_after(
        e("in New York state, officials", "New York"), "in New York state, officials"
    )
    assert geo._division_word_after(e("the Punjab province.", "Punjab"), "the Punjab province.")
    assert not geo._division_word_after(e("out of Washington", "Washington"), "out of Washington")
    assert not geo._division_word_after(e("New York stated", "New York"), "New York stated")


def test_a_place_s_own_name_counts_over_a_namesake_s_other_name(extractor, monkeypatch):
    text = (
        "Doctors in Los Angeles, San Diego and Sacramento agreed, said a doctor at the "
        "Children's Hospital of Pittsburgh."
    )
    assert placed(enrich(extractor, text, "en"), "Pittsburgh")[1:3] == ("US", "US.PA")
    monkeypatch.setattr(geo, "OWN_NAME_WEIGHT", 0.0)
    assert placed(enrich(extractor, text, "en"), "Pittsburgh")[1:3] == ("US", "US.CA")


def test_places_by_context_reads_every_entity_and_keeps_the_list_s_places():
    # an entity skipped (no locative, a county, a demonym) does not stop the ones after it
    text = "Malakal said so. Aid came from Krasnodar."
    assert labels(text, [("Malakal", "ORG"), ("Krasnodar", "PERSON")]) == ["ORG", "GPE"]
    text = "Fulton County agreed. Aid came from Krasnodar."
    assert labels(text, [("Fulton County", "ORG"), ("Krasnodar", "PERSON")]) == ["GPE", "GPE"]
    text = "Aid from English donors came, and from Krasnodar too."
    assert labels(text, [("English", "NORP"), ("Krasnodar", "PERSON")]) == ["NORP", "GPE"]
    # only organisations, people and groups are read again
    assert labels("Rain fell in Malakal.", [("Malakal", "DATE")]) == ["DATE"]
    # a state's own name, not a town's; postal codes only after a town
    assert labels("Cases rose in Minas Gerais.", [("Minas Gerais", "PERSON")]) == ["GPE"]
    assert labels("We met in ME on Monday.", [("ME", "ORG")]) == ["ORG"]
    assert labels("The plant in Austin, TX will close.", [("Austin", "GPE"), ("TX", "ORG")]) == [
        "GPE",
        "GPE",
    ]
    # each branch adds its places' ends to the others' (a later name joins an earlier place)
    for middle, label in (("Tocantins", "ORG"), ("NSW", "ORG"), ("Malakal", "ORG")):
        text = f"Cases rose in Ohio and {middle}, then in Texas and Goiás."
        tags = [("Ohio", "GPE"), ("Texas", "GPE"), (middle, label), ("Goiás", "PERSON")]
        assert labels(text, tags) == ["GPE", "GPE", "GPE", "GPE"], middle


def test_a_country_s_name_in_no_stated_language_is_read_in_english():
    assert geo._names_a_country("Sudan", None) and not geo._names_a_country("Malakal", None)


def test_words_around_a_name_that_make_it_a_place(table):
    def phrase(text: str, name: str) -> bool:
        start = text.index(name)
        return geo._in_place_phrase(text, start, start + len(name), table)

    assert phrase("a resident of Toruń, told us", "Toruń")
    assert phrase("the mayor of Dogubayazit claims", "Dogubayazit")
    assert phrase("Mark Kitsmore, 54, of Tyler said", "Tyler")
    assert phrase("drove from the capital, Juba, northeast", "Juba")
    assert phrase("a 67-year-old Hammond resident said", "Hammond")
    assert phrase("camps in Nyanza province.", "Nyanza")
    assert phrase("Krasnodar, Russia officials said", "Krasnodar")
    assert not phrase("the son of Tyler said", "Tyler")
    assert not phrase("Tyler, who spoke, said", "Tyler")
    assert not phrase("Tyler said so", "Tyler")
    assert not phrase("the wife, 54, said Tyler", "Tyler")
    text = "A resident of Malakal, Ibrahim Deng, said the mayor of Nyala agreed."
    assert labels(text, [("Malakal", "PERSON"), ("Nyala", "ORG"), ("Ibrahim Deng", "PERSON")]) == [
        "GPE",
        "GPE",
        "PERSON",
    ]


def test_arabic_article_joined_by_a_hyphen():
    from streams.processors.entities import gazetteer

    forms = [k for k, _ in gazetteer._forms("Al-Minya", city=True)]
    assert forms[:3] == ["al-minya", "al minya", "minya"]
    assert [k for k, _ in gazetteer._forms("Alma-Ata")] == ["alma-ata"]
    assert gazetteer.place("Al-Jazeera", "en") is None
    found = gazetteer.place("Al-Minya", "en")
    assert found is not None and found.country_code == "EG"
