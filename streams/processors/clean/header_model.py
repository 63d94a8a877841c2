"""Which lines of a plain-text page are its headline, its byline and its date: a model
learned from real pages (``make train-header``), not written per layout.

Each line above the body (and the first few of it) is described by features that carry
across sites and languages: where it stands (lines to the body, to the top), its length and
case, its punctuation, whether it repeats the page's first line (a scraper writes the
``<title>`` first), how many of its words the body's opening uses, date and byline shapes,
the boilerplate verdict of :mod:`streams.processors.clean.boilerplate`, and what the header
rules of :mod:`streams.processors.clean.header` read it as. Three small gradient-boosted
tree ensembles, one per field, give each line a probability; the most likely line of a field
is taken when its probability passes the field's threshold, else the rules' reading stands.

The trees are a JSON file beside this module (``header_model.json``: the features' names,
each tree's nodes, thresholds, training data and scores), read with the standard library.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from functools import cache
from itertools import islice
from pathlib import Path
from typing import Any

from streams.processors.clean.boilerplate import Line, is_dateline
from streams.processors.clean.bylines import BYLINE_PREFIX, byline_marker, names_after
from streams.processors.clean.census_names import share_known
from streams.processors.clean.dates import find_date
from streams.processors.clean.urls import agreement, slug_words, url_date

MODEL_PATH = Path(__file__).resolve().parent / "header_model.json"
#: the fields the model reads
FIELDS = ("title", "byline", "date")
#: how far above the body a header line is looked for, and how far into it
ABOVE = 40
INTO = 3
#: how much of a line its features read
HEAD_CHARS = 400

_WORD = re.compile(r"\w+", re.UNICODE)
#: the words a header line gives its publication time and its updated time with
PUBLISHED_WORDS = (
    "published|posted|publié|veröffentlicht|publicado|pubblicato|gepubliceerd|publicerad|"
    "opublikowano|опубликовано|yayınlanma|نشر"
)
UPDATED_WORDS = (
    "updated|mis à jour|aktualisiert|actualizado|aggiornato|bijgewerkt|uppdaterad|"
    "zaktualizowano|обновлено|güncellenme|تحديث"
)
_PUBLISHED = re.compile(rf"\b({PUBLISHED_WORDS}|{UPDATED_WORDS})\b", re.I)
_SEPARATOR = re.compile(r"\s[|–—-]\s|\s::\s|\s·\s|\s»\s")
_RULE_READINGS = ("title", "byline", "date", "section", "source", "page title", "breadcrumb")

#: what the features of a line's neighbours tell (see FEATURES)
CONTEXT = (
    "short_date",
    "by_prefix",
    "names_shape",
    "boilerplate",
    "words",
    "rule_byline",
    "by_anywhere",
)

FEATURES = (
    "to_body",  # non-empty lines between this one and the body's first (0: the body's first)
    "in_body",  # 1 for the body's own first lines
    "from_top",  # non-empty lines above this one
    "relative",  # from_top over the page's non-empty lines above the body
    "words",
    "chars",
    "log_words",
    "capitalised",  # share of words starting with a capital (caseless scripts: 0.5)
    "upper",  # share of letters in capitals
    "digits",  # share of characters that are digits
    "ends_stop",  # ends with . ! ? :
    "separator",  # holds " | ", " - ", " » "
    "in_first_line",  # its text is inside the page's first line (the <title>)
    "title_form",  # the page's first line in the <title> form "Headline | Site"
    "repeats",  # other lines with the same text
    "lead_overlap",  # share of its words the body's first 60 words use
    "has_date",  # a date can be read in it
    "short_date",  # a date in a line of at most eight words (a date line, not a sentence)
    "dateline",
    "published_word",
    "by_prefix",
    "names_shape",  # 2-4 capitalised words, no digits
    "by_anywhere",  # "by", "von", "por" ... anywhere in it, not a name's particle
    "byline_names",  # the names bylines.byline_names reads in it (at most four)
    "known_names",  # the share of those names the 1990 US Census lists (census_names)
    "one_word",  # one word, no digits (a user name's line, or a menu's)
    "boilerplate",  # the boilerplate verdict gave it a reason
    "prose",
    "score",
    # what the article's URL says, when the producer gave one
    "has_slug",  # the URL has a slug (a path segment of three words or more)
    "slug_share",  # share of the line's words the slug holds
    "slug_cover",  # share of the slug's words the line holds
    "url_day",  # the line's date is the URL path's day: 1; another day: 0; no date in either: -1
    *(f"rule_{r.replace(' ', '_')}" for r in _RULE_READINGS),
    # the line among its neighbours: a headline sits above a byline or a date line, under
    # a section name or a menu, and is among the page's longer, body-like header lines
    *(f"{side}_{what}" for side in ("prev", "next") for what in CONTEXT),
    "length_rank",  # how many lines of the window are longer (in words)
    "overlap_rank",  # how many lines above the body share more of the body's opening words
    "eligible_to_body",  # lines of three words or more, no boilerplate, between it and the body
    "far",  # outside the window round the body's start, taken for echoing the <title> or slug
)


@dataclass(frozen=True)
class Candidate:
    line: Line
    features: tuple[float, ...]


def _share(pred: Any, items: list[str]) -> float:
    return sum(1 for x in items if pred(x)) / len(items) if items else 0.0


def candidates(
    lines: list[Line], body_start: int, used: dict[int, str], url: str | None = None
) -> list[Candidate]:
    """The lines a header field may be on, with their features (see FEATURES); `url` is
    where the page was fetched, when the producer gave it."""
    nonempty = [ln for ln in lines if ln.words > 0]
    above = [ln for ln in nonempty if ln.index < body_start]
    into = [ln for ln in nonempty if ln.index >= body_start][:INTO]
    window = above[-ABOVE:] + into
    if above and above[0] not in window:
        window.insert(0, above[0])
    if not window:
        return []
    first = nonempty[0].text.casefold()
    slug = slug_words(url)
    # a headline far from where the body was found to start (a cookie notice or a reader
    # survey taken for the body's opening) is still found where it echoes the page's
    # <title> or its URL's slug
    inside = {ln.index for ln in window}
    far = list(
        islice(
            (
                ln
                for ln in nonempty[1:]
                if ln.index not in inside
                and 3 <= ln.words <= FAR_WORDS
                and _echoes(ln.text, first, slug)
            ),
            FAR,
        )
    )
    far_ones = {ln.index for ln in far}
    window = sorted(window + far, key=lambda ln: ln.index)
    body_rank = {ln.index: k for k, ln in enumerate(x for x in nonempty if x.index >= body_start)}
    counts: dict[str, int] = {}
    for ln in nonempty:
        counts[ln.text.strip()] = counts.get(ln.text.strip(), 0) + 1
    lead_words: set[str] = set()
    for ln in into or nonempty[:1]:
        lead_words.update(w.casefold() for w in _WORD.findall(ln.text[:HEAD_CHARS]))
        if len(lead_words) >= 60:
            break
    position = {ln.index: k for k, ln in enumerate(above)}
    in_url = url_date(url)
    out = []
    for ln in window:
        full = ln.text.strip()
        # a header line is short: the features read a line's first HEAD_CHARS characters, so
        # that a page that is one long line costs what an ordinary page does
        text = full[:HEAD_CHARS]
        words = _WORD.findall(text)
        letters = [c for c in text if c.isalpha()]
        cased = [c for c in letters if c.isupper() or c.islower()]
        dated = find_date(text) if any(c.isdigit() for c in text) else None
        marker = byline_marker(text)
        in_body = ln.index >= body_start
        to_body = -body_rank[ln.index] if in_body else len(above) - position[ln.index]
        k = position.get(ln.index, len(above))
        reading = used.get(ln.index)
        names = names_after(text, marker) if len(words) <= 20 else []
        feats = [
            float(to_body),
            1.0 if in_body else 0.0,
            float(k),
            k / max(len(above), 1),
            float(ln.words),
            float(len(full)),
            math.log1p(ln.words),
            _share(lambda w: w[:1].isupper(), words) if cased else 0.5,
            sum(1 for c in cased if c.isupper()) / len(cased) if cased else 0.0,
            sum(1 for c in text if c.isdigit()) / max(len(text), 1),
            1.0 if full.endswith((".", "!", "?", ":")) else 0.0,
            1.0 if _SEPARATOR.search(text) else 0.0,
            1.0 if ln.index != nonempty[0].index and full.casefold() in first else 0.0,
            1.0 if ln.index == nonempty[0].index and _SEPARATOR.search(text) else 0.0,
            float(counts.get(full, 1) - 1),
            _share(lambda w: w.casefold() in lead_words, words) if not in_body else 0.0,
            1.0 if dated is not None else 0.0,
            1.0 if dated is not None and len(words) <= 8 else 0.0,
            1.0 if is_dateline(text) else 0.0,
            1.0 if _PUBLISHED.search(text) else 0.0,
            1.0 if BYLINE_PREFIX.match(text) else 0.0,
            1.0
            if 2 <= len(words) <= 4
            and not any(c.isdigit() for c in text)
            and all(w[:1].isupper() for w in text.split())
            else 0.0,
            1.0 if marker is not None else 0.0,
            float(min(4, len(names))),
            share_known(names),
            1.0 if len(words) == 1 and not any(c.isdigit() for c in text) else 0.0,
            1.0 if ln.reason is not None else 0.0,
            1.0 if ln.prose else 0.0,
            max(-30.0, min(30.0, ln.score)),
            1.0 if slug else 0.0,
            *agreement(text, slug),
            -1.0 if in_url is None or dated is None else float(dated.day == in_url.day),
            *(1.0 if reading == r else 0.0 for r in _RULE_READINGS),
        ]
        out.append(Candidate(ln, tuple(feats)))
    return _in_context(out, far_ones)


_BASE = len(FEATURES) - 2 * len(CONTEXT) - 4
#: at most this many lines outside the window are taken for echoing the <title> or the slug
FAR = 5
#: ... of at most this many words (a headline's length: the body's prose is not read for it)
FAR_WORDS = 40
#: a line echoes the slug when it holds this share of the slug's words
SLUG_ECHO = 0.6


def _echoes(text: str, first: str, slug: frozenset[str]) -> bool:
    """Whether a line repeats part of the page's first line (a scraper's <title>) or holds
    most of its URL's slug."""
    line = text.strip().casefold()
    return (line in first and len(line) < len(first)) or agreement(text, slug)[1] >= SLUG_ECHO


