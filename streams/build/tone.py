"""Train the target-dependent tone model (``make train-tone``) from NewsMTSC's training split.

    python -m streams.build.tone DEV_DIR [--out PATH] [--folds 5]

NewsMTSC (Hamborg and Donnay, EACL 2021; MIT licence): English news sentences from many
outlets, each target marked negative (2.0), neutral (4.0) or positive (6.0) by annotators.
Read from ``DEV_DIR/tone/train.jsonl`` (see its README); nothing is downloaded. Each target
becomes the features of :func:`streams.processors.entities.tone.features`, with its
:func:`~streams.processors.entities.tone.vector_features` from the English news tagger's
token vectors of its sentence (``vec:<index>``; ``--no-vectors`` leaves them out); a multinomial
logistic regression (scikit-learn, classes balanced, L2) is fitted on them all and written
as JSON: the weights of the features seen at least ``MIN_COUNT`` times, with the data's
provenance and the grouped cross-validated macro F1 (folds by article: a sentence's article
is the first three parts of its ``primary_gid``) measured in the same run.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path
from typing import Any

from streams.processors.entities import tone

#: NewsMTSC's polarity scale -> class index (negative, neutral, positive)
POLARITY = {2.0: 0, 4.0: 1, 6.0: 2}
#: features seen fewer times than this are left out of the shipped model
MIN_COUNT = 2
#: the regularisation (inverse strength), chosen by grouped cross-validation (bench/tone.py)
C = 0.05
SEED = 13
#: whose vectors the model reads (said in the model file)
TAGGER = "the English news tagger's token vectors (streams/processors/entities/trained/en)"
#: the optimiser's settings (classes balanced for macro F1; the ``bias`` feature is the
#: intercept, so the shipped weights are the whole model)
SETTINGS: dict[str, Any] = {
    "class_weight": "balanced",
    "max_iter": 3000,
    "fit_intercept": False,
    "random_state": SEED,
}


def article(gid: str) -> str:
    """The article a NewsMTSC sentence comes from: ``allsides_1000_401_25_...`` -> its first
    three parts."""
    return "_".join(gid.split("_")[:3])


def read(path: Path) -> list[dict[str, Any]]:
    """One row per target: ``sentence``, ``start``, ``end``, ``label``, ``group``."""
    rows = []
    for line in path.open(encoding="utf-8"):  # pragma: no mutate (UTF-8 is also the default)
        row = json.loads(line)
        sentence = row["sentence_normalized"]
        for t in row["targets"]:
            if float(t["polarity"]) not in POLARITY:
                continue
            label, group = POLARITY[float(t["polarity"])], article(row["primary_gid"])
            rows.append(
                {
                    "sentence": sentence,
                    "start": int(t["from"]),
                    "end": int(t["to"]),
                    "label": label,
                    "group": group,
                }
            )
    return rows


def featurise(
    rows: list[dict[str, Any]], vectors: dict[str, tone.Vectors | None] | None = None
) -> list[dict[str, float]]:
    """Each row's features, with its vector features (``vec:<index>``) where `vectors` holds
    its sentence's token vectors; a sentence's VADER score and tokens computed once for all
    its targets."""
    unique = {r["sentence"] for r in rows}
    scores = {s: tone.compound(s) for s in unique}
    prepared = {s: tone.Prepared(s) for s in unique}
    out = []
    for r in rows:
        s = r["sentence"]
        f = tone.features(prepared[s], r["start"], r["end"], scores[s])
        v = (vectors or {}).get(s)
        dense = tone.vector_features(v, r["start"], r["end"], 0, len(s)) if v is not None else None
        if dense is not None:
            f.update({f"{tone.VEC}{j}": float(x) for j, x in enumerate(dense)})
        out.append(f)
    return out


def without_vectors(feats: list[dict[str, float]]) -> list[dict[str, float]]:
    """The features of :func:`featurise` without the vector features: the rows as the model
    trained without the tagger's vectors reads them."""
    return [{k: x for k, x in f.items() if not k.startswith(tone.VEC)} for f in feats]


def sentence_vectors(sentences: list[str]) -> dict[str, tone.Vectors | None]:
    """Each sentence's token vectors from the English news tagger the stage runs, read alone
    (the stage reads whole articles: a token's vector sees four tokens either side, so only
    the sentences' edges differ)."""
    from streams.processors.entities.stage import DEFAULT_MODELS, load_model, token_vectors

    nlp = load_model(DEFAULT_MODELS["en"])
    docs = nlp.pipe(sentences, batch_size=64)  # pragma: no mutate (the batch: speed only)
    return {s: token_vectors(d) for s, d in zip(sentences, docs, strict=True)}


def prune(feats: list[dict[str, float]], min_count: int = MIN_COUNT) -> list[dict[str, float]]:
    """The features seen in at least `min_count` rows; the others dropped from every row."""
    counts = Counter(k for f in feats for k in f)
    return [{k: v for k, v in f.items() if counts[k] >= min_count} for f in feats]


