"""Ops on the real broker: a stopped stage is seen as STOPPED by `newswire lag` (exit 2)
while articles keep arriving, drains back to OK when restarted; workers serve metrics; the
lag exporter serves gauges and a status page that a browser renders."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
import urllib.request

import orjson
import pytest

from schemas import RawArticle
from streams.client import Publisher
from streams.pipeline import HEALTH_PATH, METRICS_PATH, READY_PATH
from tests.integration.conftest import _free_port

pytestmark = pytest.mark.integration


def _lag(pipeline) -> tuple[int, dict[str, dict]]:  # type: ignore[no-untyped-def]
    result = pipeline.newswire("lag", "--json", "--window", "2")
    return result.returncode, {r["stage"]: r for r in orjson.loads(result.stdout)}


def _publish(pipeline, start: int, n: int) -> None:  # type: ignore[no-untyped-def]
    with Publisher(pipeline.settings) as pub:
        for i in range(start, start + n):
            pub.publish(
                RawArticle(
                    text=f"Report {i}. The finance ministers of France and Germany met in Brussels on Monday to discuss the budget."
                )
            )


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def test_stopped_stage_is_reported_and_recovers_integration(pipeline) -> None:
    ports = {stage: _free_port() for stage in ("clean", "language", "dedup", "entities")}
    for stage, port in ports.items():
        pipeline.start(stage, web_port=port)
    _publish(pipeline, 0, 10)
    assert len(pipeline.read("enriched", count=10, timeout=180)) == 10, pipeline.logs()

    # the workers' own endpoints
    status, body = _get(f"http://127.0.0.1:{ports['entities']}{METRICS_PATH}")
    assert status == 200
    text = body.decode()
    for series in (
        "newswire_records_in_total",
        "newswire_records_out_total",
        "newswire_processing_seconds_bucket",
        "newswire_batch_seconds_bucket",
        "newswire_batch_size_bucket",
        "newswire_model_load_seconds",
    ):
        assert series in text, series
    assert 'newswire_records_out_total{stage="entities"} 10.0' in text
    # the paths the container health check and the Kubernetes probes ask
    assert _get(f"http://127.0.0.1:{ports['clean']}{HEALTH_PATH}")[0] == 200
    assert _get(f"http://127.0.0.1:{ports['clean']}{READY_PATH}")[0] == 200

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        code, rows = _lag(pipeline)
        if code == 0:
            break
    assert code == 0 and all(r["status"] == "OK" for r in rows.values()), rows

    pipeline.stop("entities")
    _publish(pipeline, 10, 20)
    assert len(pipeline.read("lang", count=30, timeout=120)) == 30
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        code, rows = _lag(pipeline)
        if rows["entities"]["status"] == "STOPPED":
            break
    assert code == 2, rows
    assert (
        rows["entities"]["status"] == "STOPPED"
        and rows["entities"]["lag"] == 20
        and rows["entities"]["members"] == 0
    )
    assert rows["entities"]["lag_seconds"] > 0
    assert rows["clean"]["status"] == "OK" and rows["language"]["status"] == "OK"
    assert pipeline.newswire("lag", "--window", "0", "--max-lag", "5").returncode == 2

    pipeline.start("entities")
    assert len(pipeline.read("enriched", count=30, timeout=180)) == 30, pipeline.logs()
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        code, rows = _lag(pipeline)
        if code == 0:
            break
    assert code == 0 and rows["entities"]["lag"] == 0 and rows["entities"]["lag_seconds"] == 0, rows


def test_lag_exporter_serves_gauges_and_a_status_page_integration(pipeline) -> None:
    port = _free_port()
    exporter = pipeline.start_lag_exporter(port)
    try:
        with Publisher(pipeline.settings) as pub:
            pub.send_bytes(b"not json at all", key=b"bad")
            for i in range(3):
                pub.publish(
                    RawArticle(
                        text=f"Exporter test {i}. Parliament in Rome approved the reform on Thursday."
                    )
                )
        pipeline.start("clean")
        assert len(pipeline.read("dlq", count=1, timeout=120)) == 1
        deadline = time.monotonic() + 60
        text = ""
        while time.monotonic() < deadline:
            status, body = (
                _get(f"http://127.0.0.1:{port}/metrics") if exporter.poll() is None else (0, b"")
            )
            text = body.decode()
            if (
                'newswire_dlq_records_total{error_type="invalid_json",stage="clean"} 1.0' in text
                and "newswire_consumer_lag{" in text
            ):
                break
            time.sleep(1)
        for series in (
            "newswire_consumer_lag{",
            "newswire_consumer_lag_seconds{",
            "newswire_consumer_rate{",
            "newswire_consumer_members{",
            "newswire_stage_status{",
        ):
            assert series in text, series
        assert 'newswire_dlq_records_total{error_type="invalid_json",stage="clean"} 1.0' in text
        status, body = _get(f"http://127.0.0.1:{port}/api/status")
        data = orjson.loads(body)
        assert status == 200 and {s["stage"] for s in data["stages"]} == {
            "clean",
            "language",
            "dedup",
            "entities",
        }
        assert data["dead_letters"][0]["error_type"] == "invalid_json"
        status, body = _get(f"http://127.0.0.1:{port}/")
        assert status == 200 and b"newswire pipeline status" in body

        chromium = shutil.which("chromium") or shutil.which("chromium-browser")
        if chromium is None:
            pytest.fail("chromium is not installed: `make test` installs it (make system-test)")
        shot = pipeline.tmp / "status.png"

        def headless(profile: str, *args: str) -> list[str]:
            return [
                chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", f"--user-data-dir={pipeline.tmp / profile}",
                "--virtual-time-budget=5000", *args, f"http://127.0.0.1:{port}/",
            ]  # fmt: skip

        dom = subprocess.run(
            headless("chrome", "--dump-dom"),
            capture_output=True,
            timeout=120,
            check=False,
        )
        html = dom.stdout.decode()
        assert 'data-stage="clean"' in html and 'data-stage="entities"' in html, (
            dom.stderr.decode()[-2000:]
        )
        assert "invalid_json" in html  # the dead letter is listed
        subprocess.run(
            headless("chrome2", "--window-size=1280,900", f"--screenshot={shot}"),
            capture_output=True,
            timeout=120,
            check=False,
        )
        assert shot.exists() and shot.stat().st_size > 10_000
        if os.environ.get("NEWSWIRE_SCREENSHOT"):
            shutil.copy(shot, os.environ["NEWSWIRE_SCREENSHOT"])
    finally:
        pipeline.stop("lag")
