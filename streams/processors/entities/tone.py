"""Tone: how an article, and each entity in it, is written about, in [-1, 1] (pure).

The article's tone is the mean of its sentences' VADER compound scores (VADER's lexicon and
rules ship in the vaderSentiment package; it is made for sentences: on a whole article its
compound saturates at ±1).

An entity's tone is its own, not its sentence's: "Trump won every contest ... knocked Marco
Rubio out of the race" is good for one and bad for the other. Each mention is read by a
**target-dependent model** learned from NewsMTSC (news sentences whose targets annotators
marked negative, neutral or positive; ``make train-tone``), over features that carry:

- the words around the mention by side and distance (``L1:knocked``, ``R2:out``), the
  nearest verbs' words, the words of its clause (cut at commas, semicolons, dashes and
  "but"/"while"/"although"), and the words of the whole sentence;
- VADER's lexicon valences summed by distance and side, negated by a negator just before,
  apart for words inside quotation marks and outside them;
- whether the mention opens the sentence, is possessive ("X's share collapsed"), is inside a
  quotation, or is the speaker of one ("..., X said": a speaker is not the target of their
  own words), and the sentence's VADER compound;
- where the English news tagger read the article (:mod:`trained`), the hidden vectors it
  computed for each token anyway (:class:`Vectors`): the mention's own, its sentence's, and
  its neighbours' (means of the three before and after, and the two nearest each side), which
  carry what the words around it mean in context (grouped cross-validated macro F1 0.659 ->
  0.672; ``make bench-tone``). Without them (the small model alone) the rest is read.

A multinomial logistic regression over these gives P(negative), P(neutral), P(positive); a
mention's tone is the probability that the text is not neutral toward it, 1 - P(neutral),
signed by the side that outweighs the other (:func:`signed`), and an entity's the mean over
its mentions. Read through two thresholds, as a subscriber reads it, this keeps what the
model decides: P(positive) - P(negative), the value before record 1.6, gave away the
mentions it puts between neutral and a side (grouped cross-validated macro F1 through
thresholds fitted on the other folds 0.632, against 0.671 for this; ``make bench-tone``).
The weights are a JSON file beside this module (``tone_model.json``: feature weights, the
training data's provenance and its grouped cross-validated scores), read with the standard
library. English only (the lexicon and the training data are English): other languages get
None, documented, not guessed.
"""

from __future__ import annotations

import bisect
import json
import math
import re
from collections.abc import Sequence
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import numpy

from streams.processors.sentences import split

LANGUAGES = frozenset({"en"})
MODEL_PATH = Path(__file__).resolve().parent / "tone_model.json"
#: the classes, in the model's order
CLASSES = ("negative", "neutral", "positive")
#: how many words either side of a mention its context features read
WINDOW = 6
#: how far (characters) either side of a mention its sentence is read
REACH = 200

_TOKEN = re.compile(r"\w+(?:['’]\w+)*|[^\w\s]", re.UNICODE)
_CLAUSE_WORDS = frozenset("but while although though whereas however yet because".split())
_CLAUSE_MARKS = frozenset(",;:—–()")
_QUOTES_OPEN = frozenset('"“‘«„')
_QUOTES_CLOSE = frozenset('"”’»“')
_SPEECH = frozenset(
    "said says say told tells added adds argued argues wrote writes asked asks "
    "claimed claims insisted insists stated states explained explains noted notes "
    "warned warns according tweeted tweets declared declares replied replies".split()
)
_PRONOUNS = frozenset(
    "he she they him her them his hers their theirs it its we us our i me my you your".split()
)


#: the weight of the tagger's vectors beside the sparse features (chosen by grouped
#: cross-validation, ``make bench-tone``: 0.03, 0.05, 0.1 and 0.3 gave 0.664, 0.668, 0.670
#: and 0.666 with the first four parts)
VECTOR_SCALE = 0.1
#: the parts of the vector features, in order: the mention's tokens (mean), its sentence's,
#: the three tokens before it and after it (means), and the two nearest on each side
VECTOR_PARTS = ("mention", "sentence", "left3", "right3", "left1", "left2", "right1", "right2")
#: a vector feature's name in the model's weights: ``vec:<index>``
VEC = "vec:"


