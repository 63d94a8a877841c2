"""Entity identity across articles: ids, the groups that bring a thing's forms together,
and the fold of short forms into full ones."""

from __future__ import annotations

import pytest

from streams.processors import identity as ident


@pytest.fixture(autouse=True)
def fresh_caches() -> None:
    """Each test computes (the functions cache their answers across calls)."""
    for f in (ident.normal, ident.entity_id, ident.group_of):
        f.cache_clear()


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("U.S.", "us"),
        ("Macron's", "macron"),
        ("Macron’s", "macron"),
        ("Zürich", "zurich"),
        ("  Jean-Luc   Mélenchon ", "jean luc melenchon"),
        ("O'Brien", "obrien"),
        ("AT&T", "at t"),
        ("Ελλάδα", "ελλαδα"),
        ("", ""),
    ],
)
def test_names_are_normalised(name: str, expected: str) -> None:
    assert ident.normal(name) == expected


def test_ids_are_geonames_for_places_on_the_map_else_kind_and_name() -> None:
    assert ident.entity_id("U.S.", "GPE", 6252001) == "geonames:6252001"
    assert ident.entity_id("Alps", "LOC", 2661786) == "geonames:2661786"
    assert ident.entity_id("Heathrow", "FAC", 7) == "geonames:7"
    assert ident.entity_id("Chicago", "GPE") == ident.entity_id("Chicago", "LOC") == "place:chicago"
    assert ident.entity_id("Joe Biden", "PERSON", 5) == "person:joe biden"  # not a place
    assert ident.entity_id("Apple Inc.", "ORG") == "org:apple"
    assert ident.entity_id("Volkswagen AG", "ORG") == "org:volkswagen"
    assert ident.entity_id("Limited", "ORG") == "org:limited"  # a name is not all legal form
    assert ident.entity_id("Foo Holdings Ltd", "ORG") == "org:foo"
    assert ident.entity_id("Apple Computer Inc", "ORG") == "org:apple computer"
    assert ident.entity_id("Inc", "PERSON") == "person:inc"  # the legal form is an org's
    assert ident.entity_id("French", "NORP") == "norp:french"
    assert ident.entity_id("Brexit Act", "LAW") == "law:brexit act"
    assert [ident.kind(x) for x in ("PERSON", "ORG", "GPE", "LOC", "FAC", "EVENT")] == [
        "person",
        "org",
        "place",
        "place",
        "place",
        "event",
    ]
    assert ident.entity_id("Paris", "PERSON", 2988507) == "person:paris"


def test_surnames_and_acronyms() -> None:
    assert ident.surname("Joe Biden") == "biden"
    assert ident.surname("Martin Luther King Jr.") == "king"
    assert ident.surname("Henry Ford II") == "ford"
    assert ident.surname("Jr") == "jr"  # one word is itself
    assert ident.surname("Smith Jr") == "smith"
    assert ident.surname("") == ""
    assert ident.acronym("United Nations") == "un"
    assert ident.acronym("U.N.") == "un"
    assert ident.acronym("North Atlantic Treaty Organization") == "nato"
    assert ident.acronym("Bank of England") == "be"
    assert ident.acronym("The Of") == "to"  # only minor words: all of them
    assert ident.acronym("Apple Inc.") == "apple"


def test_groups_bring_the_forms_of_a_thing_together() -> None:
    assert ident.group_of("Joe Biden", "PERSON") == ident.group_of("Biden", "PERSON")
    assert ident.group_of("Biden", "PERSON") == "person~biden"
    assert ident.group_of("United Nations", "ORG") == ident.group_of("UN", "ORG") == "org~un"
    assert ident.group_of("U.S.", "GPE", 6252001) == "geonames:6252001"
    assert ident.group_of("Paris", "GPE") == "place:paris"
    assert ident.group_of("French", "NORP") == "norp:french"


def test_short_forms_fold_into_the_full_form_named_most() -> None:
    counts = {
        "person:biden": 3,
        "person:joe biden": 5,
        "person:hunter biden": 1,
        "person:martin luther king jr": 1,
        "person:king": 2,
        "*": 9,
    }
    assert ident.fold(counts) == {
        "person:biden": "person:joe biden",
        "person:joe biden": "person:joe biden",
        "person:hunter biden": "person:hunter biden",
        "person:martin luther king jr": "person:martin luther king jr",
        "person:king": "person:martin luther king jr",
        "*": "*",
    }
    tie = {"person:biden": 1, "person:joe biden": 2, "person:hunter biden": 2}
    assert ident.fold(tie)["person:biden"] == "person:hunter biden"  # the smaller id
    orgs = {"org:un": 3, "org:united nations": 1, "org:ua": 1}
    assert ident.fold(orgs) == {
        "org:un": "org:united nations",
        "org:united nations": "org:united nations",
        "org:ua": "org:ua",
    }
    # a kind never folds into another: an acronym is no surname
    mixed = {"org:biden": 1, "person:joe biden": 1, "place:biden": 1, "person:sessions": 1}
    assert ident.fold(mixed) == {k: k for k in mixed}
    assert ident.fold({"person:biden": 2}) == {"person:biden": "person:biden"}
    assert ident.fold({}) == {}
