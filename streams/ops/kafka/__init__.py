"""A local Apache Kafka (KRaft) for machines without Docker: one node, or a cluster of several.

The broker's jars come from Maven Central through the ``pom.xml`` beside this file (resolved
once into Maven's cache; the classpath is remembered under ``settings.home``), or from an
unpacked Kafka distribution when ``KAFKA_HOME`` / ``NEWSWIRE_KAFKA_HOME`` is set.

``start(settings)`` runs one combined broker and controller at ``kafka_port`` (data, log and
pid under ``<home>/kafka``). ``start(settings, brokers=3)`` runs a three-node cluster: every
node is a broker and a controller voter, node *i* listens on ``kafka_port + 2(i-1)`` and its
controller on ``kafka_controller_port + 2(i-1)`` (9092/9093, 9094/9095, 9096/9097 by
default), with its own data, log and pid under ``<home>/kafka/cluster/node-<i>``. A cluster
of three replicates every topic three times, needs two in sync to accept a write
(``min.insync.replicas=2``) and never elects a replica that was out of sync
(``unclean.leader.election.enable=false``): losing any one node loses nothing.
"""

from __future__ import annotations

import base64
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

from streams.settings import Settings, replication_for

HERE = Path(__file__).resolve().parent
POM = HERE / "pom.xml"
LOG4J = HERE / "log4j2.properties"


class KafkaError(RuntimeError):
    """The local broker could not be set up, started or stopped."""


