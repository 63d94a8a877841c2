"""Span and offset code of the entities stage, without a model: every expected offset below
was counted by hand on the text beside it."""

from __future__ import annotations

import pytest

from streams.processors.entities.spans import (
    LOOK_BACK,
    RawMention,
    is_caps_line,
    is_results_line,
    line_of,
    one_line,
    opens_sentence,
    overlaps,
    sports_teams,
    trim,
)

#          0         1         2         3         4
#          0123456789012345678901234567890123456789012345678
ENVOY = "The United States' envoy met the Kremlin's aide."


@pytest.mark.parametrize(
    ("start", "end", "language", "expected"),
    [
        (0, 18, "en", (4, 17)),  # "The United States'" -> "United States"
        (33, 42, "en", (33, 40)),  # "Kremlin's" -> "Kremlin"
        (4, 17, "en", (4, 17)),  # already clean: unchanged
        (33, 44, "en", (33, 44)),  # "Kremlin's a": nothing at either end to trim
        (32, 40, "en", (33, 40)),  # " Kremlin": leading space
        (28, 42, "en", (33, 40)),  # " the Kremlin's": space, determiner and possessive
        (40, 48, "en", (41, 47)),  # "'s aide." -> "s aide": leading quote, trailing period
    ],
)
def test_trim_in_a_known_sentence(
    start: int, end: int, language: str, expected: tuple[int, int]
) -> None:
    assert trim(ENVOY, start, end, language) == expected


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("Le Monde", "fr", (3, 8)),
        ("Le Monde", "en", (0, 8)),  # French determiners only in French text
        ("la Paz", "es", (3, 6)),
        ("La Paz", "en", (0, 6)),
        ("The", "en", (0, 3)),  # a determiner alone stays (nothing would be left)
        ("...", "en", (0, 3)),  # punctuation alone stays
        ("U.S.", "en", (0, 4)),  # the period of an abbreviation stays
        ("Smith Inc.", "en", (0, 10)),
        ('"Acme",', "en", (1, 5)),  # a quote after a short capitalised word is not a period
        ("Acme Inc.,", "en", (0, 9)),  # the comma goes, the abbreviation's period stays
        ("Mr.", "en", (0, 3)),
        ("N.Y.", "en", (0, 4)),
        ("Paris.", "en", (0, 5)),  # a word of five letters is not an abbreviation
        ("the end.", "en", (4, 7)),
        ("Acme’s", "en", (0, 4)),  # typographic apostrophe
        ("Acme'", "en", (0, 4)),
        ("Acme", "xx", (0, 4)),  # a language without determiners: punctuation only
        ("(Acme)", "xx", (1, 5)),
        ("the the Acme", "en", (8, 12)),  # trimmed again until nothing changes
        ("A,", "en", (0, 1)),  # one letter and a comma
    ],
)
def test_trim_ends(text: str, language: str, expected: tuple[int, int]) -> None:
    assert trim(text, 0, len(text), language) == expected


def test_trim_default_language_is_english() -> None:
    assert trim("The Hague", 0, 9) == (4, 9)


#: a German text: capitalised determiners inside sentences and at their starts, ordinals
GERMAN = (
    "Sie traf in Den Haag Elisabeth II. und Heinrich V. Die SPD lehnte ab. Laut Der "
    "Spiegel: Die Zeit. „Das Erste“ zeigte Kapitel IV. Rom\nDie Welt\tDas Boot"
)


