"""Where a name is in the text: the span and offset code of the entities stage (pure, no
models). A span is trimmed of determiners, possessives and punctuation, never crosses a line
break, and in sports results and standings tables places and lone names become teams.

Offsets are Python string indices into the clean body (code points), end exclusive."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from streams.processors.entities import gazetteer

# determiners a model sometimes takes into a name, per language ("El Salvador" and "Los
# Angeles" keep theirs: Spanish determiners are only trimmed in Spanish text)
_DETERMINERS = {
    "en": "the|a|an",
    "fr": "le|la|les|l'|l’|un|une|des",
    "de": "der|die|das|den|dem|des|ein|eine",
    "es": "el|la|los|las|un|una",
    "it": "il|lo|la|gli|le|l'|l’|un|una",
    "pt": "o|a|os|as|um|uma",
    "nl": "de|het|een",
}
_LEADING = {
    lang: re.compile(rf"^(?:{dets})\s+|^[\W_]+", re.I) for lang, dets in _DETERMINERS.items()
}
_LEADING_PUNCT = re.compile(r"^[\W_]+")
# possessives, and trailing punctuation but the period of an abbreviation ("U.S.", "Inc.",
# "Fla."): a capital and at most three small letters, or initials
_POSSESSIVE = re.compile(r"(?:'s|’s|'|’)$")
_TRAILING_PUNCT = re.compile(r"[\W_]+$")
_ABBREVIATION = re.compile(r"(?:\b[A-Z][a-z]{0,3}|[A-Z]\.[A-Z])$")
#: German writes an ordinal with a period, a ruler's too ("Elisabeth II.", "Bernhard IV."):
#: the period is the name's
_ORDINAL = re.compile(r"\b[IVXLC]+$")
#: languages whose capitalised determiner inside a sentence is a name's own ("in Den Haag",
#: "laut Der Spiegel", "Die Zeit berichtet": GermEval keeps it inside the name); at a
#: sentence's start it is an ordinary word ("Die SPD")
_NAMES_KEEP_DETERMINER = frozenset({"de"})
#: German writes ordinals with a period
_ORDINAL_PERIOD = frozenset({"de"})
#: what ends a sentence (or opens a line of speech) before a word, and what may stand
#: between that mark and the word; how far back it is looked for
_SENTENCE_BREAK = frozenset(".!?:\n—–-")
_BEFORE_WORD = " \t\"'«„“("
LOOK_BACK = 40


@dataclass
class RawMention:
    start: int
    end: int
    text: str
    label: str


def trim(text: str, start: int, end: int, language: str = "en") -> tuple[int, int]:
    """The span without leading determiners or punctuation, trailing possessives or
    punctuation (an abbreviation keeps its period)."""
    span = text[start:end]
    leading = _LEADING.get(language, _LEADING_PUNCT)
    changed = True
    while changed and span:
        changed = False
        m = leading.match(span)
        if m and m.end() < len(span) and not _own_determiner(text, start, span, language):
            start += m.end()
            span = span[m.end() :]
            changed = True
        m = _POSSESSIVE.search(span) or _TRAILING_PUNCT.search(span)
        if m and m.start() > 0:
            cut = m.start()
            if span[cut] == "." and (
                _ABBREVIATION.search(span[:cut])
                or (language in _ORDINAL_PERIOD and _ORDINAL.search(span[:cut]))
            ):
                cut += 1  # the abbreviation (a German ordinal) keeps its period
            if cut < len(span):
                end -= len(span) - cut
                span = span[:cut]
                changed = True
    return start, end


def opens_sentence(text: str, pos: int) -> bool:
    """Whether the word at ``pos`` opens a sentence or a line: nothing but spaces, quotation
    marks and brackets between it and a full stop, a colon, a dash, a line's start or the
    text's (looked for LOOK_BACK characters back: a word after a longer run of those opens)."""
    before = text[max(0, pos - LOOK_BACK) : pos].rstrip(_BEFORE_WORD)
    return not before or before[-1] in _SENTENCE_BREAK


