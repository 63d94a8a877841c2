"""Tone aimed at each entity, on NewsMTSC's training split (../shared/dev/tone).

    python bench/tone.py [DEV_DIR] [--folds 5]        (default ../shared/dev)

Grouped cross-validation by article (every sentence of an article in one fold; folds as
``make train-tone`` makes them): each fold's model is trained on the other folds exactly as
the shipped one is, and scored on its own. Macro F1 over negative / neutral / positive,
pooled over the held-out folds and per fold, with the plain (in-sample) score of the model
trained on everything beside it. In the same run, on the same folds:
- sentence VADER: the compound score of the whole sentence, its two thresholds fitted on the
  training folds (a grid of 0.05 steps) for macro F1;
- the majority class of the training folds;
- the tone newswire gave before this model: the sentence's VADER score for every entity in
  it, thresholds fitted the same way (the same as sentence VADER: one figure).
And newswire's ``entities[].tone`` as a subscriber reads it: the value through two
thresholds, fitted on the held-out values of the other folds (a grid of 0.05 steps), beside
the value before record 1.6 (P(positive) - P(negative)) read the same way.
And the share of sentences with two targets of different gold polarity where newswire's two
tones differ in the right direction.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from streams.build import tone as build
from streams.processors.entities import tone


def thresholds(scores: list[float], labels: list[int]) -> tuple[float, float]:
    grid = [x / 20 for x in range(-19, 20)]
    best, pick = -1.0, (-0.05, 0.05)
    for lo in grid:
        for hi in grid:
            if hi < lo:
                continue
            f = build.macro_f1(labels, [0 if s < lo else 2 if s > hi else 1 for s in scores])
            if f > best:
                best, pick = f, (lo, hi)
    return pick


def vader(rows, k: int) -> tuple[float, list[float]]:  # type: ignore[no-untyped-def]
    fold = build.folds([r["group"] for r in rows], k)
    scores = [tone.compound(r["sentence"]) for r in rows]
    labels = [r["label"] for r in rows]
    pred = [1] * len(rows)
    per = []
    for f in range(k):
        train = [i for i in range(len(rows)) if fold[i] != f]
        test = [i for i in range(len(rows)) if fold[i] == f]
        lo, hi = thresholds([scores[i] for i in train], [labels[i] for i in train])
        for i in test:
            pred[i] = 0 if scores[i] < lo else 2 if scores[i] > hi else 1
        per.append(build.macro_f1([labels[i] for i in test], [pred[i] for i in test]))
    return build.macro_f1(labels, pred), per


def through_thresholds(rows, values: list[float], k: int) -> float:  # type: ignore[no-untyped-def]
    """Macro F1 of held-out `values` read through two thresholds fitted per fold on the
    other folds' values."""
    fold = build.folds([r["group"] for r in rows], k)
    labels = [r["label"] for r in rows]
    pred = [1] * len(rows)
    for f in range(k):
        train = [i for i in range(len(rows)) if fold[i] != f]
        lo, hi = thresholds([values[i] for i in train], [labels[i] for i in train])
        for i in range(len(rows)):
            if fold[i] == f:
                pred[i] = 0 if values[i] < lo else 2 if values[i] > hi else 1
    return build.macro_f1(labels, pred)


def majority(rows, k: int) -> float:  # type: ignore[no-untyped-def]
    fold = build.folds([r["group"] for r in rows], k)
    labels = [r["label"] for r in rows]
    pred = [0] * len(rows)
    for f in range(k):
        train = [labels[i] for i in range(len(rows)) if fold[i] != f]
        top = max(range(3), key=train.count)
        for i in range(len(rows)):
            if fold[i] == f:
                pred[i] = top
    return build.macro_f1(labels, pred)


def contrast(rows, pred: list[int]) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    """Pairs of targets in one sentence with different gold polarity: how many, and in how
    many the held-out classes differ in the gold direction."""
    by_sentence: dict[str, list[int]] = {}
    for i, r in enumerate(rows):
        by_sentence.setdefault(r["sentence"], []).append(i)
    pairs = right = 0
    for idx in by_sentence.values():
        for a in idx:
            for b in idx:
                if rows[a]["label"] < rows[b]["label"]:
                    pairs += 1
                    right += pred[a] < pred[b]
    return pairs, right


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("dev", nargs="?", default="../shared/dev", type=Path)
    ap.add_argument("--folds", type=int, default=5)
    args = ap.parse_args()
    rows = build.read(args.dev / "tone" / "train.jsonl")
    started = time.perf_counter()
    vectors = build.sentence_vectors(sorted({r["sentence"] for r in rows}))
    feats = build.featurise(rows, vectors)
    alone, _, _, _ = build.cross_validate(rows, build.without_vectors(feats), args.folds)
    pooled, per, pred, probabilities = build.cross_validate(rows, feats, args.folds)
    as_read = through_thresholds(rows, [tone.signed(p) for p in probabilities], args.folds)
    as_before = through_thresholds(rows, [p[2] - p[0] for p in probabilities], args.folds)
    m = tone.Model(build.fit(build.prune(feats), [r["label"] for r in rows]))
    plain = build.macro_f1(
        [r["label"] for r in rows],
        [max(range(3), key=m.probabilities(f).__getitem__) for f in feats],
    )
    took = time.perf_counter() - started
    v_pooled, v_per = vader(rows, args.folds)
    maj = majority(rows, args.folds)
    pairs, right = contrast(rows, pred)
    print(
        f"NewsMTSC train: {len(rows)} targets in {len({r['group'] for r in rows})} articles; "
        f"grouped {args.folds}-fold CV by article, macro F1"
    )
    print(
        f"{'newswire entity tone':<36} {pooled:.3f}  folds {' '.join(f'{x:.3f}' for x in per)}"
        f"   (plain, in-sample {plain:.3f}; {took:.0f}s)"
    )
    print(f"{'  the same without the tagger vectors':<36} {alone:.3f}")
    print(f"{'entities[].tone through thresholds':<36} {as_read:.3f}")
    print(f"{'  the value before 1.6 (P+ - P-)':<36} {as_before:.3f}")
    print(
        f"{'sentence VADER (before this model)':<36} {v_pooled:.3f}  folds "
        f"{' '.join(f'{x:.3f}' for x in v_per)}"
    )
    print(f"{'majority class':<36} {maj:.3f}")
    print(
        f"newswire - sentence VADER: {pooled - v_pooled:+.3f} (entities[].tone through "
        f"thresholds: {as_read - v_pooled:+.3f})"
    )
    print(
        f"targets of one sentence with different gold tone: {pairs} pairs, newswire's held-out "
        f"classes ordered as gold in {right} ({right / max(1, pairs):.1%}); sentence VADER: 0"
    )


if __name__ == "__main__":
    sys.exit(main())