class Vectors:
    """A document's token vectors (the news tagger's, ``trained.VECTORS``): each token's
    start and end offset in the text, and its row (tokens x width)."""

    __slots__ = ("ends", "rows", "sentence_means", "starts")

    def __init__(self, starts: Sequence[int], ends: Sequence[int], rows: Any) -> None:
        if len(starts) != len(ends) or len(starts) != len(rows):
            raise ValueError("one start, one end and one row per token")
        self.starts, self.ends, self.rows = list(starts), list(ends), rows
        #: each sentence's mean row, by its token range: computed once, not per mention (a
        #: sentence of thousands of names would cost each of them its whole length)
        self.sentence_means: dict[tuple[int, int], Any] = {}


def vector_features(v: Vectors, start: int, end: int, lo: int, hi: int) -> Any | None:
    """The mention at [start, end)'s vector features (offsets into the document; [lo, hi) its
    sentence): the :data:`VECTOR_PARTS` side by side, times :data:`VECTOR_SCALE`; a part
    that falls outside the sentence is zeros. None when no token lies in the mention."""
    a = bisect.bisect_right(v.ends, lo)  # the sentence's first token (ending after lo)
    b = bisect.bisect_left(v.starts, hi)  # one past its last (starting before hi)
    first = bisect.bisect_right(v.ends, start)
    last = bisect.bisect_left(v.starts, end) - 1
    if first > last:
        return None
    rows = v.rows
    zero = numpy.zeros(rows.shape[1], dtype=numpy.float32)

    def mean(i: int, j: int) -> Any:
        return rows[i:j].mean(axis=0) if j > i else zero

    def row(i: int) -> Any:
        return rows[i] if a <= i < b else zero

    sentence = v.sentence_means.get((a, b))
    if sentence is None:
        sentence = v.sentence_means[a, b] = mean(a, b)
    parts = (
        mean(first, last + 1),
        sentence,
        mean(max(a, first - 3), first),
        mean(last + 1, min(b, last + 4)),
        row(first - 1),
        row(first - 2),
        row(last + 1),
        row(last + 2),
    )
    return numpy.concatenate(parts) * VECTOR_SCALE


@lru_cache(maxsize=1)
def _analyzer() -> Any:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


@cache
def _negators() -> frozenset[str]:
    from vaderSentiment.vaderSentiment import NEGATE

    return frozenset(w.replace("'", "") for w in NEGATE) | frozenset({"no", "not", "never"})


def sentences(text: str, language: str = "en") -> list[tuple[int, int]]:
    """(start, end) of each sentence (:func:`streams.processors.sentences.split`)."""
    return split(text, language)


def compound(sentence: str) -> float:
    """VADER's compound score of one sentence."""
    return float(_analyzer().polarity_scores(sentence)["compound"])


def _tokens(sentence: str) -> list[tuple[str, int, int]]:
    return [(m.group(0), m.start(), m.end()) for m in _TOKEN.finditer(sentence)]