def fit(feats: list[dict[str, float]], labels: list[int], c: float = C) -> dict[str, list[float]]:
    """A multinomial logistic regression; per feature, its three weights (the intercept is
    the ``bias`` feature's)."""
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    vec = DictVectorizer()
    x = vec.fit_transform(feats)
    clf = LogisticRegression(C=c, **SETTINGS)
    clf.fit(x, labels)
    return {
        name: [round(float(clf.coef_[k][j]), 5) for k in range(3)]  # pragma: no mutate (precision)
        for j, name in enumerate(vec.get_feature_names_out())
        if any(abs(clf.coef_[k][j]) >= 1e-5 for k in range(3))  # pragma: no mutate (precision)
    }


def macro_f1(gold: list[int], pred: list[int]) -> float:
    pairs = list(zip(gold, pred, strict=True))
    scores = []
    for k in range(3):
        tp = sum(g == k and p == k for g, p in pairs)
        wrong = sum((g == k) != (p == k) for g, p in pairs)
        denominator = 2 * tp + wrong
        scores.append(2 * tp / denominator if denominator else 0.0)
    return sum(scores) / len(scores)


def folds(groups: list[str], k: int) -> list[int]:
    """Each row's fold, by its group (every row of an article in one fold; deterministic)."""
    import zlib

    return [zlib.crc32(g.encode()) % k for g in groups]


def cross_validate(
    rows: list[dict[str, Any]], feats: list[dict[str, float]], k: int = 5, c: float = C
) -> tuple[float, list[float], list[int], list[tuple[float, float, float]]]:
    """Grouped k-fold: the pooled macro F1, each fold's, and every row's held-out class and
    probabilities."""
    fold = folds([r["group"] for r in rows], k)
    labels = [r["label"] for r in rows]
    pred: dict[int, int] = {}
    probabilities: dict[int, tuple[float, float, float]] = {}
    per = []
    for f in range(k):
        train = [i for i in range(len(rows)) if fold[i] != f]
        test = [i for i in range(len(rows)) if fold[i] == f]
        m = tone.Model(fit(prune([feats[i] for i in train]), [labels[i] for i in train], c))
        for i in test:
            probabilities[i] = m.probabilities(feats[i])
            pred[i] = max(range(3), key=probabilities[i].__getitem__)
        per.append(macro_f1([labels[i] for i in test], [pred[i] for i in test]))
    held_out = [pred[i] for i in range(len(rows))]
    return macro_f1(labels, held_out), per, held_out, [probabilities[i] for i in range(len(rows))]


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(
        description=__doc__.splitlines()[0]
    )  # pragma: no mutate (help text)
    ap.add_argument("dev", type=Path)
    ap.add_argument("--out", type=Path, default=tone.MODEL_PATH)  # pragma: no mutate (a default)
    ap.add_argument("--folds", type=int, default=5)  # pragma: no mutate (a default)
    ap.add_argument(
        "--no-vectors", action="store_true", help="without the tagger's vectors"
    )  # pragma: no mutate (help text)
    args = ap.parse_args(argv)
    source = args.dev / "tone" / "train.jsonl"
    rows = read(source)
    vectors = None if args.no_vectors else sentence_vectors(sorted({r["sentence"] for r in rows}))
    feats = featurise(rows, vectors)
    pooled, per, _, _ = cross_validate(rows, feats, args.folds)
    labels = [r["label"] for r in rows]
    weights = fit(prune(feats), labels)
    # for mentions without the tagger's vectors (the tagger switched off)
    alone = None if vectors is None else fit(prune(without_vectors(feats)), labels)
    model = {
        "classes": list(tone.CLASSES),
        "trained_on": {
            "data": "NewsMTSC training split (train.jsonl), Hamborg & Donnay, EACL 2021",
            "licence": "MIT",
            "targets": len(rows),
            "articles": len({r["group"] for r in rows}),
            "regularisation_C": C,
            "min_count": MIN_COUNT,
            "vectors": None if vectors is None else {
                "tagger": TAGGER,
                "parts": list(tone.VECTOR_PARTS),
                "scale": tone.VECTOR_SCALE,
            },
        },
        "cross_validated": {
            "folds": args.folds,
            "grouped_by": "article",
            "macro_f1": round(pooled, 4),
            "per_fold": [round(x, 4) for x in per],
        },
        "weights": dict(sorted(weights.items())),
    }
    if alone is not None:
        model[tone.WITHOUT_VECTORS] = dict(sorted(alone.items()))
    text = json.dumps(
        model, ensure_ascii=False, separators=(",", ":")
    )  # pragma: no mutate (layout)
    args.out.write_text(text + "\n", encoding="utf-8")  # pragma: no mutate (layout)
    print(
        f"{len(rows)} targets, {len(weights)} weighted features; grouped {args.folds}-fold "
        f"macro F1 {pooled:.3f} (folds {', '.join(f'{x:.3f}' for x in per)}) -> {args.out}"
    )


if __name__ == "__main__":
    main()
