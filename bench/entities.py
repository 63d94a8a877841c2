"""Score the entities stage on CoNLL news (English CoNLL-2003 dev, Spanish CoNLL-2002 dev).

    python bench/entities.py [DEV_DIR] [--limit N]        (default ../shared/dev)

Whole documents are fed as articles arrive (tokens joined by spaces, sentences by newlines).
Entity-level scores (exact span and type), per type and overall, for newswire's stage beside
the raw spaCy model with its default components on the same texts, in one run, with
documents and tokens per second. OntoNotes labels map to CoNLL's: PERSON->PER, ORG->ORG,
GPE/LOC/FAC->LOC, NORP/EVENT/PRODUCT/WORK_OF_ART/LAW/LANGUAGE->MISC.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from schemas import LanguageArticle, LanguageInfo
from streams.pipeline import stage
from streams.processors.entities.stage import DEFAULT_MODELS, EntityExtractor
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
    """Documents from a CoNLL file; without -DOCSTART- markers, every N sentences make one."""
    docs: list[Doc] = []
    sents: list[list[tuple[str, str]]] = []
    cur: list[tuple[str, str]] = []

    def flush_doc() -> None:
        if not sents:
            return
        text_parts, gold, offset, ntok = [], set(), 0, 0
        prev_end = 0
        for si, sent in enumerate(sents):
            if si:
                text_parts.append("\n")
                offset += 1
            ent_start, ent_type = None, None
            for ti, (tok, tag) in enumerate(sent):
                if ti:
                    text_parts.append(" ")
                    offset += 1
                start = offset
                if tag.startswith("B-") or (tag.startswith("I-") and ent_type != tag[2:]):
                    if ent_start is not None:
                        gold.add((ent_start, prev_end, ent_type))
                    ent_start, ent_type = start, tag[2:]
                elif tag == "O" and ent_start is not None:
                    gold.add((ent_start, prev_end, ent_type))
                    ent_start, ent_type = None, None
                text_parts.append(tok)
                offset += len(tok)
                prev_end = offset
                ntok += 1
            if ent_start is not None:
                gold.add((ent_start, prev_end, ent_type))
        docs.append(Doc("".join(text_parts), gold, ntok))
        sents.clear()

    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("-DOCSTART-"):
            if cur:
                sents.append(cur)
                cur = []
            flush_doc()
            continue
        if not line.strip():
            if cur:
                sents.append(cur)
                cur = []
                if not docstart and len(sents) >= sentences_per_doc:
                    flush_doc()
            continue
        cols = line.split()
        cur.append((cols[0], cols[ner_col]))
    if cur:
        sents.append(cur)
    flush_doc()
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


def show(
    name: str, s: dict[str, tuple[float, float, float]], docs: int, tokens: int, elapsed: float
) -> None:
    per = "  ".join(f"{t} {s[t][2]:.3f}" for t in TYPES)
    p, r, f = s["ALL"]
    print(
        f"  {name:<30} F1 {f:.3f} (P {p:.3f} R {r:.3f})  {per}   {docs / elapsed:6.1f} docs/s {tokens / elapsed:8.0f} tokens/s"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dev", nargs="?", default="../shared/dev", type=Path)
    parser.add_argument("--limit", type=int, default=None, help="at most N documents per corpus")
    args = parser.parse_args()
    import spacy

    corpora = [
        ("English CoNLL-2003 dev", args.dev / "ner" / "conll2003_dev.txt", 3, True, "en"),
        ("Spanish CoNLL-2002 dev", args.dev / "ner" / "conll2002_esp_dev.txt", 2, False, "es"),
    ]
    extractor = EntityExtractor()
    stage_runner = runner(stage("entities"), Settings(), extractor)  # the workers' routing
    extractor.warm_up()
    for title, path, col, docstart, lang in corpora:
        docs = read_conll(path, col, docstart)[: args.limit]
        tokens = sum(d.tokens for d in docs)
        gold = [d.gold for d in docs]
        print(
            f"{title}: {len(docs)} documents, {tokens} tokens, {sum(len(g) for g in gold)} entities"
        )
        if lang in DEFAULT_MODELS:
            raw = spacy.load(DEFAULT_MODELS[lang])
            raw.pipe(["warm up"])
            started = time.perf_counter()
            raw_docs = list(raw.pipe([d.text for d in docs], batch_size=16))
            elapsed = time.perf_counter() - started
            pred = [
                {
                    (e.start_char, e.end_char, TO_CONLL[e.label_])
                    for e in rd.ents
                    if e.label_ in TO_CONLL
                }
                for rd in raw_docs
            ]
            show(
                f"raw {DEFAULT_MODELS[lang]} (all components)",
                score(pred, gold),
                len(docs),
                tokens,
                elapsed,
            )
        arts = [
            LanguageArticle(
                id=str(i),
                text=d.text,
                content_hash=content_hash(d.text),
                language=LanguageInfo(code=lang, confidence=1.0, detector="bench"),
            )
            for i, d in enumerate(docs)
        ]
        started = time.perf_counter()
        out = []
        for i in range(0, len(arts), 16):
            out.extend(stage_runner.apply(arts[i : i + 16]))
        elapsed = time.perf_counter() - started
        pred = [
            {
                (m.start, m.end, TO_CONLL[e.label])
                for e in rec.entities
                if e.label in TO_CONLL
                for m in e.mentions
            }
            for rec in out
        ]
        show(
            f"newswire ({out[0].ner_model if out else '?'})",
            score(pred, gold),
            len(docs),
            tokens,
            elapsed,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
