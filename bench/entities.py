"""Score the entities stage on news with hand-annotated names: English CoNLL-2003 dev,
Spanish CoNLL-2002 dev and, given a checkout of github.com/dialogue-evaluation/factRuEval-2016
(FACTRU=path), Russian factRuEval-2016's devset (never its testset).

    python bench/entities.py [DEV_DIR] [--limit N] [--factru PATH]   (default ../shared/dev)

Whole documents are fed as articles arrive (tokens joined by spaces, sentences by newlines).
Entity-level scores (exact span and type), per type and overall, in one run on the same
texts, with documents and tokens per second:

- the shipped small spaCy model raw, with its default components (the anchor);
- the news tagger trained here (make train-ner) raw: its CoNLL types as they come;
- the whole stage on the small model alone (NEWSWIRE_TRAINED_NER=false: the stage before
  the tagger);
- the whole stage (the default: the tagger stacked on the small model, then the rules);

then the whole stage's throughput against the raw small model's and the untrained stage's.
The dev splits are documents the tagger was not trained on (it is trained for a fixed number
of steps; the dev split only reports progress). OntoNotes labels map to CoNLL's: PERSON->PER, ORG->ORG,
GPE/LOC/FAC->LOC, NORP/EVENT/PRODUCT/WORK_OF_ART/LAW/LANGUAGE->MISC.

factRuEval's objects become flat names: Person->PER, Org->ORG, Location and LocOrg->LOC,
each spanning its own name parts (a person's given name, surname, patronymic or nickname; an
organisation's or place's name; not the descriptors "мэрии", "площади"), names inside a
longer one left out. For Russian the anchor is natasha raw (the model the stage runs).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from schemas import LanguageArticle, LanguageInfo
from streams.pipeline import stage
from streams.processors.entities import russian, trained
from streams.processors.entities.stage import DEFAULT_MODELS, EntityExtractor, load_model
from streams.processors.text import content_hash
from streams.routing import runner
from streams.settings import Settings

TO_CONLL = {
    "PERSON": "PER",
    "PER": "PER",
    "ORG": "ORG",
    "GPE": "LOC",
    "LOC": "LOC",
    "FAC": "LOC",
    "NORP": "MISC",
    "EVENT": "MISC",
    "PRODUCT": "MISC",
    "WORK_OF_ART": "MISC",
    "LAW": "MISC",
    "LANGUAGE": "MISC",
    "MISC": "MISC",
}
TYPES = ("PER", "ORG", "LOC", "MISC")
Span = tuple[int, int, str]


@dataclass
class Doc:
    text: str
    gold: set[Span]
    tokens: int


def read_conll(path: Path, ner_col: int, docstart: bool, sentences_per_doc: int = 40) -> list[Doc]:
    """Documents from a CoNLL file (read as ``make train-ner`` reads it: -DOCSTART- lines
    split documents, else every N sentences make one), fed whole: tokens joined by spaces,
    sentences by newlines; gold entities as character spans. `docstart` is kept for the
    callers: the file's own markers decide."""
    from streams.build.ner import read_conll as read_documents

    return as_documents(read_documents(path, ner_col, sentences_per_doc))


def as_documents(documents: list[list[list[tuple[str, str]]]]) -> list[Doc]:
    """Documents of sentences of (word, IOB tag) as texts with their gold character spans."""
    from streams.build.ner import iob_spans

    docs: list[Doc] = []
    for sents in documents:
        text, gold, ntok = "", set(), 0
        for si, sent in enumerate(sents):
            if si:
                text += "\n"
            starts = []
            for ti, (tok, _) in enumerate(sent):
                if ti:
                    text += " "
                starts.append(len(text))
                text += tok
            ends = [a + len(tok) for a, (tok, _) in zip(starts, sent, strict=True)]
            for a, b, kind in iob_spans([tag for _, tag in sent]):
                gold.add((starts[a], ends[b - 1], kind))
            ntok += len(sent)
        docs.append(Doc(text, gold, ntok))
    return docs


#: factRuEval object types and the span types that are their names
FACTRU_NAMES = {
    "Person": ("PER", {"name", "surname", "patronymic", "nickname"}),
    "Org": ("ORG", {"org_name"}),
    "Location": ("LOC", {"loc_name"}),
    "LocOrg": ("LOC", {"loc_name", "org_name"}),
}


