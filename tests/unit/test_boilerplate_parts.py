"""The boilerplate classifier's parts, each at its boundaries: how patterns are compiled, the
length and sentence tests, the line scores, the end-of-article cut and the densest run."""

from __future__ import annotations

import pytest

from streams.processors.clean.boilerplate import (
    MIN_WORDS_BEFORE_END,
    Line,
    _compile,
    _head_only,
    _other_reason,
    _searchable,
    _tail_only,
    cut_at_end_marker,
    densest_run,
    is_dateline,
    is_legal_prose,
    looks_like_prose,
    runs,
    score_lines,
)


@pytest.mark.parametrize(
    ("pattern", "searchable"),
    [
        (".*x.*", "(?:x)"),
        (".*ab", "(?:ab)"),
        ("ab.*", "(?:ab)"),
        ("ab", "(?:ab)"),
        ("a\\.*", "(?:a\\.*)"),  # an escaped dot before the star is the pattern's own
        (".*a\\.*", "(?:a\\.*)"),
    ],
)
def test_searchable_drops_only_leading_and_trailing_wildcards(
    pattern: str, searchable: str
) -> None:
    assert _searchable(pattern) == searchable


def test_compile_joins_alternatives() -> None:
    compiled = _compile([".*cat.*", "^dog$"])
    assert compiled is not None and compiled.pattern == "(?:cat)|(?:^dog$)"
    assert _compile([]) is None


@pytest.mark.parametrize(
    ("pattern", "head", "tail"),
    [("^a", True, False), ("a$", False, True), ("^a$", True, False), ("a", False, False)],
)
def test_anchors(pattern: str, head: bool, tail: bool) -> None:
    assert _head_only(pattern) is head and _tail_only(pattern) is tail


def test_legal_prose_needs_the_site_speaking_to_its_reader_about_legal_matters() -> None:
    assert is_legal_prose("By Continuing To Use This Website You Agree To Our Cookie Policy")
    assert not is_legal_prose("The court ruled on the cookie policy of a retailer")
    assert not is_legal_prose("By continuing you help us, thank you")


@pytest.mark.parametrize(
    ("line", "words", "reason"),
    [
        ("www.example.com", 6, "link"),
        ("www.example.com", 7, None),
        ("see the report at www.example.com today", 6, "link"),
        ("no address here", 3, None),
    ],
)
def test_short_lines_that_are_addresses_are_links(
    line: str, words: int, reason: str | None
) -> None:
    assert _other_reason(line, words) == reason


@pytest.mark.parametrize(
    ("line", "dateline"),
    [
        ("12 March 2024", True),
        ("Monday, 2024-03-12", True),
        ("2024-03-12 " + "word " * 11, True),  # 12 words
        ("2024-03-12 " + "word " * 12, False),  # 13 words: a sentence that starts with a date
        ("The 2024-03-12 meeting", True),  # one leading word (a weekday, a city) is allowed
        ("Minutes of the 2024-03-12 meeting", False),
    ],
)
def test_datelines(line: str, dateline: bool) -> None:
    assert is_dateline(line) is dateline


@pytest.mark.parametrize(
    ("text", "words", "prose"),
    [
        ("a " * 25, 25, True),  # 25 words is prose whatever its punctuation
        ("a " * 24, 24, False),  # 24 words without a sentence end is not
        ("one two three four five six seven eight.", 8, True),
        ("one two three four five six seven.", 7, False),  # under 8 words never
        ("one two three four five six seven eight", 8, False),
        ("one two. three four five six seven eight", 8, True),  # a sentence stop inside
        ("one two three four five six seven eight.   ", 8, True),  # trailing spaces
        ("   ", 8, False),
        ("  one two three four five six seven eight »  ", 8, True),  # a closing quote
    ],
)
def test_looks_like_prose(text: str, words: int, prose: bool) -> None:
    assert looks_like_prose(text, words) is prose


