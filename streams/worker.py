"""Run a stage's worker, or all three side by side under one supervisor."""

from __future__ import annotations

import logging
import signal
import subprocess
import sys
import time
from types import FrameType
from typing import Any

from streams.app import DEFAULT_WEB_PORTS, make_app
from streams.settings import STAGES, Settings
from streams.topics import stage_topics

log = logging.getLogger("newswire.worker")


def build(stage: str, settings: Settings, web_port: int | None = None) -> tuple[Any, Any]:
    """The stage's Faust app with its agent attached."""
    from streams.agents import base, clean, entities, language

    specs = {"clean": clean.spec, "language": language.spec, "entities": entities.spec}
    app = make_app(stage, settings, web_port)
    t = stage_topics(settings, stage)
    batch = settings.batch_size if stage == "entities" else max(settings.batch_size, 64)
    dedup = dlq_dedup = None
    if settings.processing_guarantee == "at_least_once":
        from streams.agents.dedup import Deduplicator

        # the last stage keeps articles.enriched free of replays; every stage keeps its own
        # dead letters free of them
        dedup = Deduplicator(settings, t.sink) if stage == "entities" else None
        dlq_dedup = Deduplicator(settings, t.dlq, dead_letters=True)
    agent = base.attach(app, specs[stage](settings), t.source, t.sink, t.dlq, batch_size=batch, batch_ms=settings.batch_ms,
                        dedup=dedup, dlq_dedup=dlq_dedup)
    add_web_views(app, stage)
    return app, agent


def add_web_views(app: Any, stage: str) -> None:
    """/metrics (Prometheus), /healthz (the process is up) and /readyz (consuming, not
    rebalancing) on the worker's web port."""
    from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

    from streams.ops import metrics

    metrics.UP.labels(stage).set(1)
    for series in (metrics.RECORDS_IN, metrics.RECORDS_OUT, metrics.RECORD_SECONDS, metrics.BATCH_SECONDS, metrics.BATCH_SIZE):
        series.labels(stage)  # every series is there from the start, at zero

    @app.page("/metrics")
    async def prometheus(web: Any, request: Any) -> Any:
        return web.bytes(generate_latest(metrics.REGISTRY), content_type=CONTENT_TYPE_LATEST.split(";")[0])

    @app.page("/healthz")
    async def healthz(web: Any, request: Any) -> Any:
        return web.json({"status": "ok", "stage": stage})

    @app.page("/readyz")
    async def readyz(web: Any, request: Any) -> Any:
        consumer = getattr(app, "_consumer", None)
        ready = consumer is not None and not app.rebalancing
        return web.json({"ready": ready, "stage": stage, "rebalancing": bool(app.rebalancing)}, status=200 if ready else 503)


def run_stage(stage: str, settings: Settings, web_port: int | None = None, loglevel: str = "info") -> None:
    """Run one stage in this process until it is stopped (SIGTERM or Ctrl-C)."""
    from faust import Worker

    from streams.ops.admin import create_topics

    create_topics(settings)
    from streams.ops import metrics

    if stage == "entities":
        from streams.processors.entities import load_model

        for package in settings.spacy_models.values():
            started = time.perf_counter()
            load_model(package)  # before joining the group: a slow load must not stall a rebalance
            metrics.MODEL_LOAD_SECONDS.labels(stage, package).set(time.perf_counter() - started)
    elif stage == "language":
        from streams.processors.language import warm_up

        started = time.perf_counter()
        warm_up()
        metrics.MODEL_LOAD_SECONDS.labels(stage, "lingua-ngrams+fasttext-lite").set(time.perf_counter() - started)
    app, _ = build(stage, settings, web_port)
    Worker(app, loglevel=loglevel, quiet=True, redirect_stdouts=False).execute_from_commandline()


def run_all(settings: Settings, web_port: int | None = None, loglevel: str = "info") -> int:
    """Supervise one process per stage (each its own consumer group and web port: base+1..3).

    A stage that dies is restarted after a short back-off; SIGTERM or Ctrl-C stops them all.
    Separate processes keep a crash or a slow model in one stage from stalling the others."""
    base_port = web_port or settings.web_port or DEFAULT_WEB_PORTS["all"]
    procs: dict[str, subprocess.Popen[bytes]] = {}
    stopping = False

    def spawn(i: int, stage: str) -> subprocess.Popen[bytes]:
        cmd = [sys.executable, "-m", "streams.cli", "worker", "--stage", stage, "--web-port", str(base_port + i + 1), "--loglevel", loglevel]
        return subprocess.Popen(cmd)

    def on_signal(signum: int, frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    for i, stage in enumerate(STAGES):
        procs[stage] = spawn(i, stage)
    backoff = dict.fromkeys(STAGES, 1.0)
    while not stopping:
        time.sleep(0.5)
        for i, stage in enumerate(STAGES):
            code = procs[stage].poll()
            if code is not None and not stopping:
                log.error("stage %s exited with code %s; restarting in %.0fs", stage, code, backoff[stage])
                time.sleep(backoff[stage])
                backoff[stage] = min(backoff[stage] * 2, 30.0)
                procs[stage] = spawn(i, stage)
    for p in procs.values():
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + 30
    for p in procs.values():
        try:
            p.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            p.kill()
    return 0
