"""Who is near a quotation: the people, organisations and names its attribution can point
to, found by bisection among the spans near it (:class:`Near`), and the names written in an
attribution without a model's help (:func:`name_run`, :func:`name_guesses`); what
:mod:`streams.processors.entities.quotes` reads for each quotation (:class:`Context`)."""

from __future__ import annotations

import re
from bisect import bisect_left, insort
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from streams.processors.entities.quote_words import (
    CAPWORD,
    GENDER_TITLES,
    GENDER_WORDS,
    PARTICLES,
    PREPOSITIONS,
)

WORD = re.compile(r"[\w'’-]+")


def surname_index(names: Sequence[str]) -> dict[bool, dict[str, int]]:
    """The first name of `names` ending in each word; under True, of those with two or more
    words (what :meth:`QuoteFinder._surname` looks up for every quotation)."""
    index: dict[bool, dict[str, int]] = {True: {}, False: {}}
    for idx, name in enumerate(names):
        words = name.split()
        if words:
            index[False].setdefault(words[-1], idx)
            if len(words) > 1:
                index[True].setdefault(words[-1], idx)
    return index


def mentions_of(entities: Sequence[Any], labels: set[str]) -> list[tuple[int, int, int]]:
    """(start, end, entity index) of every mention of the entities with one of `labels`,
    sorted by start: what the quotation finder reads its people and organisations from."""
    return sorted(
        (m.start, m.end, i) for i, e in enumerate(entities) if e.label in labels for m in e.mentions
    )


#: how far after a person's mention its pronouns are looked for (characters, within the
#: paragraph and before the next person named)
GENDER_REACH = 150


def genders(text: str, persons: Sequence[tuple[int, int, int]], language: str) -> dict[int, str]:
    """Each person's gender ("m" or "f") as the article shows it, where it does: a title
    before a mention ("Mrs. Clinton", three votes) and the gendered pronouns that follow a
    mention before anyone else is named, within GENDER_REACH characters of its paragraph
    ("Clinton said her plan …", one vote each); the side with at least twice the other's
    votes wins. `persons`: (start, end, entity) sorted by start. Linear in the mentions."""
    if language not in GENDER_WORDS:
        return {}
    male, female = GENDER_WORDS[language]
    mr, mrs = GENDER_TITLES[language]
    votes: dict[int, list[int]] = {}
    for k, (start, end, idx) in enumerate(persons):
        tally = votes.setdefault(idx, [0, 0])
        title = WORD.findall(text, max(0, start - 12), start)
        if title and title[-1].lower() in mr:
            tally[0] += 3
        elif title and title[-1].lower() in mrs:
            tally[1] += 3
        stop = min(len(text), end + GENDER_REACH)
        if k + 1 < len(persons):
            stop = min(stop, persons[k + 1][0])
        line_end = text.find("\n", end, stop)
        for word in WORD.findall(text, end, stop if line_end == -1 else line_end):
            low = word.lower()
            tally[0] += low in male
            tally[1] += low in female
    out = {}
    for idx, (m, f) in votes.items():
        if m and m >= 2 * f:
            out[idx] = "m"
        elif f and f >= 2 * m:
            out[idx] = "f"
    return out


#: an apposition after a name that gives its role: ", the former governor of …,"
_APPOSITION = re.compile(
    r",\s+(?:the|a|an)\s+((?:[\w'’.-]+\s+){0,4}?[a-z][\w'’-]*)"
    r"\s*(?=[,.;:]|\s+(?:of|at|for|in|to|and)\b)"
)
#: the word right before a name (a short title's full stop allowed: "Gov. Mike Pence")
_WORD_BEFORE = re.compile(r"([\w'’-]+)\.?[ \t]+$")
#: the titles written short before a name, as the role a description names in full
TITLE_ROLES = {
    "gov": "governor",
    "sen": "senator",
    "rep": "congressman",
    "gen": "general",
    "lt": "lieutenant",
    "col": "colonel",
    "sgt": "sergeant",
    "adm": "admiral",
    "atty": "attorney",
    "pres": "president",
    "supt": "superintendent",
}


def roles(text: str, persons: Sequence[tuple[int, int, int]]) -> dict[str, list[tuple[int, int]]]:
    """The role words an article writes beside its people's names: the lowercase word right
        before a name ("nominee Donald Trump", "businessman Donald Trump"; a capitalised title
        too: "President Obama") and the head of an apposition after it ("Gary Johnson, the
        former governor of New Mexico,"), each mapped to (where, entity) in text order (`persons`
    is sorted by start); what a
        later definite description ("the Republican nominee said") is read against."""
    out: dict[str, list[tuple[int, int]]] = {}
    for start, end, idx in persons:
        written = _WORD_BEFORE.search(text, max(0, start - 30), start)
        if written:
            word = written.group(1)
            if word.lower() in TITLE_ROLES:  # "Indiana Gov. Mike Pence"
                out.setdefault(TITLE_ROLES[word.lower()], []).append((start, idx))
            elif word.isalpha() and len(word) > 2 and (word.islower() or word.istitle()):
                out.setdefault(word.lower(), []).append((start, idx))
        m = _APPOSITION.match(text, end, min(len(text), end + 120))
        if m:
            head = m.group(1).split()[-1]
            if head.isalpha():
                out.setdefault(head.lower(), []).append((start, idx))
    return out


