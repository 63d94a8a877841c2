"""docker-compose.yml matches the pipeline definition and is valid for docker-compose."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
import yaml

from streams import __version__
from streams.pipeline import PIPELINE
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
    assert workers == {s.name for s in PIPELINE}, (
        "a worker service for a stage the pipeline does not have"
    )


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
