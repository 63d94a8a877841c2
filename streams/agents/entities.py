"""entities stage.

    articles.lang   -> articles.enriched
    LanguageArticle -> EnrichedArticle
    dead letters: records that are not a valid LanguageArticle; a record the model fails on.
    Records are taken in batches (settings.batch_size / batch_ms) into one nlp.pipe call.
"""

from __future__ import annotations

from schemas import EnrichedArticle, LanguageArticle
from streams.agents.base import StageSpec
from streams.processors.entities import EntityExtractor
from streams.settings import Settings


def spec(settings: Settings, extractor: EntityExtractor | None = None) -> StageSpec[LanguageArticle, EnrichedArticle]:
    ex = extractor or EntityExtractor(settings.spacy_models, batch_size=settings.batch_size)
    return StageSpec("entities", LanguageArticle, ex.extract, settings.max_message_bytes * 4)