def test_line_scores() -> None:
    sentence = "The council met on Monday to discuss the budget for next year."  # 12 words
    lines = ["", "Share on Facebook", sentence, "Short label here", "Label"]
    scored = score_lines(lines)
    assert [(ln.index, ln.words, ln.reason, ln.prose) for ln in scored] == [
        (0, 0, "empty", False),
        (1, 3, "share", False),
        (2, 12, None, True),
        (3, 3, None, False),
        (4, 1, None, False),
    ]
    # blank 0; boilerplate -(words + 12); prose +words; other -(min(words, 8) + 2)
    assert [ln.score for ln in scored] == [0.0, -15.0, 12.0, -5.0, -3.0]
    long_other = score_lines(["word " * 20])[0]
    assert long_other.prose is False and long_other.score == -10.0


def _line(i: int, text: str, words: int, prose: bool) -> Line:
    return Line(i, text, words, None, prose, float(words))


def test_cut_at_the_first_end_marker_after_enough_body() -> None:
    body = _line(0, "body", MIN_WORDS_BEFORE_END, True)
    marker = _line(1, "12 Comments", 2, False)
    after = _line(2, "more", 5, True)
    assert cut_at_end_marker([body, marker, after], 0, 3) == 1
    # not enough body before it: no cut
    short = _line(0, "body", MIN_WORDS_BEFORE_END - 1, True)
    assert cut_at_end_marker([short, marker, after], 0, 3) == 3
    # body counted over several lines
    halves = [_line(0, "b", 20, True), _line(1, "b", 20, True), _line(2, "Comments", 1, False)]
    assert cut_at_end_marker(halves, 0, 3) == 2
    # words of lines that are not prose do not count
    not_prose = [_line(0, "b", 60, False), _line(1, "Comments", 1, False)]
    assert cut_at_end_marker(not_prose, 0, 2) == 2
    # a marker line of 15 words is still a marker; 16 is a sentence
    fifteen = _line(1, "Leave a comment " + "w " * 12, 15, False)
    sixteen = _line(1, "Leave a comment " + "w " * 13, 16, False)
    assert cut_at_end_marker([body, fifteen], 0, 2) == 1
    assert cut_at_end_marker([body, sixteen], 0, 2) == 2
    # a line that is not a marker is no cut, however much body came before
    assert cut_at_end_marker([body, _line(1, "Related stories", 2, False)], 0, 2) == 2
    # the search starts at `start`
    later = [
        _line(0, "Comments", 1, False),
        _line(1, "body", 45, True),
        _line(2, "Comments", 1, False),
    ]
    assert cut_at_end_marker(later, 1, 3) == 2


def _scores(*values: float) -> list[Line]:
    return [Line(i, "", 0, None, False, v) for i, v in enumerate(values)]


@pytest.mark.parametrize(
    ("values", "span"),
    [
        ((5, -20, 3, 4), (2, 4)),  # 7 after the barrier beats 5 before it
        ((5, -2, 3), (0, 3)),  # a small dip is bridged: 6
        ((-1, -2), (0, 1)),  # all negative: the least bad line
        ((0, 4), (1, 2)),  # a total of zero starts afresh: the zero line is left out
        ((4, -4, 4), (0, 1)),  # a tie is not better: the first run of 4 stays
        ((1,), (0, 1)),
        ((1, 3), (0, 2)),  # a positive total of 1 carries on
        ((), (0, 0)),
    ],
)
def test_densest_run(values: tuple[float, ...], span: tuple[int, int]) -> None:
    assert densest_run(_scores(*values)) == span


def test_runs_are_kadanes_segments_each_with_its_best_span() -> None:
    # a segment starts where the total has fallen to zero or below
    assert runs(_scores(5, -20, 3, 4)) == [(5, 0, 1), (7, 2, 4)]
    assert runs(_scores(4, -4, 4)) == [(4, 0, 1), (4, 2, 3)]
    assert runs(_scores(-1, -2)) == [(-1, 0, 1), (-2, 1, 2)]
    assert runs(_scores(3, 0, -1)) == [(3, 0, 1)]  # a line adding nothing does not extend it
    assert runs(_scores()) == []