class Near:
    """Spans (start, end, payload) sorted by start, asked for those inside a range by
    bisection: each quotation looks at the people near it, not at every person."""

    def __init__(self, spans: Sequence[tuple[int, int, Any]]) -> None:
        self.spans = sorted(spans, key=lambda p: (p[0], p[1]))
        self.starts = [p[0] for p in self.spans]
        self.longest = max((p[1] - p[0] for p in self.spans), default=0)

    def add(self, span: tuple[int, int, Any]) -> None:
        """Insert in order, after the spans with the same start and end."""
        insort(self.spans, span, key=lambda p: (p[0], p[1]))
        insort(self.starts, span[0])
        self.longest = max(self.longest, span[1] - span[0])

    def within(self, lo: int, hi: int) -> list[Any]:
        """The spans that start at or after lo and end at or before hi, in order."""
        a, b = bisect_left(self.starts, lo), bisect_left(self.starts, hi)
        return [p for p in self.spans[a:b] if p[1] <= hi]

    def overlapping(self, lo: int, hi: int) -> bool:
        a = bisect_left(self.starts, lo - self.longest)
        b = bisect_left(self.starts, hi)
        return any(p[1] > lo for p in self.spans[a:b])


@dataclass
class Context:
    text: str
    open_at: int
    persons: list[tuple[int, int, int]]
    orgs: list[tuple[int, int, int]]
    guesses: list[tuple[int, int, str]]
    names: list[str]
    guessing: bool  # no model tagged the people: read names from the text
    #: the first person whose name ends in a word, by that word; under True only those
    #: named with more than one word (built once per text: :func:`surname_index`)
    by_surname: dict[bool, dict[str, int]]
    #: each person's gender where the article shows it (:func:`genders`)
    gender: dict[int, str] = field(default_factory=dict)
    #: the people the article gave each role word to (:func:`roles`)
    roles: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    #: where each earlier quotation's speaker spoke (its quotation's start, the entity)
    spoke: list[tuple[int, int]] = field(default_factory=list)
    #: where quoted words run (an earlier quotation's start and end)
    quoted: list[tuple[int, int]] = field(default_factory=list)


#: French inverted subjects: "a-t-il déclaré", "dit-elle", "explique-t-il"
def complement(text: str, s0: int, mention: tuple[int, int, int]) -> bool:
    """A one-word mention right after a preposition ("des Pêches", "of Transport")."""
    start, end, _ = mention
    if " " in text[start:end].strip():
        return False
    before = text[s0:start].split()
    return bool(before) and before[-1].lower() in PREPOSITIONS


def named_after_noun(words: list[re.Match[str]]) -> tuple[int, int] | None:
    """After a determiner and a lowercase noun, the words that carry a capital letter
    ("la compagnie easyJet", "the carmaker Volkswagen AG"), as offsets into the slot."""
    if len(words) < 3 or not words[1].group(0).islower():
        return None
    run = []
    for w in words[2:]:
        if not any(c.isupper() for c in w.group(0)):
            break
        run.append(w)
    if not run:
        return None
    return run[0].start(), run[-1].end()


def name_run(text: str, s0: int, s1: int, language: str) -> tuple[int, int] | None:
    """A person's name written in the slot without a model's help: the last run of two or
    more capitalised words (particles allowed) in it, cut to its last two or three words
    (a title goes before the name: "Oberbürgermeister Jürgen Dupper")."""
    words = list(re.finditer(r"[\w'’.-]+", text[s0:s1]))
    runs: list[list[re.Match[str]]] = []
    cur: list[re.Match[str]] = []
    for w in words:
        token = w.group(0)
        if cur and text[s0 + cur[-1].end() : s0 + w.start()].strip():
            runs.append(cur)  # "Thomas Meier, Inhaber": a comma ends the name
            cur = []
        if CAPWORD.fullmatch(token.rstrip(".")) or (cur and token in PARTICLES):
            cur.append(w)
        else:
            if cur:
                runs.append(cur)
            cur = []
    if cur:
        runs.append(cur)
    for r in runs:  # "Frank Werneke der „Süddeutschen Zeitung“": no particle ends a name
        while r and r[-1].group(0) in PARTICLES:
            r.pop()
    runs = [r for r in runs if len(r) >= 2]
    if not runs:
        return None
    run = runs[0]
    keep = run[-3:] if len(run) >= 3 and run[-2].group(0) in PARTICLES else run[-2:]
    return s0 + keep[0].start(), s0 + keep[-1].end()


def name_guesses(text: str) -> list[tuple[int, int, str]]:
    """Without a model: people named by a title and a two-word name ("Ministerpräsident
    Markus Söder besuchte…"): runs of three or more capitalised words, the last two."""
    out = []
    for m in re.finditer(r"(?:[A-ZÀ-ÖØ-Þ][\w'’-]+[ \t]+){2,}[A-ZÀ-ÖØ-Þ][\w'’-]+", text):
        words = m.group(0).split()
        name = " ".join(words[-2:])
        end = m.end()
        out.append((end - len(name), end, name))
    return out
