"""Write the Kubernetes manifests (kustomize) in deploy/k8s/ from the pipeline definition.

    python tools/k8s.py            (make k8s; a test fails when the files are stale)

One Deployment per stage (its port, readiness on /readyz, liveness on /healthz, memory from
the peaks measured by `make bench-pipeline`), a Service per stage for its metrics, a
PodMonitor for the Prometheus operator, a KEDA ScaledObject per stage on its consumer group's
lag capped at the partition count, the topic Job, the lag exporter, and a ConfigMap with the
settings. These are rendered and checked here (`kubectl kustomize`), not run on a cluster.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from streams import __version__  # noqa: E402
from streams.pipeline import (  # noqa: E402
    HEALTH_PATH,
    METRICS_PATH,
    PIPELINE,
    READY_PATH,
    TRENDS,
    TRENDS_WEB_PORT,
)
from streams.settings import Settings  # noqa: E402

OUT = ROOT / "deploy" / "k8s"
IMAGE = f"newswire:{__version__}"
LAG_PORT = 9108
#: requests and limits per stage, from the peak memory `make bench-pipeline` measured per
#: worker (docs/PERFORMANCE.md: clean 96 MB, language 487 MB, entities 375 MB) with headroom
MEMORY = {
    "clean": ("192Mi", "384Mi"),
    "language": ("640Mi", "1Gi"),
    "dedup": ("512Mi", "768Mi"),  # the fingerprint index: up to 1,000,000 at ~260 bytes
    "trends": ("256Mi", "768Mi"),  # counts of a day window and the one before
    "entities": ("512Mi", "1Gi"),
}
DEFAULT_MEMORY = ("512Mi", "1Gi")
CPU = {"clean": "250m", "language": "500m", "dedup": "250m", "entities": "1", "trends": "250m"}


def labels(component: str) -> dict[str, str]:
    return {"app.kubernetes.io/name": "newswire", "app.kubernetes.io/component": component}


def container(name: str, args: list[str], port: int | None) -> dict[str, Any]:
    c: dict[str, Any] = {
        "name": name,
        "image": IMAGE,
        "args": args,
        "envFrom": [{"configMapRef": {"name": "newswire"}}],
        "securityContext": {"runAsNonRoot": True, "allowPrivilegeEscalation": False},
    }
    if port is not None:
        c["ports"] = [{"name": "http", "containerPort": port}]
    return c


def deployment(component: str, c: dict[str, Any], **pod: Any) -> dict[str, Any]:
    """One replica of a pod with this container (the autoscaler adds more)."""
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": f"newswire-{component}", "labels": labels(component)},
        "spec": {
            "replicas": 1,
            "selector": {"matchLabels": labels(component)},
            "template": {
                "metadata": {"labels": labels(component)},
                "spec": {**pod, "containers": [c]},
            },
        },
    }


def stage_deployment(stage: str, port: int) -> dict[str, Any]:
    request, limit = MEMORY.get(stage, DEFAULT_MEMORY)
    c = container(stage, ["worker", "--stage", stage, "--web-port", str(port)], port)
    c["readinessProbe"] = {
        "httpGet": {"path": READY_PATH, "port": port},
        "periodSeconds": 10,
        "failureThreshold": 3,
    }
    c["livenessProbe"] = {
        "httpGet": {"path": HEALTH_PATH, "port": port},
        "initialDelaySeconds": 60,
        "periodSeconds": 20,
        "failureThreshold": 3,
    }
    c["startupProbe"] = {
        "httpGet": {"path": HEALTH_PATH, "port": port},
        "periodSeconds": 5,
        "failureThreshold": 60,
    }
    c["resources"] = {
        "requests": {"memory": request, "cpu": CPU.get(stage, "500m")},
        "limits": {"memory": limit},
    }
    # longer than a worker's drain: the batch in hand is finished and committed
    return deployment(stage, c, terminationGracePeriodSeconds=60)


def service(component: str, port: int) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": f"newswire-{component}", "labels": labels(component)},
        "spec": {
            "selector": labels(component),
            "ports": [{"name": "http", "port": port, "targetPort": port}],
        },
    }


def scaled_object(stage: str, settings: Settings, source: str) -> dict[str, Any]:
    return {
        "apiVersion": "keda.sh/v1alpha1",
        "kind": "ScaledObject",
        "metadata": {"name": f"newswire-{stage}", "labels": labels(stage)},
        "spec": {
            "scaleTargetRef": {"name": f"newswire-{stage}"},
            "minReplicaCount": 1,
            # more consumers than partitions would sit idle
            "maxReplicaCount": settings.partitions,
            "triggers": [
                {
                    "type": "kafka",
                    "metadata": {
                        "bootstrapServers": "kafka:9092",
                        "consumerGroup": settings.group(stage),
                        "topic": source,
                        "lagThreshold": "200",
                        "offsetResetPolicy": "earliest",
                    },
                }
            ],
        },
    }


def manifests() -> dict[str, list[dict[str, Any]]]:
    settings = Settings()
    files: dict[str, list[dict[str, Any]]] = {}
    files["configmap.yaml"] = [
        {
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": {"name": "newswire", "labels": labels("config")},
            "data": {
                "NEWSWIRE_BOOTSTRAP_SERVERS": "kafka:9092",
                "NEWSWIRE_TOPIC_PREFIX": "",
                "NEWSWIRE_PARTITIONS": str(settings.partitions),
                "NEWSWIRE_REPLICATION_FACTOR": "3",
                "NEWSWIRE_WEB_HOST": "0.0.0.0",
                "NEWSWIRE_HOME": "/tmp/newswire",
            },
        }
    ]
    files["topics-job.yaml"] = [
        {
            "apiVersion": "batch/v1",
            "kind": "Job",
            "metadata": {"name": "newswire-topics", "labels": labels("topics")},
            "spec": {
                "backoffLimit": 10,
                "template": {
                    "metadata": {"labels": labels("topics")},
                    "spec": {
                        "restartPolicy": "OnFailure",
                        "containers": [container("topics", ["topics", "create"], None)],
                    },
                },
            },
        }
    ]
    for s in PIPELINE:
        files[f"{s.name}.yaml"] = [
            stage_deployment(s.name, s.web_port),
            service(s.name, s.web_port),
            scaled_object(s.name, settings, settings.topic(s.consumes)),
        ]
    # one trends worker per partition at most; it scales by partitions like a stage
    files[f"{TRENDS}.yaml"] = [
        stage_deployment(TRENDS, TRENDS_WEB_PORT),
        service(TRENDS, TRENDS_WEB_PORT),
    ]
    lag = container("lag", ["lag", "--serve", str(LAG_PORT)], LAG_PORT)
    lag["readinessProbe"] = {"httpGet": {"path": "/api/status", "port": LAG_PORT}}
    files["lag-exporter.yaml"] = [
        deployment("lag", lag),
        service("lag", LAG_PORT),
    ]
    files["podmonitor.yaml"] = [
        {
            "apiVersion": "monitoring.coreos.com/v1",
            "kind": "PodMonitor",
            "metadata": {"name": "newswire", "labels": labels("metrics")},
            "spec": {
                "selector": {"matchLabels": {"app.kubernetes.io/name": "newswire"}},
                "podMetricsEndpoints": [{"port": "http", "path": METRICS_PATH}],
            },
        }
    ]
    files["kustomization.yaml"] = [
        {
            "apiVersion": "kustomize.config.k8s.io/v1beta1",
            "kind": "Kustomization",
            "resources": sorted(f for f in files if f != "kustomization.yaml"),
        }
    ]
    return files


HEADER = "# written by tools/k8s.py from streams/pipeline.py: edit that, then `make k8s`\n"


def render(docs: list[dict[str, Any]]) -> str:
    return HEADER + "---\n".join(yaml.safe_dump(d, sort_keys=False) for d in docs)


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, docs in manifests().items():
        (OUT / name).write_text(render(docs), "utf-8")
        print(f"wrote {OUT / name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
