"""Names the 1990 US Census lists: a byline's people told from interface labels (one of the
header model's features)."""

from __future__ import annotations

import pytest

from streams.processors.clean import census_names as cn


def test_the_lists_are_read_from_the_package() -> None:
    given, surnames = cn._lists()
    assert len(given) == 5163 and len(surnames) == 88799
    assert {"james", "mary", "anna"} <= given and {"smith", "garcia"} <= surnames
    assert all(n == n.lower() and " " not in n for n in given)


@pytest.mark.parametrize(
    ("name", "known"),
    [
        ("James Quux", True),  # a given name first
        ("Qwxz Smith", True),  # a surname last
        ("José Núñez", True),  # accents aside
        ("Jean-Pierre Qwxz", True),  # the first part of a hyphenated given name
        ("Smith", False),  # one word: a surname alone does not count
        ("James", True),  # one word that is a given name does
        ("Closed Captioning Policy", False),
        ("Print Recipe", False),
        ("Иван Петров", False),  # other scripts are never in the lists
        ("", False),
        ("1234", False),
    ],
)
def test_known(name: str, known: bool) -> None:
    assert cn.known(name) is known


def test_share_known() -> None:
    assert cn.share_known([]) == 0.0
    assert cn.share_known(["James Quux", "Print Recipe"]) == 0.5
    assert cn.share_known(["James Quux", "Qwxz Smith"]) == 1.0


def test_no_package_no_names(monkeypatch: pytest.MonkeyPatch) -> None:
    def missing(name: str) -> object:
        raise ModuleNotFoundError(name)

    cn._lists.cache_clear()
    monkeypatch.setattr(cn.resources, "files", missing)
    try:
        assert cn._lists() == (frozenset(), frozenset())
        assert not cn.known("James Smith")
    finally:
        cn._lists.cache_clear()
