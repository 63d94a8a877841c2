"""Every topic newswire uses, by name, derived from the pipeline (:mod:`streams.pipeline`):

articles.raw -> [clean] -> articles.clean -> [language] -> articles.lang
             -> [entities] -> articles.enriched;   any stage -> articles.dlq
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
    return [settings.topic(s) for s in states(pipeline)]


def resolve(settings: Settings, name: str) -> str:
    """A topic from a short state name (raw, clean, lang, enriched, dlq) or a full name."""
    return settings.topic(name) if name in STATES else name
