"""Score the clean stage on the article-extraction benchmark pages.

    python bench/clean.py [DEV_DIR]        (default ../shared/dev)

Metric (the benchmark's own): tokens are ``\\w+`` runs; compare the sets of 4-token shingles
of prediction and truth per page; average precision and recall over pages; F1 of the
averages. Printed in one run: keeping everything (no cleaning), newswire on the plain text,
trafilatura on the HTML, newswire on the HTML; with pages per second for each.

Then k-fold cross-validation (``--folds``, default 5) of the text path's thresholds and rules
(TEXT_GRID) and of the HTML path's agreement rule (HTML_GRID): for each fold, the setting that
scores best on the other folds is chosen and the fold is scored with it; the F1 over all
held-out folds is the figure to expect on unseen pages of this kind. Each grid holds the
setting that turns its rule off, so a rule that does not help on held-out folds shows it. The
spread of the shipped setting's F1 over the folds is printed too.

``--snippets PATH`` also scores on another benchmark, pages from other sites and languages:
trafilatura's evaluation set (``tests/evaldata.json`` and ``tests/eval/`` in a checkout of
github.com/adbar/trafilatura): each page lists passages that belong to its main text and
passages that do not; precision and recall count them (the way trafilatura's
``tests/evaluate.py`` does). The plain-text input is the page's visible text as
:func:`streams.processors.clean.html.visible_text` renders it. The pages are split by a hash of
their URL: the third with ``md5 % 3 == 0`` was kept aside while the rules were written; the
rest was looked at. Both are printed.
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import hashlib
import itertools
import json
import random
import re
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from schemas import RawArticle
from streams.processors.clean import boilerplate, plain
from streams.processors.clean import html as clean_html
from streams.processors.clean.html import visible_text
from streams.processors.clean.stage import clean_fields
from streams.processors.text import repair

_TOKEN = re.compile(r"\w+", re.UNICODE)


def shingles(text: str, n: int = 4) -> set[tuple[str, ...]]:
    tokens = _TOKEN.findall(text.lower())
    if len(tokens) < n:
        return {tuple(tokens)} if tokens else set()
    return {tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1)}


def precision_recall(pred: str, truth: str) -> tuple[float, float]:
    p, t = shingles(pred), shingles(truth)
    if not p and not t:
        return 1.0, 1.0
    if not p:
        return 0.0, 0.0  # benchmark convention: an empty prediction is all wrong
    if not t:
        return 0.0, 1.0
    inter = len(p & t)
    return inter / len(p), inter / len(t)


def score(preds: dict[str, str], truth: dict[str, str]) -> tuple[float, float, float]:
    ps, rs = [], []
    for key, gold in truth.items():
        p, r = precision_recall(preds.get(key, ""), gold)
        ps.append(p)
        rs.append(r)
    prec, rec = sum(ps) / len(ps), sum(rs) / len(rs)
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    return prec, rec, f1


REPEAT = 3

#: the text path's thresholds and rules, and the values cross-validation chooses among (the
#: shipped value of each is among them). FIRST_RUN_SHARE 1.0 turns the headline rule off (the
#: best run below the headline, not the first good one).
TEXT_GRID: dict[tuple[Any, str], tuple[float, ...]] = {
    (boilerplate, "BARRIER"): (6.0, 12.0, 18.0),
    (boilerplate, "OTHER_CAP"): (4, 8, 12),
    (boilerplate, "MIN_WORDS_BEFORE_END"): (20, 40, 80),
    (plain, "FIRST_RUN_SHARE"): (0.3, 0.5, 1.0),
}
#: the HTML path's agreement rule (AGREE_NEEDED 1.01: never cut, trafilatura's text as it is)
HTML_GRID: dict[tuple[Any, str], tuple[float, ...]] = {
    (clean_html, "AGREE_SHARE"): (0.2, 0.3, 0.5),
    (clean_html, "AGREE_NEEDED"): (0.3, 0.5, 0.7, 1.01),
}


@contextlib.contextmanager
def thresholds(values: dict[tuple[Any, str], float]) -> Iterator[None]:
    saved = {(module, name): getattr(module, name) for module, name in values}
    for (module, name), value in values.items():
        setattr(module, name, value)
    try:
        yield
    finally:
        for (module, name), value in saved.items():
            setattr(module, name, value)


def f1_of(pairs: list[tuple[float, float]]) -> float:
    prec = sum(p for p, _ in pairs) / len(pairs)
    rec = sum(r for _, r in pairs) / len(pairs)
    return 2 * prec * rec / (prec + rec) if prec + rec else 0.0


def cross_validate(
    label: str,
    grid: dict[tuple[Any, str], tuple[float, ...]],
    inputs: dict[str, RawArticle],
    truth: dict[str, str],
    folds: int,
    seed: int = 7,
) -> None:
    keys = sorted(inputs)
    random.Random(seed).shuffle(keys)
    parts = [keys[i::folds] for i in range(folds)]
    combos = [dict(zip(grid, values, strict=True)) for values in itertools.product(*grid.values())]
    shipped = {(module, name): getattr(module, name) for module, name in grid}
    per: list[dict[str, tuple[float, float]]] = []
    for combo in combos:
        with thresholds(combo):
            per.append(
                {k: precision_recall(clean_fields(inputs[k])["text"], truth[k]) for k in keys}
            )
    held: list[tuple[float, float]] = []
    chosen = []
    for i, fold in enumerate(parts):
        train = [k for j, part in enumerate(parts) if j != i for k in part]
        best = max(range(len(combos)), key=lambda c: f1_of([per[c][k] for k in train]))
        chosen.append(combos[best])
        held.extend(per[best][k] for k in fold)
    ship = combos.index(shipped)
    spread = [f1_of([per[ship][k] for k in part]) for part in parts]
    print(
        f"{label}: {folds}-fold cross-validation over {len(combos)} settings: "
        f"held-out F1 {f1_of(held):.3f} (shipped setting on all pages "
        f"{f1_of([per[ship][k] for k in keys]):.3f}; per fold {min(spread):.3f}-{max(spread):.3f})"
    )
    for i, c in enumerate(chosen):
        print(f"  fold {i + 1}: chose " + ", ".join(f"{n}={v:g}" for (_, n), v in c.items()))


def snippet_pages(root: Path) -> list[tuple[str, str, dict[str, Any], bool]]:
    """(url, html, annotation, kept aside) for each page of trafilatura's evaluation set."""
    data = json.loads((root / "tests" / "evaldata.json").read_text(encoding="utf-8"))
    pages = []
    for url, item in data.items():
        path = root / "tests" / "eval" / item["file"]
        if not path.exists():
            path = root / "tests" / "cache" / item["file"]
        if not path.exists():
            continue
        raw = path.read_bytes()
        try:
            html = raw.decode("utf-8")
        except UnicodeDecodeError:
            html = raw.decode("latin-1")
        aside = int(hashlib.md5(url.encode()).hexdigest(), 16) % 3 == 0
        pages.append((url, html, item, aside))
    return pages