@pytest.mark.parametrize(
    ("name", "language", "expected"),
    [
        ("Den Haag", "de", "Den Haag"),  # inside a sentence: the name's own
        ("Die SPD", "de", "SPD"),  # after a full stop: the sentence's first word
        ("Der Spiegel", "de", "Der Spiegel"),  # "Laut Der Spiegel"
        ("Die Zeit", "de", "Zeit"),  # after a colon
        ("Das Erste", "de", "Erste"),  # a full stop, then a quotation mark
        ("Die Welt", "de", "Welt"),  # at a line's start
        ("Das Boot", "de", "Das Boot"),  # after a tab, inside the line
        ("Elisabeth II.", "de", "Elisabeth II."),  # a German ordinal keeps its period
        ("Heinrich V.", "de", "Heinrich V."),
        ("Elisabeth II.", "en", "Elisabeth II"),  # English writes none
        ("Kapitel IV. Rom", "de", "Kapitel IV. Rom"),
    ],
)
def test_german_names_keep_their_determiner_and_ordinal(
    name: str, language: str, expected: str
) -> None:
    start = GERMAN.index(name)
    a, b = trim(GERMAN, start, start + len(name), language)
    assert GERMAN[a:b] == expected


def test_a_name_at_the_texts_start_or_in_small_letters_loses_its_determiner() -> None:
    assert trim("Den Haag", 0, 8, "de") == (4, 8)  # nothing before it: a sentence's start
    assert trim("in den Haag", 3, 11, "de") == (7, 11)  # small letters: the sentence's word
    assert trim("so, Den Haag", 4, 12, "de") == (4, 12)  # a comma is no sentence's end
    assert trim("Rom!  Den Haag", 6, 14, "de") == (10, 14)  # spaces after the mark
    assert trim("x" * 30 + " Den Haag", 31, 39, "de") == (31, 39)  # a long word before
    assert trim("in De Telegraaf", 3, 15, "nl") == (6, 15)  # only German keeps it
    assert trim("x Den Haag", 2, 10, "de") == (2, 10)  # the text's first character read
    assert trim("Rom.X Den Haag", 6, 14, "de") == (6, 14)  # only spaces and marks skipped
    # the look back is bounded: past a longer run of spaces, a name is read as opening
    assert trim("x" + " " * LOOK_BACK + "Den Haag", 41, 49, "de") == (45, 49)
    assert trim("x" + " " * (LOOK_BACK - 1) + "Den Haag", 40, 48, "de") == (40, 48)


@pytest.mark.parametrize(
    ("text", "opens"),
    [
        ("Haag", True),  # the text's first word
        ("in Haag", False),
        ("Ende. Haag", True),
        ("Ende: Haag", True),
        ("Ende — Haag", True),  # a dash opens a line of speech or a list's item
        ("Ende\nHaag", True),
        ("zeigte „Haag", False),  # a quotation mark inside a sentence opens nothing
        ("Ende. „(Haag", True),  # marks and brackets between the full stop and the word
        ("Ende.\t Haag", True),
        ("Ende, Haag", False),
    ],
)
def test_a_word_opens_a_sentence_after_a_break(text: str, opens: bool) -> None:
    assert opens_sentence(text, text.index("Haag")) is opens


#            0          1           2
#            01 234567890123456 78
TWO_LINES = "a\nBritish Airways\nx"


@pytest.mark.parametrize(
    ("text", "start", "end", "expected"),
    [
        (TWO_LINES, 0, 19, (2, 17)),  # the line with the most letters
        (TWO_LINES, 2, 17, (2, 17)),  # no line break inside: unchanged
        ("Paris\nLondon", 0, 12, (6, 12)),  # the longer piece wins
        ("London\nParis", 0, 12, (0, 6)),
        ("Rome\nOslo", 0, 9, (0, 4)),  # a tie: the first
        ("  Rome \n1 2", 0, 11, (2, 6)),  # spaces around the piece taken off
        ("x\n\nAb  \n", 0, 8, (3, 5)),
        ("a\n1", 0, 3, (0, 1)),  # one letter is more than none
        ("1\n Rome", 0, 7, (3, 7)),  # one leading space
        ("  \n 1", 0, 5, (0, 0)),  # no letters anywhere: an empty span where it started
        (" \n ", 1, 3, (1, 1)),
    ],
)
def test_one_line(text: str, start: int, end: int, expected: tuple[int, int]) -> None:
    assert one_line(text, start, end) == expected


