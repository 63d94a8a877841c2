"""The Faust apps: one per stage, each its own app id and so its own consumer group, and the
web views every worker serves (metrics, liveness, readiness)."""

from __future__ import annotations

from typing import Any

import faust

from streams.pipeline import HEALTH_PATH, METRICS_PATH, READY_PATH
from streams.settings import Settings


def _credentials(settings: Settings) -> object | None:
    """Faust's credentials from settings: SSL (with mTLS and a key password, in the context),
    SASL PLAIN/SCRAM, or OAUTHBEARER (the same token provider as the other clients)."""
    if settings.security_protocol == "PLAINTEXT":
        return None
    context = settings.ssl_context()
    if settings.sasl_mechanism == "OAUTHBEARER":
        return faust.OAuthCredentials(
            oauth_cb=settings.oauth_token_provider().for_asyncio(), ssl_context=context
        )
    if settings.sasl_mechanism:
        password = settings.sasl_password.get_secret_value() if settings.sasl_password else ""
        return faust.SASLCredentials(
            username=settings.sasl_username or "",
            password=password,
            mechanism=settings.sasl_mechanism,
            ssl_context=context,
        )
    return faust.SSLCredentials(context)


def _idempotent_producers() -> None:
    """Faust makes its aiokafka producer idempotent only inside transactions (exactly_once);
    at least once, a send retried while a partition leader fails over can be written twice
    (seen: one article twice on articles.enriched when a broker was killed under load, which
    no filter in the stage can see). Every Faust producer here is made idempotent (acks=all,
    enable_idempotence), as newswire's own producers are."""
    from faust.transport.drivers import aiokafka as driver

    producer = driver.Producer
    if getattr(producer, "_newswire_idempotent", False):
        return
    original = producer._settings_extra

    def settings_extra(self: Any) -> dict[str, Any]:
        return {**original(self), "acks": "all", "enable_idempotence": True}

    producer._settings_extra = settings_extra  # type: ignore[method-assign,assignment]
    producer._newswire_idempotent = True  # type: ignore[attr-defined]


def make_app(stage: str, settings: Settings, web_port: int) -> faust.App:
    """A Faust app for one stage. Records are bytes on the wire; newswire's own
    encode/decode does the (de)serialisation so that bad bytes can be dead-lettered."""
    datadir = settings.home.resolve() / "faust"
    datadir.mkdir(parents=True, exist_ok=True)
    options: dict[str, Any] = {
        "broker": [f"kafka://{hp.strip()}" for hp in settings.bootstrap_servers.split(",")],
        "broker_credentials": _credentials(settings),
        "processing_guarantee": settings.processing_guarantee,
        "store": "memory://",
        "datadir": str(datadir / settings.group(stage)),
        "autodiscover": False,
        "key_serializer": "raw",
        "value_serializer": "raw",
        "topic_partitions": settings.partitions,
        "topic_replication_factor": settings.replication_factor or 1,  # not declared by Faust
        "topic_allow_declare": False,  # `newswire topics create` owns partition counts
        "consumer_auto_offset_reset": "earliest",
        "producer_acks": -1,
        "producer_max_request_size": max(settings.max_message_bytes * 2, 1048576),
        "producer_compression_type": settings.compression(),
        "broker_commit_interval": 1.0,
        "web_enabled": True,
        "web_bind": settings.web_host,
        "web_port": web_port,
        "web_in_thread": False,
    }
    # the user's own Faust settings (NEWSWIRE_FAUST_OPTIONS) over newswire's
    options.update(settings.faust_options)
    _idempotent_producers()
    return faust.App(settings.group(stage), **options)


def add_web_views(app: Any, stage: str) -> None:
    """/metrics (Prometheus), /healthz (the process is up) and /readyz (consuming, not
    rebalancing) on the worker's web port."""
    from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

    from streams.ops import metrics

    metrics.UP.labels(stage).set(1)
    for series in (
        metrics.RECORDS_IN,
        metrics.RECORDS_OUT,
        metrics.PARTIAL,
        metrics.RECORD_SECONDS,
        metrics.BATCH_SECONDS,
        metrics.BATCH_SIZE,
    ):
        series.labels(stage)  # every series is there from the start, at zero

    @app.page(METRICS_PATH)
    async def prometheus(web: Any, request: Any) -> Any:
        return web.bytes(
            generate_latest(metrics.REGISTRY), content_type=CONTENT_TYPE_LATEST.split(";")[0]
        )

    @app.page(HEALTH_PATH)
    async def healthz(web: Any, request: Any) -> Any:
        return web.json({"status": "ok", "stage": stage})

    @app.page(READY_PATH)
    async def readyz(web: Any, request: Any) -> Any:
        consumer = getattr(app, "_consumer", None)
        ready = consumer is not None and not app.rebalancing
        return web.json(
            {"ready": ready, "stage": stage, "rebalancing": bool(app.rebalancing)},
            status=200 if ready else 503,
        )
