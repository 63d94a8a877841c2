"""Train the speaker model (``make train-speakers``) from PolNeAR's hand-annotated attributions.

    python -m streams.build.speakers DEV_DIR [--out PATH]

PolNeAR (Political News Attribution Relations: US election news by seven publishers, each
attribution's source, cue and content marked by hand; research data) is read from
``DEV_DIR/quotes/polnear_{train,dev}.jsonl`` (see its README); nothing is downloaded. Each
article goes through the English entities stage; each quotation the rules find that
overlaps a gold quoted passage gives one row per candidate speaker
(:func:`streams.processors.entities.speakers.candidates`), labelled by whether the
candidate is the passage's source (:func:`same`: its last word the source's, or its mention
overlapping the source's head name; a named source, or for a pronoun or a description the
nearest earlier named source, as ``bench/polnear.py`` scores; a passage
no quotation was found at counts, with no candidates, in the figures). A logistic
regression (scikit-learn, L2) is fitted, judged first with each publisher left out in turn
(the figures printed and kept in the file), then fitted on all and written as JSON weights.
"""

from __future__ import annotations

import argparse
import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from streams.processors.entities import quotes, speakers

#: the regularisation (inverse strength); 0.3, 1, 3 and 10 scored within 0.001 of each other
#: with publishers left out
C = 1.0
SPLITS = ("polnear_train.jsonl", "polnear_dev.jsonl")
#: what the model file says of its data and its figures (prose)
DATA = (
    "PolNeAR training and development splits (Newell, Margolin and Ruths, "  # pragma: no mutate
    "LREC 2018), research data"  # pragma: no mutate
)
MEASURE = (
    "named source, all sources, end to end: share of the gold passages found "  # pragma: no mutate
    "and given a speaker whose last word is the gold source's or whose "  # pragma: no mutate
    "mention overlaps its head name"  # pragma: no mutate
)

#: a word opening PolNeAR's cues ("said", "argued", "wants", "according to") becomes an
#: attribution verb of the model when it opens this many cues, at this many publishers
MIN_VERB_COUNT = 8
MIN_VERB_PUBLISHERS = 3
_WORD = re.compile(r"[a-z]+(?:['’][a-z]+)?")

#: a source or a speaker as they are compared: its name's last word and where the text names
#: it (the head name's offsets; None where a speaker has no mention)
Source = tuple[str | None, tuple[int, int] | None]
Gold = tuple[int, int, Source | None, Source | None]


def articles(dev: Path, names: tuple[str, ...] = SPLITS) -> Iterator[dict[str, Any]]:
    for name in names:
        with (dev / "quotes" / name).open(encoding="utf-8") as lines:
            for line in lines:
                yield json.loads(line)


def last_word(name: str | None) -> str | None:
    """A name's last word without trailing punctuation: how speakers are compared."""
    words = (name or "").split()
    return words[-1].strip(".,'’") if words else None


def same(said: Source | None, source: Source | None) -> bool:
    """Whether a speaker is the source, as PolNeAR is scored: the last words of their names
    equal, or the speaker's mention overlapping the source's head name."""
    if said is None or source is None:
        return False
    if said[0] is not None and said[0] == source[0]:
        return True
    a, b = said[1], source[1]
    return a is not None and b is not None and a[0] < b[1] and b[0] < a[1]


def gold(article: dict[str, Any]) -> list[Gold]:
    """Per quoted passage of two words or more of a direct attribution: (start, end, its
    named source or None, whoever it counts as for "all sources": the named source, or for
    a pronoun or a description the nearest named source of an earlier attribution, else
    None); each source as its head name's last word and offsets."""
    out = []
    named_before: list[tuple[int, Source]] = []
    for a in sorted(article["attributions"], key=lambda a: a.get("source_start") or 0):
        name = a.get("source_name")
        last: Source | None = None
        if name and a.get("source_kind") == "named":
            last = (last_word(name[2]), (name[0], name[1]))
        at = a.get("source_start") or 0
        if last is not None:
            named_before.append((at, last))
        if a["kind"] != "direct":
            continue
        anyone = last
        if last is None and a.get("source_kind") in {"pronoun", "description"}:
            earlier = [w for w_at, w in named_before if w_at < at]
            anyone = earlier[-1] if earlier else None
        for s, e in a["quotes"]:
            if len(article["text"][s:e].split()) >= 2:
                out.append((s, e, last, anyone))
    return sorted(out, key=lambda g: (g[0], g[1]))


