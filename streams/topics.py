"""Every topic newswire uses, by name, derived from the pipeline (:mod:`streams.pipeline`):

articles.raw -> [clean] -> articles.clean -> [language] -> articles.lang -> [dedup]
             -> articles.dedup -> [entities] -> articles.enriched;   any stage -> articles.dlq
[dedup] <-> articles.dedup-signatures (its fingerprint index, read by every dedup worker)
articles.enriched -> [trends] -> entities.trending   (through its own entities.mentions and
                                                      entities.trending-partials)
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from streams.pipeline import DLQ, PIPELINE, StageDef, stage, states
from streams.settings import Settings

STATES = states(PIPELINE)


@dataclass(frozen=True)
class StageTopics:
    stage: str
    source: str
    sink: str
    dlq: str


def stage_topics(
    settings: Settings, name: str, pipeline: Sequence[StageDef] = PIPELINE
) -> StageTopics:
    """The topics a stage reads and writes."""
    s = stage(name, pipeline)
    return StageTopics(
        name, settings.topic(s.consumes), settings.topic(s.produces), settings.topic(DLQ)
    )


def all_topics(settings: Settings, pipeline: Sequence[StageDef] = PIPELINE) -> list[str]:
    """Every topic: the article states in pipeline order, the stages' own state, then the
    trends worker's."""
    return (
        [settings.topic(s) for s in states(pipeline)]
        + internal_topics(settings, pipeline)
        + list(trends_topics(settings))
    )


@dataclass(frozen=True)
class TrendsTopics:
    """The entity-trends worker's topics: it reads the last stage's output (``source``),
    re-keys mentions by entity (``mentions``), sends each shard's top entities per window
    (``partials``) and each finished window (``trending``, what subscribers read)."""

    source: str
    mentions: str
    partials: str
    trending: str

    def __iter__(self) -> Iterator[str]:
        return iter((self.trending, self.mentions, self.partials))

    @property
    def internal(self) -> tuple[str, str]:
        return (self.mentions, self.partials)


def trends_topics(settings: Settings, pipeline: Sequence[StageDef] = PIPELINE) -> TrendsTopics:
    return TrendsTopics(
        source=settings.topic(pipeline[-1].produces),
        mentions=settings.entities_topic("mentions"),
        partials=settings.entities_topic("trending-partials"),
        trending=settings.entities_topic("trending"),
    )


def internal_topics(settings: Settings, pipeline: Sequence[StageDef] = PIPELINE) -> list[str]:
    """The topics stages keep their state in (not article records)."""
    return [settings.topic(name) for s in pipeline for name in s.internal]


def resolve(settings: Settings, name: str) -> str:
    """A topic from a short state name (raw, clean, lang, enriched, dlq) or a full name."""
    return settings.topic(name) if name in STATES else name
