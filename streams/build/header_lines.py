"""Train the plain-text header model (``make train-header``) from real pages' own metadata.

    python -m streams.build.header_lines PAGES... [--out streams/processors/clean/header_model.json]

PAGES are folders of saved pages, in the layouts of the public sets this was trained on:
``../shared/dev/extraction`` (``html/<id>.html.gz`` and ``ground-truth.json`` with each
page's URL), a checkout of github.com/adbar/trafilatura (``tests/eval/*.html`` and
``tests/evaldata.json``) and one of github.com/mozilla/readability (``test/test-pages/<name>/
source.html``). Each page is labelled by what its HTML says of itself (JSON-LD, OpenGraph
and ``meta`` tags, ``<time>``, ``rel=author``, ``<h1>``: :func:`html_metadata`), rendered to
the plain text a scraper saves (:func:`visible_text`), and its lines above the body are
marked: the line that is the headline, a line holding an author's name, a line whose date is
the publication day. Three gradient-boosted tree ensembles (scikit-learn, fixed seed) learn
them from the features of :mod:`streams.processors.clean.header_model`; the trees, a
threshold per field and the grouped cross-validated scores are written as JSON.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from streams.processors.clean import header_model
from streams.processors.clean.dates import find_date
from streams.processors.clean.header import (
    TITLE_SPLIT,
    Header,
    page_title,
    read_header,
    title_candidate,
)
from streams.processors.clean.html import html_metadata, visible_text
from streams.processors.clean.plain import locate
from streams.processors.clean.urls import domain

_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass
class Page:
    group: str  # the publisher (the URL's registered domain, or the set's page name)
    html: str
    source: str  # which set
    url: str = ""  # where the page was fetched ("" when the set does not say)


def pages(folder: Path) -> Iterator[Page]:
    """The pages of one saved set, whichever of the three layouts it has."""
    if (folder / "ground-truth.json").is_file():  # the extraction benchmark
        truth = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
        for key, item in sorted(truth.items()):
            path = folder / "html" / f"{key}.html.gz"
            if path.is_file():
                html = gzip.decompress(path.read_bytes()).decode("utf-8", "replace")
                url = item.get("url") or ""
                yield Page(domain(url) or key, html, "extraction", url)
    elif (folder / "tests" / "evaldata.json").is_file():  # trafilatura's evaluation pages
        evaldata = json.loads((folder / "tests" / "evaldata.json").read_text(encoding="utf-8"))
        for url, item in sorted(evaldata.items()):
            path = folder / "tests" / "eval" / item["file"]
            if path.is_file():
                yield Page(domain(url), path.read_text("utf-8", "replace"), "trafilatura", url)
    elif (folder / "test" / "test-pages").is_dir():  # readability's test pages
        for sub in sorted((folder / "test" / "test-pages").iterdir()):
            path = sub / "source.html"
            if path.is_file():
                name = re.sub(r"-\d+$", "", sub.name)
                yield Page(f"readability:{name}", path.read_text("utf-8", "replace"), "readability")


def normal(text: str) -> str:
    return " ".join(_WORD.findall(text.casefold()))


def local_day(at: datetime, offset: str | None) -> Any:
    if offset is None:
        return at.date()
    sign = -1 if offset.startswith("-") else 1
    hours, minutes = offset[1:].split(":")
    return (at + sign * timedelta(hours=int(hours), minutes=int(minutes))).date()


@dataclass
class Example:
    """One page's candidate lines, their features and labels, and what the page says."""

    group: str
    source: str
    truth: Header
    lines: list[Any]
    body_start: int
    rules: Header
    candidates: list[header_model.Candidate]
    labels: dict[str, list[int]]  # per field, 1 for each candidate that holds it
    html: str = ""
    language: str = ""  # the page's <html lang>, its first two letters
    with_title: bool = True  # the text starts with the page's <title>
    url: str | None = None  # the page's URL as the producer gave it (None: not given)
    with_url: bool = True  # the rendering that gives the URL (where the page has one)


