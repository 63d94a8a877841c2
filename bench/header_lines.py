"""Header fields of plain-text pages: the learned line model against the rules, judged on
publishers it was not trained on, beside trafilatura's metadata on the same HTML.

    python bench/header_lines.py [DEV_DIR] [--pages DIR ...] [--folds 5]

DEV_DIR/extraction (default ../shared/dev) and any further saved sets (a checkout of
github.com/adbar/trafilatura, of github.com/mozilla/readability) are read as
``streams.build.header_lines`` reads them: each page labelled by its own metadata, rendered
to the plain text a scraper saves. Printed in one run, per field (title exact, authors set
F1, publication day):

- the rules alone on the plain text (what the clean stage did before the model);
- the model, publisher-grouped cross-validation (no publisher in training and test at once),
  overall and per page language (the ``<html lang>``);
- the model, plain k-fold (pages shuffled): the gap to the grouped figure is what fitting to
  publishers buys, and does not carry to new ones;
- trafilatura 2's ``extract_metadata`` on the HTML, and newswire's HTML path, against the
  same labels. The labels come from the page's metadata, which the HTML readers read too:
  their figures are an upper anchor, not a contest.
"""

from __future__ import annotations

import argparse
import random
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from streams.build import header_lines as hl
from streams.processors.clean import header_model
from streams.processors.clean.dates import find_date
from streams.processors.clean.header import Header
from streams.processors.clean.html import extract_html

FIELDS = header_model.FIELDS
NAMES = {"title": "title", "byline": "authors", "date": "date"}


def folds_of(examples: list[hl.Example], k: int, grouped: bool) -> list[list[int]]:
    rng = random.Random(0)
    if grouped:
        groups = sorted({e.group for e in examples})
        rng.shuffle(groups)
        fold_of = {g: i % k for i, g in enumerate(groups)}
        return [[i for i, e in enumerate(examples) if fold_of[e.group] == f] for f in range(k)]
    order = list(range(len(examples)))
    rng.shuffle(order)
    return [sorted(order[f::k]) for f in range(k)]


def cross_validate(examples: list[hl.Example], k: int, grouped: bool) -> dict[str, list[float]]:
    """Per field, the score of each page that has the field, read by a model fitted on the
    other folds."""
    scores: dict[str, list[float]] = {f: [0.0] * len(examples) for f in FIELDS}
    for test in folds_of(examples, k, grouped):
        held = set(test)
        train = [e for i, e in enumerate(examples) if i not in held]
        fields = {f: header_model.Ensemble(hl.fit(train, f)) for f in FIELDS}
        model = header_model.HeaderModel(fields, header_model.FEATURES)
        for i in test:
            for f in FIELDS:
                scores[f][i] = hl.right_field(examples[i], f, hl.apply(examples[i], model, f)[0])
    return scores


def trafilatura_header(html: str) -> Header:
    import trafilatura

    meta = trafilatura.extract_metadata(html)
    h = Header()
    if meta is None:
        return h
    h.title = meta.title
    h.authors = [a.strip() for a in (meta.author or "").split(";") if a.strip()]
    if meta.date:
        dated = find_date(meta.date)
        if dated is not None:
            h.published_at, h.published_offset = dated.at, None
    return h


def mean(xs: list[float]) -> float:
    return sum(xs) / len(xs) if xs else 0.0


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("dev", nargs="?", default="../shared/dev")
    parser.add_argument("--pages", nargs="*", type=Path, default=[])
    parser.add_argument("--folds", type=int, default=5)
    args = parser.parse_args()
    folders = [Path(args.dev) / "extraction", *args.pages]
    examples = hl.load_examples(folders)
    print(
        f"{len(examples)} pages, {len({e.group for e in examples})} publishers, sets: "
        + ", ".join(sorted({e.source for e in examples}))
    )
    has = {f: [i for i, e in enumerate(examples) if hl.has_truth(e, f)] for f in FIELDS}
    print("pages with the field in their metadata: " + ", ".join(
        f"{NAMES[f]} {len(has[f])}" for f in FIELDS))  # fmt: skip
    rules = {f: [hl.right_field(e, f, e.rules) for e in examples] for f in FIELDS}
    grouped = cross_validate(examples, args.folds, grouped=True)
    plain = cross_validate(examples, args.folds, grouped=False)

    def row(name: str, scores: dict[str, list[float]], subset: list[int] | None = None) -> None:
        cells = []
        for f in FIELDS:
            idx = [i for i in has[f] if subset is None or i in subset]
            cells.append(f"{NAMES[f]} {mean([scores[f][i] for i in idx]):.3f} ({len(idx)})")
        print(f"  {name:<44} " + "  ".join(cells))

    ceiling = {
        f: [float(any(e.labels[f])) for e in examples] for f in FIELDS
    }  # a line holds the field at all (for authors: one of the names)
    print("plain text:")
    row("a line holds it (the most the text allows)", ceiling)
    row("rules alone (before)", rules)
    row("model, publisher-grouped CV", grouped)
    row("model, plain k-fold (publishers shared)", plain)
    by_lang: dict[str, list[int]] = defaultdict(list)
    by_set: dict[str, list[int]] = defaultdict(list)
    for i, e in enumerate(examples):
        by_lang[e.language if e.language in {"en", "de"} else "other"].append(i)
        by_set[e.source].append(i)
    for flag, name in ((True, "with its <title> line first"), (False, "without its <title>")):
        idx = [i for i, e in enumerate(examples) if e.with_title is flag]
        row(f"  rules alone, text {name}", rules, idx)
        row(f"  model grouped CV, text {name}", grouped, idx)
    for flag, name in ((True, "with its URL"), (False, "without its URL")):
        idx = [i for i, e in enumerate(examples) if (e.url is not None) is flag]
        row(f"  rules alone, page given {name}", rules, idx)
        row(f"  model grouped CV, page given {name}", grouped, idx)
    for lang in ("en", "de", "other"):
        row(f"  rules alone, pages in {lang}", rules, by_lang[lang])
        row(f"  model grouped CV, pages in {lang}", grouped, by_lang[lang])
    for name, idx in sorted(by_set.items()):
        row(f"  rules alone, {name}", rules, idx)
        row(f"  model grouped CV, {name}", grouped, idx)
    traf = {f: [0.0] * len(examples) for f in FIELDS}
    for i, e in enumerate(examples):
        if not e.with_title or not e.with_url:
            continue
        h = trafilatura_header(e.html)
        for f in FIELDS:
            traf[f][i] = hl.right_field(e, f, h)
    ours = {f: [0.0] * len(examples) for f in FIELDS}
    for i, e in enumerate(examples):
        if e.with_title and e.with_url:
            h = extract_html(e.html, e.url).header
            for f in FIELDS:
                ours[f][i] = hl.right_field(e, f, h)
    print("HTML (labels are the page's own metadata, which these readers read):")
    once = [i for i, e in enumerate(examples) if e.with_title and e.with_url]
    row("trafilatura extract_metadata", traf, once)
    row("newswire's HTML path (extract_html, URL given)", ours, once)
    return 0


if __name__ == "__main__":
    sys.exit(main())
