"""language stage.

    articles.clean -> articles.lang
    CleanArticle   -> LanguageArticle
    dead letters: records that are not a valid CleanArticle.
"""

from __future__ import annotations

from schemas import CleanArticle, LanguageArticle
from streams.agents.base import StageSpec
from streams.processors.language import detect_languages
from streams.settings import Settings


def spec(settings: Settings) -> StageSpec[CleanArticle, LanguageArticle]:
    def process(batch: list[CleanArticle]) -> list[LanguageArticle]:
        return detect_languages(batch)

    return StageSpec("language", CleanArticle, process, settings.max_message_bytes * 2)
