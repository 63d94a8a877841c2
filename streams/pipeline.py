"""The pipeline, declared once.

Every stage is one :class:`StageDef` in :data:`PIPELINE`, in order. Settings, topics, the
Faust apps, the worker supervisor, the CLI's stage choices, ``newswire enrich``, the JSON
Schema and AsyncAPI files and the lag monitor are all derived from this list, and the
compose file is checked against it by a test.

Adding a stage takes three things:

1. its output record (a :class:`schemas.models.Record`, usually a subclass of its input
   record, so that every upstream field is carried forward);
2. its processor: a class with ``process(batch) -> list[dict | NewswireError]`` that returns,
   for each input record, only the fields the stage adds (or the error that record gets),
   and ``warm_up()`` that loads what the stage needs before it joins its consumer group
   (a stage that keeps state on Kafka gets it from the agents layer, which reads it back and
   attaches it before ``warm_up()``; ``newswire enrich`` does not: see the dedup stage and
   :mod:`streams.agents.state`);
3. one entry below.

The shared routing code (:mod:`streams.routing`) does the rest: decoding, size limits,
carrying upstream fields forward, the trace stamp, timing, metrics, the batch-then-one-by-one
fallback and dead letters. This module imports nothing heavy: a client-only install can read
it.
"""

from __future__ import annotations

import importlib
import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from pydantic import BaseModel

from schemas.models import (
    CleanArticle,
    DeadLetter,
    DedupArticle,
    EnrichedArticle,
    LanguageArticle,
    RawArticle,
    TrendingWindow,
)
from streams.settings import SUPERVISOR_WEB_PORT as SUPERVISOR_WEB_PORT

if TYPE_CHECKING:
    from streams.settings import Settings

#: the topic state of dead letters; every stage writes there
DLQ = "dlq"


class Processor(Protocol):
    """What a stage's processor is: pure (no Kafka, no clock), batch in, additions out."""

    def process(self, batch: list[Any]) -> list[Any]:
        """For each record, a dict of the fields it adds, or the NewswireError it fails with."""
        ...

    def warm_up(self) -> None:
        """Load models and tables (called before the worker joins its group)."""
        ...


@dataclass(frozen=True)
class StageDef:
    """One stage of the pipeline."""

    name: str
    consumes: str  # topic state it reads: articles.<consumes>
    produces: str  # topic state it writes: articles.<produces>
    input_model: type[BaseModel]
    output_model: type[BaseModel]
    processor: str  # "module:factory"; factory(settings) -> Processor, imported only when used
    web_port: int  # the worker's default web port
    loads: str  # what warm_up loads, for people and for the model-load metric
    summary: str  # one line on what its output topic holds, for docs and AsyncAPI
    #: an input message may have this many times settings.max_message_bytes (records grow
    #: stage by stage)
    message_bytes_factor: int = 1
    #: records per batch at least (a cheap stage takes more than settings.batch_size)
    min_batch: int = 1
    #: records per batch in `newswire enrich` (0: as the worker); the smallest of the chosen
    #: stages' is used
    offline_batch: int = 0
    #: what stands in for the stage's additions when `newswire enrich` leaves it out
    bypass: Callable[[Any], dict[str, Any]] | None = field(default=None, compare=False)
    #: topics the stage keeps its own state in (articles.<name>), created with the others
    internal: tuple[str, ...] = ()
    #: run the processor in a process of its own with a time budget per record
    #: (settings.record_budget_seconds; :mod:`streams.isolation`); a stage whose processor
    #: holds clients of its own (dedup's log on Kafka) runs in the worker, linear by design
    isolated: bool = True
    #: what stands in for the additions when the stage is stopped on a record (past its
    #: budget); None: the bypass, else the output model's defaults
    partial: Callable[[Any], dict[str, Any]] | None = field(default=None, compare=False)

    def make_processor(self, settings: Settings) -> Processor:
        module, _, attr = self.processor.partition(":")
        factory = getattr(importlib.import_module(module), attr)
        processor: Processor = factory(settings)
        return processor

    def partial_additions(self, record: Any) -> dict[str, Any]:
        """The additions of a record the stage was stopped on: what it finished, which is
        what its bypass gives, or nothing (the output model's defaults)."""
        if self.partial is not None:
            return self.partial(record)
        if self.bypass is not None:
            return self.bypass(record)
        return {}

    def max_message_bytes(self, settings: Settings) -> int:
        return settings.max_message_bytes * self.message_bytes_factor

    def batch_size(self, settings: Settings) -> int:
        return max(settings.batch_size, self.min_batch)


def _clean_bypass(raw: RawArticle) -> dict[str, Any]:
    """Without the clean stage the input's body is taken as the clean text."""
    from streams.processors.text import content_hash

    text = raw.text if raw.text is not None else raw.html or ""
    return {"text": text, "content_hash": content_hash(text)}


def _language_bypass(article: CleanArticle) -> dict[str, Any]:
    """Without the language stage the producer's hint is taken as the language."""
    from schemas.models import LanguageInfo

    hint = article.language_hint
    return {
        "language": LanguageInfo(
            code=hint or "und", confidence=1.0 if hint else 0.0, detector="hint"
        )
    }


def _entities_partial(article: DedupArticle) -> dict[str, Any]:
    """Stopped on an article: no names found, and no model that found them (the record's
    defaults say the rest: no entities, focus, quotations or tone)."""
    return {"ner_model": "none:over-budget"}