def _norm(text: str) -> str:
    return " ".join(text.split())


def snippet_scores(root: Path) -> None:
    """Precision and recall of the passages a page lists as in and out of its main text."""
    import trafilatura

    pages = snippet_pages(root)
    methods: dict[str, Callable[[str, str], str]] = {
        "text: keep everything (baseline)": lambda u, h: visible_text(h),
        "text: newswire clean": lambda u, h: clean_fields(
            RawArticle(text=repair(visible_text(h)), url=u)
        )["text"],
        "html: trafilatura alone (baseline)": lambda u, h: (
            trafilatura.extract(h, url=u, include_comments=False) or ""
        ),
        "html: newswire clean": lambda u, h: clean_fields(RawArticle(html=h, url=u))["text"],
    }
    aside = sum(a for *_, a in pages)
    print(
        f"snippets: {len(pages)} pages of trafilatura's evaluation set from {root} "
        f"({len(pages) - aside} looked at while writing rules, {aside} kept aside)"
    )
    for name, fn in methods.items():
        counts = {False: [0, 0, 0], True: [0, 0, 0]}  # found in, missing in, found out
        for url, html, item, kept_aside in pages:
            try:
                out = _norm(fn(url, html))
            except Exception:  # a failure on one page scores as an empty prediction
                out = ""
            found = sum(_norm(w) in out for w in item["with"])
            wrong = sum(_norm(w) in out for w in item["without"])
            c = counts[kept_aside]
            c[0] += found
            c[1] += len(item["with"]) - found
            c[2] += wrong
        cells = []
        for part, (tp, fn_, fp) in (("looked at", counts[False]), ("aside", counts[True])):
            p, r = tp / max(tp + fp, 1), tp / max(tp + fn_, 1)
            cells.append(f"{part} P {p:.3f} R {r:.3f} F1 {2 * p * r / max(p + r, 1e-9):.3f}")
        print(f"{name:<34} " + "   ".join(cells))


