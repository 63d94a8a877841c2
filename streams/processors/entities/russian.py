"""Russian names from natasha's news NER model (slovnet, with the navec embeddings shipped in
natasha's wheel: nothing is downloaded), behind the same interface as a spaCy pipeline: a
``pipe`` that yields documents whose ``ents`` carry character offsets and a label, and, for
Russian, the name's nominative form (``normal``: "Казахстана" -> "Казахстан", "Владимира
Путина" -> "Владимир Путин") so that the inflected forms of one name are one entity.

natasha's labels are PER, LOC and ORG (the WikiNER names), mapped as the other models' are.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

#: the name ``spacy_models`` gives this backend (``NEWSWIRE_SPACY_MODELS='{"ru": "natasha"}'``)
PACKAGE = "natasha"


@dataclass(frozen=True)
class Ent:
    start_char: int
    end_char: int
    label_: str
    normal: str | None = None


@dataclass
class NatashaDoc:
    ents: list[Ent] = field(default_factory=list)


class NatashaPipeline:
    """Segmenter, morphology (for the nominative forms) and NER, loaded once."""

    labels = ("PER", "LOC", "ORG")

    def __init__(self) -> None:
        import natasha

        self._natasha = natasha
        embedding = natasha.NewsEmbedding()
        self._segmenter = natasha.Segmenter()
        self._morph = natasha.NewsMorphTagger(embedding)
        self._ner = natasha.NewsNERTagger(embedding)
        self._vocab = natasha.MorphVocab()
        version = getattr(natasha, "__version__", None)
        if version is None:
            from importlib.metadata import version as dist_version

            version = dist_version("natasha")
        self.meta = {"lang": "ru", "name": "natasha_slovnet_news", "version": version}

    def __call__(self, text: str) -> NatashaDoc:
        doc = self._natasha.Doc(text)
        doc.segment(self._segmenter)
        doc.tag_morph(self._morph)
        doc.tag_ner(self._ner)
        ents = []
        for span in doc.spans:
            normal = None
            try:
                span.normalize(self._vocab)
                normal = span.normal or None
            except Exception:  # a form the morphology cannot inflect: the name as written
                normal = None
            if normal and span.type != "PER":
                normal = head_nominative(
                    span.text.split(), normal.split(), [t.pos for t in span.tokens]
                )
            ents.append(Ent(span.start, span.stop, span.type, normal))
        return NatashaDoc(ents)

    def pipe(self, texts: Iterable[str], batch_size: int = 16) -> Iterator[NatashaDoc]:
        for text in texts:
            yield self(text)

    def ner_labels(self) -> tuple[str, ...]:
        return self.labels


def head_nominative(written: list[str], nominative: list[str], pos: list[str]) -> str:
    """The nominative of an organisation's or a place's name: its words up to the first noun
    (the head, with the adjectives that agree with it) in the nominative, the words after it
    as written, for they depend on it ("Всемирной организации здравоохранения" ->
    "Всемирная организация здравоохранения", not natasha's "... здравоохранение";
    "Министерства иностранных дел" -> "Министерство иностранных дел"). A person's name is
    inflected whole. Words that do not line up with the tokens: natasha's form as it is."""
    if not (len(written) == len(nominative) == len(pos)):
        return " ".join(nominative)
    head = next((i for i, p in enumerate(pos) if p in {"NOUN", "PROPN"}), len(pos) - 1)
    return " ".join(nominative[: head + 1] + written[head + 1 :])


def load() -> Any:
    return NatashaPipeline()