def label(page: Page, with_title: bool = True, with_url: bool = True) -> Example | None:
    """A page's candidates labelled from its own metadata (None for a page without text).
    The plain text starts with the page's ``<title>`` as a scraper writes it, or, without
    `with_title`, with the first visible line (scrapers that leave the head out). With
    `with_url` the producer gives the page's URL (the set's, else the page's canonical
    link: where a crawler found it)."""
    import lxml.html

    try:
        tree = lxml.html.document_fromstring(page.html)
    except Exception:  # lxml raises several types for broken markup
        return None
    truth = html_metadata(tree, page.url or None, markup=False)
    text = visible_text(page.html)
    if not with_title and (tree.findtext(".//title") or "").strip():
        text = text.split("\n", 1)[1] if "\n" in text else ""
    if not text.strip():
        return None
    url = (page.url or truth.canonical_url or None) if with_url else None
    lines, start, _ = locate(text)
    rules = read_header(lines, start, model=False, url=url)
    found = header_model.candidates(lines, start, rules.used, url)
    first = next((ln for ln in lines if ln.words > 0), None)
    title = normal(truth.title or "")
    # the lines the page prints (the text's first line is the <title> a scraper wrote, when
    # it wrote one: it repeats the metadata, it is not the page showing a headline)
    printed = [ln for ln in lines if not (with_title and ln is first)]
    if truth.title and not any(normal(ln.text) == title for ln in printed):
        # "Headline | Site" in og:title while the page prints the headline alone
        head = TITLE_SPLIT.split(truth.title)[0].strip()
        if head != truth.title and any(normal(ln.text) == normal(head) for ln in printed):
            truth.title, title = head, normal(head)
    names = [normal(a) for a in truth.authors if normal(a)]
    labels: dict[str, list[int]] = {f: [] for f in header_model.FIELDS}
    day = local_day(truth.published_at, truth.published_offset) if truth.published_at else None
    for c in found:
        text_n = normal(c.line.text)
        head = normal(page_title(c.line.text, url)) if c.line is first else text_n
        labels["title"].append(int(bool(title) and title in {text_n, head}))
        padded = f" {text_n} "
        # a byline is none of the headline's lines: a name inside one is the site's
        # ("Headline - Deutscher Tennis Bund" where the metadata gives the site as author)
        byline = not labels["title"][-1] and not (with_title and c.line is first)
        named = any(f" {n} " in padded for n in names)
        labels["byline"].append(int(byline and c.line.words <= 20 and named))
        hit = 0
        if day is not None and c.features[header_model.FEATURES.index("has_date")]:
            dated = find_date(c.line.text)
            hit = int(dated is not None and local_day(dated.at, dated.offset) == day)
        labels["date"].append(hit)
    language = (tree.get("lang") or "").strip().lower()[:2]
    return Example(
        page.group,
        page.source,
        truth,
        lines,
        start,
        rules,
        found,
        labels,
        page.html,
        language,
        with_title,
        url,
        with_url,
    )


def has_truth(example: Example, field: str) -> bool:
    truth = example.truth
    return bool({"title": truth.title, "byline": truth.authors, "date": truth.published_at}[field])


def fit(examples: list[Example], field: str, seed: int = 0) -> dict[str, Any]:
    """One field's trees from the examples' candidates, exported; the threshold is the one
    that reads the field right on the most training pages (below it the rules' reading
    stands)."""
    import numpy as np
    from sklearn.ensemble import GradientBoostingClassifier

    rows = [(c.features, y) for e in examples if has_truth(e, field)
            for c, y in zip(e.candidates, e.labels[field], strict=True)
            if field != "title" or title_candidate(c, e.body_start, e.rules.used)]  # fmt: skip
    x = np.array([r[0] for r in rows], dtype=np.float64)
    y = np.array([r[1] for r in rows])
    model = GradientBoostingClassifier(  # pragma: no mutate (the trees' size and pace)
        n_estimators=120,  # pragma: no mutate (the trees' size and pace)
        max_depth=3,  # pragma: no mutate (the trees' size and pace)
        learning_rate=0.1,  # pragma: no mutate (the trees' size and pace)
        subsample=0.8,  # pragma: no mutate (the trees' size and pace)
        random_state=seed,
    )
    model.fit(x, y)
    spec = export(model, x[:1])
    ensemble = header_model.Ensemble({**spec, "threshold": 0.0})
    spec["threshold"] = best_threshold(examples, field, ensemble)
    return spec


def export(model: Any, sample: Any) -> dict[str, Any]:
    """A fitted binary GradientBoostingClassifier as plain lists (see header_model.Ensemble)."""
    trees = []
    for (estimator,) in model.estimators_:
        t = estimator.tree_
        nodes = []
        for i in range(t.node_count):
            leaf = t.children_left[i] == -1
            nodes.append(
                [
                    -1 if leaf else int(t.feature[i]),
                    0.0 if leaf else float(t.threshold[i]),
                    int(t.children_left[i]),
                    int(t.children_right[i]),
                    float(t.value[i][0][0]),
                ]
            )
        trees.append(nodes)
    init = float(model._raw_predict_init(sample)[0][0])
    return {"init": init, "rate": float(model.learning_rate), "trees": trees}