def test_caps_lines() -> None:
    banner = "Intro.\nBREAKING NEWS FROM PARIS TODAY\nBody text here."
    start = banner.index("PARIS")
    assert is_caps_line(banner, start, start + 5)
    assert not is_caps_line(banner, 0, 5)  # "Intro." line
    # at most twelve letters: too short to call shouting
    assert not is_caps_line("AB CDEFGHIJKL", 0, 2)
    assert is_caps_line("AB CDEFGHIJKLM", 0, 2)
    # more than four in five letters upper case
    assert is_caps_line("ABCDEFGHIJKLMNOPqrst", 0, 3) is False  # exactly 0.8
    assert is_caps_line("ABCDEFGHIJKLMNOPQrst", 0, 3) is True
    # the last line, without a line break after it
    assert is_caps_line("body\nRESULTS OF THE VOTE", 5, 12)
    assert not is_caps_line("RESULTS OF THE VOTE\nbody text of the article", 20, 24)
    # the line is found from the span backwards, past any number of lines above it
    three = "lower case line one\nlower case line two\nSHOUTING ABOUT THE VOTE"
    assert is_caps_line(three, three.index("VOTE"), len(three))


def test_line_of() -> None:
    text = "ab\ncde\nf"
    assert line_of(text, 0) == (0, 2)
    assert line_of(text, 4) == (3, 6)
    assert line_of(text, 3) == (3, 6)
    assert line_of(text, 7) == (7, 8)
    assert line_of("\nab", 2) == (1, 3)  # a line break at the very start


def test_overlaps_is_strict_at_the_edges() -> None:
    a = RawMention(0, 5, "Paris", "GPE")
    assert overlaps(a, RawMention(4, 8, "s an", "X"))
    assert not overlaps(a, RawMention(5, 8, " an", "X"))
    assert not overlaps(RawMention(5, 8, " an", "X"), a)
    assert overlaps(a, RawMention(0, 1, "P", "X"))


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Arsenal 2-1 Chelsea in a tight match with two goals", True),  # score + match word
        ("Arsenal 2-1 Chelsea", False),  # a score without a match word, few numbers
        ("Arsenal beat Chelsea", False),  # a match word without a score
        ("Everton 3 0 1 2 7", True),  # a standings row
        ("Everton 3 0 1 plus a lot of words after them", False),  # numbers not half the words
        ("1 2 3", True),
        ("1 2 x", False),  # only two numbers
        ("On 2024-05-01 and 3/4/2024 at 5", False),  # dates are not numbers
        ("", False),
        ("Team 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15", True),  # 16 words
        ("Team 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16", False),  # 17 words: prose-length
        ("Won 3-1 " + "word " * 27 + "goals", True),  # 30 words
        ("Won 3-1 " + "word " * 28 + "goals", False),  # 31 words: too long to be a result
        ("(3) 4, 5", True),  # bracketed and punctuated numbers
        ("a b c 1 2 3", True),  # exactly half the words are numbers
    ],
)
def test_results_lines(line: str, expected: bool) -> None:
    assert is_results_line(line) is expected


#        0         1         2         3         4         5
#        0123456789012345678901234567890123456789012345678901234
TABLE = "Standings after round 9:\nEverton 3 0 1 2 7\nLeeds United 2 1 1 5 4\n"


def test_table_rows_start_with_teams_at_hand_counted_offsets() -> None:
    out = sports_teams(TABLE, [])
    assert [(m.start, m.end, m.text, m.label) for m in out] == [
        (25, 32, "Everton", "ORG"),
        (43, 55, "Leeds United", "ORG"),
    ]
    assert TABLE[25:32] == "Everton" and TABLE[43:55] == "Leeds United"


def test_a_product_at_the_start_of_a_row_becomes_a_team() -> None:
    out = sports_teams(TABLE, [RawMention(25, 32, "Everton", "PRODUCT")])
    assert [(m.start, m.end, m.label) for m in out] == [(25, 32, "ORG"), (43, 55, "ORG")]


