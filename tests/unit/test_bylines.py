"""Names read from a line the header model took as a byline: the word "by" (or its like in
other languages) anywhere in it, the marks and dates that end it, a name's particle that is
not such a word, one-word user names, degrees and desks left out. The lines are of the kinds
real pages print (written here by hand, names invented)."""

from __future__ import annotations

import pytest

from streams.processors.clean import bylines
from streams.processors.clean.bylines import (
    byline_marker,
    byline_names,
    is_name,
    people,
    read_byline,
    split_authors,
)


@pytest.mark.parametrize(
    ("line", "names"),
    [
        ("27. Januar 2014  by Ilse Marten /  ", ["Ilse Marten"]),
        ("Posted by Carl Oduya on November 19, 2019, 6:21 AM EST", ["Carl Oduya"]),
        ("By RITA VALLONE - 2019-04-10", ["RITA VALLONE"]),
        ("By\xa0Dana Pruitt/June 12, 2020  9:49 am EST/Updated: Aug. 18", ["Dana Pruitt"]),
        ("Veröffentlicht am 13. März 2019 \t\t\tvon Jonas Weber-Lind \t\t", ["Jonas Weber-Lind"]),
        ("Am 13. November 2019 Von Henk In Aktuell", ["Henk"]),
        ("1.11.23 20:19 von Lea Sommer Lesezeit: 4 Min.", ["Lea Sommer"]),
        ("von Mara Tiel   Reiterwelt International", ["Mara Tiel"]),
        ("Written by Grant Fell, PhD on April 29, 2018", ["Grant Fell"]),
        ("Por Gustavo E. Marín", ["Gustavo E. Marín"]),
        ("Por Ana Ruiz y Luis Gil", ["Ana Ruiz", "Luis Gil"]),
        ("By Jill Okafor, CNN Business", ["Jill Okafor"]),
        ("by admin - 2018-09-16", ["admin"]),
        ("durch Yi Chen ", ["Yi Chen"]),
        ("Ana Holt, @anaholt", ["Ana Holt"]),
        ("Keri Lund@kerilund", ["Keri Lund"]),
        ("Arne Sjöberg | 29. Dezember 2022 | HR-Welt", ["Arne Sjöberg"]),
        ("        Tine\t", ["Tine"]),
        ("Alexa von Heyden", ["Alexa von Heyden"]),
        ("Eine Kolumne von Nils Pahl", ["Nils Pahl"]),
        ("Alexa von Heyden | Berlin", ["Alexa von Heyden"]),
        ("Écrit par Holt", ["Holt"]),
        ("By Ana Holt aus Berlin", ["Ana Holt"]),
        ("By Dr. Ana Holt", ["Ana Holt"]),
        ("By Ana Holt.", ["Ana Holt"]),
        ("By Ana Holt and Xavi Ruiz", ["Ana Holt", "Xavi Ruiz"]),
        ("By Staff, Ana Holt", ["Ana Holt"]),
        ("by ana holt", []),
        ("by O'Neil", ["O'Neil"]),
        ("By Ana Holt, Reuters", ["Ana Holt"]),
        ("Reuters,  Washington,  ", []),
        ("By Staff Reporter", []),
        ("2019-04-10", []),
        ("", []),
    ],
)
def test_names_of_a_byline_line(line: str, names: list[str]) -> None:
    assert byline_names(line) == names


def test_a_name_is_given_once() -> None:
    assert byline_names("By Ana Holt and Ana Holt") == ["Ana Holt"]


def test_a_particle_after_a_capitalised_word_is_no_byline_word() -> None:
    assert byline_marker("Alexa von Heyden") is None
    assert byline_marker("Alexa da Silva") is None
    # after a publishing verb, or at the start, or capitalised, it is one
    assert byline_marker("Veröffentlicht von HansG") is not None
    assert byline_marker("von Fatima") is not None
    assert byline_marker("Text Von Ute Lenz") is not None
    assert byline_marker("2019 von Ute Lenz") is not None


def test_split_authors_keeps_a_middle_initial_and_splits_on_lower_case_and() -> None:
    assert split_authors("Por Gustavo E. Marín") == ["Gustavo E. Marín"]
    assert split_authors("Por Ana Ruiz e Luis Gil") == ["Ana Ruiz", "Luis Gil"]
    assert split_authors("By Ana Ruiz AND Luis Gil") == ["Ana Ruiz", "Luis Gil"]


