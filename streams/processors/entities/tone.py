"""Tone: how an article and each of its entities are written about, in [-1, 1] (pure).

English only, with VADER's lexicon and rules (shipped in the vaderSentiment package: no
download). A sentence's tone is VADER's compound score; the article's is the mean over its
sentences (VADER is made for sentences: on a whole article its compound saturates at ±1); an
entity's is the mean over the sentences that mention it. No model covers other languages
here, so their tone is None: documented, not guessed."""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

LANGUAGES = frozenset({"en"})
_SENTENCE = re.compile(r"[^.!?\n]+(?:[.!?]+[\"”’)]*|\n|$)")


@lru_cache(maxsize=1)
def _analyzer() -> Any:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


def sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence with letters in it."""
    return [
        m.span() for m in _SENTENCE.finditer(text) if sum(ch.isalpha() for ch in m.group(0)) >= 3
    ]


def tone(text: str, entities: Sequence[Any], language: str) -> float | None:
    """The article's tone; sets each entity's ``tone``. None (and no entity tone) outside
    LANGUAGES or for a text without sentences."""
    if language not in LANGUAGES:
        return None
    spans = sentences(text)
    if not spans:
        return None
    score = _analyzer().polarity_scores
    scores = [float(score(text[s:e])["compound"]) for s, e in spans]
    starts = [s for s, _ in spans]
    for entity in entities:
        found = set()
        for m in entity.mentions:
            i = bisect.bisect_right(starts, m.start) - 1
            if i >= 0:
                found.add(i)
        if found:
            entity.tone = round(sum(scores[i] for i in found) / len(found), 4)
    return round(sum(scores) / len(scores), 4)