def read_factru(root: Path) -> list[Doc]:
    """factRuEval-2016's devset documents with their flat names (see the module's text)."""
    docs = []
    for path in sorted((root / "devset").glob("*.txt")):
        text = path.read_text(encoding="utf-8-sig")
        parts: dict[str, tuple[str, int, int]] = {}
        for line in path.with_suffix(".spans").read_text(encoding="utf-8").splitlines():
            f = line.split()
            if len(f) >= 4:
                parts[f[0]] = (f[1], int(f[2]), int(f[2]) + int(f[3]))
        names: set[Span] = set()
        for line in path.with_suffix(".objects").read_text(encoding="utf-8").splitlines():
            head = line.split("#")[0].split()
            if len(head) < 3 or head[1] not in FACTRU_NAMES:
                continue
            label, kinds = FACTRU_NAMES[head[1]]
            own = [parts[k] for k in head[2:] if k in parts and parts[k][0] in kinds]
            if own:
                names.add((min(p[1] for p in own), max(p[2] for p in own), label))
        flat = {
            n for n in names if not any(o != n and o[0] <= n[0] and n[1] <= o[1] for o in names)
        }
        docs.append(Doc(text, flat, len(text.split())))
    return docs


def score(pred: list[set[Span]], gold: list[set[Span]]) -> dict[str, tuple[float, float, float]]:
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    for p, g in zip(pred, gold, strict=True):
        for s in p:
            (tp if s in g else fp)[s[2]] += 1
        for s in g:
            if s not in p:
                fn[s[2]] += 1
    out = {}
    for t in (*TYPES, "ALL"):
        a = sum(tp.values()) if t == "ALL" else tp[t]
        b = sum(fp.values()) if t == "ALL" else fp[t]
        c = sum(fn.values()) if t == "ALL" else fn[t]
        prec = a / (a + b) if a + b else 0.0
        rec = a / (a + c) if a + c else 0.0
        out[t] = (prec, rec, 2 * prec * rec / (prec + rec) if prec + rec else 0.0)
    return out


def spacy_spans(nlp: Any, texts: list[str], labels: dict[str, str]) -> list[set[Span]]:
    """Each text's entities from a spaCy pipeline, in CoNLL types through `labels`."""
    return [
        {(e.start_char, e.end_char, labels[e.label_]) for e in doc.ents if e.label_ in labels}
        for doc in nlp.pipe(texts, batch_size=16)
    ]


def show(
    name: str, s: dict[str, tuple[float, float, float]], docs: int, tokens: int, elapsed: float
) -> None:
    per = "  ".join(f"{t} {s[t][2]:.3f}" for t in TYPES)
    p, r, f = s["ALL"]
    print(
        f"  {name:<30} F1 {f:.3f} (P {p:.3f} R {r:.3f})  {per}   {docs / elapsed:6.1f} docs/s {tokens / elapsed:8.0f} tokens/s"
    )


def stage_spans(run: Any, arts: list[LanguageArticle]) -> tuple[list[set[Span]], str]:
    """Each article's entity mentions from the whole stage, in CoNLL types; the ner_model."""
    out = []
    for i in range(0, len(arts), 16):
        out.extend(run.apply(arts[i : i + 16]))
    return [mention_spans(rec.entities) for rec in out], out[0].ner_model if out else "?"


def mention_spans(entities: list[Any]) -> set[Span]:
    """An article's entity mentions as (start, end, CoNLL type)."""
    return {
        (m.start, m.end, TO_CONLL[e.label])
        for e in entities
        if e.label in TO_CONLL
        for m in e.mentions
    }


def bench_corpus(title: str, docs: list[Doc], lang: str, stages: dict[bool, Any]) -> None:
    import spacy

    tokens = sum(d.tokens for d in docs)
    gold = [d.gold for d in docs]
    texts = [d.text for d in docs]
    print(f"{title}: {len(docs)} documents, {tokens} tokens, {sum(len(g) for g in gold)} entities")
    speed: dict[str, float] = {}

    def timed(key: str, label: str, run: Callable[[], list[set[Span]]]) -> None:
        started = time.perf_counter()
        pred = run()
        elapsed = time.perf_counter() - started
        speed[key] = tokens / elapsed
        show(label, score(pred, gold), len(docs), tokens, elapsed)

    package = DEFAULT_MODELS[lang]
    blank = package.startswith(trained.BLANK)  # no model but the tagger trained here
    if package == russian.PACKAGE:
        nlp = load_model(package)
        conll = {t: t for t in TYPES}
        timed("raw", "raw natasha (news NER)", lambda: spacy_spans(nlp, texts, conll))
    elif not blank:
        raw = spacy.load(package)
        raw.pipe(["warm up"])
        timed("raw", f"raw {package} (all components)", lambda: spacy_spans(raw, texts, TO_CONLL))
    tagged = load_model(package, True)
    has_tagger = trained.TAGGER in getattr(tagged, "pipe_names", ())
    if has_tagger:  # CoNLL's types, or OntoNotes labels from a tagger that learned them
        timed("tagger", "trained tagger, raw", lambda: spacy_spans(tagged, texts, TO_CONLL))
    arts = [
        LanguageArticle(
            id=str(i),
            text=d.text,
            content_hash=content_hash(d.text),
            language=LanguageInfo(code=lang, confidence=1.0, detector="bench"),
        )
        for i, d in enumerate(docs)
    ]
    names = {}
    runs = ((False, "stage_general"), (True, "stage")) if has_tagger else ((True, "stage"),)
    for tagger, key in runs:
        found: list[set[Span]] = []

        def run_stage(tagger: bool = tagger, found: list[set[Span]] = found) -> list[set[Span]]:
            spans, names[tagger] = stage_spans(stages[tagger], arts)
            found.extend(spans)
            return spans

        if tagger:
            what = "natasha" if package == russian.PACKAGE else "tagger" if has_tagger else package
        else:
            what = "no model (the gazetteer, as before)" if blank else "small model alone"
        timed(key, f"newswire, {what}", run_stage)
        print(f"    ner_model: {names[tagger]}")
    ratios = []
    if "raw" in speed:
        ratios.append(f"{speed['stage'] / speed['raw']:.2f}x the raw model's")
    if "stage_general" in speed:
        ratios.append(
            f"{speed['stage'] / speed['stage_general']:.2f}x the stage without the tagger"
        )
    print("  whole stage's throughput: " + ", ".join(ratios))


