"""Who said a quotation, weighed by a model learned from hand-annotated news (English).

The quotation finder's rules (:mod:`quotes`) name a speaker from the attribution they read
("…," said X; X said: "…"; "he said" for the person who spoke last). Where the rules fall
short (an attribution they do not parse, a pronoun whose person is three sentences back, a
name set off by a long apposition), the people near the quotation still say a lot: who is
named in the sentence before, beside a speech verb, who spoke the last quotation, whose
gender matches "she said". This module scores every person and organisation named near a
quotation (two paragraphs before it to the paragraph after it, outside quoted words) with a
logistic model over such features, the rules' own choice among them, and gives the
quotation to the best; the rules' choice stays where the model agrees.

The weights (``speaker_model.json``) are learned by ``make train-speakers``
(:mod:`streams.build.speakers`) from PolNeAR (US election news by seven publishers, each
attribution's source annotated by hand), judged on publishers left out of training.
"""

from __future__ import annotations

import json
import math
import re
from bisect import bisect_left
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from streams.processors.entities.quote_context import genders, mentions_of
from streams.processors.entities.quote_words import CUES, PRONOUN_GENDER

MODEL_PATH = Path(__file__).with_name("speaker_model.json")
#: the languages the model was trained in
LANGUAGES = frozenset({"en"})
#: how far either side of a quotation its candidates are looked for, at most (characters)
REACH = 3000
#: how many paragraphs before the quotation's own its candidates are looked for
PARAGRAPHS_BEFORE = 3
LABELS = frozenset({"PERSON", "ORG"})
#: at most this many candidates a quotation (the nearest; the rules' choice besides): a
#: window crowded with names (a list of hundreds) costs a bounded amount of work
MAX_CANDIDATES = 12

_CUE = re.compile(rf"(?:{CUES['en']})(?!\w)", re.I)
_CUE_ANYWHERE = re.compile(rf"(?<!\w)(?:{CUES['en']})(?!\w)", re.I)
_CUE_BEFORE = re.compile(r"(?:said|says|told|added|wrote)\s*$", re.I)
_TITLE_BEFORE = re.compile(r"(?:Mr|Ms|Mrs|Sen|Rep|Gov|Dr)\.?\s*$")
_PRONOUN = re.compile(r"(?<!\w)(?:he|she|they|i|we)(?!\w)", re.I)
_SENTENCE_END = re.compile(r"[.!?][\"'”’]?\s|\n")
#: what may stand between a name and its verb: a bracket ("X (R-Ohio) said"), an apposition
#: set off by commas ("X, the party's chair, said"), two words ("X has also said")
_BETWEEN = r"\s*(?:\([^()\n]{1,40}\)\s*)?(?:,[^\"“”\n]{1,220}?,\s*)?(?:\w+\s+){0,2}?"
#: how far after a name its verb is looked for (characters)
VERB_REACH = 300


def attribution_pattern(verbs: Sequence[str]) -> re.Pattern[str]:
    """A name's attribution after it: one of `verbs` (whole words, any case), with what
    ``_BETWEEN`` allows between; matched at the name's end."""
    alternatives = "|".join(re.escape(v) for v in verbs)
    return re.compile(rf"{_BETWEEN}(?:{alternatives})(?!\w)", re.I)


#: the speech verbs the rules read ("X, the party's chair, said")
_SPEECH_AFTER = re.compile(rf"{_BETWEEN}(?:{CUES['en']})(?!\w)", re.I)

Features = dict[str, float]


def _paragraph_start(text: str, pos: int, floor: int) -> int:
    """Where the paragraph holding ``pos`` starts, or ``floor`` if it starts before."""
    return text.rfind("\n", floor, pos) + 1 or floor


def window(text: str, start: int, end: int) -> tuple[int, int, int, int]:
    """(lo, paragraph start, paragraph end, hi) around a quotation at ``start:end``: lo the
    start of the paragraph PARAGRAPHS_BEFORE non-empty paragraphs before its own, hi the end
    of the paragraph after it, each at most REACH away (every search is bounded by it: a
    text of one long paragraph costs each quotation the same)."""
    floor, ceiling = max(0, start - REACH), min(len(text), end + REACH)
    p0 = _paragraph_start(text, start, floor)
    pe = text.find("\n", end, ceiling)
    pe = ceiling if pe == -1 else pe
    lo = p0
    for _ in range(PARAGRAPHS_BEFORE):
        j = lo - 1  # the line break before this paragraph; blank lines before it skipped
        while j >= floor and text[j] == "\n":
            j -= 1
        if j < floor:
            break
        lo = _paragraph_start(text, j, floor)
    hi = pe
    while hi < ceiling and text[hi] == "\n":
        hi += 1
    nxt = text.find("\n", hi, ceiling)
    hi = ceiling if nxt == -1 else nxt
    return lo, p0, pe, hi