THRESHOLDS = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)


def outcomes(
    examples: list[Example], field: str, ensemble: header_model.Ensemble
) -> list[tuple[float, float, float]]:
    """Per page with the field: the model's best probability, the page's score when the
    model's pick is taken, and its score with the rules' reading."""
    ensemble = header_model.Ensemble({**vars(ensemble), "threshold": 0.0})
    model = header_model.HeaderModel({field: ensemble}, header_model.FEATURES)
    out = []
    for e in examples:
        if not has_truth(e, field):
            continue
        header, p = apply(e, model, field)
        out.append((p, right_field(e, field, header), right_field(e, field, e.rules)))
    return out


def best_threshold(examples: list[Example], field: str, ensemble: header_model.Ensemble) -> float:
    return choose_threshold(outcomes(examples, field, ensemble))


def choose_threshold(seen: list[tuple[float, float, float]]) -> float:
    """The threshold of THRESHOLDS under which the pages of `seen` (probability, score with
    the model's pick, score with the rules') are read best; of equals, the nearest 0.5."""

    def right(t: float) -> float:
        return sum(model if p >= t else rules for p, model, rules in seen)

    return max(THRESHOLDS, key=lambda t: (right(t), -abs(t - 0.5)))


def apply(example: Example, model: header_model.HeaderModel, field: str) -> tuple[Header, float]:
    """The page's header with `field` read by the model where sure enough (the rest by the
    rules), and the model's best probability for it."""
    from copy import deepcopy

    from streams.processors.clean.header import learned

    header = deepcopy(example.rules)
    full = header_model.HeaderModel(
        {f: model.fields.get(f, _NEVER) for f in header_model.FIELDS}, model.features
    )
    best = learned(header, example.lines, example.body_start, full, example.url)
    return header, best.get(field, 0.0)


_NEVER = header_model.Ensemble({"init": -40.0, "rate": 0.0, "trees": [], "threshold": 1.0})


def right_field(example: Example, field: str, header: Header) -> float:
    """How right a header is on one field: title exact (words, case aside), authors as set
    F1 (names' words, case aside), date the same local day."""
    truth = example.truth
    if field == "title":
        return float(normal(header.title or "") == normal(truth.title or ""))
    if field == "byline":
        want = {normal(a) for a in truth.authors}
        got = {normal(a) for a in header.authors}
        both = len(want & got)
        return 2 * both / (len(want) + len(got)) if want or got else 1.0
    if truth.published_at is None or header.published_at is None:
        return 0.0
    return float(
        local_day(header.published_at, header.published_offset)
        == local_day(truth.published_at, truth.published_offset)
    )


#: how each page is given: its text with and without the ``<title>`` line, with and without
#: its URL
RENDERINGS = ((True, True), (False, True), (True, False), (False, False))


def load_examples(folders: list[Path]) -> list[Example]:
    """Every page of the folders in each of the RENDERINGS."""
    out = []
    for folder in folders:
        for page in pages(folder):
            for with_title, with_url in RENDERINGS:
                example = label(page, with_title, with_url)
                if example is not None:
                    out.append(example)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pages", nargs="+", type=Path)
    parser.add_argument("--out", type=Path, default=header_model.MODEL_PATH)
    args = parser.parse_args(argv)
    examples = load_examples(args.pages)
    groups = {e.group for e in examples}
    print(f"{len(examples)} pages from {len(groups)} publishers", flush=True)
    spec = {
        "features": list(header_model.FEATURES),
        "trained_on": {
            "pages": len(examples),
            "publishers": len(groups),
            "sets": sorted({e.source for e in examples}),
            "labels": "each page's own metadata (JSON-LD, OpenGraph, meta tags, <time>, "
            "rel=author, <h1>)",
            "licences": "extraction benchmark pages: scrapinghub/article-extraction-benchmark "
            "(MIT; pages for evaluation); trafilatura's evaluation pages (Apache-2.0 "
            "repository); readability's test pages (Apache-2.0 repository). The model holds "
            "tree thresholds over line features, no text of the pages.",
        },
        "fields": {field: fit(examples, field) for field in header_model.FIELDS},
    }
    args.out.write_text(json.dumps(spec, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"wrote {args.out} ({args.out.stat().st_size // 1024} KB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
