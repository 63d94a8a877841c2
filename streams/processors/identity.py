"""One thing, one id: an entity's identity across articles (pure).

Articles write one thing several ways: "Joe Biden" and "Biden", "United Nations" and "UN",
"U.S." and "United States", "Apple Inc." and "Apple". Within an article the entities stage
already folds a surname into its full name and an acronym into its expansion; across
articles the forms would count apart, so the top of a trends window would be split.

- :func:`entity_id` is an entity's stable id in the record: a place the geocoder resolved is
  its GeoNames id (``geonames:6252001`` whatever the article calls the United States); any
  other entity is its kind and its normalised name (``person:joe biden``, ``org:apple``):
  case, accents, dots and apostrophes, a possessive and a company's legal form dropped.
- :func:`group_of` is the key that brings together the forms that may be one thing, so that
  the trends shard holding one holds all of them: a person's surname (``person~biden`` for
  "Biden", "Joe Biden", "Hunter Biden"), an organisation's acronym (``org~un`` for "UN" and
  "United Nations"), else the id itself.
- :func:`fold` decides, among the ids of one group counted in one window, which short forms
  are the full one: a surname alone is the full name with that surname named in the most
  articles, an acronym alone the expansion with those initials named in the most articles.
  A short form with no full form beside it stays itself.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache

from streams.processors.text import without_accents

#: labels that name places: one kind, so "Chicago" as GPE and as LOC is one place
PLACES = frozenset({"GPE", "LOC", "FAC"})
#: words left out of an organisation's initials ("Bank of England" is BoE -> "be")
_MINOR = frozenset(
    "of the and for on in at to a an de la le les des du del der die das und y el los las et "
    "e di da do dos für".split()
)
#: a company's legal form, dropped from its name ("Apple Inc." is Apple)
_LEGAL = frozenset(
    "inc incorporated corp corporation co ltd limited llc plc ag sa se nv bv gmbh spa lp "
    "holdings".split()
)
#: what follows a surname and is not one ("Martin Luther King Jr.")
_SUFFIXES = frozenset("jr sr ii iii iv".split())
_POSSESSIVE = re.compile(r"['’]s$")
_DROP = re.compile(r"['’.]")
_SPACE = re.compile(r"[^\w]+")


@lru_cache(maxsize=200_000)
def normal(name: str) -> str:
    """Lower case, no accents, no dots or apostrophes, one space between words, a trailing
    possessive dropped: "U.S." -> "us", "Macron's" -> "macron", "Zürich" -> "zurich"."""
    text = without_accents(_POSSESSIVE.sub("", name.strip()))
    return _SPACE.sub(" ", _DROP.sub("", text.casefold())).strip()


def kind(label: str) -> str:
    """place for GPE, LOC and FAC, else the label in small letters (person, org, norp)."""
    return "place" if label in PLACES else label.lower()


def _org_words(name: str) -> list[str]:
    words = normal(name).split()
    while len(words) > 1 and words[-1] in _LEGAL:
        words.pop()
    return words


@lru_cache(maxsize=200_000)
def entity_id(name: str, label: str, geonames_id: int | None = None) -> str:
    """The entity's stable id: ``geonames:<id>`` for a resolved place, else
    ``<kind>:<normal name>`` (an organisation without its legal form)."""
    if geonames_id is not None and label in PLACES:
        return f"geonames:{geonames_id}"
    k = kind(label)
    words = _org_words(name) if k == "org" else normal(name).split()
    return f"{k}:{' '.join(words)}"


def surname(name: str) -> str:
    """A person's last name word, a generational suffix skipped ("King" of "Martin Luther
    King Jr.")."""
    words = normal(name).split()
    while len(words) > 1 and words[-1] in _SUFFIXES:
        words.pop()
    return words[-1] if words else ""


def acronym(name: str) -> str:
    """An organisation's initials in small letters ("un" for "United Nations" and "U.N."),
    the minor words and the legal form left out; a one-word name is itself."""
    words = _org_words(name)
    if len(words) == 1:
        return words[0]
    major = [w for w in words if w not in _MINOR] or words
    return "".join(w[0] for w in major)


@lru_cache(maxsize=200_000)
def group_of(name: str, label: str, geonames_id: int | None = None) -> str:
    """The trends key of an entity: the forms that may be one thing share it."""
    ident = entity_id(name, label, geonames_id)
    if ident.startswith("geonames:"):
        return ident
    k = kind(label)
    if k == "person":
        return f"person~{surname(name)}"
    if k == "org":
        return f"org~{acronym(name)}"
    return ident


def fold(articles: Mapping[str, int]) -> dict[str, str]:
    """For the ids of one group counted in one window (id -> articles naming it), each id's
    id once folded: a one-word person or organisation id is the full id of its group named
    in the most articles (ties: the smaller id), when there is one; any other id is itself.
    """
    out = {ident: ident for ident in articles}
    # (kind, name) of each id (the trends' article key "*" has no kind, and fits none)
    split = {ident: ident.partition(":")[::2] for ident in articles}
    full = [i for i, (k, body) in split.items() if k in ("person", "org") and " " in body]
    for ident, (k, word) in split.items():
        if k not in ("person", "org") or " " in word:
            continue
        short_of = surname if k == "person" else acronym
        fits = [f for f in full if split[f][0] == k and short_of(split[f][1]) == word]
        if fits:
            out[ident] = min(fits, key=lambda f: (-articles[f], f))
    return out