class Mentions:
    """The PERSON and ORG mentions of an article, by start, for range look-ups."""

    def __init__(self, entities: Sequence[Any]) -> None:
        spans = sorted(
            (m.start, m.end, i)
            for i, e in enumerate(entities)
            if e.label in LABELS
            for m in e.mentions
        )
        self.spans = spans
        self.starts = [s for s, _, _ in spans]
        self.persons = [s for s, _, i in spans if entities[i].label == "PERSON"]

    def within(self, lo: int, hi: int) -> list[tuple[int, int, int]]:
        return self.spans[bisect_left(self.starts, lo) : bisect_left(self.starts, hi)]

    def person_between(self, lo: int, hi: int) -> bool:
        """Whether a person's mention starts strictly between lo and hi."""
        k = bisect_left(self.persons, lo + 1)
        return k < len(self.persons) and self.persons[k] < hi


class Quoted:
    """The article's quotations (start, end), asked whether a position is inside one."""

    def __init__(self, spans: Sequence[tuple[int, int]]) -> None:
        self.spans = sorted(spans)
        self.starts = [s for s, _ in self.spans]

    def inside(self, pos: int) -> bool:
        k = bisect_left(self.starts, pos + 1) - 1
        return k >= 0 and self.spans[k][0] <= pos < self.spans[k][1]


def _before_features(
    text: str, start: int, mention: tuple[int, int, int], p0: int, near: Mentions
) -> Features:
    """What the candidate's nearest mention before the quotation says."""
    s, e, _ = mention
    f = {
        "b_dist": math.log1p(start - e) / 8,
        "b_same_para": float(s >= p0),
        "b_cue_after": float(bool(_CUE.match(text[e : e + 25].lstrip(" ,")))),
        "b_cue_before": float(bool(_CUE_BEFORE.search(text[max(0, s - 15) : s]))),
        "b_paras": min(2, text.count("\n\n", e, start)) / 2,
        "b_title": float(bool(_TITLE_BEFORE.search(text[max(0, s - 6) : s]))),
    }
    ends = [m.end() for m in _SENTENCE_END.finditer(text, max(0, s - 400), s)]
    sentence = ends[-1] if ends else max(0, s - 400)
    f["b_first_in_sent"] = float(not near.person_between(sentence - 1, s))
    f["b_same_sent"] = float(_SENTENCE_END.search(text, e, start) is None)
    return f


def _after_features(text: str, end: int, mention: tuple[int, int, int], pe: int) -> Features:
    """What the candidate's nearest mention after the quotation says."""
    s, e, _ = mention
    gap = text[end:s]
    return {
        "a_dist": math.log1p(s - end) / 8,
        "a_same_para": float(s < pe),
        "a_cue_between": float(len(gap) < 40 and _CUE_ANYWHERE.search(gap) is not None),
        "a_cue_after": float(len(gap) < 60 and bool(_CUE.match(text[e : e + 25].lstrip(" ,")))),
    }


def _source_features(
    text: str, start: int, before: list[tuple[int, int, int]], verbs: re.Pattern[str] | None
) -> Features:
    """How far before the quotation the candidate was last a source: the subject of a speech
    verb ("X said", "said X", "X, the party's chair, told"; ``s_dist``) and of any of the
    attribution verbs the model learned ("X argued", "X wants"; ``v_dist``)."""
    f: Features = {}
    for s, e, _ in reversed(before):
        if _CUE_BEFORE.search(text[max(0, s - 15) : s]) or _SPEECH_AFTER.match(
            text, e, min(len(text), e + VERB_REACH)
        ):
            f["s_dist"] = math.log1p(start - e) / 8
            break
    if verbs is not None:
        for _, e, _ in reversed(before):
            if verbs.match(text, e, min(len(text), e + VERB_REACH)):
                f["v_dist"] = math.log1p(start - e) / 8
                break
    return f


