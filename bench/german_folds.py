"""The German news tagger judged on sentences it was not trained on: two folds over
GermEval 2014's development split, grouped in halves (the first half's sentences never beside
the second's), each fold's tagger trained as ``make train-ner`` trains the shipped one (the
same config, steps and other sources) on the other half.

    python bench/german_folds.py SUPERGLEBER HIPE CONLL_DE WIKINEURAL [DEV] [--work DIR]
    (make bench-german SUPERGLEBER=… HIPE=… CONLL_DE=… WIKINEURAL=…)

SUPERGLEBER is a checkout of github.com/LSX-UniWue/SuperGLEBer at 6bb62f2 (GermEval 2014's
development split, German EuroParl and ZEFYS), HIPE one of github.com/hipe-eval/HIPE-2022-data
(NewsEye German), CONLL_DE one of github.com/MaviccPRP/ger_ner_evals (CoNLL-2003's German
development split), WIKINEURAL one of github.com/Babelscape/wikineural (CoNLL-2003's German
training split, WikiNEuRal's German validation and test splits), DEV the dev data (CoNLL-2003's
English training split); the sources are streams.build.ner.GERMAN's. GermEval's test split, a
scoring set, is never read. Per fold and over both, in one run on the same held-out texts:
the stage as it is without a German model (the gazetteer alone, the anchor), the fold's
tagger raw, and the whole stage on it. Entity-level exact span and type, CoNLL's four types
(GermEval's OTH and derivations as MISC, parts of words left out). About 25 minutes a fold
on two cores.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.entities import TYPES, Doc, Span, as_documents, mention_spans, score, spacy_spans
from schemas import LanguageArticle, LanguageInfo
from streams.build import ner as build
from streams.processors.entities import stage as entities
from streams.processors.entities import trained
from streams.processors.text import content_hash

GERMEVAL = build.GERMAN["train"][0]
OTHERS = build.GERMAN["train"][1:]


def halves(root: Path) -> tuple[list[Any], list[Any]]:
    """GermEval's development sentences in two halves, as documents of ten sentences."""
    _, path, word, column, _ = GERMEVAL
    sents = [s for doc in build.read_conll(root / path, column, word=word) for s in doc]
    half = len(sents) // 2
    docs = build.SENTENCES_PER_DOC
    cut = [sents[:half], sents[half:]]
    return tuple(  # type: ignore[return-value]
        [part[i : i + docs] for i in range(0, len(part), docs)] for part in cut
    )


def train_fold(name: str, train_docs: list[Any], dev_docs: list[Any], work: Path) -> Path:
    """A German tagger trained on `train_docs` (and EuroParl's), as the shipped one is; the
    directory of a shipped tagger made of it."""
    import spacy
    from spacy.cli.train import train as spacy_train

    paths = {}
    for split, docs in (("train", train_docs), ("dev", dev_docs)):
        paths[split] = work / name / f"{split}.spacy"
        build.to_docbin(docs, "de", paths[split])
    output = work / name / "model"
    spacy_train(
        build.GERMAN["config"],
        output,
        use_gpu=-1,
        overrides={
            "paths.train": str(paths["train"]),
            "paths.dev": str(paths["dev"]),
            "paths.general": build.GERMAN["general"],
            "nlp.lang": "de",
        },
    )
    nlp = spacy.load(output / "model-last")
    shipped = work / name / "shipped" / "de"
    if shipped.exists():
        shutil.rmtree(shipped)
    shipped.mkdir(parents=True)
    trained.store(nlp.get_pipe("ner"), shipped / "ner")
    shutil.copy(output / "model-last" / "config.cfg", shipped / "config.cfg")
    meta = {"language": "de", "general_model": build.GERMAN["general"], "general_ner": False}
    (shipped / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
    return shipped.parent


def stage_on(models: dict[str, str], docs: list[Doc]) -> list[set[Span]]:
    extractor = entities.EntityExtractor(models)
    extractor.warm_up()
    arts = [
        LanguageArticle(
            id=str(i),
            text=d.text,
            content_hash=content_hash(d.text),
            language=LanguageInfo(code="de", confidence=1.0, detector="bench"),
        )
        for i, d in enumerate(docs)
    ]
    return [mention_spans(out["entities"]) for out in extractor.process(arts)]


def line(name: str, pred: list[set[Span]], gold: list[set[Span]]) -> None:
    s = score(pred, gold)
    per = "  ".join(f"{t} {s[t][2]:.3f}" for t in TYPES)
    p, r, f = s["ALL"]
    print(f"  {name:<28} F1 {f:.3f} (P {p:.3f} R {r:.3f})  {per}", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("supergleber", type=Path)
    parser.add_argument("hipe", type=Path)
    parser.add_argument("conllde", type=Path)
    parser.add_argument("wikineural", type=Path)
    parser.add_argument("dev", type=Path, nargs="?", default=Path("../shared/dev"))
    parser.add_argument("--work", type=Path, default=Path(".newswire/german-folds"))
    parser.add_argument(
        "--reuse", action="store_true", help="judge the folds' taggers of an earlier run again"
    )
    args = parser.parse_args()
    roots = {
        "supergleber": args.supergleber,
        "hipe": args.hipe,
        "conllde": args.conllde,
        "wikineural": args.wikineural,
        "dev": args.dev,
    }
    others = build.documents({"train": OTHERS}, "train", roots)
    first, second = halves(args.supergleber)
    totals: dict[str, list[set[Span]]] = {"gazetteer": [], "raw": [], "stage": []}
    gold_all: list[set[Span]] = []
    for name, fit, held in (("fold1", first, second), ("fold2", second, first)):
        started = time.monotonic()
        kept = args.work / name / "shipped"
        if args.reuse and (kept / "de" / "ner" / "model").is_file():
            shipped = kept  # the fold's tagger trained by an earlier run: judged again only
        else:
            shipped = train_fold(name, others + fit, held, args.work)
        minutes = (time.monotonic() - started) / 60
        docs = as_documents(held)
        gold = [d.gold for d in docs]
        print(
            f"{name}: trained on {len(fit)} GermEval documents and the other sources in "
            f"{minutes:.1f} min; "
            f"judged on {len(docs)} held-out documents, {sum(map(len, gold))} names"
        )
        gaz = stage_on({}, docs)
        line("newswire, no German model", gaz, gold)
        saved = trained.TRAINED_DIR
        trained.TRAINED_DIR = shipped
        entities.load_model.cache_clear()
        try:
            nlp = entities.load_model("blank:de")
            raw = spacy_spans(nlp, [d.text for d in docs], {t: t for t in TYPES})
            line("fold's tagger, raw", raw, gold)
            found = stage_on({"de": "blank:de"}, docs)
            line("newswire, fold's tagger", found, gold)
        finally:
            trained.TRAINED_DIR = saved
            entities.load_model.cache_clear()
        totals["gazetteer"] += gaz
        totals["raw"] += raw
        totals["stage"] += found
        gold_all += gold
    print("both folds:")
    line("newswire, no German model", totals["gazetteer"], gold_all)
    line("tagger, raw", totals["raw"], gold_all)
    line("newswire, tagger", totals["stage"], gold_all)
    return 0


if __name__ == "__main__":
    sys.exit(main())