def run(
    name: str, pages: dict[str, str], fn: Callable[[str, str], str], truth: dict[str, str]
) -> dict[str, float]:
    """Quality from the first pass; speed from the best of REPEAT passes (this machine is noisy)."""
    preds: dict[str, str] = {}
    elapsed = float("inf")
    for attempt in range(REPEAT):
        started = time.perf_counter()
        for key, content in pages.items():
            try:
                out = fn(key, content)
            except Exception as exc:  # a failure on one page scores as an empty prediction
                if attempt == 0:
                    print(
                        f"  {name}: {key[:12]} failed: {type(exc).__name__}: {exc}", file=sys.stderr
                    )
                out = ""
            if attempt == 0:
                preds[key] = out
        elapsed = min(elapsed, time.perf_counter() - started)
    p, r, f = score(preds, truth)
    rate = len(pages) / elapsed if elapsed else float("inf")
    print(f"{name:<34} P {p:.3f}  R {r:.3f}  F1 {f:.3f}   {rate:8.1f} pages/s")
    return {"precision": p, "recall": r, "f1": f, "pages_per_s": rate}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dev", nargs="?", default="../shared/dev", type=Path)
    parser.add_argument("--json", action="store_true", help="also print the figures as JSON")
    parser.add_argument("--repeat", type=int, default=3, help="timing passes (best is reported)")
    parser.add_argument("--folds", type=int, default=5, help="cross-validation folds (0: none)")
    parser.add_argument(
        "--snippets",
        type=Path,
        help="a checkout of trafilatura: also score on its evaluation pages (other sites)",
    )
    args = parser.parse_args()
    global REPEAT
    REPEAT = max(1, args.repeat)
    root = args.dev / "extraction"
    gt = json.loads((root / "ground-truth.json").read_text())
    truth = {k: v["articleBody"] for k, v in gt.items()}
    texts = {
        k: (root / "text" / f"{k}.txt").read_text(encoding="utf-8")
        for k in truth
        if (root / "text" / f"{k}.txt").exists()
    }
    htmls = {}
    for k in truth:
        path = root / "html" / f"{k}.html.gz"
        if path.exists():
            htmls[k] = gzip.decompress(path.read_bytes()).decode("utf-8", errors="replace")
    urls = {k: v.get("url") for k, v in gt.items()}
    print(
        f"{len(truth)} pages ({len(texts)} as text, {len(htmls)} as HTML) from {root}; one core, best of {REPEAT} timing passes"
    )

    import trafilatura

    results = {
        "text_keep_everything": run(
            "text: keep everything (baseline)", texts, lambda k, t: t, truth
        ),
        "text_newswire": run(
            "text: newswire clean",
            texts,
            lambda k, t: clean_fields(RawArticle(text=t, url=urls[k]))["text"],
            truth,
        ),
        "html_trafilatura": run(
            "html: trafilatura alone (baseline)",
            htmls,
            lambda k, h: trafilatura.extract(h, url=urls[k], include_comments=False) or "",
            truth,
        ),
        "html_newswire": run(
            "html: newswire clean",
            htmls,
            lambda k, h: clean_fields(RawArticle(html=h, url=urls[k]))["text"],
            truth,
        ),
    }
    gain_t = results["text_newswire"]["f1"] - results["text_keep_everything"]["f1"]
    gain_h = results["html_newswire"]["f1"] - results["html_trafilatura"]["f1"]
    print(
        f"text F1 gain over keeping everything: {gain_t:+.3f}; html F1 gain over trafilatura: {gain_h:+.3f}"
    )
    print(
        f"html speed ratio newswire/trafilatura: {results['html_newswire']['pages_per_s'] / results['html_trafilatura']['pages_per_s']:.2f}"
    )
    if args.folds > 1:
        cross_validate(
            "text",
            TEXT_GRID,
            {k: RawArticle(text=t, url=urls[k]) for k, t in texts.items()},
            truth,
            args.folds,
        )
        cross_validate(
            "html",
            HTML_GRID,
            {k: RawArticle(html=h, url=urls[k]) for k, h in htmls.items()},
            truth,
            args.folds,
        )
    if args.snippets is not None:
        snippet_scores(args.snippets)
    if args.json:
        print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
