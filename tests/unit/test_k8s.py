"""The Kubernetes manifests (deploy/k8s, kustomize): current with the pipeline definition,
rendered by `kubectl kustomize`, and naming what the code uses: image, stage arguments,
ports and probe paths of the worker's web server, settings the code reads, consumer groups
and topics for the lag-based autoscaling. Rendered and checked here, not run on a cluster."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest
import yaml

from streams import __version__
from streams.pipeline import HEALTH_PATH, METRICS_PATH, PIPELINE, READY_PATH
from streams.settings import Settings
from tests.conftest import ROOT

sys.path.insert(0, str(ROOT / "tools"))
import k8s


def test_the_manifests_are_current() -> None:
    stale = [
        name
        for name, docs in k8s.manifests().items()
        if (k8s.OUT / name).read_text("utf-8") != k8s.render(docs)
    ]
    assert not stale, f"run `make k8s`: stale {stale}"


@pytest.fixture(scope="module")
def rendered() -> list[dict]:
    kubectl = shutil.which("kubectl")
    if kubectl is None:
        pytest.fail("kubectl is missing: `make test` installs it (Debian's kubernetes-client)")
    out = subprocess.run(
        [kubectl, "kustomize", str(k8s.OUT)], capture_output=True, text=True, check=True
    ).stdout
    return [d for d in yaml.safe_load_all(out) if d]


def _get(docs: list[dict], kind: str, name: str) -> dict:
    found = [d for d in docs if d["kind"] == kind and d["metadata"]["name"] == name]
    assert len(found) == 1, f"{kind} {name}: {len(found)} found"
    return found[0]


def test_a_deployment_per_stage_with_its_port_and_probes(rendered: list[dict]) -> None:
    for s in PIPELINE:
        dep = _get(rendered, "Deployment", f"newswire-{s.name}")
        (c,) = dep["spec"]["template"]["spec"]["containers"]
        assert c["image"] == f"newswire:{__version__}"
        assert c["args"] == ["worker", "--stage", s.name, "--web-port", str(s.web_port)]
        assert c["ports"] == [{"name": "http", "containerPort": s.web_port}]
        # the paths the worker serves (tests/integration/test_ops_integration.py asks them)
        assert c["readinessProbe"]["httpGet"] == {"path": READY_PATH, "port": s.web_port}
        assert c["livenessProbe"]["httpGet"] == {"path": HEALTH_PATH, "port": s.web_port}
        assert c["resources"]["limits"]["memory"] and c["resources"]["requests"]["memory"]
        service = _get(rendered, "Service", f"newswire-{s.name}")
        assert service["spec"]["ports"][0]["port"] == s.web_port


def test_every_setting_in_the_config_map_is_one_the_code_reads(rendered: list[dict]) -> None:
    data = _get(rendered, "ConfigMap", "newswire")["data"]
    fields = {f"NEWSWIRE_{name.upper()}" for name in Settings.model_fields}
    assert set(data) <= fields, set(data) - fields
    Settings(**{k.removeprefix("NEWSWIRE_").lower(): v for k, v in data.items()})


def test_autoscaling_reads_each_stage_group_lag_and_stops_at_the_partitions(
    rendered: list[dict],
) -> None:
    settings = Settings()
    for s in PIPELINE:
        so = _get(rendered, "ScaledObject", f"newswire-{s.name}")
        trigger = so["spec"]["triggers"][0]
        assert trigger["type"] == "kafka"
        assert trigger["metadata"]["consumerGroup"] == settings.group(s.name)
        assert trigger["metadata"]["topic"] == settings.topic(s.consumes)
        assert so["spec"]["maxReplicaCount"] == settings.partitions
        assert so["spec"]["scaleTargetRef"]["name"] == f"newswire-{s.name}"


def test_the_topic_job_the_lag_exporter_and_the_pod_monitor(rendered: list[dict]) -> None:
    job = _get(rendered, "Job", "newswire-topics")
    assert job["spec"]["template"]["spec"]["containers"][0]["args"] == ["topics", "create"]
    lag = _get(rendered, "Deployment", "newswire-lag")
    assert lag["spec"]["template"]["spec"]["containers"][0]["args"][:2] == ["lag", "--serve"]
    monitor = _get(rendered, "PodMonitor", "newswire")
    assert monitor["spec"]["podMetricsEndpoints"] == [{"port": "http", "path": METRICS_PATH}]
