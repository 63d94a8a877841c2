"""Writes deploy/grafana/newswire.json, the Grafana dashboard for a newswire pipeline, from
the panel list below (`python tools/grafana.py`). Import it in Grafana (Dashboards > Import)
and pick the Prometheus data source that scrapes the workers and `newswire lag --serve`.

tests/unit/test_observability.py checks that every metric a panel's query names is one the
code exports."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson

OUT = Path(__file__).resolve().parents[1] / "deploy" / "grafana" / "newswire.json"
DS = {"type": "prometheus", "uid": "${datasource}"}

# (title, unit, [(query, legend)], width, description)
PANELS: list[tuple[str, str, list[tuple[str, str]], int, str]] = [
    (
        "Stage status",
        "none",
        [("max by (stage, state) (newswire_stage_state == 1)", "{{stage}}: {{state}}")],
        24,
        "The status of each stage as the lag exporter judges it over its window "
        "(OK, WARN, STALLED, STOPPED, ERROR).",
    ),
    (
        "Throughput per stage (records/s out)",
        "ops",
        [
            ("sum by (stage) (rate(newswire_records_out_total[5m]))", "{{stage}} out"),
            ("sum by (stage) (rate(newswire_records_in_total[5m]))", "{{stage}} in"),
        ],
        12,
        "Records each stage read and sent on, per second.",
    ),
    (
        "Lag (records)",
        "short",
        [
            ("max by (stage) (newswire_consumer_lag)", "{{stage}}"),
            ("sum by (group, topic) (kafka_consumergroup_group_lag)", "{{group}} on {{topic}}"),
        ],
        12,
        "Records waiting per stage, and per group and topic in kafka-lag-exporter's terms.",
    ),
    (
        "Lag (seconds)",
        "s",
        [
            ("max by (stage) (newswire_consumer_lag_seconds)", "{{stage}}"),
            ("max by (group) (kafka_consumergroup_group_max_lag_seconds)", "{{group}} (max)"),
        ],
        12,
        "Age of the oldest record each stage has not processed (0 when caught up).",
    ),
    (
        "End-to-end latency (publish to stage output)",
        "s",
        [
            (
                f"histogram_quantile({q}, sum by (le, stage) "
                "(rate(newswire_end_to_end_seconds_bucket[5m])))",
                f"{{{{stage}}}} p{int(q * 100)}",
            )
            for q in (0.5, 0.95, 0.99)
        ],
        12,
        "From an article's publish to the broker's acknowledgement of each stage's output.",
    ),
    (
        "Dead letters by error type (per second)",
        "ops",
        [
            (
                "sum by (stage, error_type) (rate(newswire_dlq_records_total[5m]))",
                "{{stage}}/{{error_type}}",
            )
        ],
        12,
        "Inputs sent to articles.dlq, by stage and error type.",
    ),
    (
        "Processing time per record (p95)",
        "s",
        [
            (
                "histogram_quantile(0.95, sum by (le, stage) "
                "(rate(newswire_processing_seconds_bucket[5m])))",
                "{{stage}}",
            )
        ],
        12,
        "Time a stage's processor spends per record.",
    ),
    (
        "Memory (resident)",
        "bytes",
        [('process_resident_memory_bytes{job="newswire-workers"}', "{{instance}}")],
        12,
        "Resident memory of each worker process.",
    ),
    (
        "Rebalances (per 15 minutes)",
        "short",
        [
            ("sum by (stage) (increase(newswire_rebalances_total[15m]))", "{{stage}}"),
            ("sum by (stage) (newswire_assigned_partitions)", "{{stage}} partitions"),
        ],
        12,
        "Partition assignments received by the workers; many in a row mean workers that "
        "keep leaving their group (crashes, long pauses).",
    ),
    (
        "Partition end offsets",
        "short",
        [("sum by (topic) (kafka_partition_latest_offset)", "{{topic}}")],
        12,
        "Records ever written per topic (the end offsets, summed over partitions).",
    ),
    (
        "Rising entities (burst score of the latest window)",
        "short",
        [("max by (window, entity) (newswire_trends_burst)", "{{window}} {{entity}}")],
        12,
        "The top rising entities of each window size's latest window: how far above its own "
        "baseline each is named ((articles - mean) / sqrt(variance + mean + 1)); "
        "`newswire trends --rising` lists them.",
    ),
    (
        "Trends watermark delay (seconds behind the clock)",
        "s",
        [
            (
                "time() - min by (partition) (newswire_trends_watermark_seconds)",
                "shard {{partition}}",
            )
        ],
        12,
        "How far each trends shard's watermark is behind now: windows before it are sent. In "
        "event time a replay of archives is days behind while it runs; live, a delay that "
        "keeps growing is a stalled source partition or trends worker.",
    ),
]


def dashboard() -> dict[str, Any]:
    panels = []
    x = y = 0
    for i, (title, unit, queries, width, description) in enumerate(PANELS, 1):
        if x + width > 24:
            x, y = 0, y + 8
        panels.append(
            {
                "id": i,
                "type": "state-timeline" if title == "Stage status" else "timeseries",
                "title": title,
                "description": description,
                "datasource": DS,
                "gridPos": {"h": 8, "w": width, "x": x, "y": y},
                "fieldConfig": {"defaults": {"unit": unit}, "overrides": []},
                "options": {"legend": {"displayMode": "list", "placement": "bottom"}},
                "targets": [
                    {"refId": chr(65 + j), "datasource": DS, "expr": q, "legendFormat": legend}
                    for j, (q, legend) in enumerate(queries)
                ],
            }
        )
        x += width
    return {
        "title": "newswire pipeline",
        "uid": "newswire-pipeline",
        "tags": ["newswire", "kafka"],
        "timezone": "utc",
        "schemaVersion": 39,
        "version": 1,
        "refresh": "30s",
        "time": {"from": "now-6h", "to": "now"},
        "templating": {
            "list": [
                {
                    "name": "datasource",
                    "type": "datasource",
                    "query": "prometheus",
                    "label": "Prometheus",
                }
            ]
        },
        "panels": panels,
    }


def main() -> None:
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_bytes(orjson.dumps(dashboard(), option=orjson.OPT_INDENT_2) + b"\n")
    print(f"wrote {OUT.relative_to(Path.cwd()) if OUT.is_relative_to(Path.cwd()) else OUT}")


if __name__ == "__main__":
    main()
