"""clean stage.

    articles.raw -> articles.clean
    RawArticle   -> CleanArticle
    dead letters: bytes that are not UTF-8 JSON, records that fail RawArticle's schema,
    messages or bodies over the size limits, pages with no article text.
"""

from __future__ import annotations

from schemas import CleanArticle, RawArticle
from streams.agents.base import StageSpec
from streams.processors.clean import clean
from streams.settings import Settings


def spec(settings: Settings) -> StageSpec[RawArticle, CleanArticle]:
    def process(batch: list[RawArticle]) -> list[CleanArticle]:
        return [clean(raw, max_chars=settings.max_text_chars) for raw in batch]

    return StageSpec("clean", RawArticle, process, settings.max_message_bytes)
