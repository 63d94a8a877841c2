"""Every topic newswire uses, by name. The graph of the pipeline:

    articles.raw -> [clean] -> articles.clean -> [language] -> articles.lang
                 -> [entities] -> articles.enriched;   any stage -> articles.dlq
"""

from __future__ import annotations

from dataclasses import dataclass

from streams.settings import Settings

STATES = ("raw", "clean", "lang", "enriched", "dlq")


@dataclass(frozen=True)
class StageTopics:
    stage: str
    source: str
    sink: str
    dlq: str


def stage_topics(settings: Settings, stage: str) -> StageTopics:
    """The topics a stage reads and writes."""
    src, dst = {"clean": ("raw", "clean"), "language": ("clean", "lang"), "entities": ("lang", "enriched")}[stage]
    return StageTopics(stage, settings.topic(src), settings.topic(dst), settings.topic("dlq"))


def all_topics(settings: Settings) -> list[str]:
    return [settings.topic(s) for s in STATES]


def resolve(settings: Settings, name: str) -> str:
    """A topic from a short state name (raw, clean, lang, enriched, dlq) or a full name."""
    return settings.topic(name) if name in STATES else name
