"""Run a stage's worker, or every stage of the pipeline side by side under one supervisor."""

from __future__ import annotations

import logging
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from types import FrameType
from typing import Any

from streams import logs
from streams.app import add_web_views, make_app
from streams.pipeline import (
    PIPELINE,
    STAGES,
    SUPERVISOR_WEB_PORT,
    TRENDS,
    Processor,
    StageDef,
    last,
)
from streams.pipeline import stage as pipeline_stage
from streams.routing import runner
from streams.settings import Settings
from streams.topics import stage_topics

log = logging.getLogger("newswire.worker")


def build(
    stage: str,
    settings: Settings,
    web_port: int | None = None,
    *,
    pipeline: Sequence[StageDef] = PIPELINE,
    processor: Processor | None = None,
) -> tuple[Any, Any]:
    """The stage's Faust app with its agent attached (the processor made from settings
    unless one is given)."""
    from streams.agents import base

    definition = pipeline_stage(stage, pipeline)
    app = make_app(stage, settings, web_port or settings.web_port or definition.web_port)
    t = stage_topics(settings, stage, pipeline)
    filter_ = dlq_filter = None
    if settings.processing_guarantee == "at_least_once":
        from streams.agents.replays import ReplayFilter

        # the last stage keeps the subscribers' topic free of replays; every stage keeps its
        # own dead letters free of them
        filter_ = ReplayFilter(settings, t.sink) if definition is last(pipeline) else None
        dlq_filter = ReplayFilter(settings, t.dlq, dead_letters=True)
    stage_runner = runner(definition, settings, processor)
    agent = base.attach(
        app,
        stage_runner,
        t.source,
        t.sink,
        t.dlq,
        batch_size=definition.batch_size(settings),
        batch_ms=settings.batch_ms,
        dedup=filter_,
        dlq_dedup=dlq_filter,
    )
    add_web_views(app, stage)
    return app, agent


def run_stage(
    stage: str, settings: Settings, web_port: int | None = None, loglevel: str = "info"
) -> None:
    """Run one stage in this process until it is stopped (SIGTERM or Ctrl-C)."""
    from faust import Worker

    from streams.ops.admin import create_topics

    create_topics(settings)
    from streams.ops import metrics

    definition = pipeline_stage(stage)
    processor = definition.make_processor(settings)
    from streams.agents.state import attach_state

    attach_state(processor, settings)  # a stage with state on Kafka gets it first
    from streams.isolation import isolate

    processor = isolate(definition, processor, settings)  # its own process, a time budget
    started = time.perf_counter()
    processor.warm_up()  # before joining the group: a slow load must not stall a rebalance
    metrics.MODEL_LOAD_SECONDS.labels(stage, definition.loads).set(time.perf_counter() - started)
    app, _ = build(stage, settings, web_port, processor=processor)
    config = logs.dict_config(settings.log_format, loglevel or settings.log_level, stage)
    Worker(
        app, loglevel=loglevel, quiet=True, redirect_stdouts=False, logging_config=config
    ).execute_from_commandline()


def worker_command(stage: str, web_port: int | None = None, loglevel: str = "info") -> list[str]:
    """The command line that runs one stage's worker (or ``all``) in a process of its own."""
    cmd = [sys.executable, "-m", "streams.cli", "worker", "--stage", stage, "--loglevel", loglevel]
    return cmd + (["--web-port", str(web_port)] if web_port is not None else [])


def run_all(settings: Settings, web_port: int | None = None, loglevel: str = "info") -> int:
    """Supervise one process per stage and one for the trends worker (each its own consumer
    group and web port: base+1, +2, …).

    A stage that dies is restarted after a short back-off; SIGTERM or Ctrl-C stops them all.
    Separate processes keep a crash or a slow model in one stage from stalling the others."""
    base_port = web_port or settings.web_port or SUPERVISOR_WEB_PORT
    procs: dict[str, subprocess.Popen[bytes]] = {}
    stopping = False

    def spawn(i: int, stage: str) -> subprocess.Popen[bytes]:
        return subprocess.Popen(worker_command(stage, base_port + i + 1, loglevel))

    def on_signal(signum: int, frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    workers = (*STAGES, TRENDS)  # the trends worker's port comes after the stages'
    for i, stage in enumerate(workers):
        procs[stage] = spawn(i, stage)
    backoff = dict.fromkeys(workers, 1.0)
    while not stopping:
        time.sleep(0.5)
        for i, stage in enumerate(workers):
            code = procs[stage].poll()
            if code is not None and not stopping:
                log.error(
                    "stage %s exited with code %s; restarting in %.0fs", stage, code, backoff[stage]
                )
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
