"""Whether a byline's name is a person's: its first word a given name, or its last a surname,
that the 1990 US Census counted.

The lists are the Census Bureau's frequency files (public domain) as the ``names`` package
(MIT) ships them: 5,163 given names and 88,799 surnames, upper case ASCII. They are
English-leaning but hold most European given names ("Anna", "Thomas", "Maria", "Ivan") and
many surnames; an interface label ("Closed Captioning Policy", "Print Recipe", "Log Out")
rarely starts with a given name and ends with a surname. Of the names the header model read
in bylines of bench-header's pages, 84% of the right ones and 31% of the wrong ones pass
(:func:`known`); it is one of the model's features, never a filter by itself, since names
of other scripts are never in the lists. Pure, read once, lazily.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

from streams.processors.clean.urls import fold

#: the package's files: given names (men's, women's) and surnames
GIVEN_FILES = ("dist.male.first", "dist.female.first")
SURNAME_FILE = "dist.all.last"
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*", re.UNICODE)


@cache
def _lists() -> tuple[frozenset[str], frozenset[str]]:
    """The given names and the surnames, lower case (empty without the package)."""
    try:
        folder = resources.files("names")
    except ModuleNotFoundError:
        return frozenset(), frozenset()

    def read(name: str) -> frozenset[str]:
        text = folder.joinpath(name).read_text(encoding="ascii")
        return frozenset(line.split()[0].lower() for line in text.splitlines() if line.strip())

    given = frozenset().union(*(read(f) for f in GIVEN_FILES))
    return given, read(SURNAME_FILE)


def known(name: str) -> bool:
    """Whether a name's first word (its first part, hyphenated) is a given name or its last
    (of two or more) a surname in the Census lists, accents aside ("José Núñez": "jose",
    "nunez"; "Jean-Pierre Raffarin": "jean")."""
    words = [fold(w) for w in _WORD.findall(name)]
    if not words:
        return False
    given, surnames = _lists()
    first = words[0].split("-")[0]  # "Jean-Pierre": "jean"
    return first in given or (len(words) > 1 and words[-1] in surnames)


def share_known(names: list[str]) -> float:
    """The share of `names` that are :func:`known` (0 for none)."""
    return sum(1 for n in names if known(n)) / len(names) if names else 0.0
