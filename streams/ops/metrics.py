"""Prometheus metrics of a stage worker, served at /metrics on its web port.

Every series is named ``newswire_…`` and labelled by ``stage``."""

from __future__ import annotations

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    PlatformCollector,
    ProcessCollector,
)

REGISTRY = CollectorRegistry(auto_describe=True)
# process_resident_memory_bytes, process_cpu_seconds_total, … and python_info
ProcessCollector(registry=REGISTRY)
PlatformCollector(registry=REGISTRY)

RECORDS_IN = Counter(
    "newswire_records_in", "Records a stage read from its input topic", ["stage"], registry=REGISTRY
)
RECORDS_OUT = Counter(
    "newswire_records_out", "Records a stage sent to its output topic", ["stage"], registry=REGISTRY
)
DEAD_LETTERS = Counter(
    "newswire_dead_letters",
    "Records a stage sent to the dead-letter topic",
    ["stage", "error_type"],
    registry=REGISTRY,
)
PARTIAL = Counter(
    "newswire_partial_records",
    "Records a stage delivered flagged partial: it ran past its time budget on them",
    ["stage"],
    registry=REGISTRY,
)
RECORD_SECONDS = Histogram(
    "newswire_processing_seconds",
    "Processing time per record (the batch's time shared out)",
    ["stage"],
    buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
    registry=REGISTRY,
)
BATCH_SECONDS = Histogram(
    "newswire_batch_seconds",
    "Time to process and send one batch",
    ["stage"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60),
    registry=REGISTRY,
)
BATCH_SIZE = Histogram(
    "newswire_batch_size",
    "Records per batch",
    ["stage"],
    buckets=(1, 2, 4, 8, 16, 32, 64, 128, 256),
    registry=REGISTRY,
)
MODEL_LOAD_SECONDS = Gauge(
    "newswire_model_load_seconds",
    "Time to load a model at start-up",
    ["stage", "model"],
    registry=REGISTRY,
)
UP = Gauge("newswire_worker_up", "1 while the worker runs", ["stage"], registry=REGISTRY)
DUPLICATES = Counter(
    "newswire_duplicates_suppressed",
    "Records not sent again because the output topic already has them",
    ["stage"],
    registry=REGISTRY,
)
TRENDS_WINDOWS = Counter(
    "newswire_trends_windows",
    "Windows the trends worker closed and sent to entities.trending",
    ["window"],
    registry=REGISTRY,
)
TRENDS_LATE = Counter(
    "newswire_trends_late",
    "Mentions that arrived after their window had closed (left out of the counts)",
    registry=REGISTRY,
)
TRENDS_WATERMARK = Gauge(
    "newswire_trends_watermark_seconds",
    "A trends shard's watermark (seconds since the epoch): windows before it are sent; time() "
    "minus it is how far the counts are behind",
    ["partition"],
    registry=REGISTRY,
)
TRENDS_BURST = Gauge(
    "newswire_trends_burst",
    "The burst score of the top rising entities of each window size's latest window",
    ["window", "entity"],
    registry=REGISTRY,
)
TRENDS_REBUILD_SECONDS = Histogram(
    "newswire_trends_rebuild_seconds",
    "Time to rebuild one partition's trends state from its topic after an assignment",
    ["state"],
    registry=REGISTRY,
)
END_TO_END_SECONDS = Histogram(
    "newswire_end_to_end_seconds",
    "From an article's first publish (its newswire-published-ms header, else its Kafka "
    "timestamp) to the broker's acknowledgement of this stage's output",
    ["stage"],
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 900, 3600),
    registry=REGISTRY,
)
REBALANCES = Counter(
    "newswire_rebalances",
    "Partition assignments a worker received (each rebalance of its consumer group)",
    ["stage"],
    registry=REGISTRY,
)
ASSIGNED_PARTITIONS = Gauge(
    "newswire_assigned_partitions",
    "Partitions of its input topic assigned to this worker now",
    ["stage"],
    registry=REGISTRY,
)
