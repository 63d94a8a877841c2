"""`newswire lag --serve PORT`: per-stage lag as Prometheus gauges, a JSON API and a live
status page, refreshed every few seconds by one LagMonitor.

Two families of series:

- newswire's own, per stage (``newswire_consumer_lag``, ``…_lag_seconds``, ``…_rate``,
  ``…_members``; the status both as a number, ``newswire_stage_status``, and as a label set,
  ``newswire_stage_state{state="…"}``, one series per state, 1 for the current one);
- kafka-lag-exporter's names, per group, topic and partition, for the dashboards people
  already have: ``kafka_consumergroup_group_offset``, ``…_group_lag``, ``…_group_lag_seconds``
  (labels cluster_name, group, topic, partition, member_host, consumer_id, client_id),
  ``…_group_max_lag``, ``…_group_max_lag_seconds``, ``…_group_sum_lag`` (cluster_name,
  group), ``…_group_topic_sum_lag`` (and topic), and ``kafka_partition_latest_offset``,
  ``kafka_partition_earliest_offset`` (cluster_name, topic, partition). They cover every
  group of the pipeline (the four stages and the trends worker) on every topic it commits
  on. Partitions nobody owns have empty member labels."""

from __future__ import annotations

import asyncio
import collections
import logging
import time
from pathlib import Path
from typing import Any

from aiohttp import web
from prometheus_client import CollectorRegistry, Counter, Gauge, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from schemas import BadInput, DeadLetter, decode
from streams.client import open_reader
from streams.ops.lag import SEVERITY, STATES, GroupPartition, LagMonitor, StageLag
from streams.pipeline import STAGES, TRENDS
from streams.settings import Settings

log = logging.getLogger("newswire.exporter")
PAGE = Path(__file__).with_name("status.html")
STATUS_CODES = {"OK": 0, "WARN": 1, "STALLED": 2, "STOPPED": 3, "ERROR": 4}
HISTORY_SECONDS = 15 * 60


MEMBER_LABELS = ["cluster_name", "group", "topic", "partition", "member_host", "consumer_id",
                 "client_id"]  # fmt: skip


def lag_exporter_families(
    cluster: str, parts: list[GroupPartition], stages: list[StageLag]
) -> list[GaugeMetricFamily]:
    """kafka-lag-exporter's series and newswire's status label set from one reading (pure)."""
    offset = GaugeMetricFamily(
        "kafka_consumergroup_group_offset",
        "Last committed offset of a consumer group on a partition",
        labels=MEMBER_LABELS,
    )
    lag = GaugeMetricFamily(
        "kafka_consumergroup_group_lag",
        "Records between a group's committed offset and the partition's end",
        labels=MEMBER_LABELS,
    )
    seconds = GaugeMetricFamily(
        "kafka_consumergroup_group_lag_seconds",
        "Age of the oldest record a group has not committed on a partition (0 when caught up)",
        labels=MEMBER_LABELS,
    )
    max_lag = GaugeMetricFamily(
        "kafka_consumergroup_group_max_lag",
        "Largest partition lag of a group",
        labels=["cluster_name", "group"],
    )
    max_seconds = GaugeMetricFamily(
        "kafka_consumergroup_group_max_lag_seconds",
        "Largest partition lag in seconds of a group",
        labels=["cluster_name", "group"],
    )
    sum_lag = GaugeMetricFamily(
        "kafka_consumergroup_group_sum_lag",
        "Lag of a group summed over its partitions",
        labels=["cluster_name", "group"],
    )
    topic_sum = GaugeMetricFamily(
        "kafka_consumergroup_group_topic_sum_lag",
        "Lag of a group on a topic summed over its partitions",
        labels=["cluster_name", "group", "topic"],
    )
    latest = GaugeMetricFamily(
        "kafka_partition_latest_offset",
        "End offset of a partition",
        labels=["cluster_name", "topic", "partition"],
    )
    earliest = GaugeMetricFamily(
        "kafka_partition_earliest_offset",
        "First offset still kept on a partition",
        labels=["cluster_name", "topic", "partition"],
    )
    state = GaugeMetricFamily(
        "newswire_stage_state",
        "1 for the stage's current status (OK, WARN, STALLED, STOPPED, ERROR), 0 for the others",
        labels=["stage", "group", "topic", "state"],
    )
    groups: dict[str, list[GroupPartition]] = collections.defaultdict(list)
    topics: dict[tuple[str, str], int] = collections.defaultdict(int)
    seen: set[tuple[str, int]] = set()
    for r in parts:
        labels = [cluster, r.group, r.topic, str(r.partition), r.member_host, r.consumer_id,
                  r.client_id]  # fmt: skip
        if r.committed is not None:
            offset.add_metric(labels, r.committed)
        lag.add_metric(labels, r.lag)
        seconds.add_metric(labels, r.lag_seconds)
        groups[r.group].append(r)
        topics[(r.group, r.topic)] += r.lag
        if (r.topic, r.partition) not in seen:
            seen.add((r.topic, r.partition))
            latest.add_metric([cluster, r.topic, str(r.partition)], r.end)
            earliest.add_metric([cluster, r.topic, str(r.partition)], r.earliest)
    for group, rows in groups.items():
        max_lag.add_metric([cluster, group], max(r.lag for r in rows))
        max_seconds.add_metric([cluster, group], max(r.lag_seconds for r in rows))
        sum_lag.add_metric([cluster, group], sum(r.lag for r in rows))
    for (group, topic), total in topics.items():
        topic_sum.add_metric([cluster, group, topic], total)
    for row in stages:
        for name in STATES:
            state.add_metric([row.stage, row.group, row.topic, name], int(row.status == name))
    return [offset, lag, seconds, max_lag, max_seconds, sum_lag, topic_sum, latest, earliest,
            state]  # fmt: skip