def test_a_mention_overlapping_a_row_head_keeps_its_place() -> None:
    out = sports_teams(TABLE, [RawMention(43, 48, "Leeds", "GPE")])
    # Leeds (a city in a results row) becomes a club; no second team over the same words
    assert [(m.start, m.end, m.text, m.label) for m in out] == [
        (25, 32, "Everton", "ORG"),
        (43, 48, "Leeds", "ORG"),
    ]


#        0         1         2         3         4         5         6
#        0123456789012345678901234567890123456789012345678901234567890123
RESULT = "Report.\nLiverpool beat Leeds 2-1 as Salah and Mohamed Salah scored goals (Egypt)\n"


def test_results_line_places_and_lone_names_are_teams() -> None:
    mentions = [
        RawMention(8, 17, "Liverpool", "GPE"),
        RawMention(23, 28, "Leeds", "LOC"),
        RawMention(36, 41, "Salah", "PERSON"),
        RawMention(46, 59, "Mohamed Salah", "PERSON"),
        RawMention(74, 79, "Egypt", "GPE"),
        RawMention(0, 6, "Report", "GPE"),  # not on a results line
    ]
    norp = sports_teams(RESULT, [RawMention(8, 17, "Liverpool", "NORP")])
    assert norp[0].label == "ORG"
    out = {(m.start, m.text): m.label for m in sports_teams(RESULT, mentions)}
    assert out == {
        (8, "Liverpool"): "ORG",
        (23, "Leeds"): "ORG",
        (36, "Salah"): "ORG",  # a lone name in a results row
        (46, "Mohamed Salah"): "PERSON",  # a full name stays a person
        (74, "Egypt"): "GPE",  # in brackets (and a country)
        (0, "Report"): "GPE",
    }
    assert [m.start for m in sports_teams(RESULT, mentions)] == [0, 8, 23, 36, 46, 74]


def test_a_country_in_a_results_row_stays_a_place() -> None:
    text = "France beat Spain 2-1 in the final"
    out = sports_teams(
        text, [RawMention(0, 6, "France", "GPE"), RawMention(12, 17, "Spain", "GPE")]
    )
    assert [m.label for m in out] == ["GPE", "GPE"]


@pytest.mark.parametrize("before", ["(", "( "])
def test_a_place_in_brackets_after_a_name_stays_a_place(before: str) -> None:
    text = f"Smith {before}Leeds) won 2-1 with two goals"
    start = len("Smith ") + len(before)
    out = sports_teams(text, [RawMention(start, start + 5, "Leeds", "GPE")])
    assert out[0].label == "GPE"


def test_other_labels_are_left_alone_on_results_lines() -> None:
    text = "Arsenal beat Chelsea 2-1 at the Emirates Stadium"
    out = sports_teams(text, [RawMention(32, 48, "Emirates Stadium", "FAC")])
    assert [(m.start, m.label) for m in out] == [(32, "FAC")]


def test_a_row_head_with_a_digit_is_not_a_team() -> None:
    # a row head of letters is a team; one with a digit in it is not
    assert sports_teams("Group 1 2 3 4 5", []) == [RawMention(0, 5, "Group", "ORG")]
    assert sports_teams("A1 Team 2 3 4 5", []) == []


def test_score_lines_get_no_row_head_teams() -> None:
    # a results line with a score is a match report, not a table row
    assert sports_teams("Arsenal beat Chelsea 2-1 with goals", []) == []


def test_a_row_head_touching_another_mention_is_still_added() -> None:
    # a mention that ends where the row's name starts, and one that starts where it ends,
    # do not overlap it
    before = RawMention(24, 25, "\n", "X")
    after = RawMention(32, 34, " 3", "X")
    out = sports_teams(TABLE, [before, after])
    assert (25, 32, "Everton", "ORG") in [(m.start, m.end, m.text, m.label) for m in out]