#: HIPE-2022's coarse types as CoNLL's (its "time" is no name)
HIPE_TYPES = {"pers": "PER", "org": "ORG", "loc": "LOC", "prod": "MISC"}


def read_hipe(path: Path) -> list[Doc]:
    """HIPE-2022 documents (one per ``# hipe2022:document_id``), the text rebuilt from the
    tokens and their spacing marks (NoSpaceAfter, EndOfLine), gold names from the coarse
    literal column (a title or function the annotators put inside a person stays inside)."""
    docs: list[Doc] = []
    text, gold, ntok, gap = "", set(), 0, ""
    opened: tuple[int, str] | None = None
    last = 0

    def close() -> None:
        nonlocal opened
        if opened is not None:
            gold.add((opened[0], last, opened[1]))
            opened = None

    for line in [*path.read_text(encoding="utf-8").splitlines(), "# hipe2022:document_id = end"]:
        if line.startswith("# hipe2022:document_id"):
            close()
            if text.strip():
                docs.append(Doc(text, gold, ntok))
            text, gold, ntok, gap = "", set(), 0, ""
            continue
        if not line.strip() or line.startswith(("#", "TOKEN\t")):
            continue
        cols = line.split("\t")
        token, tag, misc = cols[0], cols[1], cols[-1]
        kind = HIPE_TYPES.get(tag[2:]) if tag[:2] in {"B-", "I-"} else None
        if opened is not None and not (tag[:2] == "I-" and kind == opened[1]):
            close()
        start = len(text) + len(gap)
        text += gap + token
        ntok += 1
        if kind is not None and opened is None:
            opened = (start, kind)
        last = len(text)
        gap = "" if "NoSpaceAfter" in misc else "\n" if "EndOfLine" in misc else " "
    return docs


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dev", nargs="?", default="../shared/dev", type=Path)
    parser.add_argument("--limit", type=int, default=None, help="at most N documents per corpus")
    parser.add_argument(
        "--hipe",
        type=Path,
        default=os.environ.get("HIPE") or None,
        help="a checkout of github.com/hipe-eval/HIPE-2022-data (French and German dev sets)",
    )
    parser.add_argument(
        "--factru",
        type=Path,
        default=os.environ.get("FACTRU") or None,
        help="a checkout of github.com/dialogue-evaluation/factRuEval-2016 (its devset)",
    )
    args = parser.parse_args()

    corpora = [
        ("English CoNLL-2003 dev", args.dev / "ner" / "conll2003_dev.txt", 3, True, "en"),
        ("Spanish CoNLL-2002 dev", args.dev / "ner" / "conll2002_esp_dev.txt", 2, False, "es"),
    ]
    stages = {}
    for tagger in (False, True):
        extractor = EntityExtractor(tagger=tagger)
        stages[tagger] = runner(stage("entities"), Settings(), extractor)  # the workers' routing
        extractor.warm_up()
    for title, path, col, docstart, lang in corpora:
        bench_corpus(title, read_conll(path, col, docstart)[: args.limit], lang, stages)
    if args.hipe:
        v2 = Path(args.hipe) / "data" / "v2.0"
        french = [
            *read_hipe(v2 / "hipe2020" / "fr" / "HIPE-2022-v2.0-hipe2020-dev-fr.tsv"),
            *read_hipe(v2 / "letemps" / "fr" / "HIPE-2022-v2.0-letemps-dev-fr.tsv"),
        ]
        bench_corpus("French HIPE-2020 and Le Temps dev (newspapers, OCR)", french, "fr", stages)
        german = read_hipe(v2 / "hipe2020" / "de" / "HIPE-2022-v2.0-hipe2020-dev-de.tsv")
        bench_corpus("German HIPE-2020 dev (newspapers, OCR; not trained on)", german, "de", stages)
    if args.factru:
        docs = read_factru(Path(args.factru))[: args.limit]
        bench_corpus("Russian factRuEval-2016 devset", docs, "ru", stages)
    return 0


if __name__ == "__main__":
    sys.exit(main())