def overlap(a: tuple[int, int], b: tuple[int, int]) -> bool:
    """Whether two spans overlap by at least half of the shorter."""
    inter = min(a[1], b[1]) - max(a[0], b[0])
    return inter > 0 and inter >= 0.5 * min(a[1] - a[0], b[1] - b[0])


def cue_word(cue: str, stop: frozenset[str] | set[str]) -> str | None:
    """The word a cue opens with, past stop words ("has also said" -> "said"): None for a
    cue of stop words only, or opening with a contraction, a clipped one ("'d") or an adverb
    ("reportedly")."""
    for word in _WORD.findall(cue.lower()):
        if word not in stop:
            clipped = len(word) < 3 or "'" in word or "’" in word
            return None if clipped or word.endswith("ly") else word
    return None


def learn_verbs(docs: list[dict[str, Any]]) -> list[str]:
    """The attribution verbs of `docs`' hand-annotated cues: each word cues open with
    (:func:`cue_word`, spaCy's English stop words aside) that opens MIN_VERB_COUNT cues or
    more at MIN_VERB_PUBLISHERS publishers or more, sorted."""
    from spacy.lang.en.stop_words import STOP_WORDS

    counts: Counter[str] = Counter()
    where: dict[str, set[str]] = defaultdict(set)
    for doc in docs:
        for cue in doc["cues"]:
            word = cue_word(cue, STOP_WORDS)
            if word is not None:
                counts[word] += 1
                where[word].add(doc["publisher"])
    return sorted(
        w for w, n in counts.items() if n >= MIN_VERB_COUNT and len(where[w]) >= MIN_VERB_PUBLISHERS
    )


def speaker_source(speaker: dict[str, Any] | None) -> Source | None:
    """A quotation's speaker as it is compared (:data:`Source`), None for nobody."""
    if not speaker:
        return None
    at = speaker.get("start")
    return (last_word(speaker.get("name")), (at, speaker["end"]) if at is not None else None)


def rows_of(
    text: str,
    entities: list[Any],
    found: list[dict[str, Any]],
    want: list[Gold],
    verbs: re.Pattern[str] | None = None,
) -> list[dict[str, Any]]:
    """One row per gold passage with a source to count, as ``bench/polnear.py`` scores: the
    candidates' features and names of the first found quotation overlapping it (none when
    no quotation was found there), the gold source and the rules' speaker."""
    per_quote = speakers.article_candidates(text, entities, found, verbs)
    out = []
    for g in want:
        if g[3] is None:
            continue
        k = next((k for k, q in enumerate(found) if overlap((q["start"], q["end"]), g[:2])), None)
        cands = per_quote[k] if k is not None else []
        rule = (found[k].get("speaker") or None) if k is not None else None
        kept = speaker_source(rule)
        entity = (rule or {}).get("entity")
        out.append(
            {
                "features": [f for _, _, f in cands],
                # the stage keeps the rules' speaker, mention and all, where the model agrees
                "names": [
                    kept if i == entity and kept else (last_word(entities[i].name), near)
                    for i, near, _ in cands
                ],
                "named": g[2],
                "anyone": g[3],
                "rule": kept,
            }
        )
    return out


def read(dev: Path) -> list[dict[str, Any]]:
    """Every article as the rows are made from it: its publisher, text, entities, the rules'
    quotations, the gold passages and the cues of its attributions (the entities stage runs
    here)."""
    from schemas import LanguageArticle, LanguageInfo
    from streams.processors.entities.stage import EntityExtractor

    extractor = EntityExtractor()
    extractor.warm_up()
    info = LanguageInfo(code="en", confidence=1.0, detector="hint")
    docs = []
    for art in articles(dev):
        text = art["text"]
        record = LanguageArticle(id="p", text=text, content_hash="h", language=info)
        [out] = extractor.process([record])
        entities = out["entities"]
        docs.append(
            {
                "publisher": art["publisher"],
                "text": text,
                "entities": entities,
                "found": quotes.find_quotes(text, entities, "en") or [],
                "gold": gold(art),
                "cues": [a["cue"] for a in art["attributions"] if a.get("cue")],
            }
        )
    return docs


def rows_for(docs: list[dict[str, Any]], verbs: list[str]) -> list[dict[str, Any]]:
    """Every row of every article with its publisher, its candidates' features reading
    `verbs`."""
    pattern = speakers.attribution_pattern(verbs) if verbs else None
    out = []
    for doc in docs:
        for row in rows_of(doc["text"], doc["entities"], doc["found"], doc["gold"], pattern):
            row["publisher"] = doc["publisher"]
            out.append(row)
    return out


