"""A local single-node Apache Kafka (KRaft) for machines without Docker.

The broker's jars come from Maven Central through the ``pom.xml`` beside this file (resolved
once into Maven's cache; the classpath is remembered under ``settings.home``), or from an
unpacked Kafka distribution when ``KAFKA_HOME`` / ``NEWSWIRE_KAFKA_HOME`` is set.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import socket
import subprocess
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from streams.settings import Settings

HERE = Path(__file__).resolve().parent
POM = HERE / "pom.xml"
LOG4J = HERE / "log4j2.properties"


class KafkaError(RuntimeError):
    """The local broker could not be set up, started or stopped."""


@dataclass
class BrokerStatus:
    running: bool
    reachable: bool
    pid: int | None
    bootstrap: str
    log: Path

    def describe(self) -> str:
        if self.reachable:
            owner = f"pid {self.pid}" if self.pid else "not started by newswire"
            return f"Kafka is serving metadata at {self.bootstrap} ({owner}); log: {self.log}"
        if self.running:
            return (
                f"Kafka process {self.pid} is running but {self.bootstrap} does not answer "
                f"yet; log: {self.log}"
            )
        return f"no Kafka broker at {self.bootstrap}"


def _dir(settings: Settings) -> Path:
    d = settings.home.resolve() / "kafka"
    d.mkdir(parents=True, exist_ok=True)
    return d


def _kafka_home(settings: Settings) -> Path | None:
    home = settings.kafka_home or (
        Path(os.environ["KAFKA_HOME"]) if os.environ.get("KAFKA_HOME") else None
    )
    return home if home and (home / "libs").is_dir() else None


def classpath(settings: Settings) -> str:
    """The broker's classpath: KAFKA_HOME's libs, or Maven's resolution of pom.xml (cached)."""
    home = _kafka_home(settings)
    if home is not None:
        return str(home / "libs" / "*")
    digest = hashlib.sha256(POM.read_bytes()).hexdigest()[:12]
    cached = _dir(settings) / f"classpath-{digest}.txt"
    if cached.exists() and all(Path(p).exists() for p in cached.read_text().split(os.pathsep) if p):
        return cached.read_text().strip()
    mvn = shutil.which("mvn")
    if mvn is None:
        raise KafkaError(
            "Maven (mvn) is not installed: install it, or set KAFKA_HOME to an unpacked Kafka "
            "distribution"
        )
    tmp = cached.with_suffix(".tmp")
    proc = subprocess.run(
        [mvn, "-q", "-B", "-f", str(POM), "dependency:build-classpath", f"-Dmdep.outputFile={tmp}"],
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0 or not tmp.exists():
        raise KafkaError(
            f"Maven could not resolve the Kafka jars:\n{proc.stdout[-2000:]}{proc.stderr[-2000:]}"
        )
    tmp.replace(cached)
    return cached.read_text().strip()


def is_reachable(bootstrap: str, timeout: float = 2.0) -> bool:
    """True when a broker answers a metadata request at ``bootstrap``."""
    host, _, port = bootstrap.split(",")[0].rpartition(":")
    try:
        with socket.create_connection((host or "127.0.0.1", int(port)), timeout=timeout):
            pass
    except OSError:
        return False
    from kafka import KafkaAdminClient
    from kafka.errors import KafkaError as ClientError

    try:
        admin = KafkaAdminClient(
            bootstrap_servers=bootstrap, request_timeout_ms=int(timeout * 1000) + 1000
        )
    except (ClientError, OSError, ValueError):
        return False
    try:
        admin.list_topics()
        return True
    except (ClientError, OSError):
        return False
    finally:
        admin.close()


def _pid(settings: Settings) -> int | None:
    pidfile = _dir(settings) / "kafka.pid"
    if not pidfile.exists():
        return None
    try:
        pid = int(pidfile.read_text().strip())
        os.kill(pid, 0)
        return pid
    except (ValueError, ProcessLookupError, PermissionError):
        return None


def _local_bootstrap(settings: Settings) -> str:
    return f"127.0.0.1:{settings.kafka_port}"


def status(settings: Settings) -> BrokerStatus:
    bootstrap = _local_bootstrap(settings)
    pid = _pid(settings)
    return BrokerStatus(
        pid is not None, is_reachable(bootstrap), pid, bootstrap, _dir(settings) / "kafka.log"
    )


def _write_config(settings: Settings, data: Path) -> Path:
    cfg = _dir(settings) / "server.properties"
    cfg.write_text(
        "\n".join(
            [
                "# written by `newswire kafka start`",
                "process.roles=broker,controller",
                "node.id=1",
                f"controller.quorum.voters=1@127.0.0.1:{settings.kafka_controller_port}",
                f"listeners=PLAINTEXT://127.0.0.1:{settings.kafka_port},CONTROLLER://127.0.0.1:{settings.kafka_controller_port}",
                f"advertised.listeners=PLAINTEXT://127.0.0.1:{settings.kafka_port}",
                "controller.listener.names=CONTROLLER",
                "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                "inter.broker.listener.name=PLAINTEXT",
                f"log.dirs={data}",
                f"num.partitions={settings.partitions}",
                "offsets.topic.replication.factor=1",
                "offsets.topic.num.partitions=10",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "transaction.state.log.num.partitions=10",
                "share.coordinator.state.topic.replication.factor=1",
                "share.coordinator.state.topic.min.isr=1",
                "group.initial.rebalance.delay.ms=0",
                # keep the broker's limit in step with newswire's own size limit
                f"message.max.bytes={max(settings.max_message_bytes + 65536, 1048588)}",
                "auto.create.topics.enable=true",
                "log.retention.hours=168",
                "",
            ]
        )
    )
    return cfg


def start(settings: Settings, timeout: float = 90.0) -> BrokerStatus:
    """Start the local broker, or reuse one already answering; wait until it serves metadata."""
    bootstrap = _local_bootstrap(settings)
    if is_reachable(bootstrap):
        return status(settings)
    java = shutil.which("java")
    if java is None:
        raise KafkaError("Java is not installed: Kafka 4 needs Java 17 or newer")
    d = _dir(settings)
    data = d / "data"
    cp = classpath(settings)
    cfg = _write_config(settings, data)
    if not (data / "meta.properties").exists():
        data.mkdir(parents=True, exist_ok=True)
        cluster_id = uuid.uuid4().bytes
        import base64

        cid = base64.urlsafe_b64encode(cluster_id).decode().rstrip("=")
        fmt = subprocess.run(
            [java, "-cp", cp, "kafka.tools.StorageTool", "format", "-t", cid, "-c", str(cfg)],
            capture_output=True,
            text=True,
            check=False,
        )
        if fmt.returncode != 0:
            raise KafkaError(f"formatting KRaft storage failed:\n{fmt.stdout}{fmt.stderr}")
    log = d / "kafka.log"
    heap = os.environ.get("KAFKA_HEAP_OPTS", "-Xms256m -Xmx768m")
    cmd = [
        java,
        *heap.split(),
        "-XX:+UseG1GC",
        "-Djava.awt.headless=true",
        f"-Dlog4j2.configurationFile={LOG4J}",
        "-cp",
        cp,
        "kafka.Kafka",
        str(cfg),
    ]
    with open(log, "ab") as out:
        proc = subprocess.Popen(
            cmd,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    (d / "kafka.pid").write_text(str(proc.pid))
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            tail = log.read_text(errors="replace")[-3000:]
            raise KafkaError(
                f"the broker exited with code {proc.returncode}; the end of {log}:\n{tail}"
            )
        if is_reachable(bootstrap, timeout=1.0):
            return status(settings)
        time.sleep(0.5)
    raise KafkaError(f"the broker did not serve metadata within {timeout:.0f}s; see {log}")


def stop(settings: Settings, timeout: float = 60.0) -> bool:
    """Stop the broker newswire started (SIGTERM: a clean shutdown). False if none ran."""
    pid = _pid(settings)
    if pid is None:
        return False
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.3)
    else:
        os.kill(pid, signal.SIGKILL)
    (_dir(settings) / "kafka.pid").unlink(missing_ok=True)
    return True