def _dedup_bypass(article: LanguageArticle) -> dict[str, Any]:
    """Without the near-duplicate stage every article is its own story."""
    return {"duplicate_of": None, "similarity": None, "story_id": article.id}


PIPELINE: tuple[StageDef, ...] = (
    StageDef(
        name="clean",
        consumes="raw",
        produces="clean",
        input_model=RawArticle,
        output_model=CleanArticle,
        processor="streams.processors.clean.stage:make_processor",
        web_port=6067,
        loads="trafilatura",
        summary="Clean article bodies with header metadata and removed spans.",
        min_batch=64,
        offline_batch=256,
        bypass=_clean_bypass,
    ),
    StageDef(
        name="language",
        consumes="clean",
        produces="lang",
        input_model=CleanArticle,
        output_model=LanguageArticle,
        processor="streams.processors.language.stage:make_processor",
        web_port=6068,
        loads="lingua-ngrams+fasttext-lite",
        summary="Clean articles with their detected language.",
        message_bytes_factor=2,
        min_batch=64,
        offline_batch=256,  # the n-gram scorer is vectorised over the batch
        bypass=_language_bypass,
    ),
    StageDef(
        name="dedup",
        consumes="lang",
        produces="dedup",
        input_model=LanguageArticle,
        output_model=DedupArticle,
        processor="streams.processors.dedup.stage:make_processor",
        web_port=6069,
        loads="fingerprint-index",
        summary="Articles with the earlier article each copies (duplicate_of, similarity, "
        "story_id); copies are kept.",
        message_bytes_factor=2,
        min_batch=64,
        offline_batch=256,
        bypass=_dedup_bypass,
        internal=("dedup-signatures",),
        isolated=False,
    ),
    StageDef(
        name="entities",
        consumes="dedup",
        produces="enriched",
        input_model=DedupArticle,
        output_model=EnrichedArticle,
        processor="streams.processors.entities.stage:make_processor",
        web_port=6070,
        loads="spacy-models",
        summary="Enriched articles: what downstream services subscribe to.",
        message_bytes_factor=4,
        partial=_entities_partial,
    ),
)

#: the entity-trends worker (streams.agents.trends): beside the chain, over its last topic
TRENDS, TRENDS_WEB_PORT = "trends", 6071

#: a worker's web endpoints: Prometheus metrics, "the process is up", "consuming, not
#: rebalancing" (container health checks and Kubernetes probes ask these)
METRICS_PATH, HEALTH_PATH, READY_PATH = "/metrics", "/healthz", "/readyz"


def check(pipeline: Sequence[StageDef]) -> None:
    """A pipeline is a chain: each stage reads what the one before writes, names are unique,
    and a stage's output record can carry its input record forward."""
    if not pipeline:
        raise ValueError("a pipeline needs at least one stage")
    names = [s.name for s in pipeline]
    if len(set(names)) != len(names) or "all" in names:
        raise ValueError(f"stage names must be unique and not 'all': {names}")
    ports = [s.web_port for s in pipeline]
    if len(set(ports)) != len(ports):
        raise ValueError(f"web ports must be unique: {ports}")
    for before, after in itertools.pairwise(pipeline):
        if after.consumes != before.produces:
            raise ValueError(
                f"{after.name} reads {after.consumes!r} but {before.name} writes "
                f"{before.produces!r}"
            )
        if after.input_model is not before.output_model:
            raise ValueError(
                f"{after.name} takes {after.input_model.__name__}, {before.name} gives "
                f"{before.output_model.__name__}"
            )
    states = [pipeline[0].consumes, *(s.produces for s in pipeline)]
    if len(set(states)) != len(states) or DLQ in states:
        raise ValueError(f"topic states must be unique and not {DLQ!r}: {states}")


def names(pipeline: Sequence[StageDef] = PIPELINE) -> tuple[str, ...]:
    return tuple(s.name for s in pipeline)


def stage(name: str, pipeline: Sequence[StageDef] = PIPELINE) -> StageDef:
    for s in pipeline:
        if s.name == name:
            return s
    raise KeyError(f"no stage {name!r}; stages: {', '.join(names(pipeline))}")


def states(pipeline: Sequence[StageDef] = PIPELINE) -> tuple[str, ...]:
    """Every topic state in pipeline order, dead letters last: raw, clean, lang, enriched, dlq."""
    return (pipeline[0].consumes, *(s.produces for s in pipeline), DLQ)


def models_by_state(pipeline: Sequence[StageDef] = PIPELINE) -> dict[str, type[BaseModel]]:
    """The record on each topic state."""
    out: dict[str, type[BaseModel]] = {pipeline[0].consumes: pipeline[0].input_model}
    out.update({s.produces: s.output_model for s in pipeline})
    out[DLQ] = DeadLetter
    return out


#: records on topics beside the article chain: (topic, record, what it holds)
SIDE_RECORDS: tuple[tuple[str, type[BaseModel], str], ...] = (
    (
        "entities.trending",
        TrendingWindow,
        "Each closed window's most-named entities with their change against the window "
        "before (the trends worker, consumer group newswire-trends).",
    ),
)


def last(pipeline: Sequence[StageDef] = PIPELINE) -> StageDef:
    """The stage whose output subscribers read."""
    return pipeline[-1]


check(PIPELINE)
STAGES: tuple[str, ...] = names(PIPELINE)