def _own_determiner(text: str, start: int, span: str, language: str) -> bool:
    """Whether the span's first word, a determiner, is the name's own: capitalised, in a
    language that keeps it (:data:`_NAMES_KEEP_DETERMINER`), not opening a sentence."""
    return (
        language in _NAMES_KEEP_DETERMINER
        and span[:1].isupper()
        and not opens_sentence(text, start)
    )


#: how far either side of a position a line is read for a verdict on it: a line is a
#: paragraph, a heading or a table row, and a verdict on a longer one is its neighbourhood's
#: (so that each mention costs a bounded amount of work, whatever the text's layout)
LINE_WINDOW = 400
#: a run of this many characters without a space is broken for the tokenizer, which strips
#: a word's prefixes and suffixes one at a time (quadratic in a run of quotation marks)
LONGEST_RUN = 100
_LONG_RUN = re.compile(rf"\S{{{LONGEST_RUN},}}")
#: four or more of one mark in a row ("!!!!", "-----", "““““"): the model reads the first,
#: the rest as space (each mark would be a token of its own, several times a word's cost)
_MARK_RUN = re.compile(r"([^\w\s])\1{3,}")


def for_tokenizer(text: str) -> str:
    """The text as the model reads it: of the same length (its offsets are the text's), a
    run of one mark read as that mark and spaces, a line that cannot hold a name as space,
    and a space every LONGEST_RUN characters in a run that has none. No word or name is that
    long; a page full of one character, a long URL or a base64 blob is."""

    def broken(m: re.Match[str]) -> str:
        run = m.group(0)
        return " ".join(run[i : i + LONGEST_RUN - 1] for i in range(0, len(run), LONGEST_RUN))[
            : len(run)
        ]

    text = _MARK_RUN.sub(lambda m: m.group(1) + " " * (len(m.group(0)) - 1), text)
    text = "\n".join(ln if _may_name(ln) else " " * len(ln) for ln in text.split("\n"))
    return _LONG_RUN.sub(broken, text)


def _may_name(line: str) -> bool:
    """Whether a line can hold a name: it has a capital letter, or a letter of a script
    without case (Arabic, Chinese, Hebrew, ...). A line of small letters, digits and marks
    holds none, and is read by the model as space: a page of "“a “a “a …" or of
    '"a b," he said.' costs the model nothing instead of a token for every mark."""
    if not line or line.isspace():
        return False
    if not line.islower():  # a capital, or no cased letter at all
        return any(ch.isupper() or (ch.isalpha() and not ch.islower()) for ch in line)
    return any(ch.isalpha() and not ch.islower() and not ch.isupper() for ch in line)


def line_of(text: str, pos: int) -> tuple[int, int]:
    """The line holding `pos`, read at most LINE_WINDOW characters either side."""
    lo = max(0, pos - LINE_WINDOW)
    s = text.rfind("\n", lo, pos) + 1 or lo
    e = text.find("\n", pos, pos + LINE_WINDOW)
    return s, (e if e != -1 else min(len(text), pos + LINE_WINDOW))


def is_caps_line(text: str, start: int, end: int) -> bool:
    """A heading or banner in capitals: the line(s) of the span, within LINE_WINDOW of it."""
    line_start = line_of(text, start)[0]
    line_end = line_of(text, end)[1]
    line = text[line_start:line_end]
    letters = sum(map(str.isalpha, line))
    return letters > 12 and sum(map(str.isupper, line)) / letters > 0.8


def one_line(text: str, start: int, end: int) -> tuple[int, int]:
    """A name never runs across a line break (a line is a paragraph, a heading or a table
    row): of a span that does, the line piece with the most letters."""
    if "\n" not in text[start:end]:
        return start, end
    best, best_letters, pos = (start, start), 0, start
    for piece in text[start:end].split("\n"):
        letters = sum(ch.isalpha() for ch in piece)
        if letters > best_letters:
            best, best_letters = (pos, pos + len(piece)), letters
        pos += len(piece) + 1
    s, e = best
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return s, e


