"""docker-compose.yml matches the pipeline definition and is valid for docker-compose."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
import yaml

from streams import __version__
from streams.pipeline import PIPELINE, TRENDS, TRENDS_WEB_PORT
from tests.conftest import ROOT


def _compose() -> dict:  # type: ignore[type-arg]
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())  # type: ignore[no-any-return]


def test_every_stage_has_its_service_command_and_port() -> None:
    services = _compose()["services"]
    for s in PIPELINE:
        assert s.name in services, f"docker-compose.yml has no service for the {s.name} stage"
        command = services[s.name]["command"]
        assert command[command.index("--stage") + 1] == s.name
        assert int(command[command.index("--web-port") + 1]) == s.web_port
        assert any(str(s.web_port) in str(p) for p in services[s.name].get("ports", []))
    workers = {name for name, svc in services.items() if "worker" in (svc.get("command") or [])}
    assert workers == {s.name for s in PIPELINE} | {TRENDS}, (
        "a worker service for a stage the pipeline does not have"
    )
    command = services[TRENDS]["command"]
    assert command[command.index("--stage") + 1] == TRENDS
    assert int(command[command.index("--web-port") + 1]) == TRENDS_WEB_PORT


def test_the_image_tag_is_the_package_version() -> None:
    image = _compose()["x-newswire"]["image"]
    m = re.fullmatch(r"newswire:\$\{NEWSWIRE_VERSION:-([^}]+)\}", image)
    assert m and m.group(1) == __version__, image


def test_compose_file_is_valid_for_docker_compose() -> None:
    exe = shutil.which("docker-compose")
    if exe is None:
        pytest.fail("docker-compose is not installed: `make test` installs it (make system)")
    result = subprocess.run(
        [exe, "config", "--services"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert {"kafka", "topics", *(s.name for s in PIPELINE)} <= set(result.stdout.split())
    config = subprocess.run(
        [exe, "config"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    assert "apache/kafka:4.1.1" in config
    pom = (ROOT / "streams/ops/kafka/pom.xml").read_text()
    assert (
        "<kafka.version>4.1.1</kafka.version>" in pom
    )  # the compose image and the local broker agree


def _compose() -> dict:
    import yaml

    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_the_broker_listens_for_containers_and_for_the_host() -> None:
    kafka = _compose()["services"]["kafka"]
    env = kafka["environment"]
    advertised = env["KAFKA_ADVERTISED_LISTENERS"]
    assert "INTERNAL://kafka:29092" in advertised and "EXTERNAL://localhost:" in advertised
    assert any(p.startswith("127.0.0.1:") and p.endswith(":9092") for p in kafka["ports"])
    # the workers use the internal listener
    workers = _compose()["x-newswire"]["environment"]
    assert workers["NEWSWIRE_BOOTSTRAP_SERVERS"] == "kafka:29092"


def test_the_broker_keeps_its_data_on_the_volume() -> None:
    kafka = _compose()["services"]["kafka"]
    log_dirs = kafka["environment"]["KAFKA_LOG_DIRS"]
    assert any(v.split(":")[1] == log_dirs for v in kafka["volumes"])


def test_base_images_are_variables_with_the_public_images_as_defaults() -> None:
    compose = (ROOT / "docker-compose.yml").read_text()
    assert "${KAFKA_IMAGE:-apache/kafka:4.1.1}" in compose
    assert "${PYTHON_IMAGE:-python:3.11-slim}" in compose
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert (
        "ARG PYTHON_IMAGE=python:3.11-slim" in dockerfile and "FROM ${PYTHON_IMAGE}" in dockerfile
    )


def test_workers_drain_before_they_are_killed_and_every_service_is_checked() -> None:
    import re

    services = _compose()["services"]
    shared = _compose()["x-newswire"]
    grace = re.fullmatch(r"(\d+)s", shared["stop_grace_period"])
    assert grace and int(grace.group(1)) >= 30
    assert "HEALTHCHECK" in (ROOT / "Dockerfile").read_text()  # the workers' /readyz
    assert "healthcheck" in services["kafka"] and "healthcheck" in services["lag"]


def test_the_image_builds_tables_inside_the_installed_package_and_runs_one_stage() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    # the builders run from outside the source folder, after a non-editable install
    assert "pip install --no-deps ." in dockerfile
    assert (
        "cd / && python -m streams.build.ngrams && python -m streams.build.gazetteer" in dockerfile
    )
    assert "USER 10001" in dockerfile  # numeric: Kubernetes can verify runAsNonRoot
    assert 'CMD ["worker", "--stage", "all"]' not in dockerfile
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {".venv", ".git", "streams/models", "mutants"} <= set(ignored)


@pytest.mark.parametrize(
    ("argv", "port"),
    [
        (["newswire", "worker", "--stage", "clean", "--web-port", "7001"], 7001),
        (["newswire", "worker", "--stage", "language"], 6068),
        (["newswire", "worker", "--web-port=7002"], 7002),
        (["newswire", "lag", "--serve", "9108"], None),
    ],
)
def test_the_health_check_finds_the_workers_port(argv: list[str], port: int | None) -> None:
    from streams.ops.healthcheck import port_from_command

    assert port_from_command(argv) == port
