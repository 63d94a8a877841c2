"""The gazetteer fallback (languages without a model) on hand-made news sentences: places
found with the right country code and the nominative name, against what each text names.

    python bench/places.py [--aside]

`bench/data/places.jsonl` holds 30 texts written for this bench (German, Russian, Arabic,
Italian, Polish, Turkish, Dutch, Portuguese, Swedish), each with the places it names as
(nominative name, country code), and texts that name none but hold words that name a place
somewhere. Every third text (the 3rd, 6th, …) is kept aside: scored only with --aside, once
the rules were written. The baseline in the same run is the fallback as it was before the
cities were added: countries only.

A found place counts when an entity of the text has the expected name (case aside) and
country code; precision is over every GPE entity found, recall over every expected place.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from streams.processors.entities.stage import gazetteer_mentions, to_entities

DATA = Path(__file__).resolve().parent / "data" / "places.jsonl"


def found(text: str, language: str, cities: bool) -> set[tuple[str, str | None]]:
    mentions = gazetteer_mentions(text, places=True, language=language)
    entities = to_entities(mentions, text, None)
    out = {(e.name.casefold(), e.country_code) for e in entities if e.label == "GPE"}
    if not cities:
        from streams.processors.entities import gazetteer

        out = {(n, c) for n, c in out if gazetteer.country_code(n, cities=False, language=language)}
    return out


def score(cases: list[dict], cities: bool) -> tuple[float, float, float, list[str]]:
    tp = fp = fn = 0
    misses = []
    for case in cases:
        want = {(n.casefold(), c) for n, c in case["places"]}
        got = found(case["text"], case["lang"], cities)
        tp += len(got & want)
        fp += len(got - want)
        fn += len(want - got)
        misses += [f"{case['id']}: extra {n} {c}" for n, c in sorted(got - want, key=str)]
        misses += [f"{case['id']}: missed {n} {c}" for n, c in sorted(want - got, key=str)]
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f, misses


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--aside", action="store_true", help="also score the texts kept aside")
    args = ap.parse_args()
    cases = [orjson.loads(line) for line in DATA.read_bytes().splitlines() if line.strip()]
    parts = {"dev": [c for i, c in enumerate(cases) if i % 3 != 2]}
    if args.aside:
        parts["aside"] = [c for i, c in enumerate(cases) if i % 3 == 2]
    for name, part in parts.items():
        n_places = sum(len(c["places"]) for c in part)
        print(f"{name}: {len(part)} texts, {n_places} places")
        for label, cities in (("countries only (before)", False), ("newswire fallback", True)):
            p, r, f, misses = score(part, cities)
            print(f"  {label:<24} P {p:.3f}  R {r:.3f}  F1 {f:.3f}")
        for m in misses:
            print("    " + m)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
