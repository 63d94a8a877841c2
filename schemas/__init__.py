"""newswire's wire contract: the records on every topic, and the one encode/decode pair.

The pydantic models here are the single source of truth for the wire format. Agents, the
publisher, the subscriber and the tests all go through :func:`encode` and :func:`decode`.
"""

from schemas.errors import (
    BadInput,
    EmptyText,
    InvalidEncoding,
    InvalidJSON,
    InvalidRecord,
    NewswireError,
    ProcessingFailed,
    TemporaryError,
    TooLarge,
)
from schemas.models import (
    SCHEMA_VERSION,
    CleanArticle,
    CleanQuality,
    DeadLetter,
    DedupArticle,
    EnrichedArticle,
    Entity,
    LanguageArticle,
    LanguageCandidate,
    LanguageInfo,
    Mention,
    RawArticle,
    RemovedSpan,
    TraceStamp,
    TrendingEntity,
    TrendingWindow,
    article_id_for,
    normalize_url,
)
from schemas.wire import decode, encode

__all__ = [
    "SCHEMA_VERSION",
    "BadInput",
    "CleanArticle",
    "CleanQuality",
    "DeadLetter",
    "DedupArticle",
    "EmptyText",
    "EnrichedArticle",
    "Entity",
    "InvalidEncoding",
    "InvalidJSON",
    "InvalidRecord",
    "LanguageArticle",
    "LanguageCandidate",
    "LanguageInfo",
    "Mention",
    "NewswireError",
    "ProcessingFailed",
    "RawArticle",
    "RemovedSpan",
    "TemporaryError",
    "TooLarge",
    "TraceStamp",
    "TrendingEntity",
    "TrendingWindow",
    "article_id_for",
    "decode",
    "encode",
    "normalize_url",
]