def fit(rows: list[dict[str, Any]], c: float = C) -> dict[str, float]:
    """A logistic regression over every candidate of every row: right speaker or not."""
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    feats = [f for r in rows for f in r["features"]]
    labels = [same(name, r["anyone"]) for r in rows for name in r["names"]]
    vec = DictVectorizer()
    clf = LogisticRegression(C=c, max_iter=3000, fit_intercept=False)
    clf.fit(vec.fit_transform(feats), labels)
    return {
        name: round(float(w), 5)  # pragma: no mutate (precision)
        for name, w in zip(vec.get_feature_names_out(), clf.coef_[0], strict=True)
        if abs(w) >= 1e-5  # pragma: no mutate (precision)
    }


def pick(model: speakers.Model, row: dict[str, Any]) -> Source | None:
    """The model's speaker for a row (its best candidate's :data:`Source`), None without one."""
    if not row["features"]:
        return None
    best = max(range(len(row["features"])), key=lambda k: model.score(row["features"][k]))
    return row["names"][best]  # type: ignore[no-any-return]


def accuracy(rows: list[dict[str, Any]], said: list[Source | None]) -> tuple[float, float]:
    """(named source, all sources) accuracy over the rows (:func:`same`)."""
    named = [(r["named"], s) for r, s in zip(rows, said, strict=True) if r["named"]]
    anyone = [(r["anyone"], s) for r, s in zip(rows, said, strict=True)]
    share = lambda pairs: sum(same(s, g) for g, s in pairs) / len(pairs) if pairs else 0.0  # noqa: E731
    return share(named), share(anyone)


def cross_validate(docs: list[dict[str, Any]], c: float = C) -> dict[str, Any]:
    """Each publisher left out in turn (its verbs and weights learned from the others): the
    rules' and the model's accuracy on its rows."""
    said: dict[int, Source | None] = {}
    per = {}
    every: list[dict[str, Any]] = []
    for pub in sorted({d["publisher"] for d in docs}):
        table = rows_for(docs, learn_verbs([d for d in docs if d["publisher"] != pub]))
        every = table  # the same rows in the same order whatever the verbs
        model = speakers.Model(fit([r for r in table if r["publisher"] != pub], c))
        held = [k for k, r in enumerate(table) if r["publisher"] == pub]
        for k in held:
            said[k] = pick(model, table[k])
        part = [table[k] for k in held]
        per[pub] = {
            "rules": accuracy(part, [r["rule"] for r in part]),
            "model": accuracy(part, [said[k] for k in held]),
        }
    return {
        "rules": accuracy(every, [r["rule"] for r in every]),
        "model": accuracy(every, [said[k] for k in range(len(every))]),
        "per_publisher": per,
    }


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(
        description=__doc__.splitlines()[0]
    )  # pragma: no mutate (help text)
    ap.add_argument("dev", type=Path)
    ap.add_argument("--out", type=Path, default=speakers.MODEL_PATH)  # pragma: no mutate
    args = ap.parse_args(argv)
    docs = read(args.dev)
    cv = cross_validate(docs)
    verbs = learn_verbs(docs)
    table = rows_for(docs, verbs)
    weights = fit(table)
    rnd = lambda pair: [round(x, 4) for x in pair]  # noqa: E731  # pragma: no mutate
    model = {
        "trained_on": {
            "data": DATA,
            "quotations": len(table),
            "regularisation_C": C,
        },
        "left_out_publisher": {
            "rules": rnd(cv["rules"]),
            "model": rnd(cv["model"]),
            "per_publisher": {
                p: {k: rnd(v) for k, v in s.items()} for p, s in cv["per_publisher"].items()
            },
            "measure": MEASURE,
        },
        "verbs": verbs,
        "weights": dict(sorted(weights.items())),
    }
    text = json.dumps(model, ensure_ascii=False, indent=None)  # pragma: no mutate (layout)
    args.out.write_text(text + "\n", encoding="utf-8")  # pragma: no mutate (layout)
    print(
        f"{len(table)} quotations, {len(verbs)} attribution verbs, {len(weights)} weighted "
        f"features -> {args.out}"
    )
    print(f"  rules, named / all sources: {cv['rules'][0]:.3f} / {cv['rules'][1]:.3f}")
    print(f"  model, each publisher left out: {cv['model'][0]:.3f} / {cv['model'][1]:.3f}")
    for pub, s in cv["per_publisher"].items():
        print(
            f"    {pub:12s} rules {s['rules'][0]:.3f} / {s['rules'][1]:.3f}  "
            f"model {s['model'][0]:.3f} / {s['model'][1]:.3f}"
        )


if __name__ == "__main__":
    main()