def candidates(
    text: str,
    entities: Sequence[Any],
    quote: dict[str, Any],
    near: Mentions,
    quoted: Quoted,
    spoke: set[int],
    last: int | None,
    gender: dict[int, str],
    top: int | None,
    verbs: re.Pattern[str] | None = None,
) -> list[tuple[int, tuple[int, int] | None, Features]]:
    """Each candidate speaker of ``quote``: (entity index, its mention nearest the quotation,
    its features). ``spoke``: the speakers of the quotations before it, ``last`` the last
    of them; ``top``: the person the article names most; ``verbs``: the attribution verbs
    the model learned (:func:`attribution_pattern`)."""
    start, end = quote["start"], quote["end"]
    lo, p0, pe, hi = window(text, start, end)
    speaker = quote.get("speaker") or {}
    rule = speaker.get("entity")
    rule_none = float(not speaker)
    found: dict[int, list[tuple[int, int, int]]] = {}
    for m in near.within(lo, hi):
        if not quoted.inside(m[0]) and not (start <= m[0] < end):
            found.setdefault(m[2], []).append(m)
    if len(found) > MAX_CANDIDATES:  # a crowded window: the nearest people only

        def distance(idx: int) -> int:
            return min(start - e if e <= start else s - end for s, e, _ in found[idx])

        kept = sorted(found, key=distance)[:MAX_CANDIDATES]
        found = {idx: found[idx] for idx in kept}
    if rule is not None:
        found.setdefault(rule, [])
    inside = {m[2] for m in near.within(start, end)}
    said = _PRONOUN.search(text, end, min(len(text), end + 25))
    pronoun = PRONOUN_GENDER["en"].get(said.group(0).lower()) if said else None
    out: list[tuple[int, tuple[int, int] | None, Features]] = []
    for idx, ms in found.items():
        if pronoun and entities[idx].label != "PERSON":
            continue  # "he said" is a person's
        before = [m for m in ms if m[1] <= start]
        after = [m for m in ms if m[0] >= end]
        f: Features = {
            "rule": float(idx == rule),
            "person": float(entities[idx].label == "PERSON"),
            "n_mentions": math.log1p(len(entities[idx].mentions)) / 3,
            "top": float(idx == top),
            "in_quote": float(idx in inside),
            "g_" + gender.get(idx, "u"): 1.0,
            "spoke_before": float(idx in spoke),
            "last_spoke": float(idx == last),
        }
        if before:
            f.update(_before_features(text, start, before[-1], p0, near))
            f.update(_source_features(text, start, before, verbs))
        else:
            f["no_before"] = 1.0
        if after:
            f.update(_after_features(text, end, after[0], pe))
        else:
            f["no_after"] = 1.0
        nearest = before[-1][:2] if before else after[0][:2] if after else None
        out.append((idx, nearest, f))
    for side in ("b_dist", "a_dist", "s_dist", "v_dist"):
        ranked = sorted((f[side], k) for k, (_, _, f) in enumerate(out) if side in f)
        for r, (_, k) in enumerate(ranked):
            out[k][2][f"{side[0]}_rank{min(r, 3)}"] = 1.0
    for idx, _, f in out:
        if pronoun:
            f["g_agree"] = float(gender.get(idx) == pronoun)
            f["g_clash"] = float(gender.get(idx) not in (None, pronoun))
        f["n_cands"] = len(out) / 10
        for name in list(f):
            f["rn*" + name] = f[name] * rule_none
            f["pr*" + name] = f[name] * (said is not None)
        f["bias"] = 1.0
    return out


def article_candidates(
    text: str,
    entities: Sequence[Any],
    found: Sequence[dict[str, Any]],
    verbs: re.Pattern[str] | None = None,
) -> list[list[tuple[int, tuple[int, int] | None, Features]]]:
    """The candidates of each quotation of an article, in order."""
    near = Mentions(entities)
    quoted = Quoted([(q["start"], q["end"]) for q in found])
    gender = genders(text, mentions_of(entities, {"PERSON"}), "en")
    counts = [len(e.mentions) if e.label == "PERSON" else -1 for e in entities]
    top = max(range(len(entities)), key=counts.__getitem__) if entities else None
    spoke: set[int] = set()
    last = None
    out = []
    for q in found:
        out.append(candidates(text, entities, q, near, quoted, spoke, last, gender, top, verbs))
        entity = (q.get("speaker") or {}).get("entity")
        if entity is not None:
            spoke.add(entity)
            last = entity
    return out


class Model:
    """A binary logistic model's weights by feature name, with the attribution verbs its
    features read."""

    def __init__(self, weights: dict[str, float], verbs: Sequence[str] = ()) -> None:
        self.weights = weights
        self.verbs = attribution_pattern(verbs) if verbs else None

    def score(self, features: Features) -> float:
        return sum(self.weights.get(k, 0.0) * v for k, v in features.items())


@lru_cache(maxsize=1)
def load_model(path: Path = MODEL_PATH) -> Model | None:
    """The shipped weights, or None when the file is missing (the rules alone then)."""
    if not path.exists():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    return Model(data["weights"], data.get("verbs", ()))


def rerank(
    text: str,
    entities: Sequence[Any],
    found: list[dict[str, Any]] | None,
    language: str,
    model: Model | None = None,
) -> list[dict[str, Any]] | None:
    """The quotations with the model's speaker where it prefers another candidate than the
    rules' (in place; the list is returned). A speaker the rules read from the text without
    an entity is kept."""
    model = model or (load_model() if language in LANGUAGES else None)
    if model is None or not found:
        return found
    per_quote = article_candidates(text, entities, found, model.verbs)
    for q, cands in zip(found, per_quote, strict=True):
        speaker = q.get("speaker")
        if not cands or (speaker and speaker.get("entity") is None):
            continue
        idx, nearest, _ = max(cands, key=lambda c: model.score(c[2]))
        if speaker and speaker.get("entity") == idx:
            continue
        q["speaker"] = {"name": entities[idx].name, "entity": idx}
        if nearest is not None:
            q["speaker"]["start"], q["speaker"]["end"] = nearest
    return found