def test_a_country_is_known_in_the_article_language_only_by_its_own_form() -> None:
    row = "Deutschland 3 1 0 2 5"
    de = sports_teams(row, [RawMention(0, 11, "Deutschland", "GPE")], "de")
    en = sports_teams(row, [RawMention(0, 11, "Deutschland", "GPE")])
    assert (de[0].label, en[0].label) == ("GPE", "ORG")  # not an English name for a country
    # an inflected form is not a country's name in a results row ("Франции" is "of France")
    ru = sports_teams("Франции 3 1 0 2 5", [RawMention(0, 7, "Франции", "GPE")], "ru")
    assert ru[0].label == "ORG"


def test_the_model_reads_runs_of_marks_and_nameless_lines_as_space() -> None:
    from streams.processors.entities.spans import LONGEST_RUN, for_tokenizer

    assert for_tokenizer('Paris """""" said Ann') == 'Paris "      said Ann'
    assert for_tokenizer("Paris --- Rome") == "Paris --- Rome"  # three are kept
    assert for_tokenizer("Ann\n“““““ a\nBob") == "Ann\n" + " " * 7 + "\nBob"  # no capital
    assert for_tokenizer("only small words\nQatar") == " " * 16 + "\nQatar"
    run = "A" + "b" * (2 * LONGEST_RUN + 10)
    read = for_tokenizer(run)
    assert len(read) == len(run) and read.count(" ") == 2
    assert read.split(" ")[0] == run[: LONGEST_RUN - 1] and read[LONGEST_RUN - 1] == " "
    text = "Ann met Bob in Rome.\n" * 3
    assert for_tokenizer(text) == text


@pytest.mark.parametrize(
    ("line", "may"),
    [
        ("Hello there", True),
        ("hello there", False),
        ("", False),
        ("   ", False),
        ("1996 - 3 . 4", False),
        ("مرحبا بالعالم", True),
        ("北京", True),
        ("привет мир", False),
        ("ÉTAT", True),
        ("abc 北京", True),
        ("x1 Y", True),
    ],
)
def test_a_line_may_hold_a_name_with_a_capital_or_a_caseless_letter(line: str, may: bool) -> None:
    from streams.processors.entities.spans import _may_name

    assert _may_name(line) is may


def test_a_line_is_read_within_its_window() -> None:
    from streams.processors.entities.spans import LINE_WINDOW, is_caps_line, line_of

    text = "ab\ncd\nef"
    assert line_of(text, 4) == (3, 5)
    assert line_of(text, 0) == (0, 2)
    assert line_of(text, 7) == (6, 8)
    long = "x" * (3 * LINE_WINDOW)
    mid = len(long) // 2
    assert line_of(long, mid) == (mid - LINE_WINDOW, mid + LINE_WINDOW)
    assert line_of("\n" + long, 1) == (1, 1 + LINE_WINDOW)
    shouting = "THE MINISTER RESIGNS TODAY IN PARIS\nThe minister resigned today in Paris."
    assert is_caps_line(shouting, 4, 12) and not is_caps_line(shouting, 40, 48)
    prose = "a" * 2000 + " BREAKING NEWS FROM PARIS TODAY " + "a" * 2000
    at = prose.index("BREAKING")
    assert not is_caps_line(prose, at, at + 8)


def test_a_span_set_answers_as_a_scan_of_every_span_would() -> None:
    import random

    from streams.processors.entities.spans import RawMention, SpanSet, overlaps

    rng = random.Random(3)
    for _ in range(200):
        spans = []
        for _ in range(rng.randint(0, 30)):
            s = rng.randint(0, 400)
            spans.append(RawMention(s, s + rng.choice([0, 1, 3, 20, 63, 64, 65, 200]), "x", "X"))
        found = SpanSet(spans[:10])
        for m in spans[10:]:
            found.add(m.start, m.end)
        for _ in range(30):
            s = rng.randint(0, 500)
            q = RawMention(s, s + rng.choice([0, 1, 5, 64, 130]), "q", "X")
            assert found.overlaps(q.start, q.end) == any(overlaps(q, m) for m in spans)