def _quoted(tokens: list[tuple[str, int, int]]) -> list[bool]:
    """Per token, whether it sits inside quotation marks (marks themselves count as out)."""
    inside, out = False, []
    for word, _, _ in tokens:
        if word in _QUOTES_OPEN and not inside:
            inside = True
            out.append(False)
        elif word in _QUOTES_CLOSE and inside:
            inside = False
            out.append(False)
        else:
            out.append(inside)
    return out


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A crude English stem, so that "attacked", "attacks" and "attacking" share weights."""
    for suffix in ("ing", "ed", "es", "s", "ly"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


class Prepared:
    """One sentence read once for all its mentions: its tokens, their lower-cased words and
    stems, whether each is quoted, and each one's VADER valence (negated after a negator;
    None off the lexicon). A run-on "sentence" (a list of a thousand names) is tokenised
    once, not once per mention."""

    __slots__ = ("ends", "quoted", "starts", "stems", "valence", "words")

    def __init__(self, sentence: str) -> None:
        tokens = _tokens(sentence)
        lexicon = _analyzer().lexicon
        negators = _negators()
        self.starts = [s for _, s, _ in tokens]
        self.ends = [e for _, _, e in tokens]
        self.words = [w.lower() for w, _, _ in tokens]
        self.stems = [stem(w) for w in self.words]
        self.quoted = _quoted(tokens)
        self.valence: list[float | None] = []
        for i, w in enumerate(self.words):
            v = lexicon.get(w)
            if v is not None and any(self.words[j] in negators for j in range(max(0, i - 3), i)):
                v = -0.74 * v
            self.valence.append(v)


def features(
    sentence: str | Prepared, start: int, end: int, sentence_tone: float | None = None
) -> dict[str, float]:
    """The features of the mention at [start, end) of `sentence` (offsets into it; the
    sentence as text or :class:`Prepared`); the sentence's VADER compound is computed when
    not given. Only the tokens within REACH characters of the mention are read, so a run-on
    sentence costs each mention a bounded amount, in training as in the stage."""
    if sentence_tone is None:
        if isinstance(sentence, Prepared):
            raise ValueError("a prepared sentence needs its sentence_tone")
        sentence_tone = compound(sentence)
    p = sentence if isinstance(sentence, Prepared) else Prepared(sentence)
    a = bisect.bisect_left(p.starts, start - REACH)
    b = bisect.bisect_right(p.ends, end + REACH)
    f: dict[str, float] = {"bias": 1.0}
    f["sent_tone"] = sentence_tone
    inside = [i for i in range(a, b) if p.starts[i] < end and p.ends[i] > start]
    if not inside:
        return f
    words, stems, quoted, valence = p.words, p.stems, p.quoted, p.valence
    first, last = inside[0], inside[-1]
    n = b - a
    # clause: the run of tokens between clause marks around the mention
    lo = first
    while lo > a and words[lo - 1] not in _CLAUSE_MARKS and words[lo - 1] not in _CLAUSE_WORDS:
        lo -= 1
    hi = last
    while hi < b - 1 and words[hi + 1] not in _CLAUSE_MARKS and words[hi + 1] not in _CLAUSE_WORDS:
        hi += 1
    mention = " ".join(words[first : last + 1])
    f["pronoun"] = float(mention in _PRONOUNS)
    f["opens"] = float(first == a or (first == a + 1 and not words[a].isalnum()))
    f["in_quote"] = float(quoted[first])
    f["possessive"] = float(last + 1 < b and words[last + 1] in {"'s", "’s", "'", "’"}) or float(
        words[last].endswith(("'s", "’s"))
    )
    after = words[last + 1 : min(b, last + 4)]
    before = words[max(a, first - 3) : first]
    f["speaker"] = float(
        not quoted[first]
        and (any(w in _SPEECH for w in after) or any(w in _SPEECH for w in before))
        and any(quoted[a:b])
    )
    scale = 3.0 / math.sqrt(max(9, n))  # a long sentence's words weigh less each
    for i in range(a, b):
        if first <= i <= last:
            continue
        d = first - i if i < first else i - last
        side = "L" if i < first else "R"
        t = stems[i]
        if d <= 2:
            f[f"{side}{d}:{t}"] = 1.0
        if d <= WINDOW:
            f["w:" + t] = f.get("w:" + t, 0.0) + 1.0
        if lo <= i <= hi:
            f["c:" + t] = 1.0
        f["s:" + t] = scale
        v = valence[i]
        if v is None:
            continue
        where = "q" if quoted[i] else "o"
        span = "near" if d <= 3 else "mid" if d <= WINDOW else "far"
        clause = "in" if lo <= i <= hi else "out"
        sign = "pos" if v > 0 else "neg"
        for key in (
            f"lex_{span}",
            f"lex_{side}_{span}",
            f"lex_{clause}",
            f"lex_{side}_{clause}",
            f"lex_{where}",
            f"lex_{sign}_{span}",
        ):
            f[key] = f.get(key, 0.0) + v / 4.0
    for flag in ("opens", "speaker", "in_quote", "pronoun", "possessive"):
        if f[flag]:
            f[f"sent_tone*{flag}"] = f["sent_tone"]
    if last + 2 < b:
        f[f"R12:{words[last + 1]}_{words[last + 2]}"] = 1.0
    if first >= a + 2:
        f[f"L21:{words[first - 2]}_{words[first - 1]}"] = 1.0
    return f


#: the model file's second set of weights: trained without the vectors, for the mentions
#: that have none (the tagger switched off: the first set reads them at 0.559, this at 0.659)
WITHOUT_VECTORS = "weights_without_vectors"


def signed(p: tuple[float, float, float]) -> float:
    """A tone from P(negative), P(neutral), P(positive): the probability that the text is
    not neutral, 1 - P(neutral), positive where P(positive) outweighs P(negative), negative
    where P(negative) does, 0 where neither does."""
    lean = p[2] - p[0]
    return 0.0 if lean == 0 else math.copysign(1.0 - p[1], lean)


class Model:
    """A multinomial logistic regression: per feature name, one weight per class; the vector
    features' weights (``vec:<index>``) also as a matrix, for a mention's vector given whole.
    A mention without vectors is read by `fallback` (a model trained without them), if any."""

    def __init__(
        self,
        weights: dict[str, list[float]],
        meta: dict[str, Any] | None = None,
        fallback: Model | None = None,
    ) -> None:
        self.weights = weights
        self.meta = meta or {}
        self.fallback = fallback
        index = {int(k[len(VEC) :]): w for k, w in weights.items() if k.startswith(VEC)}
        self.dense = numpy.zeros((max(index) + 1 if index else 0, 3), dtype=numpy.float32)
        for i, w in index.items():
            self.dense[i] = w

    @classmethod
    def load(cls, path: Path = MODEL_PATH) -> Model:
        data = json.loads(path.read_text(encoding="utf-8"))  # pragma: no mutate (the default)
        meta = {k: v for k, v in data.items() if k not in ("weights", WITHOUT_VECTORS)}
        fallback = cls(data[WITHOUT_VECTORS]) if WITHOUT_VECTORS in data else None
        return cls(data["weights"], meta, fallback)

    def probabilities(
        self, feats: dict[str, float], dense: Any | None = None
    ) -> tuple[float, float, float]:
        """P(negative), P(neutral), P(positive) of a mention's features (and its vector
        features as one array, `dense`)."""
        z = [0.0, 0.0, 0.0]
        if dense is not None:  # as wide as the model's matrix (score sees to it)
            z = [float(x) for x in dense @ self.dense]
        for name, value in feats.items():
            w = self.weights.get(name)
            if w is not None:
                z[0] += w[0] * value
                z[1] += w[1] * value
                z[2] += w[2] * value
        top = max(z)
        e = [math.exp(v - top) for v in z]
        total = sum(e)
        return (e[0] / total, e[1] / total, e[2] / total)

    def score(self, feats: dict[str, float], dense: Any | None = None) -> float:
        """The mention's :func:`signed` tone, in [-1, 1]; without `dense`, by the fallback if any.
        Vectors of another width than the model was trained on (another tagger's) are not
        read: the mention is then read as one without them."""
        if dense is not None and len(dense) != len(self.dense):
            dense = None
        if dense is None and self.fallback is not None:
            return self.fallback.score(feats)
        return signed(self.probabilities(feats, dense))


@cache
def model() -> Model:
    return Model.load()


def target_tone(
    sentence: str | Prepared,
    start: int,
    end: int,
    sentence_tone: float | None = None,
    dense: Any | None = None,
) -> float:
    """The tone toward the mention at [start, end) of `sentence`, in [-1, 1] (with its
    :func:`vector_features`, `dense`, where the tagger's vectors are at hand)."""
    return model().score(features(sentence, start, end, sentence_tone), dense)


def tone(
    text: str,
    entities: Sequence[Any],
    language: str,
    vectors: Vectors | None = None,
    spans: Sequence[tuple[int, int]] | None = None,
) -> float | None:
    """The article's tone; sets each entity's ``tone`` to its own (the mean over its
    mentions), read with the tagger's token `vectors` of the text when given; `spans` are
    the text's sentences (:func:`sentences`; split here when not given). None (and no entity
    tone) outside LANGUAGES or for a text without sentences."""
    if language not in LANGUAGES:
        return None
    spans = list(spans) if spans is not None else sentences(text, language)
    if not spans:
        return None
    scores = [compound(text[s:e]) for s, e in spans]
    starts = [s for s, _ in spans]
    prepared: dict[int, Prepared] = {}
    for entity in entities:
        values = []
        for m in entity.mentions:
            i = bisect.bisect_right(starts, m.start) - 1
            if i < 0 or m.end > spans[i][1]:
                continue
            s, e = spans[i]
            if i not in prepared:
                prepared[i] = Prepared(text[s:e])
            dense = vector_features(vectors, m.start, m.end, s, e) if vectors is not None else None
            values.append(target_tone(prepared[i], m.start - s, m.end - s, scores[i], dense))
        if values:
            entity.tone = round(sum(values) / len(values), 4)
    return round(sum(scores) / len(scores), 4)