def _in_context(found: list[Candidate], far: set[int]) -> list[Candidate]:
    """Each candidate with the features of its neighbours in the window and its ranks."""
    at = [FEATURES.index(name) for name in CONTEXT]
    words, overlap, above = (FEATURES.index(n) for n in ("words", "lead_overlap", "in_body"))
    eligible = [
        c.features[above] == 0 and c.line.words >= 3 and c.line.reason is None for c in found
    ]
    out = []
    for k, c in enumerate(found):
        f = c.features[:_BASE]
        prev = found[k - 1].features if k > 0 else None
        nxt = found[k + 1].features if k + 1 < len(found) else None
        extra = [prev[i] if prev is not None else -1.0 for i in at]
        extra += [nxt[i] if nxt is not None else -1.0 for i in at]
        extra.append(float(sum(1 for o in found if o.features[words] > f[words])))
        extra.append(
            float(
                sum(1 for o in found if o.features[above] == 0 and o.features[overlap] > f[overlap])
            )
        )
        extra.append(float(sum(eligible[k + 1 :])))
        extra.append(1.0 if c.line.index in far else 0.0)
        out.append(Candidate(c.line, (*f, *extra)))
    return out


class Ensemble:
    """Gradient-boosted trees as exported by ``streams.build.header_lines``: each tree a list
    of nodes ``[feature, threshold, left, right, value]`` (a leaf has feature -1)."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self.init = float(spec["init"])
        self.rate = float(spec["rate"])
        self.trees: list[list[list[float]]] = spec["trees"]
        self.threshold = float(spec.get("threshold", 0.5))

    def probability(self, x: tuple[float, ...]) -> float:
        raw = self.init
        for tree in self.trees:
            node = tree[0]
            while node[0] >= 0:
                node = tree[int(node[2] if x[int(node[0])] <= node[1] else node[3])]
            raw += self.rate * node[4]
        return 1.0 / (1.0 + math.exp(-max(-40.0, min(40.0, raw))))


@dataclass(frozen=True)
class HeaderModel:
    fields: dict[str, Ensemble]
    features: tuple[str, ...]

    def best(self, field: str, found: list[Candidate]) -> tuple[Line, float] | None:
        """The line most likely to hold `field` among `found`, and its probability."""
        model = self.fields[field]
        return max(
            ((c.line, model.probability(c.features)) for c in found),
            key=lambda lp: lp[1],
            default=None,
        )

    def sure(self, field: str, best: tuple[Line, float] | None) -> bool:
        """Whether a pick passes the field's threshold."""
        return best is not None and best[1] >= self.fields[field].threshold


@cache
def load(path: Path = MODEL_PATH) -> HeaderModel | None:
    """The shipped model, or None when there is none (the rules alone then read headers)."""
    if not path.is_file():
        return None
    spec = json.loads(path.read_text(encoding="utf-8"))
    if tuple(spec["features"]) != FEATURES:
        return None  # trained on other features: not to be read with these
    return HeaderModel({f: Ensemble(spec["fields"][f]) for f in FIELDS}, tuple(spec["features"]))
