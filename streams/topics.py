"""Every topic newswire uses, by name, derived from the pipeline (:mod:`streams.pipeline`):

articles.raw -> [clean] -> articles.clean -> [language] -> articles.lang -> [dedup]
             -> articles.dedup -> [entities] -> articles.enriched;   any stage -> articles.dlq
[dedup] <-> articles.dedup-signatures (its fingerprint index, read by every dedup worker)
"""

from __future__ import annotations

from collections.abc import Sequence
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
    """Every topic: the article states in pipeline order, then the stages' own state."""
    return [settings.topic(s) for s in states(pipeline)] + internal_topics(settings, pipeline)


def internal_topics(settings: Settings, pipeline: Sequence[StageDef] = PIPELINE) -> list[str]:
    """The topics stages keep their state in (not article records)."""
    return [settings.topic(name) for s in pipeline for name in s.internal]


def resolve(settings: Settings, name: str) -> str:
    """A topic from a short state name (raw, clean, lang, enriched, dlq) or a full name."""
    return settings.topic(name) if name in STATES else name