class SpanSet:
    """Spans found so far, asked "does any overlap [start, end)?" in time bounded by the
    spans near it, not by how many there are: each span is filed under every BUCKET
    characters it covers. (A scan of every mention for every candidate is quadratic in a
    page that is one long list of names.)"""

    BUCKET = 64

    def __init__(self, spans: Iterable[RawMention] = ()) -> None:
        self._buckets: defaultdict[int, list[tuple[int, int]]] = defaultdict(list)
        for m in spans:
            self.add(m.start, m.end)

    def _range(self, start: int, end: int) -> range:
        return range(start // self.BUCKET, (max(end, start + 1) - 1) // self.BUCKET + 1)

    def add(self, start: int, end: int) -> None:
        for b in self._range(start, end):
            self._buckets[b].append((start, end))

    def overlaps(self, start: int, end: int) -> bool:
        """Whether a span in the set overlaps [start, end), as :func:`overlaps` says."""
        for b in self._range(start, end):
            for s, e in self._buckets.get(b, ()):
                if s < end and start < e:
                    return True
        return False


def overlaps(a: RawMention, b: RawMention) -> bool:
    return a.start < b.end and b.start < a.end


_SCORE = re.compile(r"(?<![\d./:-])\b\d{1,3}-\d{1,3}\b(?![./:-]?\d)")
_MATCH_WORDS = re.compile(
    r"\b(beat|beats|drew with|drew|draw with|lost to|defeated|vs\.?|halftime|half-time|innings"
    r"|goals?|points)\b",
    re.I,
)
_NUMERIC_TOKEN = re.compile(r"^[(]?\d[\d.,:/-]*[)]?$")
_DATE_TOKEN = re.compile(r"^\d{4}-\d{2}-\d{2}$|^\d{1,2}/\d{1,2}/\d{2,4}$")
_CAP_RUN = re.compile(r"(?<![\w'’])[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*)*")


def is_results_line(line: str) -> bool:
    """A sports result or standings row: a score, or a row that is mostly numbers."""
    words = line.split()
    if not words or len(words) > 30:
        return False
    numbers = sum(1 for w in words if _NUMERIC_TOKEN.match(w) and not _DATE_TOKEN.match(w))
    if _SCORE.search(line) and _MATCH_WORDS.search(line):
        return True
    return numbers >= 3 and numbers >= 0.5 * len(words) and len(words) <= 16


_NOT_A_TEAM_LABEL = frozenset({"PRODUCT", "WORK_OF_ART", "EVENT", "FAC", "LAW", "LANGUAGE"})


def sports_teams(text: str, mentions: list[RawMention], language: str = "en") -> list[RawMention]:
    """In results lines and standings tables, places and single names are teams (ORG), and
    the capitalised names that start a table row are teams too."""
    out: list[RawMention] = []
    results_lines: dict[int, bool] = {}
    for m in mentions:
        s, e = line_of(text, m.start)
        if s not in results_lines:
            results_lines[s] = is_results_line(text[s:e])
        in_parens = text[max(s, m.start - 2) : m.start].endswith("(") or text[
            max(s, m.start - 2) : m.start
        ].endswith("( ")
        # a country stays a place (national teams are named for it); a city, county or a
        # lone name in a results row is a club
        if (
            results_lines[s]
            and not in_parens
            and m.label in {"GPE", "LOC", "PERSON", "NORP"}
            and (m.label != "PERSON" or len(m.text.split()) == 1)
            and not gazetteer.country_code(m.text, cities=False, language=language, inflected=False)
        ):
            m = RawMention(m.start, m.end, m.text, "ORG")
        out.append(m)
    # unlabelled team names at the start of table rows
    offset = 0
    at: dict[tuple[int, int], list[int]] = defaultdict(list)
    for i, m in enumerate(out):
        at[(m.start, m.end)].append(i)
    taken = SpanSet(out)
    for line in text.split("\n"):
        if is_results_line(line) and not _SCORE.search(line):
            head = _CAP_RUN.match(line)
            if head and not any(ch.isdigit() for ch in head.group(0)):
                start, end = offset + head.start(), offset + head.end()
                for i in at.get((start, end), ()):  # a table row's first name is a team
                    if out[i].label in _NOT_A_TEAM_LABEL:
                        out[i] = RawMention(start, end, out[i].text, "ORG")
                if not taken.overlaps(start, end):
                    out.append(RawMention(start, end, head.group(0), "ORG"))
                    taken.add(start, end)
        offset += len(line) + 1
    return sorted(out, key=lambda m: m.start)