@dataclass(frozen=True)
class Node:
    """One local Kafka process: its id, ports and directory."""

    id: int
    port: int
    controller_port: int
    dir: Path

    @property
    def bootstrap(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def pidfile(self) -> Path:
        return self.dir / "kafka.pid"

    @property
    def log(self) -> Path:
        return self.dir / "kafka.log"

    @property
    def data(self) -> Path:
        return self.dir / "data"


@dataclass
class BrokerStatus:
    running: bool
    reachable: bool
    pid: int | None
    bootstrap: str
    log: Path
    nodes: list[tuple[int, int | None, bool]] | None = None  # (node id, pid, answering)

    def describe(self) -> str:
        if self.nodes and len(self.nodes) > 1:
            up = sum(1 for _, _, ok in self.nodes if ok)
            parts = ", ".join(
                f"node {n} {'up' if ok else 'DOWN'}" + (f" (pid {pid})" if pid else "")
                for n, pid, ok in self.nodes
            )
            return (
                f"Kafka cluster of {len(self.nodes)} at {self.bootstrap}: {up} of "
                f"{len(self.nodes)} nodes serving metadata ({parts}); logs under {self.log}"
            )
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


def _cluster_dir(settings: Settings) -> Path:
    return _dir(settings) / "cluster"


def nodes(settings: Settings, brokers: int = 1) -> list[Node]:
    """The local nodes of a cluster of `brokers` (1: the single broker newswire always ran)."""
    if brokers < 1:
        raise KafkaError("a cluster needs at least one broker")
    if brokers == 1:
        return [Node(1, settings.kafka_port, settings.kafka_controller_port, _dir(settings))]
    base = _cluster_dir(settings)
    return [
        Node(
            i,
            settings.kafka_port + 2 * (i - 1),
            settings.kafka_controller_port + 2 * (i - 1),
            base / f"node-{i}",
        )
        for i in range(1, brokers + 1)
    ]


def cluster_size(settings: Settings) -> int:
    """How many nodes the last `start` ran with (1 when no cluster was ever started)."""
    f = _dir(settings) / "brokers"
    try:
        return max(1, int(f.read_text().strip()))
    except (OSError, ValueError):
        return 1


def bootstrap_of(settings: Settings, brokers: int = 1) -> str:
    """The bootstrap list clients should use for the local cluster of `brokers`."""
    return ",".join(n.bootstrap for n in nodes(settings, brokers))


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
    return broker_count(bootstrap, timeout) > 0


def broker_count(bootstrap: str, timeout: float = 2.0) -> int:
    """How many brokers the cluster at ``bootstrap`` reports in its metadata (0: no answer)."""
    host, _, port = bootstrap.split(",")[0].rpartition(":")
    try:
        with socket.create_connection((host or "127.0.0.1", int(port)), timeout=timeout):
            pass
    except OSError:
        return 0
    from kafka import KafkaAdminClient
    from kafka.errors import KafkaError as ClientError

    from streams.ops.admin import brokers_of

    try:
        admin = KafkaAdminClient(
            bootstrap_servers=bootstrap.split(",")[0],
            request_timeout_ms=int(timeout * 1000) + 1000,
        )
    except (ClientError, OSError, ValueError):
        return 0
    try:
        return brokers_of(admin)
    except (ClientError, OSError):
        return 0
    finally:
        admin.close()


def _pid_of(node: Node) -> int | None:
    if not node.pidfile.exists():
        return None
    try:
        pid = int(node.pidfile.read_text().strip())
        os.kill(pid, 0)
        return pid
    except (ValueError, ProcessLookupError, PermissionError):
        return None


def _pid(settings: Settings) -> int | None:
    return _pid_of(nodes(settings)[0])


def _local_bootstrap(settings: Settings) -> str:
    return f"127.0.0.1:{settings.kafka_port}"


def status(settings: Settings, brokers: int | None = None) -> BrokerStatus:
    """The local broker, or the local cluster of `brokers` (default: the last one started)."""
    n = brokers or cluster_size(settings)
    if n == 1:
        bootstrap = _local_bootstrap(settings)
        pid = _pid(settings)
        return BrokerStatus(
            pid is not None, is_reachable(bootstrap), pid, bootstrap, _dir(settings) / "kafka.log"
        )
    members = nodes(settings, n)
    rows = [(m.id, _pid_of(m), is_reachable(m.bootstrap, timeout=1.0)) for m in members]
    return BrokerStatus(
        any(pid for _, pid, _ in rows),
        any(ok for _, _, ok in rows),
        None,
        bootstrap_of(settings, n),
        _cluster_dir(settings),
        rows,
    )


def _write_config(settings: Settings, node: Node, cluster: list[Node]) -> Path:
    rf, min_isr = replication_for(settings, len(cluster))
    voters = ",".join(f"{m.id}@127.0.0.1:{m.controller_port}" for m in cluster)
    node.dir.mkdir(parents=True, exist_ok=True)
    cfg = node.dir / "server.properties"
    cfg.write_text(
        "\n".join(
            [
                "# written by `newswire kafka start`",
                "process.roles=broker,controller",
                f"node.id={node.id}",
                f"controller.quorum.voters={voters}",
                f"listeners=PLAINTEXT://127.0.0.1:{node.port},CONTROLLER://127.0.0.1:{node.controller_port}",
                f"advertised.listeners=PLAINTEXT://127.0.0.1:{node.port}",
                "controller.listener.names=CONTROLLER",
                "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                "inter.broker.listener.name=PLAINTEXT",
                f"log.dirs={node.data}",
                f"num.partitions={settings.partitions}",
                # every topic, the broker's own included, as replicated as the cluster allows
                f"default.replication.factor={rf}",
                f"min.insync.replicas={min_isr}",
                "unclean.leader.election.enable=false",
                f"offsets.topic.replication.factor={rf}",
                "offsets.topic.num.partitions=10",
                f"transaction.state.log.replication.factor={rf}",
                f"transaction.state.log.min.isr={min_isr}",
                "transaction.state.log.num.partitions=10",
                f"share.coordinator.state.topic.replication.factor={rf}",
                f"share.coordinator.state.topic.min.isr={min_isr}",
                "group.initial.rebalance.delay.ms=0",
                # keep the broker's limit in step with newswire's own size limit
                f"message.max.bytes={max(settings.max_message_bytes + 65536, 1048588)}",
                f"replica.fetch.max.bytes={max(settings.max_message_bytes + 65536, 1048588)}",
                "auto.create.topics.enable=true",
                "log.retention.hours=168",
                "",
            ]
        )
    )
    return cfg


def _cluster_id(settings: Settings, cluster: list[Node]) -> str:
    """The cluster's id: the one its formatted nodes already carry, or a new one."""
    for m in cluster:
        meta = m.data / "meta.properties"
        if meta.exists():
            for line in meta.read_text().splitlines():
                if line.startswith("cluster.id="):
                    return line.split("=", 1)[1].strip()
    return new_cluster_id()


def new_cluster_id() -> str:
    """A random KRaft cluster id: a UUID in URL-safe base64 that does not start with "-"
    (the storage tool would read it as an option; Kafka's own Uuid.randomUuid() skips
    those too)."""
    while True:
        cid = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
        if not cid.startswith("-"):
            return cid


def _launch(
    java: str, cp: str, settings: Settings, node: Node, cluster: list[Node], cid: str
) -> subprocess.Popen[bytes]:
    cfg = _write_config(settings, node, cluster)
    if not (node.data / "meta.properties").exists():
        node.data.mkdir(parents=True, exist_ok=True)
        fmt = subprocess.run(
            [java, "-cp", cp, "kafka.tools.StorageTool", "format", "-t", cid, "-c", str(cfg)],
            capture_output=True,
            text=True,
            check=False,
        )
        if fmt.returncode != 0:
            raise KafkaError(
                f"formatting KRaft storage of node {node.id} failed:\n{fmt.stdout}{fmt.stderr}"
            )
    default_heap = "-Xms256m -Xmx768m" if len(cluster) == 1 else "-Xms128m -Xmx512m"
    heap = os.environ.get("KAFKA_HEAP_OPTS", default_heap)
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
    with open(node.log, "ab") as out:
        proc = subprocess.Popen(
            cmd,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    node.pidfile.write_text(str(proc.pid))
    return proc


def start(settings: Settings, timeout: float = 90.0, brokers: int = 1) -> BrokerStatus:
    """Start the local broker (or the nodes of a local cluster of `brokers` that are not
    running), reusing what already answers; wait until every node serves metadata and the
    cluster reports all its brokers."""
    cluster = nodes(settings, brokers)
    (_dir(settings) / "brokers").write_text(str(brokers))  # what `status` and `kill` look at
    if brokers == 1 and is_reachable(cluster[0].bootstrap):
        return status(settings, 1)
    missing = [m for m in cluster if not is_reachable(m.bootstrap, timeout=1.0)]
    if not missing:
        return status(settings, brokers)
    java = shutil.which("java")
    if java is None:
        raise KafkaError("Java is not installed: Kafka 4 needs Java 17 or newer")
    cp = classpath(settings)
    cid = _cluster_id(settings, cluster)
    procs = {}
    for m in missing:
        if _pid_of(m) is None:
            procs[m.id] = (m, _launch(java, cp, settings, m, cluster, cid))
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for m, proc in procs.values():
            if proc.poll() is not None:
                tail = m.log.read_text(errors="replace")[-3000:]
                raise KafkaError(
                    f"node {m.id} exited with code {proc.returncode}; the end of {m.log}:\n{tail}"
                )
        if all(broker_count(m.bootstrap, timeout=1.0) >= brokers for m in cluster):
            return status(settings, brokers)
        time.sleep(0.5)
    logs = ", ".join(str(m.log) for m in cluster)
    raise KafkaError(
        f"the {'cluster' if brokers > 1 else 'broker'} did not serve metadata within "
        f"{timeout:.0f}s; see {logs}"
    )


def kill(settings: Settings, node_id: int, sig: int = signal.SIGKILL) -> int | None:
    """Send `sig` to one node of the local cluster (a crash, with SIGKILL); its pid or None."""
    n = cluster_size(settings)
    node = next((m for m in nodes(settings, n) if m.id == node_id), None)
    pid = _pid_of(node) if node else None
    if pid is None:
        return None
    os.kill(pid, sig)
    if sig == signal.SIGKILL:
        _wait_gone(pid, 30)
    return pid


def _wait_gone(pid: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.2)
    return False


def stop(settings: Settings, timeout: float = 60.0) -> bool:
    """Stop every broker newswire started, the single one and any cluster's nodes (SIGTERM:
    a clean shutdown, SIGKILL after `timeout`). False if none ran."""
    size = cluster_size(settings)
    candidates = nodes(settings) + (nodes(settings, size) if size > 1 else [])
    found = [(m, pid) for m in candidates if (pid := _pid_of(m)) is not None]
    for _, pid in found:
        os.kill(pid, signal.SIGTERM)
    for m, pid in found:
        if not _wait_gone(pid, timeout):
            os.kill(pid, signal.SIGKILL)
            _wait_gone(pid, 10)
        m.pidfile.unlink(missing_ok=True)
    return bool(found)