class _Reading(Collector):
    """Yields the series of the exporter's latest reading at each scrape."""

    def __init__(self, exporter: Exporter) -> None:
        self.exporter = exporter

    def collect(self) -> Any:
        e = self.exporter
        return iter(lag_exporter_families(e.settings.cluster_name, e.partitions, e.latest))


class Exporter:
    def __init__(self, settings: Settings, interval: float = 5.0) -> None:
        self.settings = settings
        self.interval = interval
        self.registry = CollectorRegistry()
        self._define(self.registry)
        self.latest: list[StageLag] = []
        self.partitions: list[GroupPartition] = []
        self.groups = [settings.group(s) for s in (*STAGES, TRENDS)]
        self.registry.register(_Reading(self))
        self.history: collections.deque[dict[str, Any]] = collections.deque()
        self.dead_letters: collections.deque[dict[str, Any]] = collections.deque(maxlen=20)
        self.monitor = LagMonitor(settings)
        self._dlq = open_reader(settings, settings.topic("dlq"), "beginning")

    def _define(self, registry: CollectorRegistry) -> None:
        """newswire's own per-stage series (the kafka-lag-exporter ones come from _Reading)."""
        labels = ["stage", "group", "topic"]
        self.g_lag = Gauge(
            "newswire_consumer_lag",
            "Records in the stage's input topic not yet committed by its group",
            labels,
            registry=registry,
        )
        self.g_seconds = Gauge(
            "newswire_consumer_lag_seconds",
            "Age of the oldest record the stage has not committed (0 when caught up)",
            labels,
            registry=registry,
        )
        self.g_rate = Gauge(
            "newswire_consumer_rate",
            "Records per second the stage's group committed over the window",
            labels,
            registry=registry,
        )
        self.g_members = Gauge(
            "newswire_consumer_members",
            "Live members of the stage's consumer group",
            labels,
            registry=registry,
        )
        self.g_status = Gauge(
            "newswire_stage_status",
            "0 OK, 1 WARN, 2 STALLED, 3 STOPPED, 4 ERROR (also as a label set: "
            "newswire_stage_state)",
            labels,
            registry=registry,
        )
        self.c_dead = Counter(
            "newswire_dlq_records",
            "Dead letters on the dead-letter topic seen by the exporter",
            ["stage", "error_type"],
            registry=registry,
        )

    def _poll_dead_letters(self) -> None:
        for messages in self._dlq.poll(timeout_ms=200, max_records=500).values():
            for m in messages:
                try:
                    d = decode(m.value, DeadLetter)
                except BadInput:
                    continue
                self.c_dead.labels(d.stage, d.error_type).inc()
                self.dead_letters.appendleft(
                    {
                        "stage": d.stage,
                        "error_type": d.error_type,
                        "error": d.error[:300],
                        "topic": d.topic,
                        "partition": d.partition,
                        "offset": d.offset,
                        "failed_at": d.failed_at.isoformat(),
                    }
                )

    def refresh(self) -> None:
        rows = self.monitor.measure(window=0 if self.latest else 1.0)
        self._poll_dead_letters()
        self.partitions = self.monitor.group_partitions(self.groups)
        self.latest = rows
        point: dict[str, Any] = {"at": time.time(), "stages": {}}
        for r in rows:
            lbl = (r.stage, r.group, r.topic)
            self.g_lag.labels(*lbl).set(r.lag)
            self.g_seconds.labels(*lbl).set(r.lag_seconds)
            self.g_rate.labels(*lbl).set(r.rate)
            self.g_members.labels(*lbl).set(r.members)
            self.g_status.labels(*lbl).set(STATUS_CODES.get(r.status, 4))
            point["stages"][r.stage] = {
                "lag": r.lag,
                "lag_seconds": r.lag_seconds,
                "rate": r.rate,
                "status": r.status,
            }
        self.history.append(point)
        while self.history and point["at"] - self.history[0]["at"] > HISTORY_SECONDS:
            self.history.popleft()

    async def loop(self) -> None:
        while True:
            try:
                await asyncio.to_thread(self.refresh)
            except Exception:
                log.exception("lag refresh failed")
            await asyncio.sleep(self.interval)

    # --- HTTP -----------------------------------------------------------------------------
    async def metrics(self, request: web.Request) -> web.Response:
        return web.Response(body=generate_latest(self.registry), content_type="text/plain")

    async def api(self, request: web.Request) -> web.Response:
        worst = max((SEVERITY.get(r.status, 2) for r in self.latest), default=0)
        return web.json_response(
            {
                "stages": [r.as_dict() for r in self.latest],
                "history": list(self.history),
                "dead_letters": list(self.dead_letters),
                "worst": worst,
                "interval": self.interval,
            }
        )

    async def page(self, request: web.Request) -> web.Response:
        return web.Response(text=PAGE.read_text(encoding="utf-8"), content_type="text/html")

    async def healthz(self, request: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})


def serve(settings: Settings, port: int, host: str = "127.0.0.1", interval: float = 5.0) -> None:
    exporter = Exporter(settings, interval)
    app = web.Application()
    app.router.add_get("/", exporter.page)
    app.router.add_get("/metrics", exporter.metrics)
    app.router.add_get("/api/status", exporter.api)
    app.router.add_get("/healthz", exporter.healthz)

    async def start_loop(app: web.Application) -> Any:
        task = asyncio.create_task(exporter.loop())
        yield
        task.cancel()

    app.cleanup_ctx.append(start_loop)
    web.run_app(app, host=host, port=port, print=None)
