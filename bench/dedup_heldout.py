"""The near-duplicate stage on a stream it was not written from: Spanish EFE wire stories
(the CoNLL-2002 Spanish dev file, ../shared/dev/ner; no text of it is in ../shared/dev/dedup,
and the rules were fitted before this script existed), made into a stream of copies by a
generator of my own: outlet header and footer lines, a new headline, copy-edits (words
dropped or changed), a cut at 50-80% of the text, a brief of the first two paragraphs, a
paragraph of another story inserted, paragraphs re-flowed into one; one copy in ten arrives
before its base. Most stories are singletons. Stories that repeat an earlier one (half their
sentences or more, word for word; the file has wire repeats) are left out as bases. Scored as bench/dedup.py scores: pairwise
precision, recall and F1 after closing links into groups; MinHash-LSH in the same run.

    python bench/dedup_heldout.py [--conll ../shared/dev/ner/conll2002_esp_dev.txt]
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from dedup import evaluate, run_minhash, run_stage  # noqa: E402

from streams.processors.dedup import stage as dedup  # noqa: E402

DATELINE = re.compile(r"\(\s*EFE(COM)?\s*\)")


def stories(path: Path) -> list[str]:
    """Documents of the CoNLL file: a new one at each EFE dateline sentence."""
    sentences: list[str] = []
    current: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            if current:
                sentences.append(" ".join(current))
                current = []
            continue
        current.append(line.split()[0])
    docs: list[list[str]] = []
    for s in sentences:
        if DATELINE.search(s) or not docs:
            docs.append([])
        docs[-1].append(s)
    out = []
    seen: set[str] = set()
    for d in docs:
        if len(d) < 5:
            continue
        # the file holds some EFE stories more than once (updates, repeats): a story half of
        # whose sentences came before is not a new base (judged by whole sentences, not by
        # the stage's rule)
        body = d[1:]  # the dateline sentence is shared by every story of the day and place
        if sum(s in seen for s in body) * 2 >= len(body):
            continue
        seen.update(body)
        paragraphs = [" ".join(d[i : i + 2]) for i in range(0, len(d), 2)]
        out.append("\n\n".join(paragraphs))
    return out


def edit(text: str, rng: random.Random) -> str:
    words = text.split(" ")
    for _ in range(max(1, len(words) // 40)):
        i = rng.randrange(len(words))
        words[i] = rng.choice(["", "también", "además", words[i].upper()])
    return " ".join(w for w in words if w)


def copy_of(base: str, other: str, rng: random.Random) -> str:
    paragraphs = base.split("\n\n")
    kind = rng.choice(["whole", "cut", "brief", "insert", "reflow"])
    if kind == "cut":
        words = base.split(" ")
        base = " ".join(words[: int(len(words) * rng.uniform(0.5, 0.8))])
    elif kind == "brief":
        base = "\n\n".join(paragraphs[:2])
    elif kind == "insert":
        at = rng.randrange(1, max(2, len(paragraphs)))
        lifted = rng.choice(other.split("\n\n"))
        base = "\n\n".join([*paragraphs[:at], lifted, *paragraphs[at:]])
    elif kind == "reflow":
        base = base.replace("\n\n", " ")
    if rng.random() < 0.6:
        base = edit(base, rng)
    header = rng.choice(["", "Diario del Sur | Internacional\n\n", "ÚLTIMA HORA\n\n"])
    headline = rng.choice(["", "Titular de la edición regional\n\n"])
    footer = rng.choice(["", "\n\nComparte esta noticia. © Diario del Sur"])
    return header + headline + base + footer


def stream(texts: list[str], seed: int = 11) -> tuple[list[tuple[str, str, str]], dict[str, str]]:
    rng = random.Random(seed)
    items: list[tuple[float, str, str]] = []
    gold: dict[str, str] = {}
    for k, text in enumerate(texts):
        story = f"s{k:04d}"
        items.append((float(k), f"{story}-0", text))
        gold[f"{story}-0"] = story
        if rng.random() < 0.35:
            for j in range(1, rng.randint(2, 5)):
                other = texts[rng.randrange(len(texts))]
                when = k - rng.uniform(0.1, 3) if rng.random() < 0.1 else k + rng.uniform(0.1, 30)
                items.append((when, f"{story}-{j}", copy_of(text, other, rng)))
                gold[f"{story}-{j}"] = story
    items.sort()
    return [(doc, text, text) for _, doc, text in items], gold


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument(
        "--conll",
        type=Path,
        default=ROOT.parent / "shared" / "dev" / "ner" / "conll2002_esp_dev.txt",
    )
    args = ap.parse_args()
    texts = stories(args.conll)
    docs, gold = stream(texts)
    ids = set(gold)
    groups = len(set(gold.values()))
    print(f"{len(docs)} records from {len(texts)} EFE stories, {groups} groups")
    p, r, f = evaluate(run_stage(docs, dedup.THRESHOLD, dedup.LEAD), gold, ids)
    print(f"newswire (as shipped): P {p:.3f} R {r:.3f} F1 {f:.3f}")
    for t in (0.3, 0.5, 0.7):
        p, r, f = evaluate(run_minhash(docs, t), gold, ids)
        print(f"MinHash-LSH (5-shingles, 128 perms) at {t}: P {p:.3f} R {r:.3f} F1 {f:.3f}")


if __name__ == "__main__":
    main()