def test_a_particle_before_a_whole_name_is_a_byline_word() -> None:
    assert byline_marker("Ursula von der Leyen") is None
    assert byline_names("Eine Kolumne von Nils Pahl") == ["Nils Pahl"]


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Ana Maria Lopez Diaz", True),
        ("Ana Maria Lopez Diaz Ruiz", False),
        ("Ana,Maria Lopez Diaz", True),
        ("Ana, Maria Lopez Diaz", True),
        ("Holt, Ana", True),
        ("محمد علي حسن", True),
        ("محمد علي حسن أحمد", False),
        ("Ana 2 Holt", False),
        ("Ana", False),
        *(
            (f"Ana {p} Souza", True)
            for p in ("de", "van", "von", "der", "da", "di", "al", "bin", "el", "la", "le")
        ),
        ("Ana du Souza", False),
        # a headline in title case is no name, whatever its capitals
        ("How To Grow", False),
        ("Care For Roses", False),
        ("Why It Matters", False),
        *((f"Ana {w.title()} Souza", False) for w in sorted(bylines._TITLE_CASE_WORDS)),
    ],
)
def test_is_name(text: str, name: bool) -> None:
    assert is_name(text) is name


def test_read_byline_tells_names_from_the_outlet() -> None:
    assert read_byline("By Ana Holt") == (["Ana Holt"], None)
    assert read_byline("By Ana Holt.") == (["Ana Holt"], None)
    assert read_byline("By Ana Holt, Desk 4 Metro Area") == (["Ana Holt"], "Desk 4 Metro Area")
    # five words are not an outlet's name; lower case only after "By"
    assert read_byline("By Ana Holt, Desk 4 Metro Area North") == (["Ana Holt"], None)
    assert read_byline("By Ana Holt, metro desk") == (["Ana Holt"], None)
    assert read_byline("By Ana Holt, Desk 4") == (["Ana Holt"], "Desk 4")
    # without "By", a piece that is neither a name, a role nor an outlet: not a byline
    assert read_byline("Ana Holt, metro desk") == ([], None)


@pytest.mark.parametrize("particle", ["von", "da", "di", "af", "av", "door", "par"])
def test_every_particle_word(particle: str) -> None:
    assert byline_marker(f"Ana {particle} Souza") is None
    assert byline_marker(f"2019 {particle} Ana Souza") is not None


@pytest.mark.parametrize("article", ["der", "den", "dem", "zu"])
def test_a_particle_before_an_article_and_a_surname(article: str) -> None:
    assert byline_marker(f"Ana von {article} Berg") is None


@pytest.mark.parametrize(
    ("line", "names"),
    [
        ("by Lena Juno Torsk July 10, 2015", ["Lena Juno Torsk"]),  # a month ends the names
        ("Mira Dal Pozzo", ["Mira Dal Pozzo"]),  # "Dal" is no byline word
        ("Mark Di Stefano", ["Mark Di Stefano"]),  # a capitalised particle before a surname
        ("Meg Rowan megr@example.com(509) 459-5382", ["Meg Rowan"]),  # an address beside it
        ("   Jo Tsidul\xa0November 19, 2019, 07:47 PM EST", ["Jo Tsidul"]),  # a date after it
        ("Ana Holt 12.03.2024", ["Ana Holt"]),  # a number after it
        ("By Reuters and Ana Holt", ["Ana Holt"]),  # an outlet before a name
    ],
)
def test_names_end_where_a_date_or_an_address_begins(line: str, names: list[str]) -> None:
    assert byline_names(line) == names


@pytest.mark.parametrize(
    ("given", "names"),
    [
        (["Anna Berg und Tom Li, dpa"], ["Anna Berg", "Tom Li"]),
        (["dpa, Anna Berg"], ["Anna Berg"]),  # the agency first
        (["By Jane Roe and John Smith"], ["Jane Roe", "John Smith"]),
        (["Nora Weiss (nw)", "Nora Weiss"], ["Nora Weiss"]),  # a note, and given twice
        (["Meg Rowan meg@example.com"], ["Meg Rowan"]),
        (["Grant Fell, PhD", "Staff Reporter"], ["Grant Fell"]),  # a degree, a job title
        (["Reuters", "AFP", "APA", "Newsroom", "mix1.de Redaktion"], []),  # agencies, desks
        (["CBS News", "The Haitian Times", "Daily Courier", "7 News WSVN"], []),  # outlets
        (["example.com"], []),
        (["Sun Yu", "Emily Post", "Ann Star"], ["Sun Yu", "Emily Post", "Ann Star"]),
        (["— 123 —"], []),  # no letters
        (["Tomás Ruiz; Eva Gil & Lu Wen"], ["Tomás Ruiz", "Eva Gil", "Lu Wen"]),
    ],
)
def test_people_are_the_persons_among_the_metadata_s_authors(
    given: list[str], names: list[str]
) -> None:
    assert people(given) == names
