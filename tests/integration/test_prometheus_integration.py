"""A real Prometheus (Debian's) scrapes the four stage workers and the lag exporter with the
scrape config and alert rules in deploy/prometheus/: the series arrive, kafka-lag-exporter's
per-partition lag is there for every group, every Grafana panel's query runs, the rules load
healthy, and a worker that stops raises NewswireWorkerDown. The live expositions pass
`promtool check metrics`."""

from __future__ import annotations

import shutil
import subprocess
import time
import urllib.parse
import urllib.request
from typing import Any

import orjson
import pytest
import yaml

from schemas import RawArticle
from streams.client import Publisher
from streams.pipeline import METRICS_PATH, STAGES
from tests.integration.conftest import ROOT, _free_port, stop_process

pytestmark = pytest.mark.integration

PROM_DIR = ROOT / "deploy" / "prometheus"
DASHBOARD = ROOT / "deploy" / "grafana" / "newswire.json"


def _get(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=10) as r:
        return orjson.loads(r.read())


def _wait(what: str, timeout: float, check: Any) -> Any:
    deadline = time.monotonic() + timeout
    last: Any = None
    while time.monotonic() < deadline:
        try:
            last = check()
        except OSError as exc:
            last = exc
        else:
            if last:
                return last
        time.sleep(1)
    raise AssertionError(f"{what} within {timeout}s; last: {last!r}")


def test_prometheus_scrapes_the_pipeline_and_runs_the_rules_integration(pipeline) -> None:  # type: ignore[no-untyped-def]
    prometheus, promtool = shutil.which("prometheus"), shutil.which("promtool")
    if not prometheus or not promtool:
        pytest.fail("prometheus is missing: `make test` installs Debian's prometheus package")
    ports = {stage: _free_port() for stage in STAGES}
    for stage, port in ports.items():
        pipeline.start(stage, web_port=port)
    lag_port = _free_port()
    pipeline.start_lag_exporter(lag_port)
    prom_port = _free_port()
    config = yaml.safe_load((PROM_DIR / "prometheus.yml").read_text())
    config["global"] = {"scrape_interval": "1s", "evaluation_interval": "1s"}
    config["rule_files"] = [str(PROM_DIR / "rules.yml")]
    for job in config["scrape_configs"]:
        if job["job_name"] == "newswire-workers":
            job["static_configs"] = [{"targets": [f"127.0.0.1:{p}" for p in ports.values()]}]
        else:
            job["static_configs"] = [{"targets": [f"127.0.0.1:{lag_port}"]}]
    cfg = pipeline.tmp / "prometheus.yml"
    cfg.write_text(yaml.safe_dump(config))
    prom = subprocess.Popen(
        [prometheus, f"--config.file={cfg}", f"--storage.tsdb.path={pipeline.tmp / 'tsdb'}",
         f"--web.listen-address=127.0.0.1:{prom_port}"],
        stdout=open(pipeline.tmp / "prometheus.log", "ab"), stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip
    api = f"http://127.0.0.1:{prom_port}/api/v1"

    def query(q: str) -> list[dict[str, Any]]:
        body = _get(f"{api}/query?" + urllib.parse.urlencode({"query": q}))
        assert body["status"] == "success", body
        return list(body["data"]["result"])

    try:
        with Publisher(pipeline.settings) as pub:
            pub.send_bytes(b"not json", key=b"bad")
            for i in range(6):
                pub.publish(
                    RawArticle(
                        text=f"Prometheus {i}. The mayor of Lyon opened the new bridge on Monday."
                    )
                )
        assert len(pipeline.read("enriched", count=6, timeout=240)) == 6, pipeline.logs()

        # every worker's output counted, as Prometheus stored it
        out = _wait(
            "records_out for every stage",
            90,
            lambda: (
                {
                    r["metric"]["stage"]: float(r["value"][1])
                    for r in query("sum by (stage) (newswire_records_out_total)")
                }
                if len(query("sum by (stage) (newswire_records_out_total) >= 6")) == len(STAGES)
                else None
            ),
        )
        assert set(out) == set(STAGES)
        e2e = query('newswire_end_to_end_seconds_count{stage="entities"}')
        assert e2e and float(e2e[0]["value"][1]) >= 6

        # kafka-lag-exporter's series: per partition, for every stage's group
        def every_group() -> list[dict[str, Any]] | None:
            rows = query("kafka_consumergroup_group_lag")
            return rows if len({x["metric"]["group"] for x in rows}) >= len(STAGES) else None

        lags = _wait("kafka_consumergroup_group_lag for every group", 60, every_group)
        assert all(
            {"cluster_name", "topic", "partition", "member_host"} <= x["metric"].keys()
            for x in lags
        )
        assert query("kafka_partition_latest_offset")
        # the status as a label set: one current state per stage, OK once drained
        _wait(
            "every stage OK",
            90,
            lambda: len(query('newswire_stage_state{state="OK"} == 1')) == len(STAGES),
        )
        dead = query("sum(newswire_dlq_records_total)")
        assert dead and float(dead[0]["value"][1]) == 1
        assert {r["metric"]["instance"] for r in query('up{job="newswire-workers"} == 1')} == {
            f"127.0.0.1:{p}" for p in ports.values()
        }

        # the alert rules are loaded and healthy
        groups = _get(f"{api}/rules")["data"]["groups"]
        rules = [r for g in groups for r in g["rules"]]
        assert len(rules) >= 7 and all(r["health"] == "ok" for r in rules), rules

        # every dashboard query is valid PromQL on this server, and returns data (the trends
        # panels' series come from the trends worker, which this test does not run: their
        # queries must still parse; tests/integration/test_trends_integration.py reads the
        # worker's own exposition)
        board = orjson.loads(DASHBOARD.read_bytes())
        empty = []
        for panel in board["panels"]:
            for target in panel["targets"]:
                rows = query(target["expr"])  # a query Prometheus refuses fails here
                if not rows and "newswire_trends_" not in target["expr"]:
                    empty.append(panel["title"])
        assert not empty, f"panels without data: {empty}"

        # the live expositions parse with Prometheus' own parser
        for port in (ports["entities"], lag_port):
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{METRICS_PATH}", timeout=10) as r:
                text = r.read()
            lint = subprocess.run([promtool, "check", "metrics"], input=text, capture_output=True)
            assert lint.returncode == 0, lint.stdout.decode() + lint.stderr.decode()

        # a worker stops: its target goes down and the alert becomes pending, then firing
        pipeline.stop("entities")
        instance = f"127.0.0.1:{ports['entities']}"
        alert = _wait(
            "NewswireWorkerDown",
            60,
            lambda: [
                a
                for a in _get(f"{api}/alerts")["data"]["alerts"]
                if a["labels"]["alertname"] == "NewswireWorkerDown"
                and a["labels"]["instance"] == instance
            ],
        )
        assert (
            alert[0]["state"] in ("pending", "firing")
            and alert[0]["labels"]["severity"] == "critical"
        )
    finally:
        stop_process(prom, timeout=30)
