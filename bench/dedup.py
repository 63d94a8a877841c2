"""The near-duplicate stage on a stream of syndicated copies (default ../shared/dev/dedup).

Each record is cleaned as the pipeline cleans it, then looked up and posted in arrival order
(``streams.processors.dedup.stage.Index``). Links (record -> duplicate_of) are closed transitively
into groups and scored pairwise against the gold groups: precision, recall and F1 over all
pairs of records in one group. In the same run: datasketch MinHash-LSH over word 5-shingles
of the raw text (128 permutations) at thresholds 0.3 / 0.5 / 0.7, the same scoring.

Then:
- a 5-fold cross-validation of the containment threshold: gold groups are split into five
  folds; the threshold is chosen on four folds' records and scored on the fifth's;
- template pairs: how many records the gold keeps apart but the stage put in one group;
- speed: articles per second of fingerprinting, lookup and posting, in-process on one core,
  over the cleaned texts repeated, against the speed of merely lowercasing and splitting the
  same texts (a ratio, measured in the same run);
- memory: 100,000 distinct articles through an index with a one-hour window (articles an
  average of 0.2 s apart), its fingerprint count and traced memory every 10,000 articles, as
  a ratio to the reading at 20,000.

    python bench/dedup.py [--data ../shared/dev/dedup] [--stream-size 100000]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
import tracemalloc
from collections import defaultdict
from itertools import combinations
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from schemas import RawArticle  # noqa: E402
from streams.processors.clean.stage import clean_fields  # noqa: E402
from streams.processors.dedup import stage as dedup  # noqa: E402


def load(data: Path) -> tuple[list[dict[str, str]], dict[str, str]]:
    rows = [json.loads(line) for line in (data / "stream.jsonl").read_text().splitlines() if line]
    gold = json.loads((data / "gold.json").read_text())
    return rows, gold


def cleaned(rows: list[dict[str, str]]) -> list[tuple[str, str, str]]:
    """(id, cleaned text, raw text) per record, in arrival order."""
    out = []
    for r in rows:
        raw = RawArticle.model_validate(r)
        fields = clean_fields(raw)
        out.append((r["id"], fields["text"], r.get("text") or r.get("html") or ""))
    return out


def groups_of(links: dict[str, str | None]) -> dict[str, str]:
    parent = {d: d for d in links}

    def root(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for d, other in links.items():
        if other is not None and other in parent:
            parent[root(d)] = root(other)
    return {d: root(d) for d in links}


def pairs(assign: dict[str, str], ids: set[str]) -> set[tuple[str, str]]:
    by: dict[str, list[str]] = defaultdict(list)
    for d, g in assign.items():
        if d in ids:
            by[g].append(d)
    return {tuple(sorted(p)) for members in by.values() for p in combinations(members, 2)}  # type: ignore[misc]


def score(pred: set[tuple[str, str]], gold: set[tuple[str, str]]) -> tuple[float, float, float]:
    tp = len(pred & gold)
    p = tp / len(pred) if pred else 1.0
    r = tp / len(gold) if gold else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def run_stage(
    docs: list[tuple[str, str, str]], threshold: float, lead: float = dedup.LEAD
) -> dict[str, str | None]:
    """The stage's index over the stream in arrival order: each record's duplicate_of."""
    index = dedup.Index(threshold=threshold, lead=lead)
    return {
        doc: index.match(doc, dedup.fingerprints(text), float(i)).duplicate_of
        for i, (doc, text, _) in enumerate(docs)
    }


def run_minhash(docs: list[tuple[str, str, str]], threshold: float) -> dict[str, str | None]:
    from datasketch import MinHash, MinHashLSH

    lsh = MinHashLSH(threshold=threshold, num_perm=128)
    links: dict[str, str | None] = {}
    for doc, _, raw in docs:
        ws = dedup.words(raw)
        mh = MinHash(num_perm=128)
        for i in range(max(len(ws) - 4, 1)):
            mh.update(" ".join(ws[i : i + 5]).encode())
        hits = lsh.query(mh)
        links[doc] = min(hits) if hits else None
        lsh.insert(doc, mh)
    return links


def evaluate(
    links: dict[str, str | None], gold: dict[str, str], ids: set[str]
) -> tuple[float, float, float]:
    return score(pairs(groups_of(links), ids), pairs(gold, ids))


THRESHOLDS = [0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7]
LEADS = [0.05, 0.1, 0.2, 0.3, 1.0]
GRID = [(t, lead) for t in THRESHOLDS for lead in LEADS]


def cross_validate(docs: list[tuple[str, str, str]], gold: dict[str, str], folds: int) -> None:
    groups = sorted(set(gold.values()))
    random.Random(7).shuffle(groups)
    fold_of = {g: i % folds for i, g in enumerate(groups)}
    scores = []
    for k in range(folds):
        train = {d for d, g in gold.items() if fold_of[g] != k}
        test = {d for d, g in gold.items() if fold_of[g] == k}
        train_docs = [d for d in docs if d[0] in train]
        best = max(GRID, key=lambda g: evaluate(run_stage(train_docs, *g), gold, train)[2])
        test_docs = [d for d in docs if d[0] in test]
        p, r, f = evaluate(run_stage(test_docs, *best), gold, test)
        scores.append(f)
        print(
            f"  fold {k + 1}: threshold {best[0]:.2f}, lead {best[1]:.2f} chosen on the others "
            f"-> P {p:.3f} R {r:.3f} F1 {f:.3f}"
        )
    print(
        f"  cross-validated F1: mean {sum(scores) / len(scores):.3f} (min {min(scores):.3f}, max {max(scores):.3f})"
    )


def speed(docs: list[tuple[str, str, str]], seconds: float = 3.0) -> None:
    texts = [t for _, t, _ in docs]
    n = 0
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < seconds:
        for t in texts:
            dedup.words(t)
        n += len(texts)
    base = n / (time.perf_counter() - t0)
    index = dedup.Index()
    n = 0
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < seconds:
        for doc, t, _ in docs:
            index.match(f"{doc}-{n}", dedup.fingerprints(t), float(n))
            n += 1
    stage = n / (time.perf_counter() - t0)
    print(
        f"speed (one core, in-process, {sum(len(t) for t in texts) // len(texts)} chars per "
        f"article): {stage:,.0f} articles/s; lowercasing and splitting alone {base:,.0f}/s "
        f"(stage/baseline {stage / base:.2f})"
    )


def memory(docs: list[tuple[str, str, str]], total: int) -> None:
    rng = random.Random(3)
    vocab = [w for _, t, _ in docs for w in dedup.words(t)]
    index = dedup.Index(window_s=3600.0, sweep_every=2000)
    tracemalloc.start()
    readings = []
    at = 0.0
    for i in range(total):
        at += rng.expovariate(5.0)  # five articles a second on average
        text = " ".join(rng.choice(vocab) for _ in range(250))
        index.match(f"m{i}", dedup.fingerprints(text), at)
        if (i + 1) % 10_000 == 0:
            current, _ = tracemalloc.get_traced_memory()
            readings.append((i + 1, len(index.store), current))
    tracemalloc.stop()
    ref = next(r for r in readings if r[0] >= min(20_000, total))
    print(f"memory over {total:,} distinct articles, one-hour window (~18,000 articles):")
    for n, keys, cur in readings:
        print(
            f"  {n:>7,}: {keys:>9,} fingerprints, {cur / 2**20:7.1f} MiB traced (x{cur / ref[2]:.2f} of the 20,000 reading)"
        )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "dev" / "dedup")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--stream-size", type=int, default=100_000)
    args = ap.parse_args()
    rows, gold = load(args.data)
    docs = cleaned(rows)
    ids = set(gold)
    print(
        f"{len(docs)} records, {len(set(gold.values()))} gold groups, {len(pairs(gold, ids))} gold pairs"
    )
    p, r, f = evaluate(run_stage(docs, dedup.THRESHOLD), gold, ids)
    print(
        f"newswire (containment >= {dedup.THRESHOLD}, shared text starting in the first "
        f"{dedup.LEAD:.0%} of the larger): P {p:.3f} R {r:.3f} F1 {f:.3f}"
    )
    for t in THRESHOLDS:
        cells = []
        for lead in LEADS:
            cells.append(f"{evaluate(run_stage(docs, t, lead), gold, ids)[2]:.3f}")
        print(f"  F1 at threshold {t:.2f}, lead {'/'.join(map(str, LEADS))}: {' '.join(cells)}")
    for t in (0.3, 0.5, 0.7):
        p2, r2, f2 = evaluate(run_minhash(docs, t), gold, ids)
        print(
            f"MinHash-LSH (5-shingles of the raw text, 128 perms) at {t}: P {p2:.3f} R {r2:.3f} F1 {f2:.3f}"
        )
    links = run_stage(docs, dedup.THRESHOLD)
    wrong = [(d, links[d]) for d in links if links[d] and gold.get(d) != gold.get(links[d] or "")]
    print(f"records linked to a record of another gold group: {len(wrong)} {wrong[:10]}")
    print(f"{args.folds}-fold cross-validation of the threshold (folds by gold group):")
    cross_validate(docs, gold, args.folds)
    speed(docs)
    memory(docs, args.stream_size)


if __name__ == "__main__":
    main()
